package dev.ace.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ace.core.Ace;
import dev.ace.core.AceConfig;
import dev.ace.core.cluster.ClusterDefinition;
import dev.ace.core.cluster.NodeDefinition;
import dev.ace.testkit.PgNode;
import dev.ace.testkit.TestDatabase;
import dev.ace.testkit.WithPgCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code docs/getting-started.md} works as written: the privileges it grants are enough for ACE's
 * login to diff, repair and re-check (and the repair fails as the page says without
 * {@code SET ON PARAMETER session_replication_role}), and its {@code ace.yaml} reads.
 */
@WithPgCluster(nodes = 3)
class GettingStartedTest {

    private static final Path PAGE = Path.of("..", "docs", "getting-started.md");

    @TempDir
    Path dir;

    /** The code block that follows the page's marker {@code <!-- checked by GettingStartedTest: what -->}. */
    static String block(String what) throws Exception {
        String page = Files.readString(PAGE);
        int marker = page.indexOf("<!-- checked by GettingStartedTest: " + what);
        assertThat(marker).as("the marker of " + what + " in docs/getting-started.md").isNotNegative();
        int start = page.indexOf('\n', page.indexOf("```", marker)) + 1;
        return page.substring(start, page.indexOf("```", start));
    }

    @Test
    void thePagesPrivilegesLetAcesLoginDiffRepairAndRecheck(TestDatabase db) throws Exception {
        db.executeOnAll("CREATE SCHEMA app", "CREATE TABLE app.orders (id bigint PRIMARY KEY, amount numeric(12,2))",
                "INSERT INTO app.orders SELECT g, g / 7.0 FROM generate_series(1, 500) g");
        db.execute("n2", "UPDATE app.orders SET amount = 0 WHERE id = 7", "DELETE FROM app.orders WHERE id = 9");
        List<String> grants = Arrays.stream(block("the statements below").split(";\\s*\n"))
                .map(statement -> statement.replaceAll("(?m)^--.*$", "").strip()).filter(s -> !s.isEmpty()).toList();
        assertThat(grants).hasSize(6);
        try {
            db.executeOnAll(grants.toArray(String[]::new));
            AceRun run = asAce(db);

            AceRun.Result check = run.run("check", "acetest");
            assertThat(check.exit()).as(check.toString()).isZero();
            assertThat(check.out()).contains(", role ace, ");

            AceRun.Result diff = run.run("table-diff", "acetest", "app.orders");
            assertThat(diff.exit()).as(diff.toString()).isEqualTo(1);
            String file = TableDiffCommandTest.line(diff.out(), "  diff file    ");

            db.executeOnAll("REVOKE SET ON PARAMETER session_replication_role FROM ace");
            AceRun.Result refused = run.run("table-repair", "acetest", "app.orders", "--diff-file", file,
                    "--source-of-truth", "n1");
            assertThat(refused.exit()).as(refused.toString()).isEqualTo(3);
            assertThat(refused.err()).contains("GRANT SET ON PARAMETER session_replication_role TO \"ace\"");
            assertThat(db.queryValue("n2", "SELECT amount FROM app.orders WHERE id = 7")).isEqualTo("0.00");
            db.executeOnAll("GRANT SET ON PARAMETER session_replication_role TO ace");

            AceRun.Result dry = run.run("table-repair", "acetest", "app.orders", "--diff-file", file,
                    "--source-of-truth", "n1", "--dry-run");
            assertThat(dry.exit()).as(dry.toString()).isZero();
            AceRun.Result repair = run.run("table-repair", "acetest", "app.orders", "--diff-file", file,
                    "--source-of-truth", "n1");
            assertThat(repair.exit()).as(repair.toString()).isZero();
            assertThat(repair.out()).contains("  n2           repaired  0 deleted, 1 inserted, 1 updated\n");

            AceRun.Result rerun = run.run("table-rerun", "acetest", "app.orders", "--diff-file", file);
            assertThat(rerun.exit()).as(rerun.toString()).isZero();
        } finally {
            for (PgNode node : db.nodes()) {
                node.execute(db.name(), "DROP OWNED BY ace",
                        "REVOKE SET ON PARAMETER session_replication_role FROM ace", "DROP ROLE IF EXISTS ace");
            }
        }
    }

    /** The cluster file of the test database, logging in as {@code ace} (loopback is trusted on test nodes). */
    private AceRun asAce(TestDatabase db) throws Exception {
        AceRun run = AceRun.at(dir, db);
        Path file = dir.resolve("cluster/acetest/acetest.json");
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = (ObjectNode) json.readTree(file.toFile());
        ((ObjectNode) root.path("pgedge").path("databases").get(0)).put("db_user", "ace").put("db_password", "");
        json.writeValue(file.toFile(), root);
        return run;
    }

    @Test
    void thePagesClusterFileAndPgServiceConfDescribeTheSameThreeNodes() throws Exception {
        Files.createDirectories(dir.resolve("cluster/prod"));
        Files.writeString(dir.resolve("cluster/prod/prod.json"), block("ACE reads this cluster file"));
        Files.writeString(dir.resolve("pg_service.conf"), block("ACE reads this pg_service.conf"));
        Path fromJson = Files.writeString(dir.resolve("json.yaml"), "cluster_dir: cluster\n");
        Path fromService = Files.writeString(dir.resolve("service.yaml"),
                "cluster_dir: nowhere\npg_service_file: pg_service.conf\n");
        for (Path yaml : List.of(fromJson, fromService)) {
            try (Ace ace = Ace.create(AceConfig.load(yaml))) {
                ClusterDefinition prod = ace.cluster("prod", null);
                assertThat(prod.database()).as(yaml.toString()).isEqualTo("shop");
                assertThat(prod.nodes()).extracting(NodeDefinition::name).containsExactly("n1", "n2", "n3");
                assertThat(prod.nodes()).extracting(NodeDefinition::address)
                        .containsExactly("10.0.0.1:5432", "10.0.0.2:5432", "10.0.0.3:5432");
                assertThat(prod.nodes()).extracting(NodeDefinition::user).containsOnly("ace");
            }
        }
    }

    @Test
    void thePagesAceYamlReads() throws Exception {
        Path file = Files.writeString(dir.resolve("ace.yaml"), block("ACE reads this file"));
        AceConfig config = AceConfig.load(file);
        assertThat(config.clusterDirectory()).isEqualTo(dir.resolve("cluster"));
        assertThat(config.outputDirectory()).isEqualTo(dir.resolve("ace-output"));
        assertThat(config.maxCpuRatio()).isEqualTo(0.5);
        assertThat(config.statementTimeout()).hasMinutes(5);
    }
}
