package dev.ace.core.repair;

import dev.ace.core.Ace;
import dev.ace.core.Cancellation;
import dev.ace.core.diff.DiffResult;
import dev.ace.core.error.AceException;
import dev.ace.core.error.ErrorCode;
import dev.ace.testkit.TestDatabase;
import dev.ace.testkit.WithPgCluster;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static dev.ace.core.repair.RepairTesting.ace;
import static dev.ace.core.repair.RepairTesting.binaryRows;
import static dev.ace.core.repair.RepairTesting.diff;
import static dev.ace.core.repair.RepairTesting.repair;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Cancelling a repair midway, its progress, and a failure that is a bug. */
@WithPgCluster(nodes = 3)
class RepairCancellationTest {

    @TempDir
    Path dir;

    /** n2 lacks 5,000 rows, has 25,000 changed and 5,000 extra; n3 has 15,000 changed: several units each. */
    private static void seedLarge(TestDatabase db) {
        db.executeOnAll("CREATE TABLE t (id int PRIMARY KEY, v text)",
                "INSERT INTO t SELECT i, 'v' || i FROM generate_series(1, 40000) i");
        db.execute("n2", "DELETE FROM t WHERE id <= 5000", "UPDATE t SET v = 'n2' WHERE id BETWEEN 5001 AND 30000",
                "INSERT INTO t SELECT i, 'n2' FROM generate_series(50001, 55000) i");
        db.execute("n3", "UPDATE t SET v = 'n3' WHERE id BETWEEN 20001 AND 35000");
    }

    private static Map<String, List<String>> rowsOf(TestDatabase db) {
        return Map.of("n1", binaryRows(db, "n1", "t", "id"), "n2", binaryRows(db, "n2", "t", "id"),
                "n3", binaryRows(db, "n3", "t", "id"));
    }

    /** No stage table of a repair, and no prepared transaction, is left on any node. */
    private static void assertNothingLeftBehind(TestDatabase db, Ace ace) {
        for (String node : List.of("n1", "n2", "n3")) {
            assertThat(db.queryValue(node, "SELECT count(*) FROM pg_class WHERE relpersistence = 't' "
                    + "AND relname LIKE 'ace_repair_%'")).as(node + " stage tables").isEqualTo("0");
            assertThat(db.queryValue(node, "SELECT count(*) FROM pg_prepared_xacts")).as(node + " prepared")
                    .isEqualTo("0");
        }
        assertThat(ace.activeConnections()).isZero();
    }

    @Test
    void aRepairCancelledMidwayRollsEveryNodeBackWhetherAtomicOrNot(TestDatabase db) {
        seedLarge(db);
        try (Ace ace = ace(db, dir)) {
            DiffResult before = diff(ace, "public.t", "all");
            Map<String, List<String>> rows = rowsOf(db);
            for (boolean atomic : new boolean[] {false, true}) {
                Cancellation cancellation = new Cancellation();
                AtomicInteger calls = new AtomicInteger();
                assertThatThrownBy(() -> ace.repair().repair(repair("public.t", before).sourceOfTruth("n1")
                        .atomic(atomic).cancellation(cancellation).progress((node, planned, applied) -> {
                            if (calls.incrementAndGet() == 1) {
                                cancellation.cancel();
                            }
                        }).build()))
                        .as("atomic " + atomic)
                        .isInstanceOf(AceException.class)
                        .satisfies(e -> assertThat(((AceException) e).code()).isEqualTo(ErrorCode.CANCELLED))
                        .hasMessage("table-repair of public.t was cancelled; no node committed the repair: every node "
                                + "was rolled back");
                assertThat(calls).as("atomic " + atomic).hasValueGreaterThanOrEqualTo(1);
                assertThat(rowsOf(db)).as("atomic " + atomic).isEqualTo(rows);
                assertNothingLeftBehind(db, ace);
            }
        }
    }

    @Test
    void aCancelAfterOneNodeCommittedSaysSoAndRollsTheOthersBack(TestDatabase db) {
        db.executeOnAll("CREATE TABLE t (id int PRIMARY KEY, v text)",
                "INSERT INTO t SELECT i, 'v' || i FROM generate_series(1, 30000) i");
        db.execute("n2", "UPDATE t SET v = 'n2' WHERE id <= 10");
        db.execute("n3", "UPDATE t SET v = 'n3' WHERE id <= 25000");
        try (Ace ace = ace(db, dir)) {
            DiffResult before = diff(ace, "public.t", "all");
            List<String> n1 = binaryRows(db, "n1", "t", "id");
            List<String> n3 = binaryRows(db, "n3", "t", "id");
            Cancellation cancellation = new Cancellation();
            assertThatThrownBy(() -> ace.repair().repair(repair("public.t", before).sourceOfTruth("n1")
                    .cancellation(cancellation).progress((node, planned, applied) -> {
                        if (node.equals("n3") && !cancellation.isCancelled()) {
                            // n3 waits, its transaction open, until n2 has committed; then the caller cancels
                            awaitCommitted(db);
                            cancellation.cancel();
                        }
                    }).build()))
                    .isInstanceOf(AceException.class)
                    .satisfies(e -> assertThat(((AceException) e).code()).isEqualTo(ErrorCode.CANCELLED))
                    .hasMessage("table-repair of public.t was cancelled; node n2 had already committed the repair, "
                            + "every other node was rolled back");
            assertThat(binaryRows(db, "n2", "t", "id")).isEqualTo(n1);
            assertThat(binaryRows(db, "n3", "t", "id")).isEqualTo(n3);
            assertNothingLeftBehind(db, ace);
        }
    }

    private static void awaitCommitted(TestDatabase db) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!"0".equals(db.queryValue("n2", "SELECT count(*) FROM t WHERE v = 'n2'"))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("n2 did not commit within 30 s");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    @Test
    void aRepairCancelledWhileItWaitsForAnotherRepairsLockStopsAtOnce(TestDatabase db) throws Exception {
        seedLarge(db);
        try (Ace ace = ace(db, dir); Connection other = db.node("n2").connect(db.name())) {
            DiffResult before = diff(ace, "public.t", "n1,n2");
            Map<String, List<String>> rows = rowsOf(db);
            other.setAutoCommit(false);
            try (Statement statement = other.createStatement()) {
                // the lock another repair of the table holds while it runs
                statement.execute("SELECT pg_advisory_xact_lock((x'41434552'::bigint << 32) | 't'::regclass::oid::bigint)");
            }
            Cancellation cancellation = new Cancellation();
            CompletableFuture<RepairResult> waiting = CompletableFuture.supplyAsync(() -> ace.repair().repair(
                    repair("public.t", before).sourceOfTruth("n1").lockTimeout(Duration.ofSeconds(60))
                            .cancellation(cancellation).build()));
            Thread.sleep(500);
            long start = System.nanoTime();
            cancellation.cancel();
            assertThatThrownBy(() -> waiting.get(10, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(AceException.class)
                    .cause()
                    .satisfies(e -> assertThat(((AceException) e).code()).isEqualTo(ErrorCode.CANCELLED))
                    .hasMessage("table-repair of public.t was cancelled; no node committed the repair: every node "
                            + "was rolled back");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            other.rollback();
            assertThat(rowsOf(db)).isEqualTo(rows);
            assertNothingLeftBehind(db, ace);
        }
    }

    @Test
    void progressTellsTheRowsPlannedAndAppliedOnEachNode(TestDatabase db) {
        seedLarge(db);
        try (Ace ace = ace(db, dir)) {
            DiffResult before = diff(ace, "public.t", "all");
            Map<String, List<long[]>> calls = new ConcurrentHashMap<>();
            RepairResult result = ace.repair().repair(repair("public.t", before).sourceOfTruth("n1")
                    .progress((node, planned, applied) -> calls.computeIfAbsent(node, n -> new CopyOnWriteArrayList<>())
                            .add(new long[] {planned, applied})).build());
            assertThat(calls.keySet()).containsExactlyInAnyOrder("n2", "n3");
            for (String node : List.of("n2", "n3")) {
                NodeRepairResult repaired = result.node(node);
                long total = repaired.deleted() + repaired.inserted() + repaired.updated();
                List<long[]> told = calls.get(node);
                assertThat(told.get(told.size() - 1)).as(node).containsExactly(total, total);
                for (int i = 1; i < told.size(); i++) {
                    assertThat(told.get(i)[1]).as(node + " applied never shrinks")
                            .isGreaterThanOrEqualTo(told.get(i - 1)[1]);
                    assertThat(told.get(i)[1]).as(node + " applied at most planned").isLessThanOrEqualTo(told.get(i)[0]);
                }
            }
            assertThat(calls.get("n2")).hasSizeGreaterThan(3);
            assertThat(diff(ace, "public.t", "all").match()).isTrue();
        }
    }

    @Test
    void aFailureNothingExplainsIsReportedAsABugAndTheNodeIsRolledBack(TestDatabase db) {
        seedLarge(db);
        try (Ace ace = ace(db, dir)) {
            DiffResult before = diff(ace, "public.t", "n1,n2");
            List<String> n2 = binaryRows(db, "n2", "t", "id");
            RepairResult result = ace.repair().repair(repair("public.t", before).sourceOfTruth("n1")
                    .progress((node, planned, applied) -> {
                        throw new IllegalStateException("listener broke");
                    }).build());
            NodeRepairResult failed = result.node("n2");
            assertThat(failed.status()).isEqualTo(NodeRepairResult.Status.FAILED);
            assertThat(failed.errorCode()).isEqualTo(ErrorCode.INTERNAL);
            assertThat(failed.error()).isEqualTo("internal error (a bug; please report it) while repairing table "
                    + "public.t on node n2 (127.0.0.1:" + db.node("n2").port() + ", database "
                    + db.name() + "): java.lang.IllegalStateException: listener broke");
            assertThat(binaryRows(db, "n2", "t", "id")).isEqualTo(n2);
            assertNothingLeftBehind(db, ace);
        }
    }
}
