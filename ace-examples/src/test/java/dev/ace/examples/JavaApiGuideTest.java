package dev.ace.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ace.core.Ace;
import dev.ace.core.diff.DiffResult;
import dev.ace.testkit.TestDatabase;
import dev.ace.testkit.WithPgCluster;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The code of docs/java-api.md runs: a diff as alice, its rows and report, a repair and a rerun, options by name. */
@WithPgCluster(nodes = 3)
class JavaApiGuideTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);

    @Test
    void theGuidesCodeDiffsRepairsAndRechecksAsAlice(TestDatabase db) throws Exception {
        db.executeOnAll("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'alice') "
                        + "THEN CREATE ROLE alice; END IF; END $$",
                "CREATE TABLE t (id int PRIMARY KEY, v text)", "INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c')",
                "GRANT SELECT, INSERT, UPDATE, DELETE ON t TO alice",
                "GRANT SET ON PARAMETER session_replication_role TO alice");
        db.execute("n3", "UPDATE t SET v = 'changed' WHERE id = 2");
        db.writeClusterJson(dir.resolve("cluster"));
        Files.writeString(dir.resolve("ace.yaml"), "cluster_dir: cluster\noutput_dir: out\n");
        try (Ace ace = JavaApiGuide.open(dir.resolve("ace.yaml"), null, null)) {
            DiffResult diff = JavaApiGuide.diff(ace, "acetest", "public.t", out);
            assertThat(diff.diffCounts()).containsEntry("n1/n3", 1L).containsEntry("n2/n3", 1L);
            assertThat(text()).contains("n1: PostgreSQL 17.", ", as postgres", "n1/n3: 1 differing rows");

            Path report = JavaApiGuide.readAndReport(ace, diff, out);
            assertThat(Files.readString(report)).contains("<html");
            assertThat(text()).contains("n1/n3 n3 key [2]: [2, changed]");

            DiffResult still = JavaApiGuide.repair(ace, diff, "n1", out);
            assertThat(still.match()).isTrue();
            assertThat(text()).contains("DRY RUN: public.t", "n3: REPAIRED, 0 deleted, 0 inserted, 1 updated",
                    "\nrepaired\n");
            assertThat(db.queryValue("n3", "SELECT v FROM t WHERE id = 2")).isEqualTo("b");

            assertThat(JavaApiGuide.fromOptions(ace, Map.of("cluster_name", "acetest", "table_name", "public.t",
                    "block_rows", 50), out)).startsWith("INVALID_REQUEST: ");
            assertThat(text()).contains("bad option: block_rows must be between 1000 and 100000, was 50");
            assertThat(JavaApiGuide.fromOptions(ace, Map.of("cluster_name", "acetest", "table_name", "public.t"), out))
                    .isNull();
            assertThat(text()).contains("MATCH: public.t");
        } finally {
            db.executeOnAll("DROP OWNED BY alice", "REVOKE SET ON PARAMETER session_replication_role FROM alice");
        }
        try (Ace ace = JavaApiGuide.open(null, dir.resolve("cluster"), dir.resolve("built"))) {
            assertThat(ace.config().outputDirectory()).isEqualTo(dir.resolve("built"));
        }
    }

    @Test
    void theGuidesIncrementalDiffFindsWhatChangedAndLeavesNoTreeBehind(TestDatabase db) {
        db.executeOnAll("CREATE TABLE t (id int PRIMARY KEY, v text)",
                "INSERT INTO t SELECT g, 'v' || g FROM generate_series(1, 500) g");
        db.execute("n2", "UPDATE t SET v = 'changed' WHERE id = 2");
        db.writeClusterJson(dir.resolve("cluster"));
        try (Ace ace = JavaApiGuide.open(null, dir.resolve("cluster"), dir.resolve("out"))) {
            DiffResult result = JavaApiGuide.incremental(ace, "acetest", "public.t", out);
            assertThat(result.diffCounts()).containsEntry("n1/n2", 1L).containsEntry("n2/n3", 1L);
            assertThat(text()).contains("DIFFERENT: public.t", "covered: {n1=");
        }
        assertThat(db.queryValue("n1", "SELECT count(*) FROM pg_namespace WHERE nspname = 'ace'")).isEqualTo("0");
    }

    private String text() {
        return printed.toString(StandardCharsets.UTF_8);
    }
}
