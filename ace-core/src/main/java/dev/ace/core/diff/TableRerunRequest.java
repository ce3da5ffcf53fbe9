package dev.ace.core.diff;

import dev.ace.core.CallerRole;
import dev.ace.core.Cancellation;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The options of a table rerun, named as in the API. Immutable and thread-safe; validated when
 * the rerun runs, every problem listed at once.
 *
 * <pre>{@code
 * DiffResult still = ace.rerun().rerun(TableRerunRequest.builder("prod", "public.users")
 *         .diffFile(diff.diffFile()).behavior("hostdb").build());
 * }</pre>
 *
 * @param clusterName the cluster ({@code cluster_name}); required
 * @param tableName {@code schema.table} ({@code table_name}); required, and must be the diff file's table
 * @param diffFile the earlier diff file ({@code diff_file}); required
 * @param dbname the database; null takes the diff file's
 * @param quiet carried for the front-ends ({@code quiet})
 * @param behavior {@code multiprocessing} (default) or {@code hostdb}, as given ({@code behavior})
 * @param role the role every statement runs as
 * @param taskId the task id recorded in the new diff file; generated when null
 * @param progress told of key batches re-checked on every node
 * @param cancellation lets the caller stop the rerun; no diff file is left then
 */
public record TableRerunRequest(String clusterName, String tableName, Path diffFile, String dbname, boolean quiet,
                                String behavior, CallerRole role, String taskId, DiffProgressListener progress,
                                Cancellation cancellation) {

    public TableRerunRequest {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(progress, "progress");
        Objects.requireNonNull(cancellation, "cancellation");
    }

    public static Builder builder(String clusterName, String tableName) {
        return new Builder(clusterName, tableName);
    }

    /** Options of a rerun; not thread-safe. */
    public static final class Builder {
        private final String clusterName;
        private final String tableName;
        private Path diffFile;
        private String dbname;
        private boolean quiet;
        private String behavior = "multiprocessing";
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

        public Builder diffFile(String value) {
            this.diffFile = value == null || value.isBlank() ? null : Path.of(value);
            return this;
        }

        public Builder dbname(String value) {
            this.dbname = value == null || value.isBlank() ? null : value;
            return this;
        }

        public Builder quiet(boolean value) {
            this.quiet = value;
            return this;
        }

        /** {@code multiprocessing} or {@code hostdb}; null means the default, multiprocessing. */
        public Builder behavior(String value) {
            this.behavior = value == null ? "multiprocessing" : value;
            return this;
        }

        public Builder behavior(RerunBehavior value) {
            this.behavior = value.toString();
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

        public TableRerunRequest build() {
            return new TableRerunRequest(clusterName, tableName, diffFile, dbname, quiet, behavior, role, taskId,
                    progress, cancellation);
        }
    }
}
