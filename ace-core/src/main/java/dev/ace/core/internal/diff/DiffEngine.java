package dev.ace.core.internal.diff;

import dev.ace.core.AceConfig;
import dev.ace.core.OutputFiles;
import dev.ace.core.CallerRole;
import dev.ace.core.catalog.TableName;
import dev.ace.core.catalog.TableSchema;
import dev.ace.core.cluster.ClusterDefinition;
import dev.ace.core.cluster.NodeDefinition;
import dev.ace.core.diff.DiffResult;
import dev.ace.core.diff.DiffService;
import dev.ace.core.diff.TableDiffRequest;
import dev.ace.core.error.AceException;
import dev.ace.core.error.ErrorCode;
import dev.ace.core.error.InvalidRequestException;
import dev.ace.core.internal.catalog.TableChecker;
import dev.ace.core.internal.config.ClusterResolver;
import dev.ace.core.internal.db.NodePools;
import dev.ace.core.internal.db.NodeSession;
import dev.ace.core.internal.db.NodeWork;
import dev.ace.core.internal.task.TaskIds;
import dev.ace.core.task.TaskType;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs one table diff: validate, resolve, check the table, plan key ranges, hash every range on
 * every node (each range as {@link TableSql#PARTITIONS} key-hash partitions with a 64-bit digest
 * each), fetch only the rows of partitions that differ, compare them N-way, and write the diff
 * file. Thread-safe: one engine serves concurrent diffs.
 */
public final class DiffEngine implements DiffService {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DiffEngine.class);

    private final AceConfig config;
    private final ClusterResolver clusters;
    private final NodePools pools;
    private final TableChecker checker;
    private final TaskIds ids = new TaskIds();

    /**
     * The system property that, set to {@code false}, makes every diff take the range path (key
     * ranges planned from a sample, hashed range by range) instead of the one-pass scan: a way to
     * compare the two, and for tests of the range path on small tables.
     */
    public static final String ONE_PASS_PROPERTY = "ace.diff.onePass";

    /**
     * The system property that lowers {@link #MAX_BUCKET_ROWS} (a positive number of rows): for
     * tests of the splitting of differing buckets on small tables.
     */
    public static final String MAX_BUCKET_ROWS_PROPERTY = "ace.diff.maxBucketRows";

    /** At most this many key slices or buckets in a one-pass diff (16 bytes each per node in memory). */
    private static final int MAX_GROUPS = 1 << 18;
    /** At most this many rows per node in the differing buckets of a one-pass diff (their keys are held). */
    private static final long MAX_BUCKET_ROWS = 200_000;
    /**
     * At most this many key-hash buckets in a one-pass diff's scan. Buckets are scattered over the
     * table by the hash, so every row finds its own in the hash aggregate's table: beyond a few
     * thousand, that table leaves the cache (node CPU at 1,000,000 rows: 530 to 610 ms with 4,096
     * buckets, 1,140 to 1,300 with 16,384; the whole-table hash alone 330 to 360). Differing
     * buckets that hold too many rows are split into finer ones by a second scan of only their rows.
     */
    private static final int MAX_BUCKETS = 4_096;
    /** At most this many times the differing buckets of a one-pass diff are split into finer ones. */
    private static final int MAX_REFINEMENTS = 2;
    /** At most this many differing keys in a one-pass diff (their rows are held). */
    private static final int MAX_KEY_ROWS = 20_000;
    /**
     * The one-pass scan is one statement per node, which {@code statement_timeout} bounds: tables
     * estimated at more rows than this many per second of it take the range path (a scan reads
     * about a million rows a second per core; this leaves room for a busy machine).
     */
    private static final long SCAN_ROWS_PER_SECOND = 250_000;
    /** At most this many rows per node in one statement returning differing slices' rows (their rows are held). */
    private static final long MAX_FETCH_ROWS = 20_000;
    /** Differing slices whose rows one statement returns. */
    private static final int SLICES_PER_FETCH = 256;
    /** work_mem of the one-pass scan's transaction: its hash aggregate holds one entry per slice. */
    private static final String SCAN_WORK_MEM = "64MB";

    /**
     * What a one-pass diff counts as ranges (its progress, {@code ranges_planned} and
     * {@code ranges_mismatched}): its groups taken together in {@code count} blocks of about
     * {@code block_rows} estimated rows each, consecutive groups per block.
     */
    private record Blocks(int groups, int count) {
        /** As many blocks as the estimated rows fill, at least one; known before the key's bounds are read. */
        static int count(long estimatedRows, int blockRows) {
            return (int) Math.max(1, Math.min(MAX_GROUPS, (estimatedRows + blockRows - 1) / blockRows));
        }

        int of(int group) {
            return (int) ((long) group * count / groups);
        }
    }

    public DiffEngine(AceConfig config, ClusterResolver clusters, NodePools pools, TableChecker checker) {
        this.config = config;
        this.clusters = clusters;
        this.pools = pools;
        this.checker = checker;
    }

    /** Options of one diff after validation and defaults. */
    private record Options(String clusterName, TableName table, String dbname, int blockRows, double maxCpuRatio,
                           int batchSize, String filter, int maxDiffRows, CallerRole role) {
    }

    @Override
    public DiffResult diff(TableDiffRequest request) {
        java.util.Objects.requireNonNull(request, "request");
        Options options = withDefaults(request);
        Instant started = Instant.now();
        ClusterDefinition cluster = clusters.resolve(options.clusterName(), options.dbname());
        List<NodeDefinition> nodes = cluster.select(nodesOption(request), 2);
        long checkStart = System.nanoTime();
        TableSchema schema = checker.check(nodes, options.table(), options.role());
        LOG.debug("{}: checked on {} nodes in {} ms", schema.table(), nodes.size(),
                (System.nanoTime() - checkStart) / 1_000_000);
        TableSql sql = new TableSql(schema, options.filter());
        String taskId = request.taskId() != null ? request.taskId() : ids.next(TaskType.TABLE_DIFF, started);
        return new Run(request, options, nodes, schema, sql, taskId, started).execute();
    }

    /**
     * Every problem the diff would find before its first database statement, at once. The request
     * checked its options when it was built; what is left is the cluster and the nodes (cluster
     * definitions are read; no node is connected to).
     */
    @Override
    public void validate(TableDiffRequest request) {
        List<String> problems = new ArrayList<>();
        clusters.select(request.clusterName(), request.dbname(), nodesOption(request), 2, problems);
        if (!problems.isEmpty()) {
            throw new InvalidRequestException("the table-diff request", problems);
        }
    }

    /** The {@code nodes} option as cluster definitions select by it: {@code all} or {@code n1,n2}. */
    private static String nodesOption(TableDiffRequest request) {
        return request.nodes().isEmpty() ? "all" : String.join(",", request.nodes());
    }

    /**
     * The request's options with the configuration's defaults for those it leaves unset. The
     * request checked every option when it was built (dev.ace.core.option.Options), and the
     * configuration checked its defaults with the same checks; nothing is checked again here.
     */
    private Options withDefaults(TableDiffRequest request) {
        return new Options(request.clusterName(), TableName.parse(request.tableName()), request.dbname(),
                orDefault(request.blockRows(), config.blockRows()), orDefault(request.maxCpuRatio(), config.maxCpuRatio()),
                orDefault(request.batchSize(), config.batchSize()), request.tableFilter(),
                orDefault(request.maxDiffRows(), config.maxDiffRows()), request.role());
    }

    private static <T> T orDefault(T value, T fallback) {
        return value != null ? value : fallback;
    }

    /** Digests of one range on one node: per partition, the row count and the XOR of row digests. */
    private static final class Digests {
        final long[] counts = new long[TableSql.PARTITIONS];
        final long[] xors = new long[TableSql.PARTITIONS];

        long rows() {
            long sum = 0;
            for (long count : counts) {
                sum += count;
            }
            return sum;
        }
    }

    /** State of one diff while it runs. */
    private final class Run {
        private final TableDiffRequest request;
        private final Options options;
        private final List<NodeDefinition> nodes;
        private final TableSchema schema;
        private final TableSql sql;
        private final String taskId;
        private final Instant started;
        private final DiffCounts counts;
        private final AtomicInteger done = new AtomicInteger();
        private final AtomicBoolean truncated = new AtomicBoolean();
        private final NodeWork work;
        /** The ranges (or a one-pass diff's blocks) the progress counts, once known. */
        private volatile int rangesPlanned;

        Run(TableDiffRequest request, Options options, List<NodeDefinition> nodes, TableSchema schema, TableSql sql,
            String taskId, Instant started) {
            this.request = request;
            this.options = options;
            this.nodes = nodes;
            this.schema = schema;
            this.sql = sql;
            this.taskId = taskId;
            this.started = started;
            this.counts = new DiffCounts(nodes);
            this.work = NodeWork.of(pools, options.role(), "diffing table " + schema.table(), "diff")
                    .cancelledBy(request.cancellation(), this::cancelled).withSqlMeaning(sql::filterError);
        }

        DiffResult execute() {
            int workers = Math.min(config.maxConnectionsPerNode(),
                    Math.max(1, (int) Math.floor(Runtime.getRuntime().availableProcessors() * options.maxCpuRatio())));
            Path target = DiffOutput.diffFile(config.outputDirectory(), schema.table(), taskId, started);
            try (work; DiffFileWriter writer = new DiffFileWriter(schema.columns(), target, taskId)) {
                checkFilter();
                Map<NodeDefinition, long[]> estimates = new LinkedHashMap<>();
                OnePass onePass = "false".equals(System.getProperty(ONE_PASS_PROPERTY)) ? null
                        : diffInOnePass(estimates, writer);
                if (onePass != null) {
                    return finish(onePass.blocks(), writer);
                }
                if (estimates.isEmpty()) {
                    estimates.putAll(work.onEach(nodes, node -> {
                        try (NodeSession session = work.openReadOnly(node)) {
                            return estimate(session);
                        }
                    }));
                }
                long planStart = System.nanoTime();
                List<KeyRange> ranges = plan(estimates);
                LOG.debug("{}: {} ranges planned in {} ms", schema.table(), ranges.size(),
                        (System.nanoTime() - planStart) / 1_000_000);
                rangesPlanned = ranges.size();
                request.progress().onProgress(done.get(), ranges.size());
                List<int[]> units = new ArrayList<>();
                for (int start = 0; start < ranges.size(); start += options.batchSize()) {
                    units.add(new int[] {start, Math.min(ranges.size(), start + options.batchSize())});
                }
                AtomicInteger next = new AtomicInteger();
                List<Future<?>> running = new ArrayList<>();
                for (int w = 0; w < workers; w++) {
                    running.add(work.submit(() -> {
                        Map<NodeDefinition, NodeSession> sessions = new LinkedHashMap<>();
                        try {
                            int unit;
                            while (work.failure() == null && (unit = next.getAndIncrement()) < units.size()) {
                                if (request.cancellation().isCancelled()) {
                                    throw cancelled();
                                }
                                if (allPairsCapped()) {
                                    truncated.set(true);
                                    return null;
                                }
                                runUnit(units.get(unit)[0], units.get(unit)[1], ranges, writer, sessions);
                                request.progress().onProgress(done.addAndGet(units.get(unit)[1] - units.get(unit)[0]),
                                        ranges.size());
                            }
                            return null;
                        } catch (Exception e) {
                            throw work.fail(work.translate(e, null));
                        } finally {
                            NodeWork.closeAll(sessions);
                        }
                    }));
                }
                work.awaitAll(running);
                return finish(ranges.size(), writer);
            } catch (IOException e) {
                throw OutputFiles.writeFailure("the diff file " + target, config.outputDirectory(), e);
            } catch (RuntimeException e) {
                throw OutputFiles.named(work.translate(e, null), "the diff file " + target, config.outputDirectory());
            }
        }

        private DiffResult finish(int ranges, DiffFileWriter writer) throws IOException {
            if (request.cancellation().isCancelled()) {
                throw cancelled();
            }
            Instant finished = Instant.now();
            DiffOutput.Summary facts = new DiffOutput.Summary(taskId, options.clusterName(),
                    nodes.get(0).database(), schema.table(), nodes.stream().map(NodeDefinition::name).toList(),
                    schema.columns(), schema.primaryKey(), options.blockRows(), options.maxCpuRatio(),
                    options.batchSize(), options.filter(), started, finished, counts.checked(),
                    counts.differing(), ranges, counts.mismatched(), truncated.get());
            return facts.result(writer.finish(facts));
        }

        private boolean allPairsCapped() {
            if (options.maxDiffRows() == 0) {
                return false;
            }
            return counts.pairs().stream().allMatch(pair -> counts.differing(pair).get() >= options.maxDiffRows());
        }

        private AceException cancelled() {
            int total = rangesPlanned;
            return new AceException(ErrorCode.CANCELLED, "table-diff of " + schema.table() + " was cancelled after "
                    + done.get() + (total > 0 ? " of " + total : "") + " ranges; no diff file was written");
        }

        // ------------------------------------------------------------------ steps

        private void checkFilter() {
            if (!sql.filtered()) {
                return;
            }
            work.onEach(nodes, node -> {
                try (NodeSession session = work.openReadOnly(node)) {
                    try (PreparedStatement statement = session.connection().prepareStatement(
                            "SELECT 1 FROM " + sql.from() + " WHERE TRUE" + sql.filterClause() + " LIMIT 0")) {
                        statement.executeQuery().close();
                    }
                    verifyRole(session);
                    return null;
                }
            });
        }

        /**
         * Whether every node sorts the key alike. Ranges are cut in one node's key order and each
         * node finds a range's rows with its own comparisons; a node that sorts the key
         * differently would put a key near a boundary into another range, so then the table is
         * compared as one range (key-hash partitions hash the key's text, which does not depend on
         * the order). A key sorts by its collations, the database's and the collation library's
         * version (text keys), by the order of enum labels (an enum's order is that of its labels'
         * {@code enumsortorder}, which depends on how labels were added: two nodes whose labels
         * are in another order sort the key differently), and by OIDs, which differ from node to
         * node, for the reg* types.
         */
        private boolean keysSortAlikeEverywhere() {
            boolean collatable = schema.keyColumns().stream().anyMatch(column -> "S".equals(column.category()));
            // only a key of a type not known to be a plain built-in one can hold an enum or a reg* value
            boolean nodeLocal = !schema.keyColumns().stream().allMatch(ColumnRules::hashesExactly);
            if (!collatable && !nodeLocal) {
                return true;
            }
            Map<NodeDefinition, String> orders = work.onEach(nodes, node -> {
                try (NodeSession session = work.openReadOnly(node)) {
                    return (collatable ? collationOrder(session) : "") + "|" + (nodeLocal ? valueOrder(session) : "");
                }
            });
            return orders.values().stream().distinct().count() == 1 && !orders.values().iterator().next().endsWith("|*");
        }

        /** The collations of the key columns, the database's, and the collation library's version. */
        private String collationOrder(NodeSession session) throws SQLException {
            try (PreparedStatement statement = session.connection().prepareStatement(
                    "SELECT string_agg(a.attname || '=' || coalesce(co.collname, '') || ':' "
                            + "|| coalesce(co.collprovider::text, '') || ':' || coalesce(co.collversion, ''), ',' "
                            + "ORDER BY a.attname) || ';' || d.datcollate || ';' || d.datctype || ';' "
                            + "|| coalesce(d.datcollversion, '') "
                            + "FROM pg_catalog.pg_attribute a "
                            + "LEFT JOIN pg_catalog.pg_collation co ON co.oid = a.attcollation "
                            + "CROSS JOIN pg_catalog.pg_database d "
                            + "WHERE d.datname = current_database() AND a.attrelid = ?::regclass "
                            + "AND a.attname = ANY(?) GROUP BY d.datcollate, d.datctype, d.datcollversion")) {
                statement.setString(1, schema.table().quoted());
                statement.setArray(2, session.connection().createArrayOf("text", schema.primaryKey().toArray()));
                try (ResultSet rows = statement.executeQuery()) {
                    rows.next();
                    return rows.getString(1);
                }
            }
        }

        /**
         * The labels, in sort order, of every enum the key columns' types hold (directly, through a
         * domain, as array elements, composite attributes or range bounds); {@code *} when they
         * hold a reg* type, which sorts by OID: no two nodes sort it alike.
         */
        private String valueOrder(NodeSession session) throws SQLException {
            try (PreparedStatement statement = session.connection().prepareStatement(
                    "WITH RECURSIVE types(oid) AS ("
                            + "SELECT a.atttypid FROM pg_catalog.pg_attribute a "
                            + "WHERE a.attrelid = ?::regclass AND a.attname = ANY(?) "
                            + "UNION "
                            + "SELECT n.oid FROM types t JOIN pg_catalog.pg_type ty ON ty.oid = t.oid "
                            + "CROSS JOIN LATERAL (SELECT ty.typbasetype UNION ALL SELECT ty.typelem "
                            + "UNION ALL SELECT a.atttypid FROM pg_catalog.pg_attribute a "
                            + "WHERE a.attrelid = ty.typrelid AND a.attnum > 0 AND NOT a.attisdropped "
                            + "UNION ALL SELECT r.rngsubtype FROM pg_catalog.pg_range r WHERE r.rngtypid = ty.oid "
                            + "UNION ALL SELECT r.rngtypid FROM pg_catalog.pg_range r WHERE r.rngmultitypid = ty.oid"
                            + ") AS n(oid) WHERE n.oid <> 0) "
                            + "SELECT CASE WHEN EXISTS (SELECT 1 FROM types t JOIN pg_catalog.pg_type ty ON ty.oid = t.oid "
                            + "WHERE ty.typnamespace = 'pg_catalog'::regnamespace AND ty.typname LIKE 'reg%') THEN '*' "
                            + "ELSE coalesce((SELECT string_agg(pg_catalog.format_type(e.enumtypid, NULL) || '=' "
                            + "|| e.enumlabel, ',' ORDER BY pg_catalog.format_type(e.enumtypid, NULL), e.enumsortorder) "
                            + "FROM types t JOIN pg_catalog.pg_enum e ON e.enumtypid = t.oid), '') END")) {
                statement.setString(1, schema.table().quoted());
                statement.setArray(2, session.connection().createArrayOf("text", schema.primaryKey().toArray()));
                try (ResultSet rows = statement.executeQuery()) {
                    rows.next();
                    return rows.getString(1);
                }
            }
        }

        /** The estimated rows (counted when the catalog has no estimate) and pages of the table, on one node. */
        private long[] estimate(NodeSession session) throws SQLException {
            try (PreparedStatement statement = session.connection().prepareStatement(
                    "SELECT c.reltuples::bigint, c.relpages FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n "
                            + "ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relname = ?")) {
                statement.setString(1, schema.table().schema());
                statement.setString(2, schema.table().table());
                try (ResultSet rows = statement.executeQuery()) {
                    rows.next();
                    long estimate = rows.getLong(1);
                    long pages = rows.getLong(2);
                    if (estimate < 0) {
                        try (PreparedStatement count = session.connection().prepareStatement("SELECT count(*) FROM "
                                + sql.from() + " WHERE TRUE" + sql.filterClause());
                             ResultSet counted = count.executeQuery()) {
                            counted.next();
                            return new long[] {counted.getLong(1), 0};
                        }
                    }
                    return new long[] {estimate, pages};
                }
            }
        }

        private List<KeyRange> plan(Map<NodeDefinition, long[]> estimates) {
            if (!keysSortAlikeEverywhere()) {
                LOG.warn("the key of {} sorts differently on the chosen nodes (collation, collation version, enum "
                        + "label order, or OIDs); comparing it as one range", schema.table());
                return List.of(new KeyRange(null, null));
            }
            NodeDefinition largest = nodes.get(0);
            for (NodeDefinition node : nodes) {
                if (estimates.get(node)[0] > estimates.get(largest)[0]) {
                    largest = node;
                }
            }
            NodeDefinition planner = largest;
            return work.onEach(List.of(planner), node -> {
                try (NodeSession session = work.openReadOnly(node)) {
                    List<KeyRange> ranges = RangePlanner.plan(session.connection(), sql, estimates.get(node)[0],
                            estimates.get(node)[1], options.blockRows());
                    verifyRole(session);
                    return ranges;
                }
            }).get(planner);
        }

        /**
         * Hashes and compares ranges [from, to) with the worker's sessions (one per node), leasing
         * them first if the worker holds none. Each unit is its own read-only transaction.
         */
        private void runUnit(int from, int to, List<KeyRange> ranges, DiffFileWriter writer,
                             Map<NodeDefinition, NodeSession> sessions) throws IOException {
            if (sessions.isEmpty()) {
                sessions.putAll(work.leaseAll(nodes, work::openReadOnly));
            }
            boolean ok = false;
            try {
                Map<NodeDefinition, Map<Integer, Digests>> digests = work.onEach(nodes,
                        node -> hash(sessions.get(node), from, to, ranges));
                for (int range = from; range < to; range++) {
                    compareRange(range, ranges.get(range), digests, sessions, writer);
                }
                work.onEach(nodes, node -> {
                    sessions.get(node).connection().commit();
                    return null;
                });
                ok = true;
            } finally {
                if (!ok || nodes.stream().anyMatch(pools::hasWaiters)) {
                    NodeWork.closeAll(sessions);
                }
            }
        }

        private Map<Integer, Digests> hash(NodeSession session, int from, int to, List<KeyRange> ranges)
                throws SQLException {
            StringBuilder query = new StringBuilder();
            for (int range = from; range < to; range++) {
                if (range > from) {
                    query.append("\nUNION ALL\n");
                }
                query.append(sql.hashQuery(range, ranges.get(range)));
            }
            Map<Integer, Digests> result = new HashMap<>();
            for (int range = from; range < to; range++) {
                result.put(range, new Digests());
            }
            try (PreparedStatement statement = session.connection().prepareStatement(query.toString())) {
                int parameter = 1;
                for (int range = from; range < to; range++) {
                    for (String value : ranges.get(range).bindValues()) {
                        statement.setString(parameter++, value);
                    }
                }
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        Digests digest = result.get(rows.getInt(1));
                        int partition = rows.getInt(2);
                        digest.counts[partition] = rows.getLong(3);
                        digest.xors[partition] = rows.getLong(4);
                    }
                }
            }
            verifyRole(session);
            counts.addChecked(session.node().name(), result.values().stream().mapToLong(Digests::rows).sum());
            return result;
        }

        private void compareRange(int range, KeyRange keys, Map<NodeDefinition, Map<Integer, Digests>> digests,
                                  Map<NodeDefinition, NodeSession> sessions, DiffFileWriter writer)
                throws IOException {
            boolean[] union = new boolean[TableSql.PARTITIONS];
            Map<String, boolean[]> pairPartitions = new LinkedHashMap<>();
            List<NodeDefinition> involved = new ArrayList<>();
            for (int i = 0; i < nodes.size(); i++) {
                for (int j = i + 1; j < nodes.size(); j++) {
                    Digests a = digests.get(nodes.get(i)).get(range);
                    Digests b = digests.get(nodes.get(j)).get(range);
                    boolean[] differing = null;
                    for (int p = 0; p < TableSql.PARTITIONS; p++) {
                        if (a.counts[p] != b.counts[p] || a.xors[p] != b.xors[p]) {
                            differing = differing == null ? new boolean[TableSql.PARTITIONS] : differing;
                            differing[p] = true;
                            union[p] = true;
                        }
                    }
                    if (differing != null) {
                        pairPartitions.put(DiffCounts.pair(nodes.get(i).name(), nodes.get(j).name()), differing);
                        if (!involved.contains(nodes.get(i))) {
                            involved.add(nodes.get(i));
                        }
                        if (!involved.contains(nodes.get(j))) {
                            involved.add(nodes.get(j));
                        }
                    }
                }
            }
            if (pairPartitions.isEmpty()) {
                return;
            }
            counts.addMismatch();
            List<Integer> partitions = new ArrayList<>();
            for (int p = 0; p < TableSql.PARTITIONS; p++) {
                if (union[p]) {
                    partitions.add(p);
                }
            }
            List<List<Integer>> groups = fetchGroups(range, digests, involved, partitions);
            for (int group = 0; group < groups.size(); group++) {
                List<Integer> fetching = groups.get(group);
                // most partitions differ: all rows are cheaper to fetch, unless the range is fetched in groups
                boolean all = groups.size() == 1 && fetching.size() > TableSql.PARTITIONS / 2;
                Map<NodeDefinition, LinkedHashMap<String, List<String>>> fetched = work.onEach(involved,
                        node -> fetch(sessions.get(node), keys, fetching, all));
                for (String pair : pairPartitions.keySet()) {
                    String[] names = DiffCounts.sides(pair);
                    writePair(range, group, pair, fetched.get(node(names[0])), fetched.get(node(names[1])), writer);
                }
            }
        }

        /**
         * The differing partitions of a range cut into groups, in partition order, each holding at
         * most {@link #fetchRows} rows on every node (or a single partition): the rows fetched and
         * compared at once, so that a range where a node holds far more rows than the range was
         * planned for (rows beyond the planning node's last key, say) is still compared in bounded
         * memory. Usually one group: all of them.
         */
        private List<List<Integer>> fetchGroups(int range, Map<NodeDefinition, Map<Integer, Digests>> digests,
                                                List<NodeDefinition> involved, List<Integer> partitions) {
            long limit = fetchRows();
            List<List<Integer>> groups = new ArrayList<>();
            List<Integer> group = new ArrayList<>();
            long[] held = new long[involved.size()];
            for (int p : partitions) {
                boolean fits = true;
                for (int n = 0; n < involved.size(); n++) {
                    fits &= held[n] + digests.get(involved.get(n)).get(range).counts[p] <= limit;
                }
                if (!fits && !group.isEmpty()) {
                    groups.add(group);
                    group = new ArrayList<>();
                    java.util.Arrays.fill(held, 0);
                }
                group.add(p);
                for (int n = 0; n < involved.size(); n++) {
                    held[n] += digests.get(involved.get(n)).get(range).counts[p];
                }
            }
            groups.add(group);
            return groups;
        }

        /** Rows per node fetched at once for a range: twice the block size planned. */
        private long fetchRows() {
            return 2L * options.blockRows();
        }

        /**
         * Compares the rows both nodes of a pair returned for the same keys, value by value, and
         * writes those that differ (within the pair's cap) as block {@code block} of the diff
         * file; returns the keys that differ.
         */
        private List<String> writePair(int block, String pair, LinkedHashMap<String, List<String>> left,
                                       LinkedHashMap<String, List<String>> right, DiffFileWriter writer)
                throws IOException {
            return writePair(block, 0, pair, left, right, writer);
        }

        /**
         * As {@link #writePair(int, String, LinkedHashMap, LinkedHashMap, DiffFileWriter)}, for group
         * {@code group} of the block's partitions (a block fetched in groups lists them in turn).
         */
        private List<String> writePair(int block, int group, String pair, LinkedHashMap<String, List<String>> left,
                                       LinkedHashMap<String, List<String>> right, DiffFileWriter writer)
                throws IOException {
            String[] names = DiffCounts.sides(pair);
            List<byte[]> leftRows = new ArrayList<>();
            List<byte[]> rightRows = new ArrayList<>();
            AtomicLong count = counts.differing(pair);
            List<String> differingKeys = new ArrayList<>();
            for (Map.Entry<String, List<String>> row : left.entrySet()) {
                List<String> other = right.get(row.getKey());
                if (other == null || !other.equals(row.getValue())) {
                    differingKeys.add(row.getKey());
                }
            }
            for (String key : right.keySet()) {
                if (!left.containsKey(key)) {
                    differingKeys.add(key);
                }
            }
            long allowed = reserve(count, differingKeys.size());
            // the first `allowed` differing keys, in key order, on both sides
            java.util.Set<String> chosen = new java.util.HashSet<>();
            for (Map.Entry<String, List<String>> row : left.entrySet()) {
                if (chosen.size() >= allowed) {
                    break;
                }
                List<String> other = right.get(row.getKey());
                if (other == null || !other.equals(row.getValue())) {
                    chosen.add(row.getKey());
                }
            }
            for (String key : right.keySet()) {
                if (chosen.size() >= allowed) {
                    break;
                }
                if (!left.containsKey(key)) {
                    chosen.add(key);
                }
            }
            for (Map.Entry<String, List<String>> row : left.entrySet()) {
                if (chosen.contains(row.getKey())) {
                    leftRows.add(writer.rowJson(row.getValue()));
                }
            }
            for (Map.Entry<String, List<String>> row : right.entrySet()) {
                if (chosen.contains(row.getKey())) {
                    rightRows.add(writer.rowJson(row.getValue()));
                }
            }
            writer.add(block, group, pair, names[0], leftRows);
            writer.add(block, group, pair, names[1], rightRows);
            return differingKeys;
        }

        /** A one-pass diff that ran to its end, over this many blocks (see {@link Blocks}). */
        private record OnePass(int blocks) {
        }

        /**
         * Diffs the table in one pass: every node hashes its whole table in one sequential scan,
         * grouped into about 256 groups per {@code block_rows} rows (all nodes at once, each in one
         * repeatable-read transaction kept to the end); only the groups whose count or digest
         * differ are looked at again. A single integer key is grouped by contiguous key slices,
         * whose rows are then read through the primary key index, many slices per statement; any
         * other key by a hash of the key into buckets, whose rows' keys and digests one more
         * filtered scan returns, and only the rows of keys that differ are read, by key. No ranges
         * are planned: progress counts {@link Blocks} of about {@code block_rows} rows. Returns
         * null, having written nothing, when the range path must run instead: a table too large
         * for one statement within {@code statement_timeout} (see {@link #SCAN_ROWS_PER_SECOND}),
         * an integer key whose span does not fit a long, or
         * differing groups holding more rows than {@link #MAX_BUCKET_ROWS} or keys than
         * {@link #MAX_KEY_ROWS}. The nodes' estimates, read in the same sessions, are left in
         * {@code estimates} for the range path.
         */
        private OnePass diffInOnePass(Map<NodeDefinition, long[]> estimates, DiffFileWriter writer) throws IOException {
            Map<NodeDefinition, NodeSession> sessions = work.leaseAll(nodes, work::openReadOnly);
            try {
                estimates.putAll(work.onEach(nodes, node -> estimate(sessions.get(node))));
                long estimatedRows = estimates.values().stream().mapToLong(estimate -> estimate[0]).max().orElse(0);
                long timeoutSeconds = config.statementTimeout().toSeconds();
                if (timeoutSeconds > 0 && estimatedRows > timeoutSeconds * SCAN_ROWS_PER_SECOND) {
                    return null;
                }
                long wanted = Math.max(TableSql.PARTITIONS,
                        estimatedRows / Math.max(1, options.blockRows() / TableSql.PARTITIONS));
                int blockCount = Blocks.count(estimatedRows, options.blockRows());
                rangesPlanned = blockCount;
                request.progress().onProgress(done.get(), blockCount);
                int groups;
                String group;
                TableSql.Slicing slicing = null;
                if (sql.sliceable()) {
                    Map<NodeDefinition, long[]> bounds = work.onEach(nodes, node -> keyBounds(sessions.get(node)));
                    long lower = Long.MAX_VALUE;
                    long upper = Long.MIN_VALUE;
                    for (long[] bound : bounds.values()) {
                        if (bound != null) {
                            lower = Math.min(lower, bound[0]);
                            upper = Math.max(upper, bound[1]);
                        }
                    }
                    if (lower > upper) {
                        report(blockCount);
                        commit(sessions);
                        return new OnePass(blockCount);
                    }
                    groups = (int) Math.min(MAX_GROUPS, wanted);
                    slicing = upper == Long.MAX_VALUE ? null : sql.slicing(lower, upper + 1, groups);
                    if (slicing == null) {
                        return null;
                    }
                    groups = (int) slicing.count();
                    group = sql.sliceGroup(slicing);
                } else {
                    groups = Integer.highestOneBit((int) Math.min(MAX_BUCKETS, wanted));
                    group = sql.bucketGroup(groups);
                }
                Blocks blocks = new Blocks(groups, blockCount);
                int groupCount = groups;
                long scanStart = System.nanoTime();
                Map<NodeDefinition, long[][]> digests = work.onEach(nodes,
                        node -> groupDigests(sessions.get(node), sql.groupHashChunksQuery(group), null, groupCount,
                                g -> g >= 0 && g < groupCount ? (int) g : -1));
                LOG.debug("{}: {} groups hashed on {} nodes in {} ms", schema.table(), groups, nodes.size(),
                        (System.nanoTime() - scanStart) / 1_000_000);
                Map<String, java.util.BitSet> pairGroups = new LinkedHashMap<>();
                java.util.BitSet union = new java.util.BitSet(groups);
                List<NodeDefinition> involved = new ArrayList<>();
                for (int i = 0; i < nodes.size(); i++) {
                    for (int j = i + 1; j < nodes.size(); j++) {
                        long[][] a = digests.get(nodes.get(i));
                        long[][] b = digests.get(nodes.get(j));
                        java.util.BitSet differing = new java.util.BitSet(groups);
                        for (int g = 0; g < groups; g++) {
                            if (a[0][g] != b[0][g] || a[1][g] != b[1][g]) {
                                differing.set(g);
                            }
                        }
                        if (!differing.isEmpty()) {
                            pairGroups.put(DiffCounts.pair(nodes.get(i).name(), nodes.get(j).name()), differing);
                            union.or(differing);
                            for (NodeDefinition node : List.of(nodes.get(i), nodes.get(j))) {
                                if (!involved.contains(node)) {
                                    involved.add(node);
                                }
                            }
                        }
                    }
                }
                if (slicing != null) {
                    // only the counts are needed from here on
                    digests.replaceAll((node, both) -> new long[][] {both[0]});
                    for (int g = union.nextSetBit(0); g >= 0; g = union.nextSetBit(g + 1)) {
                        for (NodeDefinition node : involved) {
                            if (digests.get(node)[0][g] > MAX_FETCH_ROWS) {
                                return null; // a slice too large to hold (the estimate was far too low)
                            }
                        }
                    }
                }
                long compareStart = System.nanoTime();
                boolean done = slicing != null
                        ? compareSlices(blocks, slicing, union, digests, pairGroups, involved, sessions, writer)
                        : compareBuckets(blocks, groups, union, digests, pairGroups, involved, sessions, writer);
                LOG.debug("{}: {} differing groups compared in {} ms", schema.table(), union.cardinality(),
                        (System.nanoTime() - compareStart) / 1_000_000);
                if (done) {
                    for (Map.Entry<NodeDefinition, long[][]> node : digests.entrySet()) {
                        counts.addChecked(node.getKey().name(), java.util.Arrays.stream(node.getValue()[0]).sum());
                    }
                    commit(sessions);
                }
                return done ? new OnePass(blocks.count()) : null;
            } finally {
                NodeWork.closeAll(sessions);
            }
        }

        /** The rows of the differing key slices, read through the index, {@link #SLICES_PER_FETCH} slices a statement. */
        private boolean compareSlices(Blocks blocks, TableSql.Slicing slicing,
                                      java.util.BitSet union, Map<NodeDefinition, long[][]> sliceCounts,
                                      Map<String, java.util.BitSet> pairSlices, List<NodeDefinition> involved,
                                      Map<NodeDefinition, NodeSession> sessions, DiffFileWriter writer)
                throws IOException {
            java.util.Set<Integer> mismatchedBlocks = new java.util.HashSet<>();
            int reported = 0;
            int block = 0;
            for (int from = union.nextSetBit(0); from >= 0; block++) {
                if (allPairsCapped()) {
                    truncated.set(true);
                    break;
                }
                List<Integer> chosen = new ArrayList<>();
                long[] rows = new long[involved.size()];
                int g = from;
                for (; g >= 0 && chosen.size() < SLICES_PER_FETCH; g = union.nextSetBit(g + 1)) {
                    boolean full = false;
                    for (int n = 0; n < rows.length; n++) {
                        rows[n] += sliceCounts.get(involved.get(n))[0][g];
                        full |= rows[n] > MAX_FETCH_ROWS;
                    }
                    if (full && !chosen.isEmpty()) {
                        break;
                    }
                    chosen.add(g);
                }
                from = g;
                Map<NodeDefinition, LinkedHashMap<String, List<String>>> fetched = work.onEach(involved,
                        node -> fetchSlices(sessions.get(node), slicing, chosen));
                for (String pair : pairSlices.keySet()) {
                    String[] names = DiffCounts.sides(pair);
                    for (String key : writePair(block, pair, fetched.get(node(names[0])), fetched.get(node(names[1])),
                            writer)) {
                        if (mismatchedBlocks.add(blocks.of(slicing.of(Long.parseLong(key.substring(0, key.length() - 1)))))) {
                            counts.addMismatch();
                        }
                    }
                }
                // every block below the next differing slice's is done
                int upTo = from < 0 ? blocks.count() : blocks.of(from);
                report(upTo - reported);
                reported = Math.max(reported, upTo);
            }
            report(blocks.count() - reported);
            return true;
        }

        /**
         * The keys and row digests of the differing buckets (one filtered scan per involved node),
         * then the rows of the keys whose digests differ, by key, in key order.
         */
        private boolean compareBuckets(Blocks blocks, int groups, java.util.BitSet union,
                                       Map<NodeDefinition, long[][]> digests, Map<String, java.util.BitSet> pairBuckets,
                                       List<NodeDefinition> involved, Map<NodeDefinition, NodeSession> sessions,
                                       DiffFileWriter writer) throws IOException {
            if (union.isEmpty()) {
                report(blocks.count());
                return true;
            }
            int[] differingGroups = union.stream().toArray();
            Buckets differingBuckets = new Buckets(Integer.numberOfTrailingZeros(groups), differingGroups,
                    involvedCounts(involved, differingGroups, digests));
            long maxBucketRows = Math.max(1, Long.getLong(MAX_BUCKET_ROWS_PROPERTY, MAX_BUCKET_ROWS));
            for (int refinements = 0; differingBuckets.rows() > maxBucketRows; refinements++) {
                if (refinements == MAX_REFINEMENTS) {
                    return false;
                }
                differingBuckets = refine(differingBuckets, maxBucketRows, pairBuckets.keySet(), involved, sessions);
                if (differingBuckets == null) {
                    return false;
                }
            }
            String group = sql.bucketGroup(1 << differingBuckets.bits());
            List<Integer> chosen = java.util.Arrays.stream(differingBuckets.groups()).boxed().toList();
            Map<NodeDefinition, Map<String, Long>> rowDigests = work.onEach(involved,
                    node -> keyDigests(sessions.get(node), group, chosen));
            java.util.Set<String> differing = new java.util.LinkedHashSet<>();
            for (String pair : pairBuckets.keySet()) {
                String[] names = DiffCounts.sides(pair);
                Map<String, Long> left = rowDigests.get(node(names[0]));
                Map<String, Long> right = rowDigests.get(node(names[1]));
                for (Map.Entry<String, Long> row : left.entrySet()) {
                    if (!row.getValue().equals(right.get(row.getKey()))) {
                        differing.add(row.getKey());
                    }
                }
                for (String key : right.keySet()) {
                    if (!left.containsKey(key)) {
                        differing.add(key);
                    }
                }
            }
            rowDigests.clear();
            if (differing.size() > MAX_KEY_ROWS) {
                return false;
            }
            List<List<String>> keyColumns = new ArrayList<>();
            for (int k = 0; k < schema.primaryKey().size(); k++) {
                keyColumns.add(new ArrayList<>(differing.size()));
            }
            for (String key : differing) {
                String[] values = key.split("\0", -1);
                for (int k = 0; k < keyColumns.size(); k++) {
                    keyColumns.get(k).add(values[k]);
                }
            }
            Map<NodeDefinition, LinkedHashMap<String, List<String>>> fetched = work.onEach(involved,
                    node -> rowsOfKeys(sessions.get(node), keyColumns));
            for (String pair : pairBuckets.keySet()) {
                String[] names = DiffCounts.sides(pair);
                writePair(0, pair, fetched.get(node(names[0])), fetched.get(node(names[1])), writer);
            }
            union.stream().map(blocks::of).distinct().forEach(block -> counts.addMismatch());
            report(blocks.count());
            return true;
        }

        /**
         * Key-hash buckets of {@code 2^bits} (ascending) that differ between some pair of nodes, and
         * per node the rows each holds.
         */
        private record Buckets(int bits, int[] groups, Map<NodeDefinition, long[]> counts) {
            /** The most rows one node holds in these buckets. */
            long rows() {
                return counts.values().stream().mapToLong(c -> java.util.Arrays.stream(c).sum()).max().orElse(0);
            }
        }

        /** Per node, the counts of the chosen groups (places in its digests). */
        private static Map<NodeDefinition, long[]> involvedCounts(List<NodeDefinition> involved, int[] chosen,
                                                                   Map<NodeDefinition, long[][]> digests) {
            Map<NodeDefinition, long[]> counts = new LinkedHashMap<>();
            for (NodeDefinition node : involved) {
                long[] of = new long[chosen.length];
                for (int i = 0; i < chosen.length; i++) {
                    of[i] = digests.get(node)[0][chosen[i]];
                }
                counts.put(node, of);
            }
            return counts;
        }

        /**
         * Splits differing buckets that hold too many rows into finer ones: one more scan per
         * involved node hashes only the rows of those buckets, grouped by more bits of the same key
         * hash (a finer bucket lies within its coarse one), and returns the finer buckets that
         * differ for one of the pairs. Null when the buckets cannot be split finely enough (too many
         * of them, or no bits left): the diff then takes the range way.
         */
        private Buckets refine(Buckets coarse, long maxBucketRows, java.util.Set<String> pairs,
                               List<NodeDefinition> involved, Map<NodeDefinition, NodeSession> sessions) {
            int[] parents = coarse.groups();
            // aim at a quarter of the bound in the finer differing buckets
            long wanted = (coarse.rows() * 4 + maxBucketRows - 1) / maxBucketRows;
            int more = 64 - Long.numberOfLeadingZeros(Math.max(1, wanted - 1));
            while (more > 0 && ((long) parents.length << more > MAX_GROUPS || coarse.bits() + more > 30)) {
                more--;
            }
            if (more == 0) {
                return null;
            }
            int extra = more;
            int bits = coarse.bits();
            int factor = 1 << extra;
            int mask = (1 << bits) - 1;
            int size = parents.length * factor;
            // a finer bucket g lies in coarse bucket g & mask; its place: that bucket's rank, then g >>> bits
            java.util.function.LongToIntFunction place = g -> {
                if (g < 0 || g >= (1L << (bits + extra))) {
                    return -1;
                }
                int rank = java.util.Arrays.binarySearch(parents, (int) g & mask);
                return rank < 0 ? -1 : rank * factor + (int) (g >>> bits);
            };
            String query = sql.groupHashChunksQuery(sql.bucketGroup(1 << (bits + extra)), sql.bucketGroup(1 << bits));
            long start = System.nanoTime();
            Map<NodeDefinition, long[][]> digests = work.onEach(involved,
                    node -> groupDigests(sessions.get(node), query, parents, size, place));
            java.util.BitSet differing = new java.util.BitSet(size);
            for (String pair : pairs) {
                String[] names = DiffCounts.sides(pair);
                long[][] a = digests.get(node(names[0]));
                long[][] b = digests.get(node(names[1]));
                for (int i = 0; i < size; i++) {
                    if (a[0][i] != b[0][i] || a[1][i] != b[1][i]) {
                        differing.set(i);
                    }
                }
            }
            int[] places = differing.stream().toArray();
            int[] groups = new int[places.length];
            for (int i = 0; i < places.length; i++) {
                groups[i] = parents[places[i] / factor] | (places[i] % factor) << bits;
            }
            Map<NodeDefinition, long[]> counts = involvedCounts(involved, places, digests);
            // ascending, as keyDigests and the next refinement expect
            int[] order = java.util.stream.IntStream.range(0, groups.length).boxed()
                    .sorted(java.util.Comparator.comparingInt(i -> groups[i])).mapToInt(Integer::intValue).toArray();
            int[] sorted = java.util.Arrays.stream(order).map(i -> groups[i]).toArray();
            counts.replaceAll((node, of) -> java.util.Arrays.stream(order).mapToLong(i -> of[i]).toArray());
            LOG.debug("{}: {} differing buckets of {} bits split into {} of {} bits in {} ms", schema.table(),
                    parents.length, bits, sorted.length, bits + extra, (System.nanoTime() - start) / 1_000_000);
            return new Buckets(bits + extra, sorted, counts);
        }

        /** Key (the key columns' text, each ended by NUL) to row digest, of the rows in the given groups. */
        private Map<String, Long> keyDigests(NodeSession session, String group, List<Integer> chosen)
                throws SQLException {
            Map<String, Long> digests = new java.util.HashMap<>();
            int keys = schema.primaryKey().size();
            try (PreparedStatement statement = session.connection().prepareStatement(sql.groupDigestsQuery(group))) {
                statement.setArray(1, session.connection().createArrayOf("int4", chosen.toArray()));
                statement.setFetchSize(10_000);
                try (ResultSet result = statement.executeQuery()) {
                    while (result.next()) {
                        StringBuilder key = new StringBuilder();
                        for (int k = 1; k <= keys; k++) {
                            key.append(result.getString(k)).append('\0');
                        }
                        digests.put(key.toString(), result.getLong(keys + 1));
                    }
                }
            }
            verifyRole(session);
            return digests;
        }

        private LinkedHashMap<String, List<String>> rowsOfKeys(NodeSession session, List<List<String>> keyColumns)
                throws SQLException {
            LinkedHashMap<String, List<String>> rows = new LinkedHashMap<>();
            try (PreparedStatement statement = session.connection().prepareStatement(sql.rowsOfKeysInOrderQuery())) {
                for (int k = 0; k < keyColumns.size(); k++) {
                    statement.setArray(k + 1, session.connection().createArrayOf("text", keyColumns.get(k).toArray()));
                }
                readRows(statement, rows);
            }
            verifyRole(session);
            return rows;
        }

        /** Reports {@code ranges} more ranges done, one by one, stopping at a cancellation. */
        private void report(int ranges) {
            for (int i = 0; i < ranges; i++) {
                if (request.cancellation().isCancelled()) {
                    throw cancelled();
                }
                request.progress().onProgress(done.incrementAndGet(), rangesPlanned);
            }
        }

        private void commit(Map<NodeDefinition, NodeSession> sessions) {
            work.onEach(nodes, node -> {
                sessions.get(node).connection().commit();
                return null;
            });
        }

        /** The smallest and largest key on the node, or null when it has no rows (that pass the filter). */
        private long[] keyBounds(NodeSession session) throws SQLException {
            try (PreparedStatement statement = session.connection().prepareStatement(sql.keyBoundsQuery());
                 ResultSet rows = statement.executeQuery()) {
                rows.next();
                String min = rows.getString(1);
                String max = rows.getString(2);
                verifyRole(session);
                return min == null ? null : new long[] {Long.parseLong(min), Long.parseLong(max)};
            }
        }

        /**
         * Per group of a grouped hash {@code query} ({@link TableSql#groupHashChunksQuery}): {counts,
         * digests}, each group at its {@code place} (0 to {@code size - 1}; -1: a group that cannot be).
         * {@code bind}, when not null, is the query's one {@code int[]} parameter.
         */
        private long[][] groupDigests(NodeSession session, String query, int[] bind, int size,
                                      java.util.function.LongToIntFunction place) throws SQLException {
            long[][] digests = new long[2][size];
            try (java.sql.Statement setting = session.connection().createStatement()) {
                // the hash aggregate holds at most MAX_GROUPS small entries: let it stay in memory.
                // The planner cannot estimate how many groups an expression makes: unfenced, it took
                // one per row and, on a wide table, sorted every row (all columns) to group them, 1.3 x
                // the cost of the hash aggregate (node CPU, the benchmark's 30-column table). The
                // query now fences its groups (TableSql); sorting stays off whatever the estimate.
                setting.execute("SET LOCAL work_mem = '" + SCAN_WORK_MEM + "'; SET LOCAL enable_sort = off");
            }
            // read in one go: a few rows, one per 1,024 groups
            try (PreparedStatement statement = session.connection().prepareStatement(query)) {
                if (bind != null) {
                    statement.setArray(1, session.connection().createArrayOf("int4",
                            java.util.Arrays.stream(bind).boxed().toArray()));
                }
                try (ResultSet result = statement.executeQuery()) {
                    while (result.next()) {
                        String chunk = result.getString(1);
                        int at = 0;
                        while (at < chunk.length()) {
                            long g = parseLong(chunk, at);
                            int p = place.applyAsInt(g);
                            if (p < 0) {
                                throw new IllegalStateException("group " + g + " of " + schema.table()
                                        + " is none of those asked for (a key outside the bounds read in the same snapshot)");
                            }
                            at = chunk.indexOf(' ', at) + 1;
                            digests[0][p] = parseLong(chunk, at);
                            at = chunk.indexOf(' ', at) + 1;
                            digests[1][p] = parseLong(chunk, at);
                            int next = chunk.indexOf(' ', at);
                            at = next < 0 ? chunk.length() : next + 1;
                        }
                    }
                }
            }
            try (java.sql.Statement setting = session.connection().createStatement()) {
                setting.execute("SET LOCAL enable_sort = on"); // the later statements order rows
            }
            verifyRole(session);
            return digests;
        }

        /** The integer written at {@code at} in {@code text}, up to the next space or the end. */
        private static long parseLong(String text, int at) {
            int end = text.indexOf(' ', at);
            return Long.parseLong(text, at, end < 0 ? text.length() : end, 10);
        }

        private LinkedHashMap<String, List<String>> fetchSlices(NodeSession session, TableSql.Slicing slicing,
                                                                List<Integer> chosen) throws SQLException {
            LinkedHashMap<String, List<String>> rows = new LinkedHashMap<>();
            try (PreparedStatement statement = session.connection().prepareStatement(
                    sql.sliceFetchQuery(slicing, chosen))) {
                statement.setArray(1, session.connection().createArrayOf("int4", chosen.toArray()));
                readRows(statement, rows);
            }
            verifyRole(session);
            return rows;
        }

        /** Takes up to {@code differing} rows from the pair's cap; marks the result truncated when the cap bites. */
        private long reserve(AtomicLong count, long differing) {
            if (options.maxDiffRows() == 0) {
                count.addAndGet(differing);
                return differing;
            }
            synchronized (count) {
                long allowed = Math.max(0, Math.min(differing, options.maxDiffRows() - count.get()));
                count.addAndGet(allowed);
                if (allowed < differing) {
                    truncated.set(true);
                }
                return allowed;
            }
        }

        private NodeDefinition node(String name) {
            return nodes.stream().filter(n -> n.name().equals(name)).findFirst().orElseThrow();
        }

        private LinkedHashMap<String, List<String>> fetch(NodeSession session, KeyRange keys, List<Integer> partitions,
                                                          boolean all) throws SQLException {
            LinkedHashMap<String, List<String>> rows = new LinkedHashMap<>();
            try (PreparedStatement statement = session.connection().prepareStatement(
                    sql.fetchQuery(keys, all ? null : partitions))) {
                int parameter = 1;
                for (String value : keys.bindValues()) {
                    statement.setString(parameter++, value);
                }
                if (!all) {
                    statement.setArray(parameter, session.connection().createArrayOf("int4", partitions.toArray()));
                }
                readRows(statement, rows);
            }
            verifyRole(session);
            return rows;
        }

        /** Reads every row of the statement into {@code rows}, by key (the key columns' text, each ended by NUL). */
        private void readRows(PreparedStatement statement, LinkedHashMap<String, List<String>> rows)
                throws SQLException {
            int[] keyPositions = keyPositions();
            statement.setFetchSize(1000);
            try (ResultSet result = statement.executeQuery()) {
                int columns = schema.columns().size();
                while (result.next()) {
                    List<String> values = new ArrayList<>(columns);
                    for (int c = 1; c <= columns; c++) {
                        values.add(result.getString(c));
                    }
                    StringBuilder key = new StringBuilder();
                    for (int position : keyPositions) {
                        key.append(values.get(position)).append('\0');
                    }
                    rows.put(key.toString(), values);
                }
            }
        }

        private int[] keyPositions() {
            int[] positions = new int[schema.primaryKey().size()];
            for (int i = 0; i < positions.length; i++) {
                positions[i] = schema.columns().indexOf(schema.column(schema.primaryKey().get(i)));
            }
            return positions;
        }

        /** Nothing a session returned is trusted if a filter ran in it and changed its role. */
        private void verifyRole(NodeSession session) {
            if (sql.filtered()) {
                work.verifyRole(session);
            }
        }
    }
}
