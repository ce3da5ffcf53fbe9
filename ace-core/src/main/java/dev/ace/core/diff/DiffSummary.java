package dev.ace.core.diff;

import dev.ace.core.catalog.Column;
import dev.ace.core.catalog.TableName;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The {@code summary} of a diff file: what was compared, how, and what differed. Besides the
 * reference's fields it records the cluster, database, column types and primary key, so that a
 * repair or rerun can check the file belongs to the table it is asked to fix.
 *
 * @param startedAt when the diff began ({@code start_time}); null when the file does not say
 * @param finishedAt when it ended ({@code end_time}); null when the file does not say
 */
public record DiffSummary(String format, String taskId, String clusterName, String dbname, TableName table,
                          List<String> nodes, List<Column> columns, List<String> primaryKey, int blockRows,
                          double maxCpuRatio, int batchSize, String tableFilter, Instant startedAt, Instant finishedAt,
                          double timeTaken, Map<String, Long> rowsChecked, Map<String, Long> diffCount,
                          int rangesPlanned, int rangesMismatched, boolean truncated) {

    /** The format this version of ACE writes and reads. */
    public static final String FORMAT = "ace-diff/1";

    public DiffSummary {
        nodes = List.copyOf(nodes);
        columns = List.copyOf(columns);
        primaryKey = List.copyOf(primaryKey);
        rowsChecked = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(rowsChecked));
        diffCount = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(diffCount));
    }

    /** Positions of the primary key columns among {@link #columns()}, in key order. */
    public int[] keyPositions() {
        int[] positions = new int[primaryKey.size()];
        for (int i = 0; i < positions.length; i++) {
            String key = primaryKey.get(i);
            positions[i] = java.util.stream.IntStream.range(0, columns.size())
                    .filter(c -> columns.get(c).name().equals(key)).findFirst().orElseThrow();
        }
        return positions;
    }
}
