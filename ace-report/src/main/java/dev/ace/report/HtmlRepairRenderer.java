package dev.ace.report;

import dev.ace.core.repair.NodeRepairResult;
import dev.ace.core.repair.RepairConflict;
import dev.ace.core.repair.RepairResult;
import dev.ace.core.repair.RowChange;
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
 * HTML repair report: one self-contained page (inline CSS, nothing fetched from elsewhere) saying,
 * per target node, how its transaction ended and what was deleted, inserted, updated (before and
 * after, changed cells highlighted) and skipped with the reason, for live runs and dry runs alike.
 * At most {@code rowsPerList} rows are shown per list, with a count of the rest. It names nodes
 * only, never hosts, users or passwords; every value is HTML-escaped. Thread-safe.
 */
public final class HtmlRepairRenderer implements ReportRenderer<RepairResult> {

    private final int rowsPerList;
    private final PebbleTemplate template;

    public HtmlRepairRenderer(int rowsPerList) {
        if (rowsPerList < 1) {
            throw new IllegalArgumentException("rowsPerList must be at least 1, was " + rowsPerList);
        }
        this.rowsPerList = rowsPerList;
        this.template = new PebbleEngine.Builder().loader(new ClasspathLoader()).autoEscaping(true)
                .strictVariables(true).build().getTemplate("dev/ace/report/repair.html.peb");
    }

    @Override
    public void render(RepairResult result, OutputStream out) throws IOException {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("cluster", result.clusterName());
        summary.put("dbname", result.dbname());
        summary.put("table", result.table().toString());
        summary.put("mode", result.mode().apiName());
        summary.put("sourceOfTruth", result.sourceOfTruth() == null ? "" : result.sourceOfTruth());
        summary.put("dryRun", result.dryRun());
        summary.put("atomic", result.atomic());
        summary.put("succeeded", result.succeeded());
        summary.put("diffFile", result.diffFile().getFileName().toString());
        summary.put("start", result.startedAt().toString());
        summary.put("end", result.finishedAt().toString());
        summary.put("taskId", result.taskId());
        summary.put("warnings", result.warnings());
        List<Map<String, Object>> nodes = new ArrayList<>();
        for (NodeRepairResult node : result.nodes()) {
            Map<String, Object> model = new LinkedHashMap<>();
            model.put("name", node.node());
            model.put("status", node.status().name());
            model.put("deleted", node.deleted());
            model.put("inserted", node.inserted());
            model.put("updated", node.updated());
            model.put("skipped", node.skipped());
            model.put("error", node.error() == null ? "" : node.error());
            model.put("deletes", changes(node, RowChange.Kind.DELETE));
            model.put("inserts", changes(node, RowChange.Kind.INSERT));
            model.put("updates", changes(node, RowChange.Kind.UPDATE));
            List<Map<String, Object>> conflicts = new ArrayList<>();
            for (RepairConflict conflict : node.conflicts().subList(0, Math.min(rowsPerList, node.conflicts().size()))) {
                conflicts.add(Map.of("key", String.join(", ", conflict.key().stream().map(String::valueOf).toList()),
                        "reason", conflict.reason()));
            }
            model.put("conflicts", conflicts);
            model.put("conflictsHidden", node.conflicts().size() - conflicts.size());
            nodes.add(model);
        }
        Map<String, Object> context = new HashMap<>();
        context.put("summary", summary);
        context.put("columns", result.columns());
        context.put("nodes", nodes);
        context.put("hint", RepairConflict.HINT);
        Writer writer = new OutputStreamWriter(out, StandardCharsets.UTF_8);
        template.evaluate(writer, context);
        writer.flush();
    }

    private Map<String, Object> changes(NodeRepairResult node, RowChange.Kind kind) {
        List<Map<String, Object>> rows = new ArrayList<>();
        long total = 0;
        for (RowChange change : node.changes()) {
            if (change.kind() != kind) {
                continue;
            }
            total++;
            if (rows.size() < rowsPerList) {
                Map<String, Object> row = new HashMap<>();
                row.put("before", HtmlDiffRenderer.cells(change.before(), change.after()));
                row.put("after", HtmlDiffRenderer.cells(change.after(), change.before()));
                rows.add(row);
            }
        }
        Map<String, Object> model = new HashMap<>();
        model.put("rows", rows);
        model.put("hidden", total - rows.size());
        return model;
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
