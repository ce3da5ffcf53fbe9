package dev.ace.report;

import dev.ace.core.diff.TableDiffRequest;
import dev.ace.core.error.InvalidRequestException;
import dev.ace.core.repair.RepairResult;
import java.util.EnumMap;
import java.util.Map;

/**
 * The renderers of repair results, registered explicitly: {@code json} (the {@code generate_report}
 * format) and {@code html}. There is no CSV repair report. Immutable and thread-safe.
 */
public final class RepairRenderers {

    private final Map<TableDiffRequest.Output, ReportRenderer<RepairResult>> renderers;

    private RepairRenderers(Map<TableDiffRequest.Output, ReportRenderer<RepairResult>> renderers) {
        this.renderers = renderers;
    }

    /** JSON and HTML (first 1,000 rows per list). */
    public static RepairRenderers standard() {
        return of(new JsonRepairRenderer(), new HtmlRepairRenderer(HtmlDiffRenderer.DEFAULT_ROWS));
    }

    public static RepairRenderers of(ReportRenderer<RepairResult> json, ReportRenderer<RepairResult> html) {
        Map<TableDiffRequest.Output, ReportRenderer<RepairResult>> map = new EnumMap<>(TableDiffRequest.Output.class);
        map.put(TableDiffRequest.Output.JSON, json);
        map.put(TableDiffRequest.Output.HTML, html);
        return new RepairRenderers(map);
    }

    /** The renderer for {@code output}; {@link InvalidRequestException} for csv, which repair reports do not have. */
    public ReportRenderer<RepairResult> get(TableDiffRequest.Output output) {
        ReportRenderer<RepairResult> renderer = renderers.get(output);
        if (renderer == null) {
            throw new InvalidRequestException("a repair report is json or html, was " + output.name().toLowerCase(
                    java.util.Locale.ROOT));
        }
        return renderer;
    }
}
