package dev.ace.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ace.core.diff.DiffFile;
import dev.ace.testkit.TestDatabase;
import dev.ace.testkit.WithPgCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@WithPgCluster(nodes = 3)
class TableDiffCommandTest {

    @TempDir
    Path dir;

    private static void diverge(TestDatabase db) {
        db.executeOnAll("CREATE TABLE t (id int PRIMARY KEY, v text)",
                "INSERT INTO t SELECT g, 'v' || g FROM generate_series(1, 100) g");
        db.execute("n2", "UPDATE t SET v = 'changed' WHERE id = 7", "DELETE FROM t WHERE id = 9");
        db.execute("n3", "INSERT INTO t VALUES (101, 'only on n3')");
    }

    @Test
    void aDivergedTableExitsWithOneAndTheSummaryCountsEachPair(TestDatabase db) {
        diverge(db);
        AceRun.Result result = AceRun.at(dir, db).run("table-diff", "acetest", "public.t");

        assertThat(result.exit()).as(result.toString()).isEqualTo(1);
        assertThat(result.err()).isEmpty();
        assertThat(result.out()).startsWith("DIFFERENT  public.t on n1, n2, n3  (cluster acetest, database "
                + db.name() + ")\n")
                .contains("  n1/n2        2 differing rows\n", "  n1/n3        1 differing row\n",
                        "  n2/n3        3 differing rows\n", "  rows checked n1 100, n2 99, n3 101\n")
                .contains("see what differs:  ace report out/diffs/")
                .contains("repair, a dry run first:  ace table-repair acetest public.t --diff-file out/diffs/")
                .doesNotContain("\u001b[");
        String diffFile = line(result.out(), "  diff file    ");
        assertThat(diffFile).as("relative to the working directory").startsWith("out/diffs/");
        assertThat(DiffFile.open(dir.resolve(diffFile)).summary().diffCount())
                .containsEntry("n1/n2", 2L).containsEntry("n1/n3", 1L).containsEntry("n2/n3", 3L);
    }

    @Test
    void identicalNodesExitWithZero(TestDatabase db) {
        db.executeOnAll("CREATE TABLE t (id int PRIMARY KEY, v text)", "INSERT INTO t VALUES (1, 'a'), (2, 'b')");
        AceRun.Result result = AceRun.at(dir, db).run("table-diff", "acetest", "public.t", "--nodes", "n1,n3");

        assertThat(result.exit()).as(result.toString()).isZero();
        assertThat(result.out()).startsWith("MATCH  public.t on n1, n3  (cluster acetest, database " + db.name() + ")\n")
                .contains("  rows         the same on every node\n").doesNotContain("repair");
    }

    @Test
    void jsonIsOneObjectWithTheApisResultFields(TestDatabase db) {
        diverge(db);
        AceRun.Result result = AceRun.at(dir, db).run("table-diff", "acetest", "public.t", "--json", "--output", "csv");

        assertThat(result.exit()).isEqualTo(1);
        JsonNode json = result.json();
        assertThat(json.fieldNames()).toIterable().containsExactly("command", "exit_code", "task_id", "diff_file",
                "report", "total_rows", "mismatched_rows", "summary");
        assertThat(json.path("summary").path("csv_report").asText()).as("as the API names a diff task's report")
                .isEqualTo(json.path("report").asText()).endsWith(".csv");
        assertThat(Path.of(json.path("report").asText())).isRegularFile();
        assertThat(json.path("command").asText()).isEqualTo("table-diff");
        assertThat(json.path("exit_code").asInt()).isEqualTo(1);
        assertThat(json.path("task_id").asText()).startsWith("td_");
        assertThat(json.path("mismatched_rows").asLong()).isEqualTo(6);
        assertThat(json.path("total_rows").asLong()).isEqualTo(101);
        assertThat(json.path("summary").path("diff_count").path("n2/n3").asLong()).isEqualTo(3);
        assertThat(json.path("summary").path("match").asBoolean()).isFalse();
        assertThat(Path.of(json.path("diff_file").asText())).isRegularFile();
    }

    @Test
    void outputHtmlWritesTheReportBesideTheDiffFile(TestDatabase db) throws Exception {
        diverge(db);
        AceRun.Result result = AceRun.at(dir, db).run("table-diff", "acetest", "public.t", "--output", "html");

        assertThat(result.exit()).isEqualTo(1);
        Path report = dir.resolve(line(result.out(), "  report       "));
        assertThat(report).startsWith(dir.resolve("out").resolve("reports")).hasExtension("html");
        assertThat(result.out()).doesNotContain("see what differs");
        assertThat(Files.readString(report)).contains("<html").contains("public.t");
    }

    @Test
    void quietPrintsNothingButStillWritesTheDiffFile(TestDatabase db) throws Exception {
        diverge(db);
        AceRun.Result result = AceRun.at(dir, db).run("table-diff", "acetest", "public.t", "--quiet");

        assertThat(result.exit()).isEqualTo(1);
        assertThat(result.out()).isEmpty();
        assertThat(result.err()).isEmpty();
        try (var files = Files.walk(dir.resolve("out").resolve("diffs"))) {
            assertThat(files.filter(Files::isRegularFile)).hasSize(1);
        }
    }

    @Test
    void everyProblemOfTheOptionsIsOneLineAndTheExitCodeIsTwo(TestDatabase db) {
        AceRun.Result result = AceRun.at(dir, db).run("table-diff", "acetest", "public.t", "--block-rows", "50",
                "--max-cpu-ratio", "2", "--output", "pdf", "--table-filter", "id < 5; DROP TABLE t");

        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.out()).isEmpty();
        assertThat(result.err().lines()).containsExactly(
                "ace table-diff: block_rows must be between 1000 and 100000, was 50",
                "ace table-diff: max_cpu_ratio must be above 0 and at most 1, was 2.0",
                "ace table-diff: output must be json, csv or html, was \"pdf\"",
                "ace table-diff: table_filter must be one SQL boolean expression without ';', "
                        + "was 'id < 5; DROP TABLE t'");
    }

    @Test
    void anUnknownOptionIsNamedWithWhatWasMeant(TestDatabase db) {
        AceRun.Result result = AceRun.at(dir, db).run("table-diff", "acetest", "public.t", "--blok-rows", "5000");

        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.err()).isEqualTo("ace table-diff: Unknown options: '--blok-rows', '5000'; did you mean "
                + "--block-rows? (see ace table-diff --help)\n");
    }

    @Test
    void anUnreachableNodeIsOneLineAndTheExitCodeIsThree(TestDatabase db) throws Exception {
        db.executeOnAll("CREATE TABLE t (id int PRIMARY KEY)");
        AceRun run = AceRun.at(dir, db);
        Path clusterFile = dir.resolve("cluster/acetest/acetest.json");
        int closed;
        try (var socket = new java.net.ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        Files.writeString(clusterFile, Files.readString(clusterFile)
                .replace("\"" + db.node("n3").port() + "\"", "\"" + closed + "\""));

        AceRun.Result result = run.run("table-diff", "acetest", "public.t");

        assertThat(result.exit()).as(result.toString()).isEqualTo(3);
        assertThat(result.err()).startsWith("ace table-diff: node n3 (127.0.0.1:" + closed + ") is unreachable")
                .doesNotContain("\tat ").hasLineCount(1);
        assertThat(run.run("table-diff", "acetest", "public.t", "--debug").err()).contains("\tat ");
    }

    @Test
    void aRoleWithoutPrivilegesIsRefusedWithExitThree(TestDatabase db) {
        db.executeOnAll("CREATE TABLE t (id int PRIMARY KEY)",
                "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'cli_nobody') "
                        + "THEN CREATE ROLE cli_nobody; END IF; END $$");
        AceRun.Result result = AceRun.at(dir, db).run("table-diff", "acetest", "public.t", "--role", "cli_nobody");

        assertThat(result.exit()).as(result.toString()).isEqualTo(3);
        assertThat(result.err()).startsWith("ace table-diff: permission denied on node n1").hasLineCount(1);
    }

    @Test
    void settingsOnTheCommandLineWinOverAceYaml(TestDatabase db) {
        db.executeOnAll("CREATE TABLE t (id int PRIMARY KEY)");
        AceRun.Result result = AceRun.at(dir, db).run("table-diff", "acetest", "public.t", "--output-dir",
                dir.resolve("elsewhere").toString(), "--json");

        assertThat(result.exit()).isZero();
        assertThat(Path.of(result.json().path("diff_file").asText())).startsWith(dir.resolve("elsewhere"));
    }

    @Test
    void onATerminalTheProgressLineIsDrawnOnStandardErrorAndClearedBeforeTheColouredSummary(TestDatabase db) {
        diverge(db);
        AceRun.Result result = AceRun.at(dir, db).terminal().run("table-diff", "acetest", "public.t");

        assertThat(result.exit()).as(result.toString()).isEqualTo(1);
        assertThat(result.err()).startsWith("\rtable-diff public.t starting 0s\u001b[K").endsWith("\r\u001b[K");
        assertThat(result.out()).startsWith("\u001b[1m\u001b[31mDIFFERENT\u001b[0m\u001b[0m  public.t on n1, n2, n3");
    }

    @Test
    void withNoColorTheProgressLineIsStillDrawnButNothingIsColoured(TestDatabase db) {
        diverge(db);
        AceRun.Result result = AceRun.at(dir, db).terminal().env("NO_COLOR", "1").run("table-diff", "acetest",
                "public.t", "--block-rows", "1000");

        assertThat(result.exit()).isEqualTo(1);
        assertThat(result.err()).startsWith("\rtable-diff public.t starting 0s\u001b[K").endsWith("\r\u001b[K");
        assertThat(result.err().replace("\u001b[K", "")).doesNotContain("\u001b[");
        assertThat(result.out()).startsWith("DIFFERENT  public.t").doesNotContain("\u001b[");
    }

    @Test
    void errorsAreColouredOnlyWhenStandardErrorIsATerminal(TestDatabase db) {
        AceRun run = AceRun.at(dir, db);
        assertThat(run.terminal(true, true).run("table-diff", "acetest", "public.t", "--block-rows", "50").err())
                .isEqualTo("\u001b[31mace table-diff:\u001b[0m block_rows must be between 1000 and 100000, was 50\n");
        AceRun.Result toAFile = run.terminal(true, false).run("table-diff", "acetest", "public.t", "--block-rows", "50");
        assertThat(toAFile.exit()).isEqualTo(2);
        assertThat(toAFile.err()).isEqualTo("ace table-diff: block_rows must be between 1000 and 100000, was 50\n");
    }

    /** The value of the summary line that starts with {@code label}. */
    static String line(String text, String label) {
        return text.lines().filter(line -> line.startsWith(label)).findFirst()
                .orElseThrow(() -> new AssertionError("no line " + label + " in\n" + text)).substring(label.length());
    }
}
