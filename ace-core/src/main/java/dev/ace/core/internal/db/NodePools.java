package dev.ace.core.internal.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import dev.ace.core.AceConfig;
import dev.ace.core.CallerRole;
import dev.ace.core.cluster.NodeDefinition;
import dev.ace.core.error.AceException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One HikariCP pool per node (per host, port, database and user), created on first use and
 * closed with the {@code Ace} that owns them. Thread-safe.
 *
 * <p>Every lease pins the session settings that change how values print as text, and the
 * statement timeout, then switches to the caller's role; see {@link #open}.
 */
public final class NodePools implements AutoCloseable {

    /**
     * Settings that change how values print as text, pinned on every lease so that nodes with
     * different server defaults, or a session that changed them, still print alike.
     */
    static final String PINNED_SETTINGS = "SET TimeZone TO 'UTC'; SET DateStyle TO 'ISO, YMD'; "
            + "SET IntervalStyle TO 'postgres'; SET extra_float_digits TO 3; SET bytea_output TO 'hex'; "
            + "SET search_path TO pg_catalog, public; ";

    private final AceConfig config;
    private final Map<PoolKey, HikariDataSource> pools = new ConcurrentHashMap<>();
    private volatile boolean closed;

    public NodePools(AceConfig config) {
        this.config = Objects.requireNonNull(config);
    }

    /**
     * Leases a connection to {@code node} with the session settings pinned and, unless the role
     * is {@link CallerRole#SERVICE}, {@code SET ROLE} to the caller's role.
     *
     * @param what what the connection is for, as a phrase for error messages ("checking table public.t")
     */
    public NodeSession open(NodeDefinition node, CallerRole role, String what) {
        if (closed) {
            throw new IllegalStateException("this Ace instance is closed");
        }
        HikariDataSource pool;
        Connection connection;
        try {
            pool = pools.computeIfAbsent(PoolKey.of(node), key -> createPool(node));
            connection = pool.getConnection();
        } catch (HikariPool.PoolInitializationException e) {
            SQLException cause = e.getCause() instanceof SQLException ? (SQLException) e.getCause()
                    : new SQLException(e.getMessage(), e);
            throw SqlErrors.wrap(cause, node, what);
        } catch (SQLException e) {
            throw SqlErrors.wrap(e, node, what);
        }
        NodeSession session = new NodeSession(node, role, connection, pool::evictConnection);
        try (Statement statement = connection.createStatement()) {
            statement.execute(PINNED_SETTINGS + "SET statement_timeout TO " + config.statementTimeout().toMillis() + "; "
                    + role.name().map(name -> "SET ROLE " + Sql.quote(name)).orElse("RESET ROLE"));
        } catch (SQLException e) {
            session.close();
            throw roleError(e, node, role, what);
        } catch (RuntimeException e) {
            session.close();
            throw e;
        }
        return session;
    }

    private static AceException roleError(SQLException error, NodeDefinition node, CallerRole role, String what) {
        String state = error.getSQLState();
        if (role.name().isPresent() && ("22023".equals(state) || "42704".equals(state) || "42501".equals(state))) {
            return new dev.ace.core.error.PermissionDeniedException("cannot act as role " + role.name().get() + " on node "
                    + node.describe() + " while " + what + ": " + SqlErrors.serverMessage(error), error);
        }
        return SqlErrors.wrap(error, node, what);
    }

    private HikariDataSource createPool(NodeDefinition node) {
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName("ace-" + node.name() + "-" + node.address());
        hikari.setJdbcUrl("jdbc:postgresql://" + node.address() + "/"
                + java.net.URLEncoder.encode(node.database(), java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20"));
        hikari.setUsername(node.user());
        node.password().ifPresent(hikari::setPassword);
        hikari.addDataSourceProperty("ApplicationName", config.applicationName());
        hikari.addDataSourceProperty("connectTimeout", String.valueOf(Math.max(1, config.connectTimeout().toSeconds())));
        hikari.addDataSourceProperty("loginTimeout", String.valueOf(Math.max(1, config.connectTimeout().toSeconds())));
        hikari.addDataSourceProperty("tcpKeepAlive", "true");
        // Values are read as the server prints them, never re-formatted from a binary transfer.
        hikari.addDataSourceProperty("binaryTransfer", "false");
        node.connectionOptions().forEach((key, value) -> {
            switch (key) {
                case "sslmode":
                case "sslcert":
                case "sslkey":
                case "sslrootcert":
                case "sslpassword":
                    hikari.addDataSourceProperty(key, value);
                    break;
                case "options":
                    hikari.addDataSourceProperty("options", value);
                    break;
                default:
                    break;
            }
        });
        if (config.useCertAuth()) {
            hikari.addDataSourceProperty("sslmode", "verify-full");
            hikari.addDataSourceProperty("sslcert", config.userCertFile().orElseThrow().toString());
            hikari.addDataSourceProperty("sslkey", config.userKeyFile().orElseThrow().toString());
            hikari.addDataSourceProperty("sslrootcert", config.caCertFile().orElseThrow().toString());
            config.userKeyPassword().ifPresent(password -> hikari.addDataSourceProperty("sslpassword", password));
        }
        hikari.setMaximumPoolSize(config.maxConnectionsPerNode());
        hikari.setMinimumIdle(0);
        hikari.setIdleTimeout(60_000);
        hikari.setConnectionTimeout(Math.max(250, config.connectTimeout().toMillis()));
        // The first connection is made when the pool is created: a node that is down or refuses the
        // login fails at once instead of after connect_timeout of retries, and no pool is kept for it.
        hikari.setInitializationFailTimeout(1);
        hikari.setAutoCommit(true);
        return new HikariDataSource(hikari);
    }

    /** Whether some thread is waiting for a connection to this node: long-running work should give its lease back. */
    public boolean hasWaiters(NodeDefinition node) {
        HikariDataSource pool = pools.get(PoolKey.of(node));
        return pool != null && pool.getHikariPoolMXBean() != null
                && pool.getHikariPoolMXBean().getThreadsAwaitingConnection() > 0;
    }

    /** Connections currently leased from the pools, summed over the nodes (for leak checks in tests). */
    public int activeConnections() {
        return pools.values().stream().mapToInt(pool -> pool.getHikariPoolMXBean() == null ? 0
                : pool.getHikariPoolMXBean().getActiveConnections()).sum();
    }

    @Override
    public void close() {
        closed = true;
        List<HikariDataSource> open = new ArrayList<>(pools.values());
        pools.clear();
        open.forEach(HikariDataSource::close);
    }

    /** What makes two node definitions share a pool. */
    private static final class PoolKey {
        private final String host;
        private final int port;
        private final String database;
        private final String user;
        private final Map<String, String> options;

        private PoolKey(String host, int port, String database, String user, Map<String, String> options) {
            this.host = host;
            this.port = port;
            this.database = database;
            this.user = user;
            this.options = options;
        }

        static PoolKey of(NodeDefinition node) {
            return new PoolKey(node.host(), node.port(), node.database(), node.user(), node.connectionOptions());
        }

        @Override
        public boolean equals(Object other) {
            if (!(other instanceof PoolKey)) {
                return false;
            }
            PoolKey that = (PoolKey) other;
            return port == that.port && host.equals(that.host) && database.equals(that.database) && user.equals(that.user)
                    && options.equals(that.options);
        }

        @Override
        public int hashCode() {
            return Objects.hash(host, port, database, user, options);
        }
    }
}
