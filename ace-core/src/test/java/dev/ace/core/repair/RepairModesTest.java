package dev.ace.core.repair;

import dev.ace.core.Ace;
import dev.ace.core.diff.DiffResult;
import dev.ace.core.diff.RerunBehavior;
import dev.ace.testkit.TestDatabase;
import dev.ace.testkit.WithPgCluster;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static dev.ace.core.repair.RepairTesting.ace;
import static dev.ace.core.repair.RepairTesting.allKeys;
import static dev.ace.core.repair.RepairTesting.binaryRows;
import static dev.ace.core.repair.RepairTesting.diff;
import static dev.ace.core.repair.RepairTesting.repair;
import static dev.ace.core.repair.RepairTesting.rerun;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every mode on 2, 3 and 4 nodes: diff, repair, then a rerun (both behaviours) and a full diff
 * find exactly the differences the mode leaves, and every other row is byte-for-byte equal on
 * every node.
 *
 * <p>The divergence: every node but n1 ("target k") lacks row 100+k, has a changed value in row
 * 110+k, a NULL in row 120+k and an extra row 1000+k; n1 has a NULL in row 130.
 */
@WithPgCluster(nodes = 4)
class RepairModesTest {

    @TempDir
    Path dir;

    static Stream<Arguments> modesAndNodeCounts() {
        List<Arguments> cases = new ArrayList<>();
        for (RepairMode mode : RepairMode.values()) {
            for (int nodes = 2; nodes <= 4; nodes++) {
                cases.add(Arguments.of(mode, nodes));
            }
        }
        return cases.stream();
    }

    private static List<String> nodes(int count) {
        return IntStream.rangeClosed(1, count).mapToObj(i -> "n" + i).toList();
    }

    private static void diverge(TestDatabase db, List<String> nodes) {
        db.executeOnAll("CREATE TABLE t (id int PRIMARY KEY, v text, x int)",
                "INSERT INTO t SELECT i, 'v' || i, i FROM generate_series(1, 200) i");
        db.execute("n1", "UPDATE t SET x = NULL WHERE id = 130");
        for (int k = 2; k <= nodes.size(); k++) {
            db.execute("n" + k, "DELETE FROM t WHERE id = " + (100 + k),
                    "UPDATE t SET v = 'changed-" + k + "' WHERE id = " + (110 + k),
                    "UPDATE t SET x = NULL WHERE id = " + (120 + k),
                    "INSERT INTO t VALUES (" + (1000 + k) + ", 'extra-" + k + "', " + k + ")");
        }
    }

    /** The keys a mode leaves differing. */
    private static Set<String> left(RepairMode mode, int count) {
        Set<String> keys = new TreeSet<>();
        for (int k = 2; k <= count; k++) {
            switch (mode) {
                case STANDARD -> { }
                case UPSERT_ONLY -> keys.add(String.valueOf(1000 + k));
                case INSERT_ONLY -> keys.addAll(List.of(String.valueOf(110 + k), String.valueOf(120 + k), "130",
                        String.valueOf(1000 + k)));
                case BIDIRECTIONAL -> keys.addAll(List.of(String.valueOf(110 + k), String.valueOf(120 + k), "130"));
                case FIX_NULLS -> keys.addAll(List.of(String.valueOf(100 + k), String.valueOf(110 + k),
                        String.valueOf(1000 + k)));
                default -> throw new IllegalStateException();
            }
        }
        return keys;
    }

    private static TableRepairRequest.Builder options(TableRepairRequest.Builder builder, RepairMode mode) {
        return switch (mode) {
            case STANDARD -> builder.sourceOfTruth("n1");
            case UPSERT_ONLY -> builder.sourceOfTruth("n1").upsertOnly(true);
            case INSERT_ONLY -> builder.sourceOfTruth("n1").insertOnly(true);
            case BIDIRECTIONAL -> builder.insertOnly(true).bidirectional(true);
            case FIX_NULLS -> builder.fixNulls(true);
        };
    }

    @ParameterizedTest(name = "{0} on {1} nodes")
    @MethodSource("modesAndNodeCounts")
    void eachModeLeavesExactlyWhatItMustAndMakesTheRestByteForByteEqual(RepairMode mode, int count, TestDatabase db) {
        List<String> nodes = nodes(count);
        diverge(db, nodes);
        try (Ace ace = ace(db, dir)) {
            DiffResult before = diff(ace, "public.t", String.join(",", nodes));
            RepairResult result = ace.repair().repair(options(repair("public.t", before), mode).build());
            assertThat(result.mode()).isEqualTo(mode);
            assertThat(result.succeeded()).isTrue();
            assertThat(result.totalSkipped()).isZero();
            for (int k = 2; k <= count; k++) {
                NodeRepairResult target = result.node("n" + k);
                assertThat(target.status()).isEqualTo(NodeRepairResult.Status.REPAIRED);
                String extra = String.valueOf(1000 + k);
                switch (mode) {
                    case STANDARD -> assertThat(List.of(target.deleted(), target.inserted(), target.updated()))
                            .containsExactly(1L, 1L, 3L);
                    case UPSERT_ONLY -> {
                        assertThat(List.of(target.deleted(), target.inserted(), target.updated()))
                                .containsExactly(0L, 1L, 3L);
                        assertThat(target.keptDifferences()).containsExactly(List.of(extra));
                    }
                    case INSERT_ONLY -> {
                        assertThat(List.of(target.deleted(), target.inserted(), target.updated()))
                                .containsExactly(0L, 1L, 0L);
                        // in the diff file's key order
                        assertThat(target.keptDifferences()).containsExactly(List.of(String.valueOf(110 + k)),
                                List.of(String.valueOf(120 + k)), List.of("130"), List.of(extra));
                    }
                    case BIDIRECTIONAL -> assertThat(List.of(target.deleted(), target.inserted(), target.updated()))
                            .containsExactly(0L, (long) count - 1, 0L);
                    case FIX_NULLS -> {
                        assertThat(List.of(target.deleted(), target.inserted(), target.updated()))
                                .containsExactly(0L, 0L, 1L);
                        String nulled = String.valueOf(120 + k);
                        assertThat(target.changes()).singleElement().satisfies(change -> {
                            assertThat(change.key()).containsExactly(nulled);
                            assertThat(change.before().get(2)).isNull();
                            assertThat(change.after().get(2)).isEqualTo(nulled);
                        });
                    }
                    default -> throw new IllegalStateException();
                }
            }
            if (mode == RepairMode.BIDIRECTIONAL || mode == RepairMode.FIX_NULLS) {
                NodeRepairResult first = result.node("n1");
                assertThat(first.inserted()).isEqualTo(mode == RepairMode.BIDIRECTIONAL ? count - 1 : 0);
                assertThat(first.updated()).isEqualTo(mode == RepairMode.FIX_NULLS ? 1 : 0);
            } else {
                assertThat(result.nodes()).extracting(NodeRepairResult::node).doesNotContain("n1");
            }

            Set<String> left = left(mode, count);
            assertThat(allKeys(rerun(ace, "public.t", before, RerunBehavior.MULTIPROCESSING))).isEqualTo(left);
            assertThat(allKeys(rerun(ace, "public.t", before, RerunBehavior.HOSTDB))).isEqualTo(left);
            DiffResult after = diff(ace, "public.t", String.join(",", nodes));
            assertThat(allKeys(after)).isEqualTo(left);
            String others = left.isEmpty() ? "" : " WHERE id NOT IN (" + String.join(", ", left) + ")";
            List<String> reference = binaryRows(db, "n1", "(SELECT * FROM t" + others + ")", "id");
            for (String node : nodes) {
                assertThat(binaryRows(db, node, "(SELECT * FROM t" + others + ")", "id")).as(node).isEqualTo(reference);
            }
            assertThat(ace.activeConnections()).isZero();
        }
    }

    @Test
    void compositeQuotedKeysOnFourNodesFromASourceThatIsNotTheFirstNode(TestDatabase db) {
        db.executeOnAll("CREATE SCHEMA \"Sales\"",
                "CREATE TABLE \"Sales\".\"Order Lines\" (\"Day\" date, line int, \"Region\" text, \"qty \"\"x\"\"\" int, "
                        + "note text, PRIMARY KEY (\"Region\", \"Day\", line))",
                "INSERT INTO \"Sales\".\"Order Lines\" SELECT date '2024-01-01' + (i % 30), i, "
                        + "CASE WHEN i % 2 = 0 THEN 'EU' ELSE 'us, \"west\"' END, i, NULL FROM generate_series(1, 3000) i");
        db.execute("n1", "DELETE FROM \"Sales\".\"Order Lines\" WHERE line IN (10, 11)");
        db.execute("n3", "UPDATE \"Sales\".\"Order Lines\" SET \"qty \"\"x\"\"\" = -1, note = '' WHERE line = 12");
        db.execute("n4", "INSERT INTO \"Sales\".\"Order Lines\" VALUES ('2023-12-31', 0, 'EU', 0, 'only n4')",
                "DELETE FROM \"Sales\".\"Order Lines\" WHERE line = 13");
        String table = "\"Sales\".\"Order Lines\"";
        try (Ace ace = ace(db, dir)) {
            DiffResult before = diff(ace, table, "all");
            RepairResult result = ace.repair().repair(repair(table, before).sourceOfTruth("n2").build());
            assertThat(result.nodes()).extracting(NodeRepairResult::node).containsExactly("n1", "n3", "n4");
            assertThat(result.node("n1").inserted()).isEqualTo(2);
            assertThat(result.node("n3").updated()).isEqualTo(1);
            assertThat(result.node("n4").deleted()).isEqualTo(1);
            assertThat(result.node("n4").inserted()).isEqualTo(1);
            assertThat(result.node("n4").changes()).extracting(RowChange::key).containsExactly(
                    List.of("EU", "2023-12-31", "0"), List.of("us, \"west\"", "2024-01-14", "13"));
            assertThat(allKeys(rerun(ace, table, before, RerunBehavior.HOSTDB))).isEmpty();
            assertThat(allKeys(rerun(ace, table, before, RerunBehavior.MULTIPROCESSING))).isEmpty();
            assertThat(diff(ace, table, "all").match()).isTrue();
            String order = "\"Region\", \"Day\", line";
            List<String> reference = binaryRows(db, "n2", table, order);
            for (String node : List.of("n1", "n3", "n4")) {
                assertThat(binaryRows(db, node, table, order)).as(node).isEqualTo(reference);
            }
        }
    }

    private static final String FILLS_ONLY = "; fix_nulls fills NULLs only in rows every node of the diff file has";

    @Test
    void fixNullsFillsOnlyRowsEveryComparedNodeHas(TestDatabase db) {
        db.executeOnAll("CREATE TABLE f (id int PRIMARY KEY, b int)");
        // 1: on all three; 2: not on n3; 3: on all three, n3 as n1 (so the pair n1/n3 does not list it);
        // 5: NULL on n2, not on n3
        db.execute("n1", "INSERT INTO f VALUES (1, NULL), (2, NULL), (3, NULL), (5, 7)");
        db.execute("n2", "INSERT INTO f VALUES (1, 5), (2, 5), (3, 5), (5, NULL)");
        db.execute("n3", "INSERT INTO f VALUES (1, 5), (3, NULL)");
        try (Ace ace = ace(db, dir)) {
            DiffResult before = diff(ace, "public.f", "n1,n2,n3");
            RepairResult result = ace.repair().repair(repair("public.f", before).fixNulls(true).build());
            assertThat(result.succeeded()).isTrue();
            NodeRepairResult n1 = result.node("n1");
            assertThat(n1.status()).isEqualTo(NodeRepairResult.Status.REPAIRED);
            assertThat(n1.changes()).extracting(RowChange::key, RowChange::after).containsExactly(
                    org.assertj.core.groups.Tuple.tuple(List.of("1"), java.util.Arrays.asList("1", "5")),
                    org.assertj.core.groups.Tuple.tuple(List.of("3"), java.util.Arrays.asList("3", "5")));
            assertThat(n1.conflicts()).containsExactly(new RepairConflict(List.of("2"), "n3 lacks this row" + FILLS_ONLY));
            NodeRepairResult n2 = result.node("n2");
            assertThat(n2.status()).isEqualTo(NodeRepairResult.Status.UNCHANGED);
            assertThat(n2.conflicts()).containsExactly(new RepairConflict(List.of("5"), "n3 lacks this row" + FILLS_ONLY));
            assertThat(result.node("n3").changes()).extracting(RowChange::key).containsExactly(List.of("3"));
            assertThat(result.node("n3").conflicts()).isEmpty();
            assertThat(result.totalSkipped()).isEqualTo(2);

            assertThat(db.queryColumn("n1", "SELECT id || '=' || coalesce(b::text, 'NULL') FROM f ORDER BY id"))
                    .containsExactly("1=5", "2=NULL", "3=5", "5=7");
            assertThat(db.queryColumn("n2", "SELECT id || '=' || coalesce(b::text, 'NULL') FROM f ORDER BY id"))
                    .containsExactly("1=5", "2=5", "3=5", "5=NULL");
            assertThat(db.queryColumn("n3", "SELECT id || '=' || coalesce(b::text, 'NULL') FROM f ORDER BY id"))
                    .containsExactly("1=5", "3=5");
        }
    }

    @Test
    void fixNullsFromATruncatedDiffFileFillsNoRowItCannotTellEveryNodeHas(TestDatabase db) {
        db.executeOnAll("CREATE TABLE f (id int PRIMARY KEY, b int, v text)",
                "INSERT INTO f SELECT i, i, 'v' FROM generate_series(1000, 1199) i");
        db.execute("n1", "INSERT INTO f VALUES (1, NULL, 'v'), (3, NULL, 'v')");
        db.execute("n2", "INSERT INTO f VALUES (1, 5, 'v'), (3, 5, 'v')", "UPDATE f SET v = 'n2' WHERE id >= 1000");
        db.execute("n3", "INSERT INTO f VALUES (1, 5, 'v'), (3, NULL, 'v')");
        try (Ace ace = ace(db, dir)) {
            // the pairs of n2 are cut at 100 rows; n1 and n3 hold row 3 alike, so the pair n1/n3 does not list it,
            // but in a truncated file that no longer shows that n3 has it (nor, for n3, that n1 has it)
            DiffResult truncated = ace.diff().diff(dev.ace.core.diff.TableDiffRequest.builder("acetest", "public.f")
                    .nodes("n1,n2,n3").maxDiffRows(100).build());
            assertThat(truncated.truncated()).isTrue();
            RepairResult result = ace.repair().repair(repair("public.f", truncated).fixNulls(true).build());
            assertThat(result.node("n1").changes()).extracting(RowChange::key).containsExactly(List.of("1"));
            assertThat(result.node("n1").conflicts()).containsExactly(new RepairConflict(List.of("3"),
                    "the diff file is truncated, so it does not say whether n3 has this row" + FILLS_ONLY));
            assertThat(result.node("n3").changes()).isEmpty();
            assertThat(result.node("n3").conflicts()).containsExactly(new RepairConflict(List.of("3"),
                    "the diff file is truncated, so it does not say whether n1 has this row" + FILLS_ONLY));
            assertThat(db.queryValue("n1", "SELECT coalesce(b::text, 'NULL') FROM f WHERE id = 3")).isEqualTo("NULL");
            assertThat(db.queryValue("n3", "SELECT coalesce(b::text, 'NULL') FROM f WHERE id = 3")).isEqualTo("NULL");
        }
    }
}
