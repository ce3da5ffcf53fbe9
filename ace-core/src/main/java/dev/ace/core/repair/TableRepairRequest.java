package dev.ace.core.repair;

import dev.ace.core.CallerRole;
import dev.ace.core.Cancellation;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * The options of a table repair, named as in the API ({@code cluster_name}, {@code diff_file},
 * {@code source_of_truth}, ...), plus the caller's role and two options of ours: {@code atomic}
 * (all nodes or none) and how long to wait for another repair of the same table.
 *
 * <pre>{@code
 * TableRepairRequest request = TableRepairRequest.builder("prod", "public.users")
 *         .diffFile(diff.diffFile()).sourceOfTruth("n1").dryRun(true).build();
 * }</pre>
 *
 * Immutable and thread-safe. Nothing is checked when it is built: the repair validates every
 * option before any database work and lists every problem at once.
 *
 * @param clusterName the cluster ({@code cluster_name}); required
 * @param tableName {@code schema.table} ({@code table_name}); required, and must be the diff file's table
 * @param diffFile the diff file to repair from ({@code diff_file}); required
 * @param sourceOfTruth the node whose rows win ({@code source_of_truth}); required unless {@code fix_nulls} or
 *        {@code bidirectional}; null when unset
 * @param dbname the database ({@code dbname}); null takes the diff file's
 * @param dryRun change nothing, report what a live run would do ({@code dry_run})
 * @param quiet carried for the front-ends; the repair itself prints nothing ({@code quiet})
 * @param generateReport write the JSON repair report ({@code generate_report})
 * @param upsertOnly never delete; report the rows only the target has ({@code upsert_only})
 * @param insertOnly only insert missing rows, never overwrite ({@code insert_only})
 * @param bidirectional with {@code insert_only}: each node gets the rows only the others have ({@code bidirectional})
 * @param fixNulls fill a NULL from the node that has a value ({@code fix_nulls})
 * @param fireTriggers let the table's triggers fire ({@code fire_triggers})
 * @param atomic all target nodes commit or none does (two-phase commit with prepared transactions)
 * @param role the role the data changes are made as
 * @param lockTimeout how long to wait for another repair of the same table to finish
 * @param taskId the id recorded in the result and report; generated when null
 * @param progress told of rows planned and applied per node
 * @param cancellation lets the caller stop the repair; nodes not yet committed roll back
 */
public record TableRepairRequest(String clusterName, String tableName, Path diffFile, String sourceOfTruth,
                                 String dbname, boolean dryRun, boolean quiet, boolean generateReport,
                                 boolean upsertOnly, boolean insertOnly, boolean bidirectional, boolean fixNulls,
                                 boolean fireTriggers, boolean atomic, CallerRole role, Duration lockTimeout,
                                 String taskId, RepairProgressListener progress, Cancellation cancellation) {

    /** How long a repair waits by default for another repair of the same table. */
    public static final Duration DEFAULT_LOCK_TIMEOUT = Duration.ofSeconds(10);

    public TableRepairRequest {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(lockTimeout, "lockTimeout");
        Objects.requireNonNull(progress, "progress");
        Objects.requireNonNull(cancellation, "cancellation");
    }

    /** A request for {@code cluster_name} and {@code table_name}; set at least the diff file. */
    public static Builder builder(String clusterName, String tableName) {
        return new Builder(clusterName, tableName);
    }

    /** The mode the flags select (they are checked for conflicts when the repair runs). */
    public RepairMode mode() {
        if (fixNulls) {
            return RepairMode.FIX_NULLS;
        }
        if (bidirectional) {
            return RepairMode.BIDIRECTIONAL;
        }
        if (insertOnly) {
            return RepairMode.INSERT_ONLY;
        }
        if (upsertOnly) {
            return RepairMode.UPSERT_ONLY;
        }
        return RepairMode.STANDARD;
    }

    /** Options of a repair; not thread-safe. */
    public static final class Builder {
        private final String clusterName;
        private final String tableName;
        private Path diffFile;
        private String sourceOfTruth;
        private String dbname;
        private boolean dryRun;
        private boolean quiet;
        private boolean generateReport;
        private boolean upsertOnly;
        private boolean insertOnly;
        private boolean bidirectional;
        private boolean fixNulls;
        private boolean fireTriggers;
        private boolean atomic;
        private CallerRole role = CallerRole.SERVICE;
        private Duration lockTimeout = DEFAULT_LOCK_TIMEOUT;
        private String taskId;
        private RepairProgressListener progress = RepairProgressListener.NONE;
        private Cancellation cancellation = new Cancellation();

        private Builder(String clusterName, String tableName) {
            this.clusterName = clusterName;
            this.tableName = tableName;
        }

        public Builder diffFile(Path value) {
            this.diffFile = value;
            return this;
        }

        /** The diff file as the API gives it, a path; blank means unset. */
        public Builder diffFile(String value) {
            this.diffFile = value == null || value.isBlank() ? null : Path.of(value);
            return this;
        }

        public Builder sourceOfTruth(String value) {
            this.sourceOfTruth = value == null || value.isBlank() ? null : value.trim();
            return this;
        }

        public Builder dbname(String value) {
            this.dbname = value == null || value.isBlank() ? null : value;
            return this;
        }

        public Builder dryRun(boolean value) {
            this.dryRun = value;
            return this;
        }

        public Builder quiet(boolean value) {
            this.quiet = value;
            return this;
        }

        public Builder generateReport(boolean value) {
            this.generateReport = value;
            return this;
        }

        public Builder upsertOnly(boolean value) {
            this.upsertOnly = value;
            return this;
        }

        public Builder insertOnly(boolean value) {
            this.insertOnly = value;
            return this;
        }

        public Builder bidirectional(boolean value) {
            this.bidirectional = value;
            return this;
        }

        public Builder fixNulls(boolean value) {
            this.fixNulls = value;
            return this;
        }

        public Builder fireTriggers(boolean value) {
            this.fireTriggers = value;
            return this;
        }

        /** All target nodes commit or none does; needs {@code max_prepared_transactions > 0} on every target. */
        public Builder atomic(boolean value) {
            this.atomic = value;
            return this;
        }

        /** The role the data changes are made as (default: ACE's own user). */
        public Builder role(CallerRole value) {
            this.role = Objects.requireNonNull(value, "role");
            return this;
        }

        /** How long to wait for another repair of the same table (default 10 s); zero tries once. */
        public Builder lockTimeout(Duration value) {
            this.lockTimeout = Objects.requireNonNull(value, "lockTimeout");
            return this;
        }

        public Builder taskId(String value) {
            this.taskId = value;
            return this;
        }

        public Builder progress(RepairProgressListener value) {
            this.progress = Objects.requireNonNull(value, "progress");
            return this;
        }

        public Builder cancellation(Cancellation value) {
            this.cancellation = Objects.requireNonNull(value, "cancellation");
            return this;
        }

        public TableRepairRequest build() {
            return new TableRepairRequest(clusterName, tableName, diffFile, sourceOfTruth, dbname, dryRun, quiet,
                    generateReport, upsertOnly, insertOnly, bidirectional, fixNulls, fireTriggers, atomic, role,
                    lockTimeout, taskId, progress, cancellation);
        }
    }
}
