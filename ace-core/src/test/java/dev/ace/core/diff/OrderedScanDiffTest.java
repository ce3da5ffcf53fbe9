package dev.ace.core.diff;

import static dev.ace.core.diff.DiffTesting.ace;
import static dev.ace.core.diff.DiffTesting.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ace.core.Ace;
import dev.ace.core.internal.diff.DiffEngine;
import dev.ace.testkit.TestDatabase;
import dev.ace.testkit.WithPgCluster;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one-pass diff of an integer key reads each node's rows in their physical order when they
 * lie about in key order (ranges of positions cut at each slice's first row, one plain aggregate
 * a range), and by the hash aggregate otherwise. Whichever way each node takes, the diff finds
 * exactly the rows changed; the way taken shows in the node's count of whole-table scans.
 */
@WithPgCluster(nodes = 2)
class OrderedScanDiffTest {

    @TempDir
    Path dir;

    @Test
    void rowsInKeyOrderAreHashedByRangesOfPositionsWithoutAWholeTableScan(TestDatabase db) {
        db.executeOnAll("CREATE TABLE t (id int PRIMARY KEY, v text)",
                "INSERT INTO t SELECT i * 3, md5(i::text) FROM generate_series(1, 30000) i");
        bothWaysFindExactly(db, changeRandomRows(db, new Random(7), 30000, 60));
    }

    /**
     * Rows updated on both nodes alike, 3% of them twice over with a vacuum between, lie far from
     * their slices' ranges (at the end of the table, then wherever space was freed): they come
     * back one by one and count in their own slices, and the diff stays exact.
     */
    @Test
    void rowsLyingOutsideTheirSlicesRangeCountInTheirOwnSlice(TestDatabase db) {
        db.executeOnAll("CREATE TABLE t (id bigint PRIMARY KEY, v text, n numeric)",
                "INSERT INTO t SELECT i - 15000, md5(i::text), i / 7.0 FROM generate_series(1, 30000) i",
                "UPDATE t SET n = n + 1 WHERE id % 37 = 0");
        for (String node : List.of("n1", "n2")) {
            db.node(node).execute(db.name(), "VACUUM t");
        }
        db.executeOnAll("UPDATE t SET n = n + 2 WHERE id % 31 = 0");
        db.execute("n2", "UPDATE t SET v = 'changed' WHERE id IN (-14999, -7, 0, 14999, 15000, 31 * 7, 37 * 11)",
                "DELETE FROM t WHERE id IN (-14000, 123, 37 * 5)", "INSERT INTO t VALUES (20000, 'only n2', 1)");
        Set<String> expected = new TreeSet<>(List.of("-14999", "-7", "0", "14999", "15000", "217", "407",
                "-14000", "123", "185", "20000"));
        bothWaysFindExactly(db, expected);
    }

    /**
     * A partitioned table's partitions share positions, so its rows are hashed by the hash
     * aggregate (one whole-table scan of each partition); the diff is exact.
     */
    @Test
    void aPartitionedTableUsesTheHashAggregate(TestDatabase db) {
        db.executeOnAll("CREATE TABLE t (id int PRIMARY KEY, v text) PARTITION BY RANGE (id)",
                "CREATE TABLE t_low PARTITION OF t FOR VALUES FROM (MINVALUE) TO (10000)",
                "CREATE TABLE t_high PARTITION OF t FOR VALUES FROM (10000) TO (MAXVALUE)",
                "INSERT INTO t SELECT i, md5(i::text) FROM generate_series(1, 20000) i");
        db.execute("n2", "UPDATE t SET v = 'changed' WHERE id IN (5, 9999, 10000, 15000)",
                "DELETE FROM t WHERE id = 12345");
        try (Ace ace = ace(db, dir)) {
            DiffResult result = ace.diff().diff(request("public.t").nodes("n1,n2").blockRows(1000).maxDiffRows(0).build());
            assertThat(new TreeSet<>(DiffTesting.allKeys(result)))
                    .containsExactlyInAnyOrder("10000", "12345", "15000", "5", "9999");
        }
    }

    /**
     * A node whose rows were written in random key order hashes by the hash aggregate, the other
     * in physical order; their slices' digests compare all the same.
     */
    @Test
    void aNodeWhoseRowsLieOutOfKeyOrderUsesTheHashAggregate(TestDatabase db) {
        db.executeOnAll("CREATE TABLE t (id int PRIMARY KEY, v text)");
        db.execute("n1", "INSERT INTO t SELECT i, md5(i::text) FROM generate_series(1, 20000) i ORDER BY random()");
        db.execute("n2", "INSERT INTO t SELECT i, md5(i::text) FROM generate_series(1, 20000) i ORDER BY i");
        db.execute("n2", "UPDATE t SET v = 'changed' WHERE id IN (1, 500, 19999)", "DELETE FROM t WHERE id = 7000");
        Set<String> expected = new TreeSet<>(List.of("1", "500", "19999", "7000"));

        Scanned ordered = diff(db, true);

        assertThat(ordered.keys()).isEqualTo(expected);
        // both read the same statements but for n1's hash aggregate
        assertThat(ordered.scans().get("n1") - ordered.scans().get("n2")).isEqualTo(1);
    }

    /**
     * A table larger than a quarter of {@code shared_buffers} is hashed by the hash aggregate: a
     * TID range scan would read it through the shared buffers, not the small ring a sequential
     * scan of such a table reuses, and evict the node's working set.
     */
    @Test
    void aTableLargerThanAQuarterOfSharedBuffersUsesTheHashAggregate(TestDatabase db) {
        long quarter = Long.parseLong(db.queryValue("n1", "SELECT setting::bigint * 8192 / 4 FROM pg_settings "
                + "WHERE name = 'shared_buffers'"));
        long rows = quarter / 1000 + 5000; // about 1,040 bytes a row, uncompressed, in line
        db.executeOnAll("CREATE TABLE t (id int PRIMARY KEY, pad text)", "ALTER TABLE t ALTER pad SET STORAGE PLAIN",
                "INSERT INTO t SELECT i, repeat(md5(i::text), 31) FROM generate_series(1, " + rows + ") i");
        assertThat(Long.parseLong(db.queryValue("n1", "SELECT pg_relation_size('t')"))).isGreaterThan(quarter);
        db.execute("n2", "UPDATE t SET pad = 'changed' WHERE id IN (1, 2000, " + rows + ")");

        Scanned ordered = diff(db, true);
        Scanned hashed = diff(db, false);

        assertThat(ordered.keys()).containsExactlyInAnyOrder("1", "2000", String.valueOf(rows));
        assertThat(hashed.keys()).isEqualTo(ordered.keys());
        for (String node : List.of("n1", "n2")) {
            assertThat(hashed.scans().get(node)).as(node).isEqualTo(ordered.scans().get(node));
        }
    }

    /** A filter applies to the ranges' rows: rows outside it count on no node. */
    @Test
    void aFilterAppliesToEveryRangeOfPositions(TestDatabase db) {
        db.executeOnAll("CREATE TABLE t (id int PRIMARY KEY, v text, region text)",
                "INSERT INTO t SELECT i, md5(i::text), CASE WHEN i % 2 = 0 THEN 'eu' ELSE 'us' END "
                        + "FROM generate_series(1, 20000) i");
        db.execute("n2", "UPDATE t SET v = 'changed' WHERE id IN (2, 3, 10000, 10001, 19998)");
        try (Ace ace = ace(db, dir)) {
            DiffResult result = ace.diff().diff(request("public.t").nodes("n1,n2").blockRows(1000).maxDiffRows(0)
                    .tableFilter("region = 'eu'").build());
            assertThat(new TreeSet<>(DiffTesting.allKeys(result))).containsExactly("10000", "19998", "2");
            assertThat(result.diffCounts()).containsEntry("n1/n2", 3L);
        }
    }

    /** Updates, deletes and inserts of random rows of t (keys i * 3, i from 1 to rows) on n2; returns their keys. */
    private static Set<String> changeRandomRows(TestDatabase db, Random random, int rows, int changes) {
        Set<String> keys = new TreeSet<>();
        List<String> statements = new ArrayList<>();
        for (int c = 0; c < changes; c++) {
            int id = (1 + random.nextInt(rows)) * 3;
            switch (random.nextInt(3)) {
                case 0:
                    statements.add("UPDATE t SET v = 'changed' WHERE id = " + id);
                    break;
                case 1:
                    statements.add("DELETE FROM t WHERE id = " + id);
                    break;
                default:
                    id += 1; // between two keys: a row only n2 holds
                    statements.add("INSERT INTO t (id, v) VALUES (" + id + ", 'new') ON CONFLICT DO NOTHING");
                    break;
            }
            keys.add(String.valueOf(id));
        }
        db.execute("n2", statements.toArray(new String[0]));
        return keys;
    }

    /**
     * The diff in physical order and the diff by the hash aggregate both find exactly the
     * {@code expected} keys, and the first reads t with one whole-table scan fewer on each node
     * (the ranges are read by TID range scans, which are not whole-table scans).
     */
    private void bothWaysFindExactly(TestDatabase db, Set<String> expected) {
        Scanned ordered = diff(db, true);
        Scanned hashed = diff(db, false);
        assertThat(ordered.keys()).isEqualTo(expected);
        assertThat(hashed.keys()).isEqualTo(expected);
        for (String node : List.of("n1", "n2")) {
            assertThat(hashed.scans().get(node) - ordered.scans().get(node)).as(node).isEqualTo(1);
        }
    }

    /** What a diff of t on both nodes found, and the whole-table scans of t it made on each node. */
    private record Scanned(Set<String> keys, Map<String, Long> scans) {
    }

    /** The diff of t on both nodes, reading rows in physical order where they allow it ({@code ordered}) or never. */
    private Scanned diff(TestDatabase db, boolean ordered) {
        if (!ordered) {
            System.setProperty(DiffEngine.ORDERED_SCAN_PROPERTY, "false");
        }
        Map<String, Long> before = wholeTableScans(db);
        Set<String> keys;
        try (Ace ace = ace(db, dir)) {
            DiffResult result = ace.diff().diff(request("public.t").nodes("n1,n2").blockRows(1000).maxDiffRows(0).build());
            keys = new TreeSet<>(DiffTesting.allKeys(result));
            assertThat(result.diffCounts().getOrDefault("n1/n2", 0L)).isEqualTo(keys.size());
        } finally {
            System.clearProperty(DiffEngine.ORDERED_SCAN_PROPERTY);
        }
        Map<String, Long> after = wholeTableScans(db);
        after.replaceAll((node, scans) -> scans - before.get(node));
        return new Scanned(keys, after);
    }

    /**
     * Per node, the whole-table scans of t so far ({@code seq_scan}), read once every other
     * session of the database has ended, and so reported its counts.
     */
    private static Map<String, Long> wholeTableScans(TestDatabase db) {
        Map<String, Long> scans = new java.util.HashMap<>();
        for (String node : List.of("n1", "n2")) {
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (Long.parseLong(db.queryValue(node, "SELECT count(*) FROM pg_stat_activity WHERE datname = "
                    + "current_database() AND backend_type = 'client backend' AND pid <> pg_backend_pid()")) > 0) {
                assertThat(System.nanoTime()).as("the sessions of the diff on %s end", node).isLessThan(deadline);
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError(e);
                }
            }
            scans.put(node, Long.parseLong(db.queryValue(node,
                    "SELECT seq_scan FROM pg_stat_user_tables WHERE relname = 't'")));
        }
        return scans;
    }
}
