package dev.ace.core.internal.repair;

import dev.ace.core.AceConfig;
import dev.ace.core.catalog.TableName;
import dev.ace.core.cluster.NodeDefinition;
import dev.ace.core.diff.DiffFile;
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
import dev.ace.core.internal.diff.DiffOutput;
import dev.ace.core.repair.NodeRepairResult;
import dev.ace.core.repair.RepairConflict;
import dev.ace.core.repair.RepairMode;
import dev.ace.core.repair.RepairResult;
import dev.ace.core.repair.RepairService;
import dev.ace.core.repair.RowChange;
import dev.ace.core.repair.TableRepairRequest;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one table repair: validate the options and the diff file's summary, then, while a planner
 * thread reads the diff file and turns it into units of up to {@link #BATCH} changes per target
 * ({@link RepairPlanner}, {@link UnitFeed}), and while the table is checked on every node,
 * <ol>
 *   <li>open one transaction per target node (in one global node order) and prepare it: the
 *       per-table advisory lock, {@code session_replication_role}, {@code spock.repair_mode(true)};</li>
 *   <li>re-read, unit by unit as the planner makes them, on every node rows are copied from (in one
 *       snapshot per node), the rows the plan relies on, and skip every change whose row there
 *       changed since the diff;</li>
 *   <li>on every target at once, write each unit as soon as it is re-checked, with compare-and-set
 *       statements that skip rows that changed on the target (deletes, then inserts, then updates);
 *       once the planner has read the whole file, commit, or, when atomic, prepare on every target
 *       and then commit everywhere.</li>
 * </ol>
 * Standard, upsert_only and insert_only are planned as the file is read, so a target starts its
 * deletes while the rest of the file is still being read. Where a node is both copied from and
 * repaired (bidirectional, fix_nulls) every re-read ends before anything is written. A file that
 * turns out damaged, or any failure before the commit, rolls every target back and is thrown; a
 * target failing later is rolled back and reported (with atomic, every target is). Thread-safe:
 * one engine serves concurrent repairs.
 */
public final class RepairEngine implements RepairService {

    private static final Logger LOG = LoggerFactory.getLogger(RepairEngine.class);
    /** Rows per set-based statement. */
    static final int BATCH = 10_000;
    /** High half of the advisory lock key of a repair: "ACER"; the low half is the table's OID. */
    static final long LOCK_NAMESPACE = 0x41434552L;
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final AceConfig config;
    private final ClusterResolver clusters;
    private final NodePools pools;
    private final TableChecker checker;

    public RepairEngine(AceConfig config, ClusterResolver clusters, NodePools pools, TableChecker checker) {
        this.config = Objects.requireNonNull(config);
        this.clusters = Objects.requireNonNull(clusters);
        this.pools = Objects.requireNonNull(pools);
        this.checker = Objects.requireNonNull(checker);
    }

    @Override
    public RepairResult repair(TableRepairRequest request) {
        java.util.Objects.requireNonNull(request, "request");
        Instant started = Instant.now();
        DiffFile file = checkRequest(request);
        String taskId = request.taskId() != null ? request.taskId() : DiffOutput.taskId("tr", started);
        RepairMode mode = request.mode();
        String source = request.sourceOfTruth();
        boolean fromSource = mode != RepairMode.BIDIRECTIONAL && mode != RepairMode.FIX_NULLS;
        // the targets and the nodes whose rows are re-read, known from the mode alone
        Map<String, TargetPlan> plans = new LinkedHashMap<>();
        for (String node : file.summary().nodes()) {
            if (!fromSource || !node.equals(source)) {
                plans.put(node, new TargetPlan(node));
            }
        }
        Set<String> providers = fromSource ? Set.of(source) : new LinkedHashSet<>(file.summary().nodes());
        UnitFeed feed = new UnitFeed(plans.keySet(), providers);
        // the diff file is read and planned while the table is checked and the repair runs
        Thread planner = new Thread(() -> {
            long reading = System.nanoTime();
            RuntimeException failure = null;
            try {
                if (fromSource) {
                    RepairPlanner.stream(file, mode, source, plans, feed);
                } else {
                    new RepairPlanner(file).plan(mode, source, plans, feed);
                }
            } catch (RuntimeException e) {
                failure = e;
            } catch (Error e) {
                failure = new AceException(ErrorCode.DATABASE_ERROR, "the diff file " + file.path()
                        + " could not be read: " + e, e);
            }
            // every queue is closed, also after a failure, so that no worker waits for ever
            feed.finish(failure);
            LOG.debug("repair {}: read and planned the diff file in {} ms", taskId,
                    (System.nanoTime() - reading) / 1_000_000);
        }, "ace-repair-plan-" + THREADS.incrementAndGet());
        planner.setDaemon(true);
        planner.start();
        BoundDiff bound;
        try {
            bound = BoundDiff.bind(file, clusters, checker, request.dbname(), request.role());
        } catch (RuntimeException e) {
            feed.cancel();
            throw e;
        }
        LOG.debug("repair {}: validated and checked the table in {} ms", taskId,
                Duration.between(started, Instant.now()).toMillis());
        return new Run(request, bound, plans, providers, feed, taskId, started).execute();
    }

    /**
     * Every problem the repair would find before its first database statement, at once: the diff
     * file's summary, and the file's cluster and nodes (cluster definitions are read; no node is
     * connected to). The request checked its options, the modes' conflicts included, when it was built.
     */
    @Override
    public void validate(TableRepairRequest request) {
        List<String> problems = new ArrayList<>();
        DiffFile file = checkRequest(request, problems);
        if (file != null) {
            BoundDiff.resolve(file, clusters, request.dbname(), problems);
        }
        if (!problems.isEmpty()) {
            throw new InvalidRequestException("the table-repair request", problems);
        }
    }

    /** Every problem of the diff file, at once, before any database work. */
    static DiffFile checkRequest(TableRepairRequest request) {
        List<String> problems = new ArrayList<>();
        DiffFile file = checkRequest(request, problems);
        if (!problems.isEmpty()) {
            throw new InvalidRequestException("the table-repair request", problems);
        }
        return file;
    }

    /**
     * Adds every problem of the diff file's summary to {@code problems}; the file, if it opened. The
     * request checked its options, the modes' conflicts included, when it was built.
     */
    private static DiffFile checkRequest(TableRepairRequest request, List<String> problems) {
        TableName table = TableName.parse(request.tableName());
        // the rows are read (and a damaged file found) while the repair runs, before anything is committed
        DiffFile file = BoundDiff.open(request.diffFile(), table, request.clusterName(), request.dbname(), problems,
                true);
        if (file != null && request.sourceOfTruth() != null && !file.summary().nodes().contains(request.sourceOfTruth())) {
            problems.add("source_of_truth " + request.sourceOfTruth() + " is not one of the diff file's nodes ("
                    + String.join(", ", file.summary().nodes()) + ")");
        }
        return file;
    }

    /** Where a target node's transaction stands. */
    private enum Outcome { OPEN, COMMITTED, PREPARED, FAILED, ROLLED_BACK, IN_DOUBT, CHECKED, UNCHANGED }

    /** A target node's transaction and what it did. */
    private static final class Target {
        final NodeDefinition node;
        final TargetPlan plan;
        NodeSession session;
        boolean spock;
        /** Writes through COPY-filled temporary tables; null: through bound arrays. */
        StagedWriter staged;
        Outcome outcome = Outcome.OPEN;
        AceException error;
        String gid;
        final List<Change> done = new ArrayList<>();
        long deleted;
        long inserted;
        long updated;
        Instant ended;

        Target(NodeDefinition node, TargetPlan plan) {
            this.node = node;
            this.plan = plan;
        }
    }

    /** State of one repair while it runs. */
    private final class Run {
        private final TableRepairRequest request;
        private final BoundDiff bound;
        private final String taskId;
        private final Instant started;
        private final RepairMode mode;
        private final String what;
        private final Map<String, NodeDefinition> nodes = new LinkedHashMap<>();
        private final Map<String, TargetPlan> plans;
        private final Set<String> providers;
        private final UnitFeed feed;
        private final List<String> warnings = new ArrayList<>();
        private RowSql sql;

        Run(TableRepairRequest request, BoundDiff bound, Map<String, TargetPlan> plans, Set<String> providers,
            UnitFeed feed, String taskId, Instant started) {
            this.request = request;
            this.bound = bound;
            this.taskId = taskId;
            this.started = started;
            this.mode = request.mode();
            this.what = "repairing table " + bound.schema().table();
            bound.nodes().forEach(node -> nodes.put(node.name(), node));
            this.plans = plans;
            this.providers = providers;
            this.feed = feed;
            if (bound.summary().truncated()) {
                warnings.add("the diff file was truncated (it holds only the first max_diff_rows differences per node "
                        + "pair); run table-diff again after this repair to find the rest");
            }
        }

        RepairResult execute() {
            Map<String, Target> targets = new LinkedHashMap<>();
            plans.forEach((name, plan) -> targets.put(name, new Target(nodes.get(name), plan)));
            // A node that is both re-read and repaired is re-read before anything is written anywhere;
            // otherwise each target writes a unit as soon as it is checked, while the next one is re-read.
            boolean barrier = providers.stream().anyMatch(targets::containsKey);
            Map<String, NodeSession> readers = new ConcurrentHashMap<>();
            ExecutorService threads = Executors.newFixedThreadPool(Math.max(1, 2 * nodes.size()), runnable -> {
                Thread thread = new Thread(runnable, "ace-repair-" + THREADS.incrementAndGet());
                thread.setDaemon(true);
                return thread;
            });
            AceException sourceFailure = null;
            try {
                long phase = System.nanoTime();
                try {
                    openSessions(targets, readers);
                } catch (RuntimeException e) {
                    feed.cancel();
                    throw e;
                }
                LOG.debug("repair {}: opened and prepared the sessions in {} ms", taskId,
                        (System.nanoTime() - phase) / 1_000_000);
                phase = System.nanoTime();
                Map<String, Callable<Void>> checks = new LinkedHashMap<>();
                for (String provider : providers) {
                    Target asTarget = targets.get(provider);
                    NodeSession session = asTarget != null ? asTarget.session : readers.get(provider);
                    checks.put(provider, () -> {
                        try {
                            checkProvider(provider, session);
                        } finally {
                            NodeSession reader = readers.remove(provider);
                            if (reader != null) {
                                reader.close();
                            }
                        }
                        return null;
                    });
                }
                Map<String, Future<Void>> checking = submitAll(threads, checks);
                Map<String, Callable<Void>> work = new LinkedHashMap<>();
                targets.forEach((name, target) -> work.put(name, () -> {
                    Iterable<Unit> units = barrier ? allChecked(name) : () -> new Units(name, target);
                    if (request.dryRun()) {
                        dryRun(target, units);
                    } else {
                        apply(target, units);
                    }
                    return null;
                }));
                Map<String, Future<Void>> writing = submitAll(threads, work);
                try {
                    awaitAll(checking);
                } catch (AceException e) {
                    sourceFailure = e;
                }
                awaitAll(writing);
                LOG.debug("repair {}: re-checked the sources and wrote the targets in {} ms", taskId,
                        (System.nanoTime() - phase) / 1_000_000);
                if (feed.failure() != null) {
                    // every target was rolled back before its end: the file could not be read to its end
                    throw feed.failure();
                }
                if (sourceFailure != null && targets.values().stream()
                        .noneMatch(target -> target.outcome == Outcome.COMMITTED || target.outcome == Outcome.PREPARED)) {
                    // nothing was changed anywhere: the failure to re-read a source is the answer
                    throw sourceFailure;
                }
                if (request.atomic() && !request.dryRun()) {
                    finishAtomically(targets);
                }
            } finally {
                readers.values().forEach(NodeSession::close);
                targets.values().forEach(target -> {
                    if (target.session != null) {
                        target.session.close();
                    }
                });
                threads.shutdownNow();
            }
            return result(targets);
        }

        /**
         * A target's units, taken from the feed as the planner makes them; ends where the plan ends.
         * Updates announced ahead are staged on the way, when the target stages its writes.
         */
        private final class Units implements java.util.Iterator<Unit> {
            private final String name;
            private final Target target;
            private Unit next;
            private boolean ended;

            Units(String name, Target target) {
                this.name = name;
                this.target = target;
            }

            @Override
            public boolean hasNext() {
                while (next == null && !ended) {
                    Object item = take(name, true);
                    if (item instanceof UnitFeed.Ahead ahead) {
                        stageAhead(ahead.changes());
                    } else if (item instanceof UnitFeed.End end) {
                        ended = true;
                        if (end.failure() != null) {
                            throw end.failure() instanceof AceException ? (AceException) end.failure()
                                    : new AceException(ErrorCode.DATABASE_ERROR, "unexpected failure while planning "
                                    + "the repair: " + end.failure(), end.failure());
                        }
                    } else {
                        next = (Unit) item;
                    }
                }
                return next != null;
            }

            private void stageAhead(List<Change> changes) {
                if (target == null || target.staged == null || request.dryRun()) {
                    return;
                }
                try {
                    target.staged.stageAhead(changes);
                } catch (SQLException e) {
                    throw SqlErrors.wrap(e, target.node, what);
                }
            }

            @Override
            public Unit next() {
                if (!hasNext()) {
                    throw new java.util.NoSuchElementException();
                }
                Unit unit = next;
                next = null;
                return unit;
            }
        }

        /** All of a target's units, once every unit of the repair is planned and checked on every node. */
        private List<Unit> allChecked(String target) {
            List<Unit> units = new ArrayList<>();
            new Units(target, null).forEachRemaining(units::add);
            awaitChecks(feed.all());
            return units;
        }

        private Object take(String node, boolean target) {
            try {
                return feed.next(node, target);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AceException(ErrorCode.CANCELLED, "interrupted while " + what, e);
            }
        }

        // ------------------------------------------------------------------ step 1: sessions

        private void openSessions(Map<String, Target> targets, Map<String, NodeSession> readers) {
            List<NodeDefinition> involved = new ArrayList<>();
            for (NodeDefinition node : nodes.values()) {
                if (targets.containsKey(node.name()) || providers.contains(node.name())) {
                    involved.add(node);
                }
            }
            // One global order (by address) so that concurrent operations leasing several nodes never deadlock.
            involved.sort(Comparator.comparing(NodeDefinition::address).thenComparing(NodeDefinition::database));
            Set<String> generated = null;
            for (NodeDefinition node : involved) {
                Target target = targets.get(node.name());
                NodeSession session = pools.open(node, request.role(), what);
                try {
                    Connection connection = session.connection();
                    connection.setAutoCommit(false);
                    if (target == null || request.dryRun()) {
                        connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
                        connection.setReadOnly(true);
                    } else {
                        connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
                    }
                    if (target == null) {
                        readers.put(node.name(), session);
                    } else {
                        target.session = session;
                    }
                    if (generated == null) {
                        generated = generatedColumns(connection);
                        sql = new RowSql(bound.schema(), generated);
                    }
                    if (target != null) {
                        prepare(target);
                    }
                } catch (SQLException e) {
                    session.close();
                    throw SqlErrors.wrap(e, node, what);
                } catch (RuntimeException e) {
                    session.close();
                    throw e;
                }
            }
        }

        private Set<String> generatedColumns(Connection connection) throws SQLException {
            Set<String> generated = new HashSet<>();
            try (PreparedStatement statement = connection.prepareStatement("SELECT attname FROM pg_catalog.pg_attribute "
                    + "WHERE attrelid = ?::regclass AND attnum > 0 AND NOT attisdropped AND attgenerated <> ''")) {
                statement.setString(1, bound.schema().table().quoted());
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        generated.add(rows.getString(1));
                    }
                }
            }
            return generated;
        }

        /** The per-table lock, session_replication_role and Spock's repair mode, in the target's transaction. */
        private void prepare(Target target) throws SQLException {
            Connection connection = target.session.connection();
            NodeDefinition node = target.node;
            if (request.atomic() && !request.dryRun()) {
                int prepared = Integer.parseInt(queryValue(connection, "SELECT current_setting('max_prepared_transactions')"));
                if (prepared == 0) {
                    throw new InvalidRequestException("atomic needs prepared transactions, but node " + node.describe()
                            + " has max_prepared_transactions = 0; set it above 0 (it takes a restart) or repair "
                            + "without atomic");
                }
            }
            if (!request.dryRun()) {
                lock(target);
            }
            String current = queryValue(connection, "SELECT current_setting('session_replication_role')");
            String wanted = !request.fireTriggers() ? "replica" : current.equals("replica") ? "local" : null;
            if (wanted != null) {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("SET LOCAL session_replication_role = '" + wanted + "'");
                } catch (SQLException e) {
                    if ("42501".equals(e.getSQLState())) {
                        String who = request.role().name().map(name -> "role " + name).orElse("ACE's user " + node.user());
                        String grantee = request.role().name().orElse(node.user());
                        throw new PermissionDeniedException(who + " may not set session_replication_role on node "
                                + node.describe() + ", which a repair needs so that triggers do not fire and the "
                                + "changes are applied as replicated rows; GRANT SET ON PARAMETER "
                                + "session_replication_role TO " + Sql.quote(grantee)
                                + " (PostgreSQL 15 and later) or make it a superuser, or repair with fire_triggers", e);
                    }
                    throw e;
                }
            }
            if (!request.dryRun() && !request.atomic() && StagedWriter.allowed(connection)) {
                target.staged = new StagedWriter(connection, sql);
            }
            target.spock = "t".equals(queryValue(connection,
                    "SELECT to_regprocedure('spock.repair_mode(boolean)') IS NOT NULL"));
            if (target.spock && !request.dryRun()) {
                spockRepairMode(target, true);
            }
        }

        private void spockRepairMode(Target target, boolean enabled) throws SQLException {
            try (Statement statement = target.session.connection().createStatement()) {
                statement.execute("SELECT spock.repair_mode(" + enabled + ")");
            } catch (SQLException e) {
                if ("42501".equals(e.getSQLState())) {
                    String grantee = request.role().name().orElse(target.node.user());
                    throw new PermissionDeniedException((request.role().name().isPresent() ? "role " : "ACE's user ")
                            + grantee + " may not call spock.repair_mode(boolean) on node " + target.node.describe()
                            + ", which keeps a repair from replicating; GRANT EXECUTE ON FUNCTION "
                            + "spock.repair_mode(boolean) TO " + Sql.quote(grantee), e);
                }
                throw e;
            }
        }

        /** Takes the per-table repair lock on the target, waiting up to the lock timeout. */
        private void lock(Target target) throws SQLException {
            long deadline = System.nanoTime() + request.lockTimeout().toNanos();
            try (PreparedStatement statement = target.session.connection().prepareStatement(
                    "SELECT pg_try_advisory_xact_lock((?::bigint << 32) | ?::regclass::oid::bigint)")) {
                statement.setLong(1, LOCK_NAMESPACE);
                statement.setString(2, bound.schema().table().quoted());
                while (true) {
                    try (ResultSet rows = statement.executeQuery()) {
                        rows.next();
                        if (rows.getBoolean(1)) {
                            return;
                        }
                    }
                    if (System.nanoTime() >= deadline) {
                        throw new AceException(ErrorCode.REPAIR_IN_PROGRESS, "another repair of "
                                + bound.schema().table() + " is running on node " + target.node.name()
                                + "; try again when it finishes");
                    }
                    try {
                        Thread.sleep(Math.min(100, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new AceException(ErrorCode.CANCELLED, "interrupted while waiting for another repair of "
                                + bound.schema().table() + " on node " + target.node.name(), e);
                    }
                }
            }
        }

        // ------------------------------------------------------------------ step 2: the sources now

        /**
         * On a node rows are copied from (or must stay absent on), re-reads now, unit by unit as
         * the planner makes them, the rows the plan relies on; every change whose row
         * there differs from what the diff recorded is marked as a conflict. All reads of a node
         * run in one snapshot (repeatable read) unless the node is also a target, whose own
         * transaction then reads before anything is written. After a failure every later unit is
         * completed with it.
         */
        private void checkProvider(String provider, NodeSession session) {
            Map<String, List<String>> now = new HashMap<>();
            AceException error = null;
            while (true) {
                Object item = take(provider, false);
                if (item instanceof UnitFeed.End) {
                    break;
                }
                Unit unit = (Unit) item;
                if (error != null) {
                    unit.checked.completeExceptionally(error);
                    continue;
                }
                try {
                    // a unit holds one change per key
                    List<List<String>> keys = new ArrayList<>(unit.changes.size());
                    for (Change change : unit.changes) {
                        if (change.providers.containsKey(provider) && !now.containsKey(change.keyId)) {
                            keys.add(change.key);
                        }
                    }
                    reRead(session, keys, now);
                    for (Change change : unit.changes) {
                        if (change.providers.containsKey(provider)) {
                            List<String> recorded = change.providers.get(provider);
                            List<String> current = now.get(change.keyId);
                            if (recorded != null && recorded != current && recorded.equals(current)) {
                                now.put(change.keyId, recorded); // the copy just read is garbage at once
                            }
                            String reason = reason(provider, recorded, current);
                            if (reason != null) {
                                unit.conflicts.putIfAbsent(change, reason);
                            }
                        }
                    }
                    unit.arrive();
                } catch (SQLException | RuntimeException e) {
                    error = e instanceof AceException ? (AceException) e
                            : e instanceof SQLException ? SqlErrors.wrap((SQLException) e, nodes.get(provider), what)
                            : new AceException(ErrorCode.DATABASE_ERROR, "unexpected failure on node " + provider
                            + " while " + what + ": " + e, e);
                    unit.checked.completeExceptionally(error);
                }
            }
            if (error != null) {
                throw error;
            }
        }

        /** Reads the current rows of {@code keys} into {@code now}; a key without a row maps to null. */
        private void reRead(NodeSession session, List<List<String>> keys, Map<String, List<String>> now)
                throws SQLException {
            if (keys.isEmpty()) {
                return;
            }
            CopyRow[] rows = sql.readCopyRows(session.connection(), keys, BATCH);
            for (int i = 0; i < rows.length; i++) {
                now.put(RowSql.keyId(keys.get(i)), rows[i]);
            }
        }

        /** Waits until every unit is checked; the first failure to check one is thrown. */
        private void awaitChecks(List<Unit> units) {
            for (Unit unit : units) {
                awaitCheck(unit);
            }
        }

        private void awaitCheck(Unit unit) {
            try {
                unit.checked.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof AceException ? (AceException) e.getCause()
                        : new AceException(ErrorCode.DATABASE_ERROR, "unexpected failure while " + what + ": "
                        + e.getCause(), e.getCause());
            }
            unit.conflicts.forEach((change, reason) -> {
                if (change.conflict == null) {
                    change.conflict = reason;
                }
            });
        }

        /** Why a row no longer is what the diff recorded on {@code node}, or null when it still is. */
        private String reason(String node, List<String> recorded, List<String> now) {
            if (Objects.equals(recorded, now)) {
                return null;
            }
            if (recorded == null) {
                return "inserted on " + node + " since the diff";
            }
            if (now == null) {
                return "deleted on " + node + " since the diff";
            }
            return "changed on " + node + " since the diff";
        }

        // ------------------------------------------------------------------ step 3: the targets

        private void apply(Target target, Iterable<Unit> units) {
            Connection connection = target.session.connection();
            try {
                List<Change> missed = new ArrayList<>();
                long[] millis = new long[3];
                for (Unit unit : units) {
                    awaitCheck(unit);
                    List<Change> open = unit.changes.stream().filter(change -> change.conflict == null).toList();
                    if (open.isEmpty()) {
                        continue;
                    }
                    long start = System.nanoTime();
                    switch (unit.kind) {
                        case DELETE -> target.deleted += write(connection, unit.kind, sql.casDelete(), open,
                                change -> List.of(change.expected), target, missed);
                        case INSERT -> target.inserted += write(connection, unit.kind, sql.insert(), open,
                                change -> List.of(change.row), target, missed);
                        case UPDATE -> {
                            if (sql.hasUpdatableColumns()) {
                                target.updated += write(connection, unit.kind, sql.casUpdate(), open,
                                        change -> List.of(change.row, change.expected), target, missed);
                            } else {
                                open.forEach(change -> change.conflict = "only generated columns differ on "
                                        + target.node.name() + ", and they cannot be written");
                            }
                        }
                        default -> throw new IllegalStateException(unit.kind.toString());
                    }
                    millis[unit.kind.ordinal()] += (System.nanoTime() - start) / 1_000_000;
                }
                LOG.debug("repair {}: on {}, deletes {} ms, inserts {} ms, updates {} ms (writing only)", taskId,
                        target.node.name(), millis[RowChange.Kind.DELETE.ordinal()],
                        millis[RowChange.Kind.INSERT.ordinal()], millis[RowChange.Kind.UPDATE.ordinal()]);
                if (target.plan.changes.isEmpty()) {
                    unchanged(target);
                    return;
                }
                explain(connection, target, missed);
                if (target.spock) {
                    spockRepairMode(target, false);
                }
                if (request.atomic()) {
                    target.gid = "ace_repair_" + taskId.replaceAll("[^A-Za-z0-9_]", "_") + "_"
                            + target.node.name().replaceAll("[^A-Za-z0-9_]", "_");
                    try (Statement statement = connection.createStatement()) {
                        statement.execute("PREPARE TRANSACTION '" + target.gid + "'");
                    }
                    target.outcome = Outcome.PREPARED;
                } else {
                    connection.commit();
                    target.outcome = Outcome.COMMITTED;
                    target.ended = Instant.now();
                }
            } catch (SQLException e) {
                fail(target, SqlErrors.wrap(e, target.node, what));
            } catch (AceException e) {
                fail(target, e);
            } catch (RuntimeException e) {
                fail(target, new AceException(ErrorCode.DATABASE_ERROR, "unexpected failure on node "
                        + target.node.describe() + " while " + what + ": " + e, e));
            }
        }

        /** A target the plan does not change: its transaction is rolled back and its session returned. */
        private void unchanged(Target target) {
            target.outcome = Outcome.UNCHANGED;
            target.ended = Instant.now();
            target.session.close();
            target.session = null;
        }

        private void fail(Target target, AceException error) {
            target.outcome = Outcome.FAILED;
            target.error = error;
            target.deleted = 0;
            target.inserted = 0;
            target.updated = 0;
            target.done.clear();
            target.ended = Instant.now();
            // rolls back whatever the node's transaction did, or evicts a connection that is gone
            target.session.close();
            target.session = null;
        }

        private interface Rows {
            List<List<String>> of(Change change);
        }

        /**
         * Writes {@code changes} (of one kind) in batches, through the target's stages when it has
         * them, else with one compare-and-set statement per batch binding, per change, the rows
         * {@code rows} gives, each as one text[] per column. Changes not applied go to {@code missed}.
         */
        private long write(Connection connection, RowChange.Kind kind, String statementSql, List<Change> changes,
                           Rows rows, Target target, List<Change> missed) throws SQLException {
            long count = 0;
            int[] all = sql.allColumnIndexes();
            for (int from = 0; from < changes.size(); from += BATCH) {
                List<Change> batch = changes.subList(from, Math.min(changes.size(), from + BATCH));
                BitSet applied = target.staged != null ? target.staged.write(kind, batch)
                        : writeBound(connection, statementSql, batch, rows, all);
                for (int i = 0; i < batch.size(); i++) {
                    Change change = batch.get(i);
                    if (applied.get(i)) {
                        target.done.add(change);
                        count++;
                    } else {
                        missed.add(change);
                    }
                }
            }
            return count;
        }

        /** One statement binding the batch's rows as one text[] per column; which changes it applied. */
        private BitSet writeBound(Connection connection, String statementSql, List<Change> batch, Rows rows, int[] all)
                throws SQLException {
            try (PreparedStatement statement = connection.prepareStatement(statementSql)) {
                int parameter = 1;
                int groups = rows.of(batch.get(0)).size();
                for (int group = 0; group < groups; group++) {
                    List<List<String>> values = new ArrayList<>(batch.size());
                    for (Change change : batch) {
                        values.add(rows.of(change).get(group));
                    }
                    parameter = RowSql.bindColumns(statement, connection, parameter, values, all);
                }
                return Change.withKeys(batch, RowSql.returnedKeys(statement, sql.keyPositions().length));
            }
        }

        /** Says why each missed change was skipped, from the target's current rows. */
        private void explain(Connection connection, Target target, List<Change> missed) throws SQLException {
            if (missed.isEmpty()) {
                return;
            }
            Map<String, List<String>> now = sql.read(connection, missed.stream().map(change -> change.key).toList(),
                    BATCH);
            for (Change change : missed) {
                String reason = reason(target.node.name(), change.expected, now.get(change.keyId));
                change.conflict = reason != null ? reason : "changed on " + target.node.name() + " during the repair";
            }
        }

        private void dryRun(Target target, Iterable<Unit> units) {
            Connection connection = target.session.connection();
            try {
                for (Unit unit : units) {
                    awaitCheck(unit);
                    List<Change> open = unit.changes.stream().filter(change -> change.conflict == null).toList();
                    Map<String, List<String>> now = sql.read(connection, open.stream().map(change -> change.key)
                            .toList(), BATCH);
                    for (Change change : open) {
                        change.conflict = reason(target.node.name(), change.expected, now.get(change.keyId));
                    }
                }
                if (target.plan.changes.isEmpty()) {
                    unchanged(target);
                    return;
                }
                checkPrivileges(connection, target);
                for (Change change : target.plan.changes) {
                    if (change.conflict == null) {
                        target.done.add(change);
                        switch (change.kind) {
                            case DELETE -> target.deleted++;
                            case INSERT -> target.inserted++;
                            case UPDATE -> target.updated++;
                            default -> throw new IllegalStateException();
                        }
                    }
                }
                target.outcome = Outcome.CHECKED;
                target.ended = Instant.now();
            } catch (SQLException e) {
                fail(target, SqlErrors.wrap(e, target.node, what));
            } catch (AceException e) {
                fail(target, e);
            }
        }

        /** In a dry run: the privileges on the table that the live run's statements would need. */
        private void checkPrivileges(Connection connection, Target target) throws SQLException {
            Set<RowChange.Kind> kinds = new HashSet<>();
            target.plan.changes.stream().filter(change -> change.conflict == null).forEach(change -> kinds.add(change.kind));
            for (RowChange.Kind kind : kinds) {
                String privilege = kind.name();
                String check = kind == RowChange.Kind.DELETE
                        ? "SELECT has_table_privilege(?::regclass, 'DELETE')"
                        : "SELECT bool_and(has_column_privilege(a.attrelid, a.attnum, '" + privilege + "')) "
                        + "FROM pg_catalog.pg_attribute a WHERE a.attrelid = ?::regclass AND a.attnum > 0 "
                        + "AND NOT a.attisdropped AND a.attgenerated = ''";
                try (PreparedStatement statement = connection.prepareStatement(check)) {
                    statement.setString(1, bound.schema().table().quoted());
                    try (ResultSet rows = statement.executeQuery()) {
                        rows.next();
                        if (!rows.getBoolean(1)) {
                            String who = request.role().name().map(name -> "role " + name)
                                    .orElse("ACE's user " + target.node.user());
                            throw new PermissionDeniedException(who + " lacks the " + privilege + " privilege on "
                                    + bound.schema().table() + " on node " + target.node.describe()
                                    + ", which this repair needs", null);
                        }
                    }
                }
            }
        }

        // ------------------------------------------------------------------ atomic: all or none

        private void finishAtomically(Map<String, Target> targets) {
            Target failed = targets.values().stream().filter(target -> target.outcome == Outcome.FAILED).findFirst()
                    .orElse(null);
            for (Target target : targets.values()) {
                if (target.outcome != Outcome.PREPARED) {
                    continue;
                }
                String command = (failed == null ? "COMMIT" : "ROLLBACK") + " PREPARED '" + target.gid + "'";
                AceException error = finishPrepared(target, command);
                if (error == null && failed == null) {
                    target.outcome = Outcome.COMMITTED;
                } else if (error == null) {
                    target.outcome = Outcome.ROLLED_BACK;
                    target.error = new AceException(ErrorCode.DATABASE_ERROR, "rolled back because node "
                            + failed.node.name() + " failed: " + failed.error.getMessage());
                } else {
                    target.outcome = Outcome.IN_DOUBT;
                    target.error = new AceException(error.code(), "the repair's transaction is prepared on node "
                            + target.node.describe() + " as '" + target.gid + "' but " + command + " failed: "
                            + error.getMessage() + "; run " + command + " on that node", error);
                }
                if (target.outcome != Outcome.COMMITTED) {
                    target.deleted = 0;
                    target.inserted = 0;
                    target.updated = 0;
                    target.done.clear();
                }
                target.ended = Instant.now();
            }
        }

        /** Commits or rolls back a prepared transaction, on its own session or, if that is gone, on a new one. */
        private AceException finishPrepared(Target target, String command) {
            AceException error = null;
            for (int attempt = 0; attempt < 2; attempt++) {
                NodeSession session = attempt == 0 ? target.session : null;
                try {
                    if (session == null) {
                        session = pools.open(target.node, request.role(), what);
                    }
                    Connection connection = session.connection();
                    connection.setAutoCommit(true);
                    try (Statement statement = connection.createStatement()) {
                        statement.execute(command);
                    }
                    return null;
                } catch (SQLException e) {
                    error = SqlErrors.wrap(e, target.node, what);
                } catch (AceException e) {
                    error = e;
                } finally {
                    if (session != null) {
                        session.close();
                    }
                    if (attempt == 0) {
                        target.session = null;
                    }
                }
            }
            return error;
        }

        // ------------------------------------------------------------------ result

        private RepairResult result(Map<String, Target> targets) {
            List<NodeRepairResult> results = new ArrayList<>();
            for (TargetPlan plan : plans.values()) {
                Target target = targets.get(plan.node);
                List<RepairConflict> conflicts = new ArrayList<>(plan.plannedConflicts);
                if (target == null || target.outcome == Outcome.UNCHANGED) {
                    results.add(new NodeRepairResult(plan.node, request.dryRun() ? NodeRepairResult.Status.DRY_RUN
                            : NodeRepairResult.Status.UNCHANGED, 0, 0, 0, conflicts, List.of(), plan.kept, false,
                            null, null, Duration.ZERO));
                    continue;
                }
                NodeRepairResult.Status status = switch (target.outcome) {
                    case COMMITTED -> NodeRepairResult.Status.REPAIRED;
                    case CHECKED -> NodeRepairResult.Status.DRY_RUN;
                    case ROLLED_BACK -> NodeRepairResult.Status.ROLLED_BACK;
                    case IN_DOUBT -> NodeRepairResult.Status.IN_DOUBT;
                    default -> NodeRepairResult.Status.FAILED;
                };
                if (status == NodeRepairResult.Status.REPAIRED || status == NodeRepairResult.Status.DRY_RUN) {
                    for (Change change : plan.changes) {
                        if (change.conflict != null) {
                            conflicts.add(new RepairConflict(change.key, change.conflict));
                        }
                    }
                }
                Instant ended = target.ended == null ? Instant.now() : target.ended;
                results.add(new NodeRepairResult(plan.node, status, target.deleted, target.inserted, target.updated,
                        conflicts, target.done.stream().map(Change::toRowChange).toList(), plan.kept, target.spock,
                        target.error == null ? null : target.error.getMessage(),
                        target.error == null ? null : target.error.code(), Duration.between(started, ended)));
            }
            Instant finished = Instant.now();
            RepairResult result = new RepairResult(taskId, bound.cluster().name(), bound.cluster().database(),
                    bound.schema().table(), bound.file().path(), mode, request.sourceOfTruth(), request.dryRun(),
                    request.atomic(), bound.schema().columns().stream().map(c -> c.name()).toList(),
                    bound.schema().primaryKey(), results, started, finished, null, warnings);
            if (request.generateReport()) {
                try {
                    Path report = RepairReportWriter.write(config.outputDirectory(), result, request.fireTriggers());
                    result = new RepairResult(result.taskId(), result.clusterName(), result.dbname(), result.table(),
                            result.diffFile(), result.mode(), result.sourceOfTruth(), result.dryRun(), result.atomic(),
                            result.columns(), result.primaryKey(), result.nodes(), result.startedAt(),
                            result.finishedAt(), report, result.warnings());
                } catch (AceException e) {
                    List<String> more = new ArrayList<>(warnings);
                    more.add(e.getMessage());
                    result = new RepairResult(result.taskId(), result.clusterName(), result.dbname(), result.table(),
                            result.diffFile(), result.mode(), result.sourceOfTruth(), result.dryRun(), result.atomic(),
                            result.columns(), result.primaryKey(), result.nodes(), result.startedAt(),
                            result.finishedAt(), null, more);
                }
            }
            if (!request.quiet()) {
                LOG.info("{}", result.describe());
            }
            LOG.debug("repair {}: done in {} ms", taskId, Duration.between(started, Instant.now()).toMillis());
            return result;
        }

        // ------------------------------------------------------------------ threads

        private <T> Map<String, Future<T>> submitAll(ExecutorService threads, Map<String, Callable<T>> work) {
            Map<String, Future<T>> futures = new LinkedHashMap<>();
            work.forEach((node, task) -> futures.put(node, threads.submit(task)));
            return futures;
        }

        /** Waits for every task; the first failure is thrown once all have ended. */
        private <T> void awaitAll(Map<String, Future<T>> futures) {
            AceException first = null;
            for (Map.Entry<String, Future<T>> entry : futures.entrySet()) {
                try {
                    entry.getValue().get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AceException(ErrorCode.CANCELLED, "interrupted while " + what, e);
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    AceException error = cause instanceof AceException ? (AceException) cause
                            : cause instanceof SQLException ? SqlErrors.wrap((SQLException) cause,
                            nodes.get(entry.getKey()), what)
                            : new AceException(ErrorCode.DATABASE_ERROR, "unexpected failure on node " + entry.getKey()
                            + " while " + what + ": " + cause, cause);
                    if (first == null) {
                        first = error;
                    }
                }
            }
            if (first != null) {
                throw first;
            }
        }
    }

    private static String queryValue(Connection connection, String query) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(query)) {
            rows.next();
            return rows.getString(1);
        }
    }

}
