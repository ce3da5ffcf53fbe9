package dev.ace.core.repair;

import dev.ace.core.Ace;
import dev.ace.core.diff.DiffFile;
import dev.ace.core.diff.DiffResult;
import dev.ace.core.diff.RerunBehavior;
import dev.ace.testkit.TestDatabase;
import dev.ace.testkit.WithPgCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static dev.ace.core.repair.RepairTesting.binaryRows;
import static dev.ace.core.repair.RepairTesting.diff;
import static dev.ace.core.repair.RepairTesting.repair;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A repair of a diff file of more differences than a part holds is planned and written part by
 * part; in every mode it must end exactly as the same repair of the same file in one part: the
 * same counts per node, the same conflicts and kept rows (as sets: parts list them part by part),
 * and the same rows on every node afterwards. Two tables diverge alike; one is repaired by an
 * {@code Ace} with the default part size, the other by one whose parts hold 40 differences. A
 * rerun in parts finds exactly what the rerun in one part finds.
 */
@WithPgCluster(nodes = 3)
class RepairInPartsTest {

    private static final String PART_ROWS = "ace.repair.partRows";

    @TempDir
    Path dir;

    @AfterEach
    void defaultPartSize() {
        System.clearProperty(PART_ROWS);
    }

    static Stream<Arguments> modes() {
        List<Arguments> modes = new ArrayList<>();
        modes.add(Arguments.of("standard", (UnaryOperator<TableRepairRequest.Builder>) b -> b.sourceOfTruth("n1")));
        modes.add(Arguments.of("atomic", (UnaryOperator<TableRepairRequest.Builder>) b -> b.sourceOfTruth("n1")
                .atomic(true)));
        modes.add(Arguments.of("dry run", (UnaryOperator<TableRepairRequest.Builder>) b -> b.sourceOfTruth("n1")
                .dryRun(true)));
        modes.add(Arguments.of("upsert_only", (UnaryOperator<TableRepairRequest.Builder>) b -> b.sourceOfTruth("n1")
                .upsertOnly(true)));
        modes.add(Arguments.of("insert_only", (UnaryOperator<TableRepairRequest.Builder>) b -> b.sourceOfTruth("n1")
                .insertOnly(true)));
        modes.add(Arguments.of("bidirectional", (UnaryOperator<TableRepairRequest.Builder>) b -> b.insertOnly(true)
                .bidirectional(true)));
        modes.add(Arguments.of("fix_nulls", (UnaryOperator<TableRepairRequest.Builder>) b -> b.fixNulls(true)));
        return modes.stream();
    }

    /** n2 and n3 lack rows, hold changed rows, NULLs and extra rows; some are alike on both, some not. */
    private static void diverge(TestDatabase db, String table) {
        db.executeOnAll("CREATE TABLE " + table + " (id int PRIMARY KEY, v text, x int)",
                "INSERT INTO " + table + " SELECT i, 'v' || i, i FROM generate_series(1, 3000) i");
        db.execute("n1", "UPDATE " + table + " SET x = NULL WHERE id % 97 = 0");
        db.execute("n2", "DELETE FROM " + table + " WHERE id % 31 = 0",
                "UPDATE " + table + " SET v = 'n2 ' || id WHERE id % 29 = 0",
                "UPDATE " + table + " SET x = NULL WHERE id % 37 = 0",
                "INSERT INTO " + table + " SELECT i, 'extra', NULL FROM generate_series(5001, 5080) i");
        db.execute("n3", "DELETE FROM " + table + " WHERE id % 41 = 0",
                "UPDATE " + table + " SET v = 'n3 ' || id WHERE id % 29 = 0 OR id % 43 = 0",
                "UPDATE " + table + " SET x = NULL WHERE id % 47 = 0",
                "INSERT INTO " + table + " SELECT i, 'extra', NULL FROM generate_series(5041, 5120) i");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modes")
    void aRepairInPartsEndsExactlyAsTheSameRepairInOnePart(String mode, UnaryOperator<TableRepairRequest.Builder> options,
                                                          TestDatabase db) throws Exception {
        diverge(db, "whole");
        diverge(db, "parts");
        RepairResult whole;
        try (Ace ace = RepairTesting.ace(db, dir)) {
            whole = ace.repair().repair(options.apply(repair("public.whole", diff(ace, "public.whole", "all")))
                    .build());
        }
        System.setProperty(PART_ROWS, "40");
        RepairResult parts;
        try (Ace ace = RepairTesting.ace(db, dir)) {
            DiffResult before = diff(ace, "public.parts", "all");
            assertThat(before.totalDiffs()).isGreaterThan(10 * 40);
            parts = ace.repair().repair(options.apply(repair("public.parts", before)).build());
            assertThat(ace.activeConnections()).isZero();
        }
        assertThat(parts.succeeded()).isEqualTo(whole.succeeded()).isTrue();
        assertThat(parts.warnings()).isEqualTo(whole.warnings());
        assertThat(parts.nodes()).extracting(NodeRepairResult::node).isEqualTo(whole.nodes().stream()
                .map(NodeRepairResult::node).toList());
        for (NodeRepairResult expected : whole.nodes()) {
            NodeRepairResult actual = parts.node(expected.node());
            assertThat(List.of(actual.status(), actual.deleted(), actual.inserted(), actual.updated(), actual.skipped()))
                    .as(expected.node()).isEqualTo(List.of(expected.status(), expected.deleted(), expected.inserted(),
                            expected.updated(), expected.skipped()));
            assertThat(actual.changes()).as(expected.node()).containsExactlyInAnyOrderElementsOf(expected.changes());
            assertThat(actual.conflicts()).as(expected.node()).containsExactlyInAnyOrderElementsOf(expected.conflicts());
            assertThat(actual.keptDifferences()).as(expected.node())
                    .containsExactlyInAnyOrderElementsOf(expected.keptDifferences());
        }
        assertThat(whole.totalDeleted() + whole.totalInserted() + whole.totalUpdated()).isPositive();
        for (String node : List.of("n1", "n2", "n3")) {
            assertThat(binaryRows(db, node, "parts", "id")).as(node).isEqualTo(binaryRows(db, node, "whole", "id"));
        }
        assertNoPartFilesLeft();
    }

    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.EnumSource(RerunBehavior.class)
    void aRerunInPartsFindsExactlyWhatTheRerunInOnePartFinds(RerunBehavior behavior, TestDatabase db) throws Exception {
        diverge(db, "t");
        DiffResult whole;
        DiffResult before;
        try (Ace ace = RepairTesting.ace(db, dir)) {
            before = diff(ace, "public.t", "all");
            whole = RepairTesting.rerun(ace, "public.t", before, behavior);
        }
        System.setProperty(PART_ROWS, "40");
        DiffResult parts;
        try (Ace ace = RepairTesting.ace(db, dir)) {
            parts = RepairTesting.rerun(ace, "public.t", before, behavior);
            assertThat(ace.activeConnections()).isZero();
        }
        assertThat(whole.totalDiffs()).isGreaterThan(10 * 40);
        assertThat(parts.diffCounts()).isEqualTo(whole.diffCounts()).isEqualTo(before.diffCounts());
        assertThat(rows(parts)).hasSize((int) rows(whole).size()).containsExactlyInAnyOrderElementsOf(rows(whole));
        assertNoPartFilesLeft();
    }

    /** Every row of a diff file as "pair node values". */
    private static List<String> rows(DiffResult result) {
        List<String> rows = new ArrayList<>();
        DiffFile.open(result.diffFile()).forEachRow((pair, node, row) -> rows.add(pair + " " + node + " " + row));
        return rows;
    }

    @Test
    void aFileDamagedInALaterPartIsRefusedUnderItsOwnNameAndChangesNothing(TestDatabase db) throws Exception {
        diverge(db, "t");
        System.setProperty(PART_ROWS, "40");
        try (Ace ace = RepairTesting.ace(db, dir)) {
            DiffResult before = diff(ace, "public.t", "n1,n2");
            Path damaged = dir.resolve("damaged.json");
            String text = Files.readString(before.diffFile());
            // the last row listed for n2 names a column the table lacks
            int last = text.lastIndexOf("{\"id\"");
            Files.writeString(damaged, text.substring(0, last) + "{\"nope\":1," + text.substring(last + 1));
            List<String> n2 = binaryRows(db, "n2", "t", "id");
            assertThatThrownBy(() -> ace.repair().repair(TableRepairRequest.builder("acetest", "public.t")
                    .diffFile(damaged).sourceOfTruth("n1").build()))
                    .hasMessageStartingWith("diff_file " + damaged + " is not a usable ACE diff file: a row of "
                            + "diffs.n1/n2.n2 has column nope, which the table does not");
            assertThat(binaryRows(db, "n2", "t", "id")).isEqualTo(n2);
            assertThat(ace.activeConnections()).isZero();
        }
        assertNoPartFilesLeft();
    }

    private void assertNoPartFilesLeft() throws Exception {
        try (Stream<Path> paths = Files.walk(dir)) {
            assertThat(paths.map(path -> dir.relativize(path).toString()).filter(name -> name.contains(".ace-repair-"))
                    .sorted(Comparator.naturalOrder()).toList()).isEmpty();
        }
    }
}
