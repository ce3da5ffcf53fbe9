package dev.ace.http;

import dev.ace.core.CallerRole;
import dev.ace.core.error.ErrorCode;
import dev.ace.core.task.Task;
import dev.ace.core.task.TaskProgress;
import dev.ace.core.task.TaskState;
import dev.ace.core.task.TaskType;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The JSON of a task at each stage: the API text's keys always, progress only while running, error only when failed. */
class TaskResponsesTest {

    private static final Instant SUBMITTED = Instant.parse("2024-03-15T12:34:56.789Z");

    private static Task task(TaskType type, TaskState state, Instant started, Instant finished, TaskProgress progress,
                             ErrorCode code, String error) {
        return new Task("tr_1", type, state, CallerRole.of("alice"), Map.of(), SUBMITTED, started, finished, progress,
                null, code, error);
    }

    @Test
    void aRunningTaskShowsItsProgressAndNothingItHasNotGot() {
        Map<String, Object> diff = TaskResponses.status(task(TaskType.TABLE_DIFF, TaskState.RUNNING, SUBMITTED, null,
                new TaskProgress.Ranges(3, 10), null, null));
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("task_id", "tr_1");
        expected.put("task_type", "table-diff");
        expected.put("status", "RUNNING");
        expected.put("started_at", "2024-03-15T12:34:56.789Z");
        expected.put("finished_at", null);
        expected.put("time_taken", null);
        expected.put("result", null);
        expected.put("progress", Map.of("ranges_done", 3, "ranges_total", 10));
        assertThat(diff).isEqualTo(expected);

        Map<String, Object> repair = TaskResponses.status(task(TaskType.TABLE_REPAIR, TaskState.RUNNING, SUBMITTED,
                null, new TaskProgress.Rows(Map.of("n2", new TaskProgress.NodeRows(40, 12))), null, null));
        assertThat(repair.get("progress")).isEqualTo(Map.of("nodes", Map.of("n2", Map.of("rows_planned", 40L,
                "rows_applied", 12L))));
    }

    @Test
    void aFailedTaskShowsItsErrorAndTimeTakenInSecondsToTheMillisecond() {
        Map<String, Object> failed = TaskResponses.status(task(TaskType.TABLE_RERUN, TaskState.FAILED, SUBMITTED,
                Instant.parse("2024-03-15T12:35:01.234Z"), new TaskProgress.Ranges(1, 2), ErrorCode.INTERRUPTED,
                "interrupted: ACE stopped while the task was running; submit it again"));
        assertThat(failed).containsEntry("task_type", "table-rerun").containsEntry("status", "FAILED")
                .containsEntry("finished_at", "2024-03-15T12:35:01.234Z").containsEntry("result", null)
                .containsEntry("error", "interrupted: ACE stopped while the task was running; submit it again")
                .doesNotContainKey("progress");
        assertThat(failed.get("time_taken").toString()).isEqualTo("4.445");
        assertThat(TaskResponses.submitted(queued())).isEqualTo(Map.of("task_id", "tr_1",
                "submitted_at", "2024-03-15T12:34:56.789Z"));
    }

    private static Task queued() {
        return task(TaskType.TABLE_REPAIR, TaskState.QUEUED, null, null, null, null, null);
    }
}
