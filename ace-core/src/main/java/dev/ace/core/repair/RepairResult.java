package dev.ace.core.repair;

import dev.ace.core.catalog.TableName;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What a table repair did, node by node. A repair whose nodes did not all succeed still returns a
 * result: {@link #succeeded()} is false and each failed node says why; nothing was half-applied
 * on any node. Immutable and thread-safe.
 *
 * @param sourceOfTruth the source of truth, null when the mode needs none
 * @param columns the table's column names, the order of the values of {@link RowChange}
 * @param primaryKey the key column names, the order of every key
 * @param nodes one entry per target node, in the diff file's node order
 * @param report the JSON repair report, null unless {@code generate_report}
 * @param warnings things the caller should know (a truncated diff file, ...)
 */
public record RepairResult(String taskId, String clusterName, String dbname, TableName table, Path diffFile,
                           RepairMode mode, String sourceOfTruth, boolean dryRun, boolean atomic,
                           List<String> columns, List<String> primaryKey, List<NodeRepairResult> nodes,
                           Instant startedAt, Instant finishedAt, Path report, List<String> warnings) {

    public RepairResult {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(mode, "mode");
        columns = List.copyOf(columns);
        primaryKey = List.copyOf(primaryKey);
        nodes = List.copyOf(nodes);
        warnings = List.copyOf(warnings);
    }

    /** The result of one node; {@link IllegalArgumentException} for a node that was not a target. */
    public NodeRepairResult node(String name) {
        return nodes.stream().filter(node -> node.node().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("node " + name + " was not a target of this repair"));
    }

    /** Whether every target node ended as asked (repaired, unchanged, or dry-run). */
    public boolean succeeded() {
        return nodes.stream().allMatch(NodeRepairResult::succeeded);
    }

    /** Names of the nodes whose transaction committed changes (or had nothing to change). */
    public List<String> repairedNodes() {
        return nodes.stream().filter(node -> node.status() == NodeRepairResult.Status.REPAIRED
                || node.status() == NodeRepairResult.Status.UNCHANGED).map(NodeRepairResult::node).toList();
    }

    /** Names of the nodes that failed, were rolled back or are in doubt. */
    public List<String> unrepairedNodes() {
        return nodes.stream().filter(node -> !node.succeeded()).map(NodeRepairResult::node).toList();
    }

    public long totalDeleted() {
        return nodes.stream().mapToLong(NodeRepairResult::deleted).sum();
    }

    public long totalInserted() {
        return nodes.stream().mapToLong(NodeRepairResult::inserted).sum();
    }

    public long totalUpdated() {
        return nodes.stream().mapToLong(NodeRepairResult::updated).sum();
    }

    public long totalSkipped() {
        return nodes.stream().mapToLong(NodeRepairResult::skipped).sum();
    }

    public Duration duration() {
        return Duration.between(startedAt, finishedAt);
    }

    /** A short summary for people. */
    public String describe() {
        StringBuilder text = new StringBuilder();
        text.append(dryRun ? "DRY RUN: " : succeeded() ? "REPAIRED: " : "INCOMPLETE: ").append(table)
                .append(" (cluster ").append(clusterName).append(", database ").append(dbname).append("), mode ")
                .append(mode).append(sourceOfTruth == null ? "" : ", source of truth " + sourceOfTruth)
                .append(atomic ? ", atomic" : "").append('\n');
        for (NodeRepairResult node : nodes) {
            text.append("  ").append(node.node()).append(": ").append(node.status().name().toLowerCase(java.util.Locale.ROOT))
                    .append(", ").append(node.deleted()).append(" deleted, ").append(node.inserted())
                    .append(" inserted, ").append(node.updated()).append(" updated, ").append(node.skipped())
                    .append(" skipped as conflicts");
            if (!node.keptDifferences().isEmpty()) {
                text.append(", ").append(node.keptDifferences().size()).append(" differing rows kept by the mode");
            }
            if (node.error() != null) {
                text.append(": ").append(node.error());
            }
            text.append('\n');
        }
        if (totalSkipped() > 0) {
            text.append("  ").append(RepairConflict.HINT).append('\n');
        }
        warnings.forEach(warning -> text.append("  warning: ").append(warning).append('\n'));
        if (report != null) {
            text.append("  report: ").append(report).append('\n');
        }
        text.append("  time: ").append(duration().toMillis()).append(" ms");
        return text.toString();
    }
}
