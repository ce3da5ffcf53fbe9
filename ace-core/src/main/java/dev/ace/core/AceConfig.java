package dev.ace.core;

import dev.ace.core.error.InvalidConfigurationException;
import dev.ace.core.option.Operation;
import dev.ace.core.option.Option;
import dev.ace.core.option.OptionValues;
import dev.ace.core.option.Options;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * ACE's settings: where cluster definitions live, where diffs and reports go, the defaults of
 * diff options, timeouts, client-certificate authentication to the nodes, and how tasks are run
 * and kept. The settings, their
 * defaults and ranges are those of the table of options ({@link Options}, operation
 * {@link Operation#CONFIG}).
 *
 * <pre>{@code
 * AceConfig config = AceConfig.builder().clusterDirectory(Path.of("cluster")).build();
 * AceConfig fromFile = AceConfig.load(Path.of("ace.yaml"));
 * }</pre>
 *
 * Building validates every setting and reports all problems at once
 * ({@link InvalidConfigurationException}); nothing out of range is clamped. Immutable and
 * thread-safe. {@link #toString()} and {@link #options()} never show the key password.
 */
public final class AceConfig {

    private final OptionValues values;

    private AceConfig(OptionValues values) {
        this.values = values;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding parsed settings ({@link Options#parse} or {@link Options#parseText} with {@link Operation#CONFIG}). */
    public static Builder builder(OptionValues settings) {
        if (settings.operation() != Operation.CONFIG) {
            throw new IllegalArgumentException("options of " + settings.operation().apiName() + ", not settings");
        }
        Builder builder = new Builder();
        settings.options().forEach(option -> copy(option, settings, builder.values));
        return builder;
    }

    private static <T> void copy(Option<T> option, OptionValues from, OptionValues.Builder to) {
        to.set(option, from.get(option).orElse(null));
    }

    /** Every setting at its default. */
    public static AceConfig defaults() {
        return builder().build();
    }

    /**
     * Reads a YAML configuration file ({@code ace.yaml}). Keys are the snake_case names of the
     * API text ({@code use_cert_auth}, {@code ace_user_cert_file}, {@code block_rows}, ...);
     * relative paths are taken relative to the file's directory; an unknown key is an error.
     * See {@code docs/configuration.md}.
     *
     * @throws InvalidConfigurationException naming the file, listing every problem
     */
    public static AceConfig load(Path file) {
        return builder(Options.parseYaml(Operation.CONFIG, file)).build();
    }

    public Builder toBuilder() {
        Builder builder = new Builder();
        values.options().forEach(option -> copy(option, values, builder.values));
        return builder;
    }

    /** The settings given, by their snake_case names, as the JSON API writes them; the key password is left out. Immutable. */
    public Map<String, Object> options() {
        return values.toMap();
    }

    /** Where pgEdge cluster files live: {@code <cluster_dir>/<name>/<name>.json}. Default {@code cluster}. */
    public Path clusterDirectory() {
        return values.getOrDefault(Options.CLUSTER_DIR);
    }

    /**
     * The {@code pg_service.conf} to read cluster definitions from; empty means the usual lookup
     * ({@code ACE_PGSERVICEFILE}, {@code PGSERVICEFILE}, {@code ./pg_service.conf},
     * {@code ~/.pg_service.conf}, {@code /etc/pg_service.conf}).
     */
    public Optional<Path> pgServiceFile() {
        return values.get(Options.PG_SERVICE_FILE);
    }

    /** Where diff files and reports are written ({@code diffs/<date>/...}). Default: the working directory. */
    public Path outputDirectory() {
        return values.getOrDefault(Options.OUTPUT_DIR);
    }

    /** Whether connections to the nodes authenticate with ACE's client certificate. */
    public boolean useCertAuth() {
        return values.getOrDefault(Options.USE_CERT_AUTH);
    }

    public Optional<Path> userCertFile() {
        return values.get(Options.ACE_USER_CERT_FILE);
    }

    public Optional<Path> userKeyFile() {
        return values.get(Options.ACE_USER_KEY_FILE);
    }

    /** Password of an encrypted private key; never logged or shown. */
    public Optional<String> userKeyPassword() {
        return values.get(Options.ACE_USER_KEY_PASSWORD);
    }

    public Optional<Path> caCertFile() {
        return values.get(Options.CA_CERT_FILE);
    }

    /** Default rows per diff block, 1,000 to 100,000 (default 10,000). */
    public int blockRows() {
        return values.getOrDefault(Options.BLOCK_ROWS);
    }

    /** Default share of the cores diff workers may use, above 0 and at most 1 (default 0.6). */
    public double maxCpuRatio() {
        return values.getOrDefault(Options.MAX_CPU_RATIO);
    }

    /** Default number of blocks per database round trip, 1 to 1,000 (default 1). */
    public int batchSize() {
        return values.getOrDefault(Options.BATCH_SIZE);
    }

    /** Default cap on differing rows collected per node pair; 0 lifts the cap (default 10,000). */
    public int maxDiffRows() {
        return values.getOrDefault(Options.MAX_DIFF_ROWS);
    }

    public Duration connectTimeout() {
        return values.getOrDefault(Options.CONNECT_TIMEOUT);
    }

    /** Longest a single statement may run on a node; zero means no limit (default 60 s). */
    public Duration statementTimeout() {
        return values.getOrDefault(Options.STATEMENT_TIMEOUT);
    }

    /** Upper bound of each node's connection pool (default 16). */
    public int maxConnectionsPerNode() {
        return values.getOrDefault(Options.MAX_CONNECTIONS_PER_NODE);
    }

    /** The {@code application_name} ACE's connections show in {@code pg_stat_activity} (default {@code ace}). */
    public String applicationName() {
        return values.getOrDefault(Options.APPLICATION_NAME);
    }

    /** The schema ACE owns on every node for the incremental diff's trees ({@code mtree_schema}, default {@code ace}). */
    public String mtreeSchema() {
        return values.getOrDefault(Options.MTREE_SCHEMA);
    }

    /**
     * The SQLite file tasks are kept in ({@code task_store}); default {@code <output_dir>/tasks.db}.
     * It is created with mode 0600 on first use of {@code Ace.tasks()}.
     */
    public Path taskStore() {
        return values.get(Options.TASK_STORE).orElseGet(() -> outputDirectory().resolve("tasks.db"));
    }

    /**
     * How many tasks run at once ({@code max_running_tasks}). By default as many as the node pools
     * can serve at once: {@code max_connections_per_node} divided by the most connections one
     * operation takes per node (a diff or rerun runs up to one worker per core, each holding a
     * connection to every node; a repair holds one per node), at least 1.
     */
    public int maxRunningTasks() {
        return values.get(Options.MAX_RUNNING_TASKS).orElseGet(() -> defaultMaxRunningTasks(maxConnectionsPerNode()));
    }

    /** How many submitted tasks may wait for a free slot ({@code max_queued_tasks}, default 100); beyond, submissions are refused. */
    public int maxQueuedTasks() {
        return values.getOrDefault(Options.MAX_QUEUED_TASKS);
    }

    /** How long finished tasks are kept before they are purged ({@code task_retention}, default 7 days). */
    public Duration taskRetention() {
        return values.getOrDefault(Options.TASK_RETENTION);
    }

    /** Whether purging a task also deletes the files it wrote, its diff file or report ({@code purge_task_files}, default false). */
    public boolean purgeTaskFiles() {
        return values.getOrDefault(Options.PURGE_TASK_FILES);
    }

    /**
     * The most connections one operation leases per node: a diff (and a rerun) runs
     * {@code min(max_connections_per_node, cores * max_cpu_ratio)} workers, each holding one
     * connection to every node, and {@code max_cpu_ratio} is at most 1; a repair holds one per node.
     */
    private static int defaultMaxRunningTasks(int maxConnectionsPerNode) {
        int perTask = Math.max(1, Math.min(maxConnectionsPerNode, Runtime.getRuntime().availableProcessors()));
        return Math.max(1, maxConnectionsPerNode / perTask);
    }

    @Override
    public String toString() {
        return "AceConfig{clusterDirectory=" + clusterDirectory() + ", pgServiceFile=" + pgServiceFile().orElse(null)
                + ", outputDirectory=" + outputDirectory() + ", useCertAuth=" + useCertAuth()
                + ", userCertFile=" + userCertFile().orElse(null) + ", userKeyFile=" + userKeyFile().orElse(null)
                + ", userKeyPassword=" + (userKeyPassword().isEmpty() ? "none" : "***")
                + ", caCertFile=" + caCertFile().orElse(null) + ", blockRows=" + blockRows()
                + ", maxCpuRatio=" + maxCpuRatio() + ", batchSize=" + batchSize() + ", maxDiffRows=" + maxDiffRows()
                + ", connectTimeout=" + connectTimeout() + ", statementTimeout=" + statementTimeout()
                + ", maxConnectionsPerNode=" + maxConnectionsPerNode() + ", applicationName=" + applicationName()
                + ", taskStore=" + taskStore() + ", maxRunningTasks=" + maxRunningTasks()
                + ", maxQueuedTasks=" + maxQueuedTasks() + ", taskRetention=" + taskRetention()
                + ", purgeTaskFiles=" + purgeTaskFiles() + "}";
    }

    /**
     * Mutable builder; a setting left unset (or set to null) takes its default. {@link #build()}
     * validates every setting. Not thread-safe.
     */
    public static final class Builder {
        private final OptionValues.Builder values = OptionValues.builder(Operation.CONFIG);

        private Builder() {
        }

        public Builder clusterDirectory(Path directory) {
            values.set(Options.CLUSTER_DIR, directory);
            return this;
        }

        public Builder pgServiceFile(Path file) {
            values.set(Options.PG_SERVICE_FILE, file);
            return this;
        }

        public Builder outputDirectory(Path directory) {
            values.set(Options.OUTPUT_DIR, directory);
            return this;
        }

        public Builder useCertAuth(boolean enabled) {
            values.set(Options.USE_CERT_AUTH, enabled);
            return this;
        }

        public Builder userCertFile(Path file) {
            values.set(Options.ACE_USER_CERT_FILE, file);
            return this;
        }

        public Builder userKeyFile(Path file) {
            values.set(Options.ACE_USER_KEY_FILE, file);
            return this;
        }

        public Builder userKeyPassword(String password) {
            values.set(Options.ACE_USER_KEY_PASSWORD, password);
            return this;
        }

        public Builder caCertFile(Path file) {
            values.set(Options.CA_CERT_FILE, file);
            return this;
        }

        public Builder blockRows(int rows) {
            values.set(Options.BLOCK_ROWS, rows);
            return this;
        }

        public Builder maxCpuRatio(double ratio) {
            values.set(Options.MAX_CPU_RATIO, ratio);
            return this;
        }

        public Builder batchSize(int size) {
            values.set(Options.BATCH_SIZE, size);
            return this;
        }

        public Builder maxDiffRows(int rows) {
            values.set(Options.MAX_DIFF_ROWS, rows);
            return this;
        }

        public Builder connectTimeout(Duration timeout) {
            values.set(Options.CONNECT_TIMEOUT, timeout);
            return this;
        }

        public Builder statementTimeout(Duration timeout) {
            values.set(Options.STATEMENT_TIMEOUT, timeout);
            return this;
        }

        public Builder maxConnectionsPerNode(int connections) {
            values.set(Options.MAX_CONNECTIONS_PER_NODE, connections);
            return this;
        }

        public Builder applicationName(String name) {
            values.set(Options.APPLICATION_NAME, name);
            return this;
        }

        public Builder mtreeSchema(String schema) {
            values.set(Options.MTREE_SCHEMA, schema);
            return this;
        }

        /** The task store's file ({@code task_store}); null means {@code <output_dir>/tasks.db}. */
        public Builder taskStore(Path file) {
            values.set(Options.TASK_STORE, file);
            return this;
        }

        /**
         * Tasks running at once ({@code max_running_tasks}), 1 to {@code max_connections_per_node};
         * null derives it from the pool size (see {@link AceConfig#maxRunningTasks()}).
         */
        public Builder maxRunningTasks(Integer tasks) {
            values.set(Options.MAX_RUNNING_TASKS, tasks);
            return this;
        }

        /** Tasks that may wait for a slot ({@code max_queued_tasks}), 0 to 10,000. */
        public Builder maxQueuedTasks(int tasks) {
            values.set(Options.MAX_QUEUED_TASKS, tasks);
            return this;
        }

        /** How long finished tasks are kept ({@code task_retention}); more than 0. */
        public Builder taskRetention(Duration retention) {
            values.set(Options.TASK_RETENTION, retention);
            return this;
        }

        /** Whether purging a task deletes its diff file or report too ({@code purge_task_files}). */
        public Builder purgeTaskFiles(boolean delete) {
            values.set(Options.PURGE_TASK_FILES, delete);
            return this;
        }

        /**
         * Sets any setting of the table of options ({@link Options}, {@link Operation#CONFIG}) by its
         * option, for front-ends that take settings by name: the command line's {@code --output-dir}
         * over what {@code ace.yaml} says, for instance. Null takes the default. The value is checked
         * with the others by {@link #build()}.
         *
         * @throws IllegalArgumentException when the option is not a setting of {@code ace.yaml}
         */
        public <T> Builder set(Option<T> setting, T value) {
            values.set(setting, value);
            return this;
        }

        /** Validates every setting; throws {@link InvalidConfigurationException} listing all problems. */
        public AceConfig build() {
            return new AceConfig(values.build());
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof AceConfig that && values.equals(that.values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }
}
