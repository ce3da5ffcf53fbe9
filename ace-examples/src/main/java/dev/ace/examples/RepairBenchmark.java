package dev.ace.examples;

import dev.ace.core.Ace;
import dev.ace.core.AceConfig;
import dev.ace.core.diff.DiffResult;
import dev.ace.core.diff.TableDiffRequest;
import dev.ace.core.repair.NodeRepairResult;
import dev.ace.core.repair.RepairResult;
import dev.ace.core.repair.TableRepairRequest;
import dev.ace.testkit.PgCluster;
import dev.ace.testkit.TestDatabase;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.postgresql.PGConnection;

/**
 * The table-repair benchmark: on two embedded nodes, n2 differs from n1 in {@code rows} rows
 * (30% missing on n2, 40% changed on n2, 30% only on n2). For each run it measures, in the same
 * JVM and on the same nodes:
 * <ul>
 *   <li>copy: the same rows (n1's version of the missing and changed rows, n2's extra rows)
 *       copied with {@code COPY ... TO STDOUT} / {@code COPY ... FROM STDIN} into an empty table of
 *       the same shape (primary key included) on n2;</li>
 *   <li>repair: {@code table-repair} of n2 from n1 with the diff file (reading the file, re-reading
 *       the source, the compare-and-set writes, the commit), after which a diff must match.</li>
 * </ul>
 * Target: repair at most 3 x copy. First runs of the same size warm the JVM (the just-in-time
 * compiler is still compiling the repair's code during the first few) and are shown but not
 * counted. Arguments: {@code --rows N} (default 100000), {@code --repeat K} (default 3; the
 * median run is shown), {@code --warmup W} (default 5). It runs as the second part of the
 * project's benchmark command ({@code exec:exec@benchmark}, {@code -Dbench.repair.rows=N}) in a
 * JVM of its own ({@link Benchmark#REPAIR_HEAP}), or alone with
 * {@code java -cp ... dev.ace.examples.RepairBenchmark --rows N}.
 */
public final class RepairBenchmark {

    private static final String COLUMNS = "(id bigint PRIMARY KEY, name text NOT NULL, email text, "
            + "amount numeric(12,2), created timestamptz NOT NULL, active boolean NOT NULL)";

    /** One measured run; the peak heaps (MB) of the JVM during the diff and during the repair. */
    record Run(long copyMillis, long repairMillis, long deleted, long inserted, long updated, boolean exact,
               long diffMillis, long diffHeapMb, long repairHeapMb) {
        double ratio() {
            return repairMillis / (double) Math.max(1, copyMillis);
        }
    }

    public static void main(String[] args) throws Exception {
        long rows = 100_000;
        int repeat = 3;
        int warmup = 5;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--rows" -> rows = Benchmark.count(args[i + 1]);
                case "--repeat" -> repeat = Integer.parseInt(args[i + 1]);
                case "--warmup" -> warmup = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; use --rows N, --repeat K, --warmup W");
            }
        }
        run(rows, repeat, warmup, System.out);
    }

    /** Runs the benchmark ({@code warmup} runs not counted, then {@code repeat}) and returns the median run by ratio. */
    static Run run(long rows, int repeat, int warmup, PrintStream out) throws Exception {
        long missing = rows * 3 / 10;
        long changed = rows * 4 / 10;
        long extra = rows - missing - changed;
        long table = rows * 2;
        out.printf("ACE table-repair benchmark: %,d differing rows on n2 (%,d missing, %,d changed, %,d extra), "
                        + "table of %,d rows, %d cores, max heap %d MB, PostgreSQL embedded%n", rows, missing, changed,
                extra, table, Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20);
        out.println("run      copy (ms)   repair (ms)   repair/copy   deleted   inserted   updated   exact   "
                + "diff (ms)   peak heap diff / repair (MB)");
        Path work = Files.createTempDirectory("ace-repair-bench-");
        List<Run> runs = new ArrayList<>();
        try (PgCluster cluster = PgCluster.builder().name("bench").nodes(2).start()) {
            for (int r = 1 - warmup; r <= repeat; r++) {
                TestDatabase db = cluster.createDatabase("bench");
                try {
                    Run run = once(db, work, table, missing, changed, extra);
                    if (r > 0) {
                        runs.add(run);
                    }
                    out.printf("%-8s %9d   %11d   %11.2f   %7d   %8d   %7d   %-5s   %9d   %d / %d%n",
                            r <= 0 ? "warm-up" : r, run.copyMillis(), run.repairMillis(), run.ratio(), run.deleted(),
                            run.inserted(), run.updated(), run.exact() ? "yes" : "NO", run.diffMillis(),
                            run.diffHeapMb(), run.repairHeapMb());
                } finally {
                    db.drop();
                }
            }
        } finally {
            Benchmark.deleteTree(work);
        }
        runs.sort(java.util.Comparator.comparingDouble(Run::ratio));
        Run median = runs.get(runs.size() / 2);
        out.printf("median: repair %d ms vs copy %d ms = %.2f x copy (target: at most 3 x)%n", median.repairMillis(),
                median.copyMillis(), median.ratio());
        return median;
    }

    private static Run once(TestDatabase db, Path work, long table, long missing, long changed, long extra)
            throws Exception {
        db.executeOnAll("CREATE TABLE public.bench " + COLUMNS,
                "INSERT INTO public.bench SELECT i, 'customer ' || i, 'c' || i || '@example.com', (i % 100000) / 100.0, "
                        + "timestamptz '2024-01-01 00:00:00+00' + i * interval '1 second', i % 3 = 0 "
                        + "FROM generate_series(1, " + table + ") AS i",
                "VACUUM ANALYZE public.bench");
        db.execute("n2", "DELETE FROM public.bench WHERE id <= " + missing,
                "UPDATE public.bench SET name = 'changed ' || id, amount = amount + 1 WHERE id > " + missing
                        + " AND id <= " + (missing + changed),
                "INSERT INTO public.bench SELECT " + table + " + i, 'extra ' || i, NULL, 0, now(), false "
                        + "FROM generate_series(1, " + extra + ") AS i",
                "CREATE TABLE public.bench_copy " + COLUMNS, "VACUUM ANALYZE public.bench");
        db.writeClusterJson(work.resolve("cluster"));
        AceConfig config = AceConfig.builder().clusterDirectory(work.resolve("cluster"))
                .outputDirectory(work.resolve("out")).build();
        try (Ace ace = Ace.create(config)) {
            HeapWatch diffPeak = new HeapWatch();
            long diffStart = System.nanoTime();
            DiffResult diff = ace.diff().diff(TableDiffRequest.builder("bench", "public.bench").maxDiffRows(0).build());
            long diffMillis = (System.nanoTime() - diffStart) / 1_000_000;
            diffPeak.close();
            long diffHeap = diffPeak.peakUsed() >> 20;
            if (diff.totalDiffs() != missing + changed + extra) {
                throw new IllegalStateException("the diff found " + diff.totalDiffs() + " differences, expected "
                        + (missing + changed + extra));
            }

            long start = System.nanoTime();
            copy(db, "n1", "SELECT * FROM public.bench WHERE id <= " + (missing + changed));
            copy(db, "n2", "SELECT * FROM public.bench WHERE id > " + table);
            long copyMillis = (System.nanoTime() - start) / 1_000_000;
            long copied = Long.parseLong(db.queryValue("n2", "SELECT count(*) FROM public.bench_copy"));
            if (copied != missing + changed + extra) {
                throw new IllegalStateException("copied " + copied + " rows");
            }

            HeapWatch repairPeak = new HeapWatch();
            start = System.nanoTime();
            RepairResult result = ace.repair().repair(TableRepairRequest.builder("bench", "public.bench")
                    .diffFile(diff.diffFile()).sourceOfTruth("n1").quiet(true).build());
            long repairMillis = (System.nanoTime() - start) / 1_000_000;
            repairPeak.close();
            long repairHeap = repairPeak.peakUsed() >> 20;
            NodeRepairResult n2 = result.node("n2");
            // exact: the counts, no conflict, and the whole table byte for byte alike on both nodes
            boolean exact = n2.deleted() == extra && n2.inserted() == missing && n2.updated() == changed
                    && n2.conflicts().isEmpty() && tableHash(db, "n1").equals(tableHash(db, "n2"));
            return new Run(copyMillis, repairMillis, n2.deleted(), n2.inserted(), n2.updated(), exact, diffMillis,
                    diffHeap, repairHeap);
        }
    }

    /**
     * The SHA-256 of the whole table on {@code node} as {@code COPY} prints it, in key order:
     * equal on two nodes when every row is byte for byte the same (streamed, not held).
     */
    static String tableHash(TestDatabase db, String node) throws Exception {
        java.security.MessageDigest digest = java.security.MessageDigest.getInstance("SHA-256");
        try (Connection connection = db.node(node).connect(db.name());
             java.io.OutputStream out = new java.security.DigestOutputStream(java.io.OutputStream.nullOutputStream(),
                     digest)) {
            connection.unwrap(PGConnection.class).getCopyAPI().copyOut(
                    "COPY (SELECT * FROM public.bench ORDER BY id) TO STDOUT", out);
        }
        return java.util.HexFormat.of().formatHex(digest.digest());
    }

    /** Streams the rows of {@code query} on {@code from} into {@code public.bench_copy} on n2. */
    private static void copy(TestDatabase db, String from, String query) throws Exception {
        try (Connection source = db.node(from).connect(db.name()); Connection target = db.node("n2").connect(db.name())) {
            PipedOutputStream pipe = new PipedOutputStream();
            PipedInputStream input = new PipedInputStream(pipe, 1 << 16);
            CompletableFuture<Long> reading = CompletableFuture.supplyAsync(() -> {
                try (pipe) {
                    return source.unwrap(PGConnection.class).getCopyAPI().copyOut("COPY (" + query + ") TO STDOUT", pipe);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            try (input) {
                target.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY public.bench_copy FROM STDIN", input);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            reading.get();
        }
    }
}
