package dev.ace.core.repair;

import dev.ace.core.CallerRole;
import dev.ace.core.Cancellation;
import dev.ace.core.option.Operation;
import dev.ace.core.option.OptionValues;
import dev.ace.core.option.Options;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
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
 * Building checks every option against the table of options ({@link Options}), the modes'
 * conflicts included, and lists every problem at once ({@link dev.ace.core.error.InvalidRequestException});
 * the repair checks the diff file before any database work. Immutable and thread-safe.
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
 * @param atomic all target nodes commit or none does (two-phase commit with prepared transactions; {@code atomic}, ours)
 * @param role the role the data changes are made as
 * @param lockTimeout how long to wait for another repair of the same table to finish ({@code lock_timeout}, ours);
 *        default 10 s
 * @param taskId the id recorded in the result and report; generated when null
 * @param progress told of rows planned and applied per node
 * @param cancellation lets the caller stop the repair; nodes not yet committed roll back
 */
public record TableRepairRequest(String clusterName, String tableName, Path diffFile, String sourceOfTruth,
                                 String dbname, boolean dryRun, boolean quiet, boolean generateReport,
                                 boolean upsertOnly, boolean insertOnly, boolean bidirectional, boolean fixNulls,
                                 boolean fireTriggers, boolean atomic, CallerRole role, Duration lockTimeout,
                                 String taskId, RepairProgressListener progress, Cancellation cancellation) {

    public TableRepairRequest {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(progress, "progress");
        Objects.requireNonNull(cancellation, "cancellation");
        sourceOfTruth = sourceOfTruth == null || sourceOfTruth.isBlank() ? null : sourceOfTruth.trim();
        dbname = dbname == null || dbname.isBlank() ? null : dbname;
        lockTimeout = lockTimeout == null ? Options.LOCK_TIMEOUT.defaultValue().orElseThrow() : lockTimeout;
        values(clusterName, tableName, diffFile, sourceOfTruth, dbname, dryRun, quiet, generateReport, upsertOnly,
                insertOnly, bidirectional, fixNulls, fireTriggers, atomic, lockTimeout);
    }

    /** A request for {@code cluster_name} and {@code table_name}; set at least the diff file. */
    public static Builder builder(String clusterName, String tableName) {
        return new Builder(clusterName, tableName);
    }

    /** A request of parsed options ({@link Options#parse}); add the role, progress and so on before building. */
    public static Builder builder(OptionValues values) {
        if (values.operation() != Operation.TABLE_REPAIR) {
            throw new IllegalArgumentException("options of " + values.operation().apiName() + ", not of table-repair");
        }
        return new Builder(values.get(Options.CLUSTER_NAME).orElse(null), values.get(Options.TABLE_NAME).orElse(null))
                .diffFile(values.get(Options.DIFF_FILE).orElse(null))
                .sourceOfTruth(values.get(Options.SOURCE_OF_TRUTH).orElse(null))
                .dbname(values.get(Options.DBNAME).orElse(null)).dryRun(values.getOrDefault(Options.DRY_RUN))
                .quiet(values.getOrDefault(Options.QUIET)).generateReport(values.getOrDefault(Options.GENERATE_REPORT))
                .upsertOnly(values.getOrDefault(Options.UPSERT_ONLY)).insertOnly(values.getOrDefault(Options.INSERT_ONLY))
                .bidirectional(values.getOrDefault(Options.BIDIRECTIONAL)).fixNulls(values.getOrDefault(Options.FIX_NULLS))
                .fireTriggers(values.getOrDefault(Options.FIRE_TRIGGERS)).atomic(values.getOrDefault(Options.ATOMIC))
                .lockTimeout(values.getOrDefault(Options.LOCK_TIMEOUT));
    }

    /** The request of parsed options, as ACE's own user. */
    public static TableRepairRequest from(OptionValues values) {
        return builder(values).build();
    }

    public Builder toBuilder() {
        return new Builder(clusterName, tableName).diffFile(diffFile).sourceOfTruth(sourceOfTruth).dbname(dbname)
                .dryRun(dryRun).quiet(quiet).generateReport(generateReport).upsertOnly(upsertOnly)
                .insertOnly(insertOnly).bidirectional(bidirectional).fixNulls(fixNulls).fireTriggers(fireTriggers)
                .atomic(atomic).role(role).lockTimeout(lockTimeout).taskId(taskId).progress(progress)
                .cancellation(cancellation);
    }

    /** The options, by their API names, as the JSON API writes them; unset ones are left out. Immutable. */
    public Map<String, Object> options() {
        return values(clusterName, tableName, diffFile, sourceOfTruth, dbname, dryRun, quiet, generateReport,
                upsertOnly, insertOnly, bidirectional, fixNulls, fireTriggers, atomic, lockTimeout).toMap();
    }

    private static OptionValues values(String clusterName, String tableName, Path diffFile, String sourceOfTruth,
                                       String dbname, boolean dryRun, boolean quiet, boolean generateReport,
                                       boolean upsertOnly, boolean insertOnly, boolean bidirectional,
                                       boolean fixNulls, boolean fireTriggers, boolean atomic, Duration lockTimeout) {
        return OptionValues.builder(Operation.TABLE_REPAIR).set(Options.CLUSTER_NAME, clusterName)
                .set(Options.TABLE_NAME, tableName).set(Options.DIFF_FILE, diffFile)
                .set(Options.SOURCE_OF_TRUTH, sourceOfTruth).set(Options.DBNAME, dbname).set(Options.DRY_RUN, dryRun)
                .set(Options.QUIET, quiet).set(Options.GENERATE_REPORT, generateReport)
                .set(Options.UPSERT_ONLY, upsertOnly).set(Options.INSERT_ONLY, insertOnly)
                .set(Options.BIDIRECTIONAL, bidirectional).set(Options.FIX_NULLS, fixNulls)
                .set(Options.FIRE_TRIGGERS, fireTriggers).set(Options.ATOMIC, atomic)
                .set(Options.LOCK_TIMEOUT, lockTimeout).build();
    }

    /** The mode the flags select (conflicting flags are refused when the request is built). */
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
        private Duration lockTimeout;
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

        public Builder sourceOfTruth(String value) {
            this.sourceOfTruth = value;
            return this;
        }

        public Builder dbname(String value) {
            this.dbname = value;
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

        /**
         * Sets the flags that select a mode, clearing the others: {@code upsert_only},
         * {@code insert_only}, {@code insert_only} with {@code bidirectional}, or {@code fix_nulls}.
         */
        public Builder mode(RepairMode value) {
            upsertOnly = value == RepairMode.UPSERT_ONLY;
            insertOnly = value == RepairMode.INSERT_ONLY || value == RepairMode.BIDIRECTIONAL;
            bidirectional = value == RepairMode.BIDIRECTIONAL;
            fixNulls = value == RepairMode.FIX_NULLS;
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

        /** How long to wait for another repair of the same table (default 10 s); zero tries once; null: the default. */
        public Builder lockTimeout(Duration value) {
            this.lockTimeout = value;
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

        /** @throws dev.ace.core.error.InvalidRequestException listing every problem of the options */
        public TableRepairRequest build() {
            return new TableRepairRequest(clusterName, tableName, diffFile, sourceOfTruth, dbname, dryRun, quiet,
                    generateReport, upsertOnly, insertOnly, bidirectional, fixNulls, fireTriggers, atomic, role,
                    lockTimeout, taskId, progress, cancellation);
        }
    }
}
