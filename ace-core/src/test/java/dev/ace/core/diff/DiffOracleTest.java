package dev.ace.core.diff;

import static dev.ace.core.diff.DiffTesting.ace;
import static dev.ace.core.diff.DiffTesting.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ace.core.Ace;
import dev.ace.testkit.PgNode;
import dev.ace.testkit.TestDatabase;
import dev.ace.testkit.WithPgCluster;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Random tables, random divergence on three nodes, small blocks so that splitting is exercised:
 * for every node pair, the keys the diff reports are exactly those a naive fetch-everything
 * comparison finds.
 */
@WithPgCluster(nodes = 3)
class DiffOracleTest {

    /** A single bigint key (sliced arithmetically), sparse and spanning the whole bigint range at the ends. */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {3, 99})
    void integerKeysSlicedArithmeticallyAreComparedExactly(long seed, TestDatabase db) {
        Random random = new Random(seed);
        db.executeOnAll("CREATE TABLE t (id bigint PRIMARY KEY, v text)",
                "INSERT INTO t SELECT i * 37 + (i % 5), md5(i::text) FROM generate_series(1, 20000) i",
                "INSERT INTO t VALUES (-9223372036854775808, 'min'), (9223372036854775807, 'max'), "
                        + "(-9223372036854775000, 'low'), (9223372036854775000, 'high')");
        List<Long> ids = new ArrayList<>();
        for (String id : db.queryColumn("n1", "SELECT id FROM t ORDER BY id")) {
            ids.add(Long.parseLong(id));
        }
        Set<String> expected = new TreeSet<>();
        List<String> statements = new ArrayList<>();
        for (int c = 0; c < 60; c++) {
            long id = ids.get(random.nextInt(ids.size()));
            expected.add(String.valueOf(id));
            statements.add(random.nextBoolean() ? "DELETE FROM t WHERE id = " + id
                    : "UPDATE t SET v = 'changed' WHERE id = " + id);
        }
        statements.add("UPDATE t SET v = 'x' WHERE id IN (-9223372036854775808, 9223372036854775807)");
        expected.add("-9223372036854775808");
        expected.add("9223372036854775807");
        db.execute("n2", statements.toArray(new String[0]));
        try (Ace ace = ace(db, dir)) {
            DiffResult result = ace.diff().diff(request("public.t").nodes("n1,n2").blockRows(1000).maxDiffRows(0).build());
            Set<String> found = new TreeSet<>(DiffTesting.allKeys(result));
            assertThat(found).isEqualTo(expected);
        }
    }

    /**
     * Keys whose span still fits a long, so the one-pass diff slices them by integer arithmetic:
     * starting at the smallest bigint, and crossing zero from negative keys, with keys only one
     * node holds at both ends.
     */
    @ParameterizedTest(name = "lowest key {0}")
    @ValueSource(longs = {Long.MIN_VALUE, -5000})
    void keysFromTheSmallestBigintAndAcrossZeroAreSlicedExactly(long lowest, TestDatabase db) {
        db.executeOnAll("CREATE TABLE t (id bigint PRIMARY KEY, v text)",
                "INSERT INTO t SELECT " + lowest + " + i * 3, md5(i::text) FROM generate_series(0, 9999) i");
        Set<String> expected = new TreeSet<>();
        List<String> statements = new ArrayList<>();
        for (long i = 0; i < 10_000; i += 997) {
            long id = lowest + i * 3;
            expected.add(String.valueOf(id));
            statements.add(i % 2 == 0 ? "UPDATE t SET v = 'changed' WHERE id = " + id : "DELETE FROM t WHERE id = " + id);
        }
        statements.add("DELETE FROM t WHERE id = " + lowest);
        statements.add("INSERT INTO t VALUES (" + (lowest + 29_999 + 5) + ", 'only here')");
        expected.add(String.valueOf(lowest));
        expected.add(String.valueOf(lowest + 29_999 + 5));
        db.execute("n2", statements.toArray(new String[0]));
        try (Ace ace = ace(db, dir)) {
            DiffResult result = ace.diff().diff(request("public.t").nodes("n1,n2").blockRows(1000).maxDiffRows(0).build());
            assertThat(new TreeSet<>(DiffTesting.allKeys(result))).isEqualTo(expected);
            assertThat(result.diffCounts()).containsEntry("n1/n2", (long) expected.size());
        }
    }

    /**
     * A text key, so the one-pass diff groups rows into key-hash buckets. With the bound on the
     * rows of differing buckets lowered, the differing buckets are split into finer ones by one
     * more scan of the table on each node; bounded below what any split can reach, the diff takes
     * the range way. The keys found are exactly the rows changed every time.
     */
    @org.junit.jupiter.api.Test
    void bucketsHoldingTooManyRowsAreSplitIntoFinerOnes(TestDatabase db) throws Exception {
        db.executeOnAll("CREATE TABLE t (k text PRIMARY KEY, v int, note text)",
                "INSERT INTO t SELECT md5(i::text), i, 'row ' || i FROM generate_series(1, 6000) i");
        List<String> keys = db.queryColumn("n1", "SELECT k FROM t ORDER BY v");
        Set<String> expected = new TreeSet<>();
        List<String> statements = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            String key = keys.get(i * 97);
            expected.add(key);
            statements.add(i % 3 == 0 ? "DELETE FROM t WHERE k = '" + key + "'"
                    : "UPDATE t SET note = 'changed' WHERE k = '" + key + "'");
        }
        for (int i = 0; i < 20; i++) {
            expected.add("only on n2 " + i);
            statements.add("INSERT INTO t VALUES ('only on n2 " + i + "', -1, NULL)");
        }
        db.execute("n2", statements.toArray(new String[0]));
        // 6,000 rows in 256 buckets of about 23: some 80 differing buckets hold about 1,800 rows
        // the one-pass way reads the differing rows by key through the index; the range way does not
        long[] unsplit = scansOfADiff(db, null, expected);
        assertThat(unsplit[1]).as("index scans of t on n2, no split").isPositive();
        long[] split = scansOfADiff(db, "300", expected);
        assertThat(split[1]).as("index scans of t on n2, split").isPositive();
        assertThat(split[0]).as("sequential scans of t on n2: one more to split the differing buckets")
                .isEqualTo(unsplit[0] + 1);
        long[] rangeWay = scansOfADiff(db, "10", expected);
        assertThat(rangeWay[1]).as("index scans of t on n2, split too often: the range way").isZero();
    }

    /** Diffs t on n1 and n2 with the given bound on the rows of differing buckets; the scans of t on n2 it made. */
    private long[] scansOfADiff(TestDatabase db, String maxBucketRows, Set<String> expected) throws Exception {
        long[] before = scans(db);
        if (maxBucketRows != null) {
            System.setProperty(dev.ace.core.internal.diff.DiffEngine.MAX_BUCKET_ROWS_PROPERTY, maxBucketRows);
        }
        try (Ace ace = ace(db, dir)) {
            DiffResult result = ace.diff().diff(request("public.t").nodes("n1,n2").blockRows(100_000).maxDiffRows(0)
                    .build());
            assertThat(new TreeSet<>(DiffTesting.allKeys(result))).as("bound %s", maxBucketRows).isEqualTo(expected);
            assertThat(result.diffCounts()).containsEntry("n1/n2", (long) expected.size());
        } finally {
            System.clearProperty(dev.ace.core.internal.diff.DiffEngine.MAX_BUCKET_ROWS_PROPERTY);
        }
        long[] after = scans(db);
        return new long[] {after[0] - before[0], after[1] - before[1]};
    }

    /** Sequential and index scans of t on n2 so far, once the sessions of the diff have ended (and so reported them). */
    private static long[] scans(TestDatabase db) throws InterruptedException {
        for (int i = 0; i < 100 && !db.openConnections().isEmpty(); i++) {
            Thread.sleep(50);
        }
        PgNode n2 = db.node("n2");
        String[] scans = n2.queryColumn(db.name(), "SELECT seq_scan || ' ' || coalesce(idx_scan, 0) FROM pg_stat_user_tables "
                + "WHERE relid = 'public.t'::regclass").get(0).split(" ");
        return new long[] {Long.parseLong(scans[0]), Long.parseLong(scans[1])};
    }

    @TempDir
    Path dir;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 42, 2026, 777})
    void theDiffFindsExactlyWhatANaiveFullComparisonFinds(long seed, TestDatabase db) {
        Random random = new Random(seed);
        int rows = 4000 + random.nextInt(4000);
        db.executeOnAll("CREATE TABLE t (region text, id int, amount numeric, note text, tags int[], "
                        + "PRIMARY KEY (region, id))",
                "INSERT INTO t SELECT (ARRAY['eu','us','ap'])[1 + i % 3], i, round((i * 7919 % 1000) / 7.0, 3), "
                        + "CASE WHEN i % 11 = 0 THEN NULL WHEN i % 13 = 0 THEN '' ELSE md5(i::text) END, "
                        + "ARRAY[i % 5, i % 7] FROM generate_series(1, " + rows + ") i");
        for (String node : List.of("n1", "n2", "n3")) {
            int changes = random.nextInt(40);
            List<String> statements = new ArrayList<>();
            for (int c = 0; c < changes; c++) {
                int id = 1 + random.nextInt(rows + 200);
                String region = List.of("eu", "us", "ap").get(id % 3);
                switch (random.nextInt(5)) {
                    case 0:
                        statements.add("DELETE FROM t WHERE id = " + id);
                        break;
                    case 1:
                        statements.add("INSERT INTO t VALUES ('" + region + "', " + (rows + id) + ", 1, 'new', '{}') "
                                + "ON CONFLICT DO NOTHING");
                        break;
                    case 2:
                        statements.add("UPDATE t SET note = NULL WHERE id = " + id);
                        break;
                    case 3:
                        statements.add("UPDATE t SET amount = (amount::text || '0')::numeric WHERE id = " + id);
                        break;
                    default:
                        statements.add("UPDATE t SET tags = tags || 9 WHERE id = " + id);
                        break;
                }
            }
            if (!statements.isEmpty()) {
                db.execute(node, statements.toArray(new String[0]));
            }
        }
        Map<String, Map<String, String>> everything = new HashMap<>();
        for (String node : List.of("n1", "n2", "n3")) {
            Map<String, String> table = new HashMap<>();
            PgNode pg = db.node(node);
            for (String line : pg.queryColumn(db.name(), "SELECT region || ',' || id || E'\\t' || ROW(t.*)::text FROM t")) {
                String[] parts = line.split("\t", 2);
                table.put(parts[0], parts[1]);
            }
            everything.put(node, table);
        }
        try (Ace ace = ace(db, dir)) {
            DiffResult result = ace.diff().diff(request("public.t").blockRows(1000).maxDiffRows(0).build());
            for (String pair : List.of("n1/n2", "n1/n3", "n2/n3")) {
                String[] nodes = pair.split("/");
                Set<String> expected = new TreeSet<>();
                Map<String, String> left = everything.get(nodes[0]);
                Map<String, String> right = everything.get(nodes[1]);
                left.forEach((key, row) -> {
                    if (!row.equals(right.get(key))) {
                        expected.add(key);
                    }
                });
                right.keySet().stream().filter(key -> !left.containsKey(key)).forEach(expected::add);
                Set<String> found = new TreeSet<>();
                DiffFile.open(result.diffFile()).forEachRow((p, node, row) -> {
                    if (p.equals(pair)) {
                        found.add(String.join(",", row.key()));
                    }
                });
                assertThat(found).as("pair %s, seed %d", pair, seed).isEqualTo(expected);
                assertThat(result.diffCounts().getOrDefault(pair, 0L)).isEqualTo(expected.size());
            }
        }
    }
}
