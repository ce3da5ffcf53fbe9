package dev.ace.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ace.testkit.TestDatabase;
import dev.ace.testkit.WithPgCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
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
    void onATerminalTheRepairTheDryRunAndTheRerunDrawTheirProgressLine(TestDatabase db) {
        diverge(db);
        AceRun run = AceRun.at(dir, db);
        String file = diffFile(run);
        run.terminal();

        AceRun.Result dry = run.run("table-repair", "acetest", "public.t", "--diff-file", file,
                "--source-of-truth", "n1", "--dry-run");
        assertThat(dry.exit()).as(dry.toString()).isZero();
        assertThat(dry.err()).startsWith("\rtable-repair public.t (dry run) starting 0s\u001b[K")
                .endsWith("\r\u001b[K");
        AceRun.Result repair = run.run("table-repair", "acetest", "public.t", "--diff-file", file,
                "--source-of-truth", "n1");
        assertThat(repair.exit()).as(repair.toString()).isZero();
        assertThat(repair.err()).startsWith("\rtable-repair public.t starting 0s\u001b[K").endsWith("\r\u001b[K");
        assertThat(repair.out()).startsWith("\u001b[1m\u001b[32mREPAIRED\u001b[0m\u001b[0m  public.t");
        AceRun.Result rerun = run.run("table-rerun", "acetest", "public.t", "--diff-file", file);
        assertThat(rerun.exit()).as(rerun.toString()).isZero();
        assertThat(rerun.err()).startsWith("\rtable-rerun public.t starting 0s\u001b[K").endsWith("\r\u001b[K");
        assertThat(run.run("table-rerun", "acetest", "public.t", "--diff-file", file, "--quiet").err())
                .as("--quiet on a terminal: no progress line").isEmpty();
    }

    @Test
    void ctrlCDuringARepairRollsBackTheNodeThatHadNotCommittedSaysSoAndExitsWith130(TestDatabase db)
            throws Exception {
        diverge(db);
        AceRun run = AceRun.at(dir, db);
        String file = diffFile(run);
        // another session holds row 7 of n2: the repair's transaction on n2 waits for it
        AceRun.Result repair = ctrlCWhileLocked(db, run, "SELECT * FROM t WHERE id = 7 FOR UPDATE", "table-repair",
                "acetest", "public.t", "--diff-file", file, "--source-of-truth", "n1");

        assertThat(repair.exit()).as(repair.toString()).isEqualTo(130);
        assertThat(repair.err()).startsWith("ace table-repair: ").contains("cancelled").contains("rolled back")
                .doesNotContain("cancelled: cancelled").hasLineCount(1);
        assertThat(db.queryValue("n2", "SELECT v FROM t WHERE id = 7")).isEqualTo("changed");
        assertThat(db.queryValue("n2", "SELECT string_agg(id::text, ',') FROM t WHERE id IN (9, 51)"))
                .as("9 still missing, 51 still there").isEqualTo("51");
        assertThat(run.run("table-rerun", "acetest", "public.t", "--diff-file", file).exit())
                .as("every difference is still there").isEqualTo(1);
    }

    @Test
    void ctrlCDuringADiffLeavesNoDiffFileAndExitsWith130(TestDatabase db) throws Exception {
        diverge(db);
        AceRun run = AceRun.at(dir, db);
        AceRun.Result diff = ctrlCWhileLocked(db, run, "LOCK TABLE t IN ACCESS EXCLUSIVE MODE", "table-diff",
                "acetest", "public.t", "--json");

        assertThat(diff.exit()).as(diff.toString()).isEqualTo(130);
        assertThat(diff.err()).startsWith("ace table-diff: ").contains("cancelled").contains("no diff file")
                .hasLineCount(1);
        assertThat(diff.json().path("exit_code").asInt()).isEqualTo(130);
        assertThat(diff.json().path("error").path("code").asText()).isEqualTo("CANCELLED");
        assertThat(dir.resolve("out/diffs")).satisfiesAnyOf(diffs -> assertThat(diffs).doesNotExist(),
                diffs -> assertThat(Files.walk(diffs).filter(Files::isRegularFile)).isEmpty());
    }

    /**
     * Runs {@code args} while another session on n2 holds {@code lock} in its open transaction,
     * with Ctrl-C once ACE waits for it; then lets the lock go.
     */
    private static AceRun.Result ctrlCWhileLocked(TestDatabase db, AceRun run, String lock, String... args)
            throws Exception {
        Interrupts interrupts = new Interrupts();
        try (Connection other = db.node("n2").connect(db.name()); Statement statement = other.createStatement()) {
            other.setAutoCommit(false);
            statement.execute(lock);
            Thread ctrlC = ctrlCOnceWaiting(db, "n2", interrupts);
            AceRun.Result result = run.interrupts(interrupts).run(args);
            ctrlC.join();
            other.rollback();
            return result;
        }
    }

    /**
     * Ctrl-C, as the signal does it ({@link Interrupts#interrupt()}), once a session of ACE waits
     * for a lock on {@code node}.
     */
    static Thread ctrlCOnceWaiting(TestDatabase db, String node, Interrupts interrupts) {
        Thread thread = new Thread(() -> {
            awaitALockWait(db, node);
            interrupts.interrupt();
        }, "ctrl-c");
        thread.start();
        return thread;
    }

    /** Returns once some session of the test database on {@code node} waits for a lock (at most a minute). */
    static void awaitALockWait(TestDatabase db, String node) {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(1));
        while (Instant.now().isBefore(deadline) && "0".equals(db.queryValue(node,
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"))) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
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
