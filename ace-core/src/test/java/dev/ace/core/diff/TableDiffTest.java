package dev.ace.core.diff;

import static dev.ace.core.diff.DiffTesting.ace;
import static dev.ace.core.diff.DiffTesting.keys;
import static dev.ace.core.diff.DiffTesting.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ace.core.Ace;
import dev.ace.testkit.TestDatabase;
import dev.ace.testkit.WithPgCluster;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@WithPgCluster(nodes = 3)
class TableDiffTest {

    @TempDir
    Path dir;

    @Test
    void twoDiffsUnderTheSameTaskIdKeepTwoWholeFiles(TestDatabase db) throws Exception {
        db.executeOnAll("CREATE TABLE t (id int PRIMARY KEY, v text)", "INSERT INTO t VALUES (1, 'a'), (2, 'b')");
        db.execute("n2", "UPDATE t SET v = 'x' WHERE id = 1");
        try (Ace ace = ace(db, dir)) {
            DiffResult first = ace.diff().diff(request("public.t").nodes("n1,n2").taskId("same").build());
            db.execute("n2", "UPDATE t SET v = 'y' WHERE id = 2");
            DiffResult second = ace.diff().diff(request("public.t").nodes("n1,n2").taskId("same").build());
            assertThat(first.diffFile().getFileName().toString()).isEqualTo("public_t_diffs-same.json");
            assertThat(second.diffFile().getFileName().toString()).isEqualTo("public_t_diffs-same-2.json");
            assertThat(keys(first, "n1/n2", "n2")).containsExactly("1");
            assertThat(keys(second, "n1/n2", "n2")).containsExactly("1", "2");
            try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(first.diffFile().getParent())) {
                assertThat(files.map(f -> f.getFileName().toString()))
                        .containsExactlyInAnyOrder("public_t_diffs-same.json", "public_t_diffs-same-2.json");
            }
        }
    }

    @Test
    void identicalNodesMatchAndStillGetADiffFile(TestDatabase db) {
        db.executeOnAll("CREATE TABLE t (id int PRIMARY KEY, v text)",
                "INSERT INTO t SELECT i, 'v' || i FROM generate_series(1, 5000) i");
        try (Ace ace = ace(db, dir)) {
            DiffResult result = ace.diff().diff(request("public.t").blockRows(1000).build());
            assertThat(result.match()).isTrue();
            assertThat(result.rowsChecked()).containsEntry("n1", 5000L).containsEntry("n2", 5000L).containsEntry("n3", 5000L);
            assertThat(result.rangesPlanned()).isEqualTo(5); // 5,000 rows in blocks of block_rows
            assertThat(result.rangesMismatched()).isZero();
            assertThat(result.diffFile()).exists();
            assertThat(result.diffFile().toString()).contains("/diffs/");
            DiffFile file = DiffFile.open(result.diffFile());
            assertThat(file.summary().diffCount()).isEmpty();
            assertThat(file.summary().nodes()).containsExactly("n1", "n2", "n3");
            assertThat(ace.activeConnections()).isZero();
        }
    }

    @Test
    void findsMissingExtraAndChangedRowsIncludingTheFirstAndLastKey(TestDatabase db) {
        db.executeOnAll("CREATE TABLE t (id int PRIMARY KEY, v text)",
                "INSERT INTO t SELECT i, 'v' || i FROM generate_series(1, 5000) i");
        db.execute("n2", "DELETE FROM t WHERE id IN (1, 2500)", "UPDATE t SET v = 'changed' WHERE id IN (5000, 1234)",
                "INSERT INTO t VALUES (0, 'before the first'), (9999, 'after the last')");
        try (Ace ace = ace(db, dir)) {
            DiffResult result = ace.diff().diff(request("public.t").blockRows(1000).build());
            assertThat(result.match()).isFalse();
            assertThat(result.diffCounts()).containsExactly(java.util.Map.entry("n1/n2", 6L), java.util.Map.entry("n2/n3", 6L));
            assertThat(keys(result, "n1/n2", "n1")).containsExactly("1", "1234", "2500", "5000");
            assertThat(keys(result, "n1/n2", "n2")).containsExactly("0", "1234", "5000", "9999");
            DiffFile file = DiffFile.open(result.diffFile());
            assertThat(file.rows("n1/n2", "n2").get(1).values()).containsExactly("1234", "changed");
            assertThat(file.rows("n1/n2", "n1").get(1).values()).containsExactly("1234", "v1234");
        }
    }
}
