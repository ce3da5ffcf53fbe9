package dev.ace.examples;

import dev.ace.core.Ace;
import dev.ace.core.AceConfig;
import dev.ace.core.diff.DiffResult;
import dev.ace.core.diff.TableDiffRequest;
import dev.ace.core.mtree.TreeRequest;
import dev.ace.core.mtree.TreeResult;
import dev.ace.testkit.PgCluster;
import dev.ace.testkit.PgNode;
import dev.ace.testkit.TestDatabase;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The incremental table-diff benchmark: three embedded nodes with the table of {@link Benchmark}
 * ({@code --rows N}, default 1,000,000). Side by side in one run it measures:
 * <ul>
 *   <li>L_exact: per node, concurrently on all nodes, the exact whole-table hash
 *       {@code bit_xor(hash_record_extended(ROW(<columns, lossy types as text>), 0))};</li>
 *   <li>the build of the trees on all three nodes, against L_exact;</li>
 *   <li>after 0.02% of the rows changed on one node (captured by the triggers), the incremental
 *       diff (bringing the trees up to date included) and the full diff, each against L_exact, and
 *       whether both found exactly the rows changed;</li>
 *   <li>the write overhead of the triggers: pgbench-style single-row UPDATE transactions per second
 *       ({@code --clients K} threads, default 4, for {@code --seconds S}, default 10) on a copy of the
 *       table on n1, three rounds each without and with the capture trigger, in turn (medians);
 *       {@code --seconds 0} skips it.</li>
 * </ul>
 */
public final class IncrementalBenchmark {

    public static void main(String[] args) throws Exception {
        long rows = 1_000_000;
        int clients = 4;
        int seconds = 10;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--rows" -> rows = Benchmark.count(args[i + 1]);
                case "--clients" -> clients = Integer.parseInt(args[i + 1]);
                case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; use --rows N, --clients K and --seconds S");
            }
        }
        run(rows, clients, seconds, System.out);
    }

    /** Rows of the warm-up table, and how many incremental diffs after changes run on it before the measured ones. */
    private static final long WARM_UP_ROWS = 300_000;
    private static final int WARM_UP_ROUNDS = 5;

    static void run(long rows, int clients, int seconds, PrintStream out) throws Exception {
        out.printf("ACE incremental table-diff benchmark: %,d rows, 3 nodes, %d cores, PostgreSQL embedded%n", rows,
                Runtime.getRuntime().availableProcessors());
        Path work = Files.createTempDirectory("ace-incr-bench-");
        try (PgCluster cluster = PgCluster.builder().name("bench").nodes(3).start()) {
            TestDatabase db = cluster.createDatabase("bench");
            long start = System.nanoTime();
            db.executeOnAll(Benchmark.TABLE, "INSERT INTO public.bench SELECT i, 'customer ' || i, 'c' || i || "
                    + "'@example.com', (i % 100000) / 100.0, timestamptz '2024-01-01 00:00:00+00' + i * interval "
                    + "'1 second', i % 3 = 0 FROM generate_series(1, " + rows + ") AS i", "VACUUM ANALYZE public.bench");
            out.printf("loaded %,d rows on 3 nodes in %.1f s%n%n", rows, (System.nanoTime() - start) / 1e9);
            db.writeClusterJson(work.resolve("cluster"));
            AceConfig config = AceConfig.builder().clusterDirectory(work.resolve("cluster"))
                    .outputDirectory(work.resolve("out")).statementTimeout(java.time.Duration.ZERO).build();
            List<PgNode> nodes = List.of(db.node("n1"), db.node("n2"), db.node("n3"));
            try (Ace ace = Ace.create(config)) {
                lExact(db, nodes);
                long l0 = lExact(db, nodes);
                start = System.nanoTime();
                TreeResult built = ace.trees().build(TreeRequest.builder("bench", "public.bench").build());
                long build = (System.nanoTime() - start) / 1_000_000;
                out.printf("%-44s %9s %9s %7s%n", "step", "L_exact", "ACE (ms)", "ACE/L");
                out.printf("%-44s %9d %9d %7.2f   (%,d leaves per node)%n", "build the trees (3 nodes)", l0, build,
                        (double) build / l0, built.nodes().get(0).leaves());

                warmUp(ace, db, out);
                long changed = Benchmark.diverge(db, "bench", rows);
                Map<String, Long> expected = Map.of("n1/n2", changed, "n2/n3", changed);
                long l1 = lExact(db, nodes);
                start = System.nanoTime();
                DiffResult incremental = ace.diff().diff(TableDiffRequest.builder("bench", "public.bench")
                        .maxDiffRows(0).incremental(true).build());
                long incrementalMs = (System.nanoTime() - start) / 1_000_000;
                out.printf("%-44s %9d %9d %7.2f   %s (expected %d per pair), exact: %s%n",
                        "incremental diff, 0.02% changed on n2", l1, incrementalMs, (double) incrementalMs / l1,
                        incremental.diffCounts(), changed, incremental.diffCounts().equals(expected) ? "yes" : "NO");
                long l2 = lExact(db, nodes);
                start = System.nanoTime();
                DiffResult full = ace.diff().diff(TableDiffRequest.builder("bench", "public.bench").maxDiffRows(0)
                        .build());
                long fullMs = (System.nanoTime() - start) / 1_000_000;
                out.printf("%-44s %9d %9d %7.2f   %s, exact: %s%n", "full diff, same state", l2, fullMs,
                        (double) fullMs / l2, full.diffCounts(), full.diffCounts().equals(expected) ? "yes" : "NO");
                long l3 = lExact(db, nodes);
                start = System.nanoTime();
                DiffResult again = ace.diff().diff(TableDiffRequest.builder("bench", "public.bench").maxDiffRows(0)
                        .incremental(true).build());
                long againMs = (System.nanoTime() - start) / 1_000_000;
                out.printf("%-44s %9d %9d %7.2f   %s%n", "incremental diff again, no new changes", l3, againMs,
                        (double) againMs / l3, again.diffCounts());
                out.printf("WAL positions covered: %s%n%n", incremental.walPositions());

                if (seconds > 0) {
                    writeOverhead(ace, db, Math.min(rows, 1_000_000), clients, seconds, out);
                }
                ace.trees().remove(TreeRequest.builder("bench", "public.bench").build());
            }
            out.println("target: incremental diff at most 0.1 x L_exact at 10,000,000 rows with 0.02% changed");
        } finally {
            Benchmark.deleteTree(work);
        }
    }

    /**
     * Runs both diffs on a table of their own ({@link #WARM_UP_ROWS} rows), the incremental one
     * {@link #WARM_UP_ROUNDS} times after changes like the measured ones (updates, deletes and
     * inserts on n2), so that the measured runs find the JVM's code compiled, as a long-running ACE
     * (the API server, an application embedding it) has it; {@link Benchmark} and the repair
     * benchmark warm up before they measure too. Prints the warm-up diffs' times.
     */
    private static void warmUp(Ace ace, TestDatabase db, PrintStream out) {
        db.executeOnAll("CREATE TABLE public.warm (LIKE public.bench INCLUDING ALL)",
                "INSERT INTO public.warm SELECT * FROM public.bench WHERE id <= " + WARM_UP_ROWS,
                "VACUUM ANALYZE public.warm");
        ace.trees().build(TreeRequest.builder("bench", "public.warm").build());
        List<Long> times = new java.util.ArrayList<>();
        for (int round = 0; round < WARM_UP_ROUNDS; round++) {
            db.execute("n2", "UPDATE public.warm SET amount = amount + 1 WHERE id % 5000 = " + round,
                    "DELETE FROM public.warm WHERE id % 5000 = " + (100 + round),
                    "INSERT INTO public.warm SELECT id + " + (WARM_UP_ROWS * (round + 1)) + ", name, email, amount, "
                            + "created, active FROM public.warm WHERE id <= " + WARM_UP_ROWS + " AND id % 5000 = 200");
            long start = System.nanoTime();
            ace.diff().diff(TableDiffRequest.builder("bench", "public.warm").incremental(true).build());
            times.add((System.nanoTime() - start) / 1_000_000);
        }
        ace.diff().diff(TableDiffRequest.builder("bench", "public.warm").build());
        ace.trees().remove(TreeRequest.builder("bench", "public.warm").build());
        db.executeOnAll("DROP TABLE public.warm");
        out.printf("warm-up: %d incremental diffs of a %,d-row table after changes, not counted: %s ms%n",
                WARM_UP_ROUNDS, WARM_UP_ROWS, times);
    }

    /** Single-row UPDATE transactions per second on a copy of the table on n1, without and with the trigger in turn. */
    private static void writeOverhead(Ace ace, TestDatabase db, long rows, int clients, int seconds, PrintStream out)
            throws Exception {
        db.executeOnAll("CREATE TABLE public.writes (LIKE public.bench INCLUDING ALL)");
        db.execute("n1", "INSERT INTO public.writes SELECT * FROM public.bench WHERE id <= " + rows,
                "VACUUM ANALYZE public.writes");
        ace.trees().build(TreeRequest.builder("bench", "public.writes").nodes("n1,n2").build());
        // without and with the capture trigger in turn, so that the machine's other load weighs on both alike
        double[] without = new double[3];
        double[] with = new double[3];
        for (int round = 0; round < 3; round++) {
            db.execute("n1", "ALTER TABLE public.writes DISABLE TRIGGER ace_mtree_capture");
            without[round] = updatesPerSecond(db.node("n1"), db.name(), rows, clients, seconds);
            db.execute("n1", "ALTER TABLE public.writes ENABLE ALWAYS TRIGGER ace_mtree_capture");
            with[round] = updatesPerSecond(db.node("n1"), db.name(), rows, clients, seconds);
        }
        java.util.Arrays.sort(without);
        java.util.Arrays.sort(with);
        long start = System.nanoTime();
        TreeResult update = ace.trees().update(TreeRequest.builder("bench", "public.writes").nodes("n1,n2").build());
        long updateMs = (System.nanoTime() - start) / 1_000_000;
        out.printf("write overhead: %d clients, single-row UPDATE transactions on %,d rows (n1), 3 rounds of %d s "
                + "each without and with the trigger, in turn; medians%n", clients, rows, seconds);
        out.printf("  without the trigger: %,.0f tps (rounds %,.0f to %,.0f)%n", without[1], without[0], without[2]);
        out.printf("  with the trigger:    %,.0f tps (rounds %,.0f to %,.0f), %.1f%% fewer%n", with[1], with[0], with[2],
                100.0 * (without[1] - with[1]) / without[1]);
        out.printf("  folding the %,d captured changes into the tree afterwards: %d ms%n",
                update.nodes().get(0).changesApplied(), updateMs);
        ace.trees().remove(TreeRequest.builder("bench", "public.writes").nodes("n1,n2").build());
        db.executeOnAll("DROP TABLE public.writes");
    }

    private static double updatesPerSecond(PgNode node, String database, long rows, int clients, int seconds)
            throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(clients);
        AtomicLong done = new AtomicLong();
        try {
            long deadline = System.nanoTime() + seconds * 1_000_000_000L;
            List<Future<?>> futures = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                futures.add(threads.submit(() -> {
                    try (Connection connection = node.connect(database);
                         PreparedStatement update = connection.prepareStatement(
                                 "UPDATE public.writes SET amount = amount + 1 WHERE id = ?")) {
                        try (Statement statement = connection.createStatement()) {
                            statement.execute("SET synchronous_commit = on");
                        }
                        while (System.nanoTime() < deadline) {
                            update.setLong(1, 1 + ThreadLocalRandom.current().nextLong(rows));
                            update.executeUpdate();
                            done.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            long start = System.nanoTime();
            for (Future<?> future : futures) {
                future.get();
            }
            return done.get() / ((System.nanoTime() - start) / 1e9);
        } finally {
            threads.shutdownNow();
        }
    }

    /** L_exact of the bench table (see {@link Benchmark}): every node hashes every row exactly, all nodes at once; ms. */
    private static long lExact(TestDatabase db, List<PgNode> nodes) throws Exception {
        return Benchmark.lExact(db, nodes, "bench");
    }
}
