package dev.ace.core.diff;

import dev.ace.core.CallerRole;
import dev.ace.core.Cancellation;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The options of a table diff, named as in the API ({@code cluster_name}, {@code table_name},
 * {@code block_rows}, ...). Options left unset take the configuration's defaults when the diff
 * runs. Immutable; build with {@link #builder(String, String)}. Validation happens when the diff
 * runs, before any database work, listing every problem at once.
 */
public final class TableDiffRequest {

    /** Output formats of the API's {@code output} option. */
    public enum Output {
        JSON, CSV, HTML;

        /** Parses {@code json}, {@code csv} or {@code html}, case-insensitively; null when it is none of them. */
        public static Output parse(String text) {
            if (text == null) {
                return null;
            }
            for (Output output : values()) {
                if (output.name().equalsIgnoreCase(text.trim())) {
                    return output;
                }
            }
            return null;
        }

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final String clusterName;
    private final String tableName;
    private final String dbname;
    private final Integer blockRows;
    private final Double maxCpuRatio;
    private final String output;
    private final String nodes;
    private final Integer batchSize;
    private final String tableFilter;
    private final boolean quiet;
    private final Integer maxDiffRows;
    private final CallerRole role;
    private final DiffProgressListener progress;
    private final Cancellation cancellation;
    private final String taskId;

    private TableDiffRequest(Builder builder) {
        this.clusterName = builder.clusterName;
        this.tableName = builder.tableName;
        this.dbname = builder.dbname;
        this.blockRows = builder.blockRows;
        this.maxCpuRatio = builder.maxCpuRatio;
        this.output = builder.output;
        this.nodes = builder.nodes;
        this.batchSize = builder.batchSize;
        this.tableFilter = builder.tableFilter;
        this.quiet = builder.quiet;
        this.maxDiffRows = builder.maxDiffRows;
        this.role = builder.role;
        this.progress = builder.progress;
        this.cancellation = builder.cancellation;
        this.taskId = builder.taskId;
    }

    /** A request for {@code cluster_name} and {@code table_name} ({@code schema.table}). */
    public static Builder builder(String clusterName, String tableName) {
        return new Builder(clusterName, tableName);
    }

    public String clusterName() {
        return clusterName;
    }

    public String tableName() {
        return tableName;
    }

    public Optional<String> dbname() {
        return Optional.ofNullable(dbname);
    }

    public Optional<Integer> blockRows() {
        return Optional.ofNullable(blockRows);
    }

    public Optional<Double> maxCpuRatio() {
        return Optional.ofNullable(maxCpuRatio);
    }

    /** The {@code output} option as given (json, csv, html); default json. */
    public String output() {
        return output;
    }

    /** {@code "all"} or a comma-separated list of node names. */
    public String nodes() {
        return nodes;
    }

    public Optional<Integer> batchSize() {
        return Optional.ofNullable(batchSize);
    }

    public Optional<String> tableFilter() {
        return Optional.ofNullable(tableFilter);
    }

    public boolean quiet() {
        return quiet;
    }

    /** Cap on differing rows per node pair; 0 lifts it; unset takes the configuration's (10,000). */
    public Optional<Integer> maxDiffRows() {
        return Optional.ofNullable(maxDiffRows);
    }

    public CallerRole role() {
        return role;
    }

    public DiffProgressListener progress() {
        return progress;
    }

    public Cancellation cancellation() {
        return cancellation;
    }

    /** The task id to record in the diff file; generated when unset. */
    public Optional<String> taskId() {
        return Optional.ofNullable(taskId);
    }

    /** Options of a diff; not thread-safe. */
    public static final class Builder {
        private final String clusterName;
        private final String tableName;
        private String dbname;
        private Integer blockRows;
        private Double maxCpuRatio;
        private String output = "json";
        private String nodes = "all";
        private Integer batchSize;
        private String tableFilter;
        private boolean quiet;
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
            this.dbname = value == null || value.isBlank() ? null : value;
            return this;
        }

        public Builder blockRows(Integer value) {
            this.blockRows = value;
            return this;
        }

        public Builder maxCpuRatio(Double value) {
            this.maxCpuRatio = value;
            return this;
        }

        public Builder output(String value) {
            this.output = value == null ? "json" : value;
            return this;
        }

        public Builder nodes(String value) {
            this.nodes = value == null ? "all" : value;
            return this;
        }

        public Builder batchSize(Integer value) {
            this.batchSize = value;
            return this;
        }

        public Builder tableFilter(String value) {
            this.tableFilter = value == null || value.isBlank() ? null : value;
            return this;
        }

        public Builder quiet(boolean value) {
            this.quiet = value;
            return this;
        }

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

        public Builder taskId(String value) {
            this.taskId = value;
            return this;
        }

        public TableDiffRequest build() {
            return new TableDiffRequest(this);
        }
    }
}
