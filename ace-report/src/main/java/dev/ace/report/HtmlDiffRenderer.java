package dev.ace.report;

import dev.ace.core.catalog.Column;
import dev.ace.core.diff.DiffFile;
import dev.ace.core.diff.DiffSummary;
import io.pebbletemplates.pebble.PebbleEngine;
import io.pebbletemplates.pebble.loader.ClasspathLoader;
import io.pebbletemplates.pebble.template.PebbleTemplate;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * HTML: one self-contained page (inline CSS, no scripts, fonts or anything fetched from
 * elsewhere) with the diff's summary and, per node pair in key order, changed rows side by side
 * with the changed columns highlighted, and rows only one node holds. At most {@code rowsPerPair}
 * entries are shown per pair (the page says how many were left out), so a report of a million
 * differing rows renders in bounded memory. Every value is HTML-escaped; SQL NULL is shown as a
 * marked NULL, distinct from an empty string and from the text "NULL". Thread-safe.
 */
public final class HtmlDiffRenderer implements ReportRenderer<DiffFile> {

    public static final int DEFAULT_ROWS = 1000;

    private final int rowsPerPair;
    private final KeyGroups groups;
    private final PebbleTemplate template;

    public HtmlDiffRenderer(int rowsPerPair) {
        this(rowsPerPair, KeyGroups.standard());
    }

    HtmlDiffRenderer(int rowsPerPair, KeyGroups groups) {
        if (rowsPerPair < 1) {
            throw new IllegalArgumentException("rowsPerPair must be at least 1, was " + rowsPerPair);
        }
        this.rowsPerPair = rowsPerPair;
        this.groups = groups;
        PebbleEngine engine = new PebbleEngine.Builder().loader(new ClasspathLoader()).autoEscaping(true)
                .strictVariables(true).build();
        this.template = engine.getTemplate("dev/ace/report/diff.html.peb");
    }

    /** Per pair: counts of every kind and the first {@code rowsPerPair} keys, in key order. */
    private static final class PairView {
        final String name;
        final String left;
        final String right;
        long changed;
        long onlyLeft;
        long onlyRight;
        final List<KeyGroups.Group> shown = new ArrayList<>();

        PairView(KeyGroups.Group group) {
            this.name = group.pair();
            this.left = group.leftNode();
            this.right = group.rightNode();
        }
    }

    @Override
    public void render(DiffFile source, OutputStream out) throws IOException {
        DiffSummary summary = source.summary();
        Map<String, PairView> pairs = new LinkedHashMap<>();
        groups.forEach(source, group -> {
            PairView view = pairs.computeIfAbsent(group.pair(), name -> new PairView(group));
            if (group.changed()) {
                view.changed++;
            } else if (group.left() != null) {
                view.onlyLeft++;
            } else {
                view.onlyRight++;
            }
            if (view.shown.size() < rowsPerPair) {
                view.shown.add(group);
            }
        });
        Map<String, Object> context = new HashMap<>();
        context.put("summary", summaryModel(summary, source));
        context.put("columns", summary.columns().stream().map(Column::name).toList());
        context.put("pairs", pairs.values().stream().map(this::pairModel).toList());
        Writer writer = new OutputStreamWriter(out, StandardCharsets.UTF_8);
        template.evaluate(writer, context);
        writer.flush();
    }

    private static Map<String, Object> summaryModel(DiffSummary summary, DiffFile source) {
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("cluster", summary.clusterName());
        model.put("dbname", summary.dbname());
        model.put("table", summary.table().toString());
        model.put("nodes", String.join(", ", summary.nodes()));
        model.put("taskId", summary.taskId());
        model.put("primaryKey", String.join(", ", summary.primaryKey()));
        model.put("blockRows", summary.blockRows());
        model.put("maxCpuRatio", summary.maxCpuRatio());
        model.put("batchSize", summary.batchSize());
        model.put("tableFilter", summary.tableFilter() == null ? "" : summary.tableFilter());
        model.put("start", summary.startedAt() == null ? "" : summary.startedAt().toString());
        model.put("end", summary.finishedAt() == null ? "" : summary.finishedAt().toString());
        model.put("timeTaken", summary.timeTaken());
        model.put("rowsChecked", summary.rowsChecked());
        model.put("diffCount", summary.diffCount());
        model.put("truncated", summary.truncated());
        model.put("match", summary.diffCount().isEmpty());
        model.put("file", source.path().getFileName().toString());
        return model;
    }

    private Map<String, Object> pairModel(PairView view) {
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("name", view.name);
        model.put("left", view.left);
        model.put("right", view.right);
        model.put("changed", view.changed);
        model.put("onlyLeft", view.onlyLeft);
        model.put("onlyRight", view.onlyRight);
        long total = view.changed + view.onlyLeft + view.onlyRight;
        model.put("total", total);
        model.put("hidden", total - view.shown.size());
        List<Map<String, Object>> entries = new ArrayList<>();
        for (KeyGroups.Group group : view.shown) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("kind", group.changed() ? "changed" : "only " + (group.left() != null ? view.left : view.right));
            row.put("left", cells(group.left(), group.right()));
            row.put("right", cells(group.right(), group.left()));
            entries.add(row);
        }
        model.put("entries", entries);
        return model;
    }

    /**
     * Template cells of one side of a row: value ("" for SQL NULL), whether it is NULL, whether it
     * differs from the other side (never, when there is no other side). Shared by the HTML renderers.
     */
    static List<Map<String, Object>> cells(List<String> values, List<String> other) {
        if (values == null) {
            return List.of();
        }
        List<Map<String, Object>> cells = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            Map<String, Object> cell = new HashMap<>();
            String value = values.get(i);
            cell.put("value", value == null ? "" : value);
            cell.put("isNull", value == null);
            cell.put("changed", other != null && !java.util.Objects.equals(value, other.get(i)));
            cells.add(cell);
        }
        return cells;
    }

    @Override
    public String mediaType() {
        return "text/html; charset=UTF-8";
    }

    @Override
    public String fileExtension() {
        return "html";
    }
}
