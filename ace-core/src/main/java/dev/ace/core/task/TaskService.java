package dev.ace.core.task;

import dev.ace.core.CallerRole;
import dev.ace.core.diff.TableDiffRequest;
import dev.ace.core.diff.TableRerunRequest;
import dev.ace.core.repair.TableRepairRequest;
import java.time.Duration;

/**
 * Runs long operations as tasks: each submission is validated at once, gets an id, waits for a
 * free slot if every slot is busy, runs in the background and can be read, listed and cancelled
 * by id. Obtained from {@code Ace.tasks()}; thread-safe.
 *
 * <pre>{@code
 * Task task = ace.tasks().submit(TableDiffRequest.builder("prod", "public.users").role(role).build());
 * Task done = ace.tasks().awaitCompletion(task.id(), role, Duration.ofMinutes(10));
 * }</pre>
 *
 * <p>At most {@code max_running_tasks} run at once and {@code max_queued_tasks} wait; a submission
 * beyond is refused with {@link dev.ace.core.error.TooManyTasksException}, never queued without
 * limit. Tasks are kept in an SQLite file ({@code task_store}) and outlive the process: a task
 * still queued or running when ACE stops (closed, or its process died) ends {@link TaskState#FAILED}
 * with {@link dev.ace.core.error.ErrorCode#INTERRUPTED} ("interrupted: ..."), one stopped by
 * {@link #shutdown} ends {@link TaskState#CANCELLED}. Finished tasks are
 * purged after {@code task_retention}. See {@code docs/tasks.md}.
 *
 * <p>A role sees only its own tasks: a task of another role is answered exactly like an id that
 * does not exist, with {@link dev.ace.core.error.NotFoundException}.
 */
public interface TaskService {

    /**
     * Validates the diff ({@link dev.ace.core.diff.DiffService#validate}) and queues it as a task of
     * the request's role; the task's id names its diff file. The request's cancellation and
     * progress listener, if set, still work: cancelling it cancels the task, and the listener is
     * told of progress as well.
     *
     * @return the task as submitted, {@link TaskState#QUEUED}
     * @throws dev.ace.core.error.InvalidRequestException listing every problem; no task is created
     * @throws dev.ace.core.error.TooManyTasksException when every slot and the queue are full, or the service is
     *         closing; no task is created
     */
    Task submit(TableDiffRequest request);

    /**
     * As {@link #submit(TableDiffRequest)}, with more work the task does after its diff file is
     * written: a front-end renders a report of the diff, say. The files {@code followUp} returns
     * are kept in the task's result ({@link TaskResult.Diff#reports()}); if it throws, the task
     * fails with its error (the diff file stays).
     */
    Task submit(TableDiffRequest request, DiffFollowUp followUp);

    /** As {@link #submit(TableDiffRequest)} for a repair ({@link dev.ace.core.repair.RepairService#validate}). */
    Task submit(TableRepairRequest request);

    /** As {@link #submit(TableDiffRequest)} for a rerun ({@link dev.ace.core.diff.RerunService#validate}). */
    Task submit(TableRerunRequest request);

    /**
     * The task as it stands now.
     *
     * @throws dev.ace.core.error.NotFoundException when no task of that id belongs to {@code role}
     */
    Task get(String id, CallerRole role);

    /** One page of the query's role's tasks, newest first (by submission). */
    TaskPage list(TaskQuery query);

    /**
     * Cancels the task: a queued task ends {@link TaskState#CANCELLED} at once without running; a
     * running one is told to stop (its statements on the nodes are cancelled, a repair rolls back
     * every node that had not committed) and ends {@link TaskState#CANCELLED} soon after, with what
     * its operation reported (a repair's per-node outcome says which nodes, if any, had committed).
     * A task that is already finished is left as it is. Wait for the end with
     * {@link #awaitCompletion}.
     *
     * @return the task as it stands after the request: cancelled if it was queued, still running if it was running
     * @throws dev.ace.core.error.NotFoundException when no task of that id belongs to {@code role}
     */
    Task cancel(String id, CallerRole role);

    /**
     * Waits until the task is finished or {@code timeout} has passed, whichever comes first, and
     * returns it as it stands then (look at {@link Task#finished()}). If the waiting thread is
     * interrupted, it returns at once with the thread's interrupt flag set.
     *
     * @throws dev.ace.core.error.NotFoundException when no task of that id belongs to {@code role}
     */
    Task awaitCompletion(String id, CallerRole role, Duration timeout);

    /**
     * Winds the service down for a process that is stopping (a server told to stop): from now on
     * every submission is refused ({@link dev.ace.core.error.TooManyTasksException}, "shutting
     * down"); queued tasks end {@link TaskState#CANCELLED} at once, without running ("cancelled
     * before it started: ACE was stopped; submit it again"); running tasks may finish within
     * {@code grace}; those still running then are cancelled, waited for (up to 30 s) and end
     * {@link TaskState#CANCELLED} ("cancelled: ACE was stopped and the task did not finish within
     * the grace period of ..."), keeping what their operation returned: whoever stopped the
     * process asked for it, unlike {@code Ace.close()} alone or a process that died, which leave
     * {@link TaskState#FAILED} with {@link dev.ace.core.error.ErrorCode#INTERRUPTED}. Returns when
     * no task of this process runs any more. Tasks can still be read until {@code Ace.close()};
     * calling it again waits again, without a new grace.
     *
     * @param grace how long running tasks may go on before they are cancelled; zero cancels them at once
     */
    void shutdown(Duration grace);
}
