package dev.ace.core;

import dev.ace.core.cluster.ClusterDefinition;
import dev.ace.core.error.AceException;
import dev.ace.core.error.AuthenticationFailedException;
import dev.ace.core.error.ErrorCode;
import dev.ace.core.internal.db.NodeSession;
import dev.ace.testkit.PgCluster;
import dev.ace.testkit.PgNode;
import dev.ace.testkit.TestCertificates;
import dev.ace.testkit.TestDatabase;
import dev.ace.testkit.WithPgCluster;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Nodes with {@code ssl = on} and {@code hostssl ... cert}: ACE must log in with its client certificate. */
@WithPgCluster(nodes = 2, scope = WithPgCluster.Scope.CLASS)
class CertificateAuthTest {

    private static final TestCertificates.Authority CA = TestCertificates.authority("ACE test CA");

    @TempDir
    Path dir;

    @BeforeAll
    static void requireCertificates(PgCluster cluster) {
        for (PgNode node : cluster.nodes()) {
            node.enableCertificateAuthentication(CA.issueServer(), CA);
        }
    }

    @AfterAll
    static void restore(PgCluster cluster) {
        cluster.nodes().forEach(PgNode::disableCertificateAuthentication);
    }

    private AceConfig.Builder certConfig(TestCertificates.Issued client, TestCertificates.Authority authority) {
        return AceConfig.builder()
                .clusterDirectory(dir.resolve("cluster"))
                .connectTimeout(Duration.ofSeconds(5))
                .useCertAuth(true)
                .userCertFile(client.writeCertificate(dir.resolve("ace.crt")))
                .userKeyFile(client.writePrivateKey(dir.resolve("ace.key")))
                .caCertFile(authority.writeCertificate(dir.resolve("root.crt")));
    }

    @Test
    void connectsWithAPemClientCertificateOverVerifiedTls(TestDatabase db) throws Exception {
        db.writeClusterJson(dir.resolve("cluster"));
        try (Ace ace = Ace.create(certConfig(CA.issueClient("postgres"), CA).build())) {
            ClusterDefinition cluster = ace.cluster("acetest", null);
            for (String node : new String[] {"n1", "n2"}) {
                try (NodeSession session = ace.pools().open(cluster.node(node), CallerRole.SERVICE, "testing");
                     Statement statement = session.connection().createStatement();
                     ResultSet rows = statement.executeQuery(
                             "SELECT ssl, client_dn FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) {
                    rows.next();
                    assertThat(rows.getBoolean(1)).isTrue();
                    assertThat(rows.getString(2)).isEqualTo("/CN=postgres");
                }
            }
        }
    }

    @Test
    void withoutACertificateTheNodeRefusesTheLogin(TestDatabase db) {
        db.writeClusterJson(dir.resolve("cluster"));
        try (Ace ace = Ace.create(AceConfig.builder().clusterDirectory(dir.resolve("cluster"))
                .connectTimeout(Duration.ofSeconds(5)).build())) {
            ClusterDefinition cluster = ace.cluster("acetest", null);
            // the test kit's own superuser may still log in without TLS; any other user needs a certificate
            db.executeOnAll("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'alice') "
                    + "THEN CREATE ROLE alice LOGIN; END IF; END $$");
            var alice = new dev.ace.core.cluster.NodeDefinition("n1", "127.0.0.1", db.node("n1").port(), db.name(),
                    "alice", null, true, java.util.Map.of());
            assertThatThrownBy(() -> ace.pools().open(alice, CallerRole.SERVICE, "testing"))
                    .isInstanceOf(AuthenticationFailedException.class)
                    .hasMessageStartingWith("node n1 (127.0.0.1:" + db.node("n1").port()
                            + ") refused the login of user alice while testing: ");
            assertThat(cluster.nodes()).hasSize(2);
        }
    }

    @Test
    void aCertificateFromAnotherAuthorityIsRejected(TestDatabase db) {
        db.writeClusterJson(dir.resolve("cluster"));
        TestCertificates.Authority stranger = TestCertificates.authority("Someone else's CA");
        try (Ace ace = Ace.create(certConfig(stranger.issueClient("postgres"), CA).build())) {
            ClusterDefinition cluster = ace.cluster("acetest", null);
            assertThatThrownBy(() -> ace.pools().open(cluster.node("n1"), CallerRole.SERVICE, "testing"))
                    .isInstanceOf(AceException.class)
                    .satisfies(e -> assertThat(((AceException) e).code())
                            .isIn(ErrorCode.AUTHENTICATION_FAILED, ErrorCode.NODE_UNREACHABLE));
        }
    }

    @Test
    void aServerCertificateFromAnUntrustedAuthorityFailsVerification(TestDatabase db) {
        db.writeClusterJson(dir.resolve("cluster"));
        TestCertificates.Authority other = TestCertificates.authority("Untrusted CA");
        try (Ace ace = Ace.create(certConfig(CA.issueClient("postgres"), other).build())) {
            ClusterDefinition cluster = ace.cluster("acetest", null);
            assertThatThrownBy(() -> ace.pools().open(cluster.node("n2"), CallerRole.SERVICE, "testing"))
                    .isInstanceOf(AceException.class)
                    .hasMessageContaining("node n2 (127.0.0.1:" + db.node("n2").port() + ")");
        }
    }
}
