package dev.ace.core.internal.diff;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ace.core.catalog.Column;
import dev.ace.core.catalog.TableName;
import dev.ace.core.diff.DiffResult;
import dev.ace.core.diff.DiffSummary;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

/**
 * Where diff files (and repair reports) go, what they are called, and what a diff file's summary
 * holds: the one place for each, so that the files of table-diff and table-rerun read alike.
 * Thread-safe (stateless).
 */
public final class DiffOutput {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);

    private DiffOutput() {
    }

    /** {@code <output>/<kind>/<YYYY-MM-DD>}: where files of that day go ({@code diffs}, {@code reports}). */
    public static Path directory(Path outputDirectory, String kind, Instant started) {
        return outputDirectory.resolve(kind).resolve(DAY.format(started));
    }

    /** {@code <output>/diffs/<YYYY-MM-DD>/<schema>_<table>_diffs-<taskId>.json}: where a diff file goes. */
    public static Path diffFile(Path outputDirectory, TableName table, String taskId, Instant started) {
        return directory(outputDirectory, "diffs", started).resolve(fileName(table, "diffs", taskId));
    }

    /** {@code <schema>_<table>_<what>-<taskId>.json} with every unsafe character replaced. */
    public static String fileName(TableName table, String what, String taskId) {
        String base = (table.schema() + "_" + table.table()).replaceAll("[^A-Za-z0-9_.-]", "_");
        return base + "_" + what + "-" + taskId.replaceAll("[^A-Za-z0-9_.-]", "_") + ".json";
    }

    /** The facts a diff file's summary records, which are also what the diff's result says. */
    public record Summary(String taskId, String clusterName, String dbname, TableName table, List<String> nodes,
                          List<Column> columns, List<String> primaryKey, int blockRows, double maxCpuRatio,
                          int batchSize, String tableFilter, Instant started, Instant finished,
                          Map<String, Long> rowsChecked, Map<String, Long> diffCount, int rangesPlanned,
                          int rangesMismatched, boolean truncated) {

        /** The result of the diff (or rerun) that wrote these facts to {@code diffFile}. */
        public DiffResult result(Path diffFile) {
            return new DiffResult(taskId, clusterName, dbname, table, nodes, rowsChecked, rangesPlanned,
                    rangesMismatched, diffCount, started, finished, diffFile, truncated);
        }
    }

    /** The summary object of a diff file. */
    public static ObjectNode summaryJson(Summary facts) {
        ObjectNode summary = MAPPER.createObjectNode();
        summary.put("format", DiffSummary.FORMAT);
        summary.put("task_id", facts.taskId());
        summary.put("cluster_name", facts.clusterName());
        summary.put("dbname", facts.dbname());
        summary.put("schema_name", facts.table().schema());
        summary.put("table_name", facts.table().table());
        facts.nodes().forEach(node -> summary.withArray("nodes").add(node));
        for (Column column : facts.columns()) {
            summary.withArray("columns").addObject().put("name", column.name()).put("type", column.type())
                    .put("category", column.category());
        }
        facts.primaryKey().forEach(key -> summary.withArray("primary_key").add(key));
        summary.put("block_rows", facts.blockRows());
        summary.put("max_cpu_ratio", facts.maxCpuRatio());
        summary.put("batch_size", facts.batchSize());
        summary.put("table_filter", facts.tableFilter());
        summary.put("start_time", facts.started().toString());
        summary.put("end_time", facts.finished().toString());
        summary.put("time_taken", Duration.between(facts.started(), facts.finished()).toMillis() / 1000.0);
        summary.put("total_rows_checked", facts.rowsChecked().values().stream().mapToLong(Long::longValue).sum());
        ObjectNode perNode = summary.putObject("rows_checked");
        facts.rowsChecked().forEach(perNode::put);
        ObjectNode diffCount = summary.putObject("diff_count");
        facts.diffCount().forEach(diffCount::put);
        summary.put("ranges_planned", facts.rangesPlanned());
        summary.put("ranges_mismatched", facts.rangesMismatched());
        summary.put("truncated", facts.truncated());
        return summary;
    }
}
