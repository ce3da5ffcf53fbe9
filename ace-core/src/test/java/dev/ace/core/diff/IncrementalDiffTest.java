package dev.ace.core.diff;

import static dev.ace.core.diff.DiffTesting.ace;
import static dev.ace.core.diff.DiffTesting.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ace.core.Ace;
import dev.ace.core.error.AceException;
import dev.ace.core.error.ErrorCode;
import dev.ace.core.error.InvalidRequestException;
import dev.ace.core.mtree.TreeRequest;
import dev.ace.core.mtree.TreeResult;
import dev.ace.testkit.TestDatabase;
import dev.ace.testkit.WithPgCluster;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The incremental diff against the full diff: over random divergences (inserts, deletes, updates,
 * key updates, NULLs, truncations) on three nodes, in several rounds with the trees kept fresh by
 * their triggers only, both write exactly the same diff-file rows. Plus: removing the trees leaves
 * no object behind, stale trees are refused, and a change applied by native logical replication
 * is captured on the subscriber.
 */
@WithPgCluster(nodes = 3)
class IncrementalDiffTest {

    @TempDir
    Path dir;

    private static final List<String> NODES = List.of("n1", "n2", "n3");

    /** A composite text and integer key, numeric, text with NULLs and '', arrays: leaves of 16 rows split and merge. */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 42, 2026})
    void compositeKeysGiveTheSameRowsAsAFullDiff(long seed, TestDatabase db) {
        Random random = new Random(seed);
        int rows = 2000 + random.nextInt(2000);
        db.executeOnAll("CREATE TABLE t (region text, id int, amount numeric, note text, tags int[], "
                        + "PRIMARY KEY (region, id))",
                "INSERT INTO t SELECT (ARRAY['eu','us','ap'])[1 + i % 3], i, round((i * 7919 % 1000) / 7.0, 3), "
                        + "CASE WHEN i % 11 = 0 THEN NULL WHEN i % 13 = 0 THEN '' ELSE md5(i::text) END, "
                        + "ARRAY[i % 5, i % 7] FROM generate_series(1, " + rows + ") i");
        try (Ace ace = ace(db, dir)) {
            ace.trees().build(TreeRequest.builder("acetest", "public.t").leafRows(16).build());
            for (int round = 0; round < 3; round++) {
                for (String node : NODES) {
                    List<String> statements = new ArrayList<>();
                    int changes = random.nextInt(40);
                    for (int c = 0; c < changes; c++) {
                        int id = 1 + random.nextInt(rows + 200);
                        String region = List.of("eu", "us", "ap").get(id % 3);
                        statements.add(switch (random.nextInt(7)) {
                            case 0 -> "DELETE FROM t WHERE id = " + id;
                            case 1 -> "INSERT INTO t VALUES ('" + region + "', " + (rows + id) + ", 1, 'new', '{}') "
                                    + "ON CONFLICT DO NOTHING";
                            case 2 -> "UPDATE t SET note = NULL WHERE id = " + id;
                            case 3 -> "UPDATE t SET amount = (amount::text || '0')::numeric WHERE id = " + id;
                            case 4 -> "UPDATE t SET id = id + 100000 WHERE id = " + id;
                            case 5 -> "UPDATE t SET note = 'NULL', region = 'zz' WHERE id = " + id;
                            default -> "UPDATE t SET tags = tags || 9 WHERE id = " + id;
                        });
                    }
                    if (random.nextInt(8) == 0) {
                        statements.add("TRUNCATE t");
                        statements.add("INSERT INTO t SELECT 'eu', i, i, NULL, '{}' FROM generate_series(1, "
                                + random.nextInt(300) + ") i");
                    }
                    if (!statements.isEmpty()) {
                        db.execute(node, statements.toArray(new String[0]));
                    }
                }
                assertSameRows(ace, "seed " + seed + " round " + round);
            }
        }
    }

    /** A bigint key with bulk inserts (leaves split), range deletes (leaves merge), and a truncation. */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {7, 99})
    void integerKeysGiveTheSameRowsAsAFullDiffAcrossSplitsAndMerges(long seed, TestDatabase db) {
        Random random = new Random(seed);
        db.executeOnAll("CREATE TABLE t (id bigint PRIMARY KEY, v text, f double precision)",
                "INSERT INTO t SELECT i * 10, md5(i::text), i / 3.0 FROM generate_series(1, 3000) i");
        try (Ace ace = ace(db, dir)) {
            // small leaves (many differ, many split and merge) and large ones (few differ, each with many rows)
            int leafRows = seed == 7 ? 32 : 600;
            ace.trees().build(TreeRequest.builder("acetest", "public.t").leafRows(leafRows).build());
            for (int round = 0; round < 4; round++) {
                String node = NODES.get(random.nextInt(3));
                int at = random.nextInt(30000);
                switch (round) {
                    case 0 -> db.execute(node, "INSERT INTO t SELECT i, 'bulk', NULL FROM generate_series("
                            + at + ", " + (at + 1500) + ") i ON CONFLICT DO NOTHING");
                    case 1 -> {
                        // merges need leaves small on every node: a delete everywhere, and one on one node
                        db.executeOnAll("DELETE FROM t WHERE id BETWEEN " + at + " AND " + (at + 5000));
                        db.execute(node, "DELETE FROM t WHERE id BETWEEN " + (at + 5000) + " AND " + (at + 6000));
                    }
                    case 2 -> db.execute(node, "UPDATE t SET f = -0.0 WHERE id % 97 = 0",
                            "UPDATE t SET id = -id WHERE id % 101 = 0");
                    default -> db.execute(node, "TRUNCATE t", "INSERT INTO t VALUES (1, NULL, 'NaN')");
                }
                TreeResult updated = ace.trees().update(TreeRequest.builder("acetest", "public.t").build());
                if (round == 0) {
                    assertThat(updated.nodes().get(0).leavesSplit()).as("900 rows into small leaves").isPositive();
                    for (String each : NODES) {
                        // a leaf that took many rows is split into all its parts in one update
                        String oid = db.queryValue(each, "SELECT 'public.t'::regclass::oid");
                        assertThat(Long.parseLong(db.queryValue(each, "SELECT max(rows) FROM ace.leaves_" + oid)))
                                .as("largest leaf on " + each).isLessThanOrEqualTo(2L * leafRows);
                    }
                } else if (round == 1 && leafRows == 32) {
                    assertThat(updated.nodes().get(0).leavesMerged()).as("rows deleted everywhere").isPositive();
                }
                assertSameRows(ace, "seed " + seed + " round " + round);
            }
        }
    }

    /**
     * Single-column keys of the types whose bucket hash takes each path (text and uuid by value,
     * timestamptz and numeric by their text): the buckets the update folds changes into are the
     * ones a rehash computes from the rows, or rows would be missed.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"text", "uuid", "timestamptz", "numeric"})
    void singleKeysOfEveryHashPathGiveTheSameRowsAsAFullDiff(String type, TestDatabase db) {
        String key = switch (type) {
            case "text" -> "'k' || i";
            case "uuid" -> "md5(i::text)::uuid";
            case "timestamptz" -> "timestamptz '2026-01-01 00:00:00+00' + i * interval '1 minute'";
            default -> "i / 8.0";
        };
        db.executeOnAll("CREATE TABLE t (k " + type + " PRIMARY KEY, v int)",
                "INSERT INTO t SELECT " + key + ", i FROM generate_series(1, 1500) i");
        try (Ace ace = ace(db, dir)) {
            ace.trees().build(TreeRequest.builder("acetest", "public.t").leafRows(16).build());
            Random random = new Random(type.hashCode());
            for (int round = 0; round < 2; round++) {
                for (String node : NODES) {
                    int at = 1 + random.nextInt(1400);
                    db.execute(node, "UPDATE t SET v = -v WHERE v BETWEEN " + at + " AND " + (at + random.nextInt(9)),
                            "DELETE FROM t WHERE v = " + (1 + random.nextInt(1500)),
                            "INSERT INTO t SELECT " + key + ", i FROM generate_series(" + (2000 + at) + ", "
                                    + (2000 + at + random.nextInt(40)) + ") i ON CONFLICT DO NOTHING");
                }
                assertSameRows(ace, type + " round " + round);
            }
        }
    }

    private void assertSameRows(Ace ace, String what) {
        DiffResult full = ace.diff().diff(request("public.t").maxDiffRows(0).build());
        DiffResult incremental = ace.diff().diff(request("public.t").maxDiffRows(0).incremental(true).build());
        assertThat(rows(incremental)).as(what).isEqualTo(rows(full));
        assertThat(incremental.diffCounts()).as(what).isEqualTo(full.diffCounts());
        assertThat(incremental.walPositions()).as(what).containsOnlyKeys(NODES);
        assertThat(incremental.rowsChecked()).as(what).isEqualTo(full.rowsChecked());
    }

    /** Every row of the diff file as {@code pair node json-values}, in file order. */
    private static List<String> rows(DiffResult result) {
        List<String> rows = new ArrayList<>();
        DiffFile.open(result.diffFile()).forEachRow((pair, node, row) -> rows.add(pair + " " + node + " "
                + row.values()));
        return rows;
    }

    @Test
    void removingTheTreesLeavesNoObjectBehind(TestDatabase db) {
        db.executeOnAll("CREATE TABLE t (id int PRIMARY KEY, v text)",
                "INSERT INTO t SELECT i, md5(i::text) FROM generate_series(1, 500) i",
                "CREATE TABLE u (id int PRIMARY KEY)");
        String objects = "SELECT (SELECT count(*) FROM pg_namespace WHERE nspname = 'ace') + "
                + "(SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'ace_mtree%') + "
                + "(SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'ace') + "
                + "(SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'ace') + "
                + "(SELECT count(*) FROM pg_type ty JOIN pg_namespace n ON n.oid = ty.typnamespace WHERE n.nspname = 'ace')";
        String before = db.queryValue("n1", objects);
        try (Ace ace = ace(db, dir)) {
            ace.trees().build(TreeRequest.builder("acetest", "public.t").build());
            ace.trees().build(TreeRequest.builder("acetest", "public.u").build());
            assertThat(db.queryValue("n2", "SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'ace_mtree%' "
                    + "AND tgenabled = 'A'")).isEqualTo("4");
            ace.trees().remove(TreeRequest.builder("acetest", "public.t").build());
            assertThat(db.queryValue("n1", "SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'ace_mtree%'"))
                    .isEqualTo("2");
            TreeResult removed = ace.trees().remove(TreeRequest.builder("acetest", "public.u").build());
            assertThat(removed.nodes()).hasSize(3);
        }
        for (String node : NODES) {
            assertThat(db.queryValue(node, objects)).as(node).isEqualTo(before).isEqualTo("0");
        }
    }

    @Test
    void staleOrMissingTreesAreRefused(TestDatabase db) {
        db.executeOnAll("CREATE TABLE t (id int PRIMARY KEY, v text)",
                "INSERT INTO t SELECT i, md5(i::text) FROM generate_series(1, 500) i");
        try (Ace ace = ace(db, dir)) {
            assertThatThrownBy(() -> ace.diff().diff(request("public.t").incremental(true).build()))
                    .isInstanceOfSatisfying(AceException.class, e -> assertThat(e.code())
                            .isEqualTo(ErrorCode.TREE_NOT_CURRENT))
                    .hasMessageContaining("no tree was built there");
            ace.trees().build(TreeRequest.builder("acetest", "public.t").build());
            db.execute("n2", "ALTER TABLE t DISABLE TRIGGER ace_mtree_capture", "UPDATE t SET v = 'x' WHERE id = 3");
            assertThatThrownBy(() -> ace.diff().diff(request("public.t").incremental(true).build()))
                    .isInstanceOfSatisfying(AceException.class, e -> assertThat(e.code())
                            .isEqualTo(ErrorCode.TREE_NOT_CURRENT))
                    .hasMessageContaining("on node n2").hasMessageContaining("not ENABLE ALWAYS");
            ace.trees().build(TreeRequest.builder("acetest", "public.t").build());
            DiffResult result = ace.diff().diff(request("public.t").incremental(true).build());
            assertThat(result.diffCounts()).containsOnlyKeys("n1/n2", "n2/n3");
            // a crash recovery empties the unlogged leaves
            db.execute("n3", "TRUNCATE ace.leaves_" + db.queryValue("n3", "SELECT 'public.t'::regclass::oid"));
            assertThatThrownBy(() -> ace.diff().diff(request("public.t").incremental(true).build()))
                    .isInstanceOfSatisfying(AceException.class, e -> assertThat(e.code())
                            .isEqualTo(ErrorCode.TREE_NOT_CURRENT))
                    .hasMessageContaining("on node n3").hasMessageContaining("its leaves are gone");
            // a tree another version of ACE built (its tables have another layout) is refused, not read
            ace.trees().build(TreeRequest.builder("acetest", "public.t").build());
            db.execute("n1", "UPDATE ace.trees SET shape = replace(shape, ' FORMAT 2', '')");
            assertThatThrownBy(() -> ace.diff().diff(request("public.t").incremental(true).build()))
                    .isInstanceOfSatisfying(AceException.class, e -> assertThat(e.code())
                            .isEqualTo(ErrorCode.TREE_NOT_CURRENT))
                    .hasMessageContaining("on node n1").hasMessageContaining("an older ACE built it");
            ace.trees().remove(TreeRequest.builder("acetest", "public.t").build());
        }
        assertThatThrownBy(() -> request("public.t").incremental(true).tableFilter("id < 10").build())
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("incremental and table_filter cannot be used together");
    }

    @Test
    void changesAppliedByLogicalReplicationAreCapturedOnTheSubscriber(TestDatabase db) {
        db.executeOnAll("CREATE TABLE t (id int PRIMARY KEY, v text)");
        db.execute("n1", "INSERT INTO t SELECT i, md5(i::text) FROM generate_series(1, 1000) i");
        var subscription = db.replication().subscribe("n1", "n2", "t");
        try (Ace ace = ace(db, dir)) {
            ace.trees().build(TreeRequest.builder("acetest", "public.t").nodes("n1,n2").leafRows(64).build());
            db.execute("n1", "UPDATE t SET v = 'replicated' WHERE id % 10 = 0", "DELETE FROM t WHERE id < 50",
                    "INSERT INTO t VALUES (5000, 'new')");
            subscription.awaitCatchUp();
            TreeResult updated = ace.trees().update(TreeRequest.builder("acetest", "public.t").nodes("n1,n2").build());
            assertThat(updated.nodes()).allSatisfy(tree -> assertThat(tree.changesApplied()).isEqualTo(200 + 49 + 1));
            DiffResult match = ace.diff().diff(request("public.t").nodes("n1,n2").incremental(true).build());
            assertThat(match.match()).isTrue();
            db.execute("n1", "UPDATE t SET v = 'again' WHERE id = 500");
            subscription.awaitCatchUp();
            db.execute("n2", "UPDATE t SET v = 'only n2' WHERE id = 700");
            DiffResult found = ace.diff().diff(request("public.t").nodes("n1,n2").maxDiffRows(0).incremental(true)
                    .build());
            assertThat(DiffTesting.keys(found, "n1/n2", "n2")).containsExactly("700");
            ace.trees().remove(TreeRequest.builder("acetest", "public.t").nodes("n1,n2").build());
        } finally {
            subscription.drop();
        }
    }
}
