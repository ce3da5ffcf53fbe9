package dev.ace.core.internal.diff;

import dev.ace.core.AceConfig;
import dev.ace.core.catalog.Column;
import dev.ace.core.catalog.TableName;
import dev.ace.core.catalog.TableSchema;
import dev.ace.core.cluster.NodeDefinition;
import dev.ace.core.diff.DiffFile;
import dev.ace.core.diff.DiffResult;
import dev.ace.core.diff.DiffSummary;
import dev.ace.core.diff.RerunBehavior;
import dev.ace.core.diff.RerunService;
import dev.ace.core.diff.TableFilter;
import dev.ace.core.diff.TableRerunRequest;
import dev.ace.core.error.AceException;
import dev.ace.core.error.ErrorCode;
import dev.ace.core.error.InvalidRequestException;
import dev.ace.core.error.PermissionDeniedException;
import dev.ace.core.internal.catalog.TableChecker;
import dev.ace.core.internal.config.ClusterResolver;
import dev.ace.core.internal.db.NodePools;
import dev.ace.core.internal.db.NodeSession;
import dev.ace.core.internal.db.Sql;
import dev.ace.core.internal.db.SqlErrors;
import dev.ace.core.internal.diff.BoundDiff;
import dev.ace.core.internal.diff.DiffFileWriter;
import dev.ace.core.internal.diff.DiffOutput;
import dev.ace.core.internal.repair.RowSql;
import dev.ace.core.option.Options;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one table rerun: collects the keys of a diff file, puts them in the table's key order
 * (sorted by the first node, with the key columns' collations), cuts them into chunks of the
 * diff's {@code block_rows}, fetches the current rows of each chunk from every node, compares
 * them for every node pair, and writes a new diff file in the same format. Reads run in
 * repeatable-read snapshots as the caller's role, with the diff's {@code table_filter}, if any,
 * in a read-only transaction. Thread-safe: one engine serves concurrent reruns.
 */
public final class RerunEngine implements RerunService {

    private static final Logger LOG = LoggerFactory.getLogger(RerunEngine.class);
    private static final int LOAD_BATCH = 10_000;
    private static final AtomicInteger THREADS = new AtomicInteger();
    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    private final AceConfig config;
    private final ClusterResolver clusters;
    private final NodePools pools;
    private final TableChecker checker;

    public RerunEngine(AceConfig config, ClusterResolver clusters, NodePools pools, TableChecker checker) {
        this.config = Objects.requireNonNull(config);
        this.clusters = Objects.requireNonNull(clusters);
        this.pools = Objects.requireNonNull(pools);
        this.checker = Objects.requireNonNull(checker);
    }

    @Override
    public DiffResult rerun(TableRerunRequest request) {
        java.util.Objects.requireNonNull(request, "request");
        Instant started = Instant.now();
        List<String> problems = new ArrayList<>();
        DiffFile file = openDiffFile(request, problems, false);
        if (!problems.isEmpty()) {
            throw new InvalidRequestException("the table-rerun request", problems);
        }
        BoundDiff bound = BoundDiff.bind(file, clusters, checker, request.dbname(), request.role());
        String taskId = request.taskId() != null ? request.taskId() : DiffOutput.taskId("rr", started);
        return new Run(request, request.behavior(), bound, taskId, started).execute();
    }

    /**
     * Every problem the rerun would find before its first database statement, at once: the diff
     * file's summary, and the file's cluster and nodes (cluster definitions are read; no node is
     * connected to). The request checked its options when it was built; the rows of the file are
     * read when the rerun runs.
     */
    @Override
    public void validate(TableRerunRequest request) {
        List<String> problems = new ArrayList<>();
        DiffFile file = openDiffFile(request, problems, true);
        if (file != null) {
            BoundDiff.resolve(file, clusters, request.dbname(), problems);
        }
        if (!problems.isEmpty()) {
            throw new InvalidRequestException("the table-rerun request", problems);
        }
    }

    /**
     * The diff file, checked against the request and for the settings the rerun uses; null when it
     * cannot be used. The request checked its own options when it was built.
     */
    private static DiffFile openDiffFile(TableRerunRequest request, List<String> problems, boolean summaryOnly) {
        TableName table = TableName.parse(request.tableName());
        DiffFile file = BoundDiff.open(request.diffFile(), table, request.clusterName(), request.dbname(), problems,
                summaryOnly);
        if (file != null) {
            problems.addAll(settingProblems(file));
        }
        return file;
    }

    /**
     * The rerun works with the diff's own block_rows and max_cpu_ratio and writes them, with its
     * batch_size, into the new file; a file whose values are out of the options' ranges (edited,
     * or written by something else) is refused rather than run with other values.
     */
    private static List<String> settingProblems(DiffFile file) {
        DiffSummary summary = file.summary();
        List<String> problems = new ArrayList<>();
        problems.addAll(Options.BLOCK_ROWS.problems(summary.blockRows()));
        problems.addAll(Options.MAX_CPU_RATIO.problems(summary.maxCpuRatio()));
        problems.addAll(Options.BATCH_SIZE.problems(summary.batchSize()));
        return problems.stream().map(problem -> "diff_file " + file.path() + " has an unusable summary: " + problem)
                .toList();
    }

    /** State of one rerun while it runs. */
    private final class Run {
        private final TableRerunRequest request;
        private final RerunBehavior behavior;
        private final BoundDiff bound;
        private final DiffSummary summary;
        private final TableSchema schema;
        private final String taskId;
        private final Instant started;
        private final String what;
        private final String filter;
        private final int chunkSize;
        private final List<String> pairs = new ArrayList<>();
        private final Map<String, AtomicLong> checked = new LinkedHashMap<>();
        private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
        private final AtomicInteger mismatched = new AtomicInteger();
        private final int[] keyPositions;

        Run(TableRerunRequest request, RerunBehavior behavior, BoundDiff bound, String taskId, Instant started) {
            this.request = request;
            this.behavior = behavior;
            this.bound = bound;
            this.summary = bound.summary();
            this.schema = bound.schema();
            this.taskId = taskId;
            this.started = started;
            this.what = "rerunning the diff of table " + schema.table();
            this.filter = summary.tableFilter() == null || summary.tableFilter().isBlank() ? null
                    : TableFilter.forJdbc(summary.tableFilter());
            this.chunkSize = summary.blockRows();
            this.keyPositions = summary.keyPositions();
            List<NodeDefinition> nodes = bound.nodes();
            for (NodeDefinition node : nodes) {
                checked.put(node.name(), new AtomicLong());
            }
            for (int i = 0; i < nodes.size(); i++) {
                for (int j = i + 1; j < nodes.size(); j++) {
                    String pair = nodes.get(i).name() + "/" + nodes.get(j).name();
                    pairs.add(pair);
                    counts.put(pair, new AtomicLong());
                }
            }
        }

        DiffResult execute() {
            List<List<String>> keys = sortKeys(distinctKeys());
            int chunks = (keys.size() + chunkSize - 1) / chunkSize;
            Path directory = DiffOutput.directory(config.outputDirectory(), "diffs", started);
            Path target = directory.resolve(DiffOutput.fileName(schema.table(), "diffs", taskId));
            try (DiffFileWriter writer = new DiffFileWriter(schema.columns(), directory, taskId)) {
                if (behavior == RerunBehavior.HOSTDB) {
                    hostdb(keys, chunks, writer);
                } else {
                    multiprocessing(keys, chunks, writer);
                }
                Instant finished = Instant.now();
                Map<String, Long> differing = new LinkedHashMap<>();
                for (String pair : pairs) {
                    long count = counts.get(pair).get();
                    if (count > 0) {
                        differing.put(pair, count);
                    }
                }
                Map<String, Long> rows = new LinkedHashMap<>();
                checked.forEach((node, count) -> rows.put(node, count.get()));
                List<String> nodeNames = bound.nodes().stream().map(NodeDefinition::name).toList();
                Path written = writer.finish(target, DiffOutput.summaryJson(new DiffOutput.Summary(taskId, summary.clusterName(),
                        bound.cluster().database(), schema.table(), nodeNames, schema.columns(), schema.primaryKey(),
                        summary.blockRows(), summary.maxCpuRatio(), summary.batchSize(), summary.tableFilter(), started,
                        finished, rows, differing, chunks, mismatched.get(), summary.truncated())), pairs);
                DiffResult result = new DiffResult(taskId, summary.clusterName(), bound.cluster().database(),
                        schema.table(), nodeNames, rows, chunks, mismatched.get(), differing, started, finished, written,
                        summary.truncated());
                if (!request.quiet()) {
                    LOG.info("rerun of {} ({}): {}", bound.file().path(), behavior, result.describe());
                }
                return result;
            } catch (IOException e) {
                throw new AceException(ErrorCode.IO_ERROR, "could not write the diff file " + target + ": "
                        + e.getMessage(), e);
            }
        }

        /** A key of the diff file, and the list (of one node of one pair) that gave it last. */
        private static final class Listed {
            final List<String> key;
            int list;

            Listed(List<String> key, int list) {
                this.key = key;
                this.list = list;
            }
        }

        /**
         * Every key of the diff file once, in the order they first come; a key listed twice for one
         * node of a pair (which a node, holding one row per key, cannot have) is refused. Each list
         * comes whole, so a key given twice by one list was last given by that list.
         */
        private List<List<String>> distinctKeys() {
            Map<String, Listed> distinct = new LinkedHashMap<>();
            int[] list = {0};
            String[] last = new String[2];
            bound.file().forEachRow((pair, node, row) -> {
                if (!pair.equals(last[0]) || !node.equals(last[1])) {
                    list[0]++;
                    last[0] = pair;
                    last[1] = node;
                }
                List<String> key = row.key();
                Listed listed = distinct.get(RowSql.keyId(key));
                if (listed == null) {
                    distinct.put(RowSql.keyId(key), new Listed(key, list[0]));
                } else if (listed.list == list[0]) {
                    throw BoundDiff.keyListedTwice(bound.file(), pair, node, key);
                } else {
                    listed.list = list[0];
                }
            });
            return distinct.values().stream().map(listed -> listed.key).collect(Collectors.toCollection(ArrayList::new));
        }

        // ------------------------------------------------------------------ key order

        /** The keys in the table's key order, as the first node sorts them with the key columns' collations. */
        private List<List<String>> sortKeys(List<List<String>> keys) {
            if (keys.size() < 2) {
                return keys;
            }
            NodeDefinition node = bound.nodes().get(0);
            try (NodeSession session = openReadOnly(node)) {
                Connection connection = session.connection();
                Map<String, String> collations = new HashMap<>();
                try (PreparedStatement statement = connection.prepareStatement(
                        "SELECT a.attname, quote_ident(n.nspname) || '.' || quote_ident(c.collname) "
                                + "FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_collation c ON c.oid = a.attcollation "
                                + "JOIN pg_catalog.pg_namespace n ON n.oid = c.collnamespace "
                                + "WHERE a.attrelid = ?::regclass AND a.attnum > 0 AND NOT a.attisdropped")) {
                    statement.setString(1, schema.table().quoted());
                    try (ResultSet rows = statement.executeQuery()) {
                        while (rows.next()) {
                            collations.put(rows.getString(1), rows.getString(2));
                        }
                    }
                }
                List<Column> keyColumns = schema.keyColumns();
                String order = IntStream.range(0, keyColumns.size()).mapToObj(k -> {
                    Column column = keyColumns.get(k);
                    String collation = collations.get(column.name());
                    return "(k.ace_k" + k + "::" + column.type() + ")" + (collation == null ? "" : " COLLATE " + collation);
                }).collect(Collectors.joining(", "));
                String query = "SELECT k.ace_ord FROM unnest((SELECT ?::int[]), " + arrays(keyColumns.size()) + ") AS k(ace_ord, "
                        + names("ace_k", keyColumns.size()) + ") ORDER BY " + order;
                List<List<String>> sorted = new ArrayList<>(keys.size());
                try (PreparedStatement statement = connection.prepareStatement(query)) {
                    bindKeys(statement, connection, keys, 0, true);
                    try (ResultSet rows = statement.executeQuery()) {
                        while (rows.next()) {
                            sorted.add(keys.get(rows.getInt(1)));
                        }
                    }
                }
                return sorted;
            } catch (SQLException e) {
                throw SqlErrors.wrap(e, node, what);
            }
        }

        /** Binds {@code ordinals} (when asked: the index of each key, from {@code offset}) and one text[] per key column. */
        private int bindKeys(PreparedStatement statement, Connection connection, List<List<String>> keys, int offset,
                             boolean ordinals) throws SQLException {
            int parameter = 1;
            if (ordinals) {
                Integer[] ords = new Integer[keys.size()];
                for (int i = 0; i < ords.length; i++) {
                    ords[i] = offset + i;
                }
                statement.setArray(parameter++, connection.createArrayOf("int4", ords));
            }
            return RowSql.bindColumns(statement, connection, parameter, keys,
                    IntStream.range(0, keyPositions.length).toArray());
        }

        private String arrays(int count) {
            return RowSql.arrays(count);
        }

        private String names(String prefix, int count) {
            return IntStream.range(0, count).mapToObj(i -> prefix + i).collect(Collectors.joining(", "));
        }

        /** The row of {@code T} for the key held by {@code keysAlias.ace_k0..}, with the filter, as a lateral subquery. */
        private String rowOf(String keysAlias, boolean keysTyped) {
            List<Column> keyColumns = schema.keyColumns();
            String match = IntStream.range(0, keyColumns.size()).mapToObj(k -> "r." + Sql.quote(keyColumns.get(k).name())
                    + " = " + keysAlias + ".ace_k" + k + (keysTyped ? "" : "::" + keyColumns.get(k).type()))
                    .collect(Collectors.joining(" AND "));
            return "(SELECT " + schema.columns().stream().map(c -> "r." + Sql.quote(c.name()))
                    .collect(Collectors.joining(", ")) + " FROM " + schema.table().quoted() + " AS r WHERE " + match
                    + (filter == null ? "" : " AND (\n" + filter + "\n)") + ") AS s";
        }

        // ------------------------------------------------------------------ multiprocessing

        private void multiprocessing(List<List<String>> keys, int chunks, DiffFileWriter writer) {
            double ratio = summary.maxCpuRatio();
            int workers = Math.max(1, Math.min(Math.min(config.maxConnectionsPerNode(), Math.max(1, chunks)),
                    Math.max(1, (int) Math.floor(Runtime.getRuntime().availableProcessors() * ratio))));
            ExecutorService threads = Executors.newFixedThreadPool(workers, daemon("worker"));
            AtomicInteger next = new AtomicInteger();
            java.util.concurrent.atomic.AtomicBoolean failed = new java.util.concurrent.atomic.AtomicBoolean();
            String query = "SELECT s.* FROM unnest(" + arrays(keyPositions.length) + ") AS ace_keys("
                    + names("ace_k", keyPositions.length) + ") CROSS JOIN LATERAL " + rowOf("ace_keys", false);
            try {
                List<Future<Void>> running = new ArrayList<>();
                for (int w = 0; w < workers; w++) {
                    running.add(threads.submit(() -> {
                        int chunk;
                        while (!failed.get() && (chunk = next.getAndIncrement()) < chunks) {
                            List<List<String>> slice = keys.subList(chunk * chunkSize,
                                    Math.min(keys.size(), (chunk + 1) * chunkSize));
                            Map<String, Map<String, List<String>>> rows = new LinkedHashMap<>();
                            List<NodeDefinition> ordered = new ArrayList<>(bound.nodes());
                            ordered.sort(Comparator.comparing(NodeDefinition::address)
                                    .thenComparing(NodeDefinition::database));
                            List<NodeSession> sessions = new ArrayList<>();
                            try {
                                Map<NodeDefinition, NodeSession> byNode = new HashMap<>();
                                for (NodeDefinition node : ordered) {
                                    NodeSession session = openReadOnly(node);
                                    sessions.add(session);
                                    byNode.put(node, session);
                                }
                                for (NodeDefinition node : bound.nodes()) {
                                    Connection connection = byNode.get(node).connection();
                                    try (PreparedStatement statement = connection.prepareStatement(query)) {
                                        bindKeys(statement, connection, slice, 0, false);
                                        rows.put(node.name(), read(statement.executeQuery()));
                                    } catch (SQLException e) {
                                        throw SqlErrors.wrap(e, node, what);
                                    }
                                    verifyRole(byNode.get(node));
                                }
                            } catch (RuntimeException e) {
                                failed.set(true);
                                throw e;
                            } finally {
                                sessions.forEach(NodeSession::close);
                            }
                            compare(chunk, slice, rows, writer);
                        }
                        return null;
                    }));
                }
                for (Future<Void> future : running) {
                    await(future);
                }
            } finally {
                threads.shutdownNow();
            }
        }

        private Map<String, List<String>> read(ResultSet result) throws SQLException {
            try (result) {
                Map<String, List<String>> rows = new HashMap<>();
                int columns = schema.columns().size();
                while (result.next()) {
                    List<String> row = new ArrayList<>(columns);
                    for (int c = 1; c <= columns; c++) {
                        row.add(result.getString(c));
                    }
                    rows.put(keyIdOf(row), row);
                }
                return rows;
            }
        }

        private String keyIdOf(List<String> row) {
            List<String> key = new ArrayList<>(keyPositions.length);
            for (int position : keyPositions) {
                key.add(row.get(position));
            }
            return RowSql.keyId(key);
        }

        // ------------------------------------------------------------------ hostdb

        private void hostdb(List<List<String>> keys, int chunks, DiffFileWriter writer) {
            List<NodeDefinition> nodes = bound.nodes();
            List<NodeDefinition> ordered = new ArrayList<>(nodes);
            ordered.sort(Comparator.comparing(NodeDefinition::address).thenComparing(NodeDefinition::database));
            Map<NodeDefinition, NodeSession> sessions = new LinkedHashMap<>();
            Map<NodeDefinition, PreparedStatement> statements = new HashMap<>();
            Map<NodeDefinition, ResultSet> results = new HashMap<>();
            ExecutorService threads = Executors.newFixedThreadPool(nodes.size(), daemon("node"));
            String tableName = "ace_rerun_" + Long.toHexString(RANDOM.nextLong() & Long.MAX_VALUE);
            try {
                for (NodeDefinition node : ordered) {
                    NodeSession session = pools.open(node, request.role(), what);
                    sessions.put(node, session);
                    try {
                        session.connection().setAutoCommit(false);
                        session.connection().setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
                    } catch (SQLException e) {
                        throw SqlErrors.wrap(e, node, what);
                    }
                }
                Map<NodeDefinition, Future<ResultSet>> loading = new LinkedHashMap<>();
                for (NodeDefinition node : nodes) {
                    Connection connection = sessions.get(node).connection();
                    loading.put(node, threads.submit(() -> {
                        try {
                            load(connection, tableName, keys);
                            PreparedStatement statement = connection.prepareStatement("SELECT k.ace_ord, s.* FROM "
                                    + "pg_temp." + tableName + " AS k CROSS JOIN LATERAL " + rowOf("k", true)
                                    + " ORDER BY k.ace_ord");
                            synchronized (statements) {
                                statements.put(node, statement);
                            }
                            statement.setFetchSize(1000);
                            return statement.executeQuery();
                        } catch (SQLException e) {
                            throw SqlErrors.wrap(e, node, what);
                        }
                    }));
                }
                for (Map.Entry<NodeDefinition, Future<ResultSet>> entry : loading.entrySet()) {
                    results.put(entry.getKey(), await(entry.getValue()));
                }
                merge(keys, chunks, results, writer);
                for (NodeDefinition node : nodes) {
                    verifyRole(sessions.get(node));
                }
            } finally {
                threads.shutdownNow();
                for (ResultSet result : results.values()) {
                    closeQuietly(result);
                }
                for (PreparedStatement statement : statements.values()) {
                    closeQuietly(statement);
                }
                // rolls back: the temporary table, created inside the transaction, goes with it
                sessions.values().forEach(NodeSession::close);
            }
        }

        /** Creates the key table in the open transaction, fills it, then makes the transaction read-only. */
        private void load(Connection connection, String tableName, List<List<String>> keys) throws SQLException {
            List<Column> keyColumns = schema.keyColumns();
            try (Statement statement = connection.createStatement()) {
                statement.execute("CREATE TEMPORARY TABLE " + tableName + " (ace_ord int PRIMARY KEY, "
                        + IntStream.range(0, keyColumns.size()).mapToObj(k -> "ace_k" + k + " " + keyColumns.get(k).type())
                        .collect(Collectors.joining(", ")) + ") ON COMMIT DROP");
            }
            String insert = "INSERT INTO pg_temp." + tableName + " SELECT v.ace_ord, "
                    + IntStream.range(0, keyColumns.size()).mapToObj(k -> "v.ace_k" + k + "::" + keyColumns.get(k).type())
                    .collect(Collectors.joining(", ")) + " FROM unnest((SELECT ?::int[]), " + arrays(keyColumns.size())
                    + ") AS v(ace_ord, " + names("ace_k", keyColumns.size()) + ")";
            for (int from = 0; from < keys.size(); from += LOAD_BATCH) {
                try (PreparedStatement statement = connection.prepareStatement(insert)) {
                    bindKeys(statement, connection, keys.subList(from, Math.min(keys.size(), from + LOAD_BATCH)), from,
                            true);
                    statement.executeUpdate();
                }
            }
            try (Statement statement = connection.createStatement()) {
                statement.execute("ANALYZE pg_temp." + tableName);
                // From here on nothing can write: the filter, if any, only reads.
                statement.execute("SET TRANSACTION READ ONLY");
            }
        }

        /** Reads every node's ordered rows chunk by chunk (rows of a chunk have ordinals in its slice of the keys). */
        private void merge(List<List<String>> keys, int chunks, Map<NodeDefinition, ResultSet> results,
                           DiffFileWriter writer) {
            Map<NodeDefinition, List<String>> pending = new HashMap<>();
            Map<NodeDefinition, Integer> pendingOrd = new HashMap<>();
            int columns = schema.columns().size();
            for (int chunk = 0; chunk < chunks; chunk++) {
                int end = Math.min(keys.size(), (chunk + 1) * chunkSize);
                Map<String, Map<String, List<String>>> rows = new LinkedHashMap<>();
                for (NodeDefinition node : bound.nodes()) {
                    Map<String, List<String>> found = new HashMap<>();
                    try {
                        ResultSet result = results.get(node);
                        while (true) {
                            if (!pending.containsKey(node)) {
                                if (!result.next()) {
                                    pending.put(node, null);
                                    pendingOrd.put(node, Integer.MAX_VALUE);
                                } else {
                                    List<String> row = new ArrayList<>(columns);
                                    for (int c = 2; c <= columns + 1; c++) {
                                        row.add(result.getString(c));
                                    }
                                    pending.put(node, row);
                                    pendingOrd.put(node, result.getInt(1));
                                }
                            }
                            if (pendingOrd.get(node) >= end) {
                                break;
                            }
                            List<String> row = pending.remove(node);
                            pendingOrd.remove(node);
                            found.put(keyIdOf(row), row);
                        }
                    } catch (SQLException e) {
                        throw SqlErrors.wrap(e, node, what);
                    }
                    rows.put(node.name(), found);
                }
                compare(chunk, keys.subList(chunk * chunkSize, end), rows, writer);
            }
        }

        // ------------------------------------------------------------------ compare

        /** Compares one chunk's rows on every node pair, in key order, and spools the differences. */
        private void compare(int chunk, List<List<String>> slice, Map<String, Map<String, List<String>>> rows,
                             DiffFileWriter writer) {
            rows.forEach((node, found) -> checked.get(node).addAndGet(found.size()));
            boolean differs = false;
            List<NodeDefinition> nodes = bound.nodes();
            try {
                for (int i = 0; i < nodes.size(); i++) {
                    for (int j = i + 1; j < nodes.size(); j++) {
                        String left = nodes.get(i).name();
                        String right = nodes.get(j).name();
                        List<byte[]> leftRows = new ArrayList<>();
                        List<byte[]> rightRows = new ArrayList<>();
                        long count = 0;
                        for (List<String> key : slice) {
                            String id = RowSql.keyId(key);
                            List<String> a = rows.get(left).get(id);
                            List<String> b = rows.get(right).get(id);
                            if (!Objects.equals(a, b)) {
                                count++;
                                if (a != null) {
                                    leftRows.add(writer.rowJson(a));
                                }
                                if (b != null) {
                                    rightRows.add(writer.rowJson(b));
                                }
                            }
                        }
                        if (count > 0) {
                            differs = true;
                            String pair = left + "/" + right;
                            counts.get(pair).addAndGet(count);
                            writer.add(chunk, pair, left, leftRows);
                            writer.add(chunk, pair, right, rightRows);
                        }
                    }
                }
            } catch (IOException e) {
                throw new AceException(ErrorCode.IO_ERROR, "could not write the diff spool: " + e.getMessage(), e);
            }
            if (differs) {
                mismatched.incrementAndGet();
            }
        }

        // ------------------------------------------------------------------ sessions and threads

        private NodeSession openReadOnly(NodeDefinition node) {
            NodeSession session = pools.open(node, request.role(), what);
            try {
                Connection connection = session.connection();
                connection.setAutoCommit(false);
                connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
                connection.setReadOnly(true);
                return session;
            } catch (SQLException e) {
                session.close();
                throw SqlErrors.wrap(e, node, what);
            }
        }

        /** A filter could change the session's role (set_config); nothing it returns is trusted if it did. */
        private void verifyRole(NodeSession session) {
            if (filter == null) {
                return;
            }
            try (PreparedStatement statement = session.connection().prepareStatement(
                    "SELECT current_user = coalesce(?::name, session_user)")) {
                statement.setString(1, request.role().name().orElse(null));
                try (ResultSet rows = statement.executeQuery()) {
                    rows.next();
                    if (!rows.getBoolean(1)) {
                        throw new PermissionDeniedException("table_filter changed the role of the session on node "
                                + session.node().describe() + "; a filter may only select rows", null);
                    }
                }
            } catch (SQLException e) {
                throw SqlErrors.wrap(e, session.node(), what);
            }
        }

        private <T> T await(Future<T> future) {
            try {
                return future.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AceException(ErrorCode.CANCELLED, "interrupted while " + what, e);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof AceException) {
                    throw (AceException) cause;
                }
                throw new AceException(ErrorCode.DATABASE_ERROR, "unexpected failure while " + what + ": " + cause,
                        cause);
            }
        }
    }

    private static void closeQuietly(AutoCloseable resource) {
        try {
            resource.close();
        } catch (Exception ignored) {
            // the session is closed (and its transaction rolled back) next
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String kind) {
        return runnable -> {
            Thread thread = new Thread(runnable, "ace-rerun-" + kind + "-" + THREADS.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

}
