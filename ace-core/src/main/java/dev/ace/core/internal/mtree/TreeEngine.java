package dev.ace.core.internal.mtree;

import dev.ace.core.AceConfig;
import dev.ace.core.CallerRole;
import dev.ace.core.catalog.TableName;
import dev.ace.core.catalog.TableSchema;
import dev.ace.core.cluster.ClusterDefinition;
import dev.ace.core.cluster.NodeDefinition;
import dev.ace.core.error.AceException;
import dev.ace.core.error.ErrorCode;
import dev.ace.core.internal.catalog.TableChecker;
import dev.ace.core.internal.config.ClusterResolver;
import dev.ace.core.internal.db.NodePools;
import dev.ace.core.internal.db.NodeSession;
import dev.ace.core.internal.db.NodeWork;
import dev.ace.core.internal.diff.KeyRange;
import dev.ace.core.internal.diff.RangePlanner;
import dev.ace.core.internal.diff.TableSql;
import dev.ace.core.mtree.TreeRequest;
import dev.ace.core.mtree.TreeResult;
import dev.ace.core.mtree.TreeService;
import dev.ace.core.mtree.TreeStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Builds, updates and removes the Merkle trees of tables on the nodes (see {@link TreeSql} for
 * what a node holds). Leaves are planned once, on the node with the most rows, as table-diff plans
 * its ranges, and every node gets the same leaves, so trees compare position by position; a
 * {@code layout} id, the same on every node, changes whenever leaves are split or merged, and
 * trees of different layouts are never compared. Thread-safe: it holds no state of its own.
 */
public final class TreeEngine implements TreeService {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TreeEngine.class);

    private final AceConfig config;
    private final ClusterResolver clusters;
    private final NodePools pools;
    private final TableChecker checker;

    public TreeEngine(AceConfig config, ClusterResolver clusters, NodePools pools, TableChecker checker) {
        this.config = config;
        this.clusters = clusters;
        this.pools = pools;
        this.checker = checker;
    }

    // ------------------------------------------------------------------ the service

    @Override
    public TreeResult build(TreeRequest request) {
        Objects.requireNonNull(request, "request");
        Instant started = Instant.now();
        List<NodeDefinition> nodes = nodes(request);
        TableSchema schema = checker.check(nodes, TableName.parse(request.tableName()), request.role());
        try (NodeWork work = NodeWork.of(pools, request.role(), "building the trees of " + schema.table(), "mtree")) {
            TableSql sql = new TableSql(schema, null);
            Map<NodeDefinition, long[]> estimates = work.onEach(nodes, node -> {
                try (NodeSession session = work.openReadOnly(node)) {
                    return estimate(session.connection(), sql, schema);
                }
            });
            NodeDefinition planner = nodes.get(0);
            for (NodeDefinition node : nodes) {
                if (estimates.get(node)[0] > estimates.get(planner)[0]) {
                    planner = node;
                }
            }
            NodeDefinition chosen = planner;
            List<KeyRange> ranges = work.onEach(List.of(chosen), node -> {
                try (NodeSession session = work.openReadOnly(node)) {
                    return RangePlanner.plan(session.connection(), sql, estimates.get(node)[0], estimates.get(node)[1],
                            request.leafRows());
                }
            }).get(chosen);
            UUID layout = UUID.randomUUID();
            Map<NodeDefinition, TreeResult.NodeTree> built = work.onEach(nodes, node -> {
                try (NodeSession session = work.openTransaction(node, Connection.TRANSACTION_READ_COMMITTED, false)) {
                    TreeSql tree = create(session.connection(), schema, layout, request.leafRows(), ranges.size());
                    session.connection().commit();
                    return fill(work, node, tree, ranges, layout);
                }
            });
            return new TreeResult(request.clusterName(), schema.table(), "build", List.copyOf(built.values()), started,
                    Instant.now());
        }
    }

    @Override
    public TreeResult update(TreeRequest request) {
        Objects.requireNonNull(request, "request");
        Instant started = Instant.now();
        List<NodeDefinition> nodes = nodes(request);
        TableSchema schema = checker.check(nodes, TableName.parse(request.tableName()), request.role());
        try (NodeWork work = NodeWork.of(pools, request.role(), "updating the trees of " + schema.table(), "mtree")) {
            Map<NodeDefinition, TreeResult.NodeTree> updated = bringUpToDate(work, nodes, schema);
            return new TreeResult(request.clusterName(), schema.table(), "update", List.copyOf(updated.values()),
                    started, Instant.now());
        }
    }

    @Override
    public TreeResult remove(TreeRequest request) {
        Objects.requireNonNull(request, "request");
        Instant started = Instant.now();
        List<NodeDefinition> nodes = nodes(request);
        TableName table = TableName.parse(request.tableName());
        try (NodeWork work = NodeWork.of(pools, request.role(), "removing the trees of " + table, "mtree")) {
            Map<NodeDefinition, TreeResult.NodeTree> removed = work.onEach(nodes, node -> {
                try (NodeSession session = work.openTransaction(node, Connection.TRANSACTION_READ_COMMITTED, false)) {
                    removeOn(session.connection(), table);
                    session.connection().commit();
                    return new TreeResult.NodeTree(node.name(), 0, 0, 0, 0, 0, null);
                }
            });
            return new TreeResult(request.clusterName(), table, "remove", List.copyOf(removed.values()), started,
                    Instant.now());
        }
    }

    @Override
    public List<TreeStatus> list(String clusterName, String dbname, String nodesOption, CallerRole role) {
        Objects.requireNonNull(role, "role");
        ClusterDefinition cluster = clusters.resolve(clusterName, dbname);
        List<NodeDefinition> nodes = cluster.select(nodesOption == null ? "all" : nodesOption, 1);
        try (NodeWork work = NodeWork.of(pools, role, "listing the trees", "mtree")) {
            List<TreeStatus> all = new ArrayList<>();
            work.onEach(nodes, node -> {
                try (NodeSession session = work.openReadOnly(node)) {
                    return statuses(session.connection(), node);
                }
            }).values().forEach(all::addAll);
            return List.copyOf(all);
        }
    }

    private List<NodeDefinition> nodes(TreeRequest request) {
        ClusterDefinition cluster = clusters.resolve(request.clusterName(), request.dbname());
        return cluster.select(request.nodesOption(), 1);
    }

    // ------------------------------------------------------------------ build

    private static long[] estimate(Connection connection, TableSql sql, TableSchema schema) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT c.reltuples::bigint, c.relpages "
                + "FROM pg_catalog.pg_class c WHERE c.oid = ?::regclass")) {
            statement.setString(1, schema.table().quoted());
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                long estimate = rows.getLong(1);
                long pages = rows.getLong(2);
                if (estimate >= 0) {
                    return new long[] {estimate, pages};
                }
            }
        }
        try (PreparedStatement count = connection.prepareStatement("SELECT count(*) FROM " + sql.from());
             ResultSet counted = count.executeQuery()) {
            counted.next();
            return new long[] {counted.getLong(1), 0};
        }
    }

    /** The tree's SQL for this node: the table's OID and its key columns' collations there. */
    TreeSql treeSqlOf(Connection connection, TableSchema schema) throws SQLException {
        return find(connection, schema).tree();
    }

    /** A table's tree SQL on a node, and whether the node has ACE's registry of trees. */
    private record Found(TreeSql tree, boolean registered) {
    }

    /** The table's OID, its columns' collations and whether the registry exists, in one statement. */
    private Found find(Connection connection, TableSchema schema) throws SQLException {
        long oid = 0;
        boolean registered = false;
        Map<String, String> collations = new HashMap<>();
        String registry = TableName.quoteIdentifier(config.mtreeSchema()) + ".trees";
        try (PreparedStatement statement = connection.prepareStatement("SELECT x.oid, x.registered, k.* FROM "
                + "(SELECT ?::regclass::oid::bigint AS oid, to_regclass(?) IS NOT NULL AS registered) AS x LEFT JOIN ("
                + TableSql.COLUMN_COLLATIONS + ") AS k ON TRUE")) {
            statement.setString(1, schema.table().quoted());
            statement.setString(2, registry);
            statement.setString(3, schema.table().quoted());
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    oid = rows.getLong(1);
                    registered = rows.getBoolean(2);
                    String column = rows.getString(3);
                    if (column != null && schema.primaryKey().contains(column)) {
                        collations.put(column, rows.getString(4));
                    }
                }
            }
        }
        return new Found(new TreeSql(schema, config.mtreeSchema(), oid, collations), registered);
    }

    /** Creates (or re-creates) the table's objects and its registry row; the triggers capture from this commit on. */
    private TreeSql create(Connection connection, TableSchema schema, UUID layout, int leafRows, int leaves)
            throws SQLException {
        Found found = find(connection, schema);
        TreeSql tree = found.tree();
        if (found.registered()) {
            for (String statement : tree.drop(true)) {
                execute(connection, statement);
            }
            update(connection, "DELETE FROM " + tree.registry() + " WHERE table_oid = ?", tree);
        }
        for (String statement : tree.create(TreeSql.settingsMatter(schema))) {
            execute(connection, statement);
        }
        try (PreparedStatement statement = connection.prepareStatement("INSERT INTO " + tree.registry()
                + " (table_oid, table_name, shape, layout, leaf_rows, leaves) VALUES (?, ?, ?, ?::uuid, ?, ?)")) {
            statement.setLong(1, tree.oid());
            statement.setString(2, schema.table().toString());
            statement.setString(3, tree.shape());
            statement.setString(4, layout.toString());
            statement.setInt(5, leafRows);
            statement.setInt(6, leaves);
            statement.executeUpdate();
        }
        return tree;
    }

    /**
     * Hashes every leaf from the table in one snapshot (repeatable read) that also discards the
     * changes captured before it; changes committed after it stay for the next update.
     */
    private TreeResult.NodeTree fill(NodeWork work, NodeDefinition node, TreeSql tree, List<KeyRange> ranges,
                                     UUID layout) throws SQLException {
        try (NodeSession session = work.openTransaction(node, Connection.TRANSACTION_REPEATABLE_READ, false)) {
            Connection connection = session.connection();
            execute(connection, "LOCK TABLE " + tree.table() + " IN ACCESS SHARE MODE");
            String lsn = walPosition(connection);
            execute(connection, "DELETE FROM " + tree.changes());
            int keys = tree.keyCount();
            try (PreparedStatement statement = connection.prepareStatement(tree.insertLeaves())) {
                Integer[] numbers = new Integer[ranges.size()];
                String[][] bounds = new String[2 * keys][ranges.size()];
                for (int leaf = 0; leaf < ranges.size(); leaf++) {
                    numbers[leaf] = leaf;
                    KeyRange range = ranges.get(leaf);
                    for (int k = 0; k < keys; k++) {
                        bounds[k][leaf] = range.lower() == null ? null : range.lower().get(k);
                        bounds[keys + k][leaf] = range.upper() == null ? null : range.upper().get(k);
                    }
                }
                statement.setArray(1, connection.createArrayOf("int4", numbers));
                for (int b = 0; b < 2 * keys; b++) {
                    statement.setArray(2 + b, connection.createArrayOf("text", bounds[b]));
                }
                statement.executeUpdate();
            }
            rehashLeaves(connection, tree, allLeaves(ranges.size()));
            rehashInner(connection, tree, ranges.size(), null);
            execute(connection, tree.analyze());
            long rows = rootRows(connection, tree, ranges.size());
            connection.commit();
            return new TreeResult.NodeTree(node.name(), ranges.size(), rows, 0, 0, 0, lsn);
        }
    }

    private static Integer[] allLeaves(int leaves) {
        Integer[] all = new Integer[leaves];
        for (int i = 0; i < leaves; i++) {
            all[i] = i;
        }
        return all;
    }

    private static void rehashLeaves(Connection connection, TreeSql tree, Integer[] leaves) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(tree.rehashLeaves())) {
            statement.setArray(1, connection.createArrayOf("int4", leaves));
            statement.setArray(2, connection.createArrayOf("int4", leaves));
            statement.executeUpdate();
        }
    }

    /** Levels above the leaves: 1 up to the root, the first level of one node. */
    static int topLevel(int leaves) {
        int level = 1;
        for (long size = ceilDiv(leaves, TreeSql.FANOUT); size > 1; size = ceilDiv(size, TreeSql.FANOUT)) {
            level++;
        }
        return level;
    }

    private static long ceilDiv(long value, long by) {
        return (value + by - 1) / by;
    }

    /**
     * Rehashes the inner nodes above the given leaves (null: all of them, after the old ones are
     * deleted): every level in one round trip.
     */
    private static void rehashInner(Connection connection, TreeSql tree, int leaves, Set<Integer> touched)
            throws SQLException {
        List<String> statements = rehashInnerStatements(tree, leaves, touched);
        if (!statements.isEmpty()) {
            execute(connection, String.join(";\n", statements));
        }
    }

    private static List<String> rehashInnerStatements(TreeSql tree, int leaves, Set<Integer> touched) {
        List<String> statements = new ArrayList<>();
        if (touched == null) {
            statements.add("DELETE FROM " + tree.inner());
        } else if (touched.isEmpty()) {
            return statements;
        }
        Set<Integer> positions = touched == null ? null : parents(touched);
        statements.add(tree.rehashLevelOne(positions));
        int top = topLevel(leaves);
        for (int level = 2; level <= top; level++) {
            positions = positions == null ? null : parents(positions);
            statements.add(tree.rehashLevel(level, positions));
        }
        return statements;
    }

    /**
     * After leaves from {@code from} on were split, merged or renumbered: the statements that rehash
     * every inner node above them and drop those beyond the tree's new size; the nodes above the
     * leaves before {@code from} keep their digests.
     */
    private static List<String> rehashAbove(TreeSql tree, int leaves, int from) {
        Set<Integer> touched = new TreeSet<>();
        for (int leaf = from - from % TreeSql.FANOUT; leaf < leaves; leaf += TreeSql.FANOUT) {
            touched.add(leaf);
        }
        touched.add(leaves - 1);
        List<String> statements = new ArrayList<>();
        // the nodes beyond the new size, level by level through the key (an OR of conditions would read them all)
        int top = topLevel(leaves);
        statements.add("DELETE FROM " + tree.inner() + " AS n WHERE n.level > " + top);
        long size = leaves;
        for (int level = 1; level <= top; level++) {
            size = ceilDiv(size, TreeSql.FANOUT);
            statements.add("DELETE FROM " + tree.inner() + " AS n WHERE n.level = " + level + " AND n.pos >= " + size);
        }
        statements.addAll(rehashInnerStatements(tree, leaves, touched));
        return statements;
    }

    private static Set<Integer> parents(Set<Integer> positions) {
        Set<Integer> parents = new TreeSet<>();
        positions.forEach(position -> parents.add(position / TreeSql.FANOUT));
        return parents;
    }

    private static long rootRows(Connection connection, TreeSql tree, int leaves) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT coalesce(max(rows), 0) FROM "
                + tree.inner() + " WHERE level = ? AND pos = 0")) {
            statement.setInt(1, topLevel(leaves));
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    // ------------------------------------------------------------------ update

    /** One node's tree while it is brought up to date: its session's transaction is still open. */
    private static final class State {
        final NodeDefinition node;
        final NodeSession session;
        final TreeSql tree;
        final String layout;
        final int leafRows;
        int leaves;
        String lsn;
        long changes;
        /** Leaves the fold changed; null: all of them (after a truncation). */
        Set<Integer> touched;
        /**
         * The rows of leaves known without reading them again: those the fold changed, split or merged
         * since, and those looked up; kept in step as leaves are renumbered.
         */
        final TreeMap<Integer, Long> counts = new TreeMap<>();
        long rows;

        State(NodeDefinition node, NodeSession session, TreeSql tree, String layout, int leafRows, int leaves) {
            this.node = node;
            this.session = session;
            this.tree = tree;
            this.layout = layout;
            this.leafRows = leafRows;
            this.leaves = leaves;
        }
    }

    /**
     * Brings the table's trees on every node up to date (each node in its own transaction, committed
     * at the end on every node): folds the captured changes into the leaves, rehashes the inner
     * nodes above them, splits and merges leaves far from their target size.
     *
     * @return each node's tree, with the WAL position it covers
     * @throws AceException {@code TREE_NOT_CURRENT} when a node's tree is missing, cannot be trusted
     *         (triggers dropped or disabled, emptied by a crash, built for other columns) or was built
     *         with other leaves than another node's
     */
    public Map<NodeDefinition, TreeResult.NodeTree> bringUpToDate(NodeWork work, List<NodeDefinition> nodes,
                                                                  TableSchema schema) {
        return current(work, nodes, schema).trees();
    }

    /** The trees brought up to date ({@link #bringUpToDate}), and each node's tree SQL. */
    record Current(Map<NodeDefinition, TreeResult.NodeTree> trees, Map<NodeDefinition, TreeSql> sql) {
    }

    /** As {@link #bringUpToDate}, with each node's tree SQL. */
    Current current(NodeWork work, List<NodeDefinition> nodes, TableSchema schema) {
        Map<NodeDefinition, NodeSession> sessions = work.leaseAll(nodes,
                node -> work.openTransaction(node, Connection.TRANSACTION_READ_COMMITTED, false));
        try {
            return current(work, nodes, schema, sessions);
        } finally {
            NodeWork.closeAll(sessions);
        }
    }

    /**
     * As {@link #bringUpToDate}, in sessions the caller holds, one per node, each in a read-committed
     * transaction that may write: the update commits them and leaves them open.
     */
    Current current(NodeWork work, List<NodeDefinition> nodes, TableSchema schema,
                    Map<NodeDefinition, NodeSession> sessions) {
        long f0 = System.nanoTime();
        Map<NodeDefinition, State> states = work.onEach(nodes, node -> fold(sessions.get(node), schema));
        long f1 = System.nanoTime();
        State first = states.get(nodes.get(0));
        for (State state : states.values()) {
            if (!state.layout.equals(first.layout) || state.leaves != first.leaves) {
                throw new AceException(ErrorCode.TREE_NOT_CURRENT, "the trees of " + schema.table() + " on nodes "
                        + first.node.name() + " and " + state.node.name() + " have different leaves (one was built "
                        + "or reshaped without the other); build them again with mtree build");
            }
        }
        int[] reshaped = reshape(work, nodes, states, schema);
        long f2 = System.nanoTime();
        work.onEach(nodes, node -> {
            sessions.get(node).connection().commit();
            return null;
        });
        if (LOG.isDebugEnabled()) {
            LOG.debug(String.format("fold %d, reshape %d, commit %d ms", (f1 - f0) / 1_000_000,
                    (f2 - f1) / 1_000_000, (System.nanoTime() - f2) / 1_000_000));
        }
        Map<NodeDefinition, TreeResult.NodeTree> result = new LinkedHashMap<>();
        Map<NodeDefinition, TreeSql> sql = new LinkedHashMap<>();
        for (NodeDefinition node : nodes) {
            State state = states.get(node);
            result.put(node, new TreeResult.NodeTree(node.name(), state.leaves, state.rows, state.changes,
                    reshaped[0], reshaped[1], state.lsn));
            sql.put(node, state.tree);
        }
        return new Current(result, sql);
    }

    /**
     * Checks one node's tree and folds its captured changes in, in four round trips: the checks
     * go together (a crash empties the unlogged leaves, so the first and the last must be there).
     */
    private State fold(NodeSession session, TableSchema schema) throws SQLException {
        Connection connection = session.connection();
        NodeDefinition node = session.node();
        long t0 = System.nanoTime();
        Found found = find(connection, schema);
        long t1 = System.nanoTime();
        TreeSql tree = found.tree();
        if (!found.registered()) {
            throw notCurrent(schema, node, "no tree was built there; build one with mtree build");
        }
        // the WAL position before the fold: every change committed before it is seen by the fold below.
        // One round trip: the OID is a number written into the statements.
        String oid = "'" + tree.oid() + "'::oid";
        List<Object[]> results = new ArrayList<>();
        try (Statement statement = connection.createStatement()) {
            boolean result = statement.execute("LOCK TABLE " + tree.table() + " IN ACCESS SHARE "
                    + "MODE; SELECT pg_current_wal_lsn()::text; SELECT t.layout::text, t.leaf_rows, t.leaves, t.shape, ("
                    + TreeSql.triggersAlways().replace("?", oid) + "), (SELECT count(*) FROM " + tree.leaves() + " AS l WHERE l.leaf = ANY(ARRAY[0, t.leaves - 1])) FROM "
                    + tree.registry() + " AS t WHERE t.table_oid = " + oid + " FOR UPDATE OF t");
            while (result || statement.getUpdateCount() != -1) {
                if (result) {
                    try (ResultSet set = statement.getResultSet()) {
                        int columns = set.getMetaData().getColumnCount();
                        Object[] row = null;
                        if (set.next()) {
                            row = new Object[columns];
                            for (int c = 0; c < columns; c++) {
                                row[c] = set.getObject(c + 1);
                            }
                        }
                        results.add(row);
                    }
                }
                result = statement.getMoreResults();
            }
        }
        String lsn = (String) results.get(0)[0];
        Object[] registered = results.get(1);
        if (registered == null) {
            throw notCurrent(schema, node, "no tree was built there; build one with mtree build");
        }
        if (!registered[3].equals(tree.shape())) {
            throw notCurrent(schema, node, "the table's columns or key changed since its tree was built (or "
                    + "an older ACE built it); build it again with mtree build");
        }
        if (((Number) registered[4]).intValue() != 2) {
            throw notCurrent(schema, node, "its triggers " + TreeSql.ROW_TRIGGER + " and "
                    + TreeSql.TRUNCATE_TRIGGER + " are missing or not ENABLE ALWAYS, so changes may have been "
                    + "missed; build the tree again with mtree build");
        }
        int leaves = ((Number) registered[2]).intValue();
        // a crash recovery empties an unlogged table: the first and the last leaf tell, without counting them all
        if (((Number) registered[5]).longValue() != Math.min(2, leaves)) {
            throw notCurrent(schema, node, "its leaves are gone (unlogged tables are emptied by a crash "
                    + "recovery); build the tree again with mtree build");
        }
        State state = new State(node, session, tree, (String) registered[0], ((Number) registered[1]).intValue(), leaves);
        state.lsn = lsn;
        Set<Integer> touched = new TreeSet<>();
        boolean truncated;
        long t2 = System.nanoTime();
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(tree.fold())) {
            rows.next();
            state.changes = rows.getLong(1);
            truncated = rows.getBoolean(2);
            String[] numbers = rows.getString(3).split(" ");
            for (int i = 0; i + 1 < numbers.length; i += 2) {
                int leaf = Integer.parseInt(numbers[i]);
                touched.add(leaf);
                state.counts.put(leaf, Long.parseLong(numbers[i + 1]));
            }
        }
        long t3 = System.nanoTime();
        // the inner nodes above the changed leaves, then the rows below the root, in one round trip
        List<String> statements = new ArrayList<>(rehashInnerStatements(tree, state.leaves, truncated ? null : touched));
        statements.add(tree.rootRows(state.leaves));
        state.rows = lastNumber(connection, String.join(";\n", statements));
        if (LOG.isDebugEnabled()) {
            LOG.debug(String.format("%s: find %d, checks %d, fold %d, inner %d ms (%d changes, %d leaves)", node.name(),
                    (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, (t3 - t2) / 1_000_000, (System.nanoTime() - t3) / 1_000_000,
                    state.changes, touched.size()));
        }
        state.touched = truncated ? null : touched;
        return state;
    }

    private static AceException notCurrent(TableSchema schema, NodeDefinition node, String why) {
        return new AceException(ErrorCode.TREE_NOT_CURRENT, "the tree of " + schema.table() + " on node "
                + node.describe() + " cannot be brought up to date: " + why);
    }

    /**
     * Splits changed leaves that hold more than twice {@code leaf_rows} on a node and merges
     * neighbours, one of them changed, that together hold less than half of it on every node, the
     * same way on every node (see {@link #candidates(NodeWork, List, Map, Set, long, long)}); the
     * leaves involved are rehashed from the table, the others keep their digests.
     *
     * @return leaves split, leaves merged
     */
    private int[] reshape(NodeWork work, List<NodeDefinition> nodes, Map<NodeDefinition, State> states,
                          TableSchema schema) {
        int split = 0;
        int merged = 0;
        State first = states.get(nodes.get(0));
        int leafRows = first.leafRows;
        TableSql sql = new TableSql(schema, null);
        int lowest = Integer.MAX_VALUE;
        // the leaves whose counts changed: only they (and their neighbours) can need a split or a merge;
        // null after a truncation, when every leaf changed. Kept in step as leaves are renumbered.
        TreeSet<Integer> changed = new TreeSet<>();
        for (State state : states.values()) {
            if (state.touched == null) {
                changed = null;
                break;
            }
            changed.addAll(state.touched);
        }
        for (int pass = 0; pass < 64; pass++) {
            Set<Integer> touched = changed == null ? null : new TreeSet<>(changed);
            long c0 = System.nanoTime();
            Map<NodeDefinition, List<Map<Integer, Long>>> found = touched == null
                    // after a truncation every leaf changed: all their counts, in one statement per node
                    ? work.onEach(nodes, node -> candidates(states.get(node), 2L * leafRows, leafRows / 2))
                    : candidates(work, nodes, states, touched, 2L * leafRows, leafRows / 2);
            if (LOG.isDebugEnabled()) {
                LOG.debug(String.format("pass %d: candidates %d ms", pass, (System.nanoTime() - c0) / 1_000_000));
            }
            Map<NodeDefinition, Map<Integer, Long>> large = new HashMap<>();
            Map<NodeDefinition, Map<Integer, Long>> small = new HashMap<>();
            found.forEach((node, kinds) -> {
                large.put(node, kinds.get(0));
                small.put(node, kinds.get(1));
            });
            Map<Integer, NodeDefinition> richest = new TreeMap<>(java.util.Comparator.reverseOrder());
            Map<Integer, Long> most = new HashMap<>();
            for (NodeDefinition node : nodes) {
                large.get(node).forEach((leaf, rows) -> {
                    if (rows > most.getOrDefault(leaf, -1L)) {
                        most.put(leaf, rows);
                        richest.put(leaf, node);
                    }
                });
            }
            if (!richest.isEmpty()) {
                for (Map.Entry<Integer, NodeDefinition> entry : richest.entrySet()) {
                    int leaf = entry.getKey();
                    long rows = most.get(leaf);
                    // into parts of about leaf_rows each at once: one read of the leaf, one shift of the leaves above
                    long parts = Math.max(2, (rows + leafRows - 1) / leafRows);
                    long s0 = System.nanoTime();
                    List<List<String>> keys = splitKeys(states.get(entry.getValue()), sql, leaf, rows / parts,
                            (int) parts - 1);
                    if (keys.isEmpty()) {
                        continue;
                    }
                    long s1 = System.nanoTime();
                    work.onEach(nodes, node -> {
                        splitOn(states.get(node), leaf, keys);
                        return null;
                    });
                    if (LOG.isDebugEnabled()) {
                        LOG.debug(String.format("split leaf %d into %d: keys %d, split %d ms", leaf, keys.size() + 1,
                                (s1 - s0) / 1_000_000, (System.nanoTime() - s1) / 1_000_000));
                    }
                    split++;
                    lowest = Math.min(lowest, leaf);
                    if (changed != null) {
                        changed = renumbered(changed, leaf, keys.size());
                        for (int part = 0; part <= keys.size(); part++) {
                            changed.add(leaf + part);
                        }
                    }
                }
                continue;
            }
            Set<Integer> everywhere = new TreeSet<>(small.get(nodes.get(0)).keySet());
            small.values().forEach(pairs -> everywhere.retainAll(pairs.keySet()));
            List<Integer> merges = new ArrayList<>();
            int last = -2;
            for (int leaf : everywhere) {
                if (leaf > last + 1) {
                    merges.add(0, leaf);
                    last = leaf;
                }
            }
            if (merges.isEmpty()) {
                break;
            }
            work.onEach(nodes, node -> {
                for (int leaf : merges) {
                    mergeOn(states.get(node), leaf);
                }
                return null;
            });
            merged += merges.size();
            lowest = Math.min(lowest, merges.get(merges.size() - 1));
            if (changed != null) {
                for (int leaf : merges) {
                    changed.remove(leaf + 1);
                    changed = renumbered(changed, leaf + 1, -1);
                    changed.add(leaf);
                }
            }
        }
        if (split + merged > 0) {
            String layout = UUID.randomUUID().toString();
            int from = lowest;
            int reshapedLeaves = split + merged;
            long r0 = System.nanoTime();
            work.onEach(nodes, node -> {
                State state = states.get(node);
                List<String> statements = new ArrayList<>(rehashAbove(state.tree, state.leaves, from));
                if (reshapedLeaves * 10L > state.leaves) {
                    // the leaves' statistics (for the plans that look leaves up) only move with many new leaves
                    statements.add(state.tree.analyze());
                }
                // the layout is a UUID and the rest numbers: all written into the statements, one round trip
                statements.add("UPDATE " + state.tree.registry() + " SET layout = '" + layout + "'::uuid, leaves = "
                        + state.leaves + " WHERE table_oid = " + state.tree.oid());
                // the parts of split leaves were counted again from the table: the rows below the root too
                statements.add(state.tree.rootRows(state.leaves));
                state.rows = lastNumber(state.session.connection(), String.join(";\n", statements));
                return null;
            });
            if (LOG.isDebugEnabled()) {
                LOG.debug(String.format("inner nodes and registry after reshaping %d ms", (System.nanoTime() - r0) / 1_000_000));
            }
        }
        return new int[] {split, merged};
    }

    /** The leaf numbers after leaves above {@code above} moved by {@code delta}. */
    private static TreeSet<Integer> renumbered(TreeSet<Integer> leaves, int above, int delta) {
        TreeSet<Integer> moved = new TreeSet<>();
        for (int leaf : leaves) {
            moved.add(leaf > above ? leaf + delta : leaf);
        }
        return moved;
    }

    /**
     * Every leaf this node would split (more rows than {@code large}) and every leaf it would merge
     * with the next one (together fewer than {@code small}), each with its rows: all the leaves'
     * counts, read in one statement (after a truncation, when every leaf changed).
     */
    private static List<Map<Integer, Long>> candidates(State state, long large, long small) throws SQLException {
        List<Map<Integer, Long>> found = List.of(new LinkedHashMap<>(), new LinkedHashMap<>());
        TreeMap<Integer, Long> counts = new TreeMap<>();
        Connection connection = state.session.connection();
        try (Statement statement = connection.createStatement()) {
            statement.setFetchSize(0);
            try (ResultSet rows = statement.executeQuery(state.tree.leafCounts(false))) {
                while (rows.next()) {
                    counts.put(rows.getInt(1), rows.getLong(2));
                }
            }
        }
        for (Map.Entry<Integer, Long> leaf : counts.entrySet()) {
            if (leaf.getValue() > large) {
                found.get(0).put(leaf.getKey(), leaf.getValue());
            }
            Long next = counts.get(leaf.getKey() + 1);
            if (next != null && leaf.getValue() + next < small) {
                found.get(1).put(leaf.getKey(), leaf.getValue() + next);
            }
        }
        return found;
    }

    /**
     * Per node, the changed leaves to split and the pairs with a changed leaf to merge, from the
     * counts the update already knows ({@link State#counts}), without reading every changed leaf
     * again: a leaf is split when it holds more than {@code large} rows on a node that knows its
     * count (where its rows changed, as a leaf only grows there, or where it was looked up for a
     * merge); a pair (leaf, leaf + 1) is merged when it holds fewer than {@code small} rows on every
     * node. Only for a pair whose changed leaf holds fewer than {@code small} rows wherever its
     * count is known are the missing counts looked up (in one statement per node), as a merge
     * needs the counts of both leaves on every node.
     */
    private static Map<NodeDefinition, List<Map<Integer, Long>>> candidates(
            NodeWork work, List<NodeDefinition> nodes, Map<NodeDefinition, State> states, Set<Integer> changed,
            long large, long small) {
        int leaves = states.get(nodes.get(0)).leaves;
        Set<Integer> pairs = new TreeSet<>();
        for (int leaf : changed) {
            boolean few = nodes.stream().map(node -> states.get(node).counts.get(leaf))
                    .allMatch(rows -> rows == null || rows < small);
            if (few && leaf > 0) {
                pairs.add(leaf - 1);
            }
            if (few && leaf + 1 < leaves) {
                pairs.add(leaf);
            }
        }
        if (!pairs.isEmpty()) {
            work.onEach(nodes, node -> {
                State state = states.get(node);
                Set<Integer> missing = new TreeSet<>();
                for (int pair : pairs) {
                    for (int leaf = pair; leaf <= pair + 1; leaf++) {
                        if (!state.counts.containsKey(leaf)) {
                            missing.add(leaf);
                        }
                    }
                }
                if (!missing.isEmpty()) {
                    Connection connection = state.session.connection();
                    try (PreparedStatement statement = connection.prepareStatement(state.tree.leafCounts(true))) {
                        statement.setArray(1, connection.createArrayOf("int4", missing.toArray()));
                        try (ResultSet rows = statement.executeQuery()) {
                            while (rows.next()) {
                                state.counts.put(rows.getInt(1), rows.getLong(2));
                            }
                        }
                    }
                }
                return null;
            });
        }
        Map<NodeDefinition, List<Map<Integer, Long>>> found = new LinkedHashMap<>();
        for (NodeDefinition node : nodes) {
            TreeMap<Integer, Long> counts = states.get(node).counts;
            Map<Integer, Long> split = new LinkedHashMap<>();
            for (int leaf : changed) {
                Long rows = counts.get(leaf);
                if (rows != null && rows > large) {
                    split.put(leaf, rows);
                }
            }
            Map<Integer, Long> merge = new LinkedHashMap<>();
            for (int pair : pairs) {
                Long left = counts.get(pair);
                Long right = counts.get(pair + 1);
                if (left != null && right != null && left + right < small) {
                    merge.put(pair, left + right);
                }
            }
            found.put(node, List.of(split, merge));
        }
        return found;
    }

    /**
     * The keys at every {@code step}-th row of a leaf on this node after its first row, at most
     * {@code count}, as text per key column: where to split it (none when the leaf holds too few
     * rows there).
     */
    private List<List<String>> splitKeys(State state, TableSql sql, int leaf, long step, int count) {
        try {
            Connection connection = state.session.connection();
            KeyRange range = leafRanges(connection, state.tree, List.of(leaf)).get(leaf);
            List<List<String>> keys = new ArrayList<>();
            try (PreparedStatement statement = connection.prepareStatement(state.tree.keysAt(sql, range))) {
                int parameter = 1;
                for (String value : range.bindValues()) {
                    statement.setString(parameter++, value);
                }
                statement.setLong(parameter++, Math.max(1, step));
                statement.setInt(parameter, count);
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        List<String> key = new ArrayList<>();
                        for (int k = 1; k <= state.tree.keyCount(); k++) {
                            key.add(rows.getString(k));
                        }
                        keys.add(key);
                    }
                }
            }
            return keys;
        } catch (SQLException e) {
            throw dev.ace.core.internal.db.SqlErrors.wrap(e, state.node, "splitting a leaf of " + state.tree.table());
        }
    }

    /** The key ranges of leaves, bounds as text, by leaf number. */
    static Map<Integer, KeyRange> leafRanges(Connection connection, TreeSql tree, List<Integer> leaves)
            throws SQLException {
        Map<Integer, KeyRange> ranges = new LinkedHashMap<>();
        try (PreparedStatement statement = connection.prepareStatement(tree.readLeaves())) {
            statement.setArray(1, connection.createArrayOf("int4", leaves.toArray()));
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    ranges.put(rows.getInt(1), TreeSql.range(rows, 5, tree.keyCount()));
                }
            }
        }
        return ranges;
    }

    /**
     * Splits a leaf at the given keys (ascending) into as many parts plus one, and rehashes them
     * from the table: one round trip (the keys are written into the statement, dollar-quoted).
     */
    private static void splitOn(State state, int leaf, List<List<String>> keys) throws SQLException {
        int parts = keys.size();
        List<String> statements = new ArrayList<>(state.tree.shift(parts, leaf));
        statements.add(state.tree.splitLeaf(leaf, keys));
        List<Integer> rehashed = new ArrayList<>();
        for (int part = 0; part <= parts; part++) {
            rehashed.add(leaf + part);
        }
        // only the first leaf is open below and only the last open above, so are their first and last parts
        statements.add(state.tree.rehashParts(rehashed, leaf == 0, leaf == state.leaves - 1));
        List<long[]> counted = lastRows(state.session.connection(), String.join(";\n", statements));
        if (counted.size() != parts + 1) {
            throw new IllegalStateException("the split of leaf " + leaf + " of " + state.tree.table() + " rehashed "
                    + counted.size() + " of its " + (parts + 1) + " parts");
        }
        TreeMap<Integer, Long> moved = new TreeMap<>(state.counts.headMap(leaf));
        state.counts.tailMap(leaf, false).forEach((number, rows) -> moved.put(number + parts, rows));
        for (long[] part : counted) {
            moved.put((int) part[0], part[1]);
        }
        state.counts.clear();
        state.counts.putAll(moved);
        state.leaves += parts;
    }

    private static void mergeOn(State state, int leaf) throws SQLException {
        Connection connection = state.session.connection();
        for (String sql : state.tree.mergeLeaves()) {
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                statement.setInt(1, leaf);
                statement.executeUpdate();
            }
        }
        execute(connection, String.join(";\n", state.tree.shift(-1, leaf + 1)));
        Long left = state.counts.get(leaf);
        Long right = state.counts.get(leaf + 1);
        TreeMap<Integer, Long> moved = new TreeMap<>(state.counts.headMap(leaf));
        if (left != null && right != null) {
            moved.put(leaf, left + right);
        }
        state.counts.tailMap(leaf + 1, false).forEach((number, rows) -> moved.put(number - 1, rows));
        state.counts.clear();
        state.counts.putAll(moved);
        state.leaves--;
    }

    // ------------------------------------------------------------------ remove and list

    private void removeOn(Connection connection, TableName table) throws SQLException {
        String schemaName = TableName.quoteIdentifier(config.mtreeSchema());
        if (!exists(connection, schemaName + ".trees")) {
            return;
        }
        Long oid = null;
        try (PreparedStatement statement = connection.prepareStatement("SELECT table_oid::bigint FROM " + schemaName
                + ".trees WHERE table_name = ? OR table_oid = to_regclass(?)")) {
            statement.setString(1, table.toString());
            statement.setString(2, table.quoted());
            try (ResultSet rows = statement.executeQuery()) {
                if (rows.next()) {
                    oid = rows.getLong(1);
                }
            }
        }
        if (oid != null) {
            boolean tableExists = exists(connection, table.quoted());
            TreeSql tree = new TreeSql(null, config.mtreeSchema(), oid, Map.of(), table);
            for (String statement : tree.drop(tableExists)) {
                execute(connection, statement);
            }
            try (PreparedStatement statement = connection.prepareStatement("DELETE FROM " + schemaName
                    + ".trees WHERE table_oid = ?")) {
                statement.setLong(1, oid);
                statement.executeUpdate();
            }
        }
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT count(*) FROM " + schemaName + ".trees")) {
            rows.next();
            if (rows.getLong(1) == 0) {
                execute(connection, "DROP TABLE " + schemaName + ".trees");
                execute(connection, "DROP SCHEMA " + schemaName);
            }
        }
    }

    private List<TreeStatus> statuses(Connection connection, NodeDefinition node) throws SQLException {
        String schemaName = TableName.quoteIdentifier(config.mtreeSchema());
        List<TreeStatus> statuses = new ArrayList<>();
        if (!exists(connection, schemaName + ".trees")) {
            return statuses;
        }
        List<Object[]> trees = new ArrayList<>();
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT table_oid::bigint, table_name, leaves FROM " + schemaName
                     + ".trees ORDER BY table_name")) {
            while (rows.next()) {
                trees.add(new Object[] {rows.getLong(1), rows.getString(2), rows.getInt(3)});
            }
        }
        for (Object[] row : trees) {
            TreeSql tree = new TreeSql(null, config.mtreeSchema(), (Long) row[0], Map.of(), null);
            long rows = 0;
            long pending = 0;
            int capturing;
            try (Statement statement = connection.createStatement();
                 ResultSet result = statement.executeQuery("SELECT (SELECT coalesce(sum(rows), 0) FROM " + tree.leaves()
                         + "), (SELECT count(*) FROM " + tree.changes() + ")")) {
                result.next();
                rows = result.getLong(1);
                pending = result.getLong(2);
            }
            try (PreparedStatement statement = connection.prepareStatement(TreeSql.triggersAlways())) {
                statement.setLong(1, (Long) row[0]);
                try (ResultSet result = statement.executeQuery()) {
                    result.next();
                    capturing = result.getInt(1);
                }
            }
            statuses.add(new TreeStatus(node.name(), (String) row[1], (Integer) row[2], rows, pending, capturing == 2));
        }
        return statuses;
    }

    // ------------------------------------------------------------------ helpers

    private static boolean exists(Connection connection, String relation) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            statement.setString(1, relation);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getBoolean(1);
            }
        }
    }

    static String walPosition(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT pg_current_wal_lsn()::text")) {
            rows.next();
            return rows.getString(1);
        }
    }

    /** Runs statements sent at once; returns the rows (two numbers each) of the last one that returns rows. */
    private static List<long[]> lastRows(Connection connection, String sql) throws SQLException {
        List<long[]> last = new ArrayList<>();
        try (Statement statement = connection.createStatement()) {
            boolean result = statement.execute(sql);
            while (result || statement.getUpdateCount() != -1) {
                if (result) {
                    last = new ArrayList<>();
                    try (ResultSet rows = statement.getResultSet()) {
                        int columns = rows.getMetaData().getColumnCount();
                        while (rows.next()) {
                            last.add(new long[] {rows.getLong(1), columns > 1 ? rows.getLong(2) : 0});
                        }
                    }
                }
                result = statement.getMoreResults();
            }
        }
        return last;
    }

    /** Runs statements sent at once; returns the first number of the last one that returns rows. */
    private static long lastNumber(Connection connection, String sql) throws SQLException {
        return lastRows(connection, sql).get(0)[0];
    }

    private static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static void update(Connection connection, String sql, TreeSql tree) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setLong(1, tree.oid());
            statement.executeUpdate();
        }
    }
}
