package dev.ace.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ace.core.Ace;
import dev.ace.core.AceConfig;
import dev.ace.core.diff.DiffResult;
import dev.ace.core.diff.TableDiffRequest;
import dev.ace.core.error.InvalidRequestException;
import dev.ace.core.repair.RepairResult;
import dev.ace.core.repair.TableRepairRequest;
import dev.ace.testkit.TestDatabase;
import dev.ace.testkit.WithPgCluster;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@WithPgCluster(nodes = 2)
class RepairReportsTest {

    /** Written into the cluster file; the nodes trust loopback connections, so it is never needed. */
    private static final String PASSWORD = "Pw-4f9c1e-DoNotPrint";

    @TempDir
    Path dir;

    private static String render(ReportRenderer<RepairResult> renderer, RepairResult result) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        renderer.render(result, out);
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(text).doesNotContain(PASSWORD).doesNotContainIgnoringCase("password");
        return text;
    }

    private Path clusterWithPassword(TestDatabase db) throws Exception {
        Path file = db.writeClusterJson(dir.resolve("cluster"));
        String text = Files.readString(file);
        assertThat(text).contains("\"db_password\" : \"\"");
        Files.writeString(file, text.replace("\"db_password\" : \"\"", "\"db_password\" : \"" + PASSWORD + "\""));
        return dir.resolve("cluster");
    }

    @Test
    void theRepairReportsShowPerNodeWhatWasDeletedInsertedUpdatedAndSkippedForDryAndLiveRunsAndNoPassword(
            TestDatabase db) throws Exception {
        db.executeOnAll("CREATE TABLE t (id int PRIMARY KEY, v text)",
                "INSERT INTO t SELECT i, 'v' || i FROM generate_series(1, 10) i");
        db.execute("n2", "DELETE FROM t WHERE id = 1", "UPDATE t SET v = '<script>x</script>' WHERE id = 2",
                "UPDATE t SET v = NULL WHERE id = 3", "INSERT INTO t VALUES (11, 'only on n2')",
                "UPDATE t SET v = 'stale' WHERE id = 4");
        try (Ace ace = Ace.create(AceConfig.builder().clusterDirectory(clusterWithPassword(db))
                .outputDirectory(dir.resolve("out")).build())) {
            DiffResult diff = ace.diff().diff(TableDiffRequest.builder("acetest", "public.t").build());
            db.execute("n2", "UPDATE t SET v = 'changed after the diff' WHERE id = 4");
            TableRepairRequest.Builder request = TableRepairRequest.builder("acetest", "public.t")
                    .diffFile(diff.diffFile()).sourceOfTruth("n1").generateReport(true);
            RepairRenderers renderers = RepairRenderers.standard();

            RepairResult dryRun = ace.repair().repair(request.dryRun(true).build());
            RepairResult live = ace.repair().repair(request.dryRun(false).build());
            for (RepairResult result : new RepairResult[] {dryRun, live}) {
                String status = result.dryRun() ? "dry_run" : "repaired";
                ObjectNode json = (ObjectNode) new ObjectMapper().readTree(render(
                        renderers.get(TableDiffRequest.Output.JSON), result));
                assertThat(json.path("report").asText()).isEqualTo("ace-repair/1");
                assertThat(json.path("dry_run").asBoolean()).isEqualTo(result.dryRun());
                JsonNode n2 = json.path("nodes").path("n2");
                assertThat(n2.path("status").asText()).isEqualTo(status);
                assertThat(n2.path("deleted").asLong()).isEqualTo(1);
                assertThat(n2.path("inserted").asLong()).isEqualTo(1);
                assertThat(n2.path("updated").asLong()).isEqualTo(2);
                assertThat(n2.path("skipped").asLong()).isEqualTo(1);
                assertThat(n2.path("deleted_rows").toString()).isEqualTo("[{\"id\":\"11\",\"v\":\"only on n2\"}]");
                assertThat(n2.path("inserted_rows").toString()).isEqualTo("[{\"id\":\"1\",\"v\":\"v1\"}]");
                assertThat(n2.path("updated_rows").toString()).isEqualTo(
                        "[{\"before\":{\"id\":\"2\",\"v\":\"<script>x</script>\"},\"after\":{\"id\":\"2\",\"v\":\"v2\"}},"
                        + "{\"before\":{\"id\":\"3\",\"v\":null},\"after\":{\"id\":\"3\",\"v\":\"v3\"}}]");
                assertThat(n2.path("conflicts")).hasSize(1);
                assertThat(n2.path("conflicts").get(0).path("key").toString()).isEqualTo("{\"id\":\"4\"}");
                assertThat(n2.path("conflicts").get(0).path("reason").asText()).contains("n2");

                // one writer: generate_report's file is the same report, plus the request's fire_triggers
                ObjectNode generated = (ObjectNode) new ObjectMapper().readTree(Files.readString(result.report()));
                assertThat(generated.remove("fire_triggers").asBoolean()).isFalse();
                assertThat(generated).isEqualTo(json);
                assertThat(Files.readString(result.report())).doesNotContain(PASSWORD);

                String page = render(renderers.get(TableDiffRequest.Output.HTML), result);
                assertThat(page).doesNotContain("<script>x").contains("&lt;script&gt;x&lt;/script&gt;");
                Document html = Jsoup.parse(page);
                assertThat(html.select("span.node-counts").eachText()).containsExactly("n2: " + status.toUpperCase(
                        java.util.Locale.ROOT) + ", 1 deleted, 1 inserted, 2 updated, 1 skipped");
                assertThat(html.select("table.changes[data-kind=deleted] tr.before td").eachText())
                        .containsExactly("11", "only on n2");
                assertThat(html.select("table.changes[data-kind=inserted] tr.after td").eachText())
                        .containsExactly("1", "v1");
                assertThat(html.select("table.changes[data-kind=updated] tr.before td.changed").eachText())
                        .containsExactly("<script>x</script>", "NULL");
                assertThat(html.select("table.changes[data-kind=updated] tr.before td.changed span.null")).hasSize(1);
                assertThat(html.select("table.changes[data-kind=updated] tr.after td.changed").eachText())
                        .containsExactly("v2", "v3");
                assertThat(html.select("table.skipped td").eachText().get(0)).isEqualTo("4");
                assertThat(html.select("table.skipped td").eachText().get(1)).contains("n2");
                assertThat(html.select("script, link, img, iframe, object, embed, [src], [href]")).isEmpty();
                assertThat(html.select(".verdict").eachText().contains("DRY RUN: nothing was changed"))
                        .isEqualTo(result.dryRun());
            }
        }
    }

    @Test
    void repairReportsAreJsonOrHtmlOnly() {
        RepairRenderers renderers = RepairRenderers.standard();
        assertThat(renderers.get(TableDiffRequest.Output.JSON)).isInstanceOf(JsonRepairRenderer.class);
        assertThat(renderers.get(TableDiffRequest.Output.HTML)).isInstanceOf(HtmlRepairRenderer.class);
        assertThatThrownBy(() -> renderers.get(TableDiffRequest.Output.CSV))
                .isInstanceOf(InvalidRequestException.class).hasMessage("a repair report is json or html, was csv");
    }
}
