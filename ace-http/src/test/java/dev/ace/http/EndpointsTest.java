package dev.ace.http;

import dev.ace.testkit.TestDatabase;
import dev.ace.testkit.WithPgCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every endpoint through the JDK's HttpClient with a client certificate, on real nodes: a diff
 * (POST and GET with a body) to a COMPLETED status with its diff file and report, a repair and a
 * rerun of that file, listing, cancelling, and the shapes of the answers.
 */
@WithPgCluster(nodes = 2)
class EndpointsTest {

    @TempDir
    Path dir;

    /** 300 rows on both nodes; n2 lacks row 10, has row 20 changed and an extra row 5000. */
    static void diverge(TestDatabase db) {
        db.executeOnAll("CREATE TABLE t (id int PRIMARY KEY, v text)",
                "INSERT INTO t SELECT i, 'v' || i FROM generate_series(1, 300) i");
        db.execute("n2", "DELETE FROM t WHERE id = 10", "UPDATE t SET v = 'changed' WHERE id = 20",
                "INSERT INTO t VALUES (5000, 'extra')");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value) {
        return (Map<String, Object>) value;
    }

    @Test
    void aDiffRepairAndRerunRunAsTasksToCompletedWithTheShapeOfTheApiText(TestDatabase db) throws Exception {
        diverge(db);
        try (TestServer api = TestServer.start(db, dir)) {
            ApiClient client = api.client("postgres");

            Map<String, Object> submitted = client.post("/ace/table-diff", Map.of("cluster_name", "acetest",
                    "table_name", "public.t", "output", "html")).expect(200).json();
            assertThat(submitted).containsOnlyKeys("task_id", "submitted_at");
            String diffId = (String) submitted.get("task_id");
            assertThat(diffId).matches("td_\\d{8}_\\d{9}_[0-9a-f]{20}");
            assertThat((String) submitted.get("submitted_at")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");

            Map<String, Object> diff = client.awaitTask(diffId);
            assertThat(diff).containsOnlyKeys("task_id", "task_type", "status", "started_at", "finished_at",
                    "time_taken", "result");
            assertThat(diff).containsEntry("task_id", diffId).containsEntry("task_type", "table-diff")
                    .containsEntry("status", "COMPLETED");
            assertThat((String) diff.get("finished_at")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
            assertThat(((Number) diff.get("time_taken")).doubleValue()).isPositive();
            Map<String, Object> result = map(diff.get("result"));
            assertThat(result).containsOnlyKeys("diff_file", "total_rows", "mismatched_rows", "summary")
                    .containsEntry("total_rows", 300).containsEntry("mismatched_rows", 3);
            String diffFile = (String) result.get("diff_file");
            assertThat(Path.of(diffFile)).exists().startsWith(api.output())
                    .hasFileName("public_t_diffs-" + diffId + ".json");
            Map<String, Object> summary = map(result.get("summary"));
            assertThat(summary).containsEntry("cluster_name", "acetest").containsEntry("table_name", "public.t")
                    .containsEntry("nodes", List.of("n1", "n2")).containsEntry("rows_checked", Map.of("n1", 300, "n2", 300))
                    .containsEntry("diff_count", Map.of("n1/n2", 3)).containsEntry("match", false);
            Path report = Path.of((String) summary.get("html_report"));
            assertThat(report).hasFileName("public_t_diffs-" + diffId + ".html").startsWith(api.output());
            assertThat(Files.readString(report)).contains("<html").contains("changed");

            // both forms of task-status answer the same
            assertThat(client.get("/ace/task-status?task_id=" + diffId).expect(200).json()).isEqualTo(diff);

            // GET with a JSON body, as the API text documents the endpoint; output csv writes that report
            Map<String, Object> viaGet = client.awaitTask((String) client.send("GET", "/ace/table-diff",
                    "{\"cluster_name\": \"acetest\", \"table_name\": \"public.t\", \"output\": \"csv\"}",
                    "application/json").expect(200).json().get("task_id"));
            assertThat(viaGet.get("status")).isEqualTo("COMPLETED");
            assertThat(Path.of((String) map(map(viaGet.get("result")).get("summary")).get("csv_report")))
                    .exists().hasFileName("public_t_diffs-" + viaGet.get("task_id") + ".csv");

            // the diff_file task-status returned goes back unchanged
            Map<String, Object> repair = client.awaitTask((String) client.post("/ace/table-repair", Map.of(
                    "cluster_name", "acetest", "table_name", "public.t", "diff_file", diffFile,
                    "source_of_truth", "n1", "generate_report", true)).expect(200).json().get("task_id"));
            assertThat(repair).containsEntry("task_type", "table-repair").containsEntry("status", "COMPLETED");
            assertThat((String) repair.get("task_id")).startsWith("tr_");
            Map<String, Object> repaired = map(repair.get("result"));
            assertThat(repaired).containsEntry("diff_file", diffFile).containsEntry("total_rows", 3)
                    .containsEntry("mismatched_rows", 0);
            Map<String, Object> repairSummary = map(repaired.get("summary"));
            assertThat(repairSummary).containsEntry("mode", "standard").containsEntry("source_of_truth", "n1")
                    .containsEntry("dry_run", false).containsEntry("succeeded", true)
                    .containsEntry("nodes", Map.of("n2", Map.of("status", "REPAIRED", "deleted", 1, "inserted", 1,
                            "updated", 1, "skipped", 0, "kept", 0)));
            assertThat(Path.of((String) repairSummary.get("report"))).exists();
            assertThat(db.queryValue("n2", "SELECT count(*) FROM t")).isEqualTo("300");

            // a rerun of the same file, the path relative to the output directory: nothing differs any more
            String relative = api.output().relativize(Path.of(diffFile)).toString();
            Map<String, Object> rerun = client.awaitTask((String) client.post("/ace/table-rerun", Map.of(
                    "cluster_name", "acetest", "table_name", "public.t", "diff_file", relative)).expect(200).json()
                    .get("task_id"));
            assertThat(rerun).containsEntry("task_type", "table-rerun").containsEntry("status", "COMPLETED");
            assertThat((String) rerun.get("task_id")).startsWith("rr_");
            assertThat(map(rerun.get("result"))).containsEntry("mismatched_rows", 0);
            assertThat(map(map(rerun.get("result")).get("summary"))).containsEntry("match", true);

            // the caller's tasks, newest first, paged
            Map<String, Object> page = client.get("/ace/tasks?limit=2").expect(200).json();
            assertThat(page).containsEntry("total", 4).containsEntry("limit", 2).containsEntry("offset", 0)
                    .containsEntry("has_more", true);
            List<Map<String, Object>> tasks = (List<Map<String, Object>>) page.get("tasks");
            assertThat(tasks).extracting(task -> task.get("task_id")).containsExactly(rerun.get("task_id"),
                    repair.get("task_id"));
            assertThat(client.get("/ace/tasks?offset=1&task_type=table-diff&status=COMPLETED").expect(200).json()
                    .get("tasks")).asList().extracting(task -> map(task).get("task_id"))
                    .containsExactly(diffId);
        }
    }

    @Test
    void tasksAreCancelledByPostOrDeleteAndUnknownOnesAre404(TestDatabase db) throws Exception {
        diverge(db);
        // n2 holds more rows, so a diff plans its ranges there and waits on the table locked on n1 while hashing
        // (ANALYZE: the planner reads row estimates instead of counting rows on the locked table)
        db.execute("n2", "INSERT INTO t SELECT i, 'more' FROM generate_series(10001, 11000) i");
        db.executeOnAll("ANALYZE t");
        try (TestServer api = TestServer.start(db, dir, config -> config.maxRunningTasks(1), settings -> settings)) {
            ApiClient client = api.client("postgres");
            Map<String, Object> diff = Map.of("cluster_name", "acetest", "table_name", "public.t");
            try (Connection lock = db.node("n1").connect(db.name())) {
                lock.setAutoCommit(false);
                try (Statement statement = lock.createStatement()) {
                    statement.execute("LOCK TABLE t IN ACCESS EXCLUSIVE MODE");
                }
                String running = (String) client.post("/ace/table-diff", diff).expect(200).json().get("task_id");
                String queued = (String) client.post("/ace/table-diff", diff).expect(200).json().get("task_id");
                awaitState(client, running, "RUNNING");
                Map<String, Object> waiting = client.get("/ace/task-status/" + queued).expect(200).json();
                assertThat(waiting).containsEntry("status", "QUEUED").containsEntry("started_at", null)
                        .containsEntry("finished_at", null).containsEntry("time_taken", null)
                        .containsEntry("result", null);

                Map<String, Object> cancelled = client.send("DELETE", "/ace/task-status/" + queued, null, null)
                        .expect(200).json();
                assertThat(cancelled).containsEntry("status", "CANCELLED")
                        .containsEntry("error", "cancelled before it started");
                client.post("/ace/task-cancel", Map.of("task_id", running)).expect(200);
                Map<String, Object> stopped = client.awaitTask(running);
                assertThat(stopped).containsEntry("status", "CANCELLED");
                assertThat((String) stopped.get("error")).startsWith("table-diff of public.t was cancelled");
                lock.rollback();
            }
            for (String path : List.of("/ace/task-status/td_20990101_000000000_00000000000000000000",
                    "/ace/task-status?task_id=nope")) {
                assertThat(client.get(path).expect(404).error()).startsWith("task ").endsWith(" not found");
            }
            assertThat(client.post("/ace/task-cancel", Map.of("task_id", "nope")).expect(404).error())
                    .isEqualTo("task nope not found");
            assertThat(client.get("/ace/task-status").expect(400).error())
                    .isEqualTo("task_id is required: /ace/task-status?task_id=ID or /ace/task-status/ID");
        }
    }

    @Test
    void aRunningTaskShowsItsProgressAndAFinishedOneDoesNot(TestDatabase db) throws Exception {
        db.executeOnAll("CREATE TABLE t (id int PRIMARY KEY, v text)",
                "INSERT INTO t SELECT i, 'v' || i FROM generate_series(1, 5000) i", "ANALYZE t");
        try (TestServer api = TestServer.start(db, dir);
             java.sql.Connection locker = db.node("n2").connect(db.name())) {
            ApiClient client = api.client("postgres");
            // n2's table is locked: the diff reports 0 of N blocks from the estimates, then waits on n2
            locker.setAutoCommit(false);
            try (java.sql.Statement statement = locker.createStatement()) {
                statement.execute("LOCK TABLE t IN ACCESS EXCLUSIVE MODE");
            }
            String id = (String) client.post("/ace/table-diff", Map.of("cluster_name", "acetest", "table_name",
                    "public.t", "block_rows", 1000)).expect(200).json().get("task_id");
            Map<String, Object> seen = null;
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (System.nanoTime() < deadline) {
                Map<String, Object> status = client.get("/ace/task-status/" + id).expect(200).json();
                if (!"RUNNING".equals(status.get("status")) && !"QUEUED".equals(status.get("status"))) {
                    break;
                }
                if ("RUNNING".equals(status.get("status")) && status.containsKey("progress")) {
                    seen = status;
                    break;
                }
                Thread.sleep(20);
            }
            locker.rollback();
            assertThat(seen).as("a RUNNING status with progress").isNotNull();
            assertThat(seen).containsOnlyKeys("task_id", "task_type", "status", "started_at", "finished_at",
                    "time_taken", "result", "progress").containsEntry("status", "RUNNING")
                    .containsEntry("finished_at", null).containsEntry("result", null);
            Map<String, Object> progress = map(seen.get("progress"));
            assertThat(progress).containsOnlyKeys("ranges_done", "ranges_total");
            assertThat(((Number) progress.get("ranges_done")).intValue())
                    .isLessThan(((Number) progress.get("ranges_total")).intValue());
            Map<String, Object> done = client.awaitTask(id);
            assertThat(done).containsEntry("status", "COMPLETED").doesNotContainKey("progress")
                    .doesNotContainKey("error");
        }
    }

    static void awaitState(ApiClient client, String id, String state) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (state.equals(client.get("/ace/task-status/" + id).expect(200).json().get("status"))) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("task " + id + " never became " + state);
    }

    @Test
    void healthAndTheOpenApiDocumentAnswerWithoutDatabaseWork(TestDatabase db) throws Exception {
        try (TestServer api = TestServer.start(db, dir)) {
            assertThat(api.client("alice").get("/ace/health").expect(200).json())
                    .isEqualTo(Map.of("status", "ok", "cn", "alice"));
            ApiClient.Response openApi = api.client("alice").get("/ace/openapi.json").expect(200);
            assertThat(openApi.headers().firstValue("Content-Type")).hasValue("application/json");
            assertThat(openApi.body()).isEqualTo(Files.readString(Path.of("../docs/openapi.json")));
            assertThat(api.ace.activeConnections()).isZero();
        }
    }
}
