package dev.ace.core.repair;

import dev.ace.core.Ace;
import dev.ace.core.diff.DiffResult;
import dev.ace.core.diff.RerunBehavior;
import dev.ace.core.diff.TableRerunRequest;
import dev.ace.core.error.AceException;
import dev.ace.core.error.InvalidRequestException;
import dev.ace.core.error.SchemaMismatchException;
import dev.ace.core.option.Operation;
import dev.ace.core.option.Options;
import dev.ace.testkit.TestDatabase;
import dev.ace.testkit.WithPgCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static dev.ace.core.repair.RepairTesting.ace;
import static dev.ace.core.repair.RepairTesting.allKeys;
import static dev.ace.core.repair.RepairTesting.binaryRows;
import static dev.ace.core.repair.RepairTesting.diff;
import static dev.ace.core.repair.RepairTesting.repair;
import static dev.ace.core.repair.RepairTesting.rerun;
import static dev.ace.core.repair.RepairTesting.textRows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@WithPgCluster(nodes = 3)
class RepairSafetyTest {

    @TempDir
    Path dir;

    private static void seed(TestDatabase db) {
        db.executeOnAll("CREATE TABLE t (id int PRIMARY KEY, v text)",
                "INSERT INTO t SELECT i, 'v' || i FROM generate_series(1, 50) i");
        db.execute("n2", "DELETE FROM t WHERE id IN (1, 2, 3)", "UPDATE t SET v = 'n2' WHERE id IN (4, 5, 6, 7)",
                "INSERT INTO t VALUES (101, 'n2'), (102, 'n2'), (103, 'n2')");
        db.execute("n3", "UPDATE t SET v = 'n3' WHERE id = 8");
    }

    @Test
    void rowsThatChangedOnEitherSideSinceTheDiffAreSkippedAsConflictsNeverOverwritten(TestDatabase db) {
        seed(db);
        try (Ace ace = ace(db, dir)) {
            DiffResult stale = diff(ace, "public.t", "all");
            db.execute("n2", "UPDATE t SET v = 'n2 later' WHERE id = 4", "INSERT INTO t VALUES (1, 'n2 new')",
                    "DELETE FROM t WHERE id IN (101, 6)");
            db.execute("n1", "UPDATE t SET v = 'n1 later' WHERE id = 5", "INSERT INTO t VALUES (102, 'n1 new')",
                    "DELETE FROM t WHERE id = 2");
            RepairResult result = ace.repair().repair(repair("public.t", stale).sourceOfTruth("n1").build());

            NodeRepairResult n2 = result.node("n2");
            assertThat(n2.status()).isEqualTo(NodeRepairResult.Status.REPAIRED);
            assertThat(List.of(n2.deleted(), n2.inserted(), n2.updated())).containsExactly(1L, 1L, 1L);
            assertThat(n2.changes()).extracting(RowChange::kind, RowChange::key).containsExactly(
                    org.assertj.core.groups.Tuple.tuple(RowChange.Kind.DELETE, List.of("103")),
                    org.assertj.core.groups.Tuple.tuple(RowChange.Kind.INSERT, List.of("3")),
                    org.assertj.core.groups.Tuple.tuple(RowChange.Kind.UPDATE, List.of("7")));
            assertThat(n2.conflicts()).containsExactly(
                    new RepairConflict(List.of("101"), "deleted on n2 since the diff"),
                    new RepairConflict(List.of("102"), "inserted on n1 since the diff"),
                    new RepairConflict(List.of("1"), "inserted on n2 since the diff"),
                    new RepairConflict(List.of("2"), "deleted on n1 since the diff"),
                    new RepairConflict(List.of("4"), "changed on n2 since the diff"),
                    new RepairConflict(List.of("5"), "changed on n1 since the diff"),
                    new RepairConflict(List.of("6"), "deleted on n2 since the diff"));
            assertThat(result.node("n3").updated()).isEqualTo(1);
            assertThat(result.totalSkipped()).isEqualTo(7);
            assertThat(result.describe()).contains("n2: repaired, 1 deleted, 1 inserted, 1 updated, 7 skipped as conflicts")
                    .contains(RepairConflict.HINT);

            assertThat(db.queryColumn("n2", "SELECT id || '=' || v FROM t WHERE id IN (1, 2, 3, 4, 5, 6, 7, 101, 102, 103) "
                    + "ORDER BY id")).containsExactly("1=n2 new", "3=v3", "4=n2 later", "5=n2", "7=v7", "102=n2");
            assertThat(db.queryValue("n3", "SELECT v FROM t WHERE id = 8")).isEqualTo("v8");
            // what is left is exactly what changed since the diff (101 is now gone everywhere); a fresh diff
            // and repair settle it
            assertThat(allKeys(rerun(ace, "public.t", stale, RerunBehavior.HOSTDB)))
                    .containsExactly("1", "102", "2", "4", "5", "6");
            DiffResult fresh = diff(ace, "public.t", "all");
            RepairResult settled = ace.repair().repair(repair("public.t", fresh).sourceOfTruth("n1").build());
            assertThat(settled.totalSkipped()).isZero();
            assertThat(diff(ace, "public.t", "all").match()).isTrue();
        }
    }

    @Test
    void aDryRunChangesNothingAndReportsExactlyWhatTheLiveRunThenDoes(TestDatabase db) {
        seed(db);
        try (Ace ace = ace(db, dir)) {
            DiffResult before = diff(ace, "public.t", "all");
            db.execute("n2", "UPDATE t SET v = 'n2 later' WHERE id = 4");
            List<String> n2Before = binaryRows(db, "n2", "t", "id");
            List<String> n3Before = binaryRows(db, "n3", "t", "id");
            RepairResult dry = ace.repair().repair(repair("public.t", before).sourceOfTruth("n1").dryRun(true)
                    .generateReport(true).taskId("same").build());
            assertThat(binaryRows(db, "n2", "t", "id")).isEqualTo(n2Before);
            assertThat(binaryRows(db, "n3", "t", "id")).isEqualTo(n3Before);
            assertThat(dry.dryRun()).isTrue();
            assertThat(dry.nodes()).extracting(NodeRepairResult::status)
                    .containsOnly(NodeRepairResult.Status.DRY_RUN);
            assertThat(dry.describe()).startsWith("DRY RUN: public.t");

            RepairResult live = ace.repair().repair(repair("public.t", before).sourceOfTruth("n1")
                    .generateReport(true).taskId("same").build());
            // the same task id twice: the second report takes the next free name, the first stays whole
            assertThat(dry.report().getFileName().toString()).isEqualTo("public_t_repair-same.json");
            assertThat(live.report().getFileName().toString()).isEqualTo("public_t_repair-same-2.json");
            assertThat(dry.report()).content().contains("\"dry_run\" : true");
            assertThat(live.report()).content().contains("\"dry_run\" : false");
            for (String node : List.of("n2", "n3")) {
                NodeRepairResult wouldDo = dry.node(node);
                NodeRepairResult did = live.node(node);
                assertThat(List.of(wouldDo.deleted(), wouldDo.inserted(), wouldDo.updated()))
                        .isEqualTo(List.of(did.deleted(), did.inserted(), did.updated()));
                assertThat(wouldDo.changes()).isEqualTo(did.changes());
                assertThat(wouldDo.conflicts()).isEqualTo(did.conflicts());
            }
            assertThat(dry.node("n2").conflicts()).containsExactly(
                    new RepairConflict(List.of("4"), "changed on n2 since the diff"));
            assertThat(dry.report()).exists();
        }
    }

    @Test
    void everyOptionRuleHasItsOwnErrorAndAllAreListedAtOnce(TestDatabase db) {
        seed(db);
        try (Ace ace = ace(db, dir)) {
            DiffResult result = diff(ace, "public.t", "all");
            // built inside the assertions: a request with conflicting modes is refused when it is built
            Map<TableRepairRequest.Builder, List<String>> rules = Map.of(
                    repair("public.t", result).insertOnly(true).upsertOnly(true).sourceOfTruth("n1"),
                    List.of("upsert_only and insert_only cannot be used together"),
                    repair("public.t", result).bidirectional(true),
                    List.of("bidirectional requires insert_only"),
                    // bidirectional needs insert_only, which upsert_only excludes: both rules speak
                    repair("public.t", result).bidirectional(true).insertOnly(true).upsertOnly(true),
                    List.of("bidirectional and upsert_only cannot be used together",
                            "upsert_only and insert_only cannot be used together"),
                    repair("public.t", result).bidirectional(true).insertOnly(true).fixNulls(true),
                    List.of("bidirectional and fix_nulls cannot be used together",
                            "fix_nulls and insert_only cannot be used together"),
                    repair("public.t", result).fixNulls(true).insertOnly(true),
                    List.of("fix_nulls and insert_only cannot be used together"),
                    repair("public.t", result).fixNulls(true).upsertOnly(true),
                    List.of("fix_nulls and upsert_only cannot be used together"),
                    repair("public.t", result),
                    List.of("source_of_truth is required unless fix_nulls or bidirectional is set"),
                    repair("public.t", result).sourceOfTruth("n9"),
                    List.of("source_of_truth n9 is not one of the diff file's nodes (n1, n2, n3)"));
            rules.forEach((request, problems) -> assertThatThrownBy(() -> ace.repair().repair(request.build()))
                    .isInstanceOf(InvalidRequestException.class)
                    .satisfies(e -> assertThat(((AceException) e).problems()).isEqualTo(problems)));

            assertThatThrownBy(() -> ace.repair().repair(TableRepairRequest.builder(" ", "users").bidirectional(true)
                    .insertOnly(true).upsertOnly(true).fixNulls(true).lockTimeout(Duration.ofSeconds(-1)).build()))
                    .isInstanceOf(InvalidRequestException.class)
                    .satisfies(e -> assertThat(((AceException) e).problems()).containsExactly(
                            "cluster_name is required",
                            "table_name must be schema.table (quote parts that hold a dot: \"my.schema\".\"my table\"), "
                                    + "was 'users': the schema is missing",
                            "diff_file is required",
                            "lock_timeout must be 0 or more, was PT-1S",
                            "bidirectional and upsert_only cannot be used together",
                            "bidirectional and fix_nulls cannot be used together",
                            "fix_nulls and insert_only cannot be used together",
                            "fix_nulls and upsert_only cannot be used together",
                            "upsert_only and insert_only cannot be used together"))
                    .hasMessageStartingWith("the table-repair request has 9 problems:\n- cluster_name is required\n");
            assertThat(diff(ace, "public.t", "all").diffCounts()).isEqualTo(result.diffCounts());
        }
    }

    @Test
    void theDiffFileMustBelongToThisTableClusterAndDatabase(TestDatabase db) {
        seed(db);
        db.executeOnAll("CREATE TABLE other (id int PRIMARY KEY)");
        try (Ace ace = ace(db, dir)) {
            DiffResult result = diff(ace, "public.t", "all");
            Path file = result.diffFile();
            assertThatThrownBy(() -> ace.repair().repair(TableRepairRequest.builder("elsewhere", "public.other")
                    .diffFile(file).dbname("nope").sourceOfTruth("n7").build()))
                    .isInstanceOf(InvalidRequestException.class)
                    .satisfies(e -> assertThat(((AceException) e).problems()).containsExactly(
                            "diff_file " + file + " is a diff of table public.t, not of public.other",
                            "diff_file " + file + " belongs to cluster acetest, not to elsewhere",
                            "diff_file " + file + " was taken on database " + db.name() + ", not on nope",
                            "source_of_truth n7 is not one of the diff file's nodes (n1, n2, n3)"));
            assertThatThrownBy(() -> ace.repair().repair(TableRepairRequest.builder("acetest", "public.t")
                    .diffFile(dir.resolve("gone.json")).sourceOfTruth("n1").build()))
                    .isInstanceOf(InvalidRequestException.class)
                    .hasMessage("diff_file " + dir.resolve("gone.json") + " does not exist");
            assertThatThrownBy(() -> TableRerunRequest.from(Options.parse(Operation.TABLE_RERUN, Map.of(
                    "cluster_name", "acetest", "table_name", "public.other", "diff_file", file.toString(),
                    "behavior", "threads"))))
                    .isInstanceOf(InvalidRequestException.class)
                    .hasMessage("behavior must be multiprocessing or hostdb, was \"threads\"");
            assertThatThrownBy(() -> ace.rerun().rerun(TableRerunRequest.builder("acetest", "public.other")
                    .diffFile(file).build()))
                    .isInstanceOf(InvalidRequestException.class)
                    .hasMessage("diff_file " + file + " is a diff of table public.t, not of public.other");
        }
    }

    @Test
    void aTableThatChangedShapeSinceTheDiffIsNotRepaired(TestDatabase db) {
        seed(db);
        try (Ace ace = ace(db, dir)) {
            DiffResult result = diff(ace, "public.t", "all");
            db.executeOnAll("ALTER TABLE t ADD COLUMN w int");
            List<String> n2 = textRows(db, "n2", "t", "id");
            assertThatThrownBy(() -> ace.repair().repair(repair("public.t", result).sourceOfTruth("n1").build()))
                    .isInstanceOf(SchemaMismatchException.class)
                    .hasMessage("table public.t changed since the diff: its columns are now (id integer, v text, "
                            + "w integer) but the diff file has (id integer, v text); run table-diff again");
            assertThatThrownBy(() -> rerun(ace, "public.t", result, RerunBehavior.HOSTDB))
                    .isInstanceOf(SchemaMismatchException.class);
            assertThat(textRows(db, "n2", "t", "id")).isEqualTo(n2);
        }
    }

    @Test
    void aDiffFileWithNoDifferencesRepairsNothing(TestDatabase db) {
        db.executeOnAll("CREATE TABLE t (id int PRIMARY KEY, v text)", "INSERT INTO t VALUES (1, 'a')");
        try (Ace ace = ace(db, dir)) {
            DiffResult result = diff(ace, "public.t", "all");
            RepairResult repair = ace.repair().repair(repair("public.t", result).sourceOfTruth("n2").build());
            assertThat(repair.nodes()).extracting(NodeRepairResult::node, NodeRepairResult::status).containsExactly(
                    org.assertj.core.groups.Tuple.tuple("n1", NodeRepairResult.Status.UNCHANGED),
                    org.assertj.core.groups.Tuple.tuple("n3", NodeRepairResult.Status.UNCHANGED));
            assertThat(repair.succeeded()).isTrue();
            assertThat(allKeys(rerun(ace, "public.t", result, RerunBehavior.MULTIPROCESSING))).isEmpty();
        }
    }

    @Test
    void aDiffFileFoundDamagedWhileTheRepairRunsRollsEveryTargetBackAndChangesNothing(TestDatabase db)
            throws Exception {
        // n2's 30,000 extra rows come after n1's list, so the repair deletes them batch by batch while it
        // reads the file; the file is cut off at row 25,000, after several batches were written
        db.executeOnAll("CREATE TABLE big (id int PRIMARY KEY, v text)");
        db.execute("n1", "INSERT INTO big VALUES (0, 'n1')");
        db.execute("n2", "INSERT INTO big SELECT i, 'n2' FROM generate_series(1, 30000) i");
        try (Ace ace = ace(db, dir)) {
            DiffResult result = diff(ace, "public.big", "all");
            String text = Files.readString(result.diffFile());
            Path cut = dir.resolve("cut.json");
            Files.writeString(cut, text.substring(0, text.indexOf("{\"id\":25000,") + 5));
            assertThatThrownBy(() -> ace.repair().repair(TableRepairRequest.builder("acetest", "public.big")
                    .diffFile(cut).sourceOfTruth("n1").build()))
                    .isInstanceOf(InvalidRequestException.class)
                    .hasMessageStartingWith("diff_file " + cut + " is not a usable ACE diff file: it is not valid JSON");
            assertThat(db.queryValue("n2", "SELECT count(*) FROM big")).isEqualTo("30000");
            assertThat(db.queryValue("n3", "SELECT count(*) FROM big")).isEqualTo("0");
            assertThat(db.queryValue("n1", "SELECT count(*) FROM big")).isEqualTo("1");
            // the same repair from the whole file then settles every node
            RepairResult repair = ace.repair().repair(repair("public.big", result).sourceOfTruth("n1").build());
            assertThat(repair.node("n2").deleted()).isEqualTo(30000);
            assertThat(repair.node("n2").inserted()).isEqualTo(1);
            assertThat(repair.node("n3").inserted()).isEqualTo(1);
            assertThat(diff(ace, "public.big", "all").match()).isTrue();
        }
    }

    @Test
    void anUpdateSkippedAsAConflictAmongUpdatesStagedAheadLeavesTheOthersApplied(TestDatabase db) {
        db.executeOnAll("CREATE TABLE u (id int PRIMARY KEY, v text)",
                "INSERT INTO u SELECT i, 'v' || i FROM generate_series(1, 5) i");
        db.execute("n2", "UPDATE u SET v = 'n2' WHERE id IN (1, 2, 3)");
        try (Ace ace = ace(db, dir)) {
            DiffResult stale = diff(ace, "public.u", "n1,n2");
            db.execute("n1", "UPDATE u SET v = 'n1 later' WHERE id = 2");
            RepairResult result = ace.repair().repair(repair("public.u", stale).sourceOfTruth("n1").build());
            NodeRepairResult n2 = result.node("n2");
            assertThat(n2.status()).isEqualTo(NodeRepairResult.Status.REPAIRED);
            assertThat(n2.updated()).isEqualTo(2);
            assertThat(n2.changes()).extracting(RowChange::key).containsExactly(List.of("1"), List.of("3"));
            assertThat(n2.conflicts()).containsExactly(new RepairConflict(List.of("2"), "changed on n1 since the diff"));
            assertThat(db.queryColumn("n2", "SELECT id || '=' || v FROM u ORDER BY id"))
                    .containsExactly("1=v1", "2=n2", "3=v3", "4=v4", "5=v5");
        }
    }
}
