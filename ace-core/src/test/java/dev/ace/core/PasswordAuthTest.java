package dev.ace.core;

import dev.ace.core.error.AuthenticationFailedException;
import dev.ace.testkit.PgCluster;
import dev.ace.testkit.PgNode;
import dev.ace.testkit.TestDatabase;
import dev.ace.testkit.WithPgCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A node that wants a password from ACE's user: from the cluster file, or from .pgpass when the file has none. */
@WithPgCluster(nodes = 1, scope = WithPgCluster.Scope.CLASS)
class PasswordAuthTest {

    private static final String PASSWORD = "correct horse:battery";

    @TempDir
    Path dir;

    @BeforeAll
    static void requirePasswords(PgCluster cluster) {
        PgNode node = cluster.node("n1");
        node.execute("postgres", "CREATE ROLE ace_pw LOGIN PASSWORD '" + PASSWORD + "'");
        node.requirePasswordFor("ace_pw");
    }

    @AfterAll
    static void restore(PgCluster cluster) {
        cluster.node("n1").disableCertificateAuthentication();
        cluster.node("n1").execute("postgres", "DROP ROLE ace_pw");
    }

    private Ace aceWithPassword(TestDatabase db, String password) throws Exception {
        Path file = dir.resolve("cluster/pw/pw.json");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "{\"cluster_name\": \"pw\", \"pgedge\": {\"databases\": [{\"db_name\": \"" + db.name()
                + "\", \"db_user\": \"ace_pw\", \"db_password\": \"" + password + "\"}]}, \"node_groups\": "
                + "[{\"name\": \"n1\", \"public_ip\": \"127.0.0.1\", \"port\": \"" + db.node("n1").port() + "\"}]}");
        return Ace.create(AceConfig.builder().clusterDirectory(dir.resolve("cluster")).build());
    }

    @Test
    void thePasswordFromTheClusterFileLogsIn(TestDatabase db) throws Exception {
        try (Ace ace = aceWithPassword(db, PASSWORD)) {
            assertThat(ace.checkNodes("pw", null, "all", CallerRole.SERVICE).get(0).currentUser()).isEqualTo("ace_pw");
        }
    }

    @Test
    void aWrongPasswordIsRefusedWithoutShowingIt(TestDatabase db) throws Exception {
        try (Ace ace = aceWithPassword(db, "not-the-password")) {
            assertThatThrownBy(() -> ace.checkNodes("pw", null, "all", CallerRole.SERVICE))
                    .isInstanceOf(AuthenticationFailedException.class)
                    .hasMessage("node n1 (127.0.0.1:" + db.node("n1").port() + ") refused the login of user ace_pw while "
                            + "checking the connection: password authentication failed for user \"ace_pw\" [SQLSTATE 28P01]")
                    .hasMessageNotContaining("not-the-password");
        }
    }

    @Test
    void withoutAPasswordInTheClusterFileDotPgpassIsUsed(TestDatabase db) throws Exception {
        Path pgpass = dir.resolve("pgpass");
        Files.writeString(pgpass, "127.0.0.1:" + db.node("n1").port() + ":*:ace_pw:"
                + PASSWORD.replace(":", "\\:") + "\n");
        Files.setPosixFilePermissions(pgpass, PosixFilePermissions.fromString("rw-------"));
        try (Ace ace = aceWithPassword(db, "")) {
            assertThatThrownBy(() -> ace.checkNodes("pw", null, "all", CallerRole.SERVICE))
                    .isInstanceOf(AuthenticationFailedException.class)
                    .hasMessageEndingWith("; give the password in the cluster definition or in ~/.pgpass (or the file "
                            + "PGPASSFILE names) [SQLSTATE 08004]");
            System.setProperty("org.postgresql.pgpassfile", pgpass.toString());
            assertThat(ace.checkNodes("pw", null, "all", CallerRole.SERVICE).get(0).currentUser()).isEqualTo("ace_pw");
        } finally {
            System.clearProperty("org.postgresql.pgpassfile");
        }
    }
}
