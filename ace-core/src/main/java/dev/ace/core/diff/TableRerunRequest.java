package dev.ace.core.diff;

import dev.ace.core.CallerRole;
import dev.ace.core.Cancellation;
import dev.ace.core.option.Operation;
import dev.ace.core.option.OptionValues;
import dev.ace.core.option.Options;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * The options of a table rerun, named as in the API ({@link Options}). Building checks every
 * option and lists every problem at once ({@link dev.ace.core.error.InvalidRequestException}).
 * Immutable and thread-safe.
 *
 * <pre>{@code
 * DiffResult still = ace.rerun().rerun(TableRerunRequest.builder("prod", "public.users")
 *         .diffFile(diff.diffFile()).behavior(RerunBehavior.HOSTDB).build());
 * }</pre>
 *
 * @param clusterName the cluster ({@code cluster_name}); required
 * @param tableName {@code schema.table} ({@code table_name}); required, and must be the diff file's table
 * @param diffFile the earlier diff file ({@code diff_file}); required
 * @param dbname the database; null takes the diff file's
 * @param quiet carried for the front-ends ({@code quiet})
 * @param behavior how the keys are re-checked ({@code behavior}); default multiprocessing
 * @param role the role every statement runs as
 * @param taskId the task id recorded in the new diff file; generated when null
 * @param progress told of key batches re-checked on every node
 * @param cancellation lets the caller stop the rerun; no diff file is left then
 */
public record TableRerunRequest(String clusterName, String tableName, Path diffFile, String dbname, boolean quiet,
                                RerunBehavior behavior, CallerRole role, String taskId, DiffProgressListener progress,
                                Cancellation cancellation) {

    public TableRerunRequest {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(progress, "progress");
        Objects.requireNonNull(cancellation, "cancellation");
        dbname = dbname == null || dbname.isBlank() ? null : dbname;
        behavior = behavior == null ? RerunBehavior.MULTIPROCESSING : behavior;
        values(clusterName, tableName, diffFile, dbname, quiet, behavior);
    }

    public static Builder builder(String clusterName, String tableName) {
        return new Builder(clusterName, tableName);
    }

    /** A request of parsed options ({@link Options#parse}); add the role, progress and so on before building. */
    public static Builder builder(OptionValues values) {
        if (values.operation() != Operation.TABLE_RERUN) {
            throw new IllegalArgumentException("options of " + values.operation().apiName() + ", not of table-rerun");
        }
        return new Builder(values.get(Options.CLUSTER_NAME).orElse(null), values.get(Options.TABLE_NAME).orElse(null))
                .diffFile(values.get(Options.DIFF_FILE).orElse(null)).dbname(values.get(Options.DBNAME).orElse(null))
                .quiet(values.getOrDefault(Options.QUIET)).behavior(values.getOrDefault(Options.BEHAVIOR));
    }

    /** The request of parsed options, as ACE's own user. */
    public static TableRerunRequest from(OptionValues values) {
        return builder(values).build();
    }

    public Builder toBuilder() {
        return new Builder(clusterName, tableName).diffFile(diffFile).dbname(dbname).quiet(quiet).behavior(behavior)
                .role(role).taskId(taskId).progress(progress).cancellation(cancellation);
    }

    /** The options, by their API names, as the JSON API writes them; unset ones are left out. Immutable. */
    public Map<String, Object> options() {
        return values(clusterName, tableName, diffFile, dbname, quiet, behavior).toMap();
    }

    private static OptionValues values(String clusterName, String tableName, Path diffFile, String dbname,
                                       boolean quiet, RerunBehavior behavior) {
        return OptionValues.builder(Operation.TABLE_RERUN).set(Options.CLUSTER_NAME, clusterName)
                .set(Options.TABLE_NAME, tableName).set(Options.DIFF_FILE, diffFile).set(Options.DBNAME, dbname)
                .set(Options.QUIET, quiet).set(Options.BEHAVIOR, behavior).build();
    }

    /** Options of a rerun; not thread-safe. */
    public static final class Builder {
        private final String clusterName;
        private final String tableName;
        private Path diffFile;
        private String dbname;
        private boolean quiet;
        private RerunBehavior behavior = RerunBehavior.MULTIPROCESSING;
        private CallerRole role = CallerRole.SERVICE;
        private String taskId;
        private DiffProgressListener progress = DiffProgressListener.NONE;
        private Cancellation cancellation = new Cancellation();

        private Builder(String clusterName, String tableName) {
            this.clusterName = clusterName;
            this.tableName = tableName;
        }

        public Builder diffFile(Path value) {
            this.diffFile = value;
            return this;
        }

        public Builder dbname(String value) {
            this.dbname = value;
            return this;
        }

        public Builder quiet(boolean value) {
            this.quiet = value;
            return this;
        }

        /** How the keys are re-checked; null means the default, multiprocessing. */
        public Builder behavior(RerunBehavior value) {
            this.behavior = value;
            return this;
        }

        public Builder role(CallerRole value) {
            this.role = Objects.requireNonNull(value, "role");
            return this;
        }

        public Builder taskId(String value) {
            this.taskId = value;
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

        /** @throws dev.ace.core.error.InvalidRequestException listing every problem of the options */
        public TableRerunRequest build() {
            return new TableRerunRequest(clusterName, tableName, diffFile, dbname, quiet, behavior, role, taskId,
                    progress, cancellation);
        }
    }
}
