package dev.ace.core.catalog;

import dev.ace.core.CallerRole;

/**
 * Checks a table across the nodes of a cluster before ACE compares or repairs it: it exists on
 * every node, has a primary key, and has the same columns (names, types, order) and key.
 * Obtained from {@code Ace.catalog()}. Implementations are thread-safe.
 */
public interface CatalogService {

    /**
     * The table's shape if every chosen node agrees on it.
     *
     * @param clusterName the cluster, as in the API's {@code cluster_name}
     * @param tableName {@code schema.table} (see {@link TableName#parse})
     * @param dbname the database, or null for the cluster's default
     * @param nodes {@code "all"} (or null) or a comma-separated list of node names
     * @param role the role to read the catalogs as
     */
    TableSchema checkTable(String clusterName, String tableName, String dbname, String nodes, CallerRole role);
}
