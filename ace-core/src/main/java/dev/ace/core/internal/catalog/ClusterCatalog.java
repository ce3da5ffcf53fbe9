package dev.ace.core.internal.catalog;

import dev.ace.core.CallerRole;
import dev.ace.core.catalog.CatalogService;
import dev.ace.core.catalog.TableName;
import dev.ace.core.catalog.TableSchema;
import dev.ace.core.cluster.ClusterDefinition;
import dev.ace.core.cluster.NodeDefinition;
import dev.ace.core.error.InvalidRequestException;
import dev.ace.core.internal.config.ClusterResolver;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** {@link CatalogService} over the cluster definitions and the nodes' catalogs. Thread-safe. */
public final class ClusterCatalog implements CatalogService {

    private final ClusterResolver clusters;
    private final TableChecker checker;

    public ClusterCatalog(ClusterResolver clusters, TableChecker checker) {
        this.clusters = Objects.requireNonNull(clusters);
        this.checker = Objects.requireNonNull(checker);
    }

    @Override
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
