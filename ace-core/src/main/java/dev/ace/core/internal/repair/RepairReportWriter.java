package dev.ace.core.internal.repair;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ace.core.AceException;
import dev.ace.core.ErrorCode;
import dev.ace.core.internal.diff.DiffOutput;
import dev.ace.core.repair.NodeRepairResult;
import dev.ace.core.repair.RepairConflict;
import dev.ace.core.repair.RepairResult;
import dev.ace.core.repair.RowChange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Writes the JSON repair report ({@code generate_report}): what was (or, in a dry run, would be)
 * changed on each node, row by row, and what was skipped and why. Rows are objects of column
 * name to value, values as PostgreSQL prints them (text; null for SQL NULL). Holds no connection
 * details beyond node names and never a password. Written under a temporary name and moved into
 * place. Thread-safe (stateless).
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
final class RepairReportWriter {

    /** The format of the report this version writes. */
    static final String FORMAT = "ace-repair/1";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private RepairReportWriter() {
    }

    static Path write(Path outputDirectory, RepairResult result, boolean fireTriggers) {
        Path directory = DiffOutput.directory(outputDirectory, "reports", result.startedAt());
        Path target = directory.resolve(DiffOutput.fileName(result.table(), "repair", result.taskId()));
        Path partial = target.resolveSibling("." + target.getFileName() + ".partial");
        try {
            Files.createDirectories(directory);
            try (OutputStream out = Files.newOutputStream(partial);
                 JsonGenerator json = MAPPER.getFactory().createGenerator(out)) {
                json.useDefaultPrettyPrinter();
                write(json, result, fireTriggers);
            }
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
            return target;
        } catch (IOException e) {
            try {
                Files.deleteIfExists(partial);
            } catch (IOException ignored) {
                // the first error is the one to report
            }
            throw new AceException(ErrorCode.IO_ERROR, "could not write the repair report " + target + ": "
                    + e.getMessage(), e);
        }
    }

    private static void write(JsonGenerator json, RepairResult result, boolean fireTriggers) throws IOException {
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
        json.writeBooleanField("fire_triggers", fireTriggers);
        json.writeStringField("start_time", result.startedAt().toString());
        json.writeStringField("end_time", result.finishedAt().toString());
        json.writeNumberField("time_taken", result.duration().toMillis() / 1000.0);
        json.writeBooleanField("succeeded", result.succeeded());
        json.writeArrayFieldStart("columns");
        for (String column : result.columns()) {
            json.writeString(column);
        }
        json.writeEndArray();
        json.writeArrayFieldStart("primary_key");
        for (String column : result.primaryKey()) {
            json.writeString(column);
        }
        json.writeEndArray();
        json.writeObjectFieldStart("nodes");
        for (NodeRepairResult node : result.nodes()) {
            json.writeObjectFieldStart(node.node());
            json.writeStringField("status", node.status().name().toLowerCase(java.util.Locale.ROOT));
            json.writeNumberField("deleted", node.deleted());
            json.writeNumberField("inserted", node.inserted());
            json.writeNumberField("updated", node.updated());
            json.writeNumberField("skipped", node.skipped());
            json.writeBooleanField("spock_repair_mode", node.spockRepairMode());
            json.writeNumberField("time_taken", node.duration().toMillis() / 1000.0);
            json.writeStringField("error", node.error());
            writeRows(json, "deleted_rows", node, RowChange.Kind.DELETE, result.columns());
            writeRows(json, "inserted_rows", node, RowChange.Kind.INSERT, result.columns());
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
        json.writeArrayFieldStart("warnings");
        for (String warning : result.warnings()) {
            json.writeString(warning);
        }
        json.writeEndArray();
        json.writeEndObject();
    }

    private static void writeRows(JsonGenerator json, String field, NodeRepairResult node, RowChange.Kind kind,
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
