package dev.ace.core.internal.repair;

import dev.ace.core.AceConfig;
import dev.ace.core.CallerRole;
import dev.ace.core.catalog.TableName;
import dev.ace.core.cluster.ClusterDefinition;
import dev.ace.core.diff.DiffFile;
import dev.ace.core.error.InvalidRequestException;
import dev.ace.core.internal.catalog.TableChecker;
import dev.ace.core.internal.config.ClusterResolver;
import dev.ace.core.internal.db.NodePools;
import dev.ace.core.internal.db.NodeWork;
import dev.ace.core.internal.diff.BoundDiff;
import dev.ace.core.internal.task.TaskIds;
import dev.ace.core.repair.InterruptedRepair;
import dev.ace.core.repair.RepairMode;
import dev.ace.core.repair.RepairResult;
import dev.ace.core.repair.RepairService;
import dev.ace.core.repair.TableRepairRequest;
import dev.ace.core.task.TaskType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one table repair: validate the options and the diff file's summary, then, while a planner
 * thread reads the diff file and turns it into units of up to {@link #BATCH} changes per target
 * ({@link PlanReader}, {@link RepairPlanner}, {@link UnitFeed}), and while the table is checked on
 * every node ({@link BoundDiff}), {@link RepairRun}:
 * <ol>
 *   <li>opens one transaction per target node (in one global node order), each set up by the
 *       writer chosen for it once ({@link TargetWriter}: dry run, direct, staged or two-phase)
 *       with the per-table advisory lock, {@code session_replication_role} and
 *       {@code spock.repair_mode(true)} ({@link RepairSessions});</li>
 *   <li>re-reads, unit by unit as the planner makes them, on every node rows are copied from (in one
 *       snapshot per node), the rows the plan relies on, and skips every change whose row there
 *       changed since the diff ({@link SourceCheck});</li>
 *   <li>on every target at once, writes each unit as soon as it is re-checked, with compare-and-set
 *       statements that skip rows that changed on the target (deletes, then inserts, then updates);
 *       once the planner has read the whole file, commits, or, when atomic, prepares on every
 *       target and then commits everywhere ({@link TwoPhaseCommit});</li>
 *   <li>reports ({@link RepairResults}).</li>
 * </ol>
 * Standard, upsert_only and insert_only are planned as the file is read, so a target starts its
 * deletes while the rest of the file is still being read. Where a node is both copied from and
 * repaired (bidirectional, fix_nulls) every re-read ends before anything is written. A file of
 * more than {@link RepairParts#PART_ROWS} differences is planned and written in parts of its keys
 * ({@link RepairParts}), still in one transaction per target, so that memory stays bounded; the
 * result then lists up to {@link #LISTED} changed rows per node, with exact counts. A file that
 * turns out damaged, or any failure before the commit, rolls every target back and is thrown; a
 * target failing later is rolled back and reported (with atomic, every target is). Cancelling
 * stops the planner, the re-reads and the writes, and rolls back every target not yet committed.
 * Thread-safe: one engine serves concurrent repairs.
 */
public final class RepairEngine implements RepairService {

    private static final Logger LOG = LoggerFactory.getLogger(RepairEngine.class);
    /** Rows per set-based statement. */
    static final int BATCH = 10_000;
    /** A result lists at most this many changed rows, and kept rows, per node; its counts are exact. */
    static final int LISTED = 100_000;

    private final AceConfig config;
    private final ClusterResolver clusters;
    private final NodePools pools;
    private final TableChecker checker;
    private final TaskIds ids = new TaskIds();
    /** Differences per part of a plan: a diff file of more is planned and written part by part. */
    private final long partRows = RepairParts.partRows();

    public RepairEngine(AceConfig config, ClusterResolver clusters, NodePools pools, TableChecker checker) {
        this.config = Objects.requireNonNull(config);
        this.clusters = Objects.requireNonNull(clusters);
        this.pools = Objects.requireNonNull(pools);
        this.checker = Objects.requireNonNull(checker);
    }

    @Override
    public RepairResult repair(TableRepairRequest request) {
        Objects.requireNonNull(request, "request");
        Instant started = Instant.now();
        DiffFile file = checkRequest(request);
        if (request.generateReport()) {
            RepairReportWriter.checkWritable(config.outputDirectory(), started);
        }
        String taskId = request.taskId() != null ? request.taskId() : ids.next(TaskType.TABLE_REPAIR, started);
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
        // cancelling stops the planner at its next change
        Runnable stopPlanning = request.cancellation().register(feed::cancel);
        Thread planner = null;
        try {
            // the diff file is read and planned while the table is checked and the repair runs
            // where a node is both re-read and repaired, its re-reads and writes share a session: no part ahead
            planner = PlanReader.start(file, mode, source, plans, feed, taskId, partRows, fromSource ? 1 : 0,
                    config.outputDirectory());
            BoundDiff bound;
            try {
                bound = BoundDiff.bind(file, clusters, checker, request.dbname(), request.role());
            } catch (RuntimeException e) {
                feed.cancel();
                throw e;
            }
            LOG.debug("repair {}: validated and checked the table in {} ms", taskId,
                    Duration.between(started, Instant.now()).toMillis());
            List<String> warnings = new ArrayList<>();
            if (bound.summary().truncated()) {
                warnings.add("the diff file was truncated (it holds only the first max_diff_rows differences per "
                        + "node pair); run table-diff again after this repair to find the rest");
            }
            TableName table = bound.schema().table();
            NodeWork work = NodeWork.of(pools, request.role(), RepairJob.what(table), "repair")
                    .cancelledBy(request.cancellation(), () -> RepairJob.cancelled(table));
            if (request.atomic() && !request.dryRun()) {
                // a run interrupted by a crash is ended first, the same way on every node; its marker table is made
                PreparedRepairs.resolve(clusters.resolve(request.clusterName(), request.dbname()).nodes(),
                        plans.keySet(), work).stream().filter(found -> found.resolution()
                                != InterruptedRepair.Resolution.RUNNING).forEach(found -> warnings.add(found.message()));
            }
            RepairJob job = new RepairJob(request, bound, taskId, started, feed, work);
            return new RepairRun(job, plans, providers, warnings, config.outputDirectory()).execute();
        } finally {
            stopPlanning.run();
            if (planner != null) {
                // a repair that ended early stops its planner, which deletes its part files, before it returns
                feed.cancel();
                joinQuietly(planner);
            }
        }
    }

    private static void joinQuietly(Thread thread) {
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public List<InterruptedRepair> resolveInterrupted(String clusterName, String dbname, CallerRole role) {
        Objects.requireNonNull(role, "role");
        ClusterDefinition cluster = clusters.resolve(clusterName, dbname);
        try (NodeWork work = NodeWork.of(pools, role, "resolving interrupted repairs", "repair")) {
            return PreparedRepairs.resolve(cluster.nodes(), Set.of(), work);
        }
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
}
