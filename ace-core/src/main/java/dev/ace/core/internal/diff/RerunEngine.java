package dev.ace.core.internal.diff;

import dev.ace.core.AceConfig;
import dev.ace.core.OutputFiles;
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
import dev.ace.core.internal.catalog.TableChecker;
import dev.ace.core.internal.config.ClusterResolver;
import dev.ace.core.internal.db.NodePools;
import dev.ace.core.internal.db.NodeSession;
import dev.ace.core.internal.db.NodeWork;
import dev.ace.core.internal.repair.RepairParts;
import dev.ace.core.internal.repair.RowSql;
import dev.ace.core.internal.task.TaskIds;
import dev.ace.core.option.Options;
import dev.ace.core.task.TaskType;
import java.io.IOException;
import java.nio.file.Files;
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
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one table rerun: collects the keys of a diff file, puts them in the table's key order
 * (sorted by the first node, with the key columns' collations), cuts them into chunks of the
 * diff's {@code block_rows}, fetches the current rows of each chunk from every node, compares
 * them for every node pair, and writes a new diff file in the same format ({@link DiffFileWriter}).
 * A diff file of more than {@link RepairParts#PART_ROWS} differences is first cut into parts by
 * key ({@link RepairParts}) and rerun part by part, so memory does not grow with its size; the new
 * file then lists its rows part by part, each part in key order.
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
        DiffFile file = openDiffFile(request, problems, false);
        if (!problems.isEmpty()) {
            throw new InvalidRequestException("the table-rerun request", problems);
        }
        BoundDiff bound = BoundDiff.bind(file, clusters, checker, request.dbname(), request.role());
        String taskId = request.taskId() != null ? request.taskId() : ids.next(TaskType.TABLE_RERUN, started);
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
        private final TableSql sql;
        private final String taskId;
        private final Instant started;
        private final int chunkSize;
        private final int[] keyPositions;
        private final long partRows = RepairParts.partRows();
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
            this.chunkSize = summary.blockRows();
            this.keyPositions = summary.keyPositions();
            this.counts = new DiffCounts(bound.nodes());
            this.work = NodeWork.of(pools, request.role(), "rerunning the diff of table " + schema.table(), "rerun")
                    .cancelledBy(request.cancellation(), this::cancelled).withSqlMeaning(sql::filterError);
        }

        DiffResult execute() {
            Path target = DiffOutput.diffFile(config.outputDirectory(), schema.table(), taskId, started);
            try (work; DiffFileWriter writer = new DiffFileWriter(schema.columns(), target, taskId);
                 RepairParts parts = RepairParts.of(bound.file(), partRows, config.outputDirectory(), taskId,
                         this::stopIfCancelled)) {
                for (DiffFile part : parts.parts()) {
                    List<List<String>> keys = sortKeys(distinctKeys(part));
                    int first = chunks;
                    chunks = first + (keys.size() + chunkSize - 1) / chunkSize;
                    if (behavior == RerunBehavior.HOSTDB) {
                        hostdb(keys, first, writer);
                    } else {
                        multiprocessing(keys, first, writer);
                    }
                    if (part != bound.file()) {
                        Files.deleteIfExists(part.path());
                    }
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
                throw OutputFiles.writeFailure("the diff file " + target, config.outputDirectory(), e);
            } catch (RuntimeException e) {
                throw OutputFiles.named(work.translate(e, null), "the diff file " + target, config.outputDirectory());
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
        private List<List<String>> distinctKeys(DiffFile file) {
            Map<String, Listed> distinct = new LinkedHashMap<>();
            int[] list = {0};
            String[] last = new String[2];
            file.forEachRow((pair, node, row) -> {
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
                    // a damaged file is named as the user gave it, not by its part
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

        /** Compares {@code keys} (one part's, sorted) in chunks numbered from {@code first}. */
        private void multiprocessing(List<List<String>> keys, int first, DiffFileWriter writer) {
            int count = (keys.size() + chunkSize - 1) / chunkSize;
            double ratio = summary.maxCpuRatio();
            int workers = Math.max(1, Math.min(Math.min(config.maxConnectionsPerNode(), Math.max(1, count)),
                    Math.max(1, (int) Math.floor(Runtime.getRuntime().availableProcessors() * ratio))));
            AtomicInteger next = new AtomicInteger();
            String query = sql.rowsOfKeysQuery();
            List<Future<Void>> running = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                running.add(work.submit(() -> {
                    try {
                        int chunk;
                        while (work.failure() == null && (chunk = next.getAndIncrement()) < count) {
                            stopIfCancelled();
                            List<List<String>> slice = keys.subList(chunk * chunkSize,
                                    Math.min(keys.size(), (chunk + 1) * chunkSize));
                            compare(first + chunk, slice, readChunk(slice, query), writer);
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

        /** Compares {@code keys} (one part's, sorted) in chunks numbered from {@code first}. */
        private void hostdb(List<List<String>> keys, int first, DiffFileWriter writer) {
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
                merge(keys, first, results, writer);
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
        private void merge(List<List<String>> keys, int first, Map<NodeDefinition, ResultSet> results,
                           DiffFileWriter writer) {
            Map<NodeDefinition, List<String>> pending = new HashMap<>();
            Map<NodeDefinition, Integer> pendingOrd = new HashMap<>();
            int columns = schema.columns().size();
            int count = (keys.size() + chunkSize - 1) / chunkSize;
            for (int chunk = 0; chunk < count; chunk++) {
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
                compare(first + chunk, keys.subList(chunk * chunkSize, end), rows, writer);
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
