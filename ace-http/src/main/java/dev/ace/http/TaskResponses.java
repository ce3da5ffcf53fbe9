package dev.ace.http;

import dev.ace.core.diff.DiffResult;
import dev.ace.core.repair.NodeRepairResult;
import dev.ace.core.repair.RepairResult;
import dev.ace.core.task.Task;
import dev.ace.core.task.TaskPage;
import dev.ace.core.task.TaskProgress;
import dev.ace.core.task.TaskResult;
import dev.ace.core.task.TaskState;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Tasks as the API shows them: the task-status shape of the API text ({@code task_id},
 * {@code task_type}, {@code status}, {@code started_at}, {@code finished_at}, {@code time_taken}
 * in seconds, {@code result} with {@code diff_file}, {@code total_rows}, {@code mismatched_rows}
 * and {@code summary}), plus {@code progress} while it runs and {@code error} when it failed or
 * was cancelled. Times are UTC with milliseconds ({@code 2024-03-15T12:34:56.789Z}). What each
 * number means per task type is in {@code docs/api.md}. Thread-safe (stateless).
 */
final class TaskResponses {

    private static final DateTimeFormatter UTC_MILLIS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    private TaskResponses() {
    }

    static String time(Instant instant) {
        return instant == null ? null : UTC_MILLIS.format(instant);
    }

    /** The answer to a submission: {@code task_id} and {@code submitted_at}. */
    static Map<String, Object> submitted(Task task) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("task_id", task.id());
        json.put("submitted_at", time(task.submittedAt()));
        return json;
    }

    /** The task-status answer. */
    static Map<String, Object> status(Task task) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("task_id", task.id());
        json.put("task_type", task.type().apiName());
        json.put("status", task.state().name());
        json.put("started_at", time(task.startedAt()));
        json.put("finished_at", time(task.finishedAt()));
        json.put("time_taken", task.timeTaken() == null ? null : BigDecimal.valueOf(task.timeTaken().toMillis(), 3));
        json.put("result", result(task.result()));
        if (task.state() == TaskState.RUNNING && task.progress() != null) {
            json.put("progress", progress(task.progress()));
        }
        if (task.errorMessage() != null && (task.state() == TaskState.FAILED || task.state() == TaskState.CANCELLED)) {
            json.put("error", task.errorMessage());
        }
        return json;
    }

    /** A page of the caller's tasks. */
    static Map<String, Object> page(TaskPage page) {
        List<Map<String, Object>> tasks = new ArrayList<>();
        page.tasks().forEach(task -> {
            Map<String, Object> entry = status(task);
            entry.put("submitted_at", time(task.submittedAt()));
            tasks.add(entry);
        });
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("tasks", tasks);
        json.put("total", page.total());
        json.put("offset", page.offset());
        json.put("limit", page.limit());
        json.put("has_more", page.hasMore());
        return json;
    }

    private static Map<String, Object> progress(TaskProgress progress) {
        Map<String, Object> json = new LinkedHashMap<>();
        if (progress instanceof TaskProgress.Ranges ranges) {
            json.put("ranges_done", ranges.done());
            json.put("ranges_total", ranges.total());
        } else if (progress instanceof TaskProgress.Rows rows) {
            Map<String, Object> nodes = new LinkedHashMap<>();
            rows.nodes().forEach((node, counts) -> nodes.put(node, Map.of("rows_planned", counts.planned(),
                    "rows_applied", counts.applied())));
            json.put("nodes", nodes);
        }
        return json;
    }

    private static Map<String, Object> result(TaskResult result) {
        if (result instanceof TaskResult.Diff diff) {
            return diff(diff.result(), diff.reports());
        }
        if (result instanceof TaskResult.Repair repair) {
            return repair(repair.result());
        }
        return null;
    }

    /**
     * A diff or rerun: {@code total_rows} is the most rows compared on one node (a diff: the
     * table's rows after {@code table_filter}; a rerun: the keys re-checked), {@code mismatched_rows}
     * the differing rows summed over node pairs.
     */
    private static Map<String, Object> diff(DiffResult result, Map<String, Path> reports) {
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
        reports.forEach((kind, file) -> summary.put(kind + "_report", file.toString()));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("diff_file", result.diffFile() == null ? null : result.diffFile().toString());
        json.put("total_rows", result.rowsChecked().values().stream().mapToLong(Long::longValue).max().orElse(0));
        json.put("mismatched_rows", result.totalDiffs());
        json.put("summary", summary);
        return json;
    }

    /**
     * A repair: {@code diff_file} is the file repaired from, {@code total_rows} the rows changed on
     * the target nodes (a dry run: that would be), {@code mismatched_rows} the rows left differing
     * (skipped as conflicts, or kept by the mode); {@code summary.nodes} has each node's outcome.
     */
    private static Map<String, Object> repair(RepairResult result) {
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
        summary.put("succeeded", result.succeeded());
        summary.put("nodes", nodes);
        summary.put("report", result.report() == null ? null : result.report().toString());
        summary.put("warnings", result.warnings());
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("diff_file", result.diffFile() == null ? null : result.diffFile().toString());
        json.put("total_rows", result.totalDeleted() + result.totalInserted() + result.totalUpdated());
        json.put("mismatched_rows", left);
        json.put("summary", summary);
        return json;
    }
}
