package dev.ace.core.internal.mtree;

import dev.ace.core.AceConfig;
import dev.ace.core.catalog.Column;
import dev.ace.core.catalog.TableName;
import dev.ace.core.catalog.TableSchema;
import dev.ace.core.cluster.ClusterDefinition;
import dev.ace.core.cluster.NodeDefinition;
import dev.ace.core.diff.DiffResult;
import dev.ace.core.diff.DiffService;
import dev.ace.core.diff.TableDiffRequest;
import dev.ace.core.error.AceException;
import dev.ace.core.error.ErrorCode;
import dev.ace.core.internal.catalog.TableChecker;
import dev.ace.core.internal.config.ClusterResolver;
import dev.ace.core.internal.db.NodePools;
import dev.ace.core.internal.db.NodeSession;
import dev.ace.core.internal.db.NodeWork;
import dev.ace.core.internal.db.Sql;
import dev.ace.core.internal.diff.DiffCounts;
import dev.ace.core.internal.diff.DiffFileWriter;
import dev.ace.core.internal.diff.DiffOutput;
import dev.ace.core.internal.diff.TableSql;
import dev.ace.core.internal.task.TaskIds;
import dev.ace.core.mtree.TreeResult;
import dev.ace.core.task.TaskType;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Table-diff as a front of the full diff: a request with {@code incremental} compares the table's
 * Merkle trees, every other request goes to the full diff unchanged.
 *
 * <p>An incremental diff first brings every node's tree up to date ({@link TreeEngine#bringUpToDate}:
 * the captured changes are folded in, no row is read) and notes each node's WAL position; then it
 * reads the trees from the root down, only below inner nodes whose digest or count differs between
 * nodes, down to the leaves that differ. Of the differing leaves' rows (found by each leaf's key
 * range, through the key's index) the nodes return only the key and the row digest, the digests
 * are compared by key, and only the rows of keys whose digests differ are fetched whole (by key)
 * and compared as the full diff compares them, into the same diff file. Thread-safe.
 */
public final class IncrementalDiff implements DiffService {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(IncrementalDiff.class);

    /** Differing leaves whose keys and row digests are read together: bounds the digests held at once. */
    private static final long BATCH_ROWS = 500_000;
    /** The walk down the trees starts at the lowest level of at most this many nodes, read whole. */
    static final int START_NODES = 1024;

    private final AceConfig config;
    private final ClusterResolver clusters;
    private final NodePools pools;
    private final TableChecker checker;
    private final DiffService full;
    private final TreeEngine trees;
    private final TaskIds ids = new TaskIds();

    public IncrementalDiff(AceConfig config, ClusterResolver clusters, NodePools pools, TableChecker checker,
                           DiffService full, TreeEngine trees) {
        this.config = config;
        this.clusters = clusters;
        this.pools = pools;
        this.checker = checker;
        this.full = full;
        this.trees = trees;
    }

    @Override
    public void validate(TableDiffRequest request) {
        full.validate(request);
    }

    @Override
    public DiffResult diff(TableDiffRequest request) {
        Objects.requireNonNull(request, "request");
        if (!request.incremental()) {
            return full.diff(request);
        }
        Instant started = Instant.now();
        ClusterDefinition cluster = clusters.resolve(request.clusterName(), request.dbname());
        List<NodeDefinition> nodes = cluster.select(request.nodes().isEmpty() ? "all" : String.join(",", request.nodes()),
                2);
        TableName table = TableName.parse(request.tableName());
        String taskId = request.taskId() != null ? request.taskId() : ids.next(TaskType.TABLE_DIFF, started);
        NodeWork work = NodeWork.of(pools, request.role(), "diffing table " + table + " incrementally", "diff")
                .cancelledBy(request.cancellation(), () -> cancelled(table));
        try (work) {
            // one session per node for the whole diff: the catalog check and the update of the trees in one
            // transaction, then the reads in another
            long c0 = System.nanoTime();
            Map<NodeDefinition, NodeSession> sessions = work.leaseAll(nodes,
                    node -> work.openTransaction(node, Connection.TRANSACTION_READ_COMMITTED, false));
            try {
                TableSchema schema = checker.check(work, sessions, nodes, table);
                if (LOG.isDebugEnabled()) {
                    LOG.debug(String.format("open and check %d ms", (System.nanoTime() - c0) / 1_000_000));
                }
                return new Run(request, nodes, schema, taskId, started, work, sessions).execute();
            } finally {
                NodeWork.closeAll(sessions);
            }
        } catch (RuntimeException e) {
            throw work.translate(e, null);
        }
    }

    private static AceException cancelled(TableName table) {
        return new AceException(ErrorCode.CANCELLED, "the incremental table-diff of " + table
                + " was cancelled; no diff file was written");
    }

    /** One node's inner node: its digest, the rows below it, and its children's entries in order. */
    private record Inner(byte[] digest, long rows, byte[] children) {
        boolean same(Inner other) {
            return other != null && rows == other.rows && Arrays.equals(digest, other.digest);
        }

        /** The entry of child {@code index} ({@code size} bytes), or null when it has none. */
        byte[] child(int index, int size) {
            int from = index * size;
            return children.length < from + size ? null : Arrays.copyOfRange(children, from, from + size);
        }
    }

    /** State of one incremental diff while it runs. */
    private final class Run {
        private final TableDiffRequest request;
        private final List<NodeDefinition> nodes;
        private final TableSchema schema;
        private final TableSql sql;
        private final String taskId;
        private final Instant started;
        private final DiffCounts counts;
        private final int maxDiffRows;
        private boolean truncated;
        private final NodeWork work;
        /** One session per node, each in a read-committed transaction until the trees are up to date. */
        private final Map<NodeDefinition, NodeSession> sessions;
        /** Per differing leaf: the pairs whose digests differ, and the most rows one node holds in it. */
        private final Map<Integer, Set<String>> leafPairs = new HashMap<>();
        private final Map<Integer, Long> leafRows = new HashMap<>();

        Run(TableDiffRequest request, List<NodeDefinition> nodes, TableSchema schema, String taskId, Instant started,
            NodeWork work, Map<NodeDefinition, NodeSession> sessions) {
            this.request = request;
            this.nodes = nodes;
            this.schema = schema;
            this.sql = new TableSql(schema, null);
            this.taskId = taskId;
            this.started = started;
            this.counts = new DiffCounts(nodes);
            this.maxDiffRows = request.maxDiffRows() != null ? request.maxDiffRows() : config.maxDiffRows();
            this.work = work;
            this.sessions = sessions;
        }

        private AceException cancelled() {
            return IncrementalDiff.cancelled(schema.table());
        }

        DiffResult execute() {
            Path target = DiffOutput.diffFile(config.outputDirectory(), schema.table(), taskId, started);
            try (DiffFileWriter writer = new DiffFileWriter(schema.columns(), target, taskId)) {
                long t0 = System.nanoTime();
                TreeEngine.Current upToDate = trees.current(work, nodes, schema, sessions);
                Map<NodeDefinition, TreeResult.NodeTree> current = upToDate.trees();
                Map<NodeDefinition, TreeSql> treeSql = upToDate.sql();
                long t1 = System.nanoTime();
                Map<String, String> positions = new LinkedHashMap<>();
                current.forEach((node, tree) -> {
                    positions.put(node.name(), tree.walPosition());
                    counts.addChecked(node.name(), tree.rows());
                });
                int leaves = current.get(nodes.get(0)).leaves();
                // the trees are committed; from here on, reads that see one snapshot per node and cannot write
                work.onEach(nodes, node -> {
                    Connection connection = sessions.get(node).connection();
                    connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
                    connection.setReadOnly(true);
                    return null;
                });
                long t2 = System.nanoTime();
                List<Integer> differing = differingLeaves(sessions, treeSql, leaves);
                long t3 = System.nanoTime();
                compareLeaves(sessions, treeSql, differing, writer);
                long t4 = System.nanoTime();
                if (LOG.isDebugEnabled()) {
                    LOG.debug(String.format("update %d, read-only %d, walk %d, compare %d ms", (t1 - t0) / 1_000_000,
                            (t2 - t1) / 1_000_000, (t3 - t2) / 1_000_000, (t4 - t3) / 1_000_000));
                }
                if (request.cancellation().isCancelled()) {
                    throw cancelled();
                }
                Instant finished = Instant.now();
                int blockRows = request.blockRows() != null ? request.blockRows() : config.blockRows();
                double ratio = request.maxCpuRatio() != null ? request.maxCpuRatio() : config.maxCpuRatio();
                int batch = request.batchSize() != null ? request.batchSize() : config.batchSize();
                DiffOutput.Summary facts = new DiffOutput.Summary(taskId, request.clusterName(), nodes.get(0).database(),
                        schema.table(), nodes.stream().map(NodeDefinition::name).toList(), schema.columns(),
                        schema.primaryKey(), blockRows, ratio, batch, null, started, finished, counts.checked(),
                        counts.differing(), leaves, counts.mismatched(), truncated);
                return facts.result(writer.finish(facts)).withWalPositions(positions);
            } catch (IOException e) {
                throw new AceException(ErrorCode.IO_ERROR, "could not write the diff file " + target + ": "
                        + e.getMessage(), e);
            } catch (RuntimeException e) {
                throw work.translate(e, null);
            }
        }

        /**
         * Walks the trees down to the leaves that differ and returns them. The walk starts at the
         * lowest level of at most {@value #START_NODES} nodes, read whole; below it, only the
         * nodes under differing entries are read, and each node read brings its children's
         * entries, so a level costs one statement per node (all nodes at once) and the leaves
         * themselves are never read.
         */
        private List<Integer> differingLeaves(Map<NodeDefinition, NodeSession> sessions,
                                              Map<NodeDefinition, TreeSql> treeSql, int leaves) {
            int top = TreeEngine.topLevel(leaves);
            int level = 1;
            while (level < top && size(leaves, level) > START_NODES) {
                level++;
            }
            int start = level;
            Map<NodeDefinition, Map<Integer, Inner>> whole = work.onEach(nodes, node ->
                    readLevel(sessions.get(node).connection(), treeSql.get(node), start, null));
            Set<Integer> all = new java.util.TreeSet<>();
            whole.values().forEach(level0 -> all.addAll(level0.keySet()));
            List<Integer> differing = new ArrayList<>();
            for (int position : all) {
                Inner first = whole.get(nodes.get(0)).get(position);
                if (nodes.stream().anyMatch(node -> first == null || !first.same(whole.get(node).get(position)))) {
                    differing.add(position);
                }
            }
            Map<NodeDefinition, Map<Integer, Inner>> read = whole;
            while (!differing.isEmpty()) {
                int size = level == 1 ? 24 : 40;
                long below = size(leaves, level - 1);
                List<Integer> children = new ArrayList<>();
                for (int position : differing) {
                    for (int index = 0; index < TreeSql.FANOUT && (long) position * TreeSql.FANOUT + index < below; index++) {
                        int child = position * TreeSql.FANOUT + index;
                        List<byte[]> entries = new ArrayList<>();
                        for (NodeDefinition node : nodes) {
                            Inner parent = read.get(node).get(position);
                            entries.add(parent == null ? null : parent.child(index, size));
                        }
                        byte[] first = entries.get(0);
                        if (entries.stream().allMatch(entry -> first != null && Arrays.equals(first, entry))) {
                            continue;
                        }
                        children.add(child);
                        if (level == 1) {
                            noteLeaf(child, entries);
                        }
                    }
                }
                if (level == 1) {
                    return children;
                }
                level--;
                int at = level;
                read = work.onEach(nodes, node -> readLevel(sessions.get(node).connection(), treeSql.get(node), at,
                        children));
                differing = children;
            }
            return List.of();
        }

        /** A differing leaf's pairs whose entries differ, and the most rows one node holds in it. */
        private void noteLeaf(int leaf, List<byte[]> entries) {
            long most = 0;
            Set<String> pairs = new java.util.LinkedHashSet<>();
            for (int i = 0; i < nodes.size(); i++) {
                byte[] a = entries.get(i);
                most = Math.max(most, a == null ? 0 : java.nio.ByteBuffer.wrap(a, 16, 8).getLong());
                for (int j = i + 1; j < nodes.size(); j++) {
                    if (a == null || !Arrays.equals(a, entries.get(j))) {
                        pairs.add(DiffCounts.pair(nodes.get(i).name(), nodes.get(j).name()));
                    }
                }
            }
            leafPairs.put(leaf, pairs);
            leafRows.put(leaf, most);
        }

        private long size(int leaves, int level) {
            long size = leaves;
            for (int l = 0; l < level; l++) {
                size = (size + TreeSql.FANOUT - 1) / TreeSql.FANOUT;
            }
            return size;
        }

        /** Inner nodes of a level with their children's entries: those at the given positions, or all (null). */
        private Map<Integer, Inner> readLevel(Connection connection, TreeSql tree, int level, List<Integer> positions)
                throws SQLException {
            Map<Integer, Inner> read = new HashMap<>();
            try (PreparedStatement statement = connection.prepareStatement(tree.readLevel(positions == null))) {
                // the children's entries in binary: half the bytes of bytea's hex text, and no text to decode
                statement.unwrap(org.postgresql.PGStatement.class).setPrepareThreshold(-1);
                statement.setInt(1, level);
                if (positions != null) {
                    statement.setArray(2, connection.createArrayOf("int4", positions.toArray()));
                }
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        read.put(rows.getInt(1), new Inner(rows.getBytes(2), rows.getLong(3), rows.getBytes(4)));
                    }
                }
            }
            return read;
        }

        /**
         * Compares the differing leaves row by row: per node one statement reads the key and the
         * row digest of every row of a batch of leaves, the digests are compared by key, and only
         * the rows of keys whose digests differ between some pair are fetched whole (by key,
         * through the key's index), compared value by value and written.
         */
        private void compareLeaves(Map<NodeDefinition, NodeSession> sessions, Map<NodeDefinition, TreeSql> treeSql,
                                   List<Integer> differing, DiffFileWriter writer) throws IOException {
            int start = 0;
            while (start < differing.size()) {
                if (request.cancellation().isCancelled()) {
                    throw cancelled();
                }
                // a batch bounds the digests held at once by the rows of its leaves
                int end = start;
                long rows = 0;
                while (end < differing.size() && (end == start || rows + leafRows.get(differing.get(end)) <= BATCH_ROWS)) {
                    rows += leafRows.get(differing.get(end));
                    end++;
                }
                List<Integer> batch = differing.subList(start, end);
                start = end;
                long b0 = System.nanoTime();
                Map<NodeDefinition, Map<Integer, long[][]>> buckets = work.onEach(nodes,
                        node -> buckets(sessions.get(node).connection(), treeSql.get(node), batch));
                Map<Integer, Integer> masks = new java.util.LinkedHashMap<>();
                for (int leaf : batch) {
                    int mask = 0;
                    for (String pair : leafPairs.get(leaf)) {
                        String[] sides = DiffCounts.sides(pair);
                        long[][] left = buckets.get(node(sides[0])).get(leaf);
                        long[][] right = buckets.get(node(sides[1])).get(leaf);
                        for (int b = 0; b < TreeSql.BUCKETS; b++) {
                            if (left == null || right == null || left[0][b] != right[0][b] || left[1][b] != right[1][b]) {
                                mask |= 1 << b;
                            }
                        }
                    }
                    // the leaf's digests differ, so some bucket must: if none seems to, read them all
                    masks.put(leaf, mask == 0 ? (1 << TreeSql.BUCKETS) - 1 : mask);
                }
                long b1 = System.nanoTime();
                Map<NodeDefinition, Map<Integer, Map<String, Long>>> digests = work.onEach(nodes,
                        node -> keyDigests(sessions.get(node).connection(), treeSql.get(node), masks));
                long b2 = System.nanoTime();
                long hashed = digests.get(nodes.get(0)).values().stream().mapToLong(Map::size).sum();
                // the keys whose digests differ between some pair whose leaf digests differ, with their leaf
                Map<String, Integer> wanted = new HashMap<>();
                for (int leaf : batch) {
                    for (String pair : leafPairs.get(leaf)) {
                        String[] sides = DiffCounts.sides(pair);
                        Map<String, Long> left = digests.get(node(sides[0])).getOrDefault(leaf, Map.of());
                        Map<String, Long> right = digests.get(node(sides[1])).getOrDefault(leaf, Map.of());
                        left.forEach((key, digest) -> {
                            if (!digest.equals(right.get(key))) {
                                wanted.put(key, leaf);
                            }
                        });
                        right.keySet().forEach(key -> {
                            if (!left.containsKey(key)) {
                                wanted.put(key, leaf);
                            }
                        });
                    }
                }
                digests.clear();
                long b3 = System.nanoTime();
                Map<NodeDefinition, Map<Integer, LinkedHashMap<String, List<String>>>> fetched = wanted.isEmpty()
                        ? Map.of() : work.onEach(nodes, node -> rowsOfKeys(sessions.get(node).connection(), wanted));
                if (LOG.isDebugEnabled()) {
                    LOG.debug(String.format("buckets %d, digests %d, decide %d, fetch %d ms (%d leaves of up to %d rows, "
                            + "%d rows hashed on %s, %d keys differ)", (b1 - b0) / 1_000_000, (b2 - b1) / 1_000_000,
                            (b3 - b2) / 1_000_000, (System.nanoTime() - b3) / 1_000_000, batch.size(), rows, hashed,
                            nodes.get(0).name(), wanted.size()));
                }
                // the batch's rows per pair and side in leaf order, then key order: one block of the file each
                Map<String, List<List<byte[]>>> differingRows = new LinkedHashMap<>();
                for (int leaf : batch) {
                    counts.addMismatch();
                    for (String pair : leafPairs.get(leaf)) {
                        String[] sides = DiffCounts.sides(pair);
                        compare(pair, rowsOf(fetched, sides[0], leaf), rowsOf(fetched, sides[1], leaf), writer,
                                differingRows.computeIfAbsent(pair, p -> List.of(new ArrayList<>(), new ArrayList<>())));
                    }
                }
                for (Map.Entry<String, List<List<byte[]>>> entry : differingRows.entrySet()) {
                    String[] sides = DiffCounts.sides(entry.getKey());
                    writer.add(batch.get(0), entry.getKey(), sides[0], entry.getValue().get(0));
                    writer.add(batch.get(0), entry.getKey(), sides[1], entry.getValue().get(1));
                }
            }
        }

        private LinkedHashMap<String, List<String>> rowsOf(
                Map<NodeDefinition, Map<Integer, LinkedHashMap<String, List<String>>>> fetched, String node, int leaf) {
            Map<Integer, LinkedHashMap<String, List<String>>> rows = fetched.get(node(node));
            return rows == null ? new LinkedHashMap<>() : rows.getOrDefault(leaf, new LinkedHashMap<>());
        }

        private NodeDefinition node(String name) {
            return nodes.stream().filter(node -> node.name().equals(name)).findFirst().orElseThrow();
        }

        /** Per leaf, its buckets' counts and XORs ({@code [0][b]}, {@code [1][b]}) on this node. */
        private Map<Integer, long[][]> buckets(Connection connection, TreeSql tree, List<Integer> leaves)
                throws SQLException {
            Map<Integer, long[][]> buckets = new HashMap<>();
            try (PreparedStatement statement = connection.prepareStatement(tree.readBuckets())) {
                statement.setArray(1, connection.createArrayOf("int4", leaves.toArray()));
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        String[] numbers = rows.getString(2).split(" ");
                        long[][] bucket = new long[2][TreeSql.BUCKETS];
                        for (int b = 0; b < TreeSql.BUCKETS; b++) {
                            bucket[0][b] = Long.parseLong(numbers[b]);
                            bucket[1][b] = Long.parseLong(numbers[TreeSql.BUCKETS + b]);
                        }
                        buckets.put(rows.getInt(1), bucket);
                    }
                }
            }
            return buckets;
        }

        /**
         * Per leaf, key (the key columns' text, each ended by NUL, as the full diff keys rows) to
         * row digest ({@link TableSql#rowDigest}) of the rows in the asked buckets of the given
         * leaves (leaf to bucket mask): one statement, each leaf's rows found through the key's
         * index from its bounds in the node's own leaves.
         */
        private Map<Integer, Map<String, Long>> keyDigests(Connection connection, TreeSql tree,
                                                           Map<Integer, Integer> masks) throws SQLException {
            List<Column> keys = schema.keyColumns();
            Map<Integer, Map<String, Long>> digests = new HashMap<>();
            try (PreparedStatement statement = connection.prepareStatement(tree.bucketDigests())) {
                statement.setArray(1, connection.createArrayOf("int4", masks.keySet().toArray()));
                statement.setArray(2, connection.createArrayOf("int4", masks.values().toArray()));
                statement.setFetchSize(50_000);
                try (ResultSet result = statement.executeQuery()) {
                    while (result.next()) {
                        StringBuilder key = new StringBuilder();
                        for (int k = 0; k < keys.size(); k++) {
                            key.append(result.getString(k + 2)).append('\0');
                        }
                        digests.computeIfAbsent(result.getInt(1), l -> new HashMap<>())
                                .put(key.toString(), result.getLong(keys.size() + 2));
                    }
                }
            }
            return digests;
        }

        /**
         * Every column of the rows of the wanted keys (key as {@link #keyDigests} writes it, to its
         * leaf), by leaf, keyed as the full diff keys rows, in key order; a key without a row on
         * this node is absent. The full diff's query by key, through the key's index.
         */
        private Map<Integer, LinkedHashMap<String, List<String>>> rowsOfKeys(Connection connection,
                                                                             Map<String, Integer> wanted)
                throws SQLException {
            List<Column> columns = schema.columns();
            int keyCount = schema.keyColumns().size();
            List<List<String>> keyColumns = new ArrayList<>();
            for (int k = 0; k < keyCount; k++) {
                keyColumns.add(new ArrayList<>(wanted.size()));
            }
            for (String key : wanted.keySet()) {
                String[] values = key.split("\0", -1);
                for (int k = 0; k < keyCount; k++) {
                    keyColumns.get(k).add(values[k]);
                }
            }
            int[] keyPositions = schema.keyColumns().stream().mapToInt(columns::indexOf).toArray();
            Map<Integer, LinkedHashMap<String, List<String>>> rows = new HashMap<>();
            try (PreparedStatement statement = connection.prepareStatement(sql.rowsOfKeysInOrderQuery())) {
                for (int k = 0; k < keyCount; k++) {
                    statement.setArray(k + 1, connection.createArrayOf("text", keyColumns.get(k).toArray()));
                }
                statement.setFetchSize(1000);
                try (ResultSet result = statement.executeQuery()) {
                    while (result.next()) {
                        List<String> values = new ArrayList<>(columns.size());
                        for (int c = 1; c <= columns.size(); c++) {
                            values.add(result.getString(c));
                        }
                        StringBuilder key = new StringBuilder();
                        for (int position : keyPositions) {
                            key.append(values.get(position)).append('\0');
                        }
                        Integer leaf = wanted.get(key.toString());
                        if (leaf != null) {
                            rows.computeIfAbsent(leaf, l -> new LinkedHashMap<>()).put(key.toString(), values);
                        }
                    }
                }
            }
            return rows;
        }

        /**
         * Adds to {@code out} (left side, right side) the rows of one leaf that differ between the
         * two nodes of a pair, within the pair's cap.
         */
        private void compare(String pair, LinkedHashMap<String, List<String>> left,
                             LinkedHashMap<String, List<String>> right, DiffFileWriter writer, List<List<byte[]>> out) {
            Set<String> differing = new java.util.LinkedHashSet<>();
            left.forEach((key, values) -> {
                if (!values.equals(right.get(key))) {
                    differing.add(key);
                }
            });
            right.keySet().stream().filter(key -> !left.containsKey(key)).forEach(differing::add);
            long allowed = reserve(counts.differing(pair), differing.size());
            Set<String> chosen = differing.stream().limit(allowed).collect(Collectors.toSet());
            left.forEach((key, values) -> {
                if (chosen.contains(key)) {
                    out.get(0).add(writer.rowJson(values));
                }
            });
            right.forEach((key, values) -> {
                if (chosen.contains(key)) {
                    out.get(1).add(writer.rowJson(values));
                }
            });
        }

        private long reserve(AtomicLong count, long differing) {
            if (maxDiffRows == 0) {
                count.addAndGet(differing);
                return differing;
            }
            long allowed = Math.max(0, Math.min(differing, maxDiffRows - count.get()));
            count.addAndGet(allowed);
            if (allowed < differing) {
                truncated = true;
            }
            return allowed;
        }
    }
}
