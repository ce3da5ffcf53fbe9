package dev.ace.core.internal.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import com.zaxxer.hikari.pool.HikariPool;
import dev.ace.core.AceConfig;
import dev.ace.core.CallerRole;
import dev.ace.core.cluster.NodeDefinition;
import dev.ace.core.error.AceException;
import dev.ace.core.error.ErrorCode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.postgresql.ds.PGSimpleDataSource;
import org.postgresql.jdbcurlresolver.PgPassParser;

/**
 * One HikariCP pool per node and credential (host, port, database, user, the password actually
 * used, the client certificate, key and key password), created on first use and closed with the
 * {@code Ace} that owns them. Thread-safe.
 *
 * <p>Two cluster definitions of the same login share a pool only if they log in alike: a
 * definition with another password gets its own pool, so a wrong password is refused by the
 * server even while a pool for the right one is open. Pools are looked up by a {@link PoolKey}
 * that holds a keyed digest of the secrets, never the secrets themselves.
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
            + "SET search_path TO pg_catalog, public; "
            // ACE's statements scan and hash or write many rows with simple expressions: on a server
            // built with LLVM, JIT compiles them for tenths of a second each and gains nothing back
            + "SET jit TO off; ";

    /**
     * Connection options that are part of the credential (the client certificate, its key and the
     * key's password): digested into the pool key with the password, never kept in it as text.
     */
    private static final Set<String> CREDENTIAL_OPTIONS = Set.of("sslcert", "sslkey", "sslpassword");

    private static final String DIGEST = "HmacSHA256";

    /** How many times {@code connect_timeout} work waits for a connection of a node whose connections are all in use. */
    static final int BUSY_WAIT_FACTOR = 10;

    private final AceConfig config;
    private final Map<PoolKey, HikariDataSource> pools = new ConcurrentHashMap<>();
    /** Keys the digests of pool keys: random per instance, so a digest tells nothing outside it. */
    private final SecretKeySpec digestKey;
    private volatile boolean closed;

    public NodePools(AceConfig config) {
        this.config = Objects.requireNonNull(config);
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        this.digestKey = new SecretKeySpec(key, DIGEST);
        Arrays.fill(key, (byte) 0);
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
            pool = pool(login(node));
            connection = lease(pool, node, what);
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

    /**
     * A connection of {@code pool}. When every connection is leased, the wait goes on (each try
     * lasts the pool's connection timeout, {@code connect_timeout}) up to {@link #BUSY_WAIT_FACTOR}
     * x {@code connect_timeout}, then fails with {@link ErrorCode#NODE_BUSY}; a connection that
     * cannot be made fails at once, as the driver said.
     */
    private Connection lease(HikariDataSource pool, NodeDefinition node, String what) throws SQLException {
        long waitMillis = BUSY_WAIT_FACTOR * Math.max(250, config.connectTimeout().toMillis());
        long deadline = System.nanoTime() + waitMillis * 1_000_000;
        while (true) {
            try {
                return pool.getConnection();
            } catch (SQLTransientConnectionException e) {
                HikariPoolMXBean state = pool.getHikariPoolMXBean();
                boolean allLeased = e.getCause() == null && state != null
                        && state.getActiveConnections() >= pool.getMaximumPoolSize();
                if (!allLeased || closed) {
                    throw e;
                }
                if (System.nanoTime() - deadline >= 0) {
                    int waiting = state.getThreadsAwaitingConnection() + 1;
                    throw new AceException(ErrorCode.NODE_BUSY, "node " + node.describe() + " is busy: while " + what
                            + ", " + waiting + (waiting == 1 ? " request" : " requests") + " waited more than "
                            + waitMillis / 1000.0 + " s for one of the " + pool.getMaximumPoolSize()
                            + " connections of pool " + pool.getPoolName() + " (max_connections_per_node), all in "
                            + "use; try again later, or raise max_connections_per_node", e);
                }
            }
        }
    }

    private static AceException roleError(SQLException error, NodeDefinition node, CallerRole role, String what) {
        String state = error.getSQLState();
        if (role.name().isPresent() && ("22023".equals(state) || "42704".equals(state) || "42501".equals(state))) {
            return new dev.ace.core.error.PermissionDeniedException("cannot act as role " + role.name().get() + " on node "
                    + node.describe() + " while " + what + ": " + SqlErrors.serverMessage(error), error);
        }
        return SqlErrors.wrap(error, node, what);
    }

    /**
     * The pool of this login, created if there is none. A pool made for a new credential of a
     * login that already has pools (a rotated password) empties the idle connections of the
     * others: they must log in again, with their own credential, before serving anyone.
     */
    private HikariDataSource pool(Login login) {
        PoolKey key = PoolKey.of(login, digestKey);
        HikariDataSource pool = pools.get(key);
        if (pool != null) {
            return pool;
        }
        boolean[] created = {false};
        pool = pools.computeIfAbsent(key, absent -> {
            created[0] = true;
            return createPool(login);
        });
        if (created[0]) {
            pools.forEach((other, otherPool) -> {
                if (other.sameLogin(key) && !other.sameCredential(key) && otherPool.getHikariPoolMXBean() != null) {
                    // leased connections stay until they are given back; work in progress goes on
                    otherPool.getHikariPoolMXBean().softEvictConnections();
                }
            });
        }
        return pool;
    }

    /**
     * How ACE logs in to {@code node}: the password it uses (the definition's, else the one
     * {@code .pgpass} holds for the node, found as the driver finds it) and the connection
     * options, with those of certificate authentication in force.
     */
    private Login login(NodeDefinition node) {
        String password = node.password().orElseGet(() -> {
            String fromPgpass = PgPassParser.getPassword(node.host(), String.valueOf(node.port()), node.database(),
                    node.user());
            return fromPgpass == null || fromPgpass.isEmpty() ? null : fromPgpass;
        });
        Map<String, String> options = new TreeMap<>();
        node.connectionOptions().forEach((key, value) -> {
            switch (key) {
                case "sslmode":
                case "sslcert":
                case "sslkey":
                case "sslrootcert":
                case "sslpassword":
                case "options":
                    options.put(key, value);
                    break;
                default:
                    break;
            }
        });
        if (config.useCertAuth()) {
            options.put("sslmode", "verify-full");
            options.put("sslcert", config.userCertFile().orElseThrow().toString());
            options.put("sslkey", config.userKeyFile().orElseThrow().toString());
            options.put("sslrootcert", config.caCertFile().orElseThrow().toString());
            config.userKeyPassword().ifPresent(keyPassword -> options.put("sslpassword", keyPassword));
        }
        return new Login(node, password, options);
    }

    private HikariDataSource createPool(Login login) {
        return new HikariDataSource(poolConfig(login));
    }

    /** The configuration of {@code node}'s pool, as {@link #open} would create it (for tests: what HikariCP may log). */
    HikariConfig poolConfig(NodeDefinition node) {
        return poolConfig(login(node));
    }

    /**
     * The pool's settings. The driver is configured through a data source of its own, never
     * through HikariCP's URL or data source properties: HikariCP prints those at DEBUG level and
     * masks only a property named {@code password}, which would show the key's
     * {@code sslpassword}.
     */
    private HikariConfig poolConfig(Login login) {
        NodeDefinition node = login.node;
        PGSimpleDataSource source = new PGSimpleDataSource();
        source.setServerNames(new String[] {node.host()});
        source.setPortNumbers(new int[] {node.port()});
        source.setDatabaseName(node.database());
        source.setUser(node.user());
        if (login.password != null) {
            source.setPassword(login.password);
        }
        source.setApplicationName(config.applicationName());
        int connectSeconds = (int) Math.max(1, config.connectTimeout().toSeconds());
        source.setConnectTimeout(connectSeconds);
        source.setLoginTimeout(connectSeconds);
        source.setTcpKeepAlive(true);
        source.setSocketTimeout(socketTimeoutSeconds(config));
        // Values are read as the server prints them, never re-formatted from a binary transfer.
        source.setBinaryTransfer(false);
        login.options.forEach((name, value) -> {
            try {
                source.setProperty(name, value);
            } catch (SQLException e) {
                throw new IllegalStateException("connection option " + name + " is not the driver's", e);
            }
        });
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName("ace-" + node.name() + "-" + node.address());
        hikari.setDataSource(source);
        hikari.setMaximumPoolSize(config.maxConnectionsPerNode());
        hikari.setMinimumIdle(0);
        hikari.setIdleTimeout(60_000);
        hikari.setConnectionTimeout(Math.max(250, config.connectTimeout().toMillis()));
        // The first connection is made when the pool is created: a node that is down or refuses the
        // login fails at once instead of after connect_timeout of retries, and no pool is kept for it.
        hikari.setInitializationFailTimeout(1);
        hikari.setAutoCommit(true);
        return hikari;
    }

    /**
     * How long the driver waits for any reply of a node before it gives the connection up, in
     * seconds: the statement timeout plus the connect timeout, rounded up, since the server
     * answers every statement within the statement timeout (if only to cancel it) unless the node
     * or the network stopped answering. Without it a stalled connection would wait forever. 0 (no
     * limit) only when the statement timeout is 0, which asks for statements without a limit.
     */
    static int socketTimeoutSeconds(AceConfig config) {
        if (config.statementTimeout().isZero()) {
            return 0;
        }
        long millis = config.statementTimeout().plus(config.connectTimeout()).toMillis();
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, (millis + 999) / 1000));
    }

    /** Whether some thread is waiting for a connection to this node: long-running work should give its lease back. */
    public boolean hasWaiters(NodeDefinition node) {
        HikariDataSource pool = pools.get(PoolKey.of(login(node), digestKey));
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

    /** The pool key of {@code node}, as {@link #open} looks its pool up: for tests of this package. */
    PoolKey keyOf(NodeDefinition node) {
        return PoolKey.of(login(node), digestKey);
    }

    /** What a pool logs in with; holds secrets, so it lives only while a pool is looked up or made. */
    private static final class Login {
        final NodeDefinition node;
        final String password;
        final Map<String, String> options;

        Login(NodeDefinition node, String password, Map<String, String> options) {
            this.node = node;
            this.password = password;
            this.options = options;
        }
    }

    /**
     * What makes two node definitions share a pool: the address, database and user, the other
     * connection options, and an HMAC-SHA-256 (keyed per {@code NodePools}) of the credential: the
     * password, the client certificate and key files and the key's password. Neither
     * {@link #toString()} nor any field shows a secret.
     */
    static final class PoolKey {
        private final String host;
        private final int port;
        private final String database;
        private final String user;
        private final Map<String, String> options;
        private final byte[] credential;

        private PoolKey(String host, int port, String database, String user, Map<String, String> options,
                        byte[] credential) {
            this.host = host;
            this.port = port;
            this.database = database;
            this.user = user;
            this.options = options;
            this.credential = credential;
        }

        static PoolKey of(Login login, SecretKeySpec digestKey) {
            NodeDefinition node = login.node;
            Map<String, String> plain = new TreeMap<>(login.options);
            plain.keySet().removeAll(CREDENTIAL_OPTIONS);
            List<String> secrets = new ArrayList<>();
            secrets.add(login.password);
            CREDENTIAL_OPTIONS.stream().sorted().forEach(option -> secrets.add(login.options.get(option)));
            return new PoolKey(node.host(), node.port(), node.database(), node.user(), Collections.unmodifiableMap(plain),
                    digest(digestKey, secrets));
        }

        /** Each secret as absent, or present with its length and its UTF-8 bytes, so that no two lists digest alike. */
        private static byte[] digest(SecretKeySpec digestKey, List<String> secrets) {
            try {
                Mac mac = Mac.getInstance(DIGEST);
                mac.init(digestKey);
                for (String secret : secrets) {
                    if (secret == null) {
                        mac.update((byte) 0);
                        continue;
                    }
                    byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
                    mac.update((byte) 1);
                    mac.update(ByteBuffer.allocate(Integer.BYTES).putInt(bytes.length).array());
                    mac.update(bytes);
                    Arrays.fill(bytes, (byte) 0);
                }
                return mac.doFinal();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(DIGEST + " is not available in this Java runtime", e);
            }
        }

        /** Whether both keys log in to the same database as the same user, whatever the credential. */
        boolean sameLogin(PoolKey other) {
            return port == other.port && host.equals(other.host) && database.equals(other.database)
                    && user.equals(other.user);
        }

        /** Whether both keys log in with the same password, certificate, key and key password. */
        boolean sameCredential(PoolKey other) {
            return MessageDigest.isEqual(credential, other.credential);
        }

        @Override
        public boolean equals(Object other) {
            if (!(other instanceof PoolKey)) {
                return false;
            }
            PoolKey that = (PoolKey) other;
            return sameLogin(that) && options.equals(that.options) && sameCredential(that);
        }

        @Override
        public int hashCode() {
            return Objects.hash(host, port, database, user, options) * 31 + Arrays.hashCode(credential);
        }

        /** The login and the options other than the credential, which is never shown, not even as its digest. */
        @Override
        public String toString() {
            return "pool key " + user + "@" + host + ":" + port + "/" + database
                    + (options.isEmpty() ? "" : " " + options);
        }
    }
}
