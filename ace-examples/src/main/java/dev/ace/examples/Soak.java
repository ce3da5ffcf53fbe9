package dev.ace.examples;

import dev.ace.core.Ace;
import dev.ace.core.AceConfig;
import dev.ace.core.diff.DiffResult;
import dev.ace.core.diff.RerunBehavior;
import dev.ace.core.diff.TableDiffRequest;
import dev.ace.core.diff.TableRerunRequest;
import dev.ace.core.repair.RepairResult;
import dev.ace.core.repair.TableRepairRequest;
import dev.ace.testkit.PgCluster;
import dev.ace.testkit.TestDatabase;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The soak test, run on demand (not in CI): on three embedded nodes, for {@code --minutes M}
 * (default 30), two threads run mixed operations through one {@code Ace} (a full diff of a
 * random table, then a rerun or a repair from n1 of that diff, at random; each diff file and
 * report deleted once used) while a write-load thread runs pgbench-style transactions on n2 and
 * n3 (update a random row of a random table, insert a history row, commit), so the tables keep
 * diverging and repairs meet rows changed since their diff. Every {@code --report-seconds S}
 * (default 30) it prints the heap used after a full GC, the open file descriptors
 * ({@code /proc/self/fd}), the live threads, the operations done and failed, and the write
 * transactions; at the end the same figures first, last and highest. Memory and file handles must
 * stay flat: a leak shows as a rising column. It exits 1 when any operation failed.
 *
 * <p>Arguments: {@code --minutes M}, {@code --tables T} (default 4), {@code --rows N} per table
 * (default 100000), {@code --report-seconds S}. Run it, in a JVM of its own with a 256 MB heap,
 * with (see docs/reliability.md): {@code ./mvnw -q -pl ace-examples -am -DskipTests package
 * exec:exec@soak -Dsoak.minutes=30}.
 */
public final class Soak {

    private final Map<String, AtomicLong> done = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> failed = new ConcurrentHashMap<>();
    private final List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    private final AtomicLong writes = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicBoolean stop = new AtomicBoolean();

    public static void main(String[] args) throws Exception {
        double minutes = 30;
        int tables = 4;
        long rows = 100_000;
        int reportSeconds = 30;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--minutes" -> minutes = Double.parseDouble(args[i + 1]);
                case "--tables" -> tables = Integer.parseInt(args[i + 1]);
                case "--rows" -> rows = Benchmark.count(args[i + 1]);
                case "--report-seconds" -> reportSeconds = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; use --minutes M, --tables T, --rows N, --report-seconds S");
            }
        }
        boolean ok = new Soak().run(Duration.ofMillis((long) (minutes * 60_000)), tables, rows,
                Duration.ofSeconds(reportSeconds), System.out);
        System.exit(ok ? 0 : 1);
    }

    boolean run(Duration length, int tables, long rows, Duration every, PrintStream out) throws Exception {
        out.printf("ACE soak: %s of mixed diff/rerun/repair on %d tables of %,d rows, 3 embedded nodes, pgbench-style "
                + "writes on n2 and n3, %d cores, max heap %d MB%n", length, tables, rows,
                Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20);
        Path work = Files.createTempDirectory("ace-soak-");
        try (PgCluster cluster = PgCluster.builder().name("soak").nodes(3).start()) {
            TestDatabase db = cluster.createDatabase("soak");
            db.executeOnAll("CREATE TABLE public.history (tid int, id bigint, delta int, at timestamptz DEFAULT now())");
            for (int t = 0; t < tables; t++) {
                db.executeOnAll("CREATE TABLE public.t" + t + " (id bigint PRIMARY KEY, balance int NOT NULL, "
                        + "filler text)", "INSERT INTO public.t" + t + " SELECT i, 0, repeat('x', 80) FROM "
                        + "generate_series(1, " + rows + ") i", "VACUUM ANALYZE public.t" + t);
            }
            db.writeClusterJson(work.resolve("cluster"));
            AceConfig config = AceConfig.builder().clusterDirectory(work.resolve("cluster"))
                    .outputDirectory(work.resolve("out")).maxConnectionsPerNode(4).build();
            List<Thread> threads = new ArrayList<>();
            List<long[]> samples = new ArrayList<>();
            try (Ace ace = Ace.create(config)) {
                threads.add(start("soak-writes", () -> writeLoad(db, tables, rows)));
                for (int w = 0; w < 2; w++) {
                    threads.add(start("soak-ops-" + w, () -> operations(ace, tables, work.resolve("out"))));
                }
                out.println("elapsed   heap after GC (MB)   open fds   threads   operations   failed   skipped rows"
                        + "   write transactions");
                long started = System.nanoTime();
                long end = started + length.toNanos();
                while (System.nanoTime() < end) {
                    Thread.sleep(Math.min(every.toMillis(), Math.max(1, (end - System.nanoTime()) / 1_000_000)));
                    samples.add(sample(out, started));
                }
                stop.set(true);
                for (Thread thread : threads) {
                    thread.join(Duration.ofMinutes(5).toMillis());
                }
                samples.add(sample(out, started));
                out.printf("%noperations done: %s; failed: %s; rows skipped as changed since their diff: %,d; write "
                        + "transactions: %,d; connections still leased: %d%n", new TreeMap<>(counts(done)),
                        new TreeMap<>(counts(failed)), skipped.get(), writes.get(), ace.activeConnections());
            }
            summary(out, samples);
            failures.stream().limit(20).forEach(failure -> out.println("failure: " + failure));
            return failed.values().stream().allMatch(count -> count.get() == 0);
        } finally {
            Benchmark.deleteTree(work);
        }
    }

    private Thread start(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.start();
        return thread;
    }

    /** pgbench-style: each transaction updates a random row of a random table and appends a history row. */
    private void writeLoad(TestDatabase db, int tables, long rows) {
        List<Connection> connections = new ArrayList<>();
        try {
            for (String node : List.of("n2", "n3")) {
                Connection connection = db.node(node).connect(db.name());
                connection.setAutoCommit(false);
                connections.add(connection);
            }
            while (!stop.get()) {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                Connection connection = connections.get(random.nextInt(connections.size()));
                int table = random.nextInt(tables);
                long id = 1 + random.nextLong(rows);
                int delta = random.nextInt(-5000, 5000);
                try (PreparedStatement update = connection.prepareStatement("UPDATE public.t" + table
                        + " SET balance = balance + ? WHERE id = ?");
                     PreparedStatement history = connection.prepareStatement(
                             "INSERT INTO public.history (tid, id, delta) VALUES (?, ?, ?)")) {
                    update.setInt(1, delta);
                    update.setLong(2, id);
                    update.executeUpdate();
                    history.setInt(1, table);
                    history.setLong(2, id);
                    history.setInt(3, delta);
                    history.executeUpdate();
                    connection.commit();
                }
                writes.incrementAndGet();
                Thread.sleep(2);
            }
        } catch (Exception e) {
            count(failed, "writes");
            failures.add("write load: " + e);
        } finally {
            for (Connection connection : connections) {
                try {
                    connection.close();
                } catch (Exception ignored) {
                    // the cluster is stopped next
                }
            }
        }
    }

    /** Diff a random table, then rerun or repair that diff; every file written is deleted once used. */
    private void operations(Ace ace, int tables, Path output) {
        while (!stop.get()) {
            String table = "public.t" + ThreadLocalRandom.current().nextInt(tables);
            String kind = "diff";
            try {
                DiffResult diff = ace.diff().diff(TableDiffRequest.builder("soak", table).maxDiffRows(0).quiet(true)
                        .build());
                count(done, kind);
                try {
                    if (ThreadLocalRandom.current().nextBoolean()) {
                        kind = "rerun";
                        DiffResult rerun = ace.rerun().rerun(TableRerunRequest.builder("soak", table)
                                .diffFile(diff.diffFile()).behavior(ThreadLocalRandom.current().nextBoolean()
                                        ? RerunBehavior.MULTIPROCESSING : RerunBehavior.HOSTDB).quiet(true).build());
                        Files.deleteIfExists(rerun.diffFile());
                    } else {
                        kind = "repair";
                        RepairResult repair = ace.repair().repair(TableRepairRequest.builder("soak", table)
                                .diffFile(diff.diffFile()).sourceOfTruth("n1").quiet(true).build());
                        if (!repair.succeeded()) {
                            throw new IllegalStateException(repair.describe());
                        }
                        skipped.addAndGet(repair.totalSkipped());
                    }
                    count(done, kind);
                } finally {
                    Files.deleteIfExists(diff.diffFile());
                }
            } catch (Exception e) {
                count(failed, kind);
                failures.add(kind + " of " + table + ": " + e);
            }
            deleteReports(output);
        }
    }

    private static void deleteReports(Path output) {
        Path reports = output.resolve("reports");
        if (!Files.isDirectory(reports)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(reports)) {
            paths.filter(Files::isRegularFile).forEach(path -> path.toFile().delete());
        } catch (IOException ignored) {
            // a report left behind only takes disk space
        }
    }

    private static void count(Map<String, AtomicLong> counts, String kind) {
        counts.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
    }

    private static Map<String, Long> counts(Map<String, AtomicLong> counts) {
        Map<String, Long> values = new TreeMap<>();
        counts.forEach((kind, count) -> values.put(kind, count.get()));
        return values;
    }

    /** Prints and returns one sample: elapsed s, heap MB after GC, open fds, threads. */
    private long[] sample(PrintStream out, long started) {
        System.gc();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20;
        long fds = openFileDescriptors();
        long threads = Thread.activeCount();
        long elapsed = (System.nanoTime() - started) / 1_000_000_000L;
        long operations = done.values().stream().mapToLong(AtomicLong::get).sum();
        long failures = failed.values().stream().mapToLong(AtomicLong::get).sum();
        out.printf("%6d s   %18d   %8d   %7d   %10d   %6d   %12d   %18d%n", elapsed, heap, fds, threads, operations,
                failures, skipped.get(), writes.get());
        out.flush();
        return new long[] {elapsed, heap, fds, threads};
    }

    private static long openFileDescriptors() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        } catch (IOException e) {
            return -1;
        }
    }

    private static void summary(PrintStream out, List<long[]> samples) {
        if (samples.isEmpty()) {
            return;
        }
        String[] names = {"heap after GC (MB)", "open file descriptors", "live threads"};
        for (int c = 1; c <= 3; c++) {
            int column = c;
            long first = samples.get(0)[column];
            long last = samples.get(samples.size() - 1)[column];
            long highest = samples.stream().mapToLong(sample -> sample[column]).max().orElse(0);
            out.printf("%-22s first %,d, last %,d, highest %,d%n", names[c - 1] + ":", first, last, highest);
        }
    }
}
