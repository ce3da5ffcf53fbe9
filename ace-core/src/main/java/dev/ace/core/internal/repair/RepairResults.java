package dev.ace.core.internal.repair;

import dev.ace.core.catalog.Column;
import dev.ace.core.error.AceException;
import dev.ace.core.repair.NodeRepairResult;
import dev.ace.core.repair.RepairConflict;
import dev.ace.core.repair.RepairResult;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reporting of a repair: its result from how each target ended, the JSON report when asked
 * ({@code generate_report}; a report that cannot be written becomes a warning), and the log
 * line. Thread-safe (stateless).
 */
final class RepairResults {

    private static final Logger LOG = LoggerFactory.getLogger(RepairResults.class);

    private RepairResults() {
    }

    /** The result of the repair, per target in the plan's order. */
    static RepairResult of(RepairJob job, Map<String, TargetPlan> plans, Map<String, Target> targets,
                           List<String> warnings, Path outputDirectory) {
        List<NodeRepairResult> results = new ArrayList<>();
        warnings = new ArrayList<>(warnings);
        for (TargetPlan plan : plans.values()) {
            NodeRepairResult node = node(job, plan, targets.get(plan.node));
            results.add(node);
            long changed = node.deleted() + node.inserted() + node.updated();
            if (node.changes().size() < changed) {
                warnings.add("node " + node.node() + ": the result lists the first " + node.changes().size() + " of "
                        + changed + " changed rows (" + (changed - node.changes().size()) + " more); the counts are "
                        + "exact");
            }
            if (plan.keptCount > plan.kept.size()) {
                warnings.add("node " + node.node() + ": the result lists the first " + plan.kept.size() + " of "
                        + plan.keptCount + " differing rows the mode keeps (" + (plan.keptCount - plan.kept.size())
                        + " more)");
            }
        }
        RepairResult result = new RepairResult(job.taskId, job.bound.cluster().name(), job.bound.cluster().database(),
                job.table(), job.bound.file().path(), job.request.mode(), job.request.sourceOfTruth(),
                job.request.dryRun(), job.request.atomic(), job.bound.schema().columns().stream().map(Column::name)
                .toList(), job.bound.schema().primaryKey(), results, job.started, Instant.now(), null, warnings);
        if (job.request.generateReport()) {
            result = withReport(job, result, outputDirectory);
        }
        if (!job.request.quiet()) {
            LOG.info("{}", result.describe());
        }
        LOG.debug("repair {}: done in {} ms", job.taskId, Duration.between(job.started, Instant.now()).toMillis());
        return result;
    }

    private static NodeRepairResult node(RepairJob job, TargetPlan plan, Target target) {
        List<RepairConflict> conflicts = new ArrayList<>(plan.plannedConflicts);
        if (target == null || target.outcome == Target.Outcome.UNCHANGED) {
            return new NodeRepairResult(plan.node, job.request.dryRun() ? NodeRepairResult.Status.DRY_RUN
                    : NodeRepairResult.Status.UNCHANGED, 0, 0, 0, conflicts, List.of(), plan.kept, false,
                    null, null, Duration.ZERO);
        }
        NodeRepairResult.Status status = switch (target.outcome) {
            case COMMITTED -> NodeRepairResult.Status.REPAIRED;
            case CHECKED -> NodeRepairResult.Status.DRY_RUN;
            case ROLLED_BACK -> NodeRepairResult.Status.ROLLED_BACK;
            case IN_DOUBT -> NodeRepairResult.Status.IN_DOUBT;
            default -> NodeRepairResult.Status.FAILED;
        };
        if (status == NodeRepairResult.Status.REPAIRED || status == NodeRepairResult.Status.DRY_RUN) {
            conflicts.addAll(target.conflicts);
        }
        Instant ended = target.ended == null ? Instant.now() : target.ended;
        return new NodeRepairResult(plan.node, status, target.deleted, target.inserted, target.updated, conflicts,
                target.done, plan.kept, target.spock,
                target.error == null ? null : target.error.getMessage(),
                target.error == null ? null : target.error.code(), Duration.between(job.started, ended));
    }

    /** The result with the report written, or with a warning saying why it could not be. */
    private static RepairResult withReport(RepairJob job, RepairResult result, Path outputDirectory) {
        Path report = null;
        List<String> warnings = result.warnings();
        try {
            report = RepairReportWriter.write(outputDirectory, result, job.request.fireTriggers());
        } catch (AceException e) {
            warnings = new ArrayList<>(warnings);
            warnings.add(e.getMessage());
        }
        return new RepairResult(result.taskId(), result.clusterName(), result.dbname(), result.table(),
                result.diffFile(), result.mode(), result.sourceOfTruth(), result.dryRun(), result.atomic(),
                result.columns(), result.primaryKey(), result.nodes(), result.startedAt(), result.finishedAt(), report,
                warnings);
    }
}
