package dev.ace.core.diff;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ace.core.Ace;
import dev.ace.core.AceConfig;
import dev.ace.core.diff.DiffFile;
import dev.ace.core.diff.DiffResult;
import dev.ace.core.diff.RerunBehavior;
import dev.ace.core.diff.TableDiffRequest;
import dev.ace.core.diff.TableFilter;
import dev.ace.core.diff.TableRerunRequest;
import dev.ace.core.error.InvalidRequestException;
import dev.ace.core.error.NodeUnreachableException;
import dev.ace.core.repair.TableRepairRequest;
import dev.ace.testkit.TestDatabase;
import dev.ace.testkit.WithPgCluster;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.provider.Arguments;
import org.postgresql.core.NativeQuery;
import org.postgresql.core.Parser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A {@code table_filter} stays inside the parenthesis ACE wraps it in, on real nodes and through
 * the JDBC driver: what TableFilterTest accepts is contained, and so is every generated filter the
 * check lets through; what it refuses never reaches a node; and a diff file whose filter was
 * tampered with is refused by rerun and repair.
 */
@WithPgCluster(nodes = 2)
class TableFilterContainmentTest {

    @TempDir
    Path dir;

    private Ace ace(TestDatabase db) {
        db.writeClusterJson(dir.resolve("cluster"));
        return Ace.create(AceConfig.builder().clusterDirectory(dir.resolve("cluster")).outputDirectory(dir.resolve("out"))
                .build());
    }

    /** Rows of t that {@code false AND (\n<filter>\n)} lets through: any at all means the filter escaped. */
    private static long escapedRows(Connection connection, String filter) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT count(*) FROM t WHERE false AND (\n"
                + TableFilter.forJdbc(filter) + "\n)"); ResultSet rows = statement.executeQuery()) {
            rows.next();
            return rows.getLong(1);
        }
    }

    @Test
    void everyAcceptedFilterStaysInsideTheParenthesisOnARealNode(TestDatabase db) throws Exception {
        db.executeOnAll("CREATE TABLE t (id int PRIMARY KEY, v text, j jsonb, \")\" text, \"a\"\")\" text, col$1 int)",
                "INSERT INTO t (id, v, j) SELECT i, 'v' || i, '{\"a\": 1}' FROM generate_series(1, 10) i");
        try (Connection connection = db.node("n1").connect(db.name())) {
            for (String filter : TableFilterTest.legitimate().toList()) {
                assertThat(escapedRows(connection, filter)).as(filter).isZero();
            }
            // the check is not idle: these filters, which TableFilter refuses, do escape on a real node
            for (String filter : List.of("true) OR (true", "v = E'\\'' ) OR (true",
                    "v = E'x'\n'\\' ( ') OR (true --' )")) {
                assertThat(TableFilter.problem(filter)).as(filter).isNotNull();
                assertThat(escapedRows(connection, filter)).as(filter).isEqualTo(10);
            }
            // and this one escapes only when standard_conforming_strings is off
            String twoWays = "v = 'C:\\' OR v = ') OR (true --'";
            assertThat(TableFilter.problem(twoWays)).isNotNull();
            assertThat(escapedRows(connection, twoWays)).isZero();
            try (Statement statement = connection.createStatement()) {
                statement.execute("SET standard_conforming_strings TO off");
            }
            assertThat(escapedRows(connection, twoWays)).isEqualTo(10);
        }
    }

    /** Pieces of filters: valid ones, and ones that tend to end a quote, comment or parenthesis. */
    private static final String[] PIECES = {"v = 'x'", " AND ", " OR ", "(", ")", "true", "v <> E'\\''",
        "v <> $$)$$", "v <> $a$'$a$", "/* ' */", "/* /* ) */ */", "-- )\n", "-- '\n", "v <> 'a''b'",
        "v <> E'\\\\'", "v <> U&'x'", "v <> 'x'\n'y'", "\"v\" = 'v'", "v <> E'x'\n'y'", "v <> e'('",
        "v || '?' <> ''", "v = ANY(ARRAY['a', ')'])", " ", "\n", "\r", "\t", "\f", "\u000b", "E", "e", "'", "''",
        "\"", "\\", "\\'", "E'", "$$", "$a$", "$A$", "$", "$1", "/*", "*/", "/*/", "--", "-", "/", "*", "?", "1",
        "x", "é", "_", ".", "::", "[", "]", "{", "}", "true) OR (true", ") OR (", ") --", "U&'", "B'", "N'"};

    @Test
    void generatedFiltersThatPassTheCheckAreReadAlikeByTheDriverAndStayContainedOnTheServer(TestDatabase db)
            throws Exception {
        db.executeOnAll("CREATE TABLE t (id int PRIMARY KEY, v text, x text, e text)",
                "INSERT INTO t SELECT i, 'v', 'x', 'e' FROM generate_series(1, 10) i");
        Random random = new Random(20261206);
        List<String> failures = new ArrayList<>();
        int accepted = 0;
        try (Connection on = db.node("n1").connect(db.name()); Connection off = db.node("n1").connect(db.name())) {
            try (Statement statement = off.createStatement()) {
                statement.execute("SET standard_conforming_strings TO off");
                statement.execute("SET escape_string_warning TO off");
            }
            while (accepted < 500) {
                StringBuilder generated = new StringBuilder();
                for (int pieces = 1 + random.nextInt(9); pieces > 0; pieces--) {
                    generated.append(PIECES[random.nextInt(PIECES.length)]);
                }
                String filter = generated.toString();
                if (TableFilter.problem(filter) != null) {
                    continue;
                }
                accepted++;
                String sent = "SELECT count(*) FROM t WHERE false AND (\n" + filter + "\n)";
                String sql = "SELECT count(*) FROM t WHERE false AND (\n" + TableFilter.forJdbc(filter) + "\n)";
                for (boolean standardStrings : new boolean[] {true, false}) {
                    // the driver rewrites no JDBC escape, finds no placeholder and sends the filter as written
                    try {
                        List<NativeQuery> parsed = Parser.parseJdbcSql(Parser.replaceProcessing(sql, true,
                                standardStrings), standardStrings, true, true, false, false);
                        if (parsed.size() != 1 || parsed.get(0).bindPositions.length != 0
                                || !parsed.get(0).nativeSql.equals(sent)) {
                            failures.add("the driver reads otherwise: " + filter);
                        }
                    } catch (SQLException e) {
                        failures.add("the driver refuses " + filter + ": " + e.getMessage());
                    }
                    try (PreparedStatement statement = (standardStrings ? on : off).prepareStatement(sql);
                         ResultSet rows = statement.executeQuery()) {
                        rows.next();
                        if (rows.getLong(1) != 0) {
                            failures.add("escaped with standard_conforming_strings " + standardStrings + ": " + filter);
                        }
                    } catch (SQLException e) {
                        // a filter the server cannot parse or run is refused there, which is fine
                    }
                }
            }
        }
        assertThat(failures).isEmpty();
    }

    @Test
    void noRefusedFilterReachesANode() throws Exception {
        int[] closedPorts = new int[2];
        for (int i = 0; i < 2; i++) {
            try (ServerSocket socket = new ServerSocket(0)) {
                closedPorts[i] = socket.getLocalPort();
            }
        }
        Files.createDirectories(dir.resolve("cluster/down"));
        Files.writeString(dir.resolve("cluster/down/down.json"), "{\"cluster_name\": \"down\", "
                + "\"pgedge\": {\"databases\": [{\"db_name\": \"d\", \"db_user\": \"postgres\", \"db_password\": \"pw\"}]},"
                + "\"node_groups\": [{\"name\": \"n1\", \"public_ip\": \"127.0.0.1\", \"port\": \"" + closedPorts[0]
                + "\"}, {\"name\": \"n2\", \"public_ip\": \"127.0.0.1\", \"port\": \"" + closedPorts[1] + "\"}]}");
        try (Ace ace = Ace.create(AceConfig.builder().clusterDirectory(dir.resolve("cluster"))
                .outputDirectory(dir.resolve("out")).connectTimeout(Duration.ofSeconds(1)).build())) {
            // a filter that passes the check goes on to the nodes, which cannot be reached
            assertThatThrownBy(() -> ace.diff().diff(TableDiffRequest.builder("down", "public.t")
                    .tableFilter("(true) OR (true)").build()))
                    .isInstanceOf(NodeUnreachableException.class);
            for (Arguments escape : TableFilterTest.escapes().toList()) {
                String filter = (String) escape.get()[0];
                // a request's text is checked for control characters by the table of options, which
                // shows the value escaped; TableFilter's own words remain for filters in diff files
                String message = filter.indexOf('\0') >= 0 ? "table_filter must not contain control characters "
                        + "such as NUL, was \"" + filter.replace("\0", "\\u0000") + "\"" : (String) escape.get()[1];
                assertThatThrownBy(() -> ace.diff().diff(TableDiffRequest.builder("down", "public.t")
                        .tableFilter(filter).build()))
                        .as(filter)
                        .isInstanceOf(InvalidRequestException.class)
                        .hasMessage(message);
            }
        }
        assertThat(Files.exists(dir.resolve("out"))).isFalse();
    }

    @Test
    void questionMarksReachTheServerAsWrittenInADiffAndItsRerun(TestDatabase db) {
        db.executeOnAll("CREATE TABLE t (id int PRIMARY KEY, v text, j jsonb)",
                "INSERT INTO t SELECT i, CASE i % 10 WHEN 2 THEN '?' WHEN 4 THEN '!?' ELSE 'x' END, "
                        + "CASE WHEN i % 2 = 0 THEN '{\"a\": 1}' ELSE '{\"b\": 1}' END::jsonb "
                        + "FROM generate_series(1, 3000) i");
        db.execute("n2", "UPDATE t SET v = 'y' WHERE id IN (6, 7, 12)");
        // a '?' doubled inside a quote would let the rows of '?' or '!?' through; one left single
        // outside would be taken for a parameter and fail
        String filter = "v <> '?' AND v <> $$!?$$ /* ? */ AND v <> E'\\'?' AND \"j\" ? 'a' "
                + "AND j ?| array['a', '?'] -- ?";
        try (Ace ace = ace(db)) {
            DiffResult diff = ace.diff().diff(TableDiffRequest.builder("acetest", "public.t").blockRows(1000)
                    .tableFilter(filter).build());
            assertThat(diff.rowsChecked()).containsExactly(Map.entry("n1", 900L), Map.entry("n2", 901L));
            assertThat(keys(diff)).containsExactly("12", "6");
            assertThat(DiffFile.open(diff.diffFile()).summary().tableFilter()).isEqualTo(filter);
            for (RerunBehavior behavior : RerunBehavior.values()) {
                DiffResult rerun = ace.rerun().rerun(TableRerunRequest.builder("acetest", "public.t")
                        .diffFile(diff.diffFile()).behavior(behavior).build());
                assertThat(keys(rerun)).as(behavior.toString()).containsExactly("12", "6");
            }
        }
    }

    @Test
    void aDiffFileWhoseFilterWasMadeToEscapeIsRefusedByRerunAndRepairAndChangesNothing(TestDatabase db)
            throws Exception {
        db.executeOnAll("CREATE TABLE t (id int PRIMARY KEY, v text)",
                "INSERT INTO t SELECT i, 'v' || i FROM generate_series(1, 4000) i");
        db.execute("n2", "UPDATE t SET v = 'n2' WHERE id % 100 = 0");
        try (Ace ace = ace(db)) {
            DiffResult diff = ace.diff().diff(TableDiffRequest.builder("acetest", "public.t").blockRows(1000)
                    .maxDiffRows(0).tableFilter("id > 0").build());
            assertThat(diff.diffCounts()).containsExactly(Map.entry("n1/n2", 40L));
            assertThat(keys(ace.rerun().rerun(TableRerunRequest.builder("acetest", "public.t")
                    .diffFile(diff.diffFile()).build()))).hasSize(40);

            ObjectMapper mapper = new ObjectMapper();
            ObjectNode file = (ObjectNode) mapper.readTree(diff.diffFile().toFile());
            ((ObjectNode) file.get("summary")).put("table_filter", "true) OR (true");
            mapper.writeValue(diff.diffFile().toFile(), file);
            Map<String, String> before = tables(db);
            long files = files();

            String refusal = "diff_file " + diff.diffFile() + " is not a usable ACE diff file: summary.table_filter "
                    + "must be one SQL boolean expression: its parentheses do not balance, was 'true) OR (true'";
            for (RerunBehavior behavior : RerunBehavior.values()) {
                assertThatThrownBy(() -> ace.rerun().rerun(TableRerunRequest.builder("acetest", "public.t")
                        .diffFile(diff.diffFile()).behavior(behavior).build()))
                        .as(behavior.toString())
                        .isInstanceOf(InvalidRequestException.class)
                        .hasMessage(refusal);
            }
            assertThatThrownBy(() -> ace.repair().repair(TableRepairRequest.builder("acetest", "public.t")
                    .diffFile(diff.diffFile()).sourceOfTruth("n1").build()))
                    .isInstanceOf(InvalidRequestException.class)
                    .hasMessage(refusal);
            assertThatThrownBy(() -> DiffFile.open(diff.diffFile())).hasMessage(refusal);
            assertThat(tables(db)).isEqualTo(before);
            assertThat(files()).isEqualTo(files);
        }
        assertThat(db.queryValue("n2", "SELECT count(*) FROM t WHERE v = 'n2'")).isEqualTo("40");
    }

    private static Set<String> keys(DiffResult result) {
        Set<String> keys = new TreeSet<>();
        DiffFile.open(result.diffFile()).forEachRow((pair, node, row) -> keys.add(String.join(",", row.key())));
        return keys;
    }

    /** Every row of t on every node, as one digest per node. */
    private static Map<String, String> tables(TestDatabase db) {
        return Map.of("n1", db.queryValue("n1", "SELECT md5(string_agg(id || ':' || v, ',' ORDER BY id)) FROM t"),
                "n2", db.queryValue("n2", "SELECT md5(string_agg(id || ':' || v, ',' ORDER BY id)) FROM t"));
    }

    private long files() throws Exception {
        List<Path> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir.resolve("out"))) {
            files.filter(Files::isRegularFile).forEach(found::add);
        }
        return found.size();
    }
}
