package dev.ace.core;

import dev.ace.core.cluster.ClusterDefinition;
import dev.ace.core.error.NodeUnreachableException;
import dev.ace.core.error.PermissionDeniedException;
import dev.ace.core.internal.db.NodeSession;
import dev.ace.testkit.TestDatabase;
import dev.ace.testkit.WithPgCluster;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@WithPgCluster(nodes = 3)
class ConnectionTest {

    @TempDir
    Path dir;

    private Ace ace(TestDatabase db, AceConfig.Builder builder) {
        db.writeClusterJson(dir.resolve("cluster"));
        return Ace.create(builder.clusterDirectory(dir.resolve("cluster")).build());
    }

    private static String query(NodeSession session, String sql) throws SQLException {
        try (Statement statement = session.connection().createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getString(1);
        }
    }

    @Test
    void everyLeasePinsTheSettingsThatChangeHowValuesPrint(TestDatabase db) throws Exception {
        db.execute("n2", "ALTER DATABASE " + db.name() + " SET TimeZone = 'Asia/Kolkata'",
                "ALTER DATABASE " + db.name() + " SET DateStyle = 'SQL, DMY'",
                "ALTER DATABASE " + db.name() + " SET IntervalStyle = 'iso_8601'",
                "ALTER DATABASE " + db.name() + " SET extra_float_digits = 0",
                "ALTER DATABASE " + db.name() + " SET bytea_output = 'escape'",
                "ALTER DATABASE " + db.name() + " SET jit = on");
        try (Ace ace = ace(db, AceConfig.builder().statementTimeout(Duration.ofSeconds(5)))) {
            ClusterDefinition cluster = ace.cluster("acetest", null);
            for (String node : new String[] {"n1", "n2"}) {
                try (NodeSession session = ace.pools().open(cluster.node(node), CallerRole.SERVICE, "testing")) {
                    assertThat(query(session, "SELECT '2024-03-15 12:34:56+00'::timestamptz::text"))
                            .isEqualTo("2024-03-15 12:34:56+00");
                    assertThat(query(session, "SELECT '1 day 2 hours'::interval::text")).isEqualTo("1 day 02:00:00");
                    assertThat(query(session, "SELECT 0.1::float8::text")).isEqualTo("0.1");
                    assertThat(query(session, "SELECT '\\x00ff'::bytea::text")).isEqualTo("\\x00ff");
                    assertThat(query(session, "SELECT current_setting('statement_timeout')")).isEqualTo("5s");
                    assertThat(query(session, "SELECT current_setting('jit')")).isEqualTo("off");
                    assertThat(query(session, "SELECT application_name FROM pg_stat_activity WHERE pid = pg_backend_pid()"))
                            .isEqualTo("ace");
                    // a session that changes a pinned setting is put right on its next lease
                    query(session, "SELECT set_config('TimeZone', 'America/New_York', false)");
                }
            }
            try (NodeSession session = ace.pools().open(cluster.node("n2"), CallerRole.SERVICE, "testing")) {
                assertThat(query(session, "SELECT current_setting('TimeZone')")).isEqualTo("UTC");
            }
            assertThat(ace.activeConnections()).isZero();
        }
    }

    @Test
    void aRoleWithoutPrivilegesGetsAPermissionErrorNamingTheTable(TestDatabase db) {
        db.executeOnAll("CREATE TABLE public.secrets (id int PRIMARY KEY, v text)",
                "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'nobody_much') "
                        + "THEN CREATE ROLE nobody_much; END IF; END $$");
        try (Ace ace = ace(db, AceConfig.builder())) {
            ClusterDefinition cluster = ace.cluster("acetest", null);
            assertThatThrownBy(() -> {
                try (NodeSession session = ace.pools().open(cluster.node("n1"), CallerRole.of("nobody_much"), "testing")) {
                    query(session, "SELECT count(*) FROM public.secrets");
                } catch (SQLException e) {
                    throw dev.ace.core.internal.db.SqlErrors.wrap(e, cluster.node("n1"), "reading public.secrets");
                }
            }).isInstanceOf(PermissionDeniedException.class)
                    .hasMessage("permission denied on node " + cluster.node("n1").describe()
                            + " while reading public.secrets: permission denied for table secrets [SQLSTATE 42501]");
        }
    }

    @Test
    void theNextUserOfAPooledConnectionIsNotStillTheCallersRole(TestDatabase db) throws Exception {
        db.executeOnAll("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'Mixed \"Case\" Role') "
                + "THEN CREATE ROLE \"Mixed \"\"Case\"\" Role\"; END IF; END $$");
        try (Ace ace = ace(db, AceConfig.builder().maxConnectionsPerNode(1))) {
            ClusterDefinition cluster = ace.cluster("acetest", null);
            String backend;
            try (NodeSession session = ace.pools().open(cluster.node("n1"), CallerRole.of("Mixed \"Case\" Role"), "t")) {
                assertThat(query(session, "SELECT current_user")).isEqualTo("Mixed \"Case\" Role");
                backend = query(session, "SELECT pg_backend_pid()::text");
            }
            try (NodeSession session = ace.pools().open(cluster.node("n1"), CallerRole.SERVICE, "t")) {
                assertThat(query(session, "SELECT pg_backend_pid()::text")).isEqualTo(backend);
                assertThat(query(session, "SELECT current_user")).isEqualTo("postgres");
            }
            // even a session that switched roles behind ACE's back comes back as ACE's own user
            try (NodeSession session = ace.pools().open(cluster.node("n1"), CallerRole.SERVICE, "t")) {
                query(session, "SELECT set_config('role', 'Mixed \"Case\" Role', false)");
            }
            try (NodeSession session = ace.pools().open(cluster.node("n1"), CallerRole.SERVICE, "t")) {
                assertThat(query(session, "SELECT pg_backend_pid()::text")).isEqualTo(backend);
                assertThat(query(session, "SELECT current_user")).isEqualTo("postgres");
            }
        }
    }

    @Test
    void aRoleThatDoesNotExistIsRefusedClearly(TestDatabase db) {
        try (Ace ace = ace(db, AceConfig.builder())) {
            ClusterDefinition cluster = ace.cluster("acetest", null);
            assertThatThrownBy(() -> ace.pools().open(cluster.node("n2"), CallerRole.of("ghost\"; DROP TABLE x; --"), "t"))
                    .isInstanceOf(PermissionDeniedException.class)
                    .hasMessage("cannot act as role ghost\"; DROP TABLE x; -- on node " + cluster.node("n2").describe()
                            + " while t: role \"ghost\"; DROP TABLE x; --\" does not exist");
            assertThat(ace.activeConnections()).isZero();
        }
    }

    @Test
    void anUnreachableNodeIsNamedWithItsAddress(TestDatabase db) throws Exception {
        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        java.nio.file.Files.createDirectories(dir.resolve("cluster/down"));
        java.nio.file.Files.writeString(dir.resolve("cluster/down/down.json"), "{\"cluster_name\": \"down\", "
                + "\"pgedge\": {\"databases\": [{\"db_name\": \"d\", \"db_user\": \"postgres\", \"db_password\": \"pw\"}]},"
                + "\"node_groups\": [{\"name\": \"n1\", \"public_ip\": \"127.0.0.1\", \"port\": \"" + closedPort + "\"}]}");
        try (Ace ace = Ace.create(AceConfig.builder().clusterDirectory(dir.resolve("cluster"))
                .connectTimeout(Duration.ofSeconds(1)).build())) {
            ClusterDefinition cluster = ace.cluster("down", null);
            assertThatThrownBy(() -> ace.pools().open(cluster.node("n1"), CallerRole.SERVICE, "checking table public.t"))
                    .isInstanceOf(NodeUnreachableException.class)
                    .hasMessageStartingWith("node n1 (127.0.0.1:" + closedPort + ") is unreachable while checking table "
                            + "public.t: ")
                    .hasMessageNotContaining("pw");
        }
    }

    @Test
    void checkNodesReportsEachNodesVersionTheRoleActedAsAndSpock(TestDatabase db) {
        db.executeOnAll("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'nobody_much') "
                + "THEN CREATE ROLE nobody_much; END IF; END $$");
        try (Ace ace = ace(db, AceConfig.builder())) {
            var statuses = ace.checkNodes("acetest", null, "n3,n1", CallerRole.of("nobody_much"));
            assertThat(statuses).extracting(status -> status.node().name()).containsExactly("n3", "n1");
            assertThat(statuses).allSatisfy(status -> {
                assertThat(status.serverVersion()).startsWith("17.");
                assertThat(status.currentUser()).isEqualTo("nobody_much");
                assertThat(status.spock()).as("Spock is not installed on the test nodes").isEmpty();
            });
            assertThat(ace.activeConnections()).isZero();
        }
    }

    @Test
    void closingAceClosesItsPools(TestDatabase db) {
        Ace ace = ace(db, AceConfig.builder());
        ClusterDefinition cluster = ace.cluster("acetest", null);
        ace.pools().open(cluster.node("n3"), CallerRole.SERVICE, "t").close();
        ace.close();
        assertThat(db.openConnections()).isEmpty();
        assertThatThrownBy(() -> ace.pools().open(cluster.node("n3"), CallerRole.SERVICE, "t"))
                .isInstanceOf(IllegalStateException.class).hasMessage("this Ace instance is closed");
    }

    @Test
    void serviceFileClustersConnectToo(TestDatabase db) throws Exception {
        Path service = db.writePgServiceConf(dir.resolve("pg_service.conf"));
        try (Ace ace = Ace.create(AceConfig.builder().clusterDirectory(dir.resolve("none")).pgServiceFile(service).build())) {
            ClusterDefinition cluster = ace.cluster("acetest", null);
            assertThat(cluster.nodes()).hasSize(3);
            try (NodeSession session = ace.pools().open(cluster.node("n3"), CallerRole.SERVICE, "t")) {
                assertThat(query(session, "SELECT current_database()")).isEqualTo(db.name());
                assertThat(query(session, "SELECT current_setting('port')"))
                        .isEqualTo(String.valueOf(db.node("n3").port()));
            }
        }
    }
}
