package dev.ace.core.internal.task;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ace.core.catalog.TableName;
import dev.ace.core.diff.DiffResult;
import dev.ace.core.error.ErrorCode;
import dev.ace.core.repair.NodeRepairResult;
import dev.ace.core.repair.RepairConflict;
import dev.ace.core.repair.RepairMode;
import dev.ace.core.repair.RepairResult;
import dev.ace.core.task.TaskProgress;
import dev.ace.core.task.TaskResult;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON text the task store keeps for a task's options, progress and result. A repair's
 * result is kept without its row-by-row changes (they can be large; the repair report holds
 * them). Every field is written under the API's snake_case name. Thread-safe.
 */
final class TaskJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {
    };

    private TaskJson() {
    }

    static String options(Map<String, Object> options) {
        return write(MAPPER.valueToTree(options));
    }

    static Map<String, Object> options(String json) {
        try {
            return MAPPER.readValue(json, MAP);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("options are not JSON: " + e.getOriginalMessage(), e);
        }
    }

    // ------------------------------------------------------------------ progress

    static String progress(TaskProgress progress) {
        if (progress == null) {
            return null;
        }
        ObjectNode json = MAPPER.createObjectNode();
        if (progress instanceof TaskProgress.Ranges ranges) {
            json.put("ranges_done", ranges.done());
            json.put("ranges_total", ranges.total());
        } else if (progress instanceof TaskProgress.Rows rows) {
            ObjectNode nodes = json.putObject("nodes");
            rows.nodes().forEach((node, counts) -> nodes.putObject(node).put("planned", counts.planned())
                    .put("applied", counts.applied()));
        }
        return write(json);
    }

    static TaskProgress progress(String text) {
        if (text == null) {
            return null;
        }
        JsonNode json = read(text);
        if (json.has("nodes")) {
            Map<String, TaskProgress.NodeRows> nodes = new LinkedHashMap<>();
            json.get("nodes").properties().forEach(entry -> nodes.put(entry.getKey(),
                    new TaskProgress.NodeRows(entry.getValue().path("planned").asLong(),
                            entry.getValue().path("applied").asLong())));
            return new TaskProgress.Rows(nodes);
        }
        return new TaskProgress.Ranges(json.path("ranges_done").asInt(), json.path("ranges_total").asInt());
    }

    // ------------------------------------------------------------------ results

    static String result(TaskResult result) {
        if (result == null) {
            return null;
        }
        if (result instanceof TaskResult.Diff diff) {
            ObjectNode json = diff(diff.result());
            ObjectNode reports = json.putObject("reports");
            diff.reports().forEach((kind, file) -> reports.put(kind, file.toString()));
            return write(json);
        }
        return write(repair(((TaskResult.Repair) result).result()));
    }

    static TaskResult result(String text) {
        if (text == null) {
            return null;
        }
        JsonNode json = read(text);
        if (json.has("mode")) {
            return new TaskResult.Repair(repair(json));
        }
        Map<String, Path> reports = new LinkedHashMap<>();
        json.path("reports").properties().forEach(entry -> reports.put(entry.getKey(),
                Path.of(entry.getValue().asText())));
        return new TaskResult.Diff(diff(json), reports);
    }

    private static ObjectNode diff(DiffResult result) {
        ObjectNode json = MAPPER.createObjectNode();
        json.put("task_id", result.taskId());
        json.put("cluster_name", result.clusterName());
        json.put("dbname", result.dbname());
        json.put("schema_name", result.table().schema());
        json.put("table_name", result.table().table());
        strings(json.putArray("nodes"), result.nodes());
        counts(json.putObject("rows_checked"), result.rowsChecked());
        json.put("ranges_planned", result.rangesPlanned());
        json.put("ranges_mismatched", result.rangesMismatched());
        counts(json.putObject("diff_count"), result.diffCounts());
        json.put("start_time", result.startedAt().toString());
        json.put("end_time", result.finishedAt().toString());
        json.put("diff_file", result.diffFile() == null ? null : result.diffFile().toString());
        json.put("truncated", result.truncated());
        if (!result.walPositions().isEmpty()) {
            ObjectNode positions = json.putObject("wal_positions");
            result.walPositions().forEach(positions::put);
        }
        return json;
    }

    private static DiffResult diff(JsonNode json) {
        Map<String, String> positions = new java.util.LinkedHashMap<>();
        json.path("wal_positions").fields().forEachRemaining(entry -> positions.put(entry.getKey(),
                entry.getValue().asText()));
        return new DiffResult(text(json, "task_id"), text(json, "cluster_name"), text(json, "dbname"),
                new TableName(text(json, "schema_name"), text(json, "table_name")), strings(json.get("nodes")),
                counts(json.get("rows_checked")), json.path("ranges_planned").asInt(),
                json.path("ranges_mismatched").asInt(), counts(json.get("diff_count")),
                Instant.parse(text(json, "start_time")), Instant.parse(text(json, "end_time")),
                path(json, "diff_file"), json.path("truncated").asBoolean(), positions);
    }

    private static ObjectNode repair(RepairResult result) {
        ObjectNode json = MAPPER.createObjectNode();
        json.put("task_id", result.taskId());
        json.put("cluster_name", result.clusterName());
        json.put("dbname", result.dbname());
        json.put("schema_name", result.table().schema());
        json.put("table_name", result.table().table());
        json.put("diff_file", result.diffFile() == null ? null : result.diffFile().toString());
        json.put("mode", result.mode().apiName());
        json.put("source_of_truth", result.sourceOfTruth());
        json.put("dry_run", result.dryRun());
        json.put("atomic", result.atomic());
        strings(json.putArray("columns"), result.columns());
        strings(json.putArray("primary_key"), result.primaryKey());
        ArrayNode nodes = json.putArray("nodes");
        for (NodeRepairResult node : result.nodes()) {
            ObjectNode entry = nodes.addObject();
            entry.put("node", node.node());
            entry.put("status", node.status().name());
            entry.put("deleted", node.deleted());
            entry.put("inserted", node.inserted());
            entry.put("updated", node.updated());
            ArrayNode conflicts = entry.putArray("conflicts");
            for (RepairConflict conflict : node.conflicts()) {
                ObjectNode item = conflicts.addObject();
                strings(item.putArray("key"), conflict.key());
                item.put("reason", conflict.reason());
            }
            ArrayNode kept = entry.putArray("kept_differences");
            node.keptDifferences().forEach(key -> strings(kept.addArray(), key));
            entry.put("spock_repair_mode", node.spockRepairMode());
            entry.put("error", node.error());
            entry.put("error_code", node.errorCode() == null ? null : node.errorCode().name());
            entry.put("duration", node.duration().toString());
        }
        json.put("start_time", result.startedAt().toString());
        json.put("end_time", result.finishedAt().toString());
        json.put("report", result.report() == null ? null : result.report().toString());
        strings(json.putArray("warnings"), result.warnings());
        return json;
    }

    private static RepairResult repair(JsonNode json) {
        List<NodeRepairResult> nodes = new ArrayList<>();
        for (JsonNode entry : json.path("nodes")) {
            List<RepairConflict> conflicts = new ArrayList<>();
            for (JsonNode conflict : entry.path("conflicts")) {
                conflicts.add(new RepairConflict(strings(conflict.get("key")), text(conflict, "reason")));
            }
            List<List<String>> kept = new ArrayList<>();
            entry.path("kept_differences").forEach(key -> kept.add(strings(key)));
            String code = text(entry, "error_code");
            nodes.add(new NodeRepairResult(text(entry, "node"), NodeRepairResult.Status.valueOf(text(entry, "status")),
                    entry.path("deleted").asLong(), entry.path("inserted").asLong(), entry.path("updated").asLong(),
                    conflicts, List.of(), kept, entry.path("spock_repair_mode").asBoolean(), text(entry, "error"),
                    code == null ? null : ErrorCode.valueOf(code), Duration.parse(text(entry, "duration"))));
        }
        return new RepairResult(text(json, "task_id"), text(json, "cluster_name"), text(json, "dbname"),
                new TableName(text(json, "schema_name"), text(json, "table_name")), path(json, "diff_file"),
                RepairMode.valueOf(text(json, "mode").toUpperCase(java.util.Locale.ROOT)), text(json, "source_of_truth"),
                json.path("dry_run").asBoolean(), json.path("atomic").asBoolean(), strings(json.get("columns")),
                strings(json.get("primary_key")), nodes, Instant.parse(text(json, "start_time")),
                Instant.parse(text(json, "end_time")), path(json, "report"), strings(json.get("warnings")));
    }

    // ------------------------------------------------------------------ helpers

    private static void strings(ArrayNode array, List<String> values) {
        values.forEach(array::add);
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        if (array != null) {
            array.forEach(value -> values.add(value.isNull() ? null : value.asText()));
        }
        return values;
    }

    private static void counts(ObjectNode object, Map<String, Long> counts) {
        counts.forEach(object::put);
    }

    private static Map<String, Long> counts(JsonNode object) {
        Map<String, Long> counts = new LinkedHashMap<>();
        if (object != null) {
            object.properties().forEach(entry -> counts.put(entry.getKey(), entry.getValue().asLong()));
        }
        return counts;
    }

    private static String text(JsonNode json, String field) {
        JsonNode value = json.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static Path path(JsonNode json, String field) {
        String value = text(json, field);
        return value == null ? null : Path.of(value);
    }

    private static String write(JsonNode json) {
        try {
            return MAPPER.writeValueAsString(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static JsonNode read(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
        }
    }
}
