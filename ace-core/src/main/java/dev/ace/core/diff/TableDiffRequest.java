package dev.ace.core.diff;

import dev.ace.core.CallerRole;
import dev.ace.core.Cancellation;
import dev.ace.core.option.Operation;
import dev.ace.core.option.OptionValues;
import dev.ace.core.option.Options;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The options of a table diff, named as in the API ({@code cluster_name}, {@code table_name},
 * {@code block_rows}, ...; see {@link Options}). Options left unset (null) take the
 * configuration's defaults when the diff runs.
 *
 * <pre>{@code
 * TableDiffRequest request = TableDiffRequest.builder("prod", "public.users").nodes("n1,n2").blockRows(5000).build();
 * TableDiffRequest same = TableDiffRequest.builder(Options.parse(Operation.TABLE_DIFF, jsonBody)).build();
 * }</pre>
 *
 * Building checks every option against the table of options and lists every problem at once
 * ({@link dev.ace.core.error.InvalidRequestException}). Immutable and thread-safe.
 *
 * @param clusterName {@code cluster_name}; required
 * @param tableName {@code table_name}, {@code schema.table}; required
 * @param dbname {@code dbname}; null: the cluster's first database
 * @param blockRows {@code block_rows}; null: the configuration's
 * @param maxCpuRatio {@code max_cpu_ratio}; null: the configuration's
 * @param batchSize {@code batch_size}; null: the configuration's
 * @param output {@code output}, carried for the front-ends; the JSON diff file is always written
 * @param nodes {@code nodes}: the node names; empty means all the cluster's active nodes
 * @param tableFilter {@code table_filter}; null: every row
 * @param maxDiffRows {@code max_diff_rows}; 0 lifts the cap; null: the configuration's
 * @param quiet {@code quiet}, carried for the front-ends
 * @param incremental {@code incremental}: compare the table's Merkle trees ({@code Ace.trees()}),
 *        brought up to date first, instead of hashing every row; not with {@code table_filter}
 * @param role the role every statement of the diff runs as
 * @param taskId the task id recorded in the diff file; generated when null
 * @param progress told of ranges done
 * @param cancellation lets the caller stop the diff
 */
public record TableDiffRequest(String clusterName, String tableName, String dbname, Integer blockRows,
                               Double maxCpuRatio, Integer batchSize, Output output, List<String> nodes,
                               String tableFilter, Integer maxDiffRows, boolean quiet, boolean incremental, CallerRole role,
                               String taskId,
                               DiffProgressListener progress, Cancellation cancellation) {

    /** Output formats of the API's {@code output} option. */
    public enum Output {
        JSON, CSV, HTML;

        /** The API's name: {@code json}, {@code csv}, {@code html}. */
        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public TableDiffRequest {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(progress, "progress");
        Objects.requireNonNull(cancellation, "cancellation");
        dbname = blankToNull(dbname);
        tableFilter = blankToNull(tableFilter);
        output = output == null ? Output.JSON : output;
        nodes = nodes == null ? List.of() : List.copyOf(nodes);
        values(clusterName, tableName, dbname, blockRows, maxCpuRatio, batchSize, output, nodes, tableFilter,
                maxDiffRows, quiet, incremental);
    }

    /** A request for {@code cluster_name} and {@code table_name} ({@code schema.table}). */
    public static Builder builder(String clusterName, String tableName) {
        return new Builder(clusterName, tableName);
    }

    /** A request of parsed options ({@link Options#parse}); add the role, progress and so on before building. */
    public static Builder builder(OptionValues values) {
        if (values.operation() != Operation.TABLE_DIFF) {
            throw new IllegalArgumentException("options of " + values.operation().apiName() + ", not of table-diff");
        }
        Builder builder = new Builder(values.get(Options.CLUSTER_NAME).orElse(null),
                values.get(Options.TABLE_NAME).orElse(null));
        builder.dbname = values.get(Options.DBNAME).orElse(null);
        builder.blockRows = values.get(Options.BLOCK_ROWS).orElse(null);
        builder.maxCpuRatio = values.get(Options.MAX_CPU_RATIO).orElse(null);
        builder.batchSize = values.get(Options.BATCH_SIZE).orElse(null);
        builder.output = values.getOrDefault(Options.OUTPUT);
        builder.nodes = values.getOrDefault(Options.NODES);
        builder.tableFilter = values.get(Options.TABLE_FILTER).orElse(null);
        builder.maxDiffRows = values.get(Options.MAX_DIFF_ROWS).orElse(null);
        builder.quiet = values.getOrDefault(Options.QUIET);
        builder.incremental = values.getOrDefault(Options.INCREMENTAL);
        return builder;
    }

    /** The request of parsed options, as ACE's own user. */
    public static TableDiffRequest from(OptionValues values) {
        return builder(values).build();
    }

    public Builder toBuilder() {
        Builder builder = new Builder(clusterName, tableName);
        builder.dbname = dbname;
        builder.blockRows = blockRows;
        builder.maxCpuRatio = maxCpuRatio;
        builder.batchSize = batchSize;
        builder.output = output;
        builder.nodes = nodes;
        builder.tableFilter = tableFilter;
        builder.maxDiffRows = maxDiffRows;
        builder.quiet = quiet;
        builder.incremental = incremental;
        builder.role = role;
        builder.taskId = taskId;
        builder.progress = progress;
        builder.cancellation = cancellation;
        return builder;
    }

    /** The options, by their API names, as the JSON API writes them; unset ones are left out. Immutable. */
    public Map<String, Object> options() {
        return values(clusterName, tableName, dbname, blockRows, maxCpuRatio, batchSize, output, nodes, tableFilter,
                maxDiffRows, quiet, incremental).toMap();
    }

    private static OptionValues values(String clusterName, String tableName, String dbname, Integer blockRows,
                                       Double maxCpuRatio, Integer batchSize, Output output, List<String> nodes,
                                       String tableFilter, Integer maxDiffRows, boolean quiet, boolean incremental) {
        return OptionValues.builder(Operation.TABLE_DIFF).set(Options.CLUSTER_NAME, clusterName)
                .set(Options.TABLE_NAME, tableName).set(Options.DBNAME, dbname).set(Options.BLOCK_ROWS, blockRows)
                .set(Options.MAX_CPU_RATIO, maxCpuRatio).set(Options.BATCH_SIZE, batchSize)
                .set(Options.OUTPUT, output).set(Options.NODES, nodes).set(Options.TABLE_FILTER, tableFilter)
                .set(Options.MAX_DIFF_ROWS, maxDiffRows).set(Options.QUIET, quiet)
                .set(Options.INCREMENTAL, incremental ? Boolean.TRUE : null).build();
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    /** Options of a diff; not thread-safe. */
    public static final class Builder {
        private final String clusterName;
        private final String tableName;
        private String dbname;
        private Integer blockRows;
        private Double maxCpuRatio;
        private Output output = Output.JSON;
        private List<String> nodes = List.of();
        private Integer batchSize;
        private String tableFilter;
        private boolean quiet;
        private boolean incremental;
        private Integer maxDiffRows;
        private CallerRole role = CallerRole.SERVICE;
        private DiffProgressListener progress = DiffProgressListener.NONE;
        private Cancellation cancellation = new Cancellation();
        private String taskId;

        private Builder(String clusterName, String tableName) {
            this.clusterName = clusterName;
            this.tableName = tableName;
        }

        public Builder dbname(String value) {
            this.dbname = value;
            return this;
        }

        /** Rows per block, 1,000 to 100,000; null takes the configuration's. */
        public Builder blockRows(Integer value) {
            this.blockRows = value;
            return this;
        }

        /** Share of the cores the diff's workers may use, above 0 and at most 1; null takes the configuration's. */
        public Builder maxCpuRatio(Double value) {
            this.maxCpuRatio = value;
            return this;
        }

        public Builder output(Output value) {
            this.output = value == null ? Output.JSON : value;
            return this;
        }

        /** {@code "all"} (or null) or a comma-separated list of node names, read as the API reads it. */
        public Builder nodes(String value) {
            this.nodes = value == null ? List.of() : Options.NODES.valueOf(value);
            return this;
        }

        /** The node names; empty means all the cluster's active nodes. */
        public Builder nodes(List<String> value) {
            this.nodes = value == null ? List.of() : value;
            return this;
        }

        /** Blocks per database round trip, 1 to 1,000; null takes the configuration's. */
        public Builder batchSize(Integer value) {
            this.batchSize = value;
            return this;
        }

        public Builder tableFilter(String value) {
            this.tableFilter = value;
            return this;
        }

        public Builder quiet(boolean value) {
            this.quiet = value;
            return this;
        }

        /** Compare the table's Merkle trees instead of hashing every row (they must have been built). */
        public Builder incremental(boolean value) {
            this.incremental = value;
            return this;
        }

        /** Cap on differing rows per node pair; 0 lifts it; null takes the configuration's (10,000). */
        public Builder maxDiffRows(Integer value) {
            this.maxDiffRows = value;
            return this;
        }

        /** The role every statement of the diff runs as (default: ACE's own user). */
        public Builder role(CallerRole value) {
            this.role = Objects.requireNonNull(value, "role");
            return this;
        }

        public Builder progress(DiffProgressListener value) {
            this.progress = Objects.requireNonNull(value, "progress");
            return this;
        }

        public Builder cancellation(Cancellation value) {
            this.cancellation = Objects.requireNonNull(value, "cancellation");
            return this;
        }

        /** The task id to record in the diff file; generated when unset. */
        public Builder taskId(String value) {
            this.taskId = value;
            return this;
        }

        /** @throws dev.ace.core.error.InvalidRequestException listing every problem of the options */
        public TableDiffRequest build() {
            return new TableDiffRequest(clusterName, tableName, dbname, blockRows, maxCpuRatio, batchSize, output,
                    nodes, tableFilter, maxDiffRows, quiet, incremental, role, taskId, progress, cancellation);
        }
    }
}
