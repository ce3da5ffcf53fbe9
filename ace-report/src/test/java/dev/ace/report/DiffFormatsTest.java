package dev.ace.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ace.core.Ace;
import dev.ace.core.AceConfig;
import dev.ace.core.diff.DiffFile;
import dev.ace.core.diff.DiffSummary;
import dev.ace.core.diff.TableDiffRequest;
import dev.ace.testkit.TestDatabase;
import dev.ace.testkit.WithPgCluster;
import java.io.ByteArrayOutputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every format (JSON, CSV, HTML) for every kind of diff the issue lists. The expected lines come
 * from an independent oracle: every row of every node read over JDBC and compared key by key in
 * the test. Each format is read back (Jackson, Commons CSV, jsoup) into the same lines:
 * pair, node, kind (changed, extra, missing), key, values (NULL as null).
 */
@WithPgCluster(nodes = 3)
class DiffFormatsTest {

    @TempDir
    Path dir;

    private static final String KV = "CREATE TABLE t (id int PRIMARY KEY, v text)";
    private static final String SEED = "INSERT INTO t SELECT i, 'v' || i FROM generate_series(1, 20) i";

    /** A kind of diff: statements on every node, then on some nodes; and how many lines it must give. */
    enum Case {
        IDENTICAL_NODES(0, List.of(KV, SEED), Map.of()),
        ONLY_MISSING_ROWS(8, List.of(KV, SEED), Map.of("n2", List.of("DELETE FROM t WHERE id IN (3, 17)"))),
        ONLY_CHANGED_ROWS(8, List.of(KV, SEED), Map.of("n3", List.of("UPDATE t SET v = 'changed' WHERE id IN (2, 10)"))),
        SEVERAL_NODE_PAIRS(12, List.of(KV, SEED), Map.of("n2", List.of("DELETE FROM t WHERE id = 1"),
                "n3", List.of("UPDATE t SET v = 'changed' WHERE id = 2", "INSERT INTO t VALUES (100, 'new')"))),
        COMPOSITE_KEYS(12, List.of("CREATE TABLE t (region text, id int, v text, PRIMARY KEY (region, id))",
                "INSERT INTO t SELECT 'eu', i, 'v' || i FROM generate_series(1, 12) i",
                "INSERT INTO t SELECT 'us', i, 'v' || i FROM generate_series(1, 3) i"),
                Map.of("n2", List.of("UPDATE t SET v = 'changed' WHERE region = 'eu' AND id = 10",
                        "DELETE FROM t WHERE region = 'us' AND id = 2", "INSERT INTO t VALUES ('ap', 1, 'new')"))),
        NULL_VERSUS_EMPTY(24, List.of(KV, SEED),
                Map.of("n1", List.of("UPDATE t SET v = NULL WHERE id = 1", "UPDATE t SET v = '' WHERE id = 2"),
                        "n2", List.of("UPDATE t SET v = '' WHERE id = 1", "UPDATE t SET v = NULL WHERE id = 2",
                                "UPDATE t SET v = 'NULL' WHERE id = 3", "UPDATE t SET v = E'\\\\N' WHERE id = 4"),
                        "n3", List.of("INSERT INTO t VALUES (50, NULL)"))),
        UNICODE(12, List.of("CREATE TABLE t (name text PRIMARY KEY, v text)",
                "INSERT INTO t VALUES ('ä', 'a'), ('日本', 'b'), ('🎉', 'c'), ('z', 'd')"),
                Map.of("n2", List.of("UPDATE t SET v = 'ünïcødé ✓ 日本語 🎉' WHERE name = 'ä'",
                        "DELETE FROM t WHERE name = '🎉'", "INSERT INTO t VALUES ('Ωmega', 'ω')"))),
        COMMAS_QUOTES_NEWLINES_MARKUP(12, List.of("CREATE TABLE t (k text PRIMARY KEY, v text)",
                "INSERT INTO t VALUES ('plain', 'a'), (E'a,b \"c\"\\nd', 'v')"),
                Map.of("n2", List.of("UPDATE t SET v = E'x, \"y\"\\nz,' WHERE k = 'plain'",
                        "UPDATE t SET v = '<script>alert(1)</script></td><b>&amp;' WHERE k LIKE 'a,b%'",
                        "INSERT INTO t VALUES ('</td><script>', '=1+1')")));

        final int lines;
        final List<String> onAll;
        final Map<String, List<String>> onNodes;

        Case(int lines, List<String> onAll, Map<String, List<String>> onNodes) {
            this.lines = lines;
            this.onAll = onAll;
            this.onNodes = onNodes;
        }
    }

    enum Format { JSON, CSV, HTML }

    static Stream<Arguments> casesAndFormats() {
        return Arrays.stream(Case.values()).flatMap(c -> Arrays.stream(Format.values()).map(f -> Arguments.of(c, f)));
    }

    /** One line of a report: one node's side of one differing key. */
    record Line(String pair, String node, String kind, List<String> key, List<String> values) {
    }

    @ParameterizedTest(name = "{1}: {0}")
    @MethodSource("casesAndFormats")
    void everyFormatHoldsExactlyTheDifferingRows(Case kind, Format format, TestDatabase db)
            throws Exception {
        db.executeOnAll(kind.onAll.toArray(new String[0]));
        kind.onNodes.forEach((node, statements) -> db.execute(node, statements.toArray(new String[0])));
        db.writeClusterJson(dir.resolve("cluster"));
        DiffFile file;
        try (Ace ace = Ace.create(AceConfig.builder().clusterDirectory(dir.resolve("cluster"))
                .outputDirectory(dir.resolve("out")).build())) {
            file = DiffFile.open(ace.diff().diff(TableDiffRequest.builder("acetest", "public.t").build()).diffFile());
        }
        Map<String, Map<List<String>, List<String>>> rows = new LinkedHashMap<>();
        for (String node : List.of("n1", "n2", "n3")) {
            rows.put(node, rowsOf(db, node, file.summary()));
        }
        List<Line> expected = oracle(rows);
        assertThat(expected).hasSize(kind.lines);

        DiffRenderers renderers = DiffRenderers.standard();
        String text = render(renderers.get(TableDiffRequest.Output.valueOf(format.name())), file);
        List<Line> actual = switch (format) {
            case JSON -> fromJson(text, file.summary());
            case CSV -> fromCsv(text, file.summary());
            case HTML -> fromHtml(text, file.summary(), rows, expected);
        };
        assertThat(actual).containsExactlyInAnyOrderElementsOf(expected);
        if (format == Format.JSON) {
            assertThat(text).isEqualTo(Files.readString(file.path()));
        }
    }

    private static String render(ReportRenderer<DiffFile> renderer, DiffFile file) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        renderer.render(file, out);
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Every row of t on a node, by key, values as PostgreSQL prints them. */
    private static Map<List<String>, List<String>> rowsOf(TestDatabase db, String node, DiffSummary summary)
            throws Exception {
        Map<List<String>, List<String>> rows = new LinkedHashMap<>();
        try (Connection connection = db.node(node).connect(db.name()); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT * FROM t")) {
            int columns = result.getMetaData().getColumnCount();
            while (result.next()) {
                List<String> values = new ArrayList<>();
                for (int c = 1; c <= columns; c++) {
                    values.add(result.getString(c));
                }
                rows.put(key(values, summary), values);
            }
        }
        return rows;
    }

    private static List<String> key(List<String> values, DiffSummary summary) {
        List<String> key = new ArrayList<>();
        for (int position : summary.keyPositions()) {
            key.add(values.get(position));
        }
        return key;
    }

    /** For each pair of nodes, each key whose rows differ: both sides' lines. */
    private static List<Line> oracle(Map<String, Map<List<String>, List<String>>> rows) {
        List<Line> lines = new ArrayList<>();
        List<String> nodes = new ArrayList<>(rows.keySet());
        for (int i = 0; i < nodes.size(); i++) {
            for (int j = i + 1; j < nodes.size(); j++) {
                String left = nodes.get(i);
                String right = nodes.get(j);
                String pair = left + "/" + right;
                java.util.Set<List<String>> keys = new java.util.LinkedHashSet<>(rows.get(left).keySet());
                keys.addAll(rows.get(right).keySet());
                for (List<String> key : keys) {
                    List<String> a = rows.get(left).get(key);
                    List<String> b = rows.get(right).get(key);
                    if (Objects.equals(a, b)) {
                        continue;
                    }
                    int width = a != null ? a.size() : b.size();
                    lines.add(new Line(pair, left, a == null ? "missing" : b == null ? "extra" : "changed", key,
                            a != null ? a : Collections.nCopies(width, null)));
                    lines.add(new Line(pair, right, b == null ? "missing" : a == null ? "extra" : "changed", key,
                            b != null ? b : Collections.nCopies(width, null)));
                }
            }
        }
        return lines;
    }

    /** The diff file's lists, classified here by key. */
    private static List<Line> fromJson(String text, DiffSummary summary) throws Exception {
        JsonNode diffs = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).readTree(text)
                .path("diffs");
        List<Line> lines = new ArrayList<>();
        diffs.fields().forEachRemaining(pair -> {
            String[] nodes = pair.getKey().split("/", 2);
            Map<String, Map<List<String>, List<String>>> sides = new LinkedHashMap<>();
            for (String node : nodes) {
                Map<List<String>, List<String>> listed = new LinkedHashMap<>();
                for (JsonNode row : pair.getValue().path(node)) {
                    List<String> values = new ArrayList<>();
                    summary.columns().forEach(column -> values.add(row.get(column.name()).isNull() ? null
                            : row.get(column.name()).asText()));
                    listed.put(key(values, summary), values);
                }
                sides.put(node, listed);
            }
            lines.addAll(oracle(sides).stream().map(line -> new Line(pair.getKey(), line.node(), line.kind(),
                    line.key(), line.values())).toList());
        });
        return lines;
    }

    private static List<Line> fromCsv(String text, DiffSummary summary) throws Exception {
        List<Line> lines = new ArrayList<>();
        try (CSVParser parser = CsvDiffRenderer.FORMAT.builder().setHeader().setSkipHeaderRecord(true).get()
                .parse(new StringReader(text))) {
            List<String> header = new ArrayList<>(List.of("pair", "node", "kind"));
            summary.primaryKey().forEach(key -> header.add("key:" + key));
            summary.columns().forEach(column -> header.add(column.name()));
            assertThat(parser.getHeaderNames()).isEqualTo(header);
            int keys = summary.primaryKey().size();
            for (CSVRecord record : parser) {
                List<String> values = Arrays.asList(record.values());
                lines.add(new Line(values.get(0), values.get(1), values.get(2), values.subList(3, 3 + keys),
                        values.subList(3 + keys, values.size())));
            }
        }
        return lines;
    }

    /** The rows shown per pair, and the summary's figures against the oracle. */
    private static List<Line> fromHtml(String text, DiffSummary summary, Map<String, Map<List<String>, List<String>>> rows,
                                       List<Line> expected) {
        Document page = Jsoup.parse(text);
        assertThat(page.select("script, link, img, iframe, object, embed, [src], [href]")).isEmpty();
        assertThat(page.select("style").html()).doesNotContain("url(").doesNotContain("@import");
        assertThat(page.select(".verdict").first().text()).isEqualTo(expected.isEmpty() ? "MATCH" : "DIFFERENT");
        assertThat(page.select("td.truncated").text()).startsWith("no");
        assertThat(page.select("span.rows-checked").eachText()).containsExactly("n1: " + rows.get("n1").size(),
                "n2: " + rows.get("n2").size(), "n3: " + rows.get("n3").size());
        Map<String, Long> perPair = new LinkedHashMap<>();
        expected.stream().filter(line -> line.pair().startsWith(line.node() + "/"))
                .forEach(line -> perPair.merge(line.pair(), 1L, Long::sum));
        assertThat(page.select("span.diff-count").eachText())
                .containsExactlyElementsOf(perPair.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue()).toList());
        List<Line> lines = new ArrayList<>();
        for (Element table : page.select("table.pair")) {
            String pair = table.attr("data-pair");
            String[] nodes = pair.split("/", 2);
            for (Element row : table.select("tr.row")) {
                String node = row.attr("data-node");
                String kind = row.attr("data-kind");
                List<String> values = new ArrayList<>();
                List<Element> cells = row.select("td");
                for (Element cell : cells.subList(2, cells.size())) {
                    values.add(cell.selectFirst("span.null") != null ? null : cell.wholeText());
                }
                List<String> key = key(values, summary);
                if (kind.equals("changed")) {
                    lines.add(new Line(pair, node, "changed", key, values));
                } else {
                    assertThat(kind).isEqualTo("only " + node);
                    lines.add(new Line(pair, node, "extra", key, values));
                    lines.add(new Line(pair, node.equals(nodes[0]) ? nodes[1] : nodes[0], "missing", key,
                            Collections.nCopies(values.size(), null)));
                }
            }
        }
        return lines;
    }
}
