package dev.ace.core.internal.task;

import dev.ace.core.task.Task;
import dev.ace.core.task.TaskPage;
import dev.ace.core.task.TaskProgress;
import dev.ace.core.task.TaskQuery;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where tasks are kept. A finished task (completed, failed, cancelled) never changes again: the
 * store refuses to update it. Implementations are thread-safe; after {@link #close()} writes are
 * ignored and reads fail.
 */
public interface TaskStore extends AutoCloseable {

    /** Adds a new task; false, and nothing written, when a task of that id exists. */
    boolean insert(Task task);

    /** Replaces the state, times, progress, result and error of an unfinished task; false when it is finished or gone. */
    boolean update(Task task);

    /** Records the progress of a running task; ignored for any other. */
    void updateProgress(String id, TaskProgress progress);

    Optional<Task> find(String id);

    /** One page of the query's role's tasks, newest first. */
    TaskPage list(TaskQuery query);

    /** Tasks still queued or running, oldest first. */
    List<Task> unfinished();

    /** Finished tasks that finished before {@code cutoff}. */
    List<Task> finishedBefore(Instant cutoff);

    /** Removes the task; false when it was not there. */
    boolean delete(String id);

    @Override
    void close();
}
