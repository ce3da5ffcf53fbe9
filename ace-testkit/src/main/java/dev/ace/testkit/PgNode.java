package dev.ace.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;

/**
 * One real PostgreSQL server of a {@link PgCluster}: its own process, its own port on loopback.
 *
 * <p>The test kit talks to it as the superuser over a plain (non-TLS) connection; the code under
 * test connects however its configuration says. Thread-safe: every call opens its own connection.
 */
public final class PgNode {

    private final String name;
    private final String host;
    private final int port;
    private final String superuser;
    private final String password;
    private final Path dataDirectory;
    private final String defaultDatabase;
    /** Where the server's programs are ({@code pg_ctl}), asked of the server the first time it is needed. */
    private volatile String binDirectory;

    PgNode(String name, String host, int port, String superuser, String password,
           Path dataDirectory, String defaultDatabase) {
        this.name = Objects.requireNonNull(name);
        this.host = Objects.requireNonNull(host);
        this.port = port;
        this.superuser = Objects.requireNonNull(superuser);
        this.password = password;
        this.dataDirectory = dataDirectory;
        this.defaultDatabase = defaultDatabase;
    }

    /** The node's name in cluster files: {@code n1}, {@code n2}, ... */
    public String name() {
        return name;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    /** {@code host:port}, as error messages name a node. */
    public String address() {
        return host + ":" + port;
    }

    public String superuser() {
        return superuser;
    }

    /** The superuser's password, or empty when the node trusts loopback connections. */
    public Optional<String> password() {
        return Optional.ofNullable(password);
    }

    /** The data directory, for backends that own the server (embedded); empty otherwise. */
    public Optional<Path> dataDirectory() {
        return Optional.ofNullable(dataDirectory);
    }

    /** The database that always exists on the node ({@code postgres} unless the backend says otherwise). */
    public String defaultDatabase() {
        return defaultDatabase;
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    /** A superuser connection to {@code database}; the caller closes it. */
    public Connection connect(String database) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", superuser);
        if (password != null) {
            properties.setProperty("password", password);
        }
        properties.setProperty("sslmode", "disable");
        properties.setProperty("ApplicationName", "ace-testkit");
        properties.setProperty("connectTimeout", "10");
        return DriverManager.getConnection(jdbcUrl(database), properties);
    }

    /** Runs each statement in its own autocommit round trip, as the superuser. */
    public void execute(String database, String... statements) {
        try (Connection connection = connect(database); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        } catch (SQLException e) {
            throw new TestKitException("on node " + name + " (" + address() + "), database " + database
                    + ": " + e.getMessage(), e);
        }
    }

    /** Runs a query with bound parameters and returns the first column of every row, as text. */
    public List<String> queryColumn(String database, String sql, Object... parameters) {
        try (Connection connection = connect(database);
             PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            List<String> values = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    values.add(rows.getString(1));
                }
            }
            return values;
        } catch (SQLException e) {
            throw new TestKitException("on node " + name + " (" + address() + "), database " + database
                    + ": " + e.getMessage(), e);
        }
    }

    /** The single value of a one-row, one-column query, as text (null for SQL NULL). */
    public String queryValue(String database, String sql, Object... parameters) {
        List<String> values = queryColumn(database, sql, parameters);
        if (values.size() != 1) {
            throw new TestKitException("expected one row from " + sql + " on node " + name + ", got " + values.size());
        }
        return values.get(0);
    }

    /** Number of rows of a query, for assertions such as {@code count("d", "select * from t")}. */
    public long count(String database, String sql, Object... parameters) {
        return Long.parseLong(queryValue(database, "SELECT count(*) FROM (" + sql + ") AS counted", parameters));
    }

    /**
     * Turns on TLS with the given server certificate and makes every TCP login except the test
     * kit's own superuser login require a client certificate issued by {@code authority}
     * ({@code hostssl ... cert}); the certificate's CN is the database user.
     */
    public void enableCertificateAuthentication(TestCertificates.Issued serverCertificate,
                                                TestCertificates.Authority authority) {
        Path dir = dataDirectory().orElseThrow(() -> new TestKitException(
                "node " + name + " is not owned by the test kit, so it cannot change its TLS settings"));
        try {
            Path cert = dir.resolve("server.crt");
            Path key = dir.resolve("server.key");
            Path ca = dir.resolve("root.crt");
            serverCertificate.writeCertificate(cert);
            serverCertificate.writePrivateKey(key);
            authority.writeCertificate(ca);
            Files.writeString(dir.resolve("pg_hba.conf"), String.join("\n",
                    "# written by the ACE test kit",
                    "local   all  all                    trust",
                    "hostnossl all " + superuser + " 127.0.0.1/32 trust",
                    "hostnossl all " + superuser + " ::1/128      trust",
                    "hostnossl replication " + superuser + " 127.0.0.1/32 trust",
                    "hostssl all  all  127.0.0.1/32       cert",
                    "hostssl all  all  ::1/128            cert",
                    ""));
        } catch (IOException e) {
            throw new TestKitException("could not write the TLS files of node " + name + ": " + e.getMessage(), e);
        }
        execute(defaultDatabase,
                "ALTER SYSTEM SET ssl = on",
                "ALTER SYSTEM SET ssl_cert_file = 'server.crt'",
                "ALTER SYSTEM SET ssl_key_file = 'server.key'",
                "ALTER SYSTEM SET ssl_ca_file = 'root.crt'",
                "SELECT pg_reload_conf()");
        awaitSetting("ssl", "on");
    }

    /**
     * Makes {@code users} log in with a password (SCRAM) over TCP; everyone else, the test kit's
     * superuser included, is still trusted. Undo with {@link #disableCertificateAuthentication()}.
     */
    public void requirePasswordFor(String... users) {
        List<String> lines = new ArrayList<>();
        lines.add("local all all trust");
        for (String user : users) {
            lines.add("host all " + user + " 127.0.0.1/32 scram-sha-256");
        }
        lines.add("host all all 127.0.0.1/32 trust");
        lines.add("host replication all 127.0.0.1/32 trust");
        HbaRules.apply(this, lines);
    }

    /** Restores plain loopback trust authentication and turns TLS off again. */
    public void disableCertificateAuthentication() {
        Path dir = dataDirectory().orElseThrow();
        try {
            Files.writeString(dir.resolve("pg_hba.conf"), String.join("\n",
                    "# written by the ACE test kit",
                    "local all all trust",
                    "host  all all 127.0.0.1/32 trust",
                    "host  all all ::1/128 trust",
                    "host  replication all 127.0.0.1/32 trust",
                    ""));
        } catch (IOException e) {
            throw new TestKitException("could not write pg_hba.conf of node " + name + ": " + e.getMessage(), e);
        }
        execute(defaultDatabase, "ALTER SYSTEM RESET ssl", "SELECT pg_reload_conf()");
        awaitSetting("ssl", "off");
    }

    private void awaitSetting(String setting, String expected) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (expected.equals(queryValue(defaultDatabase, "SELECT current_setting('" + setting + "')"))) {
                return;
            }
            sleep(20);
        }
        throw new TestKitException("node " + name + " did not take " + setting + " = " + expected + " within 10 s");
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TestKitException("interrupted while waiting", e);
        }
    }

    /**
     * Stops the server the way a crash does ({@code pg_ctl stop -m immediate}): every backend
     * ends at once, nothing is checkpointed; {@link #start()} brings it back on the same port and
     * data directory, and crash recovery runs. Only for nodes the test kit owns.
     */
    public void stopImmediately() {
        pgCtl("stop", "-m", "immediate");
    }

    /**
     * Restarts the server ({@code pg_ctl restart -m fast}): every backend is terminated
     * (SQLSTATE 57P01), the server comes back on the same port. Only for nodes the test kit owns.
     */
    public void restart() {
        pgCtl("restart", "-m", "fast");
    }

    /**
     * Starts a server stopped by {@link #stopImmediately()} again, with the options it last ran with
     * ({@code postmaster.opts}: its port and settings), and waits until it accepts connections.
     */
    public void start() {
        // "restart" of a stopped server starts it with the options it last ran with
        pgCtl("restart");
    }

    private void pgCtl(String... action) {
        Path dir = dataDirectory().orElseThrow(() -> new TestKitException(
                "node " + name + " is not owned by the test kit, so it cannot be stopped or started"));
        String binaries = binDirectory;
        if (binaries == null) {
            binaries = queryValue(defaultDatabase, "SELECT setting FROM pg_config WHERE name = 'BINDIR'");
            binDirectory = binaries;
        }
        List<String> command = new ArrayList<>();
        if ("root".equals(System.getProperty("user.name"))) {
            // as the embedded backend does: PostgreSQL refuses to run as root, but runs in a user namespace
            command.addAll(List.of("unshare", "-U"));
        }
        command.addAll(List.of(Path.of(binaries, "pg_ctl").toString(), "-D", dir.toString(), "-w", "-t", "60",
                "-l", dir.resolve("restart.log").toString()));
        command.addAll(List.of(action));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("pg_ctl.out").toFile())).start();
            if (!process.waitFor(90, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new TestKitException("pg_ctl " + String.join(" ", action) + " of node " + name
                        + " did not end within 90 s");
            }
            if (process.exitValue() != 0) {
                throw new TestKitException("pg_ctl " + String.join(" ", action) + " of node " + name + " failed (exit "
                        + process.exitValue() + "): " + Files.readString(dir.resolve("pg_ctl.out")));
            }
        } catch (IOException e) {
            throw new TestKitException("could not run pg_ctl for node " + name + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TestKitException("interrupted while running pg_ctl for node " + name, e);
        }
    }

    @Override
    public String toString() {
        return name + " (" + address() + ")";
    }
}
