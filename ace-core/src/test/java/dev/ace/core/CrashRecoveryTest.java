package dev.ace.core;

import static dev.ace.core.repair.RepairTesting.binaryRows;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ace.core.diff.DiffResult;
import dev.ace.core.diff.TableDiffRequest;
import dev.ace.core.error.ErrorCode;
import dev.ace.core.repair.InterruptedRepair;
import dev.ace.core.repair.RepairResult;
import dev.ace.core.repair.TableRepairRequest;
import dev.ace.core.task.Task;
import dev.ace.core.task.TaskState;
import dev.ace.testkit.FaultProxy;
import dev.ace.testkit.TestDatabase;
import dev.ace.testkit.WithPgCluster;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * ACE itself killed ({@code kill -9}) while it repairs: the repair runs in a child JVM
 * ({@link RepairInChildProcess}) whose connections to n2 and n3 pass through fault proxies; a
 * proxy holds the child in front of a chosen statement, the test waits until the nodes stand
 * where it wants them, and kills the child with SIGKILL. Then every node holds its rows as before
 * or as repaired, never a mix; an atomic repair's prepared transactions are found and ended the
 * same way on every node; and the task store shows the task as interrupted.
 */
@WithPgCluster(nodes = 3)
class CrashRecoveryTest {

    private static final String CLUSTER = "crash";

    @TempDir
    Path dir;

    /** Where the child is killed: the proxy in front of which node holds which statement, and what the nodes hold then. */
    enum Point {
        /** n3 about to prepare, n2 prepared: not every target prepared, none committed -> rolled back everywhere. */
        ATOMIC_ONE_OF_TWO_PREPARED(true, "n3", "PREPARE TRANSACTION", InterruptedRepair.Resolution.ROLLED_BACK),
        /** Both prepared, n2 about to commit: every target prepared -> committed everywhere. */
        ATOMIC_ALL_PREPARED(true, "n2", "COMMIT PREPARED", InterruptedRepair.Resolution.COMMITTED),
        /** n2 committed, n3 still prepared: n2's marker says the run committed -> committed everywhere. */
        ATOMIC_ONE_COMMITTED(true, "n3", "COMMIT PREPARED", InterruptedRepair.Resolution.COMMITTED),
        /** A per-node repair with n2 committed and n3 about to commit: n2 repaired, n3 as before. */
        PER_NODE_ONE_COMMITTED(false, "n3", "COMMIT\u0000", null),
        /** A per-node repair killed while n2 copies its rows into the stage: each node as before or repaired. */
        PER_NODE_WRITING(false, "n2", "COPY", null);

        final boolean atomic;
        final String held;
        final String statement;
        final InterruptedRepair.Resolution resolution;

        Point(boolean atomic, String held, String statement, InterruptedRepair.Resolution resolution) {
            this.atomic = atomic;
            this.held = held;
            this.statement = statement;
            this.resolution = resolution;
        }
    }


    private Path clusterDirectory(TestDatabase db, FaultProxy n2, FaultProxy n3) {
        return FaultTesting.clusterThrough(dir.resolve("cluster"), CLUSTER, db, Map.of("n2", n2, "n3", n3));
    }

    private Ace ace(Path clusters) {
        return Ace.create(AceConfig.builder().clusterDirectory(clusters).outputDirectory(dir.resolve("out")).build());
    }

    private static DiffResult diff(Ace ace) {
        return ace.diff().diff(TableDiffRequest.builder(CLUSTER, "public.t").nodes("all").maxDiffRows(0).build());
    }


    private static int prepared(TestDatabase db, String node) {
        return Integer.parseInt(db.queryValue(node, "SELECT count(*) FROM pg_prepared_xacts WHERE database = "
                + "current_database()"));
    }

    /** A running child JVM that repairs, and the id of its task. */
    private record Child(Process process, String taskId) {
    }

    /** Starts {@link RepairInChildProcess} with this JVM's class path; returns once it printed its task's id. */
    private Child startChild(Path clusters, Path diffFile, boolean atomic) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                RepairInChildProcess.class.getName(), clusters.toString(), dir.resolve("out").toString(), CLUSTER,
                "public.t", diffFile.toString(), "n1", atomic ? "atomic" : "per-node")
                .redirectError(dir.resolve("child.err").toFile()).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line = CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }).get(60, TimeUnit.SECONDS);
        assertThat(line).as("the child's first line; its errors: " + Files.readString(dir.resolve("child.err")))
                .startsWith("task ");
        return new Child(process, line.substring("task ".length()));
    }

    /** Runs the repair in a child JVM, holds it at the point's statement, waits until the nodes stand there, kills it. */
    private Child killAt(Point point, TestDatabase db, Path clusters, FaultProxy n2, FaultProxy n3, Path diffFile)
            throws Exception {
        FaultProxy held = point.held.equals("n2") ? n2 : n3;
        held.injectWhen(point.statement, FaultProxy.Fault.HOLD);
        Child child = startChild(clusters, diffFile, point.atomic);
        assertThat(held.awaitInjected(Duration.ofSeconds(60))).as("the child reached " + point.statement + " on "
                + point.held).isTrue();
        List<String> n1 = binaryRows(db, "n1", "t", "id");
        switch (point) {
            case ATOMIC_ONE_OF_TWO_PREPARED -> FaultTesting.await("n2 prepared", () -> prepared(db, "n2") == 1);
            case ATOMIC_ALL_PREPARED -> FaultTesting.await("n3 prepared", () -> prepared(db, "n3") == 1);
            case ATOMIC_ONE_COMMITTED, PER_NODE_ONE_COMMITTED -> FaultTesting.await("n2 committed",
                    () -> prepared(db, "n2") == 0 && binaryRows(db, "n2", "t", "id").equals(n1));
            default -> { }
        }
        child.process().destroyForcibly(); // SIGKILL: no shutdown hook, no finally block runs
        assertThat(child.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(child.process().exitValue()).isEqualTo(137);
        // the held connection dies with the child, as TCP would end it
        n2.heal();
        n3.heal();
        FaultTesting.await("the child's connections are gone", () -> db.openConnections().isEmpty());
        return child;
    }

    @ParameterizedTest(name = "killed at {0}")
    @EnumSource(Point.class)
    void everyNodeHoldsItsRowsAsBeforeOrAsRepairedAndTheTaskIsInterrupted(Point point, TestDatabase db)
            throws Exception {
        FaultTesting.seed(db);
        Map<String, List<String>> before = new LinkedHashMap<>();
        for (String node : List.of("n1", "n2", "n3")) {
            before.put(node, binaryRows(db, node, "t", "id"));
        }
        List<String> repaired = before.get("n1");
        try (FaultProxy n2 = FaultProxy.to(db.node("n2")); FaultProxy n3 = FaultProxy.to(db.node("n3"))) {
            Path clusters = clusterDirectory(db, n2, n3);
            Path diffFile;
            try (Ace ace = ace(clusters)) {
                diffFile = diff(ace).diffFile();
            }
            long start = System.nanoTime();
            Child child = killAt(point, db, clusters, n2, n3, diffFile);
            long killedMillis = (System.nanoTime() - start) / 1_000_000;

            int preparedLeft = prepared(db, "n2") + prepared(db, "n3");
            assertThat(preparedLeft).as("prepared transactions left by the killed child")
                    .isEqualTo(switch (point) {
                        case ATOMIC_ONE_OF_TWO_PREPARED, ATOMIC_ONE_COMMITTED -> 1;
                        case ATOMIC_ALL_PREPARED -> 2;
                        default -> 0;
                    });
            try (Ace ace = ace(clusters)) {
                Task task = ace.tasks().get(child.taskId(), CallerRole.SERVICE);
                assertThat(task.state()).isEqualTo(TaskState.FAILED);
                assertThat(task.errorCode()).isEqualTo(ErrorCode.INTERRUPTED);
                assertThat(task.errorMessage()).startsWith("interrupted: ACE stopped while the task was running");

                List<InterruptedRepair> found = ace.repair().resolveInterrupted(CLUSTER, null, CallerRole.SERVICE);
                System.out.printf("crash case | %s | killed after %d ms | %d prepared left | %s%n", point,
                        killedMillis, preparedLeft, found.isEmpty() ? "nothing to resolve" : found.get(0).message());
                if (point.atomic) {
                    assertThat(found).hasSize(1);
                    assertThat(found.get(0).runId()).isEqualTo(child.taskId());
                    assertThat(found.get(0).resolution()).isEqualTo(point.resolution);
                } else {
                    assertThat(found).isEmpty();
                }
                assertThat(ace.repair().resolveInterrupted(CLUSTER, null, CallerRole.SERVICE)).as("resolved once")
                        .isEmpty();
            }
            assertThat(prepared(db, "n2") + prepared(db, "n3")).isZero();
            Map<String, List<String>> now = new LinkedHashMap<>();
            for (String node : List.of("n1", "n2", "n3")) {
                now.put(node, binaryRows(db, node, "t", "id"));
                assertThat(now.get(node)).as("node " + node + " holds a mix of before and after")
                        .isIn(before.get(node), repaired);
            }
            assertThat(now.get("n1")).isEqualTo(before.get("n1"));
            switch (point) {
                case ATOMIC_ONE_OF_TWO_PREPARED -> assertThat(now).isEqualTo(before);
                case ATOMIC_ALL_PREPARED, ATOMIC_ONE_COMMITTED, PER_NODE_ONE_COMMITTED -> {
                    assertThat(now.get("n2")).isEqualTo(repaired);
                    assertThat(now.get("n3")).isEqualTo(point.atomic ? repaired : before.get("n3"));
                }
                default -> assertThat(now.get("n2")).isEqualTo(before.get("n2"));
            }
            assertThat(db.queryValue("n2", "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'")).isEqualTo("0");
        }
    }

    @Test
    void theNextAtomicRepairEndsAnInterruptedOneBeforeItRunsAndSaysSo(TestDatabase db) throws Exception {
        FaultTesting.seed(db);
        try (FaultProxy n2 = FaultProxy.to(db.node("n2")); FaultProxy n3 = FaultProxy.to(db.node("n3"))) {
            Path clusters = clusterDirectory(db, n2, n3);
            Path diffFile;
            try (Ace ace = ace(clusters)) {
                diffFile = diff(ace).diffFile();
            }
            Child child = killAt(Point.ATOMIC_ONE_OF_TWO_PREPARED, db, clusters, n2, n3, diffFile);
            assertThat(prepared(db, "n2")).isEqualTo(1);
            try (Ace ace = ace(clusters)) {
                RepairResult result = ace.repair().repair(TableRepairRequest.builder(CLUSTER, "public.t")
                        .diffFile(diff(ace).diffFile()).sourceOfTruth("n1").atomic(true).build());
                assertThat(result.warnings()).containsExactly("repair " + child.taskId() + " was interrupted; rolled "
                        + "back on n2 because only 1 of its 2 target nodes had prepared it and none had committed it");
                assertThat(result.repairedNodes()).containsExactly("n2", "n3");
                assertThat(diff(ace).match()).isTrue();
            }
            assertThat(prepared(db, "n2") + prepared(db, "n3")).isZero();
            // the run's markers are gone once nothing is prepared: only the last run's are kept
            assertThat(db.queryValue("n2", "SELECT count(*) FROM ace.repair_runs WHERE run_id = ?", child.taskId()))
                    .isEqualTo("0");
        }
    }
}
