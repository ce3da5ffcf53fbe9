package dev.ace.core;

import dev.ace.core.catalog.CatalogService;
import dev.ace.core.cluster.ClusterDefinition;
import dev.ace.core.internal.catalog.TableChecker;
import dev.ace.core.internal.config.ClusterResolver;
import dev.ace.core.internal.db.NodePools;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The entry point of the ACE library.
 *
 * <pre>{@code
 * try (Ace ace = Ace.create(AceConfig.load(Path.of("ace.yaml")))) {
 *     TableSchema t = ace.catalog().checkTable("prod", "public.users", null, "all", CallerRole.SERVICE);
 * }
 * }</pre>
 *
 * One instance owns one connection pool per node, created on first use and closed by
 * {@link #close()}. Thread-safe: share one instance across threads and requests.
 */
public final class Ace implements AutoCloseable {

    private final AceConfig config;
    private final ClusterResolver clusters;
    private final NodePools pools;
    private final CatalogService catalog;

    private Ace(AceConfig config, ClusterResolver clusters) {
        this.config = config;
        this.clusters = clusters;
        this.pools = new NodePools(config);
        this.catalog = new CatalogService(clusters, new TableChecker(pools));
    }

    /** An instance with this configuration; cluster definitions are looked up in the process's environment. */
    public static Ace create(AceConfig config) {
        Objects.requireNonNull(config, "config");
        String home = System.getProperty("user.home");
        return new Ace(config, new ClusterResolver(config, System.getenv(), Path.of("").toAbsolutePath(),
                home == null ? null : Path.of(home)));
    }

    public AceConfig config() {
        return config;
    }

    /**
     * The definition of a cluster for a database, from its cluster file or {@code pg_service.conf}.
     *
     * @param dbname the database; null picks the definition's default (the first listed)
     */
    public ClusterDefinition cluster(String clusterName, String dbname) {
        return clusters.resolve(clusterName, dbname);
    }

    /** Table checks across nodes. */
    public CatalogService catalog() {
        return catalog;
    }

    /** Connections currently leased from this instance's pools; 0 when no operation is running. */
    public int activeConnections() {
        return pools.activeConnections();
    }

    /** Closes every connection pool. Operations still running fail. */
    @Override
    public void close() {
        pools.close();
    }

    /** Internal: the pools, for services of this module. */
    NodePools pools() {
        return pools;
    }
}
