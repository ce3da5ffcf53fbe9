package dev.ace.core.catalog;

import dev.ace.core.CallerRole;
import dev.ace.core.cluster.ClusterDefinition;
import dev.ace.core.cluster.NodeDefinition;
import dev.ace.core.error.InvalidRequestException;
import dev.ace.core.internal.catalog.TableChecker;
import dev.ace.core.internal.config.ClusterResolver;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Checks a table across the nodes of a cluster before ACE compares or repairs it: it exists on
 * every node, has a primary key, and has the same columns (names, types, order) and key.
 * Obtained from {@code Ace.catalog()}. Thread-safe.
 */
public final class CatalogService {

    private final ClusterResolver clusters;
    private final TableChecker checker;

    /** Internal: created by {@code Ace}. */
    public CatalogService(ClusterResolver clusters, TableChecker checker) {
        this.clusters = Objects.requireNonNull(clusters);
        this.checker = Objects.requireNonNull(checker);
    }

    /**
     * The table's shape if every chosen node agrees on it.
     *
     * @param clusterName the cluster, as in the API's {@code cluster_name}
     * @param tableName {@code schema.table} (see {@link TableName#parse})
     * @param dbname the database, or null for the cluster's default
     * @param nodes {@code "all"} (or null) or a comma-separated list of node names
     * @param role the role to read the catalogs as
     */
    public TableSchema checkTable(String clusterName, String tableName, String dbname, String nodes, CallerRole role) {
        List<String> problems = new ArrayList<>();
        TableName table = null;
        if (clusterName == null || clusterName.isBlank()) {
            problems.add("cluster_name is required");
        }
        try {
            table = TableName.parse(tableName);
        } catch (InvalidRequestException e) {
            problems.addAll(e.problems());
        }
        if (role == null) {
            problems.add("the caller's role is required (CallerRole.SERVICE to act as ACE's own user)");
        }
        if (!problems.isEmpty()) {
            throw new InvalidRequestException("the table check", problems);
        }
        ClusterDefinition cluster = clusters.resolve(clusterName, dbname);
        List<NodeDefinition> chosen = cluster.select(nodes, 1);
        return checker.check(chosen, table, role);
    }
}
