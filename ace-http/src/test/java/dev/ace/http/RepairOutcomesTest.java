package dev.ace.http;

import dev.ace.testkit.TestDatabase;
import dev.ace.testkit.WithPgCluster;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static dev.ace.http.EndpointsTest.map;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A repair that fails on some target nodes: its task is FAILED, its {@code error} names the
 * failed node and those that committed, and its {@code result} keeps every node's outcome.
 */
@WithPgCluster(nodes = 3)
class RepairOutcomesTest {

    @TempDir
    Path dir;

    @Test
    void aRepairThatFailsOnOneNodeIsFailedWithEveryNodesOutcome(TestDatabase db) {
        db.executeOnAll("CREATE TABLE t (id int PRIMARY KEY, v text)",
                "INSERT INTO t SELECT i, 'v' || i FROM generate_series(1, 300) i");
        db.execute("n2", "DELETE FROM t WHERE id = 10");
        // n3 lacks row 11 and refuses it back: its repair fails, n2's commits
        db.execute("n3", "DELETE FROM t WHERE id = 11", "ALTER TABLE t ADD CONSTRAINT no_eleven CHECK (id <> 11)");
        try (TestServer api = TestServer.start(db, dir)) {
            ApiClient client = api.client("postgres");
            Map<String, Object> diff = client.awaitTask((String) client.post("/ace/table-diff", Map.of(
                    "cluster_name", "acetest", "table_name", "public.t")).expect(200).json().get("task_id"));
            assertThat(diff).containsEntry("status", "COMPLETED");
            String diffFile = (String) map(diff.get("result")).get("diff_file");

            Map<String, Object> repair = client.awaitTask((String) client.post("/ace/table-repair", Map.of(
                    "cluster_name", "acetest", "table_name", "public.t", "diff_file", diffFile,
                    "source_of_truth", "n1")).expect(200).json().get("task_id"));
            assertThat(repair).containsEntry("task_type", "table-repair").containsEntry("status", "FAILED");
            assertThat((String) repair.get("error")).startsWith("table-repair of public.t failed on n3 (n3: ")
                    .contains("no_eleven").endsWith("committed on n2");
            Map<String, Object> result = map(repair.get("result"));
            assertThat(result).containsEntry("diff_file", diffFile).containsEntry("total_rows", 1);
            Map<String, Object> summary = map(result.get("summary"));
            assertThat(summary).containsEntry("succeeded", false);
            Map<String, Object> nodes = map(summary.get("nodes"));
            assertThat(nodes).containsOnlyKeys("n2", "n3");
            assertThat(map(nodes.get("n2"))).containsEntry("status", "REPAIRED").containsEntry("inserted", 1);
            assertThat(map(nodes.get("n3"))).containsEntry("status", "FAILED").containsEntry("inserted", 0);
            assertThat((String) map(nodes.get("n3")).get("error")).contains("no_eleven");
            assertThat(db.queryValue("n2", "SELECT count(*) FROM t")).isEqualTo("300");
            assertThat(db.queryValue("n3", "SELECT count(*) FROM t")).isEqualTo("299");
        }
    }
}
