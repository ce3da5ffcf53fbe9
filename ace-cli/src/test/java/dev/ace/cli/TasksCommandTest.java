package dev.ace.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ace.core.Ace;
import dev.ace.core.AceConfig;
import dev.ace.core.CallerRole;
import dev.ace.core.diff.TableDiffRequest;
import dev.ace.core.task.Task;
import dev.ace.core.task.TaskState;
import dev.ace.testkit.TestDatabase;
import dev.ace.testkit.WithPgCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@WithPgCluster(nodes = 3)
class TasksCommandTest {

    @TempDir
    Path dir;

    /** A diff run as a task by a program (as ace server does), its store then closed. */
    private Task diffTask(TestDatabase db) {
        try (Ace ace = Ace.create(AceConfig.load(dir.resolve("ace.yaml")))) {
            Task task = ace.tasks().submit(TableDiffRequest.builder("acetest", "public.t").build());
            return ace.tasks().awaitCompletion(task.id(), CallerRole.SERVICE, Duration.ofMinutes(1));
        }
    }

    @Test
    void tasksListsTheStoreAndShowShowsOneWithItsResult(TestDatabase db) {
        db.executeOnAll("CREATE TABLE t (id int PRIMARY KEY)", "INSERT INTO t VALUES (1)");
        db.execute("n3", "INSERT INTO t VALUES (2)");
        AceRun run = AceRun.at(dir, db);
        Task task = diffTask(db);
        assertThat(task.state()).isEqualTo(TaskState.COMPLETED);

        AceRun.Result list = run.run("tasks");
        assertThat(list.exit()).as(list.toString()).isZero();
        assertThat(list.out()).startsWith("1 task\n").contains("  " + task.id() + " ", " table-diff ", " completed ",
                " public.t");

        AceRun.Result show = run.run("tasks", "show", task.id());
        assertThat(show.exit()).isZero();
        assertThat(show.out()).startsWith(task.id() + "  table-diff  completed\n")
                .contains("  cluster_name acetest\n", "DIFFERENT  public.t on n1, n2, n3", "  n1/n3        1 differing row");

        JsonNode json = run.run("tasks", "show", task.id(), "--json").json();
        assertThat(json.path("status").asText()).isEqualTo("COMPLETED");
        assertThat(json.path("result").path("mismatched_rows").asLong()).isEqualTo(2);
        // the API's task-status fields first, in its order and formats, then what the command line adds
        assertThat(json.fieldNames()).toIterable().containsExactly("command", "exit_code", "task_id", "task_type",
                "status", "started_at", "finished_at", "time_taken", "result", "error_code", "role", "options",
                "submitted_at");
        assertThat(json.path("result").fieldNames()).toIterable().containsExactly("task_id", "diff_file", "report",
                "total_rows", "mismatched_rows", "summary");
        assertThat(json.path("result").path("summary").fieldNames()).toIterable().startsWith("cluster_name",
                "dbname", "table_name", "nodes", "rows_checked", "diff_count", "ranges_planned", "ranges_mismatched",
                "match", "truncated");
        assertThat(json.path("finished_at").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
        assertThat(json.path("task_type").asText()).isEqualTo("table-diff");
        assertThat(run.run("tasks", "--json").json().path("tasks").get(0).path("task_id").asText()).isEqualTo(task.id());

        assertThat(run.run("tasks", "--state", "failed").out()).startsWith("0 tasks\n");
        AceRun.Result otherRole = run.run("tasks", "show", task.id(), "--role", "someone_else");
        assertThat(otherRole.exit()).isEqualTo(3);
        assertThat(otherRole.err()).isEqualTo("ace tasks show: task " + task.id() + " not found\n");
    }

    @Test
    void whileAServerHoldsTheStoreTasksSaysToAskTheServer(TestDatabase db) {
        db.executeOnAll("CREATE TABLE t (id int PRIMARY KEY)");
        AceRun run = AceRun.at(dir, db);
        Task task = diffTask(db);
        try (Ace server = Ace.create(AceConfig.load(dir.resolve("ace.yaml")))) {
            server.tasks().get(task.id(), CallerRole.SERVICE); // holds the store, as ace server does
            for (String[] args : List.of(new String[] {"tasks"}, new String[] {"tasks", "show", task.id()})) {
                AceRun.Result result = run.run(args);
                assertThat(result.exit()).as(result.toString()).isEqualTo(3);
                assertThat(result.err()).hasLineCount(1).contains("the task store " + dir.resolve("out/tasks.db")
                        + " is held by another ACE process (ace server, or a program using Ace.tasks()); while it "
                        + "runs, ask it: GET /ace/tasks and /ace/task-status/ID of its HTTPS API");
            }
        }
        assertThat(run.run("tasks").exit()).as("once the server stopped").isZero();
    }

    @Test
    void withoutAStoreThereAreNoTasksAndNoStoreIsCreated(TestDatabase db) {
        AceRun run = AceRun.at(dir, db);
        AceRun.Result list = run.run("tasks");
        assertThat(list.exit()).isZero();
        assertThat(list.out()).startsWith("no tasks: the task store ").contains("does not exist yet");
        assertThat(dir.resolve("out/tasks.db")).doesNotExist();
        assertThat(run.run("tasks", "show", "td_x").exit()).isEqualTo(3);
        AceRun.Result bad = run.run("tasks", "--state", "done", "--type", "diff", "--limit", "0");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err().lines()).containsExactly(
                "ace tasks: --state must be queued, running, completed, failed or cancelled, was done",
                "ace tasks: --type must be table-diff, table-repair or table-rerun, was diff",
                "ace tasks: limit must be between 1 and " + dev.ace.core.task.TaskQuery.MAX_LIMIT + ", was 0");
    }
}
