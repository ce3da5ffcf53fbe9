package dev.ace.testkit;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A database of the same name on every node of a {@link PgCluster}: what a test works in.
 * Thread-safe.
 */
public final class TestDatabase {

    private final PgCluster cluster;
    private final String name;
    private final List<PgNode> nodes;

    TestDatabase(PgCluster cluster, String name, List<PgNode> nodes) {
        this.cluster = cluster;
        this.name = name;
        this.nodes = List.copyOf(nodes);
    }

    public String name() {
        return name;
    }

    public PgCluster cluster() {
        return cluster;
    }

    public List<PgNode> nodes() {
        return nodes;
    }

    public PgNode node(String nodeName) {
        return cluster.node(nodeName);
    }

    /** Runs the statements on every node, in node order. */
    public void executeOnAll(String... statements) {
        for (PgNode node : nodes) {
            node.execute(name, statements);
        }
    }

    /** Runs the statements on one node only: the way a write that did not replicate looks. */
    public void execute(String nodeName, String... statements) {
        node(nodeName).execute(name, statements);
    }

    public String queryValue(String nodeName, String sql, Object... parameters) {
        return node(nodeName).queryValue(name, sql, parameters);
    }

    public List<String> queryColumn(String nodeName, String sql, Object... parameters) {
        return node(nodeName).queryColumn(name, sql, parameters);
    }

    /**
     * Writes the pgEdge cluster file {@code <clusterDirectory>/<cluster>/<cluster>.json} with this
     * database as the cluster's only database; returns its path.
     */
    public Path writeClusterJson(Path clusterDirectory) {
        return ClusterFiles.writeClusterJson(clusterDirectory, cluster.name(), name, nodes);
    }

    /** Writes a {@code pg_service.conf} with a {@code [cluster]} and a {@code [cluster.nX]} section per node. */
    public Path writePgServiceConf(Path file) {
        return ClusterFiles.writePgServiceConf(file, cluster.name(), name, nodes);
    }

    /** Native logical replication between the nodes of this database. */
    public Replication replication() {
        return new Replication(this);
    }

    /** Drops the database on every node, forcing out connections that are still open. */
    public void drop() {
        for (PgNode node : nodes) {
            node.queryColumn(name, "SELECT subname FROM pg_subscription WHERE subdbid = "
                            + "(SELECT oid FROM pg_database WHERE datname = current_database())")
                    .forEach(subscription -> Replication.dropSubscription(node, name, subscription));
        }
        for (PgNode node : nodes) {
            node.execute(node.defaultDatabase(), "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots "
                    + "WHERE database = '" + name + "' AND NOT active");
            node.execute(node.defaultDatabase(), "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        }
    }

    /** Client connections still open to this database, per node, other than the test kit's own. */
    public String openConnections() {
        return nodes.stream().map(node -> {
            List<String> open = node.queryColumn(node.defaultDatabase(),
                    "SELECT coalesce(application_name, '') || ' pid ' || pid FROM pg_stat_activity "
                            + "WHERE datname = ? AND backend_type = 'client backend' AND pid <> pg_backend_pid() "
                            + "AND application_name <> 'ace-testkit'", name);
            return open.isEmpty() ? "" : node.name() + ": " + open;
        }).filter(text -> !text.isEmpty()).collect(Collectors.joining("; "));
    }

    @Override
    public String toString() {
        return "database " + name + " on " + nodes;
    }
}
