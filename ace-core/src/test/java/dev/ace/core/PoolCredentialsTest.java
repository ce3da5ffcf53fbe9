package dev.ace.core;

import dev.ace.core.diff.DiffResult;
import dev.ace.core.diff.TableDiffRequest;
import dev.ace.core.error.AuthenticationFailedException;
import dev.ace.core.internal.db.NodeSession;
import dev.ace.testkit.PgCluster;
import dev.ace.testkit.PgNode;
import dev.ace.testkit.TestDatabase;
import dev.ace.testkit.WithPgCluster;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Pools are keyed by the whole credential: a second cluster definition for the same login with
 * another password gets its own pool, and so the server's verdict on that password.
 */
@WithPgCluster(nodes = 2, scope = WithPgCluster.Scope.CLASS)
class PoolCredentialsTest {

    private static final String RIGHT = "Right-Pw-7f3a";
    private static final String WRONG = "Wrong-Pw-91c2";
    private static final String FIRST = "First-Pw-c0d5";
    private static final String SECOND = "Second-Pw-e8b1";

    @TempDir
    Path dir;

    @BeforeAll
    static void requirePasswords(PgCluster cluster) {
        for (PgNode node : cluster.nodes()) {
            node.execute("postgres", "CREATE ROLE ace_pool LOGIN PASSWORD '" + RIGHT + "'",
                    "CREATE ROLE ace_rotate LOGIN PASSWORD '" + FIRST + "'");
            node.requirePasswordFor("ace_pool", "ace_rotate");
        }
    }

    @AfterAll
    static void restore(PgCluster cluster) {
        for (PgNode node : cluster.nodes()) {
            node.disableCertificateAuthentication();
            node.execute("postgres", "DROP ROLE ace_pool", "DROP ROLE ace_rotate");
        }
    }

    /** A cluster file {@code <cluster>.json} naming both nodes, logging in as {@code user} with {@code password}. */
    private void writeCluster(TestDatabase db, String cluster, String user, String password) throws Exception {
        Path file = dir.resolve("cluster").resolve(cluster).resolve(cluster + ".json");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "{\"cluster_name\": \"" + cluster + "\", \"pgedge\": {\"databases\": [{\"db_name\": \""
                + db.name() + "\", \"db_user\": \"" + user + "\", \"db_password\": \"" + password + "\"}]}, "
                + "\"node_groups\": [{\"name\": \"n1\", \"public_ip\": \"127.0.0.1\", \"port\": \"" + db.node("n1").port()
                + "\"}, {\"name\": \"n2\", \"public_ip\": \"127.0.0.1\", \"port\": \"" + db.node("n2").port() + "\"}]}");
    }

    private Ace ace() {
        return Ace.create(AceConfig.builder().clusterDirectory(dir.resolve("cluster")).outputDirectory(dir.resolve("out"))
                .connectTimeout(Duration.ofSeconds(2)).build());
    }

    private static String refusal(TestDatabase db, String user, String what) {
        return "node n1 (127.0.0.1:" + db.node("n1").port() + ") refused the login of user " + user + " while " + what
                + ": password authentication failed for user \"" + user + "\" [SQLSTATE 28P01]";
    }

    /** The secret appears in no message, and no string form, of the error or of anything in its chain. */
    private static void assertNothingShows(Throwable error, String secret) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable t = error; t != null && !chain.contains(t); t = t.getCause()) {
            chain.add(t);
        }
        for (Throwable t : chain) {
            assertThat(String.valueOf(t.getMessage())).doesNotContain(secret);
            assertThat(t.toString()).doesNotContain(secret);
            for (Throwable suppressed : t.getSuppressed()) {
                assertThat(suppressed.toString()).doesNotContain(secret);
            }
        }
    }

    @Test
    void aWrongPasswordIsRefusedAlthoughAPoolForTheSameLoginIsOpen(TestDatabase db) throws Exception {
        writeCluster(db, "right", "ace_pool", RIGHT);
        writeCluster(db, "wrong", "ace_pool", WRONG);
        PrintStream err = System.err;
        PrintStream out = System.out;
        ByteArrayOutputStream logged = new ByteArrayOutputStream();
        try (Ace ace = ace()) {
            assertThat(ace.checkNodes("right", null, "all", CallerRole.SERVICE))
                    .extracting(status -> status.currentUser()).containsExactly("ace_pool", "ace_pool");
            PrintStream capture = new PrintStream(logged, true, StandardCharsets.UTF_8);
            System.setErr(capture);
            System.setOut(capture);
            Throwable refused = org.assertj.core.api.Assertions.catchThrowable(
                    () -> ace.checkNodes("wrong", null, "all", CallerRole.SERVICE));
            System.setErr(err);
            System.setOut(out);
            assertThat(refused).isInstanceOf(AuthenticationFailedException.class)
                    .hasMessage(refusal(db, "ace_pool", "checking the connection"));
            assertNothingShows(refused, WRONG);
            assertNothingShows(refused, RIGHT);
            assertThat(logged.toString(StandardCharsets.UTF_8)).doesNotContain(WRONG).doesNotContain(RIGHT);
            // the right definition is still served by its own pool
            assertThat(ace.checkNodes("right", null, "n2", CallerRole.SERVICE).get(0).currentUser()).isEqualTo("ace_pool");
            assertThat(ace.activeConnections()).isZero();
        } finally {
            System.setErr(err);
            System.setOut(out);
        }
    }

    @Test
    void aTableDiffWithAWrongPasswordIsRefusedAfterOneWithTheRightPassword(TestDatabase db) throws Exception {
        db.executeOnAll("CREATE TABLE public.t (id int PRIMARY KEY, v text)",
                "INSERT INTO public.t SELECT g, 'v' || g FROM generate_series(1, 100) g",
                "GRANT SELECT ON public.t TO ace_pool");
        writeCluster(db, "right", "ace_pool", RIGHT);
        writeCluster(db, "wrong", "ace_pool", WRONG);
        try (Ace ace = ace()) {
            DiffResult result = ace.diff().diff(TableDiffRequest.builder("right", "public.t").build());
            assertThat(result.match()).isTrue();
            assertThat(result.totalRowsChecked()).isEqualTo(200);
            assertThatThrownBy(() -> ace.diff().diff(TableDiffRequest.builder("wrong", "public.t").build()))
                    .isInstanceOf(AuthenticationFailedException.class)
                    .satisfies(refused -> assertNothingShows(refused, WRONG))
                    .satisfies(refused -> assertThat(refused.getMessage())
                            .contains("refused the login of user ace_pool while ")
                            .endsWith(": password authentication failed for user \"ace_pool\" [SQLSTATE 28P01]"));
            assertThat(ace.activeConnections()).isZero();
        }
    }

    @Test
    void aRotatedPasswordIsUsedWhileThePoolOfTheOldOneIsOpen(TestDatabase db) throws Exception {
        writeCluster(db, "before", "ace_rotate", FIRST);
        writeCluster(db, "after", "ace_rotate", SECOND);
        try (Ace ace = ace()) {
            assertThat(ace.checkNodes("before", null, "n1", CallerRole.SERVICE).get(0).currentUser()).isEqualTo("ace_rotate");
            try (NodeSession running = ace.pools().open(ace.cluster("before", null).node("n1"), CallerRole.SERVICE,
                    "testing")) {
                db.node("n1").execute("postgres", "ALTER ROLE ace_rotate PASSWORD '" + SECOND + "'");

                assertThat(ace.checkNodes("after", null, "n1", CallerRole.SERVICE).get(0).currentUser())
                        .isEqualTo("ace_rotate");
                // work leased before the rotation goes on: the old pool is not closed under it
                try (Statement statement = running.connection().createStatement();
                     ResultSet rows = statement.executeQuery("SELECT current_user")) {
                    rows.next();
                    assertThat(rows.getString(1)).isEqualTo("ace_rotate");
                }
            }
            // the old definition now holds a wrong password: its pool must log in again, and is refused
            assertThatThrownBy(() -> ace.checkNodes("before", null, "n1", CallerRole.SERVICE))
                    .isInstanceOf(AuthenticationFailedException.class)
                    .hasMessage(refusal(db, "ace_rotate", "checking the connection"))
                    .satisfies(refused -> assertNothingShows(refused, FIRST))
                    .satisfies(refused -> assertNothingShows(refused, SECOND));
            assertThat(ace.checkNodes("after", null, "n1", CallerRole.SERVICE).get(0).currentUser()).isEqualTo("ace_rotate");
            assertThat(ace.activeConnections()).isZero();
        }
    }
}
