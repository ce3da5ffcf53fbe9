package dev.ace.examples;

import dev.ace.core.Ace;
import dev.ace.core.AceConfig;
import dev.ace.core.catalog.Column;
import dev.ace.core.diff.DiffResult;
import dev.ace.core.diff.TableDiffRequest;
import dev.ace.testkit.PgCluster;
import dev.ace.testkit.PgNode;
import dev.ace.testkit.TestDatabase;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
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
 * The table-diff benchmark: on embedded nodes, three tables of N rows each (default 1,000,000):
 * {@code bench} (six columns, bigint key), {@code wide} (30 columns of mixed types, bigint key)
 * and {@code textkey} (a text key in an order unrelated to the rows' physical order), compared on
 * 2 and on 3 nodes, identical and at 0.02% divergence. For each case it measures, side by side in
 * one run, three limits (each one query per node, run concurrently on all chosen nodes, the wall
 * time of the slowest):
 * <ul>
 *   <li>L_pages: {@code SELECT count(*)}, reading every page and no value;</li>
 *   <li>L_exact: the cheapest exact whole-table hash, {@code bit_xor(hash_record_extended(ROW(...), 0))}
 *       with every column whose binary hash is lossy or local to a node cast to text, chosen by
 *       the rule ACE's own row digest follows ({@link Column#hashesExactly()});</li>
 *   <li>L_text: {@code bit_xor(hashtextextended(<row text>, 0))}, hashing every row's text;</li>
 * </ul>
 * then the ACE diff's wall time with default options, its ratio to each limit, whether it found
 * exactly the differences made, and the JVM's peak heap during the diffs.
 * Arguments: {@code --rows N} (default 1000000), {@code --repeat K} (default 3; the medians of
 * the times are shown, and each ratio is the median of the repetitions' own ratios, ACE against
 * the limits measured just before it in the same repetition), {@code --tables bench,wide,textkey}
 * (default all three; the wide and text-key tables get the 2-node cases only). Then, unless {@code --repair-rows 0}, the table-repair benchmark
 * ({@link RepairBenchmark}) of {@code --repair-rows N} differing rows (default 100000),
 * {@code --repair-repeat K} counted runs (default 5); then, with {@code --large-repair-rows N}
 * (default 0: none), one run of it with N differing rows (2,000,000, say) in a JVM of
 * {@link #LARGE_REPAIR_HEAP}.
 */
public final class Benchmark {

    static final String TABLE = "CREATE TABLE public.bench (id bigint PRIMARY KEY, name text NOT NULL, "
            + "email text, amount numeric(12,2), created timestamptz NOT NULL, active boolean NOT NULL)";

    /** The kinds of the wide table's 29 columns after its key: a type and its value for row {@code @}. */
    private static final String[][] WIDE_KINDS = {
        {"bigint", "@ * 7"},
        {"text", "'text ' || @"},
        {"numeric(12,2)", "(@ % 100000) / 100.0"},
        {"timestamptz", "timestamptz '2024-01-01 00:00:00+00' + @ * interval '1 second'"},
        {"boolean", "@ % 2 = 0"},
        {"double precision", "@ / 7.0"},
        {"character varying(40)", "'varchar ' || (@ % 1000)"},
        {"date", "date '2020-01-01' + (@ % 3000)::int"},
        {"jsonb", "jsonb_build_object('n', @, 's', 'x' || (@ % 10))"},
        {"uuid", "md5(@::text)::uuid"},
    };

    private static final String TEXT_KEY_TABLE = "CREATE TABLE public.textkey (k text PRIMARY KEY, v bigint NOT NULL, "
            + "name text NOT NULL, amount numeric(12,2), created timestamptz NOT NULL)";

    public static void main(String[] args) throws Exception {
        long rows = 1_000_000;
        long repairRows = 100_000;
        long largeRepairRows = 0;
        int repeat = 3;
        int repairRepeat = 5;
        List<String> tables = List.of("bench", "wide", "textkey");
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--rows" -> rows = count(args[i + 1]);
                case "--repair-rows" -> repairRows = count(args[i + 1]);
                case "--repeat" -> repeat = Integer.parseInt(args[i + 1]);
                case "--repair-repeat" -> repairRepeat = Integer.parseInt(args[i + 1]);
                case "--tables" -> tables = List.of(args[i + 1].split(","));
                case "--large-repair-rows" -> largeRepairRows = count(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; use --rows N, --repair-rows N (0: no repair benchmark), --repeat K, --repair-repeat K, "
                        + "--tables bench,wide,textkey and --large-repair-rows N (0: none)");
            }
        }
        for (String table : tables) {
            if (!List.of("bench", "wide", "textkey").contains(table)) {
                throw new IllegalArgumentException("--tables takes bench, wide and textkey, was " + String.join(",", tables));
            }
        }
        new Benchmark().run(rows, repeat, tables, System.out);
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

    void run(long rows, int repeat, List<String> tables, PrintStream out) throws Exception {
        out.printf("ACE table-diff benchmark: %,d rows, %d cores, max heap %d MB, PostgreSQL embedded%n", rows,
                Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20);
        Path work = Files.createTempDirectory("ace-bench-");
        try (PgCluster cluster = PgCluster.builder().name("bench").nodes(3).start()) {
            TestDatabase db = cluster.createDatabase("bench");
            long start = System.nanoTime();
            List<String> load = new ArrayList<>();
            if (tables.contains("bench")) {
                load.add(TABLE);
                load.add("INSERT INTO public.bench SELECT i, 'customer ' || i, 'c' || i || '@example.com', "
                        + "(i % 100000) / 100.0, timestamptz '2024-01-01 00:00:00+00' + i * interval '1 second', "
                        + "i % 3 = 0 FROM generate_series(1, " + rows + ") AS i");
                load.add("VACUUM ANALYZE public.bench");
            }
            if (tables.contains("wide")) {
                StringBuilder create = new StringBuilder("CREATE TABLE public.wide (id bigint PRIMARY KEY");
                StringBuilder values = new StringBuilder("INSERT INTO public.wide SELECT i");
                for (int c = 1; c < 30; c++) {
                    String[] kind = WIDE_KINDS[c % WIDE_KINDS.length];
                    create.append(", c").append(c).append(' ').append(kind[0]);
                    values.append(", ").append(kind[1].replace("@", "(i + " + c + ")"));
                }
                load.add(create.append(")").toString());
                load.add(values.append(" FROM generate_series(1, ").append(rows).append(") AS i").toString());
                load.add("VACUUM ANALYZE public.wide");
            }
            if (tables.contains("textkey")) {
                load.add(TEXT_KEY_TABLE);
                load.add("INSERT INTO public.textkey SELECT md5(i::text), i, 'customer ' || i, (i % 100000) / 100.0, "
                        + "timestamptz '2024-01-01 00:00:00+00' + i * interval '1 second' FROM generate_series(1, "
                        + rows + ") AS i");
                load.add("VACUUM ANALYZE public.textkey");
            }
            onAllAtOnce(db, db.nodes(), load);
            out.printf("loaded %s: %,d rows each on 3 nodes in %.1f s%n%n", String.join(", ", tables), rows,
                    (System.nanoTime() - start) / 1e9);
            db.writeClusterJson(work.resolve("cluster"));
            AceConfig config = AceConfig.builder().clusterDirectory(work.resolve("cluster"))
                    .outputDirectory(work.resolve("out")).build();
            out.println("case                                L_pages  L_exact   L_text      ACE  /L_exact  /L_text"
                    + "  /L_pages  differences (expected)        exact  load  L_exact planned / serial");
            HeapWatch heap = new HeapWatch();
            try (Ace ace = Ace.create(config); heap) {
                for (String table : tables) {
                    List<String> nodeSets = table.equals("bench") ? List.of("n1,n2", "n1,n2,n3") : List.of("n1,n2");
                    for (String nodes : nodeSets) {
                        measure(ace, db, table, nodes, "identical", Map.of(), repeat, out);
                    }
                    long changed = diverge(db, table, rows);
                    for (String nodes : nodeSets) {
                        Map<String, Long> expected = nodes.equals("n1,n2") ? Map.of("n1/n2", changed)
                                : Map.of("n1/n2", changed, "n2/n3", changed);
                        measure(ace, db, table, nodes, "0.02% divergent", expected, repeat, out);
                    }
                }
            }
            out.printf("%npeak JVM heap during the cases: %d MB used (sampled every 20 ms, garbage included), "
                    + "%d MB left after a collection (live), max heap %d MB%n", heap.peakUsed() >> 20,
                    heap.peakAfterGc() >> 20, Runtime.getRuntime().maxMemory() >> 20);
            out.println("targets: identical <= 1.3 x L_exact, 0.02% divergent <= 1.5 x L_exact, peak heap < 256 MB "
                    + "at 10M rows; load: the 1-minute load average when the case ended");
        } finally {
            deleteTree(work);
        }
    }

    /** Runs the statements on every node, all nodes at once. */
    private static void onAllAtOnce(TestDatabase db, List<PgNode> nodes, List<String> statements) throws Exception {
        List<String> each = statements;
        eachAtOnce(nodes, node -> {
            try (Connection connection = node.connect(db.name()); Statement statement = connection.createStatement()) {
                for (String sql : each) {
                    statement.execute(sql);
                }
            }
        });
    }

    private interface NodeTask {
        void run(PgNode node) throws Exception;
    }

    /** Runs the task on every node in a thread of its own; the wall time in ms. */
    private static long eachAtOnce(List<PgNode> nodes, NodeTask task) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(nodes.size());
        try {
            long start = System.nanoTime();
            List<Future<?>> futures = new ArrayList<>();
            for (PgNode node : nodes) {
                futures.add(threads.submit(() -> {
                    task.run(node);
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

    /** Changes 0.02% of the rows on n2: a third updated, a third deleted, a third inserted; returns how many. */
    static long diverge(TestDatabase db, String table, long rows) {
        long changes = Math.max(3, rows * 2 / 10_000);
        long step = rows / changes;
        String number = switch (table) {
            case "textkey" -> "v";
            default -> "id";
        };
        String update = switch (table) {
            case "bench" -> "amount = amount + 1";
            case "wide" -> "c2 = c2 + 1";
            default -> "amount = amount + 1";
        };
        String insert = switch (table) {
            case "bench" -> "INSERT INTO public.bench SELECT " + rows + " + i, 'new', NULL, 0, now(), true";
            case "wide" -> "INSERT INTO public.wide (id) SELECT " + rows + " + i";
            default -> "INSERT INTO public.textkey SELECT 'new ' || i, -i, 'new', 0, now()";
        };
        String where = " WHERE " + number + " % " + (3 * step);
        db.execute("n2", "UPDATE public." + table + " SET " + update + where + " = 1",
                "DELETE FROM public." + table + where + " = " + (step + 1),
                insert + " FROM generate_series(1, " + (changes / 3) + ") AS i");
        long updated = Long.parseLong(db.queryValue("n1", "SELECT count(*) FROM public." + table + where + " = 1"));
        long deleted = Long.parseLong(db.queryValue("n1", "SELECT count(*) FROM public." + table + where + " = "
                + (step + 1)));
        return updated + deleted + changes / 3;
    }

    private void measure(Ace ace, TestDatabase db, String table, String nodes, String label, Map<String, Long> expected,
                         int repeat, PrintStream out) throws Exception {
        List<PgNode> chosen = Arrays.stream(nodes.split(",")).map(db::node).toList();
        String exactHash = exactHash(db, table);
        // L_exact twice: as the planner runs it (parallel workers where it chooses them) and serially
        String[] limits = {
            "SELECT count(*) FROM public." + table,
            "SELECT bit_xor(" + exactHash + ") FROM public." + table + " AS r",
            "SELECT count(*), bit_xor(hashtextextended(r::text, 0)) FROM public." + table + " AS r",
            SERIAL + "SELECT bit_xor(" + exactHash + ") FROM public." + table + " AS r"};
        for (String limit : limits) {
            limit(db, chosen, limit);
        }
        ace.diff().diff(TableDiffRequest.builder("bench", "public." + table).nodes(nodes).build());
        long[][] times = new long[limits.length + 1][repeat];
        DiffResult result = null;
        for (int i = 0; i < repeat; i++) {
            // L_exact's two plans last, just before ACE: the pairs compared are measured close together
            for (int l : MEASURE_ORDER) {
                times[l][i] = limit(db, chosen, limits[l]);
            }
            long start = System.nanoTime();
            result = ace.diff().diff(TableDiffRequest.builder("bench", "public." + table).nodes(nodes).maxDiffRows(0)
                    .build());
            times[limits.length][i] = (System.nanoTime() - start) / 1_000_000;
            Files.deleteIfExists(result.diffFile());
        }
        long pages = median(times[0]);
        long planned = median(times[1]);
        long serial = median(times[3]);
        long exact = Math.min(planned, serial);
        long text = median(times[2]);
        long ace2 = median(times[limits.length]);
        // each ratio is the median of the repetitions' own ratios: a repetition's ACE time against the
        // limits measured just before it, so that the machine's speed drifting between repetitions
        // (the same query's CPU time varied by half on our shared 2-core machine) does not enter it
        double[][] ratios = new double[3][repeat];
        for (int i = 0; i < repeat; i++) {
            double diff = times[limits.length][i];
            ratios[0][i] = diff / Math.min(times[1][i], times[3][i]);
            ratios[1][i] = diff / times[2][i];
            ratios[2][i] = diff / times[0][i];
        }
        boolean found = result.diffCounts().equals(expected);
        out.println(String.format("%-35s %7d %8d %8d %8d %9.2f %8.2f %9.2f  %-29s %-5s %5.1f  %d / %d",
                table + ", " + nodes.split(",").length + " nodes, " + label, pages, exact, text, ace2,
                median(ratios[0]), median(ratios[1]), median(ratios[2]),
                result.diffCounts() + " (" + expected.values().stream().mapToLong(Long::longValue).sum() + ")",
                found ? "yes" : "NO", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), planned, serial));
        out.flush();
    }

    /**
     * L_exact's row hash for the table: {@code hash_record_extended(ROW(...), 0)} over its
     * columns, each cast to text unless ACE's row digest hashes its value ({@link Column#hashesExactly()}),
     * its type named as ACE's catalog check names it (format_type with pg_catalog first).
     */
    private static String exactHash(TestDatabase db, String table) throws Exception {
        List<String> columns = new ArrayList<>();
        try (Connection connection = db.node("n1").connect(db.name()); Statement statement = connection.createStatement()) {
            statement.execute("SET search_path = pg_catalog");
            try (ResultSet rows = statement.executeQuery("SELECT a.attname, format_type(a.atttypid, a.atttypmod), "
                    + "t.typcategory, a.attnotnull FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid "
                    + "WHERE a.attrelid = 'public." + table + "'::regclass AND a.attnum > 0 AND NOT a.attisdropped "
                    + "ORDER BY a.attnum")) {
                while (rows.next()) {
                    Column column = new Column(rows.getString(1), rows.getString(2), rows.getString(3), rows.getBoolean(4));
                    columns.add("r.\"" + column.name() + "\"" + (column.hashesExactly() ? "" : "::text"));
                }
            }
        }
        return "hash_record_extended(ROW(" + String.join(", ", columns) + "), 0)";
    }

    /** L_exact of the table: every chosen node hashes every row exactly, all nodes at once; the wall time in ms. */
    static long lExact(TestDatabase db, List<PgNode> nodes, String table) throws Exception {
        String query = "SELECT bit_xor(" + exactHash(db, table) + ") FROM public." + table + " AS r";
        return Math.min(limit(db, nodes, query), limit(db, nodes, SERIAL + query));
    }

    /**
     * Put before a limit's query: it runs without parallel workers. On two cores hashing two or
     * three nodes at once, a node's parallel workers compete with the other nodes' for the same
     * cores, so the serial plan can be the cheaper; L_exact is the cheaper of the two.
     */
    private static final String SERIAL = "SET max_parallel_workers_per_gather = 0; ";
    /** The order the limits are measured in, each repetition: L_pages, L_text, L_exact planned, L_exact serial. */
    private static final int[] MEASURE_ORDER = {0, 2, 1, 3};

    /** One query on every chosen node, all nodes at once; the wall time in ms. */
    private static long limit(TestDatabase db, List<PgNode> nodes, String query) throws Exception {
        return eachAtOnce(nodes, node -> {
            try (Connection connection = node.connect(db.name()); Statement statement = connection.createStatement()) {
                boolean serial = query.startsWith(SERIAL);
                statement.execute("SET extra_float_digits = 3" + (serial ? "; " + SERIAL : ""));
                try (ResultSet rows = statement.executeQuery(serial ? query.substring(SERIAL.length()) : query)) {
                    rows.next();
                }
            }
        });
    }

    private static long median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
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
