package dev.ace.report;

import dev.ace.core.diff.DiffFile;
import dev.ace.core.diff.TableDiffRequest;
import java.util.EnumMap;
import java.util.Map;

/**
 * The renderers of diffs, one per value of the API's {@code output} option, registered
 * explicitly. Immutable and thread-safe.
 */
public final class DiffRenderers {

    private final Map<TableDiffRequest.Output, ReportRenderer<DiffFile>> renderers;

    private DiffRenderers(Map<TableDiffRequest.Output, ReportRenderer<DiffFile>> renderers) {
        this.renderers = renderers;
    }

    /** JSON (the diff file itself), CSV (formulas left as they are) and HTML (first 1,000 rows per pair). */
    public static DiffRenderers standard() {
        return of(new JsonDiffRenderer(), new CsvDiffRenderer(false), new HtmlDiffRenderer(HtmlDiffRenderer.DEFAULT_ROWS));
    }

    public static DiffRenderers of(ReportRenderer<DiffFile> json, ReportRenderer<DiffFile> csv,
                                   ReportRenderer<DiffFile> html) {
        Map<TableDiffRequest.Output, ReportRenderer<DiffFile>> map = new EnumMap<>(TableDiffRequest.Output.class);
        map.put(TableDiffRequest.Output.JSON, json);
        map.put(TableDiffRequest.Output.CSV, csv);
        map.put(TableDiffRequest.Output.HTML, html);
        return new DiffRenderers(map);
    }

    public ReportRenderer<DiffFile> get(TableDiffRequest.Output output) {
        return renderers.get(output);
    }
}
