package dev.ace.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ace.testkit.TestDatabase;
import dev.ace.testkit.WithPgCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@WithPgCluster(nodes = 3)
class ReportCommandTest {

    @TempDir
    Path dir;

    private static String diffFile(AceRun run, TestDatabase db) {
        db.executeOnAll("CREATE TABLE t (id int PRIMARY KEY, v text)", "INSERT INTO t VALUES (1, 'a'), (2, 'b')");
        db.execute("n2", "UPDATE t SET v = 'x,\"y\"' WHERE id = 2");
        return TableDiffCommandTest.line(run.run("table-diff", "acetest", "public.t").out(), "  diff file    ");
    }

    @Test
    void anHtmlReportIsWrittenUnderTheOutputDirectory(TestDatabase db) throws Exception {
        AceRun run = AceRun.at(dir, db);
        AceRun.Result report = run.run("report", diffFile(run, db));

        assertThat(report.exit()).as(report.toString()).isZero();
        Path html = dir.resolve(TableDiffCommandTest.line(report.out(), "  report       "));
        assertThat(html).startsWith(dir.resolve("out/reports")).hasExtension("html");
        assertThat(Files.readString(html)).contains("<html").contains("x,&quot;y&quot;");
        assertThat(report.out()).contains("(public.t, 2 differing rows)");
    }

    @Test
    void csvGoesToAFileOrToStandardOutput(TestDatabase db) throws Exception {
        AceRun run = AceRun.at(dir, db);
        String file = diffFile(run, db);

        AceRun.Result toFile = run.run("report", file, "--format", "csv", "--to", "t.csv", "--json");
        assertThat(toFile.exit()).isZero();
        assertThat(toFile.json().path("report").asText()).isEqualTo("t.csv");
        assertThat(Files.readString(dir.resolve("t.csv"))).startsWith("\"pair\",\"node\",\"kind\",\"key:id\",\"id\",\"v\"\r\n")
                .contains("\"x,\"\"y\"\"\"");

        AceRun.Result toOut = run.run("report", file, "--format", "CSV", "--to", "-");
        assertThat(toOut.out()).isEqualTo(Files.readString(dir.resolve("t.csv")));
        assertThat(run.run("report", file, "--format", "json", "--to", "-").out()).isEqualTo(Files.readString(dir.resolve(file)));
    }

    @Test
    void aMissingFileOrAnUnknownFormatIsBadUsage(TestDatabase db) {
        AceRun run = AceRun.at(dir, db);
        AceRun.Result missing = run.run("report", "nowhere.json");
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).isEqualTo("ace report: the diff file nowhere.json does not exist\n");
        AceRun.Result format = run.run("report", "nowhere.json", "--format", "pdf");
        assertThat(format.err()).isEqualTo("ace report: --format must be json, csv or html, was pdf\n");
    }
}
