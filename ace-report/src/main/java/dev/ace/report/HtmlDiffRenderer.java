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
 * elsewhere) with the diff's summary and, per node pair, changed rows side by side with the
 * changed columns highlighted, then rows only one node holds. At most {@code rowsPerPair}
 * entries are shown per pair (the page says how many were left out), so a report of a million
 * differing rows renders in bounded memory. Every value is HTML-escaped; SQL NULL is shown as a
 * marked NULL, distinct from an empty string and from the text "NULL". Thread-safe.
 */
public final class HtmlDiffRenderer implements ReportRenderer<DiffFile> {

    public static final int DEFAULT_ROWS = 1000;

    private final int rowsPerPair;
    private final PebbleTemplate template;

    public HtmlDiffRenderer(int rowsPerPair) {
        if (rowsPerPair < 1) {
            throw new IllegalArgumentException("rowsPerPair must be at least 1, was " + rowsPerPair);
        }
        this.rowsPerPair = rowsPerPair;
        PebbleEngine engine = new PebbleEngine.Builder().loader(new ClasspathLoader()).autoEscaping(true)
                .strictVariables(true).build();
        this.template = engine.getTemplate("dev/ace/report/diff.html.peb");
    }

    /** One shown entry of a pair: a changed row (both sides) or a row one node holds. */
    private static final class Entry {
        final String kind;
        final List<String> left;
        List<String> right;

        Entry(String kind, List<String> left, List<String> right) {
            this.kind = kind;
            this.left = left;
            this.right = right;
        }
    }

    /** Per pair: counts of every kind and the first entries. */
    private static final class PairView {
        final String name;
        final String left;
        final String right;
        long changed;
        long onlyLeft;
        long onlyRight;
        final List<Entry> entries = new ArrayList<>();
        final Map<Long, Entry> waiting = new HashMap<>();

        PairView(String name) {
            this.name = name;
            String[] nodes = name.split("/", 2);
            this.left = nodes[0];
            this.right = nodes[1];
        }
    }

    @Override
    public void render(DiffFile source, OutputStream out) throws IOException {
        DiffSummary summary = source.summary();
        KeyIndex index = KeyIndex.of(source);
        Map<String, PairView> pairs = new LinkedHashMap<>();
        source.forEachRow((pair, node, row) -> {
            PairView view = pairs.computeIfAbsent(pair, PairView::new);
            boolean onLeft = node.equals(view.left);
            boolean changed = index.has(pair, KeyIndex.other(pair, node), row);
            if (changed) {
                long key = KeyIndex.digest(row.key());
                if (onLeft) {
                    view.changed++;
                    if (view.entries.size() < rowsPerPair) {
                        Entry entry = new Entry("changed", row.values(), null);
                        view.entries.add(entry);
                        view.waiting.put(key, entry);
                    }
                } else {
                    Entry entry = view.waiting.remove(key);
                    if (entry != null) {
                        entry.right = row.values();
                    }
                }
            } else if (onLeft) {
                view.onlyLeft++;
                if (view.entries.size() < rowsPerPair) {
                    view.entries.add(new Entry("only " + node, row.values(), null));
                }
            } else {
                view.onlyRight++;
                if (view.entries.size() < rowsPerPair) {
                    view.entries.add(new Entry("only " + node, null, row.values()));
                }
            }
        });
        Map<String, Object> context = new HashMap<>();
        context.put("summary", summaryModel(summary, source));
        context.put("columns", summary.columns().stream().map(Column::name).toList());
        context.put("pairs", pairs.values().stream().map(view -> pairModel(view, summary)).toList());
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
        model.put("start", summary.startTime());
        model.put("end", summary.endTime());
        model.put("timeTaken", summary.timeTaken());
        model.put("rowsChecked", summary.rowsChecked());
        model.put("diffCount", summary.diffCount());
        model.put("truncated", summary.truncated());
        model.put("match", summary.diffCount().isEmpty());
        model.put("file", source.path().getFileName().toString());
        return model;
    }

    private Map<String, Object> pairModel(PairView view, DiffSummary summary) {
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("name", view.name);
        model.put("left", view.left);
        model.put("right", view.right);
        model.put("changed", view.changed);
        model.put("onlyLeft", view.onlyLeft);
        model.put("onlyRight", view.onlyRight);
        long total = view.changed + view.onlyLeft + view.onlyRight;
        model.put("total", total);
        model.put("hidden", total - view.entries.size());
        List<Map<String, Object>> entries = new ArrayList<>();
        for (Entry entry : view.entries) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("kind", entry.kind);
            row.put("left", cells(entry.left, entry.right));
            row.put("right", cells(entry.right, entry.left));
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
