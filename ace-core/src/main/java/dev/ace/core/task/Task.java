package dev.ace.core.task;

import dev.ace.core.CallerRole;
import dev.ace.core.diff.DiffResult;
import dev.ace.core.error.ErrorCode;
import dev.ace.core.repair.RepairResult;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A snapshot of a task: what was asked, by whom, where it stands, and how it ended. Read it again
 * ({@link TaskService#get}) for newer news. Immutable and thread-safe.
 *
 * @param id the task's id, {@code td_}, {@code tr_} or {@code rr_}, the UTC time of submission and random
 *        digits ({@code td_20260315_142501123_9f3c...}); it names the task's diff file or report too
 * @param type the operation
 * @param state where it stands
 * @param role the role it acts as; only this role sees it
 * @param options the request's options by their API names ({@code cluster_name}, {@code block_rows}, ...), the
 *        ones that were set; values are strings, numbers and booleans, never secrets
 * @param submittedAt when it was submitted
 * @param startedAt when it started running; null while queued, and for a task cancelled or interrupted before it
 *        started
 * @param finishedAt when it reached its final state; null until then
 * @param progress how far it has come (updated at most twice a second while it runs, and at its end); null before
 *        the operation first reports
 * @param result what the operation returned; null unless completed (a cancelled or interrupted repair that returned
 *        per-node outcomes keeps them here too)
 * @param errorCode why it failed or was cancelled; null otherwise
 * @param errorMessage the error in words; null when there is no error
 */
public record Task(String id, TaskType type, TaskState state, CallerRole role, Map<String, Object> options,
                   Instant submittedAt, Instant startedAt, Instant finishedAt, TaskProgress progress,
                   TaskResult result, ErrorCode errorCode, String errorMessage) {

    public Task {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(submittedAt, "submittedAt");
        options = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(options, "options")));
    }

    /** From start to finish; null until the task has both started and finished. */
    public Duration timeTaken() {
        return startedAt == null || finishedAt == null ? null : Duration.between(startedAt, finishedAt);
    }

    /** Whether the task reached a final state (completed, failed or cancelled). */
    public boolean finished() {
        return state.finished();
    }

    /** The result of a diff or rerun task, when there is one. */
    public Optional<DiffResult> diffResult() {
        return result instanceof TaskResult.Diff diff ? Optional.of(diff.result()) : Optional.empty();
    }

    /** The result of a repair task, when there is one. */
    public Optional<RepairResult> repairResult() {
        return result instanceof TaskResult.Repair repair ? Optional.of(repair.result()) : Optional.empty();
    }
}
