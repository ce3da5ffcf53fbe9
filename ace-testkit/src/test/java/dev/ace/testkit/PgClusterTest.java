package dev.ace.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@WithPgCluster(nodes = 3)
class PgClusterTest {

    @Test
    void everyNodeIsItsOwnServerReadyForLogicalReplication(PgCluster cluster, TestDatabase db) {
        assertThat(cluster.nodes()).extracting(PgNode::name).containsExactly("n1", "n2", "n3");
        assertThat(cluster.nodes()).extracting(PgNode::port).doesNotHaveDuplicates();
        for (PgNode node : cluster.nodes()) {
            assertThat(node.queryValue(db.name(), "SELECT current_setting('wal_level')")).isEqualTo("logical");
            assertThat(node.queryValue(db.name(), "SELECT current_setting('synchronous_commit')")).isEqualTo("on");
            assertThat(Integer.parseInt(node.queryValue(db.name(), "SELECT current_setting('max_replication_slots')")))
                    .isGreaterThanOrEqualTo(12);
            assertThat(node.queryValue(db.name(), "SELECT current_setting('server_version_num')")).startsWith("17");
        }
    }

    @Test
    void aWriteOnOneNodeStaysOnThatNode(TestDatabase db) {
        db.executeOnAll("CREATE TABLE t (id int PRIMARY KEY, v text)");
        db.execute("n2", "INSERT INTO t VALUES (1, 'only on n2')");
        assertThat(db.queryValue("n1", "SELECT count(*) FROM t")).isEqualTo("0");
        assertThat(db.queryValue("n2", "SELECT v FROM t")).isEqualTo("only on n2");
    }

    @Test
    void replicationPausesResumesAndCanLoseChangesForGood(TestDatabase db) {
        db.executeOnAll("CREATE TABLE t (id int PRIMARY KEY, v text)");
        db.execute("n1", "INSERT INTO t VALUES (1, 'copied initially')");
        Replication.Subscription sub = db.replication().subscribe("n1", "n2", "t");
        assertThat(db.queryValue("n2", "SELECT v FROM t WHERE id = 1")).isEqualTo("copied initially");

        db.execute("n1", "INSERT INTO t VALUES (2, 'replicated')");
        sub.awaitCatchUp();
        assertThat(db.queryValue("n2", "SELECT count(*) FROM t")).isEqualTo("2");

        sub.pause();
        db.execute("n1", "INSERT INTO t VALUES (3, 'while paused')");
        assertThat(db.queryValue("n2", "SELECT count(*) FROM t")).isEqualTo("2");
        sub.resume();
        sub.awaitCatchUp();
        assertThat(db.queryValue("n2", "SELECT count(*) FROM t")).isEqualTo("3");

        sub.pause();
        db.execute("n1", "INSERT INTO t VALUES (4, 'lost')");
        sub.loseChanges();
        sub.resume();
        db.execute("n1", "INSERT INTO t VALUES (5, 'after the loss')");
        sub.awaitCatchUp();
        assertThat(db.queryColumn("n2", "SELECT id FROM t ORDER BY id")).containsExactly("1", "2", "3", "5");
        assertThat(db.queryColumn("n1", "SELECT id FROM t ORDER BY id")).containsExactly("1", "2", "3", "4", "5");
    }

    @Test
    void describesItselfAsPgEdgeClusterJsonAndPgServiceConf(PgCluster cluster, TestDatabase db, @TempDir Path dir)
            throws Exception {
        Path json = db.writeClusterJson(dir);
        assertThat(json).isEqualTo(dir.resolve("acetest").resolve("acetest.json"));
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        assertThat(root.path("cluster_name").asText()).isEqualTo("acetest");
        assertThat(root.path("pgedge").path("databases").get(0).path("db_name").asText()).isEqualTo(db.name());
        assertThat(root.path("node_groups")).hasSize(3);
        assertThat(root.path("node_groups").get(1).path("port").asText())
                .isEqualTo(String.valueOf(cluster.node("n2").port()));

        Path service = db.writePgServiceConf(dir.resolve("pg_service.conf"));
        String text = Files.readString(service);
        assertThat(text).contains("[acetest]\ndbname=" + db.name() + "\n")
                .contains("[acetest.n3]\nhost=127.0.0.1\nport=" + cluster.node("n3").port() + "\n");
    }

    @Test
    void backendSelectionFollowsTheEnvironmentAndNeverFallsBackSilently() {
        assertThat(NodeBackend.fromEnvironment(Map.of(), Map.of())).isInstanceOf(EmbeddedBackend.class);
        assertThat(NodeBackend.fromEnvironment(Map.of("ACE_TEST_NODES", "postgresql://u:p@h:5/d"), Map.of()))
                .isInstanceOf(ExternalBackend.class);
        assertThatThrownBy(() -> NodeBackend.fromEnvironment(Map.of("ACE_TEST_BACKEND", "external"), Map.of()))
                .hasMessageContaining("needs ACE_TEST_NODES");
        assertThatThrownBy(() -> NodeBackend.fromEnvironment(Map.of("ACE_TEST_BACKEND", "docker"), Map.of()))
                .hasMessage("ACE_TEST_BACKEND must be embedded, external or testcontainers, was 'docker'");
        assertThatThrownBy(() -> NodeBackend.fromEnvironment(Map.of("ACE_TEST_NODES", "mysql://h/d"), Map.of()))
                .hasMessageContaining("postgresql://user:password@host:port/database");
        assertThatThrownBy(() -> NodeBackend.fromEnvironment(Map.of("ACE_TEST_NODES", "postgresql://u:secret@h:5/d"),
                Map.of()).start(2))
                .hasMessage("this test needs 2 nodes but ACE_TEST_NODES lists 1");
    }

    @Test
    void externalNodesAreParsedFromUrlsWithoutLeakingPasswords() {
        var nodes = new ExternalBackend("postgresql://ace:s%3Acret@db1:6432/app, jdbc:postgresql://db2/app2").start(2);
        assertThat(nodes.get(0).host()).isEqualTo("db1");
        assertThat(nodes.get(0).port()).isEqualTo(6432);
        assertThat(nodes.get(0).superuser()).isEqualTo("ace");
        assertThat(nodes.get(0).password()).contains("s:cret");
        assertThat(nodes.get(1).port()).isEqualTo(5432);
        assertThat(nodes.get(1).defaultDatabase()).isEqualTo("app2");
        assertThat(ExternalBackend.redact("postgresql://ace:topsecret@db1/app")).isEqualTo("postgresql://ace:***@db1/app");
    }

    @Test
    void testcontainersIsNeverChosenSilentlyAndFailsClearlyWithoutDocker() {
        NodeBackend backend = NodeBackend.fromEnvironment(Map.of("ACE_TEST_BACKEND", "testcontainers"), Map.of());
        assertThat(backend).isInstanceOf(TestcontainersBackend.class);
        assertThatThrownBy(() -> backend.start(1))
                .hasMessageContaining("no Docker engine answers on this machine");
    }
}
