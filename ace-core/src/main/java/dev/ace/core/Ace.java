package dev.ace.core;

import dev.ace.core.catalog.CatalogService;
import dev.ace.core.cluster.ClusterDefinition;
import dev.ace.core.cluster.NodeDefinition;
import dev.ace.core.cluster.NodeStatus;
import dev.ace.core.diff.DiffService;
import dev.ace.core.diff.RerunService;
import dev.ace.core.error.AceException;
import dev.ace.core.internal.catalog.ClusterCatalog;
import dev.ace.core.internal.catalog.TableChecker;
import dev.ace.core.internal.config.ClusterResolver;
import dev.ace.core.internal.db.NodePools;
import dev.ace.core.internal.db.NodeSession;
import dev.ace.core.internal.db.SqlErrors;
import dev.ace.core.internal.diff.DiffEngine;
import dev.ace.core.internal.diff.RerunEngine;
import dev.ace.core.internal.mtree.IncrementalDiff;
import dev.ace.core.internal.mtree.TreeEngine;
import dev.ace.core.mtree.TreeService;
import dev.ace.core.internal.repair.RepairEngine;
import dev.ace.core.internal.spock.SpockExceptions;
import dev.ace.core.internal.task.TaskManager;
import dev.ace.core.repair.RepairService;
import dev.ace.core.spock.ExceptionService;
import dev.ace.core.task.TaskService;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
 * One instance owns one connection pool per node and credential (a cluster definition with
 * another password gets its own), created on first use and closed by {@link #close()}. Thread-safe: share one instance across threads and requests.
 */
public final class Ace implements AutoCloseable {

    private final AceConfig config;
    private final ClusterResolver clusters;
    private final NodePools pools;
    private final CatalogService catalog;
    private final DiffService diff;
    private final RepairService repair;
    private final RerunService rerun;
    private final ExceptionService exceptions;
    private final TreeEngine trees;
    private final Object tasksLock = new Object();
    private TaskManager tasks;
    private boolean closed;

    private Ace(AceConfig config, ClusterResolver clusters) {
        this.config = config;
        this.clusters = clusters;
        this.pools = new NodePools(config);
        TableChecker checker = new TableChecker(pools);
        this.catalog = new ClusterCatalog(clusters, checker);
        this.trees = new TreeEngine(config, clusters, pools, checker);
        this.diff = new IncrementalDiff(config, clusters, pools, checker, new DiffEngine(config, clusters, pools, checker),
                trees);
        this.repair = new RepairEngine(config, clusters, pools, checker);
        this.rerun = new RerunEngine(config, clusters, pools, checker);
        this.exceptions = new SpockExceptions(clusters, pools);
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

    /**
     * Connects to the chosen nodes as {@code role} and reports each one's server version, the role
     * acted as, the Spock extension's version (if installed) and the round-trip time: a quick "can
     * ACE reach my cluster?" check. Fails on the first node that cannot be reached, naming it.
     *
     * @param nodes {@code "all"} (or null) or a comma-separated list of node names
     */
    public List<NodeStatus> checkNodes(String clusterName, String dbname, String nodes, CallerRole role) {
        Objects.requireNonNull(role, "role");
        ClusterDefinition cluster = clusters.resolve(clusterName, dbname);
        List<NodeStatus> statuses = new ArrayList<>();
        for (NodeDefinition node : cluster.select(nodes, 1)) {
            long start = System.nanoTime();
            try (NodeSession session = pools.open(node, role, "checking the connection");
                 Statement statement = session.connection().createStatement();
                 ResultSet rows = statement.executeQuery("SELECT current_setting('server_version'), current_user, "
                         + "(SELECT extversion FROM pg_catalog.pg_extension WHERE extname = 'spock')")) {
                rows.next();
                statuses.add(new NodeStatus(node, rows.getString(1), rows.getString(2), rows.getString(3),
                        Duration.ofNanos(System.nanoTime() - start)));
            } catch (SQLException e) {
                throw SqlErrors.wrap(e, node, "checking the connection");
            }
        }
        return List.copyOf(statuses);
    }

    /** Table diffs: find every row that differs between nodes. */
    public DiffService diff() {
        return diff;
    }

    /**
     * Merkle trees of tables for the incremental diff ({@code incremental}): build, update and
     * remove them on the nodes.
     */
    public TreeService trees() {
        return trees;
    }

    /** Table repairs: make the nodes agree again from a diff file, without losing rows that changed since. */
    public RepairService repair() {
        return repair;
    }

    /** Table reruns: re-check only the keys of an earlier diff file and write what still differs. */
    public RerunService rerun() {
        return rerun;
    }

    /**
     * Tasks: submit a diff, repair or rerun to run in the background, then read, list, cancel and
     * await it by id. The task store ({@code task_store}, an SQLite file) is opened on first use,
     * and tasks it still had as queued or running are marked failed ("interrupted") then.
     *
     * @throws dev.ace.core.error.AceException ({@code IO_ERROR}) when the task store cannot be opened, for example
     *         because another process has it open
     */
    public TaskService tasks() {
        synchronized (tasksLock) {
            if (closed) {
                throw new IllegalStateException("this Ace instance is closed");
            }
            if (tasks == null) {
                tasks = TaskManager.open(config, diff, repair, rerun);
            }
            return tasks;
        }
    }

    /** Spock replication exceptions: list them and mark them resolved. */
    public ExceptionService exceptions() {
        return exceptions;
    }

    /** Table checks across nodes. */
    public CatalogService catalog() {
        return catalog;
    }

    /** Connections currently leased from this instance's pools; 0 when no operation is running. */
    public int activeConnections() {
        return pools.activeConnections();
    }

    /**
     * Closes the task service, then every connection pool. Queued tasks end FAILED
     * ("interrupted"); running tasks are cancelled and waited for (up to 30 s), and end FAILED
     * ("interrupted") unless they finished anyway; see {@link TaskService}. Other operations
     * still running fail.
     */
    @Override
    public void close() {
        TaskManager open;
        synchronized (tasksLock) {
            closed = true;
            open = tasks;
        }
        try {
            if (open != null) {
                open.close();
            }
        } finally {
            pools.close();
        }
    }

    /** Internal: the pools, for services of this module. */
    NodePools pools() {
        return pools;
    }
}
