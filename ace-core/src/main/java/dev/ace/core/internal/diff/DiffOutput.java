package dev.ace.core.internal.diff;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ace.core.catalog.Column;
import dev.ace.core.catalog.TableName;
import dev.ace.core.diff.DiffSummary;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

/**
 * Where diff files go, what they are called and what their summary holds, for every writer of
 * diff files besides the diff engine (table-rerun). It produces the same fields, names and
 * layout as {@link DiffEngine}, so every diff file reads alike. Thread-safe (stateless).
 */
public final class DiffOutput {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd_HHmmssSSS")
            .withZone(ZoneOffset.UTC);
    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    private DiffOutput() {
    }

    /** A task id such as {@code rr_20240315_123456789_0a1b}: the prefix, the UTC time, four random hex digits. */
    public static String taskId(String prefix, Instant started) {
        return prefix + "_" + STAMP.format(started) + "_" + String.format("%04x", RANDOM.nextInt(0x10000));
    }

    /** {@code <output>/<kind>/<YYYY-MM-DD>}: where files of that day go ({@code diffs}, {@code reports}). */
    public static Path directory(Path outputDirectory, String kind, Instant started) {
        return outputDirectory.resolve(kind).resolve(DAY.format(started));
    }

    /** {@code <schema>_<table>_<what>-<taskId>.json} with every unsafe character replaced. */
    public static String fileName(TableName table, String what, String taskId) {
        String base = (table.schema() + "_" + table.table()).replaceAll("[^A-Za-z0-9_.-]", "_");
        return base + "_" + what + "-" + taskId.replaceAll("[^A-Za-z0-9_.-]", "_") + ".json";
    }

    /** The facts a diff file's summary records. */
    public record Summary(String taskId, String clusterName, String dbname, TableName table, List<String> nodes,
                          List<Column> columns, List<String> primaryKey, int blockRows, double maxCpuRatio,
                          int batchSize, String tableFilter, Instant started, Instant finished,
                          Map<String, Long> rowsChecked, Map<String, Long> diffCount, int rangesPlanned,
                          int rangesMismatched, boolean truncated) {
    }

    /** The summary object, field for field as the diff engine writes it. */
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
