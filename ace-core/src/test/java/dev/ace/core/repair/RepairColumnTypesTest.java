package dev.ace.core.repair;

import static dev.ace.core.repair.RepairTesting.ace;
import static dev.ace.core.repair.RepairTesting.allKeys;
import static dev.ace.core.repair.RepairTesting.binaryRows;
import static dev.ace.core.repair.RepairTesting.diff;
import static dev.ace.core.repair.RepairTesting.repair;
import static dev.ace.core.repair.RepairTesting.rerun;
import static dev.ace.core.repair.RepairTesting.textRows;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ace.core.Ace;
import dev.ace.core.diff.DiffResult;
import dev.ace.testkit.TestDatabase;
import dev.ace.testkit.WithPgCluster;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The column-type matrix of table-diff, repaired in both directions: every value is written (an
 * insert and an update) and compared (an update and a delete check it is still there), and
 * afterwards a rerun and a full diff find nothing and both nodes hold byte-for-byte the same rows.
 */
@WithPgCluster(nodes = 2)
class RepairColumnTypesTest {

    @TempDir
    Path dir;

    /** type, a value both nodes hold (row 1), row 2 on n1, row 2 on n2. Values are SQL literals. */
    static Stream<Arguments> types() {
        List<Arguments> types = List.of(
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
        List<Arguments> cases = new ArrayList<>();
        for (Arguments type : types) {
            for (String source : List.of("n1", "n2")) {
                Object[] values = type.get();
                cases.add(Arguments.of(values[0], values[1], values[2], values[3], source));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}: {2} vs {3}, source {4}")
    @MethodSource("types")
    void everyValueIsWrittenBackExactly(String type, String same, String onN1, String onN2, String source,
                                        TestDatabase db) {
        db.executeOnAll("CREATE TYPE mood AS ENUM ('sad', 'happy')",
                "CREATE TABLE t (id int PRIMARY KEY, c " + type + ", other text)",
                "INSERT INTO t VALUES (1, " + same + ", 'x'), (3, NULL, 'x')");
        db.execute("n1", "INSERT INTO t VALUES (2, " + onN1 + ", 'x'), (4, " + onN1 + ", 'only n1')");
        db.execute("n2", "INSERT INTO t VALUES (2, " + onN2 + ", 'x'), (5, " + onN2 + ", 'only n2')");
        String target = source.equals("n1") ? "n2" : "n1";
        try (Ace ace = ace(db, dir)) {
            DiffResult before = diff(ace, "public.t", "all");
            assertThat(allKeys(before)).containsExactly("2", "4", "5");
            RepairResult result = ace.repair().repair(repair("public.t", before).sourceOfTruth(source).build());
            NodeRepairResult repaired = result.node(target);
            assertThat(repaired.status()).isEqualTo(NodeRepairResult.Status.REPAIRED);
            assertThat(List.of(repaired.deleted(), repaired.inserted(), repaired.updated())).containsExactly(1L, 1L, 1L);
            assertThat(repaired.conflicts()).isEmpty();
            assertThat(allKeys(rerun(ace, "public.t", before, RerunBehavior.MULTIPROCESSING))).isEmpty();
            assertThat(allKeys(rerun(ace, "public.t", before, RerunBehavior.HOSTDB))).isEmpty();
            assertThat(diff(ace, "public.t", "all").match()).isTrue();
            assertThat(binaryRows(db, target, "t", "id")).isEqualTo(binaryRows(db, source, "t", "id"));
            assertThat(textRows(db, target, "t", "id")).isEqualTo(textRows(db, source, "t", "id"));
        }
    }
}
