package dev.ace.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoTest {

    @TempDir
    Path dir;

    @Test
    void theDemoStartsThreeNodesReplicatesAndShowsWhatAceSees() {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        new Demo(new PrintStream(buffer, true, StandardCharsets.UTF_8), dir).runOnEmbeddedNodes();
        String output = buffer.toString(StandardCharsets.UTF_8);
        assertThat(output)
                .contains("Cluster file: " + dir.resolve("cluster/demo/demo.json").toAbsolutePath())
                .contains("Cluster demo, database demo")
                .containsPattern("n1 +127\\.0\\.0\\.1:\\d+ +PostgreSQL 17\\.\\d+ +as postgres")
                .containsPattern("n3 +127\\.0\\.0\\.1:\\d+ +PostgreSQL 17")
                .contains("Table public.customers has the same shape on every node:")
                .contains("    balance numeric(12,2)")
                .contains("  primary key (id)")
                .contains("DIFFERENT: public.customers on n1, n2, n3")
                .contains("  n1/n2: 2 differing rows")
                .contains("  n1/n3: 4 differing rows")
                .contains("  n2/n3: 6 differing rows")
                .contains("  n1/n2: 2 differing rows\n  n2/n3: 2 differing rows")
                .contains("What is left is n2's own writes")
                .contains("DRY RUN: public.customers (cluster demo, database demo), mode standard, source of truth n1\n"
                        + "  n2: dry_run, 1 deleted, 0 inserted, 1 updated, 0 skipped as conflicts")
                .contains("  n2: repaired, 1 deleted, 0 inserted, 1 updated, 0 skipped as conflicts")
                .containsPattern("HTML repair report: .*/reports/.*/public_customers_repair-.*\\.html")
                .contains("MATCH: public.customers on n1, n2, n3 (cluster demo, database demo)\n"
                        + "  rows checked on n1: 5000\n  rows checked on n2: 5000\n  rows checked on n3: 5000")
                .containsPattern("HTML report: .*/reports/\\d{4}-\\d{2}-\\d{2}/public_customers_diff-\\d{8}_\\d{9}-[0-9a-f]{8}\\.html")
                .containsPattern("CSV report:  .*/reports/\\d{4}-\\d{2}-\\d{2}/public_customers_diff-.*\\.csv")
                .containsPattern("diff file: .*/diffs/\\d{4}-\\d{2}-\\d{2}/public_customers_diffs-td_.*\\.json");
        assertThat(dir.resolve("ace.yaml")).exists();
        assertThat(output).contains("== The HTTPS API: a table-diff over HTTPS with a client certificate")
                .containsPattern("API listening on https://127\\.0\\.0\\.1:\\d+; client certificates of "
                        + "\\[CN=ACE demo CA\\]; this client's CN \\(its database role\\): postgres")
                .containsPattern("POST /ace/table-diff .*\n  -> \\{\"task_id\":\"td_\\d{8}_\\d{9}_[0-9a-f]{20}\","
                        + "\"submitted_at\":\"[-0-9T:.]+Z\"\\}")
                .contains("  \"task_type\" : \"table-diff\",\n  \"status\" : \"COMPLETED\"")
                .contains("\"mismatched_rows\" : 2,")
                .containsPattern("\"html_report\" : \".*/reports/.*/public_customers_diffs-td_.*\\.html\"")
                .contains("API server stopped");
    }

    @Test
    void aHalfConfiguredClusterIsRefusedClearly() {
        Demo demo = new Demo(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), dir);
        assertThatThrownBy(() -> demo.checkConfiguredCluster(Map.of("ACE_CLUSTER", "prod")))
                .hasMessage("set both ACE_CONFIG (the ace.yaml) and ACE_CLUSTER (the cluster name), or neither to run "
                        + "the demo on embedded nodes");
    }
}
