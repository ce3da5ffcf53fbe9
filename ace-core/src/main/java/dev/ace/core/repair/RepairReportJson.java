package dev.ace.core.repair;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Locale;

/**
 * The JSON repair report ({@code generate_report}, and the {@code json} repair renderer of
 * {@code ace-report}): what was (or, in a dry run, would be) changed on each node, row by row,
 * and what was skipped and why. Rows are objects of column name to value, values as PostgreSQL
 * prints them (text; null for SQL NULL). It holds node names only, never hosts, users or
 * passwords. This is the only writer of the format, so every repair report reads alike.
 * Thread-safe (stateless).
 *
 * <pre>{@code
 * {"report": "ace-repair/1", "task_id": ..., "mode": "standard", "source_of_truth": "n1", "dry_run": false,
 *  "nodes": {"n2": {"status": "repaired", "deleted": 1, "inserted": 2, "updated": 1, "skipped": 0,
 *                   "deleted_rows": [{...}], "inserted_rows": [{...}],
 *                   "updated_rows": [{"before": {...}, "after": {...}}],
 *                   "conflicts": [{"key": {...}, "reason": "changed on n2 since the diff"}],
 *                   "kept_differences": [{...key...}]}}}
 * }</pre>
 */
public final class RepairReportJson {

    /** The format of the report this version writes (the {@code report} field). */
    public static final String FORMAT = "ace-repair/1";
    private static final JsonFactory FACTORY = new JsonFactory()
            .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);

    private RepairReportJson() {
    }

    /**
     * Writes the report of {@code result} to {@code out} (flushed, not closed). The request's
     * {@code fire_triggers} is not part of a result; it is written when known, and left out when
     * {@code fireTriggers} is null.
     */
    public static void write(RepairResult result, Boolean fireTriggers, OutputStream out) throws IOException {
        try (JsonGenerator json = FACTORY.createGenerator(out)) {
            json.useDefaultPrettyPrinter();
            write(json, result, fireTriggers);
        }
    }

    private static void write(JsonGenerator json, RepairResult result, Boolean fireTriggers) throws IOException {
        json.writeStartObject();
        json.writeStringField("report", FORMAT);
        json.writeStringField("task_id", result.taskId());
        json.writeStringField("cluster_name", result.clusterName());
        json.writeStringField("dbname", result.dbname());
        json.writeStringField("schema_name", result.table().schema());
        json.writeStringField("table_name", result.table().table());
        json.writeStringField("diff_file", result.diffFile().toString());
        json.writeStringField("mode", result.mode().apiName());
        json.writeStringField("source_of_truth", result.sourceOfTruth());
        json.writeBooleanField("dry_run", result.dryRun());
        json.writeBooleanField("atomic", result.atomic());
        if (fireTriggers != null) {
            json.writeBooleanField("fire_triggers", fireTriggers);
        }
        json.writeStringField("start_time", result.startedAt().toString());
        json.writeStringField("end_time", result.finishedAt().toString());
        json.writeNumberField("time_taken", result.duration().toMillis() / 1000.0);
        json.writeBooleanField("succeeded", result.succeeded());
        strings(json, "columns", result.columns());
        strings(json, "primary_key", result.primaryKey());
        json.writeObjectFieldStart("nodes");
        for (NodeRepairResult node : result.nodes()) {
            json.writeObjectFieldStart(node.node());
            json.writeStringField("status", node.status().name().toLowerCase(Locale.ROOT));
            json.writeNumberField("deleted", node.deleted());
            json.writeNumberField("inserted", node.inserted());
            json.writeNumberField("updated", node.updated());
            json.writeNumberField("skipped", node.skipped());
            json.writeBooleanField("spock_repair_mode", node.spockRepairMode());
            json.writeNumberField("time_taken", node.duration().toMillis() / 1000.0);
            json.writeStringField("error", node.error());
            rows(json, "deleted_rows", node, RowChange.Kind.DELETE, result.columns());
            rows(json, "inserted_rows", node, RowChange.Kind.INSERT, result.columns());
            json.writeArrayFieldStart("updated_rows");
            for (RowChange change : node.changes()) {
                if (change.kind() == RowChange.Kind.UPDATE) {
                    json.writeStartObject();
                    json.writeFieldName("before");
                    row(json, result.columns(), change.before());
                    json.writeFieldName("after");
                    row(json, result.columns(), change.after());
                    json.writeEndObject();
                }
            }
            json.writeEndArray();
            json.writeArrayFieldStart("conflicts");
            for (RepairConflict conflict : node.conflicts()) {
                json.writeStartObject();
                json.writeFieldName("key");
                row(json, result.primaryKey(), conflict.key());
                json.writeStringField("reason", conflict.reason());
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeArrayFieldStart("kept_differences");
            for (List<String> key : node.keptDifferences()) {
                row(json, result.primaryKey(), key);
            }
            json.writeEndArray();
            json.writeEndObject();
        }
        json.writeEndObject();
        if (result.totalSkipped() > 0) {
            json.writeStringField("hint", RepairConflict.HINT);
        }
        strings(json, "warnings", result.warnings());
        json.writeEndObject();
    }

    private static void strings(JsonGenerator json, String field, List<String> values) throws IOException {
        json.writeArrayFieldStart(field);
        for (String value : values) {
            json.writeString(value);
        }
        json.writeEndArray();
    }

    private static void rows(JsonGenerator json, String field, NodeRepairResult node, RowChange.Kind kind,
                             List<String> columns) throws IOException {
        json.writeArrayFieldStart(field);
        for (RowChange change : node.changes()) {
            if (change.kind() == kind) {
                row(json, columns, kind == RowChange.Kind.DELETE ? change.before() : change.after());
            }
        }
        json.writeEndArray();
    }

    private static void row(JsonGenerator json, List<String> names, List<String> values) throws IOException {
        json.writeStartObject();
        for (int i = 0; i < names.size(); i++) {
            json.writeStringField(names.get(i), values.get(i));
        }
        json.writeEndObject();
    }
}
