package dev.ace.cli;

import dev.ace.core.diff.DiffResult;
import dev.ace.core.error.AceException;
import dev.ace.core.repair.NodeRepairResult;
import dev.ace.core.repair.RepairResult;
import dev.ace.core.task.Task;
import dev.ace.core.task.TaskProgress;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JSON of {@code --json}, in the HTTP API's words: a diff or rerun and a repair as the API's
 * task result ({@code diff_file}, {@code total_rows}, {@code mismatched_rows}, {@code summary}),
 * a task as its task status, an error as its code and problems. Stateless.
 */
final class JsonResults {

    private JsonResults() {
    }

    /**
     * A diff or rerun: {@code total_rows} is the most rows compared on one node, {@code mismatched_rows}
     * the differing rows summed over node pairs.
     */
    static Map<String, Object> diff(DiffResult result, Path report) {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("cluster_name", result.clusterName());
        summary.put("dbname", result.dbname());
        summary.put("table_name", result.table().toString());
        summary.put("nodes", result.nodes());
        summary.put("rows_checked", result.rowsChecked());
        summary.put("diff_count", result.diffCounts());
        summary.put("ranges_planned", result.rangesPlanned());
        summary.put("ranges_mismatched", result.rangesMismatched());
        summary.put("match", result.match());
        summary.put("truncated", result.truncated());
        if (!result.walPositions().isEmpty()) {
            summary.put("wal_positions", result.walPositions());
        }
        summary.put("start_time", time(result.startedAt()));
        summary.put("end_time", time(result.finishedAt()));
        summary.put("time_taken", seconds(result.duration()));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("task_id", result.taskId());
        json.put("diff_file", path(result.diffFile()));
        json.put("report", path(report));
        json.put("total_rows", result.rowsChecked().values().stream().mapToLong(Long::longValue).max().orElse(0));
        json.put("mismatched_rows", result.totalDiffs());
        json.put("summary", summary);
        return json;
    }

    /**
     * A repair: {@code total_rows} the rows changed on the target nodes (a dry run: that would be),
     * {@code mismatched_rows} the rows left differing (skipped as conflicts, or kept by the mode).
     */
    static Map<String, Object> repair(RepairResult result) {
        Map<String, Object> nodes = new LinkedHashMap<>();
        long left = 0;
        for (NodeRepairResult node : result.nodes()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("status", node.status().name());
            entry.put("deleted", node.deleted());
            entry.put("inserted", node.inserted());
            entry.put("updated", node.updated());
            entry.put("skipped", node.skipped());
            entry.put("kept", node.keptDifferences().size());
            if (node.error() != null) {
                entry.put("error", node.error());
                entry.put("error_code", node.errorCode() == null ? null : node.errorCode().name());
            }
            nodes.put(node.node(), entry);
            left += node.skipped() + node.keptDifferences().size();
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("cluster_name", result.clusterName());
        summary.put("dbname", result.dbname());
        summary.put("table_name", result.table().toString());
        summary.put("mode", result.mode().apiName());
        summary.put("source_of_truth", result.sourceOfTruth());
        summary.put("dry_run", result.dryRun());
        summary.put("atomic", result.atomic());
        summary.put("succeeded", result.succeeded());
        summary.put("nodes", nodes);
        summary.put("warnings", result.warnings());
        summary.put("start_time", time(result.startedAt()));
        summary.put("end_time", time(result.finishedAt()));
        summary.put("time_taken", seconds(result.duration()));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("task_id", result.taskId());
        json.put("diff_file", path(result.diffFile()));
        json.put("report", path(result.report()));
        json.put("total_rows", result.totalDeleted() + result.totalInserted() + result.totalUpdated());
        json.put("mismatched_rows", left);
        json.put("summary", summary);
        return json;
    }

    /** A task as the API's task status shows it, with its result when it has one. */
    static Map<String, Object> task(Task task) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("task_id", task.id());
        json.put("task_type", task.type().apiName());
        json.put("status", task.state().name());
        json.put("role", task.role().name().orElse(null));
        json.put("options", task.options());
        json.put("submitted_at", time(task.submittedAt()));
        json.put("started_at", time(task.startedAt()));
        json.put("finished_at", time(task.finishedAt()));
        json.put("time_taken", task.timeTaken() == null ? null : seconds(task.timeTaken()));
        if (task.progress() instanceof TaskProgress.Ranges ranges) {
            json.put("progress", Map.of("done", ranges.done(), "total", ranges.total()));
        } else if (task.progress() instanceof TaskProgress.Rows rows) {
            Map<String, Object> nodes = new LinkedHashMap<>();
            rows.nodes().forEach((node, counts) -> nodes.put(node, Map.of("planned", counts.planned(),
                    "applied", counts.applied())));
            json.put("progress", Map.of("nodes", nodes));
        }
        json.put("result", task.diffResult().map(result -> diff(result, null))
                .or(() -> task.repairResult().map(JsonResults::repair)).orElse(null));
        if (task.errorCode() != null) {
            json.put("error", Map.of("code", task.errorCode().name(), "message", String.valueOf(task.errorMessage())));
        }
        return json;
    }

    /** An error: its code, its message, and every problem on its own. */
    static Map<String, Object> error(String code, String message, java.util.List<String> problems) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", code);
        error.put("message", message);
        error.put("problems", problems);
        return Map.of("error", error);
    }

    static Map<String, Object> error(AceException e) {
        return error(e.code().name(), e.getMessage(), e.problems());
    }

    static String time(Instant instant) {
        return instant == null ? null : instant.toString();
    }

    static BigDecimal seconds(Duration duration) {
        return BigDecimal.valueOf(duration.toMillis(), 3);
    }

    private static String path(Path path) {
        return path == null ? null : path.toString();
    }
}
