package dev.ace.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * N real PostgreSQL nodes on loopback, each its own server on its own port, ready for logical
 * replication ({@code wal_level=logical}, {@code synchronous_commit=on}, slots and senders for a
 * 4-node mesh).
 *
 * <pre>{@code
 * try (PgCluster cluster = PgCluster.builder().name("demo").nodes(3).start()) {
 *     TestDatabase db = cluster.createDatabase("shop");
 *     db.executeOnAll("CREATE TABLE t (id int PRIMARY KEY, v text)");
 *     db.writeClusterJson(clusterDirectory);   // then drive ACE as a user would
 * }
 * }</pre>
 *
 * Thread-safe. Closing stops the servers the cluster started.
 */
public final class PgCluster implements AutoCloseable {

    private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    private final String name;
    private final NodeBackend backend;
    private final List<PgNode> nodes;
    private final AtomicInteger databaseCounter = new AtomicInteger();

    private PgCluster(String name, NodeBackend backend, List<PgNode> nodes) {
        this.name = name;
        this.backend = backend;
        this.nodes = List.copyOf(nodes);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The cluster name written into cluster files. */
    public String name() {
        return name;
    }

    public List<PgNode> nodes() {
        return nodes;
    }

    /** Node by name ({@code n1}, ...). */
    public PgNode node(String nodeName) {
        return nodes.stream().filter(node -> node.name().equals(nodeName)).findFirst()
                .orElseThrow(() -> new TestKitException("cluster " + name + " has no node " + nodeName));
    }

    /** Whether the test kit owns the servers' files, so it can switch on TLS and certificate auth. */
    public boolean ownsServers() {
        return backend.ownsServers();
    }

    /** Creates a database of this name on every node (dropping any leftover of the same name first). */
    public TestDatabase createDatabase(String databaseName) {
        if (!NAME.matcher(databaseName).matches()) {
            throw new TestKitException("test database names are lower-case identifiers, was '" + databaseName + "'");
        }
        for (PgNode node : nodes) {
            node.execute(node.defaultDatabase(), "DROP DATABASE IF EXISTS " + databaseName + " WITH (FORCE)",
                    "CREATE DATABASE " + databaseName);
        }
        return new TestDatabase(this, databaseName, nodes);
    }

    /** Creates a database with a fresh, unique name on every node. */
    public TestDatabase createDatabase() {
        return createDatabase("acetest_" + ProcessHandle.current().pid() + "_" + databaseCounter.incrementAndGet());
    }

    @Override
    public void close() {
        backend.close();
    }

    @Override
    public String toString() {
        return "cluster " + name + " " + nodes;
    }

    /** Options of a cluster; {@link #start()} starts it. */
    public static final class Builder {
        private String name = "acetest";
        private int nodes = 3;
        private NodeBackend backend;

        private Builder() {
        }

        /** The cluster name used in cluster files (default {@code acetest}). */
        public Builder name(String clusterName) {
            this.name = Objects.requireNonNull(clusterName);
            return this;
        }

        /** Number of nodes, 1 to 8 (default 3). */
        public Builder nodes(int count) {
            if (count < 1 || count > 8) {
                throw new TestKitException("a test cluster has 1 to 8 nodes, was " + count);
            }
            this.nodes = count;
            return this;
        }

        /** Overrides the backend the environment selects (see {@link NodeBackend}). */
        public Builder backend(NodeBackend nodeBackend) {
            this.backend = Objects.requireNonNull(nodeBackend);
            return this;
        }

        public PgCluster start() {
            NodeBackend chosen = backend != null ? backend
                    : NodeBackend.fromEnvironment(System.getenv(), systemProperties());
            List<PgNode> started = new ArrayList<>(chosen.start(nodes));
            return new PgCluster(name, chosen, started);
        }

        private static Map<String, String> systemProperties() {
            Map<String, String> properties = new java.util.HashMap<>();
            System.getProperties().forEach((key, value) -> properties.put(String.valueOf(key), String.valueOf(value)));
            return properties;
        }
    }
}
