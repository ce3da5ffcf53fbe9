package dev.ace.report;

import dev.ace.core.Ace;
import dev.ace.core.AceConfig;
import dev.ace.core.diff.DiffFile;
import dev.ace.core.diff.DiffResult;
import dev.ace.core.diff.TableDiffRequest;
import dev.ace.core.error.AceException;
import dev.ace.testkit.TestDatabase;
import dev.ace.testkit.WithPgCluster;
import java.io.ByteArrayOutputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@WithPgCluster(nodes = 3)
class DiffReportsTest {

    @TempDir
    Path dir;

    /** A composite key, NULL vs '', unicode, commas, quotes, newlines, markup and formulas, on 3 nodes. */
    private DiffResult diverged(TestDatabase db, Ace ace) {
        db.executeOnAll("CREATE TABLE t (region text, id int, note text, amount numeric, PRIMARY KEY (region, id))",
                "INSERT INTO t SELECT 'eu', i, 'row ' || i, i * 1.5 FROM generate_series(1, 50) i");
        db.execute("n2", "UPDATE t SET note = '' WHERE id = 1",
                "UPDATE t SET note = NULL WHERE id = 2",
                "UPDATE t SET note = 'a, \"quoted\"\nnewline ünïcødé ✓' WHERE id = 3",
                "UPDATE t SET note = '<script>alert(1)</script></td>' WHERE id = 4",
                "UPDATE t SET note = '=HYPERLINK(\"http://x\")', amount = -5 WHERE id = 5",
                "DELETE FROM t WHERE id = 6",
                "INSERT INTO t VALUES ('us', 99, '\\N', NULL)");
        db.execute("n3", "UPDATE t SET note = 'NULL' WHERE id = 2");
        return ace.diff().diff(TableDiffRequest.builder("acetest", "public.t").build());
    }

    private Ace ace(TestDatabase db) {
        db.writeClusterJson(dir.resolve("cluster"));
        return Ace.create(AceConfig.builder().clusterDirectory(dir.resolve("cluster")).outputDirectory(dir.resolve("out"))
                .build());
    }

    private static String render(ReportRenderer<DiffFile> renderer, DiffFile file) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        renderer.render(file, out);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void csvHasALinePerDifferingRowPerNodeAndReadsBackExactly(TestDatabase db) throws Exception {
        try (Ace ace = ace(db)) {
            DiffResult result = diverged(db, ace);
            DiffFile file = DiffFile.open(result.diffFile());
            List<CSVRecord> records;
            try (CSVParser parser = CsvDiffRenderer.FORMAT.builder().setHeader().setSkipHeaderRecord(true).get()
                    .parse(new StringReader(render(new CsvDiffRenderer(false), file)))) {
                assertThat(parser.getHeaderNames()).containsExactly("pair", "node", "kind", "key:region", "key:id",
                        "region", "id", "note", "amount");
                records = parser.getRecords();
            }
            List<String> n1n2 = new ArrayList<>();
            for (CSVRecord record : records) {
                if (record.get("pair").equals("n1/n2")) {
                    n1n2.add(record.get("node") + " " + record.get("kind") + " " + record.get("key:id"));
                }
            }
            // key by key (region, then id by value), the pair's first node first
            assertThat(n1n2).containsExactly("n1 changed 1", "n2 changed 1", "n1 changed 2", "n2 changed 2",
                    "n1 changed 3", "n2 changed 3", "n1 changed 4", "n2 changed 4", "n1 changed 5", "n2 changed 5",
                    "n1 extra 6", "n2 missing 6", "n1 missing 99", "n2 extra 99");
            Map<String, String> n2Notes = new java.util.HashMap<>();
            for (CSVRecord record : records) {
                if (record.get("pair").equals("n1/n2") && record.get("node").equals("n2")) {
                    n2Notes.put(record.get("key:id"), record.get("note"));
                }
            }
            assertThat(n2Notes.get("1")).isEqualTo("");
            assertThat(n2Notes.get("2")).isNull();
            assertThat(n2Notes.get("3")).isEqualTo("a, \"quoted\"\nnewline ünïcødé ✓");
            assertThat(n2Notes.get("4")).isEqualTo("<script>alert(1)</script></td>");
            assertThat(n2Notes.get("5")).isEqualTo("=HYPERLINK(\"http://x\")");
            assertThat(n2Notes.get("99")).isEqualTo("\\N");
            assertThat(n2Notes.get("6")).isNull();
            // every value of the diff file comes back exactly
            file.forEachRow((pair, node, row) -> {
                CSVRecord line = records.stream().filter(r -> r.get("pair").equals(pair) && r.get("node").equals(node)
                        && r.get("key:id").equals(row.value("id"))).findFirst().orElseThrow();
                for (String column : List.of("region", "id", "note", "amount")) {
                    assertThat(line.get(column)).as("%s of %s on %s", column, row.key(), node).isEqualTo(row.value(column));
                }
            });
            assertThat(render(new CsvDiffRenderer(true), file)).contains("\"'=HYPERLINK(\"\"http://x\"\")\"")
                    .contains("\"-5\"");
        }
    }

    @Test
    void htmlIsSelfContainedEscapedAndHoldsTheSummaryAndEveryDifferingRow(TestDatabase db) throws Exception {
        try (Ace ace = ace(db)) {
            DiffResult result = diverged(db, ace);
            String html = render(new HtmlDiffRenderer(1000), DiffFile.open(result.diffFile()));
            Document page = Jsoup.parse(html);
            assertThat(page.select("script, link, img, iframe, object, embed")).isEmpty();
            assertThat(page.select("[src], [href]")).isEmpty();
            assertThat(html).doesNotContain("<script>alert").contains("&lt;script&gt;alert(1)&lt;/script&gt;&lt;/td&gt;");
            assertThat(page.select("span.rows-checked").eachText()).containsExactly("n1: 50", "n2: 50", "n3: 50");
            assertThat(page.select("span.diff-count").eachText()).containsExactly("n1/n2: 7", "n1/n3: 1", "n2/n3: 7");
            Element pair = page.selectFirst("table.pair[data-pair=n1/n2]");
            assertThat(pair.select("tr.row")).hasSize(12);
            Element changedNull = pair.select("tr.row[data-node=n2]").get(1);
            assertThat(changedNull.select("td.changed span.null").text()).isEqualTo("NULL");
            Element changedEmpty = pair.select("tr.row[data-node=n2]").get(0);
            assertThat(changedEmpty.select("td.changed").text()).isEmpty();
            assertThat(changedEmpty.select("td.changed span.null")).isEmpty();
            Element textNull = page.selectFirst("table.pair[data-pair=n1/n3]").select("tr.row[data-node=n3] td.changed").first();
            assertThat(textNull.text()).isEqualTo("NULL");
            assertThat(textNull.select("span.null")).isEmpty();
            assertThat(pair.select("tr.row[data-kind='only n1']")).hasSize(1);
            assertThat(pair.select("tr.row[data-kind='only n2'] td").eachText()).contains("us", "99", "\\N");
            assertThat(page.select("td").eachText()).contains("a, \"quoted\"\nnewline ünïcødé ✓".replace("\n", " "));
        }
    }

    @Test
    void identicalNodesRenderInEveryFormatAndBigDiffsAreCutWithACount(TestDatabase db) throws Exception {
        db.executeOnAll("CREATE TABLE t (id int PRIMARY KEY, v text)",
                "INSERT INTO t SELECT i, 'v' FROM generate_series(1, 3000) i");
        try (Ace ace = ace(db)) {
            DiffFile same = DiffFile.open(ace.diff().diff(TableDiffRequest.builder("acetest", "public.t").build()).diffFile());
            assertThat(render(new CsvDiffRenderer(false), same).lines()).containsExactly(
                    "\"pair\",\"node\",\"kind\",\"key:id\",\"id\",\"v\"");
            Document page = Jsoup.parse(render(new HtmlDiffRenderer(10), same));
            assertThat(page.select(".verdict").text()).isEqualTo("MATCH");
            assertThat(render(new JsonDiffRenderer(), same)).isEqualTo(Files.readString(same.path()));

            db.execute("n3", "UPDATE t SET v = 'x' WHERE id <= 2500");
            DiffFile big = DiffFile.open(ace.diff().diff(TableDiffRequest.builder("acetest", "public.t").nodes("n1,n3")
                    .build()).diffFile());
            Document cut = Jsoup.parse(render(new HtmlDiffRenderer(100), big));
            assertThat(cut.select("table.pair tr.row")).hasSize(200);
            assertThat(cut.select("p.note").first().text()).isEqualTo("2500 changed, 0 only on n1, 0 only on n3. "
                    + "Showing the first 100 of 2500; 2400 more are in the diff file.");
            assertThat(render(new CsvDiffRenderer(false), big).lines()).hasSize(5001);
        }
    }

    @Test
    void reportFilesSortByTimeNeverCollideAndLandBesideTheDiffs(TestDatabase db) throws Exception {
        db.executeOnAll("CREATE TABLE t (id int PRIMARY KEY)");
        try (Ace ace = ace(db)) {
            DiffFile file = DiffFile.open(ace.diff().diff(TableDiffRequest.builder("acetest", "public.t").build()).diffFile());
            Clock sameMillisecond = Clock.fixed(Instant.parse("2026-11-24T01:02:03.004Z"), ZoneOffset.UTC);
            ReportFiles reports = new ReportFiles(dir.resolve("out"), sameMillisecond, new SecureRandom()::nextInt);
            List<Path> paths = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                paths.add(reports.write(file.summary().table(), "diff", new CsvDiffRenderer(false), file));
            }
            assertThat(paths).doesNotHaveDuplicates().allSatisfy(path -> {
                assertThat(path.getParent()).isEqualTo(dir.resolve("out/reports/2026-11-24"));
                assertThat(path.getFileName().toString()).matches("public_t_diff-20261124_010203004-[0-9a-f]{8}\\.csv");
                assertThat(path).isNotEmptyFile();
            });
            Path later = new ReportFiles(dir.resolve("out"), Clock.fixed(Instant.parse("2026-11-24T01:02:03.005Z"),
                    ZoneOffset.UTC), new SecureRandom()::nextInt).write(file.summary().table(), "diff", new HtmlDiffRenderer(10), file);
            assertThat(later.getFileName().toString().compareTo(paths.get(0).getFileName().toString())).isPositive();

            // the same random digits in the same millisecond: the second report draws again, nothing is replaced
            Iterator<Integer> digits = List.of(1, 1, 1, 1, 2).iterator();
            ReportFiles clashing = new ReportFiles(dir.resolve("clash"), sameMillisecond, digits::next);
            Path first = clashing.write(file.summary().table(), "diff", new CsvDiffRenderer(false), file);
            Path second = clashing.write(file.summary().table(), "diff", new CsvDiffRenderer(true), file);
            assertThat(first.getFileName().toString()).isEqualTo("public_t_diff-20261124_010203004-00000001.csv");
            assertThat(second.getFileName().toString()).isEqualTo("public_t_diff-20261124_010203004-00000002.csv");
            assertThat(Files.readString(first)).isEqualTo("\"pair\",\"node\",\"kind\",\"key:id\",\"id\"\r\n");
            assertThat(Files.readString(second)).isEqualTo(Files.readString(first));

            // a rendering that fails leaves nothing behind
            ReportRenderer<DiffFile> failing = new ReportRenderer<>() {
                @Override
                public void render(DiffFile source, java.io.OutputStream out) throws java.io.IOException {
                    out.write("half".getBytes(StandardCharsets.UTF_8));
                    throw new java.io.IOException("disk full");
                }

                @Override
                public String mediaType() {
                    return "text/plain";
                }

                @Override
                public String fileExtension() {
                    return "txt";
                }
            };
            assertThatThrownBy(() -> reports.write(file.summary().table(), "diff", failing, file))
                    .isInstanceOf(AceException.class).hasMessageStartingWith("could not write the txt report of public.t "
                            + "under " + dir.resolve("out/reports/2026-11-24") + ": disk full");
            try (var listing = Files.list(dir.resolve("out/reports/2026-11-24"))) {
                assertThat(listing.map(p -> p.getFileName().toString())).hasSize(21)
                        .noneMatch(name -> name.startsWith(".") || name.endsWith(".txt"));
            }
        }
    }

    @Test
    void aTasksReportIsNamedForTheTaskAndNeverReplacesAnother(TestDatabase db) throws Exception {
        db.executeOnAll("CREATE TABLE t (id int PRIMARY KEY)");
        try (Ace ace = ace(db)) {
            DiffFile file = DiffFile.open(ace.diff().diff(TableDiffRequest.builder("acetest", "public.t").build()).diffFile());
            ReportFiles reports = new ReportFiles(dir.resolve("out"), Clock.fixed(Instant.parse("2026-11-24T01:02:03Z"),
                    ZoneOffset.UTC), new SecureRandom()::nextInt);
            Path first = reports.writeForTask(file.summary().table(), "diffs", "td_1", new HtmlDiffRenderer(10), file);
            Path second = reports.writeForTask(file.summary().table(), "diffs", "td_1", new HtmlDiffRenderer(10), file);
            assertThat(first).isEqualTo(dir.resolve("out/reports/2026-11-24/public_t_diffs-td_1.html"));
            assertThat(second).isEqualTo(dir.resolve("out/reports/2026-11-24/public_t_diffs-td_1-2.html"));
            assertThat(first).isNotEmptyFile();
            try (var listing = Files.list(dir.resolve("out/reports/2026-11-24"))) {
                assertThat(listing.map(p -> p.getFileName().toString())).noneMatch(name -> name.startsWith("."));
            }
        }
    }
}
