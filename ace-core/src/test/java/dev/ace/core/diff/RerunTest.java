package dev.ace.core.diff;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ace.core.Ace;
import dev.ace.core.AceConfig;
import dev.ace.core.diff.DiffFile;
import dev.ace.core.diff.DiffResult;
import dev.ace.core.diff.DiffRow;
import dev.ace.core.diff.DiffSummary;
import dev.ace.core.diff.TableDiffRequest;
import dev.ace.core.error.AceException;
import dev.ace.core.error.ErrorCode;
import dev.ace.core.error.InvalidRequestException;
import dev.ace.core.repair.RepairConflict;
import dev.ace.core.repair.RepairResult;
import dev.ace.testkit.TestDatabase;
import dev.ace.testkit.WithPgCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static dev.ace.core.repair.RepairTesting.ace;
import static dev.ace.core.repair.RepairTesting.allKeys;
import static dev.ace.core.repair.RepairTesting.repair;
import static dev.ace.core.repair.RepairTesting.rerun;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@WithPgCluster(nodes = 3)
class RerunTest {

    @TempDir
    Path dir;

    private static List<String> rows(DiffResult result, String pair, String node) {
        return DiffFile.open(result.diffFile()).rows(pair, node).stream().map(DiffRow::toString).toList();
    }

    private long files() throws Exception {
        try (Stream<Path> files = Files.walk(dir.resolve("out"))) {
            return files.filter(Files::isRegularFile).count();
        }
    }

    @Test
    void bothBehavioursFindExactlyTheRowsAPartialRepairLeft(TestDatabase db) {
        db.executeOnAll("CREATE TABLE t (id int PRIMARY KEY, v text)",
                "INSERT INTO t SELECT i, 'v' || i FROM generate_series(1, 5000) i");
        db.execute("n2", "UPDATE t SET v = 'n2' WHERE id % 2 = 0");
        try (Ace ace = ace(db, dir)) {
            DiffResult before = ace.diff().diff(TableDiffRequest.builder("acetest", "public.t").blockRows(1000)
                    .maxDiffRows(0).tableFilter("id > 0").build());
            assertThat(before.diffCounts()).containsExactly(Map.entry("n1/n2", 2500L), Map.entry("n2/n3", 2500L));
            db.execute("n2", "UPDATE t SET v = 'later' WHERE id IN (2, 1000, 4000)");
            db.execute("n1", "DELETE FROM t WHERE id = 6");
            RepairResult partial = ace.repair().repair(repair("public.t", before).sourceOfTruth("n1").build());
            assertThat(partial.node("n2").updated()).isEqualTo(2496);
            assertThat(partial.node("n2").conflicts()).extracting(RepairConflict::key)
                    .containsExactly(List.of("2"), List.of("6"), List.of("1000"), List.of("4000"));

            DiffResult chunks = rerun(ace, "public.t", before, RerunBehavior.MULTIPROCESSING);
            DiffResult hostdb = rerun(ace, "public.t", before, RerunBehavior.HOSTDB);
            for (DiffResult result : List.of(chunks, hostdb)) {
                assertThat(allKeys(result)).containsExactly("1000", "2", "4000", "6");
                assertThat(result.diffCounts()).containsExactly(Map.entry("n1/n2", 4L), Map.entry("n1/n3", 1L),
                        Map.entry("n2/n3", 4L));
                assertThat(result.rowsChecked()).containsExactly(Map.entry("n1", 2499L), Map.entry("n2", 2500L),
                        Map.entry("n3", 2500L));
                assertThat(result.rangesPlanned()).isEqualTo(3);
                assertThat(result.taskId()).startsWith("rr_");
                DiffSummary summary = DiffFile.open(result.diffFile()).summary();
                assertThat(summary.format()).isEqualTo(DiffSummary.FORMAT);
                assertThat(summary.tableFilter()).isEqualTo("id > 0");
                assertThat(summary.nodes()).containsExactly("n1", "n2", "n3");
                assertThat(summary.primaryKey()).containsExactly("id");
                assertThat(summary.diffCount()).isEqualTo(result.diffCounts());
            }
            for (String[] side : new String[][] {{"n1/n2", "n1"}, {"n1/n2", "n2"}, {"n1/n3", "n1"}, {"n1/n3", "n3"},
                    {"n2/n3", "n2"}, {"n2/n3", "n3"}}) {
                assertThat(rows(hostdb, side[0], side[1])).as(side[0] + " " + side[1])
                        .isEqualTo(rows(chunks, side[0], side[1]));
            }
            assertThat(rows(chunks, "n1/n2", "n2")).containsExactly("[2, later]", "[6, n2]", "[1000, later]",
                    "[4000, later]");
            assertThat(rows(chunks, "n1/n2", "n1")).containsExactly("[2, v2]", "[1000, v1000]", "[4000, v4000]");
            // a rerun file can itself be repaired from and rerun
            DiffResult again = rerun(ace, "public.t", hostdb, RerunBehavior.MULTIPROCESSING);
            assertThat(allKeys(again)).containsExactly("1000", "2", "4000", "6");
        }
    }

    @Test
    void aRerunTellsReplicationLagFromRealDivergence(TestDatabase db) {
        db.executeOnAll("CREATE TABLE t (id int PRIMARY KEY, v text)");
        db.execute("n1", "INSERT INTO t SELECT i, 'v' || i FROM generate_series(1, 1000) i");
        var subscription = db.replication().subscribe("n1", "n2", "t");
        try {
            subscription.pause();
            db.execute("n1", "UPDATE t SET v = 'new' WHERE id IN (5, 500)", "INSERT INTO t VALUES (3000, 'late')");
            db.execute("n2", "UPDATE t SET v = 'only on n2' WHERE id = 7");
            try (Ace ace = ace(db, dir)) {
                DiffResult lagging = ace.diff().diff(TableDiffRequest.builder("acetest", "public.t").nodes("n1,n2")
                        .build());
                assertThat(allKeys(lagging)).containsExactly("3000", "5", "500", "7");
                subscription.resume();
                subscription.awaitCatchUp();
                for (RerunBehavior behavior : RerunBehavior.values()) {
                    assertThat(allKeys(rerun(ace, "public.t", lagging, behavior))).as(behavior.toString())
                            .containsExactly("7");
                }
            }
        } finally {
            subscription.drop();
        }
    }

    @Test
    void hostdbLeavesNothingBehindOnAnyNodeEvenWhenItFails(TestDatabase db) throws Exception {
        db.executeOnAll("CREATE TABLE t (id int PRIMARY KEY, v text)",
                "INSERT INTO t SELECT i, 'v' || i FROM generate_series(1, 800) i");
        db.execute("n3", "UPDATE t SET v = 'n3'");
        DiffResult before;
        try (Ace ace = ace(db, dir)) {
            before = ace.diff().diff(TableDiffRequest.builder("acetest", "public.t").maxDiffRows(0)
                    .tableFilter("pg_sleep(0.001) IS NOT NULL").build());
            assertThat(rerun(ace, "public.t", before, RerunBehavior.HOSTDB).diffCounts())
                    .containsExactly(Map.entry("n1/n3", 800L), Map.entry("n2/n3", 800L));
        }
        for (String node : List.of("n1", "n2", "n3")) {
            assertThat(db.queryValue(node, "SELECT count(*) FROM pg_class WHERE relname LIKE 'ace_rerun%'")).isEqualTo("0");
        }
        long files = files();
        try (Ace impatient = Ace.create(AceConfig.builder().clusterDirectory(dir.resolve("cluster"))
                .outputDirectory(dir.resolve("out")).statementTimeout(Duration.ofMillis(300)).build())) {
            for (RerunBehavior behavior : RerunBehavior.values()) {
                assertThatThrownBy(() -> rerun(impatient, "public.t", before, behavior))
                        .isInstanceOf(AceException.class)
                        .satisfies(e -> assertThat(((AceException) e).code()).isEqualTo(ErrorCode.STATEMENT_TIMEOUT))
                        .hasMessageContaining("statement timeout on node n")
                        .hasMessageContaining("while rerunning the diff of table public.t");
            }
            assertThat(impatient.activeConnections()).isZero();
        }
        for (String node : List.of("n1", "n2", "n3")) {
            assertThat(db.queryValue(node, "SELECT count(*) FROM pg_class WHERE relname LIKE 'ace_rerun%'")).isEqualTo("0");
        }
        assertThat(files()).isEqualTo(files);
    }

    @Test
    void aDiffFileWithSettingsOutOfRangeIsRefusedNotRunWithDefaults(TestDatabase db) throws Exception {
        db.executeOnAll("CREATE TABLE t (id int PRIMARY KEY, v text)", "INSERT INTO t VALUES (1, 'a'), (2, 'b')");
        db.execute("n2", "UPDATE t SET v = 'x' WHERE id = 1");
        try (Ace ace = ace(db, dir)) {
            DiffResult diff = ace.diff().diff(TableDiffRequest.builder("acetest", "public.t").build());
            ObjectMapper json = new ObjectMapper();
            ObjectNode file = (ObjectNode) json.readTree(diff.diffFile().toFile());
            Path tooSmall = dir.resolve("block_rows_5.json");
            ((ObjectNode) file.get("summary")).put("block_rows", 5);
            json.writeValue(tooSmall.toFile(), file);
            Path tooFast = dir.resolve("ratio_7.json");
            ((ObjectNode) file.get("summary")).put("block_rows", 10_000).put("max_cpu_ratio", 7).put("batch_size", 0);
            json.writeValue(tooFast.toFile(), file);
            long before = files();
            for (RerunBehavior behavior : RerunBehavior.values()) {
                assertThatThrownBy(() -> ace.rerun().rerun(TableRerunRequest.builder("acetest", "public.t")
                        .diffFile(tooSmall).behavior(behavior).build()))
                        .isInstanceOf(InvalidRequestException.class)
                        .hasMessage("diff_file " + tooSmall + " has an unusable summary: block_rows must be between 1000 "
                                + "and 100000, was 5");
                assertThatThrownBy(() -> ace.rerun().rerun(TableRerunRequest.builder("acetest", "public.t")
                        .diffFile(tooFast).behavior(behavior).build()))
                        .isInstanceOf(InvalidRequestException.class)
                        .satisfies(e -> assertThat(((AceException) e).problems()).containsExactly(
                                "diff_file " + tooFast + " has an unusable summary: max_cpu_ratio must be above 0 and "
                                        + "at most 1, was 7.0",
                                "diff_file " + tooFast + " has an unusable summary: batch_size must be between 1 and "
                                        + "1000, was 0"));
            }
            assertThat(files()).isEqualTo(before);
            assertThat(allKeys(rerun(ace, "public.t", diff, RerunBehavior.MULTIPROCESSING))).containsExactly("1");
        }
    }
}
