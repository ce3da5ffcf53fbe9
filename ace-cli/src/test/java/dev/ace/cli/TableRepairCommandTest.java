package dev.ace.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ace.testkit.TestDatabase;
import dev.ace.testkit.WithPgCluster;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@WithPgCluster(nodes = 3)
class TableRepairCommandTest {

    @TempDir
    Path dir;

    private static void diverge(TestDatabase db) {
        db.executeOnAll("CREATE TABLE t (id int PRIMARY KEY, v text)",
                "INSERT INTO t SELECT g, 'v' || g FROM generate_series(1, 50) g");
        db.execute("n2", "UPDATE t SET v = 'changed' WHERE id = 7", "DELETE FROM t WHERE id = 9",
                "INSERT INTO t VALUES (51, 'extra')");
    }

    private static String diffFile(AceRun run, String... more) {
        String[] args = new String[3 + more.length];
        args[0] = "table-diff";
        args[1] = "acetest";
        args[2] = "public.t";
        System.arraycopy(more, 0, args, 3, more.length);
        AceRun.Result diff = run.run(args);
        assertThat(diff.exit()).as(diff.toString()).isEqualTo(1);
        return TableDiffCommandTest.line(diff.out(), "  diff file    ");
    }

    @Test
    void aDryRunChangesNothingThenTheRepairMakesTheNodesMatchAndTheRerunSaysSo(TestDatabase db) {
        diverge(db);
        AceRun run = AceRun.at(dir, db);
        String file = diffFile(run);

        AceRun.Result dry = run.run("table-repair", "acetest", "public.t", "--diff-file", file,
                "--source-of-truth", "n1", "--dry-run");
        assertThat(dry.exit()).as(dry.toString()).isZero();
        assertThat(dry.out()).startsWith("DRY RUN  public.t  (cluster acetest, database " + db.name()
                        + ")  mode standard, source of truth n1\n")
                .contains("  n2           dry run   1 would be deleted, 1 would be inserted, 1 would be updated\n")
                .contains("nothing was changed; run the same command without --dry-run to repair");
        assertThat(db.queryValue("n2", "SELECT v FROM t WHERE id = 7")).isEqualTo("changed");

        AceRun.Result repair = run.run("table-repair", "acetest", "public.t", "--diff-file", file,
                "--source-of-truth", "n1", "--generate-report");
        assertThat(repair.exit()).as(repair.toString()).isZero();
        assertThat(repair.out()).startsWith("REPAIRED  public.t")
                .contains("  n2           repaired  1 deleted, 1 inserted, 1 updated\n")
                .contains("  n3           unchanged ")
                .contains("confirm:  ace table-rerun acetest public.t --diff-file " + file);
        assertThat(dir.resolve(TableDiffCommandTest.line(repair.out(), "  report       "))).isRegularFile();
        assertThat(db.queryValue("n2", "SELECT v FROM t WHERE id = 7")).isEqualTo("v7");

        AceRun.Result rerun = run.run("table-rerun", "acetest", "public.t", "--diff-file", file);
        assertThat(rerun.exit()).as(rerun.toString()).isZero();
        assertThat(rerun.out()).startsWith("MATCH  public.t on n1, n2, n3").contains("  keys checked ");

        assertThat(run.run("table-diff", "acetest", "public.t").exit()).isZero();
    }

    @Test
    void aRerunBeforeTheRepairStillFindsTheDifferences(TestDatabase db) {
        diverge(db);
        AceRun run = AceRun.at(dir, db);
        AceRun.Result rerun = run.run("table-rerun", "acetest", "public.t", "--diff-file", diffFile(run), "--json");

        assertThat(rerun.exit()).isEqualTo(1);
        assertThat(rerun.json().path("mismatched_rows").asLong()).isEqualTo(6);
        assertThat(rerun.json().path("task_id").asText()).startsWith("rr_");
    }

    @Test
    void aRowChangedSinceTheDiffIsSkippedAsAConflictAndTheExitCodeIsOne(TestDatabase db) {
        diverge(db);
        AceRun run = AceRun.at(dir, db);
        String file = diffFile(run);
        db.execute("n2", "UPDATE t SET v = 'changed again' WHERE id = 7");

        AceRun.Result repair = run.run("table-repair", "acetest", "public.t", "--diff-file", file,
                "--source-of-truth", "n1", "--json");

        assertThat(repair.exit()).as(repair.toString()).isEqualTo(1);
        assertThat(repair.json().path("summary").path("nodes").path("n2").path("skipped").asLong()).isEqualTo(1);
        assertThat(db.queryValue("n2", "SELECT v FROM t WHERE id = 7")).isEqualTo("changed again");
        assertThat(run.run("table-repair", "acetest", "public.t", "--diff-file", file, "--source-of-truth", "n1")
                .out()).contains("rows that changed since the diff were left alone");
    }

    @Test
    void aRepairWithoutASourceOfTruthIsBadUsage(TestDatabase db) {
        diverge(db);
        AceRun run = AceRun.at(dir, db);
        AceRun.Result repair = run.run("table-repair", "acetest", "public.t", "--diff-file", diffFile(run),
                "--upsert-only", "--insert-only");

        assertThat(repair.exit()).isEqualTo(2);
        assertThat(repair.err().lines()).containsExactly(
                "ace table-repair: upsert_only and insert_only cannot be used together",
                "ace table-repair: source_of_truth is required unless fix_nulls or bidirectional is set");
    }
}
