package dev.ace.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ace.core.catalog.Column;
import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A diff of 1,000,000 differing rows (1,800,000 rows in the file, about 100 MB of text, more than
 * that as Java objects) renders as CSV and HTML in a JVM with a 64 MB heap.
 */
class MillionRowsReportTest {

    private static final int KEYS = 1_000_000;
    private static final int CHANGED = 800_000;
    private static final int ONLY_N1 = 100_000;

    @TempDir
    Path dir;

    /** n1 lists keys 1..900,000, n2 lists 1..800,000 (changed) and 900,001..1,000,000. */
    private Path writeDiff() throws Exception {
        Path path = dir.resolve("million.json");
        List<Column> columns = List.of(new Column("id", "bigint", "N", true), new Column("note", "text", "S", false),
                new Column("amount", "numeric", "N", false));
        try (SyntheticDiff diff = new SyntheticDiff(path, columns, List.of("id"), List.of("n1", "n2"),
                Map.of("n1", 5_000_000L, "n2", 5_000_000L), Map.of("n1/n2", (long) KEYS))) {
            diff.pair("n1/n2").node("n1");
            for (int id = 1; id <= CHANGED + ONLY_N1; id++) {
                diff.row(String.valueOf(id), "row " + id + ", \"as\" written", id % 7 == 0 ? null : id + ".50");
            }
            diff.node("n2");
            for (int id = 1; id <= KEYS; id++) {
                if (id <= CHANGED || id > CHANGED + ONLY_N1) {
                    diff.row(String.valueOf(id), "row " + id + " on n2", id + ".50");
                }
                if (id == CHANGED) {
                    id = CHANGED + ONLY_N1;
                }
            }
        }
        return path;
    }

    @Test
    void aMillionDifferingRowsRenderAsCsvAndHtmlInA64MbHeap() throws Exception {
        Path diff = writeDiff();
        Path temporary = Files.createDirectories(dir.resolve("tmp"));
        Path csv = dir.resolve("million.csv");
        Path html = dir.resolve("million.html");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-XX:+UseSerialGC", "-Djava.io.tmpdir=" + temporary, "-cp",
                System.getProperty("java.class.path"), MillionRowsRender.class.getName(), diff.toString(),
                csv.toString(), html.toString()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        System.out.println(output);
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).containsPattern("csv ms \\d+").containsPattern("html ms \\d+").contains("of max ");

        // every key on both sides: 2,000,000 lines after the header, in key order, the right kinds and values
        Map<String, Long> kinds = new LinkedHashMap<>();
        try (BufferedReader reader = Files.newBufferedReader(csv);
             CSVParser parser = CsvDiffRenderer.FORMAT.builder().setHeader().setSkipHeaderRecord(true).get().parse(reader)) {
            Iterator<CSVRecord> records = parser.iterator();
            long expectedKey = 1;
            while (records.hasNext()) {
                CSVRecord first = records.next();
                CSVRecord second = records.next();
                assertThat(first.get("key:id")).isEqualTo(String.valueOf(expectedKey));
                assertThat(second.get("key:id")).isEqualTo(String.valueOf(expectedKey));
                kinds.merge(first.get("node") + " " + first.get("kind"), 1L, Long::sum);
                kinds.merge(second.get("node") + " " + second.get("kind"), 1L, Long::sum);
                if (expectedKey == 7) {
                    assertThat(first.values()).containsExactly("n1/n2", "n1", "changed", "7", "7",
                            "row 7, \"as\" written", null);
                    assertThat(second.values()).containsExactly("n1/n2", "n2", "changed", "7", "7", "row 7 on n2", "7.50");
                }
                expectedKey++;
            }
            assertThat(expectedKey - 1).isEqualTo(KEYS);
        }
        assertThat(kinds).containsExactly(Map.entry("n1 changed", (long) CHANGED), Map.entry("n2 changed", (long) CHANGED),
                Map.entry("n1 extra", (long) ONLY_N1), Map.entry("n2 missing", (long) ONLY_N1),
                Map.entry("n1 missing", (long) (KEYS - CHANGED - ONLY_N1)),
                Map.entry("n2 extra", (long) (KEYS - CHANGED - ONLY_N1)));

        Document page = Jsoup.parse(html.toFile(), "UTF-8");
        assertThat(page.select("table.pair[data-pair=n1/n2] tr.row")).hasSize(2 * HtmlDiffRenderer.DEFAULT_ROWS);
        assertThat(page.select("p.note").first().text()).isEqualTo("800000 changed, 100000 only on n1, 100000 only on "
                + "n2. Showing the first 1000 of 1000000; 999000 more are in the diff file.");
        assertThat(page.select("span.diff-count").eachText()).containsExactly("n1/n2: 1000000");
        try (Stream<Path> left = Files.list(temporary)) {
            assertThat(left).as("the sort's temporary files are deleted").isEmpty();
        }
    }
}
