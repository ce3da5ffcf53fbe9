package dev.ace.http;

import dev.ace.testkit.TestDatabase;
import dev.ace.testkit.WithPgCluster;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The certificate's CN is the database role every statement of a request and its task runs as,
 * exactly as written; a caller sees and cancels only its own tasks.
 */
@WithPgCluster(nodes = 2)
class RolesTest {

    private static final Map<String, Object> DIFF = Map.of("cluster_name", "acetest", "table_name", "public.t");

    @TempDir
    Path dir;

    /** Creates the role on every node unless it exists (roles belong to the whole server), quoted as given. */
    static void role(TestDatabase db, String name, boolean mayRead) {
        String quoted = "\"" + name.replace("\"", "\"\"") + "\"";
        String literal = "'" + name.replace("'", "''") + "'";
        db.executeOnAll("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = " + literal.replace("$", "")
                + ") THEN CREATE ROLE " + quoted + "; END IF; END $$");
        if (mayRead) {
            db.executeOnAll("GRANT SELECT ON t TO " + quoted);
        }
    }

    @Test
    void aCnWhoseRoleLacksSelectGetsAFailedTaskNamingThePermission(TestDatabase db) {
        EndpointsTest.diverge(db);
        role(db, "api_reader", true);
        role(db, "api_nobody", false);
        try (TestServer api = TestServer.start(db, dir)) {
            Map<String, Object> refused = api.client("api_nobody").awaitTask((String) api.client("api_nobody")
                    .post("/ace/table-diff", DIFF).expect(200).json().get("task_id"));
            assertThat(refused).containsEntry("status", "FAILED").containsEntry("result", null);
            assertThat((String) refused.get("error")).startsWith("permission denied on node n")
                    .contains("while diffing table public.t: permission denied for table t [SQLSTATE 42501]");
            Map<String, Object> read = api.client("api_reader").awaitTask((String) api.client("api_reader")
                    .post("/ace/table-diff", DIFF).expect(200).json().get("task_id"));
            assertThat(read).containsEntry("status", "COMPLETED");
        }
    }

    @Test
    void aCallerSeesAndCancelsOnlyItsOwnTasksAndAnothersIsAnsweredAsUnknown(TestDatabase db) {
        EndpointsTest.diverge(db);
        role(db, "api_alice", true);
        role(db, "api_bob", true);
        try (TestServer api = TestServer.start(db, dir)) {
            ApiClient alice = api.client("api_alice");
            ApiClient bob = api.client("api_bob");
            String id = (String) alice.post("/ace/table-diff", DIFF).expect(200).json().get("task_id");
            String unknown = id.substring(0, id.length() - 4) + "0000";
            for (String task : List.of(id, unknown)) {
                assertThat(bob.get("/ace/task-status/" + task).expect(404).error()).isEqualTo("task " + task
                        + " not found");
                assertThat(bob.get("/ace/task-status?task_id=" + task).expect(404).error()).isEqualTo("task " + task
                        + " not found");
                assertThat(bob.post("/ace/task-cancel", Map.of("task_id", task)).expect(404).error())
                        .isEqualTo("task " + task + " not found");
                assertThat(bob.send("DELETE", "/ace/task-status/" + task, null, null).expect(404).error())
                        .isEqualTo("task " + task + " not found");
            }
            assertThat(bob.get("/ace/tasks").expect(200).json()).containsEntry("total", 0);
            assertThat(alice.awaitTask(id)).containsEntry("status", "COMPLETED");
            assertThat(alice.get("/ace/tasks").expect(200).json()).containsEntry("total", 1);
        }
    }

    @Test
    void theCnIsTheRoleExactlyAsWrittenQuotesAndCaseIncludedAndInjectsNothing(TestDatabase db) {
        EndpointsTest.diverge(db);
        String tricky = "O'Brien \"x\"; DROP TABLE t; --";
        role(db, tricky, true);
        role(db, "Api_Carol", true);
        role(db, "api_carol", false);
        try (TestServer api = TestServer.start(db, dir)) {
            Map<String, Object> done = api.client(tricky).awaitTask((String) api.client(tricky)
                    .post("/ace/table-diff", DIFF).expect(200).json().get("task_id"));
            assertThat(done).containsEntry("status", "COMPLETED");
            assertThat(db.queryValue("n1", "SELECT count(*) FROM t")).isEqualTo("300");
            assertThat(api.client(tricky).get("/ace/health").expect(200).json()).containsEntry("cn", tricky);
            // a CN Api_Carol is role "Api_Carol", not api_carol (which may not read t)
            assertThat(api.client("Api_Carol").awaitTask((String) api.client("Api_Carol").post("/ace/table-diff", DIFF)
                    .expect(200).json().get("task_id"))).containsEntry("status", "COMPLETED");
            assertThat(api.client("api_carol").awaitTask((String) api.client("api_carol").post("/ace/table-diff", DIFF)
                    .expect(200).json().get("task_id"))).containsEntry("status", "FAILED");
        }
    }
}
