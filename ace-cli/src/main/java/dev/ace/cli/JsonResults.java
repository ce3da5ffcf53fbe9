package dev.ace.cli;

import dev.ace.core.diff.DiffResult;
import dev.ace.core.error.AceException;
import dev.ace.core.repair.NodeRepairResult;
import dev.ace.core.repair.RepairResult;
import dev.ace.core.task.Task;
import dev.ace.core.task.TaskProgress;
import dev.ace.core.task.TaskResult;
import dev.ace.core.task.TaskState;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JSON of {@code --json}, in the HTTP API's shapes (its {@code TaskResponses}, documented in
 * {@code docs/api.md}): a diff or rerun and a repair as the API's task {@code result}
 * ({@code diff_file}, {@code total_rows}, {@code mismatched_rows}, {@code summary}), a task as its
 * task status, times as UTC with milliseconds. A few fields are added, never changed: the
 * result's {@code task_id} and {@code report}, the summary's {@code start_time},
 * {@code end_time}, {@code time_taken} (and a repair's {@code atomic}), a node's
 * {@code error_code}, a task's {@code role}, {@code options}, {@code submitted_at},
 * {@code error_code}. An error of the command line is {@code error} with its code, message and
 * problems (the API answers {@code {"error": "message"}} with an HTTP status instead). Stateless.
 */
final class JsonResults {

    private static final DateTimeFormatter UTC_MILLIS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    private JsonResults() {
    }

    /**
     * A diff or rerun: {@code total_rows} is the most rows compared on one node, {@code mismatched_rows}
     * the differing rows summed over node pairs; {@code reports} the reports written with it, by
     * format ({@code html}: the summary's {@code html_report}).
     */
    static Map<String, Object> diff(DiffResult result, Map<String, Path> reports) {
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
        reports.forEach((kind, file) -> summary.put(kind + "_report", file.toString()));
        summary.put("start_time", time(result.startedAt()));
        summary.put("end_time", time(result.finishedAt()));
        summary.put("time_taken", seconds(result.duration()));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("task_id", result.taskId());
        json.put("diff_file", path(result.diffFile()));
        json.put("report", reports.values().stream().findFirst().map(Path::toString).orElse(null));
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
        summary.put("succeeded", result.succeeded());
        summary.put("nodes", nodes);
        summary.put("report", path(result.report()));
        summary.put("warnings", result.warnings());
        summary.put("atomic", result.atomic());
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

    /**
     * A task as the API's task-status shows it ({@code progress} while it runs, {@code error} the
     * message when it failed or was cancelled), with its role, options, submission time and error code.
     */
    static Map<String, Object> task(Task task) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("task_id", task.id());
        json.put("task_type", task.type().apiName());
        json.put("status", task.state().name());
        json.put("started_at", time(task.startedAt()));
        json.put("finished_at", time(task.finishedAt()));
        json.put("time_taken", task.timeTaken() == null ? null : seconds(task.timeTaken()));
        json.put("result", task.result() instanceof TaskResult.Diff diff ? diff(diff.result(), diff.reports())
                : task.result() instanceof TaskResult.Repair repair ? repair(repair.result()) : null);
        if (task.state() == TaskState.RUNNING && task.progress() instanceof TaskProgress.Ranges ranges) {
            Map<String, Object> progress = new LinkedHashMap<>();
            progress.put("ranges_done", ranges.done());
            progress.put("ranges_total", ranges.total());
            json.put("progress", progress);
        } else if (task.state() == TaskState.RUNNING && task.progress() instanceof TaskProgress.Rows rows) {
            Map<String, Object> nodes = new LinkedHashMap<>();
            rows.nodes().forEach((node, counts) -> {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("rows_planned", counts.planned());
                entry.put("rows_applied", counts.applied());
                nodes.put(node, entry);
            });
            json.put("progress", Map.of("nodes", nodes));
        }
        if (task.errorMessage() != null && (task.state() == TaskState.FAILED || task.state() == TaskState.CANCELLED)) {
            json.put("error", task.errorMessage());
        }
        json.put("error_code", task.errorCode() == null ? null : task.errorCode().name());
        json.put("role", task.role().name().orElse(null));
        json.put("options", task.options());
        json.put("submitted_at", time(task.submittedAt()));
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

    /** UTC with milliseconds, as the API writes times: {@code 2026-03-15T14:25:01.123Z}. */
    static String time(Instant instant) {
        return instant == null ? null : UTC_MILLIS.format(instant);
    }

    static BigDecimal seconds(Duration duration) {
        return BigDecimal.valueOf(duration.toMillis(), 3);
    }

    private static String path(Path path) {
        return path == null ? null : path.toString();
    }
}
