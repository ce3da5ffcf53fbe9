package dev.ace.examples;

import dev.ace.core.Ace;
import dev.ace.core.CallerRole;
import dev.ace.core.diff.TableDiffRequest;
import dev.ace.core.task.Task;
import dev.ace.core.task.TaskPage;
import dev.ace.core.task.TaskQuery;
import dev.ace.core.task.TaskState;
import java.io.PrintStream;
import java.time.Duration;

/** The code {@code docs/tasks.md} and {@code docs/java-api.md} show: a diff run as a task and followed until it ends. */
public final class TaskExample {

    private TaskExample() {
    }

    /** Submits a diff of {@code table} as a task of {@code role}, waits for it and prints how it ended. */
    public static Task diffAsTask(Ace ace, String cluster, String table, CallerRole role, PrintStream out) {
        // snippet:task
        Task task = ace.tasks().submit(TableDiffRequest.builder(cluster, table).role(role).build());
        out.println("submitted " + task.id() + " (" + task.state() + ")");

        Task done = ace.tasks().awaitCompletion(task.id(), role, Duration.ofMinutes(10));
        if (done.state() == TaskState.COMPLETED) {
            out.println(done.diffResult().orElseThrow().describe());
        } else {
            out.println(done.id() + " " + done.state() + ": " + done.errorCode() + ": " + done.errorMessage());
        }

        TaskPage unfinished = ace.tasks().list(TaskQuery.builder(role)
                .states(TaskState.QUEUED, TaskState.RUNNING).limit(20).build());
        // end:task
        out.println(unfinished.total() + " other tasks of yours are queued or running");
        return done;
    }
}
