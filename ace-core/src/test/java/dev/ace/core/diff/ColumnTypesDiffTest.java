package dev.ace.core.diff;

import static dev.ace.core.diff.DiffTesting.ace;
import static dev.ace.core.diff.DiffTesting.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ace.core.Ace;
import dev.ace.testkit.TestDatabase;
import dev.ace.testkit.WithPgCluster;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * For every supported column type: identical values (including ones that print alike or compare
 * equal in tricky ways) are not reported, a divergence carried by that column alone is, and the
 * diff file gives back each node's value exactly.
 */
@WithPgCluster(nodes = 2)
public class ColumnTypesDiffTest {

    @TempDir
    Path dir;

    /**
     * The column-type matrix of table-diff, also used by the repair tests: type, a value both
     * nodes hold (row 1), row 2 on n1, row 2 on n2. Values are SQL literals.
     */
    public static Stream<Arguments> types() {
        return Stream.of(
                Arguments.of("smallint", "-32768", "1", "2"),
                Arguments.of("integer", "2147483647", "7", "-7"),
                Arguments.of("bigint", "9223372036854775807", "9223372036854775807", "9223372036854775806"),
                Arguments.of("numeric", "'NaN'", "1.0", "1.00"),
                Arguments.of("numeric(30,10)", "12345678901234567890.0123456789", "0.0000000001", "0.0000000002"),
                Arguments.of("real", "'NaN'", "'-0'", "'0'"),
                Arguments.of("double precision", "'Infinity'", "0.1", "0.10000000000000002"),
                Arguments.of("text", "''", "''", "NULL"),
                Arguments.of("text", "'NULL'", "'NULL'", "NULL"),
                Arguments.of("text", "'a|b,\"c\"\n\\d'", "'tab\there'", "'tab here'"),
                Arguments.of("character varying(10)", "'ünïcødé'", "'x'", "'X'"),
                Arguments.of("character(5)", "'ab'", "'ab'", "'ac'"),
                Arguments.of("bytea", "'\\x'", "'\\x00'", "'\\x0000'"),
                Arguments.of("boolean", "true", "false", "NULL"),
                Arguments.of("date", "'0044-03-15 BC'", "'infinity'", "'5874897-12-31'"),
                Arguments.of("time", "'24:00:00'", "'00:00:00'", "'24:00:00'"),
                Arguments.of("timestamp", "'-infinity'", "'2024-01-01 00:00:00'", "'2024-01-01 00:00:00.000001'"),
                Arguments.of("timestamp with time zone", "'2024-01-01 01:00:00+01'", "'2024-01-01 00:00:00+00'",
                        "'2024-01-01 00:00:00.000001+00'"),
                Arguments.of("interval", "'1 mon -2 days 03:04:05.5'", "'1 day'", "'24 hours'"),
                Arguments.of("uuid", "'00000000-0000-0000-0000-000000000000'", "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'",
                        "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a12'"),
                Arguments.of("json", "'{\"a\": [1, 2.50]}'", "'{\"a\":1}'", "'{\"a\": 1}'"),
                Arguments.of("jsonb", "'{\"b\": 1, \"a\": 9007199254740993}'", "'{\"a\": 1.0}'", "'{\"a\": 1.00}'"),
                Arguments.of("integer[]", "'{{1,2},{3,4}}'", "'{1,2}'", "'[0:1]={1,2}'"),
                Arguments.of("text[]", "'{NULL,\"\",\"NULL\"}'", "'{a,b}'", "'{\"a,b\"}'"),
                Arguments.of("inet", "'192.168.0.1/32'", "'10.0.0.1'", "'10.0.0.1/24'"),
                Arguments.of("mood", "'happy'", "'sad'", "'happy'"));
    }

    @ParameterizedTest(name = "{0}: {2} vs {3}")
    @MethodSource("types")
    void aDivergenceCarriedByThisColumnAloneIsFoundAndRoundTrips(String type, String same, String onN1, String onN2,
                                                                  TestDatabase db) {
        db.executeOnAll("CREATE TYPE mood AS ENUM ('sad', 'happy')",
                "CREATE TABLE t (id int PRIMARY KEY, c " + type + ", other text)",
                "INSERT INTO t VALUES (1, " + same + ", 'x'), (3, NULL, 'x')");
        db.execute("n1", "INSERT INTO t VALUES (2, " + onN1 + ", 'x')");
        db.execute("n2", "INSERT INTO t VALUES (2, " + onN2 + ", 'x')");
        try (Ace ace = ace(db, dir)) {
            DiffResult result = ace.diff().diff(request("public.t").build());
            assertThat(result.diffCounts()).containsExactly(java.util.Map.entry("n1/n2", 1L));
            DiffFile file = DiffFile.open(result.diffFile());
            for (String node : List.of("n1", "n2")) {
                List<DiffRow> rows = file.rows("n1/n2", node);
                assertThat(rows).hasSize(1);
                assertThat(rows.get(0).key()).containsExactly("2");
                String value = rows.get(0).value("c");
                // json has no equality operator: its text is its value
                String equality = type.equals("json") ? "?::text IS NOT NULL" : "c IS NOT DISTINCT FROM ?::" + type;
                assertThat(db.queryValue(node, "SELECT (c::text IS NOT DISTINCT FROM (?::" + type + ")::text) "
                        + "AND (" + equality + ") FROM t WHERE id = 2", value, value))
                        .as("the diff file's value %s of %s gives back exactly what %s holds", value, type, node)
                        .isEqualTo("t");
            }
        }
    }
}
