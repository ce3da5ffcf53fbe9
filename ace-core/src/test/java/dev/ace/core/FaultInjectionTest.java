package dev.ace.core;

import static dev.ace.core.repair.RepairTesting.binaryRows;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ace.core.diff.DiffResult;
import dev.ace.core.diff.TableDiffRequest;
import dev.ace.core.diff.TableRerunRequest;
import dev.ace.core.error.AceException;
import dev.ace.core.repair.NodeRepairResult;
import dev.ace.core.repair.RepairResult;
import dev.ace.core.repair.TableRepairRequest;
import dev.ace.core.spock.ExceptionStatus;
import dev.ace.core.spock.ExceptionUpdateRequest;
import dev.ace.testkit.FaultProxy;
import dev.ace.testkit.PgNode;
import dev.ace.testkit.SpockStandIn;
import dev.ace.testkit.TestDatabase;
import dev.ace.testkit.WithPgCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Faults injected for real while an operation runs: a {@link FaultProxy} in front of node n2 of
 * a 3-node cluster cuts, resets or stalls n2's connection at a chosen statement of the operation,
 * or holds it there while n2 is stopped ({@code pg_ctl stop -m immediate}, then started again) or
 * restarted. For every operation and fault: the operation ends within its timeouts with an error
 * naming n2 and what happened; no partial file is left and every file written is whole; every
 * node holds, row by row, either what it held before or what the operation makes of it once it
 * succeeds (an atomic repair: all nodes before or all after; a per-node repair: the nodes that
 * committed are reported so); no temporary table, advisory lock, prepared transaction or
 * connection is left; and the same operation succeeds once the fault is healed.
 */
@WithPgCluster(nodes = 3, scope = WithPgCluster.Scope.CLASS)
class FaultInjectionTest {

    private static final Duration STATEMENT_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);
    /** The longest an operation may take once the fault is in: the socket timeout (statement + connect) and slack. */
    private static final Duration LIMIT = STATEMENT_TIMEOUT.plus(CONNECT_TIMEOUT).plusSeconds(5);
    private static final String CLUSTER = "faults";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /**
     * The operations, each with the statement of n2's connection at which the fault strikes (a
     * statement's text ends with a NUL byte on the wire: {@code "COMMIT\0"} is the commit itself).
     */
    enum Op {
        DIFF("bit_xor("),
        REPAIR("COMMIT\u0000"),
        ATOMIC_REPAIR("PREPARE TRANSACTION"),
        BIDIRECTIONAL_REPAIR("COMMIT\u0000"),
        RERUN("ace_keys"),
        SPOCK_EXCEPTION_UPDATE("UPDATE spock.exception_status_detail");

        final String strikesAt;

        Op(String strikesAt) {
            this.strikesAt = strikesAt;
        }

        boolean repairs() {
            return this == REPAIR || this == ATOMIC_REPAIR || this == BIDIRECTIONAL_REPAIR;
        }
    }

    /** The faults: the proxy's own, and the node's server stopped or restarted under the held connection. */
    enum Fault { CUT, RESET, STALL, NODE_STOPPED_IMMEDIATE, NODE_RESTARTED }

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (Op op : Op.values()) {
            for (Fault fault : Fault.values()) {
                cases.add(Arguments.of(op, fault));
            }
        }
        return cases.stream();
    }

    /** The diverged table ({@link FaultTesting#seed}); for the exception update, Spock's tables on n2 with one exception. */
    private static void seed(TestDatabase db, Op op) {
        FaultTesting.seed(db);
        if (op == Op.SPOCK_EXCEPTION_UPDATE) {
            SpockStandIn.install(db, "n2");
            SpockStandIn.exception("n1", "2024-03-15 12:34:56+00", 1001).commands(1, 2).seed(db, "n2");
        }
    }

    private Ace ace(TestDatabase db, FaultProxy proxy) {
        FaultTesting.clusterThrough(dir.resolve("cluster"), CLUSTER, db, Map.of("n2", proxy));
        return Ace.create(AceConfig.builder().clusterDirectory(dir.resolve("cluster")).outputDirectory(dir.resolve("out"))
                .statementTimeout(STATEMENT_TIMEOUT).connectTimeout(CONNECT_TIMEOUT).build());
    }

    private static DiffResult diff(Ace ace, TestDatabase db, String nodes) {
        return ace.diff().diff(TableDiffRequest.builder(CLUSTER, "public.t").nodes(nodes).maxDiffRows(0).build());
    }

    /** What the operation needs before it runs (a diff file), made before any fault is armed. */
    private static Path prepare(Ace ace, TestDatabase db, Op op) {
        return switch (op) {
            case REPAIR, ATOMIC_REPAIR, RERUN -> diff(ace, db, "all").diffFile();
            case BIDIRECTIONAL_REPAIR -> diff(ace, db, "n1,n2").diffFile();
            default -> null;
        };
    }

    /** Runs the operation; what it answered, as text (a result's summary, per node for a repair). */
    private static Outcome run(Ace ace, TestDatabase db, Op op, Path diffFile) {
        switch (op) {
            case DIFF:
                return new Outcome(diff(ace, db, "all").describe(), Set.of());
            case RERUN:
                return new Outcome(ace.rerun().rerun(TableRerunRequest.builder(CLUSTER, "public.t").diffFile(diffFile)
                        .build()).describe(), Set.of());
            case SPOCK_EXCEPTION_UPDATE:
                long origin = SpockStandIn.nodeId(db, "n2", "n1");
                return new Outcome(ace.exceptions().update(ExceptionUpdateRequest.builder(CLUSTER, "n2")
                        .exception(origin, Instant.parse("2024-03-15T12:34:56Z"), 1001)
                        .status(ExceptionStatus.RESOLVED).build()).message(), Set.of());
            default:
                TableRepairRequest.Builder request = TableRepairRequest.builder(CLUSTER, "public.t").diffFile(diffFile);
                if (op == Op.BIDIRECTIONAL_REPAIR) {
                    request.bidirectional(true).insertOnly(true);
                } else {
                    request.sourceOfTruth("n1").atomic(op == Op.ATOMIC_REPAIR);
                }
                RepairResult result = ace.repair().repair(request.build());
                String text = result.nodes().stream().map(node -> node.node() + " " + node.status()
                        + (node.error() == null ? "" : ": " + node.error())).collect(Collectors.joining("; "));
                return new Outcome(text, Set.copyOf(result.repairedNodes()));
        }
    }

    /** What an operation answered: its text, and for a repair the nodes it reports as repaired. */
    private record Outcome(String text, Set<String> repaired) {
    }

    /** Every node's rows of t (byte for byte), and for the exception update n2's exception status rows. */
    private static Map<String, List<String>> state(TestDatabase db, Op op) {
        Map<String, List<String>> state = new LinkedHashMap<>();
        for (String node : List.of("n1", "n2", "n3")) {
            List<String> rows = new ArrayList<>(binaryRows(db, node, "t", "id"));
            if (op == Op.SPOCK_EXCEPTION_UPDATE && node.equals("n2")) {
                rows.add("status tables: " + db.queryValue(node, "SELECT to_regclass('spock.exception_status') IS NOT NULL"));
                if ("t".equals(db.queryValue(node, "SELECT to_regclass('spock.exception_status') IS NOT NULL"))) {
                    rows.addAll(db.queryColumn(node, "SELECT s::text FROM spock.exception_status s ORDER BY 1"));
                    rows.addAll(db.queryColumn(node, "SELECT d::text FROM spock.exception_status_detail d ORDER BY 1"));
                }
            }
            state.put(node, rows);
        }
        return state;
    }


    /** Every file under the output directory: none partial, every JSON file whole. */
    private static Set<Path> checkedFiles(Path out) throws IOException {
        Set<Path> files = new TreeSet<>();
        if (!Files.exists(out)) {
            return files;
        }
        try (Stream<Path> paths = Files.walk(out)) {
            for (Path file : paths.filter(Files::isRegularFile).toList()) {
                assertThat(file.getFileName().toString()).as("a partial file is left").doesNotEndWith(".partial");
                if (file.toString().endsWith(".json")) {
                    JSON.readTree(file.toFile()); // throws on a half-written file
                }
                files.add(file);
            }
        }
        return files;
    }

    @ParameterizedTest(name = "{0} with {1} on n2")
    @MethodSource("cases")
    void endsWithinItsTimeoutsNamingTheNodeAndLeavesEveryNodeAsBeforeOrAsRepaired(Op op, Fault fault, TestDatabase db)
            throws Exception {
        seed(db, op);
        PgNode n2 = db.node("n2");
        Path out = dir.resolve("out");
        try (FaultProxy proxy = FaultProxy.to(n2)) {
            Map<String, List<String>> before = state(db, op);
            Outcome outcome = null;
            AceException error = null;
            long elapsedMillis;
            try (Ace ace = ace(db, proxy)) {
                Path diffFile = prepare(ace, db, op);
                Set<Path> filesBefore = checkedFiles(out);
                boolean nodeFault = fault == Fault.NODE_STOPPED_IMMEDIATE || fault == Fault.NODE_RESTARTED;
                proxy.injectWhen(op.strikesAt, switch (fault) {
                    case CUT -> FaultProxy.Fault.CUT;
                    case RESET -> FaultProxy.Fault.RESET;
                    case STALL -> FaultProxy.Fault.STALL;
                    default -> FaultProxy.Fault.HOLD;
                });
                long start = System.nanoTime();
                CompletableFuture<Outcome> running = CompletableFuture.supplyAsync(() -> run(ace, db, op, diffFile));
                assertThat(proxy.awaitInjected(Duration.ofSeconds(20))).as("the fault struck at " + op.strikesAt).isTrue();
                if (fault == Fault.NODE_STOPPED_IMMEDIATE) {
                    n2.stopImmediately();
                } else if (fault == Fault.NODE_RESTARTED) {
                    n2.restart();
                }
                try {
                    outcome = running.get(LIMIT.toSeconds() + 10, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    assertThat(e.getCause()).isInstanceOf(AceException.class);
                    error = (AceException) e.getCause();
                }
                elapsedMillis = (System.nanoTime() - start) / 1_000_000;
                proxy.heal();
                if (fault == Fault.NODE_STOPPED_IMMEDIATE) {
                    n2.start();
                }
                String answer = error != null ? error.getMessage() : outcome.text();
                System.out.printf("fault case | %s | %s | %d ms | %s%n", op, fault, elapsedMillis, answer);
                assertThat(Duration.ofMillis(elapsedMillis)).as(answer).isLessThan(LIMIT);
                assertThat(answer).contains("node n2 (" + proxy.host() + ":" + proxy.port() + ")")
                        .contains(fault == Fault.STALL ? "stopped answering" : "is unreachable");
                Set<Path> filesAfter = checkedFiles(out);
                if (!op.repairs()) {
                    assertThat(filesAfter).as("a failed operation writes no file").isEqualTo(filesBefore);
                }
            }
            // nothing left behind once ACE is closed
            FaultTesting.await("ACE's connections are closed", () -> db.openConnections().isEmpty());
            for (PgNode node : db.nodes()) {
                String name = node.name();
                assertThat(db.queryValue(name, "SELECT count(*) FROM pg_class WHERE relpersistence = 't'"))
                        .as("temporary tables on " + name).isEqualTo("0");
                assertThat(db.queryValue(name, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"))
                        .as("advisory locks on " + name).isEqualTo("0");
                assertThat(db.queryValue(name, "SELECT count(*) FROM pg_prepared_xacts"))
                        .as("prepared transactions on " + name).isEqualTo("0");
            }
            Map<String, List<String>> during = state(db, op);

            // healed: the same operation succeeds (a repair from a new diff), and gives the "after" state
            try (Ace ace = ace(db, proxy)) {
                Path diffFile = prepare(ace, db, op);
                Outcome again = run(ace, db, op, diffFile);
                if (op.repairs()) {
                    assertThat(again.text()).doesNotContain("FAILED").doesNotContain("ROLLED_BACK");
                    // a bidirectional repair inserts only: the rows both nodes hold differently stay as they are
                    assertThat(diff(ace, db, op == Op.BIDIRECTIONAL_REPAIR ? "n1,n2" : "all").match())
                            .isEqualTo(op != Op.BIDIRECTIONAL_REPAIR);
                }
            }
            Map<String, List<String>> after = state(db, op);
            Set<String> changed = new TreeSet<>();
            for (String node : before.keySet()) {
                assertThat(during.get(node)).as("node " + node + " holds a mix of before and after")
                        .isIn(before.get(node), after.get(node));
                if (!during.get(node).equals(before.get(node))) {
                    changed.add(node);
                }
            }
            assertThat(changed).as("n2 failed, so it is as before").doesNotContain("n2");
            if (op == Op.ATOMIC_REPAIR || !op.repairs()) {
                assertThat(changed).as("no node changed").isEmpty();
            } else if (outcome != null || !changed.isEmpty()) {
                // a per-node repair: the nodes that committed are reported as repaired
                assertThat(outcome).as("a repair that committed somewhere answers with a result").isNotNull();
                assertThat(outcome.repaired()).isEqualTo(changed);
            }
        }
    }
}
