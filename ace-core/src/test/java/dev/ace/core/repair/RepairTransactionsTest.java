package dev.ace.core.repair;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ace.core.Ace;
import dev.ace.core.CallerRole;
import dev.ace.core.diff.DiffResult;
import dev.ace.core.diff.RerunBehavior;
import dev.ace.core.error.AceException;
import dev.ace.core.error.ErrorCode;
import dev.ace.core.error.PermissionDeniedException;
import dev.ace.testkit.TestDatabase;
import dev.ace.testkit.WithPgCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static dev.ace.core.repair.RepairTesting.ace;
import static dev.ace.core.repair.RepairTesting.allKeys;
import static dev.ace.core.repair.RepairTesting.binaryRows;
import static dev.ace.core.repair.RepairTesting.diff;
import static dev.ace.core.repair.RepairTesting.repair;
import static dev.ace.core.repair.RepairTesting.rerun;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@WithPgCluster(nodes = 3)
class RepairTransactionsTest {

    @TempDir
    Path dir;

    /** n2 lacks 1-3, has 4-7 changed and 101-103 extra; n3 has 8 changed. */
    private static void seed(TestDatabase db) {
        db.executeOnAll("CREATE TABLE t (id int PRIMARY KEY, v text)",
                "INSERT INTO t SELECT i, 'v' || i FROM generate_series(1, 50) i");
        db.execute("n2", "DELETE FROM t WHERE id IN (1, 2, 3)", "UPDATE t SET v = 'n2' WHERE id IN (4, 5, 6, 7)",
                "INSERT INTO t VALUES (101, 'n2'), (102, 'n2'), (103, 'n2')");
        db.execute("n3", "UPDATE t SET v = 'n3' WHERE id = 8");
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** Whether an ACE backend on the node waits for a lock. */
    private static boolean aceWaitsForALock(TestDatabase db, String node) {
        return !"0".equals(db.queryValue(node, "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'ace' "
                + "AND wait_event_type = 'Lock'"));
    }

    private static String role(TestDatabase db, String name) {
        String role = name + "_" + db.name();
        db.executeOnAll("CREATE ROLE " + role, "GRANT SELECT, INSERT, UPDATE, DELETE ON t TO " + role);
        return role;
    }

    @Test
    void triggersFireOnlyWithFireTriggersButEnableAlwaysTriggersAlwaysFire(TestDatabase db) {
        seed(db);
        db.executeOnAll("CREATE TABLE audit (id int, op text, kind text)",
                "CREATE FUNCTION log_op() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                        + "INSERT INTO audit VALUES (coalesce(NEW.id, OLD.id), TG_OP, TG_ARGV[0]); RETURN NULL; END $$",
                "CREATE TRIGGER ordinary AFTER INSERT OR UPDATE OR DELETE ON t FOR EACH ROW EXECUTE FUNCTION log_op('ordinary')",
                "CREATE TRIGGER always AFTER INSERT OR UPDATE OR DELETE ON t FOR EACH ROW EXECUTE FUNCTION log_op('always')",
                "ALTER TABLE t ENABLE ALWAYS TRIGGER always");
        try (Ace ace = ace(db, dir)) {
            DiffResult first = diff(ace, "public.t", "n1,n2");
            RepairResult quiet = ace.repair().repair(repair("public.t", first).sourceOfTruth("n1").build());
            assertThat(quiet.node("n2").status()).isEqualTo(NodeRepairResult.Status.REPAIRED);
            assertThat(db.queryValue("n2", "SELECT count(*) FROM audit WHERE kind = 'ordinary'")).isEqualTo("0");
            assertThat(db.queryValue("n2", "SELECT count(*) FROM audit WHERE kind = 'always'")).isEqualTo("10");

            db.execute("n2", "DELETE FROM t WHERE id = 9", "UPDATE t SET v = 'again' WHERE id = 10",
                    "INSERT INTO t VALUES (200, 'extra')", "TRUNCATE audit");
            DiffResult second = diff(ace, "public.t", "n1,n2");
            ace.repair().repair(repair("public.t", second).sourceOfTruth("n1").fireTriggers(true).build());
            assertThat(db.queryColumn("n2", "SELECT id || ' ' || op FROM audit WHERE kind = 'ordinary' ORDER BY id"))
                    .containsExactly("9 INSERT", "10 UPDATE", "200 DELETE");
            assertThat(diff(ace, "public.t", "n1,n2").match()).isTrue();
        }
    }

    @Test
    void spockRepairModeIsSwitchedOnAndOffInsideEachTargetsTransactionWhenSpockProvidesIt(TestDatabase db) {
        seed(db);
        db.executeOnAll("CREATE TABLE repair_mode_calls (n serial, enabled boolean, xid text)",
                "CREATE SCHEMA spock",
                "CREATE FUNCTION spock.repair_mode(enabled boolean) RETURNS boolean LANGUAGE sql AS "
                        + "$$ INSERT INTO public.repair_mode_calls (enabled, xid) "
                        + "VALUES (enabled, pg_current_xact_id()::text) RETURNING true $$");
        try (Ace ace = ace(db, dir)) {
            DiffResult before = diff(ace, "public.t", "all");
            RepairResult dry = ace.repair().repair(repair("public.t", before).sourceOfTruth("n1").dryRun(true).build());
            assertThat(dry.node("n2").spockRepairMode()).isTrue();
            for (String node : List.of("n1", "n2", "n3")) {
                assertThat(db.queryValue(node, "SELECT count(*) FROM repair_mode_calls")).isEqualTo("0");
            }
            RepairResult result = ace.repair().repair(repair("public.t", before).sourceOfTruth("n1").build());
            for (String node : List.of("n2", "n3")) {
                assertThat(result.node(node).spockRepairMode()).isTrue();
                assertThat(db.queryColumn(node, "SELECT enabled::text FROM repair_mode_calls ORDER BY n"))
                        .containsExactly("true", "false");
                // both calls ran in the transaction that made the repair's changes (an updated row: inserts
                // run under a savepoint, so an inserted row carries a subtransaction's xid)
                assertThat(db.queryColumn(node, "SELECT DISTINCT xid FROM repair_mode_calls")).containsExactly(
                        db.queryValue(node, "SELECT (xmin::text::bigint)::text FROM t WHERE id = "
                                + (node.equals("n2") ? "4" : "8")));
            }
            assertThat(db.queryValue("n1", "SELECT count(*) FROM repair_mode_calls")).isEqualTo("0");
        }
    }

    @Test
    void theCallersRoleMakesTheChangesAndMustBeAllowedToSetSessionReplicationRole(TestDatabase db) {
        seed(db);
        String role = role(db, "repairer");
        String port = String.valueOf(db.node("n2").port());
        try (Ace ace = ace(db, dir)) {
            DiffResult before = diff(ace, "public.t", "n1,n2");
            List<String> n2 = binaryRows(db, "n2", "t", "id");
            assertThatThrownBy(() -> ace.repair().repair(repair("public.t", before).sourceOfTruth("n1")
                    .role(CallerRole.of(role)).build()))
                    .isInstanceOf(PermissionDeniedException.class)
                    .hasMessage("role " + role + " may not set session_replication_role on node n2 (127.0.0.1:" + port
                            + ", database " + db.name() + "), which a repair needs so that triggers do not fire and "
                            + "the changes are applied as replicated rows; GRANT SET ON PARAMETER "
                            + "session_replication_role TO \"" + role + "\" (PostgreSQL 15 and later) or make it a "
                            + "superuser, or repair with fire_triggers");
            assertThat(binaryRows(db, "n2", "t", "id")).isEqualTo(n2);

            db.executeOnAll("GRANT SET ON PARAMETER session_replication_role TO " + role,
                    "REVOKE UPDATE ON t FROM " + role);
            RepairResult dry = ace.repair().repair(repair("public.t", before).sourceOfTruth("n1")
                    .role(CallerRole.of(role)).dryRun(true).build());
            assertThat(dry.node("n2").status()).isEqualTo(NodeRepairResult.Status.FAILED);
            assertThat(dry.node("n2").error()).isEqualTo("role " + role + " lacks the UPDATE privilege on public.t on "
                    + "node n2 (127.0.0.1:" + port + ", database " + db.name() + "), which this repair needs");
            // deletes and inserts succeed, the updates are refused: the node's transaction rolls back as a whole
            RepairResult refused = ace.repair().repair(repair("public.t", before).sourceOfTruth("n1")
                    .role(CallerRole.of(role)).build());
            assertThat(refused.node("n2").status()).isEqualTo(NodeRepairResult.Status.FAILED);
            assertThat(refused.node("n2").errorCode()).isEqualTo(ErrorCode.PERMISSION_DENIED);
            assertThat(refused.node("n2").error()).isEqualTo("permission denied on node n2 (127.0.0.1:" + port
                    + ", database " + db.name() + ") while repairing table public.t: permission denied for table t "
                    + "[SQLSTATE 42501]");
            assertThat(List.of(refused.node("n2").deleted(), refused.node("n2").inserted())).containsExactly(0L, 0L);
            assertThat(refused.succeeded()).isFalse();
            assertThat(refused.unrepairedNodes()).containsExactly("n2");
            assertThat(binaryRows(db, "n2", "t", "id")).isEqualTo(n2);

            db.executeOnAll("GRANT UPDATE ON t TO " + role,
                    "CREATE TABLE who (id int, by name)",
                    "CREATE FUNCTION note_who() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                            + "INSERT INTO who VALUES (NEW.id, current_user); RETURN NULL; END $$",
                    "CREATE TRIGGER who AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION note_who()",
                    "ALTER TABLE t ENABLE ALWAYS TRIGGER who", "GRANT INSERT ON who TO " + role);
            RepairResult done = ace.repair().repair(repair("public.t", before).sourceOfTruth("n1")
                    .role(CallerRole.of(role)).build());
            assertThat(done.node("n2").status()).isEqualTo(NodeRepairResult.Status.REPAIRED);
            assertThat(db.queryColumn("n2", "SELECT DISTINCT by FROM who")).containsExactly(role);
            assertThat(diff(ace, "public.t", "n1,n2").match()).isTrue();
        }
    }

    @Test
    void withFireTriggersARoleNeedsNoPrivilegeOverSessionReplicationRole(TestDatabase db) {
        seed(db);
        String role = role(db, "firer");
        try (Ace ace = ace(db, dir)) {
            DiffResult before = diff(ace, "public.t", "n1,n2");
            RepairResult result = ace.repair().repair(repair("public.t", before).sourceOfTruth("n1")
                    .role(CallerRole.of(role)).fireTriggers(true).build());
            assertThat(result.node("n2").status()).isEqualTo(NodeRepairResult.Status.REPAIRED);
            assertThat(diff(ace, "public.t", "n1,n2").match()).isTrue();
        }
    }

    @Test
    void aRoleThatMayNotCreateTemporaryTablesRepairsThroughBoundArraysAlike(TestDatabase db) {
        seed(db);
        String role = role(db, "notemp");
        db.executeOnAll("REVOKE TEMPORARY ON DATABASE " + db.name() + " FROM PUBLIC");
        try (Ace ace = ace(db, dir)) {
            DiffResult before = diff(ace, "public.t", "all");
            RepairResult result = ace.repair().repair(repair("public.t", before).sourceOfTruth("n1")
                    .role(CallerRole.of(role)).fireTriggers(true).build());
            assertThat(result.node("n2").status()).isEqualTo(NodeRepairResult.Status.REPAIRED);
            assertThat(List.of(result.node("n2").deleted(), result.node("n2").inserted(), result.node("n2").updated()))
                    .containsExactly(3L, 3L, 4L);
            assertThat(diff(ace, "public.t", "all").match()).isTrue();
        }
    }

    @Test
    void theStagingTablesOfARepairAreGoneAfterItCommitsOrFails(TestDatabase db) {
        seed(db);
        db.executeOnAll("CREATE TABLE stages (name text)", "CREATE FUNCTION note_stages() RETURNS trigger "
                + "LANGUAGE plpgsql AS $$ BEGIN INSERT INTO stages SELECT relname FROM pg_class "
                + "WHERE relpersistence = 't' AND relname LIKE 'ace_repair_%'; RETURN NULL; END $$",
                "CREATE TRIGGER note AFTER UPDATE ON t FOR EACH STATEMENT EXECUTE FUNCTION note_stages()");
        try (Ace ace = ace(db, dir)) {
            DiffResult before = diff(ace, "public.t", "n1,n2");
            RepairResult result = ace.repair().repair(repair("public.t", before).sourceOfTruth("n1")
                    .fireTriggers(true).build());
            assertThat(result.node("n2").updated()).isEqualTo(4);
            // the update ran through the stages (the trigger saw them), and none outlived the transaction
            assertThat(db.queryColumn("n2", "SELECT DISTINCT name FROM stages ORDER BY 1"))
                    .containsExactly("ace_repair_delete", "ace_repair_insert", "ace_repair_update");
            assertThat(db.queryValue("n2", "SELECT count(*) FROM pg_class WHERE relpersistence = 't' "
                    + "AND relname LIKE 'ace_repair_%'")).isEqualTo("0");

            db.execute("n2", "UPDATE t SET v = 'again' WHERE id = 9", "DELETE FROM t WHERE id = 10");
            DiffResult again = diff(ace, "public.t", "n1,n2");
            List<String> n2 = binaryRows(db, "n2", "t", "id");
            db.execute("n2", "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                    + "IF current_setting('application_name') = 'ace' THEN RAISE EXCEPTION 'no updates today'; END IF; "
                    + "RETURN NULL; END $$",
                    "CREATE TRIGGER refuse AFTER UPDATE ON t FOR EACH STATEMENT EXECUTE FUNCTION refuse()");
            RepairResult failed = ace.repair().repair(repair("public.t", again).sourceOfTruth("n1")
                    .fireTriggers(true).build());
            assertThat(failed.node("n2").status()).isEqualTo(NodeRepairResult.Status.FAILED);
            assertThat(failed.node("n2").error()).contains("no updates today");
            assertThat(binaryRows(db, "n2", "t", "id")).isEqualTo(n2);
            assertThat(db.queryValue("n2", "SELECT count(*) FROM pg_class WHERE relpersistence = 't' "
                    + "AND relname LIKE 'ace_repair_%'")).isEqualTo("0");
        }
    }

    @Test
    void aSourceThatCannotBeReReadLeavesEveryTargetUntouched(TestDatabase db) {
        seed(db);
        String role = role(db, "blind");
        db.execute("n1", "REVOKE SELECT ON t FROM " + role);
        try (Ace ace = ace(db, dir)) {
            DiffResult before = diff(ace, "public.t", "all");
            List<String> n2 = binaryRows(db, "n2", "t", "id");
            List<String> n3 = binaryRows(db, "n3", "t", "id");
            assertThatThrownBy(() -> ace.repair().repair(repair("public.t", before).sourceOfTruth("n1")
                    .role(CallerRole.of(role)).fireTriggers(true).build()))
                    .isInstanceOf(PermissionDeniedException.class)
                    .hasMessage("permission denied on node n1 (127.0.0.1:" + db.node("n1").port() + ", database "
                            + db.name() + ") while repairing table public.t: permission denied for table t "
                            + "[SQLSTATE 42501]");
            assertThat(binaryRows(db, "n2", "t", "id")).isEqualTo(n2);
            assertThat(binaryRows(db, "n3", "t", "id")).isEqualTo(n3);
            assertThat(ace.activeConnections()).isZero();
        }
    }

    @Test
    void twoRepairsOfTheSameTableNeverRunAtOnce(TestDatabase db) throws Exception {
        seed(db);
        try (Ace ace = ace(db, dir); Connection blocker = db.node("n2").connect(db.name())) {
            DiffResult before = diff(ace, "public.t", "n1,n2");
            blocker.setAutoCommit(false);
            try (Statement statement = blocker.createStatement()) {
                statement.execute("SELECT * FROM t WHERE id = 7 FOR UPDATE");
            }
            CompletableFuture<RepairResult> first = CompletableFuture.supplyAsync(() -> ace.repair().repair(
                    repair("public.t", before).sourceOfTruth("n1").build()));
            await("the first repair to wait for the row lock", () -> aceWaitsForALock(db, "n2"));
            long start = System.nanoTime();
            assertThatThrownBy(() -> ace.repair().repair(repair("public.t", before).sourceOfTruth("n1")
                    .lockTimeout(Duration.ofMillis(300)).build()))
                    .isInstanceOf(AceException.class)
                    .hasMessage("another repair of public.t is running on node n2; try again when it finishes")
                    .satisfies(e -> assertThat(((AceException) e).code()).isEqualTo(ErrorCode.REPAIR_IN_PROGRESS));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
            blocker.commit();
            RepairResult result = first.get(30, TimeUnit.SECONDS);
            assertThat(result.node("n2").status()).isEqualTo(NodeRepairResult.Status.REPAIRED);
            assertThat(result.node("n2").conflicts()).isEmpty();
            assertThat(diff(ace, "public.t", "n1,n2").match()).isTrue();
            assertThat(ace.activeConnections()).isZero();
        }
    }

    @Test
    void aBackendTerminatedMidwayLeavesThatNodeUnchangedAndTheOthersAsReported(TestDatabase db) throws Exception {
        seed(db);
        try (Ace ace = ace(db, dir); Connection blocker = db.node("n2").connect(db.name())) {
            DiffResult before = diff(ace, "public.t", "all");
            List<String> n2 = binaryRows(db, "n2", "t", "id");
            // an uncommitted row with a key the repair inserts on n2: its insert waits, after its deletes ran
            blocker.setAutoCommit(false);
            try (Statement statement = blocker.createStatement()) {
                statement.execute("INSERT INTO t VALUES (3, 'in flight')");
            }
            CompletableFuture<RepairResult> running = CompletableFuture.supplyAsync(() -> ace.repair().repair(
                    repair("public.t", before).sourceOfTruth("n1").build()));
            await("the repair to wait on n2", () -> aceWaitsForALock(db, "n2"));
            assertThat(db.queryValue("n2", "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    + "WHERE application_name = 'ace' AND wait_event_type = 'Lock'")).isEqualTo("1");
            RepairResult result = running.get(30, TimeUnit.SECONDS);
            blocker.rollback();

            NodeRepairResult lost = result.node("n2");
            assertThat(lost.status()).isEqualTo(NodeRepairResult.Status.FAILED);
            assertThat(lost.errorCode()).isEqualTo(ErrorCode.NODE_UNREACHABLE);
            assertThat(lost.error()).startsWith("node n2 (127.0.0.1:" + db.node("n2").port()
                    + ") is unreachable while repairing table public.t: terminating connection due to administrator "
                    + "command");
            assertThat(List.of(lost.deleted(), lost.inserted(), lost.updated())).containsExactly(0L, 0L, 0L);
            assertThat(lost.changes()).isEmpty();
            assertThat(binaryRows(db, "n2", "t", "id")).isEqualTo(n2);
            assertThat(result.node("n3").status()).isEqualTo(NodeRepairResult.Status.REPAIRED);
            assertThat(result.node("n3").updated()).isEqualTo(1);
            assertThat(binaryRows(db, "n3", "t", "id")).isEqualTo(binaryRows(db, "n1", "t", "id"));
            assertThat(result.repairedNodes()).containsExactly("n3");
            assertThat(result.unrepairedNodes()).containsExactly("n2");
            assertThat(result.describe()).startsWith("INCOMPLETE: public.t");
            // a rerun of the same diff shows exactly n2's rows still to repair
            assertThat(allKeys(rerun(ace, "public.t", before, RerunBehavior.MULTIPROCESSING)))
                    .containsExactly("1", "101", "102", "103", "2", "3", "4", "5", "6", "7");
            assertThat(ace.activeConnections()).isZero();
        }
    }

    @Test
    void anAtomicRepairCommitsOnEveryNodeOrOnNone(TestDatabase db) {
        seed(db);
        db.execute("n3", "ALTER TABLE t ADD CONSTRAINT not_v8 CHECK (v <> 'v8') NOT VALID");
        try (Ace ace = ace(db, dir)) {
            DiffResult before = diff(ace, "public.t", "all");
            List<String> n2 = binaryRows(db, "n2", "t", "id");
            List<String> n3 = binaryRows(db, "n3", "t", "id");

            RepairResult atomic = ace.repair().repair(repair("public.t", before).sourceOfTruth("n1").atomic(true).build());
            assertThat(atomic.node("n3").status()).isEqualTo(NodeRepairResult.Status.FAILED);
            assertThat(atomic.node("n3").error()).contains("violates check constraint \"not_v8\"");
            assertThat(atomic.node("n2").status()).isEqualTo(NodeRepairResult.Status.ROLLED_BACK);
            assertThat(atomic.node("n2").error()).startsWith("rolled back because node n3 failed: ");
            assertThat(atomic.repairedNodes()).isEmpty();
            assertThat(binaryRows(db, "n2", "t", "id")).isEqualTo(n2);
            assertThat(binaryRows(db, "n3", "t", "id")).isEqualTo(n3);

            RepairResult separate = ace.repair().repair(repair("public.t", before).sourceOfTruth("n1").build());
            assertThat(separate.node("n2").status()).isEqualTo(NodeRepairResult.Status.REPAIRED);
            assertThat(separate.node("n3").status()).isEqualTo(NodeRepairResult.Status.FAILED);
            assertThat(binaryRows(db, "n3", "t", "id")).isEqualTo(n3);

            db.execute("n3", "ALTER TABLE t DROP CONSTRAINT not_v8");
            DiffResult rest = diff(ace, "public.t", "all");
            RepairResult all = ace.repair().repair(repair("public.t", rest).sourceOfTruth("n1").atomic(true).build());
            assertThat(all.succeeded()).isTrue();
            assertThat(all.node("n3").status()).isEqualTo(NodeRepairResult.Status.REPAIRED);
            assertThat(diff(ace, "public.t", "all").match()).isTrue();
            for (String node : List.of("n1", "n2", "n3")) {
                assertThat(db.queryValue(node, "SELECT count(*) FROM pg_prepared_xacts")).isEqualTo("0");
            }
        }
    }

    @Test
    void theReportListsEveryChangeAndConflictPerNodeAndHoldsNoSecret(TestDatabase db) throws Exception {
        seed(db);
        try (Ace ace = ace(db, dir)) {
            DiffResult before = diff(ace, "public.t", "all");
            db.execute("n2", "UPDATE t SET v = 'later' WHERE id = 5");
            RepairResult result = ace.repair().repair(repair("public.t", before).sourceOfTruth("n1")
                    .generateReport(true).taskId("tr_report_test").build());
            assertThat(result.report()).exists();
            assertThat(result.report().getFileName().toString()).isEqualTo("public_t_repair-tr_report_test.json");
            assertThat(result.report().getParent().getParent().getFileName().toString()).isEqualTo("reports");
            String text = Files.readString(result.report());
            assertThat(text).doesNotContainIgnoringCase("password");
            db.node("n1").password().ifPresent(password -> assertThat(text).doesNotContain(password));
            JsonNode report = new ObjectMapper().readTree(text);
            assertThat(report.path("report").asText()).isEqualTo("ace-repair/1");
            assertThat(report.path("mode").asText()).isEqualTo("standard");
            assertThat(report.path("source_of_truth").asText()).isEqualTo("n1");
            JsonNode n2 = report.path("nodes").path("n2");
            assertThat(n2.path("status").asText()).isEqualTo("repaired");
            assertThat(n2.path("deleted_rows").toString())
                    .isEqualTo("[{\"id\":\"101\",\"v\":\"n2\"},{\"id\":\"102\",\"v\":\"n2\"},{\"id\":\"103\",\"v\":\"n2\"}]");
            assertThat(n2.path("inserted_rows")).hasSize(3);
            assertThat(n2.path("updated_rows").get(0).toString())
                    .isEqualTo("{\"before\":{\"id\":\"4\",\"v\":\"n2\"},\"after\":{\"id\":\"4\",\"v\":\"v4\"}}");
            assertThat(n2.path("conflicts").toString())
                    .isEqualTo("[{\"key\":{\"id\":\"5\"},\"reason\":\"changed on n2 since the diff\"}]");
            assertThat(report.path("hint").asText()).isEqualTo(RepairConflict.HINT);
            assertThat(report.path("nodes").path("n3").path("updated").asInt()).isEqualTo(1);
        }
    }
}
