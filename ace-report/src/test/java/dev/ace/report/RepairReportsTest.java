package dev.ace.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ace.core.Ace;
import dev.ace.core.AceConfig;
import dev.ace.core.diff.DiffResult;
import dev.ace.core.diff.TableDiffRequest;
import dev.ace.core.repair.RepairResult;
import dev.ace.core.repair.TableRepairRequest;
import dev.ace.testkit.TestDatabase;
import dev.ace.testkit.WithPgCluster;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@WithPgCluster(nodes = 2)
class RepairReportsTest {

    @TempDir
    Path dir;

    private static Document html(RepairResult result) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new HtmlRepairRenderer(1000).render(result, out);
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(text).doesNotContain("<script>x").doesNotContain("password");
        return Jsoup.parse(text);
    }

    @Test
    void theRepairReportShowsPerNodeWhatWasDeletedInsertedUpdatedAndSkippedForDryAndLiveRuns(TestDatabase db)
            throws Exception {
        db.executeOnAll("CREATE TABLE t (id int PRIMARY KEY, v text)",
                "INSERT INTO t SELECT i, 'v' || i FROM generate_series(1, 10) i");
        db.execute("n2", "DELETE FROM t WHERE id = 1", "UPDATE t SET v = '<script>x</script>' WHERE id = 2",
                "UPDATE t SET v = NULL WHERE id = 3", "INSERT INTO t VALUES (11, 'only on n2')",
                "UPDATE t SET v = 'stale' WHERE id = 4");
        db.writeClusterJson(dir.resolve("cluster"));
        try (Ace ace = Ace.create(AceConfig.builder().clusterDirectory(dir.resolve("cluster"))
                .outputDirectory(dir.resolve("out")).build())) {
            DiffResult diff = ace.diff().diff(TableDiffRequest.builder("acetest", "public.t").build());
            db.execute("n2", "UPDATE t SET v = 'changed after the diff' WHERE id = 4");
            TableRepairRequest.Builder request = TableRepairRequest.builder("acetest", "public.t")
                    .diffFile(diff.diffFile()).sourceOfTruth("n1");

            Document dry = html(ace.repair().repair(request.dryRun(true).build()));
            assertThat(dry.select(".verdict").eachText()).contains("DRY RUN: nothing was changed");
            assertThat(dry.select("span.node-counts").eachText())
                    .containsExactly("n2: DRY_RUN, 1 deleted, 1 inserted, 2 updated, 1 skipped");

            Document live = html(ace.repair().repair(request.dryRun(false).build()));
            assertThat(live.select("span.node-counts").eachText())
                    .containsExactly("n2: REPAIRED, 1 deleted, 1 inserted, 2 updated, 1 skipped");
            assertThat(live.select("table.changes[data-kind=deleted] tr.before td").eachText())
                    .containsExactly("11", "only on n2");
            assertThat(live.select("table.changes[data-kind=inserted] tr.after td").eachText()).containsExactly("1", "v1");
            assertThat(live.select("table.changes[data-kind=updated] tr.before td.changed").eachText())
                    .containsExactly("<script>x</script>", "NULL");
            assertThat(live.select("table.changes[data-kind=updated] tr.before td.changed span.null")).hasSize(1);
            assertThat(live.select("table.changes[data-kind=updated] tr.after td.changed").eachText())
                    .containsExactly("v2", "v3");
            assertThat(live.select("table.skipped td").eachText().get(0)).isEqualTo("4");
            assertThat(live.select("table.skipped td").eachText().get(1)).contains("n2");
            assertThat(live.select("script, link, img, [src], [href]")).isEmpty();
        }
    }
}
