package dev.ace.core.internal.diff;

import dev.ace.core.AceConfig;
import dev.ace.core.catalog.TableName;
import dev.ace.core.catalog.TableSchema;
import dev.ace.core.cluster.NodeDefinition;
import dev.ace.core.diff.DiffFile;
import dev.ace.core.diff.DiffResult;
import dev.ace.core.diff.DiffSummary;
import dev.ace.core.diff.RerunBehavior;
import dev.ace.core.diff.RerunService;
import dev.ace.core.diff.TableRerunRequest;
import dev.ace.core.error.AceException;
import dev.ace.core.error.ErrorCode;
import dev.ace.core.error.InvalidRequestException;
import dev.ace.core.internal.RequestChecks;
import dev.ace.core.internal.catalog.TableChecker;
import dev.ace.core.internal.config.ClusterResolver;
import dev.ace.core.internal.db.NodePools;
import dev.ace.core.internal.db.NodeSession;
import dev.ace.core.internal.db.NodeWork;
import dev.ace.core.internal.repair.RowSql;
import dev.ace.core.internal.task.TaskIds;
import dev.ace.core.task.TaskType;
import java.io.IOException;
import java.nio.file.Path;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one table rerun: collects the keys of a diff file, puts them in the table's key order
 * (sorted by the first node, with the key columns' collations), cuts them into chunks of the
 * diff's {@code block_rows}, fetches the current rows of each chunk from every node, compares
 * them for every node pair, and writes a new diff file in the same format ({@link DiffFileWriter}).
 * Reads run in repeatable-read snapshots as the caller's role, with the diff's
 * {@code table_filter}, if any, run only through {@link TableSql},
 * in a read-only transaction. Cancelling stops it between batches of keys and cancels the
 * statements running; no diff file is left then. Thread-safe: one engine serves concurrent reruns.
 */
public final class RerunEngine implements RerunService {

    private static final Logger LOG = LoggerFactory.getLogger(RerunEngine.class);
    private static final int LOAD_BATCH = 10_000;

    private final AceConfig config;
    private final ClusterResolver clusters;
    private final NodePools pools;
    private final TableChecker checker;
    private final TaskIds ids = new TaskIds();

    public RerunEngine(AceConfig config, ClusterResolver clusters, NodePools pools, TableChecker checker) {
        this.config = Objects.requireNonNull(config);
        this.clusters = Objects.requireNonNull(clusters);
        this.pools = Objects.requireNonNull(pools);
        this.checker = Objects.requireNonNull(checker);
    }

    @Override
    public DiffResult rerun(TableRerunRequest request) {
        Objects.requireNonNull(request, "request");
        Instant started = Instant.now();
        List<String> problems = new ArrayList<>();
        Checked checked = checkRequest(request, problems, false);
        if (!problems.isEmpty()) {
            throw new InvalidRequestException("the table-rerun request", problems);
        }
        BoundDiff bound = BoundDiff.bind(checked.file(), clusters, checker, request.dbname(), request.role());
        String taskId = request.taskId() != null ? request.taskId() : ids.next(TaskType.TABLE_RERUN, started);
        return new Run(request, checked.behavior(), bound, taskId, started).execute();
    }

    /**
     * Every problem the rerun would find before its first database statement, at once: the options,
     * the diff file's summary, and the file's cluster and nodes (cluster definitions are read; no
     * node is connected to). The rows of the file are read when the rerun runs.
     */
    @Override
    public void validate(TableRerunRequest request) {
        List<String> problems = new ArrayList<>();
        Checked checked = checkRequest(request, problems, true);
        if (checked.file() != null) {
            BoundDiff.resolve(checked.file(), clusters, request.dbname(), problems);
        }
        if (!problems.isEmpty()) {
            throw new InvalidRequestException("the table-rerun request", problems);
        }
    }

    /** The options as the rerun uses them; the file is null when it could not be opened. */
    private record Checked(RerunBehavior behavior, DiffFile file) {
    }

    private static Checked checkRequest(TableRerunRequest request, List<String> problems, boolean summaryOnly) {
        TableName table = RequestChecks.clusterAndTable(request.clusterName(), request.tableName(), problems);
        RerunBehavior behavior = RerunBehavior.parse(request.behavior());
        if (behavior == null) {
            problems.add("behavior must be multiprocessing or hostdb, was '" + request.behavior() + "'");
        }
        // a filter the file holds is checked as table-diff checks one when the file is read (DiffFile)
        DiffFile file = BoundDiff.open(request.diffFile(), table, request.clusterName(), request.dbname(), problems,
                summaryOnly);
        return new Checked(behavior, file);
    }

    /** State of one rerun while it runs. */
    private final class Run {
        private final TableRerunRequest request;
        private final RerunBehavior behavior;
        private final BoundDiff bound;
        private final DiffSummary summary;
        private final TableSchema schema;
        private final TableSql sql;
        private final String taskId;
        private final Instant started;
        private final int chunkSize;
        private final int[] keyPositions;
        private final DiffCounts counts;
        private final NodeWork work;
        private final AtomicInteger done = new AtomicInteger();
        private volatile int chunks;

        Run(TableRerunRequest request, RerunBehavior behavior, BoundDiff bound, String taskId, Instant started) {
            this.request = request;
            this.behavior = behavior;
            this.bound = bound;
            this.summary = bound.summary();
            this.schema = bound.schema();
            this.sql = new TableSql(schema, summary.tableFilter());
            this.taskId = taskId;
            this.started = started;
            this.chunkSize = summary.blockRows() > 0 ? summary.blockRows() : config.blockRows();
            this.keyPositions = summary.keyPositions();
            this.counts = new DiffCounts(bound.nodes());
            this.work = NodeWork.of(pools, request.role(), "rerunning the diff of table " + schema.table(), "rerun")
                    .cancelledBy(request.cancellation(), this::cancelled).withSqlMeaning(sql::filterError);
        }

        DiffResult execute() {
            Path target = DiffOutput.diffFile(config.outputDirectory(), schema.table(), taskId, started);
            try (work; DiffFileWriter writer = new DiffFileWriter(schema.columns(), target)) {
                Map<String, List<String>> distinct = new LinkedHashMap<>();
                bound.file().forEachRow((pair, node, row) -> distinct.putIfAbsent(RowSql.keyId(row.key()), row.key()));
                List<List<String>> keys = sortKeys(new ArrayList<>(distinct.values()));
                chunks = (keys.size() + chunkSize - 1) / chunkSize;
                if (behavior == RerunBehavior.HOSTDB) {
                    hostdb(keys, writer);
                } else {
                    multiprocessing(keys, writer);
                }
                if (request.cancellation().isCancelled()) {
                    throw cancelled();
                }
                DiffOutput.Summary facts = new DiffOutput.Summary(taskId, summary.clusterName(),
                        bound.cluster().database(), schema.table(), bound.nodes().stream().map(NodeDefinition::name)
                        .toList(), schema.columns(), schema.primaryKey(), summary.blockRows(), summary.maxCpuRatio(),
                        summary.batchSize(), summary.tableFilter(), started, Instant.now(), counts.checked(),
                        counts.differing(), chunks, counts.mismatched(), summary.truncated());
                DiffResult result = facts.result(writer.finish(facts));
                if (!request.quiet()) {
                    LOG.info("rerun of {} ({}): {}", bound.file().path(), behavior, result.describe());
                }
                return result;
            } catch (IOException e) {
                throw new AceException(ErrorCode.IO_ERROR, "could not write the diff file " + target + ": "
                        + e.getMessage(), e);
            } catch (RuntimeException e) {
                throw work.translate(e, null);
            }
        }

        private AceException cancelled() {
            int total = chunks;
            return new AceException(ErrorCode.CANCELLED, "table-rerun of " + schema.table() + " was cancelled after "
                    + done.get() + (total > 0 ? " of " + total : "") + " batches of keys; no diff file was written");
        }

        /** Between batches: stops when the caller cancelled. */
        private void stopIfCancelled() {
            if (request.cancellation().isCancelled()) {
                throw cancelled();
            }
        }

        /** One more batch of keys is compared on every node. */
        private void batchDone() {
            request.progress().onProgress(done.incrementAndGet(), chunks);
        }

        // ------------------------------------------------------------------ key order

        /** The keys in the table's key order, as the first node sorts them with the key columns' collations. */
        private List<List<String>> sortKeys(List<List<String>> keys) {
            if (keys.size() < 2) {
                return keys;
            }
            NodeDefinition node = bound.nodes().get(0);
            try (NodeSession session = work.openReadOnly(node)) {
                Connection connection = session.connection();
                Map<String, String> collations = new HashMap<>();
                try (PreparedStatement statement = connection.prepareStatement(TableSql.COLUMN_COLLATIONS)) {
                    statement.setString(1, schema.table().quoted());
                    try (ResultSet rows = statement.executeQuery()) {
                        while (rows.next()) {
                            collations.put(rows.getString(1), rows.getString(2));
                        }
                    }
                }
                List<List<String>> sorted = new ArrayList<>(keys.size());
                try (PreparedStatement statement = connection.prepareStatement(sql.keyOrderQuery(collations))) {
                    bindKeys(statement, connection, keys, 0, true);
                    try (ResultSet rows = statement.executeQuery()) {
                        while (rows.next()) {
                            sorted.add(keys.get(rows.getInt(1)));
                        }
                    }
                }
                return sorted;
            } catch (SQLException e) {
                throw work.translate(e, node);
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

        // ------------------------------------------------------------------ multiprocessing

        private void multiprocessing(List<List<String>> keys, DiffFileWriter writer) {
            double ratio = summary.maxCpuRatio() > 0 && summary.maxCpuRatio() <= 1 ? summary.maxCpuRatio()
                    : config.maxCpuRatio();
            int workers = Math.max(1, Math.min(Math.min(config.maxConnectionsPerNode(), Math.max(1, chunks)),
                    Math.max(1, (int) Math.floor(Runtime.getRuntime().availableProcessors() * ratio))));
            AtomicInteger next = new AtomicInteger();
            String query = sql.rowsOfKeysQuery();
            List<Future<Void>> running = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                running.add(work.submit(() -> {
                    try {
                        int chunk;
                        while (work.failure() == null && (chunk = next.getAndIncrement()) < chunks) {
                            stopIfCancelled();
                            List<List<String>> slice = keys.subList(chunk * chunkSize,
                                    Math.min(keys.size(), (chunk + 1) * chunkSize));
                            compare(chunk, slice, readChunk(slice, query), writer);
                            batchDone();
                        }
                        return null;
                    } catch (Exception e) {
                        throw work.fail(work.translate(e, null));
                    }
                }));
            }
            work.awaitAll(running);
        }

        /** The rows of one batch of keys on every node, each in a snapshot of its own. */
        private Map<String, Map<String, List<String>>> readChunk(List<List<String>> slice, String query) {
            Map<String, Map<String, List<String>>> rows = new LinkedHashMap<>();
            Map<NodeDefinition, NodeSession> sessions = work.leaseAll(bound.nodes(), work::openReadOnly);
            try {
                for (NodeDefinition node : bound.nodes()) {
                    NodeSession session = sessions.get(node);
                    Connection connection = session.connection();
                    try (PreparedStatement statement = connection.prepareStatement(query)) {
                        bindKeys(statement, connection, slice, 0, false);
                        rows.put(node.name(), read(statement.executeQuery()));
                    } catch (SQLException e) {
                        throw work.translate(e, node);
                    }
                    verifyRole(session);
                }
                return rows;
            } finally {
                NodeWork.closeAll(sessions);
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

        private void hostdb(List<List<String>> keys, DiffFileWriter writer) {
            List<NodeDefinition> nodes = bound.nodes();
            Map<NodeDefinition, NodeSession> sessions = new LinkedHashMap<>();
            Map<NodeDefinition, PreparedStatement> statements = new ConcurrentHashMap<>();
            Map<NodeDefinition, ResultSet> results = new HashMap<>();
            String keyTable = "ace_rerun_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
            try {
                sessions.putAll(work.leaseAll(nodes,
                        node -> work.openTransaction(node, Connection.TRANSACTION_REPEATABLE_READ, false)));
                results.putAll(work.onEach(nodes, node -> {
                    Connection connection = sessions.get(node).connection();
                    load(connection, keyTable, keys);
                    PreparedStatement statement = connection.prepareStatement(sql.rowsOfKeyTableQuery(keyTable));
                    statements.put(node, statement);
                    statement.setFetchSize(1000);
                    return statement.executeQuery();
                }));
                merge(keys, results, writer);
                for (NodeDefinition node : nodes) {
                    verifyRole(sessions.get(node));
                }
            } finally {
                results.values().forEach(RerunEngine::closeQuietly);
                statements.values().forEach(RerunEngine::closeQuietly);
                // rolls back: the temporary table, created inside the transaction, goes with it
                NodeWork.closeAll(sessions);
            }
        }

        /** Creates the key table in the open transaction, fills it, then makes the transaction read-only. */
        private void load(Connection connection, String tableName, List<List<String>> keys) throws SQLException {
            try (Statement statement = connection.createStatement()) {
                statement.execute(sql.createKeyTable(tableName));
            }
            String insert = sql.fillKeyTable(tableName);
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
        private void merge(List<List<String>> keys, Map<NodeDefinition, ResultSet> results, DiffFileWriter writer) {
            Map<NodeDefinition, List<String>> pending = new HashMap<>();
            Map<NodeDefinition, Integer> pendingOrd = new HashMap<>();
            int columns = schema.columns().size();
            for (int chunk = 0; chunk < chunks; chunk++) {
                stopIfCancelled();
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
                        throw work.translate(e, node);
                    }
                    rows.put(node.name(), found);
                }
                compare(chunk, keys.subList(chunk * chunkSize, end), rows, writer);
                batchDone();
            }
        }

        // ------------------------------------------------------------------ compare

        /** Compares one chunk's rows on every node pair, in key order, and spools the differences. */
        private void compare(int chunk, List<List<String>> slice, Map<String, Map<String, List<String>>> rows,
                             DiffFileWriter writer) {
            rows.forEach((node, found) -> counts.addChecked(node, found.size()));
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
                            String pair = DiffCounts.pair(left, right);
                            counts.differing(pair).addAndGet(count);
                            writer.add(chunk, pair, left, leftRows);
                            writer.add(chunk, pair, right, rightRows);
                        }
                    }
                }
            } catch (IOException e) {
                throw new AceException(ErrorCode.IO_ERROR, "could not write the diff spool: " + e.getMessage(), e);
            }
            if (differs) {
                counts.addMismatch();
            }
        }

        /** Nothing a session returned is trusted if the filter ran in it and changed its role. */
        private void verifyRole(NodeSession session) {
            if (sql.filtered()) {
                work.verifyRole(session);
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
}
