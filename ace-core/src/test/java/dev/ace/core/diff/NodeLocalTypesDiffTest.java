package dev.ace.core.diff;

import dev.ace.core.Ace;
import dev.ace.testkit.TestDatabase;
import dev.ace.testkit.WithPgCluster;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static dev.ace.core.diff.DiffTesting.ace;
import static dev.ace.core.diff.DiffTesting.allKeys;
import static dev.ace.core.diff.DiffTesting.onTheRangePath;
import static dev.ace.core.diff.DiffTesting.keys;
import static dev.ace.core.diff.DiffTesting.request;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Types whose stored form is local to a node: an enum value is stored (and hashed) as the OID of
 * its label, and a regclass as the OID of its table, and OIDs differ from node to node. Identical
 * tables must still match range by range, without fetching a row, and keys of such types must
 * fall into the same range on every node.
 */
@WithPgCluster(nodes = 3)
class NodeLocalTypesDiffTest {

    @TempDir
    Path dir;

    /** The OID of each name (a type or a table, as {@code regclass} or {@code regtype}) on each node. */
    private static List<String> oids(TestDatabase db, String cast, String name) {
        return List.of("n1", "n2", "n3").stream()
                .map(node -> db.queryValue(node, "SELECT ?::" + cast + "::oid::text", name)).toList();
    }

    @Test
    void identicalRowsHoldingEnumsAndOtherNodeLocalValuesMatchWithoutAMismatchedRange(TestDatabase db) {
        // objects created first on n2 and n3 only, so that every OID after them differs between the nodes
        db.execute("n2", "CREATE TYPE shift_oids AS ENUM ('x')", "CREATE TABLE shift_oids_table (i int)");
        db.execute("n3", "CREATE TYPE shift_oids AS ENUM ('x', 'y')", "CREATE TYPE shift_more AS ENUM ('z')",
                "CREATE TABLE shift_oids_table (i int)", "CREATE TABLE shift_more_table (i int)");
        db.executeOnAll("CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')",
                "CREATE DOMAIN mood_domain AS mood",
                "CREATE DOMAIN positive AS integer CHECK (VALUE > 0)",
                "CREATE TYPE mood_pair AS (first mood, second text)",
                "CREATE TYPE mood_range AS RANGE (subtype = mood)",
                "CREATE TABLE t (id int PRIMARY KEY, m mood, ms mood[], md mood_domain, mp mood_pair, "
                        + "mr mood_range, p positive, rc regclass, rt regtype, o oid)",
                "INSERT INTO t SELECT i, (ARRAY['sad', 'ok', 'happy'])[1 + i % 3]::mood, "
                        + "ARRAY[(ARRAY['sad', 'ok', 'happy'])[1 + i % 3], 'happy']::mood[], "
                        + "(ARRAY['sad', 'ok', 'happy'])[1 + (i + 1) % 3]::mood_domain, "
                        + "ROW('ok', 'v' || i)::mood_pair, mood_range('sad', 'happy'), i, "
                        + "CASE WHEN i % 2 = 0 THEN 't' ELSE 'pg_class' END::regclass, 'mood'::regtype, 42 "
                        + "FROM generate_series(1, 3000) i");
        assertThat(oids(db, "regtype", "mood")).doesNotHaveDuplicates();
        assertThat(oids(db, "regtype", "mood_domain")).doesNotHaveDuplicates();
        assertThat(oids(db, "regclass", "t")).doesNotHaveDuplicates();
        assertThat(db.queryColumn("n1", "SELECT DISTINCT e.oid::text FROM pg_enum e WHERE e.enumlabel = 'happy'"))
                .doesNotContainAnyElementsOf(db.queryColumn("n2",
                        "SELECT DISTINCT e.oid::text FROM pg_enum e WHERE e.enumlabel = 'happy'"));
        try (Ace ace = ace(db, dir)) {
            DiffResult same = ace.diff().diff(request("public.t").blockRows(1000).build());
            assertThat(same.match()).isTrue();
            assertThat(same.rangesPlanned()).isGreaterThan(1);
            assertThat(same.rangesMismatched()).isZero();
            assertThat(same.rowsChecked()).containsEntry("n1", 3000L).containsEntry("n2", 3000L)
                    .containsEntry("n3", 3000L);

            db.execute("n2", "UPDATE t SET m = 'happy' WHERE id = 1000", "UPDATE t SET ms[2] = 'ok' WHERE id = 2000",
                    "UPDATE t SET md = 'sad' WHERE id = 2001");
            db.execute("n3", "UPDATE t SET mp = ROW('sad', 'v7') WHERE id = 7",
                    "UPDATE t SET mr = mood_range('ok', 'happy') WHERE id = 8", "UPDATE t SET p = 1 WHERE id = 9",
                    "UPDATE t SET rc = 'pg_class' WHERE id = 10", "UPDATE t SET rt = 'mood_domain' WHERE id = 11");
            DiffResult changed = ace.diff().diff(request("public.t").blockRows(1000).build());
            assertThat(changed.diffCounts()).containsExactly(Map.entry("n1/n2", 3L), Map.entry("n1/n3", 5L),
                    Map.entry("n2/n3", 8L));
            assertThat(keys(changed, "n1/n2", "n2")).containsExactly("1000", "2000", "2001");
            assertThat(keys(changed, "n1/n3", "n3")).containsExactly("7", "8", "9", "10", "11");
            assertThat(DiffFile.open(changed.diffFile()).rows("n1/n2", "n2").get(0).value("m")).isEqualTo("happy");
        }
    }

    @Test
    void enumKeysWhoseLabelsSortDifferentlyOnSomeNodeAreStillComparedExactly(TestDatabase db) {
        // 'b' sorts between 'a' and 'c' on n1 and n3 (added later on n3, in its place), last on n2
        db.execute("n1", "CREATE TYPE letter AS ENUM ('a', 'b', 'c')");
        db.execute("n2", "CREATE TYPE letter AS ENUM ('a', 'c', 'b')");
        db.execute("n3", "CREATE TYPE letter AS ENUM ('a', 'c')", "ALTER TYPE letter ADD VALUE 'b' BEFORE 'c'");
        db.executeOnAll("CREATE TABLE t (k letter, i int, v text, PRIMARY KEY (k, i))",
                "INSERT INTO t SELECT (ARRAY['a', 'b', 'c'])[1 + g % 3]::letter, g, 'v' || g "
                        + "FROM generate_series(1, 3000) g");
        db.execute("n2", "UPDATE t SET v = 'changed' WHERE i = 1", "DELETE FROM t WHERE i = 2");
        try (Ace ace = ace(db, dir)) {
            DiffResult sameOrder = ace.diff().diff(request("public.t").nodes("n1,n3").blockRows(1000).build());
            assertThat(sameOrder.match()).isTrue();
            assertThat(sameOrder.rangesPlanned()).isGreaterThan(1);
            assertThat(sameOrder.rangesMismatched()).isZero();

            for (boolean rangePath : new boolean[] {false, true}) {
                DiffResult otherOrder = rangePath
                        ? onTheRangePath(() -> ace.diff().diff(request("public.t").blockRows(1000).build()))
                        : ace.diff().diff(request("public.t").blockRows(1000).build());
                if (rangePath) {
                    assertThat(otherOrder.rangesPlanned()).isEqualTo(1);
                }
                assertThat(otherOrder.diffCounts()).containsExactly(Map.entry("n1/n2", 2L), Map.entry("n2/n3", 2L));
                assertThat(allKeys(otherOrder)).containsExactly("b,1", "c,2");
                assertThat(keys(otherOrder, "n1/n2", "n2")).containsExactly("b,1");
            }
        }
    }

    @Test
    void aKeyOfARegTypeSortsByOidAndIsComparedAsOneRange(TestDatabase db) {
        db.executeOnAll("CREATE TABLE t (f regprocedure PRIMARY KEY, v text)",
                "INSERT INTO t SELECT p.oid::regprocedure, p.proname FROM pg_proc p "
                        + "WHERE p.pronamespace = 'pg_catalog'::regnamespace");
        db.execute("n3", "UPDATE t SET v = 'changed' WHERE f = 'pg_catalog.abs(integer)'::regprocedure");
        try (Ace ace = ace(db, dir)) {
            DiffResult result = onTheRangePath(() -> ace.diff().diff(request("public.t").blockRows(1000).build()));
            assertThat(result.rangesPlanned()).isEqualTo(1);
            assertThat(result.rowsChecked().get("n1")).isGreaterThan(2000L);
            assertThat(allKeys(result)).containsExactly("abs(integer)");
            assertThat(allKeys(ace.diff().diff(request("public.t").blockRows(1000).build())))
                    .containsExactly("abs(integer)");
        }
    }
}
