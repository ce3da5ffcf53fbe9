package dev.ace.examples;

import dev.ace.core.Ace;
import dev.ace.core.AceConfig;
import dev.ace.core.diff.DiffResult;
import dev.ace.core.diff.TableDiffRequest;
import dev.ace.testkit.PgCluster;
import dev.ace.testkit.PgNode;
import dev.ace.testkit.TestDatabase;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The table-diff benchmark: on embedded nodes, a table of N rows (default 1,000,000) compared on
 * 2 and on 3 nodes, identical and at 0.02% divergence. For each case it measures, side by side
 * in one run:
 * <ul>
 *   <li>L, the limit: one query per node, run concurrently on all nodes, that reads and hashes
 *       every row ({@code count(*)}, {@code bit_xor(hashtextextended(<row text>, 0))});</li>
 *   <li>the ACE diff's wall time, its ratio to L, and whether it found exactly the differences made;</li>
 *   <li>the JVM's peak heap during the diffs.</li>
 * </ul>
 * Arguments: {@code --rows N} (default 1000000), {@code --repeat K} (default 3; the median is shown).
 * Then, unless {@code --repair-rows 0}, the table-repair benchmark ({@link RepairBenchmark}) of
 * {@code --repair-rows N} differing rows (default 100000), {@code --repair-repeat K} counted runs (default 5);
 * then, with {@code --large-repair-rows N} (default 0: none), one run of it with N differing rows
 * (2,000,000, say) in a JVM of {@link #LARGE_REPAIR_HEAP}.
 */
public final class Benchmark {

    private static final String TABLE = "CREATE TABLE public.bench (id bigint PRIMARY KEY, name text NOT NULL, "
            + "email text, amount numeric(12,2), created timestamptz NOT NULL, active boolean NOT NULL)";

    public static void main(String[] args) throws Exception {
        long rows = 1_000_000;
        long repairRows = 100_000;
        long largeRepairRows = 0;
        int repeat = 3;
        int repairRepeat = 5;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--rows" -> rows = count(args[i + 1]);
                case "--repair-rows" -> repairRows = count(args[i + 1]);
                case "--repeat" -> repeat = Integer.parseInt(args[i + 1]);
                case "--repair-repeat" -> repairRepeat = Integer.parseInt(args[i + 1]);
                case "--large-repair-rows" -> largeRepairRows = count(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; use --rows N, --repair-rows N (0: no repair benchmark), --repeat K, --repair-repeat K and "
                        + "--large-repair-rows N (0: none)");
            }
        }
        new Benchmark().run(rows, repeat, System.out);
        if (repairRows > 0) {
            System.out.println();
            System.out.flush();
            runRepairBenchmark(REPAIR_HEAP, repairRows, repairRepeat, 5);
        }
        if (largeRepairRows > 0) {
            System.out.println();
            System.out.flush();
            runRepairBenchmark(LARGE_REPAIR_HEAP, largeRepairRows, 1, 0);
        }
    }

    /**
     * The heap of the repair benchmark's JVM. A repair holds its diff file's rows in memory (about
     * 35 MB for 100,000 rows); the 256 MB this JVM runs with shows the diff's bounded memory, and
     * would measure the collector more than the repair.
     */
    static final String REPAIR_HEAP = "-Xmx1g";

    /**
     * The heap of the large repair benchmark's JVM ({@code --large-repair-rows}, e.g. 2,000,000):
     * the diff and the repair of millions of differing rows run in bounded memory (the repair in
     * parts of 100,000 differences), so 256 MB must do.
     */
    static final String LARGE_REPAIR_HEAP = "-Xmx256m";

    /** Runs {@link RepairBenchmark} in a JVM of its own, with {@code heap}, its output shown as it comes. */
    private static void runRepairBenchmark(String heap, long rows, int repeat, int warmup)
            throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(java.toString(), heap, "-cp", System.getProperty("java.class.path"),
                RepairBenchmark.class.getName(), "--rows", Long.toString(rows), "--repeat", Integer.toString(repeat),
                "--warmup", Integer.toString(warmup)).inheritIO().start();
        int exit = process.waitFor();
        if (exit != 0) {
            throw new IllegalStateException("the repair benchmark failed (exit code " + exit + ")");
        }
    }

    /** A row count as typed: {@code 1000000}, {@code 1_000_000} or {@code 1,000,000}. */
    static long count(String text) {
        return Long.parseLong(text.replace("_", "").replace(",", ""));
    }

    void run(long rows, int repeat, PrintStream out) throws Exception {
        out.printf("ACE table-diff benchmark: %,d rows, %d cores, max heap %d MB, PostgreSQL embedded%n", rows,
                Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20);
        Path work = Files.createTempDirectory("ace-bench-");
        try (PgCluster cluster = PgCluster.builder().name("bench").nodes(3).start()) {
            TestDatabase db = cluster.createDatabase("bench");
            long start = System.nanoTime();
            db.executeOnAll(TABLE, "INSERT INTO public.bench SELECT i, 'customer ' || i, 'c' || i || '@example.com', "
                    + "(i % 100000) / 100.0, timestamptz '2024-01-01 00:00:00+00' + i * interval '1 second', i % 3 = 0 "
                    + "FROM generate_series(1, " + rows + ") AS i", "VACUUM ANALYZE public.bench");
            out.printf("loaded %,d rows on 3 nodes in %.1f s%n%n", rows, (System.nanoTime() - start) / 1e9);
            db.writeClusterJson(work.resolve("cluster"));
            AceConfig config = AceConfig.builder().clusterDirectory(work.resolve("cluster"))
                    .outputDirectory(work.resolve("out")).build();
            out.println("case                        L (ms)   ACE (ms)   ACE/L   differences (expected)   exact");
            try (Ace ace = Ace.create(config)) {
                List<String> lines = new ArrayList<>();
                for (String nodes : List.of("n1,n2", "n1,n2,n3")) {
                    lines.add(measure(ace, db, nodes, "identical", Map.of(), repeat, out));
                }
                long changed = diverge(db, rows);
                for (String nodes : List.of("n1,n2", "n1,n2,n3")) {
                    Map<String, Long> expected = nodes.equals("n1,n2") ? Map.of("n1/n2", changed)
                            : Map.of("n1/n2", changed, "n2/n3", changed);
                    lines.add(measure(ace, db, nodes, "0.02% divergent", expected, repeat, out));
                }
            }
            out.printf("%npeak JVM heap used during the diffs: %d MB%n", peakHeapBytes() >> 20);
            out.println("targets: identical <= 1.3 x L, 0.02% divergent <= 1.6 x L, peak heap < 256 MB at 10M rows");
        } finally {
            deleteTree(work);
        }
    }

    /** Changes 0.02% of the rows on n2: a third updated, a third deleted, a third inserted. */
    private static long diverge(TestDatabase db, long rows) {
        long changes = Math.max(3, rows * 2 / 10_000);
        long step = rows / changes;
        db.execute("n2",
                "UPDATE public.bench SET amount = amount + 1 WHERE id % " + (3 * step) + " = 1",
                "DELETE FROM public.bench WHERE id % " + (3 * step) + " = " + (step + 1),
                "INSERT INTO public.bench SELECT " + rows + " + i, 'new', NULL, 0, now(), true FROM generate_series(1, "
                        + (changes / 3) + ") AS i");
        long updated = Long.parseLong(db.queryValue("n1", "SELECT count(*) FROM public.bench WHERE id % " + (3 * step)
                + " = 1"));
        long deleted = Long.parseLong(db.queryValue("n1", "SELECT count(*) FROM public.bench WHERE id % " + (3 * step)
                + " = " + (step + 1)));
        return updated + deleted + changes / 3;
    }

    private String measure(Ace ace, TestDatabase db, String nodes, String label, Map<String, Long> expected, int repeat,
                           PrintStream out) throws Exception {
        List<PgNode> chosen = Arrays.stream(nodes.split(",")).map(db::node).toList();
        limit(db, chosen);
        ace.diff().diff(TableDiffRequest.builder("bench", "public.bench").nodes(nodes).build());
        long[] limits = new long[repeat];
        long[] diffs = new long[repeat];
        DiffResult result = null;
        for (int i = 0; i < repeat; i++) {
            limits[i] = limit(db, chosen);
            long start = System.nanoTime();
            result = ace.diff().diff(TableDiffRequest.builder("bench", "public.bench").nodes(nodes).maxDiffRows(0).build());
            diffs[i] = (System.nanoTime() - start) / 1_000_000;
            Files.deleteIfExists(result.diffFile());
        }
        long l = median(limits);
        long d = median(diffs);
        boolean exact = result.diffCounts().equals(expected);
        String line = String.format("%-27s %7d %10d %7.2f   %-24s %s", nodes.split(",").length + " nodes, " + label, l, d,
                (double) d / l, result.diffCounts() + " (" + expected.values().stream().mapToLong(Long::longValue).sum()
                        + ")", exact ? "yes" : "NO");
        out.println(line);
        return line;
    }

    /** L: every chosen node reads and hashes every row, all nodes at once; the wall time in ms. */
    private static long limit(TestDatabase db, List<PgNode> nodes) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(nodes.size());
        try {
            long start = System.nanoTime();
            List<Future<?>> futures = new ArrayList<>();
            for (PgNode node : nodes) {
                futures.add(threads.submit(() -> {
                    try (Connection connection = node.connect(db.name()); Statement statement = connection.createStatement()) {
                        statement.execute("SET extra_float_digits = 3");
                        try (ResultSet rows = statement.executeQuery(
                                "SELECT count(*), bit_xor(hashtextextended(b::text, 0)) FROM public.bench AS b")) {
                            rows.next();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get();
            }
            return (System.nanoTime() - start) / 1_000_000;
        } finally {
            threads.shutdownNow();
        }
    }

    private static long median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    static long peakHeapBytes() {
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        return peak;
    }

    static void deleteTree(Path root) throws java.io.IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }
}
