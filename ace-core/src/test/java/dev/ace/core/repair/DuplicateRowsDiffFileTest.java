package dev.ace.core.repair;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ace.core.Ace;
import dev.ace.core.diff.DiffResult;
import dev.ace.core.diff.RerunBehavior;
import dev.ace.core.diff.TableRerunRequest;
import dev.ace.core.error.InvalidRequestException;
import dev.ace.testkit.TestDatabase;
import dev.ace.testkit.WithPgCluster;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import static dev.ace.core.repair.RepairTesting.ace;
import static dev.ace.core.repair.RepairTesting.binaryRows;
import static dev.ace.core.repair.RepairTesting.diff;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A diff file that lists the same key twice for one node of a pair is malformed: a node holds one
 * row per key. Repair (every mode, live or dry) and rerun refuse it naming the key, the node and
 * the pair, and no node's rows change.
 */
@WithPgCluster(nodes = 3)
class DuplicateRowsDiffFileTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final List<String> NODES = List.of("n1", "n2", "n3");

    @TempDir
    Path dir;

    private static void seed(TestDatabase db) {
        db.executeOnAll("CREATE TABLE t (id int PRIMARY KEY, v text, x int)",
                "INSERT INTO t SELECT i, 'v' || i, i FROM generate_series(1, 50) i");
        db.execute("n1", "UPDATE t SET x = NULL WHERE id = 9");
        db.execute("n2", "DELETE FROM t WHERE id = 1", "UPDATE t SET v = 'n2' WHERE id = 2",
                "UPDATE t SET x = NULL WHERE id = 3", "INSERT INTO t VALUES (101, 'n2', 101)");
        db.execute("n3", "UPDATE t SET v = 'n3' WHERE id = 4", "INSERT INTO t VALUES (102, 'n3', 102)");
    }

    /** A copy of the diff file in which node {@code node}'s list of {@code pair} has the row of key {@code id} twice. */
    private Path withRowTwice(DiffResult diff, String pair, String node, int id) throws IOException {
        ObjectNode file = (ObjectNode) MAPPER.readTree(diff.diffFile().toFile());
        ArrayNode rows = (ArrayNode) file.get("diffs").get(pair).get(node);
        for (int i = 0; i < rows.size(); i++) {
            if (rows.get(i).get("id").asInt() == id) {
                rows.insert(i + 1, rows.get(i).deepCopy());
                Path crafted = dir.resolve("twice.json");
                MAPPER.writeValue(crafted.toFile(), file);
                return crafted;
            }
        }
        throw new IllegalStateException("diffs." + pair + "." + node + " has no row " + id);
    }

    private static Map<String, List<String>> everyNodesRows(TestDatabase db, String table) {
        return Map.of("n1", binaryRows(db, "n1", table, "id"), "n2", binaryRows(db, "n2", table, "id"),
                "n3", binaryRows(db, "n3", table, "id"));
    }

    private static String refusal(Path file, String pair, String node, String key) {
        return "diff_file " + file + " is not a usable ACE diff file: diffs." + pair + "." + node + " lists the key "
                + key + " more than once";
    }

    static Stream<Arguments> repairs() {
        return Stream.of(
                Arguments.of("standard", (UnaryOperator<TableRepairRequest.Builder>) b -> b.sourceOfTruth("n1")),
                Arguments.of("standard, dry run",
                        (UnaryOperator<TableRepairRequest.Builder>) b -> b.sourceOfTruth("n1").dryRun(true)),
                Arguments.of("upsert_only",
                        (UnaryOperator<TableRepairRequest.Builder>) b -> b.sourceOfTruth("n1").upsertOnly(true)),
                Arguments.of("insert_only",
                        (UnaryOperator<TableRepairRequest.Builder>) b -> b.sourceOfTruth("n1").insertOnly(true)),
                Arguments.of("bidirectional",
                        (UnaryOperator<TableRepairRequest.Builder>) b -> b.insertOnly(true).bidirectional(true)),
                Arguments.of("bidirectional, dry run", (UnaryOperator<TableRepairRequest.Builder>) b -> b
                        .insertOnly(true).bidirectional(true).dryRun(true)),
                Arguments.of("fix_nulls", (UnaryOperator<TableRepairRequest.Builder>) b -> b.fixNulls(true)),
                Arguments.of("fix_nulls, dry run",
                        (UnaryOperator<TableRepairRequest.Builder>) b -> b.fixNulls(true).dryRun(true)),
                Arguments.of("standard, atomic",
                        (UnaryOperator<TableRepairRequest.Builder>) b -> b.sourceOfTruth("n1").atomic(true)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("repairs")
    void repairRefusesAFileListingAKeyTwiceForOneNodeAndChangesNothing(
            String name, UnaryOperator<TableRepairRequest.Builder> options, TestDatabase db) throws IOException {
        seed(db);
        try (Ace ace = ace(db, dir)) {
            DiffResult diff = diff(ace, "public.t", "all");
            // n2's row 2 after n1's: a standard repair from n1 would update it, then delete it as a row n1 lacks
            Path twice = withRowTwice(diff, "n1/n2", "n2", 2);
            Map<String, List<String>> before = everyNodesRows(db, "t");
            assertThatThrownBy(() -> ace.repair().repair(options.apply(TableRepairRequest.builder("acetest", "public.t")
                    .diffFile(twice)).build()))
                    .isInstanceOf(InvalidRequestException.class)
                    .hasMessage(refusal(twice, "n1/n2", "n2", "[2]"));
            assertThat(everyNodesRows(db, "t")).isEqualTo(before);
            assertThat(ace.activeConnections()).isZero();
            // the file as table-diff wrote it is repaired
            assertThat(ace.repair().repair(options.apply(RepairTesting.repair("public.t", diff)).build()).succeeded())
                    .isTrue();
        }
    }

    @ParameterizedTest(name = "{0}''s list of {1}, repaired from {3}")
    @CsvSource({"n1, n1/n2, 2, n1", "n1, n1/n2, 2, n2", "n3, n2/n3, 102, n1"})
    void whereverTheKeyIsListedTwiceAStandardRepairRefusesTheFile(String node, String pair, int id, String source,
                                                                 TestDatabase db) throws IOException {
        seed(db);
        try (Ace ace = ace(db, dir)) {
            DiffResult diff = diff(ace, "public.t", "all");
            // the source's own list; the target's list before the source's; a pair the repair does not read
            Path twice = withRowTwice(diff, pair, node, id);
            Map<String, List<String>> before = everyNodesRows(db, "t");
            assertThatThrownBy(() -> ace.repair().repair(TableRepairRequest.builder("acetest", "public.t")
                    .diffFile(twice).sourceOfTruth(source).build()))
                    .isInstanceOf(InvalidRequestException.class)
                    .hasMessage(refusal(twice, pair, node, "[" + id + "]"));
            assertThat(everyNodesRows(db, "t")).isEqualTo(before);
        }
    }

    @ParameterizedTest
    @EnumSource(RerunBehavior.class)
    void rerunRefusesAFileListingAKeyTwiceForOneNode(RerunBehavior behavior, TestDatabase db) throws IOException {
        seed(db);
        try (Ace ace = ace(db, dir)) {
            DiffResult diff = diff(ace, "public.t", "all");
            Path twice = withRowTwice(diff, "n2/n3", "n3", 102);
            assertThatThrownBy(() -> ace.rerun().rerun(TableRerunRequest.builder("acetest", "public.t")
                    .diffFile(twice).behavior(behavior).build()))
                    .isInstanceOf(InvalidRequestException.class)
                    .hasMessage(refusal(twice, "n2/n3", "n3", "[102]"));
            assertThat(ace.activeConnections()).isZero();
        }
    }

    @Test
    void aKeyListedTwiceAfterThousandsOfDeletesWereWrittenRollsEveryTargetBack(TestDatabase db) throws IOException {
        // n2's 30,000 extra rows come after n1's list, so a repair from n1 deletes them batch by batch
        // while it reads the file; the last of them is listed twice
        db.executeOnAll("CREATE TABLE big (id int PRIMARY KEY, v text)");
        db.execute("n1", "INSERT INTO big VALUES (0, 'n1')");
        db.execute("n2", "INSERT INTO big SELECT i, 'n2' FROM generate_series(1, 30000) i");
        try (Ace ace = ace(db, dir)) {
            DiffResult diff = diff(ace, "public.big", "all");
            Path twice = withRowTwice(diff, "n1/n2", "n2", 30000);
            Map<String, List<String>> before = everyNodesRows(db, "big");
            assertThatThrownBy(() -> ace.repair().repair(TableRepairRequest.builder("acetest", "public.big")
                    .diffFile(twice).sourceOfTruth("n1").build()))
                    .isInstanceOf(InvalidRequestException.class)
                    .hasMessage(refusal(twice, "n1/n2", "n2", "[30000]"));
            assertThat(everyNodesRows(db, "big")).isEqualTo(before);
            assertThat(db.queryValue("n2", "SELECT count(*) FROM big")).isEqualTo("30000");
        }
    }

    @Test
    void aCompositeKeyIsNamedColumnByColumn(TestDatabase db) throws IOException {
        db.executeOnAll("CREATE TABLE c (region text, id int, v text, PRIMARY KEY (region, id))",
                "INSERT INTO c VALUES ('eu, west', 1, 'a'), ('us', 2, 'b')");
        db.execute("n3", "UPDATE c SET v = 'n3' WHERE id = 1");
        try (Ace ace = ace(db, dir)) {
            DiffResult diff = diff(ace, "public.c", "all");
            Path twice = withRowTwice(diff, "n1/n3", "n1", 1);
            assertThatThrownBy(() -> ace.repair().repair(TableRepairRequest.builder("acetest", "public.c")
                    .diffFile(twice).sourceOfTruth("n1").build()))
                    .hasMessage(refusal(twice, "n1/n3", "n1", "[eu, west, 1]"));
            assertThat(db.queryValue("n3", "SELECT v FROM c WHERE id = 1")).isEqualTo("n3");
        }
    }
}
