package dev.ace.core.internal.repair;

import dev.ace.core.error.AceException;
import dev.ace.core.error.ErrorCode;
import dev.ace.core.internal.db.NodeSession;
import dev.ace.core.repair.RepairResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One repair from its sessions to its result: opens the sessions ({@link RepairSessions}), then,
 * on one worker per node, re-checks the rows on every node copied from ({@link SourceCheck}) and
 * runs every target's writer ({@link TargetWriter}) as the units come; when all have ended, a
 * two-phase commit ends the prepared transactions ({@link TwoPhaseCommit}) and the result is made
 * ({@link RepairResults}). A failure before any target committed is thrown, after rolling every
 * target back; a cancelled repair is thrown as {@link ErrorCode#CANCELLED}, saying which nodes had
 * committed, if any. Not thread-safe: used once.
 */
final class RepairRun {

    private static final Logger LOG = LoggerFactory.getLogger(RepairRun.class);

    private final RepairJob job;
    private final Map<String, TargetPlan> plans;
    private final Set<String> providers;
    private final List<String> warnings;
    private final Path outputDirectory;

    RepairRun(RepairJob job, Map<String, TargetPlan> plans, Set<String> providers, List<String> warnings,
              Path outputDirectory) {
        this.job = job;
        this.plans = plans;
        this.providers = providers;
        this.warnings = warnings;
        this.outputDirectory = outputDirectory;
    }

    RepairResult execute() {
        Map<String, Target> targets = new LinkedHashMap<>();
        plans.forEach((name, plan) -> targets.put(name, new Target(job.nodes.get(name), plan)));
        // A node that is both re-read and repaired is re-read before anything is written anywhere;
        // otherwise each target writes a unit as soon as it is checked, while the next one is re-read.
        boolean barrier = providers.stream().anyMatch(targets::containsKey);
        Map<String, NodeSession> readers = Map.of();
        try (job.work) {
            long phase = System.nanoTime();
            try {
                readers = new RepairSessions(job).open(targets, providers);
            } catch (RuntimeException e) {
                job.feed.cancel();
                // cancelled while the sessions opened (waiting for the lock, say): nothing was written
                throw job.request.cancellation().isCancelled() ? cancelled(targets) : e;
            }
            LOG.debug("repair {}: opened and prepared the sessions in {} ms", job.taskId,
                    (System.nanoTime() - phase) / 1_000_000);
            phase = System.nanoTime();
            List<Future<?>> checking = new ArrayList<>();
            SourceCheck check = new SourceCheck(job);
            for (String provider : providers) {
                Target asTarget = targets.get(provider);
                NodeSession session = asTarget != null ? asTarget.session : readers.get(provider);
                Map<String, NodeSession> open = readers;
                checking.add(job.work.submit(() -> {
                    try {
                        check.run(provider, session);
                    } finally {
                        NodeSession reader = open.remove(provider);
                        if (reader != null) {
                            reader.close();
                        }
                    }
                    return null;
                }));
            }
            List<Future<?>> writing = new ArrayList<>();
            for (Target target : targets.values()) {
                writing.add(job.work.submit(() -> {
                    target.writer.run(new TargetUnits(job, target.name(), barrier ? null : target.writer), barrier);
                    return null;
                }));
            }
            AceException sourceFailure = null;
            try {
                job.work.awaitAll(checking);
            } catch (AceException e) {
                sourceFailure = e;
            }
            job.work.awaitAll(writing);
            LOG.debug("repair {}: re-checked the sources and wrote the targets in {} ms", job.taskId,
                    (System.nanoTime() - phase) / 1_000_000);
            // from here on the repair ends as decided now, cancelled or not
            job.work.stopCancelling();
            boolean cancelled = job.request.cancellation().isCancelled();
            if (!cancelled && job.feed.failure() != null) {
                // every target was rolled back before its end: the file could not be read to its end
                throw job.feed.failure();
            }
            if (!cancelled && sourceFailure != null && targets.values().stream().noneMatch(target ->
                    target.outcome == Target.Outcome.COMMITTED || target.outcome == Target.Outcome.PREPARED)) {
                // nothing was changed anywhere: the failure to re-read a source is the answer
                throw sourceFailure;
            }
            new TwoPhaseCommit(job).finish(targets.values(), cancelled);
            if (cancelled && targets.values().stream().anyMatch(target -> target.outcome != Target.Outcome.COMMITTED
                    && target.outcome != Target.Outcome.UNCHANGED && target.outcome != Target.Outcome.CHECKED)) {
                throw cancelled(targets);
            }
        } finally {
            readers.values().forEach(NodeSession::close);
            targets.values().forEach(Target::closeSession);
        }
        return RepairResults.of(job, plans, targets, warnings, outputDirectory);
    }

    /** The failure of a repair cancelled before every target ended: which nodes had committed, if any. */
    private AceException cancelled(Map<String, Target> targets) {
        List<String> committed = new ArrayList<>();
        List<String> inDoubt = new ArrayList<>();
        for (Target target : targets.values()) {
            if (target.outcome == Target.Outcome.COMMITTED) {
                committed.add(target.name());
            } else if (target.outcome == Target.Outcome.IN_DOUBT) {
                inDoubt.add(target.error.getMessage());
            }
        }
        StringBuilder message = new StringBuilder("table-repair of ").append(job.table()).append(" was cancelled; ");
        if (committed.isEmpty()) {
            message.append("no node committed the repair: every node was rolled back");
        } else {
            message.append(committed.size() == 1 ? "node " : "nodes ").append(String.join(", ", committed))
                    .append(" had already committed the repair, every other node was rolled back");
        }
        if (!inDoubt.isEmpty()) {
            message.append(", except: ").append(String.join("; ", inDoubt));
        }
        return new AceException(ErrorCode.CANCELLED, message.toString());
    }
}
