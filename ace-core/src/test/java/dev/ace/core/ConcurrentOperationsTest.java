package dev.ace.core;

import dev.ace.core.diff.DiffResult;
import dev.ace.core.diff.TableDiffRequest;
import dev.ace.core.repair.NodeRepairResult;
import dev.ace.core.repair.RepairResult;
import dev.ace.core.repair.TableRepairRequest;
import dev.ace.testkit.TestDatabase;
import dev.ace.testkit.WithPgCluster;
import dev.ace.core.error.AceException;
import dev.ace.core.error.ErrorCode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static dev.ace.core.repair.RepairTesting.binaryRows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Eight tables diffed, repaired and diffed again at once through one {@code Ace} on three nodes
 * whose pools hold 3 connections each, far fewer than the work wants at once: every operation
 * waits its turn for a connection (none fails with a pool exhausted or NODE_BUSY), nothing
 * deadlocks, and every result is exact: each diff finds exactly the rows made to differ, each
 * repair changes exactly those, and afterwards every node holds n1's rows byte for byte.
 */
@WithPgCluster(nodes = 3)
class ConcurrentOperationsTest {

    private static final int TABLES = 8;

    @TempDir
    Path dir;

    @Test
    void eightDiffsAndRepairsAtOnceThroughSmallPoolsAllEndExactly(TestDatabase db) throws Exception {
        for (int t = 0; t < TABLES; t++) {
            String table = "t" + t;
            db.executeOnAll("CREATE TABLE " + table + " (id int PRIMARY KEY, v text, x int)",
                    "INSERT INTO " + table + " SELECT i, 'v' || i, i FROM generate_series(1, 20000) i");
            // table t: n2 lacks 10 + t rows and has 5 extra; n3 holds 20 + t changed rows
            db.execute("n2", "DELETE FROM " + table + " WHERE id <= " + (10 + t),
                    "INSERT INTO " + table + " SELECT i, 'extra', NULL FROM generate_series(30001, 30005) i");
            db.execute("n3", "UPDATE " + table + " SET v = 'changed' WHERE id > 100 AND id <= " + (120 + t));
        }
        db.writeClusterJson(dir.resolve("cluster"));
        AceConfig config = AceConfig.builder().clusterDirectory(dir.resolve("cluster"))
                .outputDirectory(dir.resolve("out")).maxConnectionsPerNode(3).build();
        ExecutorService threads = Executors.newFixedThreadPool(TABLES);
        try (Ace ace = Ace.create(config)) {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<String>> runs = new ArrayList<>();
            for (int t = 0; t < TABLES; t++) {
                int number = t;
                runs.add(threads.submit(() -> {
                    start.await();
                    String table = "public.t" + number;
                    DiffResult before = ace.diff().diff(TableDiffRequest.builder("acetest", table).build());
                    assertThat(before.diffCounts()).as(table).isEqualTo(Map.of("n1/n2", 15L + number,
                            "n1/n3", 20L + number, "n2/n3", 35L + 2 * number));
                    RepairResult repair = ace.repair().repair(TableRepairRequest.builder("acetest", table)
                            .diffFile(before.diffFile()).sourceOfTruth("n1").quiet(true).build());
                    assertThat(repair.succeeded()).as(table).isTrue();
                    NodeRepairResult n2 = repair.node("n2");
                    NodeRepairResult n3 = repair.node("n3");
                    assertThat(List.of(n2.deleted(), n2.inserted(), n2.updated(), n2.skipped())).as(table)
                            .containsExactly(5L, 10L + number, 0L, 0L);
                    assertThat(List.of(n3.deleted(), n3.inserted(), n3.updated(), n3.skipped())).as(table)
                            .containsExactly(0L, 0L, 20L + number, 0L);
                    assertThat(ace.diff().diff(TableDiffRequest.builder("acetest", table).build()).match()).as(table)
                            .isTrue();
                    return table;
                }));
            }
            start.countDown();
            for (Future<String> run : runs) {
                run.get(5, TimeUnit.MINUTES);
            }
            assertThat(ace.activeConnections()).isZero();
        } finally {
            threads.shutdownNow();
        }
        for (int t = 0; t < TABLES; t++) {
            List<String> reference = binaryRows(db, "n1", "t" + t, "id");
            for (String node : List.of("n2", "n3")) {
                assertThat(binaryRows(db, node, "t" + t, "id")).as("t" + t + " on " + node).isEqualTo(reference);
            }
        }
    }

    /**
     * With one connection per node, a repair that holds n2's (its listener waits) makes a diff
     * that needs n2 wait 10 x connect_timeout, then fail with NODE_BUSY naming the node, the pool
     * and how many waited; the repair then ends as if nothing happened.
     */
    @Test
    void workThatWaitsTooLongForAConnectionFailsWithNodeBusyNamingTheNodeAndPool(TestDatabase db) throws Exception {
        db.executeOnAll("CREATE TABLE t (id int PRIMARY KEY, v text)", "CREATE TABLE other (id int PRIMARY KEY)",
                "INSERT INTO t SELECT i, 'v' || i FROM generate_series(1, 100) i");
        db.execute("n2", "UPDATE t SET v = 'changed' WHERE id <= 5");
        db.writeClusterJson(dir.resolve("cluster"));
        AceConfig config = AceConfig.builder().clusterDirectory(dir.resolve("cluster"))
                .outputDirectory(dir.resolve("out")).maxConnectionsPerNode(1).connectTimeout(Duration.ofSeconds(1))
                .build();
        ExecutorService threads = Executors.newSingleThreadExecutor();
        try (Ace ace = Ace.create(config)) {
            DiffResult before = ace.diff().diff(TableDiffRequest.builder("acetest", "public.t").nodes("n1,n2").build());
            CountDownLatch holding = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Future<RepairResult> repair = threads.submit(() -> ace.repair().repair(TableRepairRequest
                    .builder("acetest", "public.t").diffFile(before.diffFile()).sourceOfTruth("n1")
                    .progress((node, planned, applied) -> {
                        holding.countDown();
                        try {
                            release.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }).build()));
            assertThat(holding.await(1, TimeUnit.MINUTES)).isTrue();
            long start = System.nanoTime();
            assertThatThrownBy(() -> ace.diff().diff(TableDiffRequest.builder("acetest", "public.other")
                    .nodes("n1,n2").build()))
                    .isInstanceOf(AceException.class)
                    .satisfies(e -> assertThat(((AceException) e).code()).isEqualTo(ErrorCode.NODE_BUSY))
                    .hasMessageStartingWith("node n2 (" + db.node("n2").address() + ", database " + db.name()
                            + ") is busy: while ")
                    .hasMessageContaining(", 1 request waited more than 10.0 s for one of the 1 connections of pool "
                            + "ace-n2-")
                    .hasMessageEndingWith("(max_connections_per_node), all in use; try again later, or raise "
                            + "max_connections_per_node");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofSeconds(10),
                    Duration.ofSeconds(30));
            release.countDown();
            RepairResult result = repair.get(1, TimeUnit.MINUTES);
            assertThat(result.succeeded()).isTrue();
            assertThat(result.node("n2").updated()).isEqualTo(5);
            assertThat(ace.activeConnections()).isZero();
        } finally {
            threads.shutdownNow();
        }
    }
}
