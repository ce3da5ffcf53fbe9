package dev.ace.core.repair;

import dev.ace.core.Ace;
import dev.ace.core.diff.DiffResult;
import dev.ace.core.diff.RerunBehavior;
import dev.ace.testkit.TestDatabase;
import dev.ace.testkit.WithPgCluster;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
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
import static dev.ace.core.repair.RepairTesting.textRows;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The column-type matrix of table-diff, repaired in both directions: every value is written (an
 * insert and an update) and compared (an update and a delete check it is still there), and
 * afterwards a rerun and a full diff find nothing and both nodes hold byte-for-byte the same rows.
 */
@WithPgCluster(nodes = 2)
class RepairColumnTypesTest {

    @TempDir
    Path dir;

    /** The type matrix of table-diff, each case repaired from n1 and from n2. */
    static Stream<Arguments> types() {
        List<Arguments> types = dev.ace.core.diff.ColumnTypesDiffTest.types().toList();
        List<Arguments> cases = new ArrayList<>();
        for (Arguments type : types) {
            for (String source : List.of("n1", "n2")) {
                Object[] values = type.get();
                cases.add(Arguments.of(values[0], values[1], values[2], values[3], source));
            }
        }
        return cases.stream();
    }

    /**
     * The type matrix, plus domains (compared by their record text), each through the staged
     * statements and, atomic, through the bound arrays.
     */
    static Stream<Arguments> changedSinceTheDiff() {
        List<Arguments> types = new ArrayList<>(dev.ace.core.diff.ColumnTypesDiffTest.types().toList());
        types.add(Arguments.of("amount", "'1'", "1.0", "1.00"));
        types.add(Arguments.of("flag", "true", "true", "false"));
        List<Arguments> cases = new ArrayList<>();
        for (Arguments type : types) {
            for (boolean atomic : List.of(false, true)) {
                Object[] values = type.get();
                cases.add(Arguments.of(values[0], values[1], values[2], values[3], atomic));
            }
        }
        return cases.stream();
    }

    /**
     * The compare-and-set check is exact for every type: a target row that changed since the diff,
     * even to a value its type calls equal but that prints differently (1.0 and 1.00, -0 and 0,
     * '1 day' and '24 hours', ...), is neither updated nor deleted but reported as a conflict.
     */
    @ParameterizedTest(name = "{0}: {3} became {2}, atomic {4}")
    @MethodSource("changedSinceTheDiff")
    void aTargetValueChangedSinceTheDiffIsAConflictEvenWhenItsTypeCallsItEqual(String type, String same, String onN1,
                                                                               String onN2, boolean atomic,
                                                                               TestDatabase db) {
        db.executeOnAll("CREATE TYPE mood AS ENUM ('sad', 'happy')", "CREATE DOMAIN amount AS numeric",
                "CREATE DOMAIN flag AS boolean", "CREATE TABLE t (id int PRIMARY KEY, c " + type + ", other text)",
                "INSERT INTO t VALUES (1, " + same + ", 'x')");
        db.execute("n1", "INSERT INTO t VALUES (2, " + onN1 + ", 'x'), (4, " + onN1 + ", 'only n1')");
        db.execute("n2", "INSERT INTO t VALUES (2, " + onN2 + ", 'x'), (5, " + onN2 + ", 'only n2')");
        try (Ace ace = ace(db, dir)) {
            DiffResult before = diff(ace, "public.t", "all");
            db.execute("n2", "UPDATE t SET c = " + onN1 + " WHERE id IN (2, 5)");
            List<String> changed = textRows(db, "n2", "t", "id");
            RepairResult result = ace.repair().repair(repair("public.t", before).sourceOfTruth("n1").atomic(atomic)
                    .build());
            NodeRepairResult n2 = result.node("n2");
            assertThat(n2.status()).isEqualTo(NodeRepairResult.Status.REPAIRED);
            assertThat(List.of(n2.deleted(), n2.inserted(), n2.updated())).containsExactly(0L, 1L, 0L);
            assertThat(n2.conflicts()).containsExactlyInAnyOrder(
                    new RepairConflict(List.of("2"), "changed on n2 since the diff"),
                    new RepairConflict(List.of("5"), "changed on n2 since the diff"));
            List<String> expected = new ArrayList<>(changed);
            expected.add(2, textRows(db, "n1", "t", "id").get(2));
            assertThat(textRows(db, "n2", "t", "id")).isEqualTo(expected);
        }
    }

    @ParameterizedTest(name = "{0}: {2} vs {3}, source {4}")
    @MethodSource("types")
    void everyValueIsWrittenBackExactly(String type, String same, String onN1, String onN2, String source,
                                        TestDatabase db) {
        db.executeOnAll("CREATE TYPE mood AS ENUM ('sad', 'happy')",
                "CREATE TABLE t (id int PRIMARY KEY, c " + type + ", other text)",
                "INSERT INTO t VALUES (1, " + same + ", 'x'), (3, NULL, 'x')");
        db.execute("n1", "INSERT INTO t VALUES (2, " + onN1 + ", 'x'), (4, " + onN1 + ", 'only n1')");
        db.execute("n2", "INSERT INTO t VALUES (2, " + onN2 + ", 'x'), (5, " + onN2 + ", 'only n2')");
        String target = source.equals("n1") ? "n2" : "n1";
        try (Ace ace = ace(db, dir)) {
            DiffResult before = diff(ace, "public.t", "all");
            assertThat(allKeys(before)).containsExactly("2", "4", "5");
            RepairResult result = ace.repair().repair(repair("public.t", before).sourceOfTruth(source).build());
            NodeRepairResult repaired = result.node(target);
            assertThat(repaired.status()).isEqualTo(NodeRepairResult.Status.REPAIRED);
            assertThat(List.of(repaired.deleted(), repaired.inserted(), repaired.updated())).containsExactly(1L, 1L, 1L);
            assertThat(repaired.conflicts()).isEmpty();
            assertThat(allKeys(rerun(ace, "public.t", before, RerunBehavior.MULTIPROCESSING))).isEmpty();
            assertThat(allKeys(rerun(ace, "public.t", before, RerunBehavior.HOSTDB))).isEmpty();
            assertThat(diff(ace, "public.t", "all").match()).isTrue();
            assertThat(binaryRows(db, target, "t", "id")).isEqualTo(binaryRows(db, source, "t", "id"));
            assertThat(textRows(db, target, "t", "id")).isEqualTo(textRows(db, source, "t", "id"));
        }
    }
}
