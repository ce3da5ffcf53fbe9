package dev.ace.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ace.testkit.TestDatabase;
import dev.ace.testkit.WithPgCluster;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@WithPgCluster(nodes = 3)
class MtreeCommandTest {

    @TempDir
    Path dir;

    @Test
    void buildThenAnIncrementalDiffThenRemoveAndCheckWarnsInBetween(TestDatabase db) {
        db.executeOnAll("CREATE TABLE t (id int PRIMARY KEY, v text)",
                "INSERT INTO t SELECT g, 'v' || g FROM generate_series(1, 1000) g");
        AceRun ace = AceRun.at(dir, db);
        AceRun.Result built = ace.run("mtree", "build", "acetest", "public.t", "--leaf-rows", "32");
        assertThat(built.exit()).as(built.toString()).isZero();
        assertThat(built.out()).startsWith("build: trees of public.t (cluster acetest)\n")
                .contains("  n2: 3", " leaves, 1000 rows, at WAL ");

        db.execute("n2", "UPDATE t SET v = 'changed' WHERE id = 7", "DELETE FROM t WHERE id = 9");
        AceRun.Result diff = ace.run("table-diff", "acetest", "public.t", "--incremental");
        assertThat(diff.exit()).as(diff.toString()).isEqualTo(1);
        assertThat(diff.out()).contains("  n1/n2        2 differing rows\n", "  n2/n3        2 differing rows\n");

        AceRun.Result check = ace.run("check", "acetest");
        assertThat(check.exit()).as(check.toString()).isZero();
        assertThat(check.out()).contains("WARNING  n1: ACE's Merkle tree of public.t (",
                "remove it with: ace mtree remove acetest public.t");

        AceRun.Result refused = ace.run("table-diff", "acetest", "public.t", "--incremental", "--table-filter",
                "id < 5");
        assertThat(refused.exit()).isEqualTo(2);
        assertThat(refused.err()).contains("incremental and table_filter cannot be used together");

        AceRun.Result removed = ace.run("mtree", "remove", "acetest", "public.t");
        assertThat(removed.exit()).as(removed.toString()).isZero();
        assertThat(ace.run("check", "acetest").out()).doesNotContain("WARNING");

        AceRun.Result stale = ace.run("table-diff", "acetest", "public.t", "--incremental");
        assertThat(stale.exit()).as("TREE_NOT_CURRENT").isEqualTo(3);
        assertThat(stale.err()).contains("the tree of public.t on node n1", "no tree was built there; build one with "
                + "mtree build");
    }
}
