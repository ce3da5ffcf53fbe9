package dev.ace.core.diff;

import dev.ace.core.catalog.TableName;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What a table diff found.
 *
 * @param rowsChecked rows hashed on each node (after {@code table_filter})
 * @param rangesPlanned key ranges the table was cut into
 * @param rangesMismatched ranges whose digests differed on some node pair
 * @param diffCounts differing rows per node pair ({@code "n1/n2"}); only pairs that differ
 * @param diffFile the JSON diff file, always written
 * @param truncated whether the cap on differing rows stopped collecting for some pair
 * @param walPositions for an incremental diff, each node's {@code pg_current_wal_lsn()} when its
 *        tree was brought up to date: the changes committed before it are covered; empty for a
 *        full diff
 */
public record DiffResult(String taskId, String clusterName, String dbname, TableName table, List<String> nodes,
                         Map<String, Long> rowsChecked, int rangesPlanned, int rangesMismatched,
                         Map<String, Long> diffCounts, Instant startedAt, Instant finishedAt, Path diffFile,
                         boolean truncated, Map<String, String> walPositions) {

    public DiffResult {
        nodes = List.copyOf(nodes);
        walPositions = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(walPositions));
        rowsChecked = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(rowsChecked));
        diffCounts = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(diffCounts));
    }

    /** The result of a full diff (no WAL positions). */
    public DiffResult(String taskId, String clusterName, String dbname, TableName table, List<String> nodes,
                      Map<String, Long> rowsChecked, int rangesPlanned, int rangesMismatched,
                      Map<String, Long> diffCounts, Instant startedAt, Instant finishedAt, Path diffFile,
                      boolean truncated) {
        this(taskId, clusterName, dbname, table, nodes, rowsChecked, rangesPlanned, rangesMismatched, diffCounts,
                startedAt, finishedAt, diffFile, truncated, Map.of());
    }

    /** This result with the WAL positions an incremental diff covered. */
    public DiffResult withWalPositions(Map<String, String> positions) {
        return new DiffResult(taskId, clusterName, dbname, table, nodes, rowsChecked, rangesPlanned, rangesMismatched,
                diffCounts, startedAt, finishedAt, diffFile, truncated, positions);
    }

    /** Whether every node holds the same rows. */
    public boolean match() {
        return diffCounts.isEmpty();
    }

    public Duration duration() {
        return Duration.between(startedAt, finishedAt);
    }

    /** Rows checked on all nodes together. */
    public long totalRowsChecked() {
        return rowsChecked.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Differing rows over all node pairs. */
    public long totalDiffs() {
        return diffCounts.values().stream().mapToLong(Long::longValue).sum();
    }

    /** A one-paragraph summary for people. */
    public String describe() {
        StringBuilder text = new StringBuilder();
        text.append(match() ? "MATCH: " : "DIFFERENT: ").append(table).append(" on ").append(String.join(", ", nodes))
                .append(" (cluster ").append(clusterName).append(", database ").append(dbname).append(")\n");
        rowsChecked.forEach((node, rows) -> text.append("  rows checked on ").append(node).append(": ").append(rows)
                .append('\n'));
        text.append("  ranges: ").append(rangesPlanned).append(" planned, ").append(rangesMismatched)
                .append(" mismatched\n");
        diffCounts.forEach((pair, count) -> text.append("  ").append(pair).append(": ").append(count)
                .append(" differing rows\n"));
        if (truncated) {
            text.append("  TRUNCATED: the cap on differing rows was reached; the diff file holds the first ones\n");
        }
        walPositions.forEach((node, lsn) -> text.append("  tree of ").append(node).append(" current at WAL ")
                .append(lsn).append('\n'));
        text.append("  time: ").append(duration().toMillis()).append(" ms\n");
        text.append("  diff file: ").append(diffFile);
        return text.toString();
    }
}
