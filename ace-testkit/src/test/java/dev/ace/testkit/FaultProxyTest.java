package dev.ace.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

@WithPgCluster(nodes = 1, scope = WithPgCluster.Scope.CLASS)
class FaultProxyTest {

    private static Connection through(FaultProxy proxy, TestDatabase db, int socketTimeoutSeconds) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", db.node("n1").superuser());
        properties.setProperty("sslmode", "disable");
        properties.setProperty("connectTimeout", "5");
        properties.setProperty("socketTimeout", String.valueOf(socketTimeoutSeconds));
        properties.setProperty("ApplicationName", "fault-proxy-test");
        return DriverManager.getConnection("jdbc:postgresql://" + proxy.host() + ":" + proxy.port() + "/" + db.name(),
                properties);
    }

    private static String value(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); var rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getString(1);
        }
    }

    @Test
    void forwardsUntilCutThenNewConnectionsWorkAgain(TestDatabase db) throws SQLException {
        try (FaultProxy proxy = FaultProxy.to(db.node("n1"))) {
            try (Connection connection = through(proxy, db, 10)) {
                assertThat(value(connection, "SELECT 40 + 2")).isEqualTo("42");
                assertThat(proxy.openConnections()).isEqualTo(1);
                proxy.inject(FaultProxy.Fault.CUT);
                assertThatThrownBy(() -> value(connection, "SELECT 1")).isInstanceOf(SQLException.class)
                        .satisfies(e -> assertThat(((SQLException) e).getSQLState()).startsWith("08"));
            }
            try (Connection again = through(proxy, db, 10)) {
                assertThat(value(again, "SELECT 'again'")).isEqualTo("again");
            }
        }
    }

    @Test
    void aResetEndsTheConnectionAtOnce(TestDatabase db) throws SQLException {
        try (FaultProxy proxy = FaultProxy.to(db.node("n1")); Connection connection = through(proxy, db, 10)) {
            value(connection, "SELECT 1");
            proxy.inject(FaultProxy.Fault.RESET);
            assertThatThrownBy(() -> value(connection, "SELECT 1")).isInstanceOf(SQLException.class)
                    .hasMessageContaining("I/O error");
        }
    }

    @Test
    void aStallKeepsTheSocketOpenUntilTheClientsTimeoutAndHealClosesIt(TestDatabase db) throws SQLException {
        try (FaultProxy proxy = FaultProxy.to(db.node("n1")); Connection connection = through(proxy, db, 1)) {
            value(connection, "SELECT 1");
            proxy.inject(FaultProxy.Fault.STALL);
            long start = System.nanoTime();
            assertThatThrownBy(() -> value(connection, "SELECT 1")).isInstanceOf(SQLException.class)
                    .hasRootCauseInstanceOf(java.net.SocketTimeoutException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(900),
                    Duration.ofSeconds(5));
            assertThat(proxy.openConnections()).isEqualTo(1);
            proxy.heal();
            assertThat(proxy.openConnections()).isZero();
        }
    }

    @Test
    void aTextTriggerHoldsTheStatementThatHasItAndNothingBefore(TestDatabase db) throws Exception {
        db.execute("n1", "CREATE TABLE held (id int)");
        try (FaultProxy proxy = FaultProxy.to(db.node("n1")); Connection connection = through(proxy, db, 30)) {
            proxy.injectWhen("INSERT INTO held VALUES (2)", FaultProxy.Fault.HOLD);
            try (Statement statement = connection.createStatement()) {
                statement.execute("INSERT INTO held VALUES (1)");
            }
            CompletableFuture<Void> second = CompletableFuture.runAsync(() -> {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("INSERT INTO held VALUES (2)");
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThat(proxy.awaitInjected(Duration.ofSeconds(10))).isTrue();
            assertThat(db.queryColumn("n1", "SELECT id::text FROM held")).containsExactly("1");
            proxy.heal();
            assertThatThrownBy(() -> second.get(10, TimeUnit.SECONDS)).hasRootCauseInstanceOf(java.io.EOFException.class);
            assertThat(db.queryColumn("n1", "SELECT id::text FROM held")).containsExactly("1");
        }
    }

    @Test
    void aByteCountTriggerCutsOnceThatManyBytesHavePassed(TestDatabase db) throws SQLException {
        try (FaultProxy proxy = FaultProxy.to(db.node("n1")); Connection connection = through(proxy, db, 10)) {
            proxy.injectAfter(100_000, FaultProxy.Fault.CUT);
            value(connection, "SELECT 1");
            assertThatThrownBy(() -> value(connection, "SELECT string_agg(md5(i::text), '') FROM generate_series(1, 10000) i"))
                    .isInstanceOf(SQLException.class);
            assertThat(proxy.awaitInjected(Duration.ZERO)).isTrue();
        }
    }

    @Test
    void slowCapsTheThroughput(TestDatabase db) throws SQLException {
        try (FaultProxy proxy = FaultProxy.to(db.node("n1")); Connection connection = through(proxy, db, 30)) {
            value(connection, "SELECT 1");
            proxy.slow(20_000);
            long start = System.nanoTime();
            // about 40 kB of answer: two seconds at 20 kB/s
            assertThat(value(connection, "SELECT repeat('x', 40000)")).hasSize(40000);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofMillis(1500));
        }
    }

    @Test
    void aNodeStoppedImmediatelyComesBackOnTheSamePortAndARestartEndsEverySession(TestDatabase db) throws SQLException {
        PgNode node = db.node("n1");
        db.execute("n1", "CREATE TABLE kept (id int)", "INSERT INTO kept VALUES (1)");
        try (Connection open = node.connect(db.name())) {
            node.stopImmediately();
            assertThatThrownBy(() -> value(open, "SELECT 1")).isInstanceOf(SQLException.class);
        }
        assertThatThrownBy(() -> node.connect(db.name())).isInstanceOf(SQLException.class);
        node.start();
        assertThat(db.queryValue("n1", "SELECT count(*) FROM kept")).isEqualTo("1");
        assertThat(db.queryValue("n1", "SELECT current_setting('max_prepared_transactions')")).isEqualTo("16");
        try (Connection open = node.connect(db.name())) {
            node.restart();
            assertThatThrownBy(() -> value(open, "SELECT 1")).isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isIn("57P01", "08006"));
        }
        assertThat(db.queryValue("n1", "SELECT count(*) FROM kept")).isEqualTo("1");
    }
}
