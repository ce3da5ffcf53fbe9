package dev.ace.core.task;

import dev.ace.core.diff.DiffResult;
import java.nio.file.Path;
import java.util.Map;

/**
 * More work a table-diff task does after its diff file is written, given by the front-end that
 * submits it ({@link TaskService#submit(dev.ace.core.diff.TableDiffRequest, DiffFollowUp)}): the
 * HTTP API renders the CSV or HTML report its {@code output} option asks for, say. It runs in the
 * task's thread, so the task is COMPLETED only once it returns. Implementations must be
 * thread-safe: tasks run at once.
 */
@FunctionalInterface
public interface DiffFollowUp {

    /**
     * Does the work for a finished diff.
     *
     * @return the files written, by what they are ({@code "html"}, {@code "csv"}); kept in the task's result as
     *         {@link TaskResult.Diff#reports()}; empty when nothing was written
     * @throws dev.ace.core.error.AceException when the work fails: the task fails with that error
     */
    Map<String, Path> after(DiffResult result);
}
