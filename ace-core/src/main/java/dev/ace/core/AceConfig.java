package dev.ace.core;

import dev.ace.core.error.InvalidConfigurationException;
import dev.ace.core.internal.config.ConfigFileReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * ACE's settings: where cluster definitions live, where diffs and reports go, the defaults of
 * diff options, timeouts, client-certificate authentication to the nodes, and how tasks are run and kept.
 *
 * <pre>{@code
 * AceConfig config = AceConfig.builder().clusterDirectory(Path.of("cluster")).build();
 * AceConfig fromFile = AceConfig.load(Path.of("ace.yaml"));
 * }</pre>
 *
 * Building validates every setting and reports all problems at once
 * ({@link InvalidConfigurationException}); nothing out of range is clamped. Immutable and
 * thread-safe. {@link #toString()} never shows the key password.
 */
public final class AceConfig {

    public static final int DEFAULT_BLOCK_ROWS = 10_000;
    public static final int MIN_BLOCK_ROWS = 1_000;
    public static final int MAX_BLOCK_ROWS = 100_000;
    public static final double DEFAULT_MAX_CPU_RATIO = 0.6;
    public static final int DEFAULT_BATCH_SIZE = 1;
    public static final int MAX_BATCH_SIZE = 1_000;
    public static final int DEFAULT_MAX_DIFF_ROWS = 10_000;
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_STATEMENT_TIMEOUT = Duration.ofSeconds(60);
    public static final int DEFAULT_MAX_QUEUED_TASKS = 100;
    public static final int MAX_QUEUED_TASKS = 10_000;
    public static final Duration DEFAULT_TASK_RETENTION = Duration.ofDays(7);
    /**
     * Sections of {@code ace.yaml} that belong to a front-end and that {@link #load} leaves to it:
     * {@code http}, the settings of the HTTPS API (read by {@code ace-http}).
     */
    public static final java.util.Set<String> FRONT_END_SECTIONS = java.util.Set.of("http");

    private final Path clusterDirectory;
    private final Path pgServiceFile;
    private final Path outputDirectory;
    private final boolean useCertAuth;
    private final Path userCertFile;
    private final Path userKeyFile;
    private final String userKeyPassword;
    private final Path caCertFile;
    private final int blockRows;
    private final double maxCpuRatio;
    private final int batchSize;
    private final int maxDiffRows;
    private final Duration connectTimeout;
    private final Duration statementTimeout;
    private final int maxConnectionsPerNode;
    private final String applicationName;
    private final Path taskStore;
    private final Integer maxRunningTasks;
    private final int maxQueuedTasks;
    private final Duration taskRetention;
    private final boolean purgeTaskFiles;

    private AceConfig(Builder builder) {
        this.clusterDirectory = builder.clusterDirectory;
        this.pgServiceFile = builder.pgServiceFile;
        this.outputDirectory = builder.outputDirectory;
        this.useCertAuth = builder.useCertAuth;
        this.userCertFile = builder.userCertFile;
        this.userKeyFile = builder.userKeyFile;
        this.userKeyPassword = builder.userKeyPassword;
        this.caCertFile = builder.caCertFile;
        this.blockRows = builder.blockRows;
        this.maxCpuRatio = builder.maxCpuRatio;
        this.batchSize = builder.batchSize;
        this.maxDiffRows = builder.maxDiffRows;
        this.connectTimeout = builder.connectTimeout;
        this.statementTimeout = builder.statementTimeout;
        this.maxConnectionsPerNode = builder.maxConnectionsPerNode;
        this.applicationName = builder.applicationName;
        this.taskStore = builder.taskStore;
        this.maxRunningTasks = builder.maxRunningTasks;
        this.maxQueuedTasks = builder.maxQueuedTasks;
        this.taskRetention = builder.taskRetention;
        this.purgeTaskFiles = builder.purgeTaskFiles;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Every setting at its default. */
    public static AceConfig defaults() {
        return builder().build();
    }

    /**
     * Reads a YAML configuration file ({@code ace.yaml}). Keys are the snake_case names of the
     * API text ({@code use_cert_auth}, {@code ace_user_cert_file}, {@code block_rows}, ...);
     * relative paths are taken relative to the file's directory; an unknown key is an error. The
     * sections of {@link #FRONT_END_SECTIONS} are left to their front-ends. See
     * {@code docs/configuration.md}.
     */
    public static AceConfig load(Path file) {
        return ConfigFileReader.read(file);
    }

    public Builder toBuilder() {
        Builder builder = new Builder();
        builder.clusterDirectory = clusterDirectory;
        builder.pgServiceFile = pgServiceFile;
        builder.outputDirectory = outputDirectory;
        builder.useCertAuth = useCertAuth;
        builder.userCertFile = userCertFile;
        builder.userKeyFile = userKeyFile;
        builder.userKeyPassword = userKeyPassword;
        builder.caCertFile = caCertFile;
        builder.blockRows = blockRows;
        builder.maxCpuRatio = maxCpuRatio;
        builder.batchSize = batchSize;
        builder.maxDiffRows = maxDiffRows;
        builder.connectTimeout = connectTimeout;
        builder.statementTimeout = statementTimeout;
        builder.maxConnectionsPerNode = maxConnectionsPerNode;
        builder.applicationName = applicationName;
        builder.taskStore = taskStore;
        builder.maxRunningTasks = maxRunningTasks;
        builder.maxQueuedTasks = maxQueuedTasks;
        builder.taskRetention = taskRetention;
        builder.purgeTaskFiles = purgeTaskFiles;
        return builder;
    }

    /** Where pgEdge cluster files live: {@code <cluster_dir>/<name>/<name>.json}. Default {@code cluster}. */
    public Path clusterDirectory() {
        return clusterDirectory;
    }

    /**
     * The {@code pg_service.conf} to read cluster definitions from; empty means the usual lookup
     * ({@code ACE_PGSERVICEFILE}, {@code PGSERVICEFILE}, {@code ./pg_service.conf},
     * {@code ~/.pg_service.conf}, {@code /etc/pg_service.conf}).
     */
    public Optional<Path> pgServiceFile() {
        return Optional.ofNullable(pgServiceFile);
    }

    /** Where diff files and reports are written ({@code diffs/<date>/...}). Default: the working directory. */
    public Path outputDirectory() {
        return outputDirectory;
    }

    /** Whether connections to the nodes authenticate with ACE's client certificate. */
    public boolean useCertAuth() {
        return useCertAuth;
    }

    public Optional<Path> userCertFile() {
        return Optional.ofNullable(userCertFile);
    }

    public Optional<Path> userKeyFile() {
        return Optional.ofNullable(userKeyFile);
    }

    /** Password of an encrypted private key; never logged or shown. */
    public Optional<String> userKeyPassword() {
        return Optional.ofNullable(userKeyPassword);
    }

    public Optional<Path> caCertFile() {
        return Optional.ofNullable(caCertFile);
    }

    /** Default rows per diff block, 1,000 to 100,000 (default 10,000). */
    public int blockRows() {
        return blockRows;
    }

    /** Default share of the cores diff workers may use, above 0 and at most 1 (default 0.6). */
    public double maxCpuRatio() {
        return maxCpuRatio;
    }

    /** Default number of blocks per database round trip (default 1). */
    public int batchSize() {
        return batchSize;
    }

    /** Default cap on differing rows collected per node pair; 0 lifts the cap (default 10,000). */
    public int maxDiffRows() {
        return maxDiffRows;
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** Longest a single statement may run on a node; zero means no limit (default 60 s). */
    public Duration statementTimeout() {
        return statementTimeout;
    }

    /** Upper bound of each node's connection pool. */
    public int maxConnectionsPerNode() {
        return maxConnectionsPerNode;
    }

    /** The {@code application_name} ACE's connections show in {@code pg_stat_activity}. */
    public String applicationName() {
        return applicationName;
    }

    /**
     * The SQLite file tasks are kept in ({@code task_store}); default {@code <output_dir>/tasks.db}.
     * It is created with mode 0600 on first use of {@code Ace.tasks()}.
     */
    public Path taskStore() {
        return taskStore != null ? taskStore : outputDirectory.resolve("tasks.db");
    }

    /**
     * How many tasks run at once ({@code max_running_tasks}). By default as many as the node pools
     * can serve at once: {@code max_connections_per_node} divided by the most connections one
     * operation takes per node (a diff or rerun runs up to one worker per core, each holding a
     * connection to every node; a repair holds one per node), at least 1.
     */
    public int maxRunningTasks() {
        return maxRunningTasks != null ? maxRunningTasks : defaultMaxRunningTasks(maxConnectionsPerNode);
    }

    /** How many submitted tasks may wait for a free slot ({@code max_queued_tasks}, default 100); beyond, submissions are refused. */
    public int maxQueuedTasks() {
        return maxQueuedTasks;
    }

    /** How long finished tasks are kept before they are purged ({@code task_retention}, default 7 days). */
    public Duration taskRetention() {
        return taskRetention;
    }

    /** Whether purging a task also deletes the files it wrote, its diff file or report ({@code purge_task_files}, default false). */
    public boolean purgeTaskFiles() {
        return purgeTaskFiles;
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
        return "AceConfig{clusterDirectory=" + clusterDirectory + ", pgServiceFile=" + pgServiceFile
                + ", outputDirectory=" + outputDirectory + ", useCertAuth=" + useCertAuth
                + ", userCertFile=" + userCertFile + ", userKeyFile=" + userKeyFile
                + ", userKeyPassword=" + (userKeyPassword == null ? "none" : "***") + ", caCertFile=" + caCertFile
                + ", blockRows=" + blockRows + ", maxCpuRatio=" + maxCpuRatio + ", batchSize=" + batchSize
                + ", maxDiffRows=" + maxDiffRows + ", connectTimeout=" + connectTimeout
                + ", statementTimeout=" + statementTimeout + ", maxConnectionsPerNode=" + maxConnectionsPerNode
                + ", applicationName=" + applicationName + ", taskStore=" + taskStore()
                + ", maxRunningTasks=" + maxRunningTasks() + ", maxQueuedTasks=" + maxQueuedTasks
                + ", taskRetention=" + taskRetention + ", purgeTaskFiles=" + purgeTaskFiles + "}";
    }

    /** Mutable builder; {@link #build()} validates every setting. Not thread-safe. */
    public static final class Builder {
        private Path clusterDirectory = Path.of("cluster");
        private Path pgServiceFile;
        private Path outputDirectory = Path.of(".");
        private boolean useCertAuth;
        private Path userCertFile;
        private Path userKeyFile;
        private String userKeyPassword;
        private Path caCertFile;
        private int blockRows = DEFAULT_BLOCK_ROWS;
        private double maxCpuRatio = DEFAULT_MAX_CPU_RATIO;
        private int batchSize = DEFAULT_BATCH_SIZE;
        private int maxDiffRows = DEFAULT_MAX_DIFF_ROWS;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration statementTimeout = DEFAULT_STATEMENT_TIMEOUT;
        private int maxConnectionsPerNode = 16;
        private String applicationName = "ace";
        private Path taskStore;
        private Integer maxRunningTasks;
        private int maxQueuedTasks = DEFAULT_MAX_QUEUED_TASKS;
        private Duration taskRetention = DEFAULT_TASK_RETENTION;
        private boolean purgeTaskFiles;

        private Builder() {
        }

        public Builder clusterDirectory(Path directory) {
            this.clusterDirectory = directory;
            return this;
        }

        public Builder pgServiceFile(Path file) {
            this.pgServiceFile = file;
            return this;
        }

        public Builder outputDirectory(Path directory) {
            this.outputDirectory = directory;
            return this;
        }

        public Builder useCertAuth(boolean enabled) {
            this.useCertAuth = enabled;
            return this;
        }

        public Builder userCertFile(Path file) {
            this.userCertFile = file;
            return this;
        }

        public Builder userKeyFile(Path file) {
            this.userKeyFile = file;
            return this;
        }

        public Builder userKeyPassword(String password) {
            this.userKeyPassword = password;
            return this;
        }

        public Builder caCertFile(Path file) {
            this.caCertFile = file;
            return this;
        }

        public Builder blockRows(int rows) {
            this.blockRows = rows;
            return this;
        }

        public Builder maxCpuRatio(double ratio) {
            this.maxCpuRatio = ratio;
            return this;
        }

        public Builder batchSize(int size) {
            this.batchSize = size;
            return this;
        }

        public Builder maxDiffRows(int rows) {
            this.maxDiffRows = rows;
            return this;
        }

        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = timeout;
            return this;
        }

        public Builder statementTimeout(Duration timeout) {
            this.statementTimeout = timeout;
            return this;
        }

        public Builder maxConnectionsPerNode(int connections) {
            this.maxConnectionsPerNode = connections;
            return this;
        }

        public Builder applicationName(String name) {
            this.applicationName = name;
            return this;
        }

        /** The task store's file ({@code task_store}); null means {@code <output_dir>/tasks.db}. */
        public Builder taskStore(Path file) {
            this.taskStore = file;
            return this;
        }

        /**
         * Tasks running at once ({@code max_running_tasks}), 1 to {@code max_connections_per_node};
         * null derives it from the pool size (see {@link AceConfig#maxRunningTasks()}).
         */
        public Builder maxRunningTasks(Integer tasks) {
            this.maxRunningTasks = tasks;
            return this;
        }

        /** Tasks that may wait for a slot ({@code max_queued_tasks}), 0 to 10,000. */
        public Builder maxQueuedTasks(int tasks) {
            this.maxQueuedTasks = tasks;
            return this;
        }

        /** How long finished tasks are kept ({@code task_retention}); more than 0. */
        public Builder taskRetention(Duration retention) {
            this.taskRetention = retention;
            return this;
        }

        /** Whether purging a task deletes its diff file or report too ({@code purge_task_files}). */
        public Builder purgeTaskFiles(boolean delete) {
            this.purgeTaskFiles = delete;
            return this;
        }

        /** Validates every setting; throws {@link InvalidConfigurationException} listing all problems. */
        public AceConfig build() {
            List<String> problems = new ArrayList<>();
            if (clusterDirectory == null) {
                problems.add("cluster_dir must be set");
            }
            if (outputDirectory == null) {
                problems.add("output_dir must be set");
            }
            if (blockRows < MIN_BLOCK_ROWS || blockRows > MAX_BLOCK_ROWS) {
                problems.add("block_rows must be between " + MIN_BLOCK_ROWS + " and " + MAX_BLOCK_ROWS + ", was " + blockRows);
            }
            if (!(maxCpuRatio > 0 && maxCpuRatio <= 1)) {
                problems.add("max_cpu_ratio must be above 0 and at most 1, was " + maxCpuRatio);
            }
            if (batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
                problems.add("batch_size must be between 1 and " + MAX_BATCH_SIZE + ", was " + batchSize);
            }
            if (maxDiffRows < 0) {
                problems.add("max_diff_rows must be 0 (no cap) or more, was " + maxDiffRows);
            }
            if (connectTimeout == null || connectTimeout.isNegative() || connectTimeout.isZero()) {
                problems.add("connect_timeout must be more than 0, was " + connectTimeout);
            }
            if (statementTimeout == null || statementTimeout.isNegative()) {
                problems.add("statement_timeout must be 0 (no limit) or more, was " + statementTimeout);
            }
            if (maxConnectionsPerNode < 1) {
                problems.add("max_connections_per_node must be at least 1, was " + maxConnectionsPerNode);
            }
            if (applicationName == null || applicationName.isBlank()) {
                problems.add("application_name must not be empty");
            }
            if (maxRunningTasks != null && (maxRunningTasks < 1 || maxRunningTasks > Math.max(1, maxConnectionsPerNode))) {
                problems.add("max_running_tasks must be between 1 and max_connections_per_node (" + maxConnectionsPerNode
                        + "), was " + maxRunningTasks);
            }
            if (maxQueuedTasks < 0 || maxQueuedTasks > MAX_QUEUED_TASKS) {
                problems.add("max_queued_tasks must be between 0 and " + MAX_QUEUED_TASKS + ", was " + maxQueuedTasks);
            }
            if (taskRetention == null || taskRetention.isNegative() || taskRetention.isZero()) {
                problems.add("task_retention must be more than 0, was " + taskRetention);
            }
            if (useCertAuth) {
                checkReadable("ace_user_cert_file", userCertFile, problems);
                checkReadable("ca_cert_file", caCertFile, problems);
                if (checkReadable("ace_user_key_file", userKeyFile, problems)) {
                    checkKeyFormat(userKeyFile, problems);
                }
            }
            if (!problems.isEmpty()) {
                throw new InvalidConfigurationException("the configuration", problems);
            }
            return new AceConfig(this);
        }

        private static boolean checkReadable(String setting, Path file, List<String> problems) {
            if (file == null || file.toString().isEmpty()) {
                problems.add(setting + " must be set when use_cert_auth is true");
                return false;
            }
            if (!Files.isRegularFile(file)) {
                problems.add(setting + " " + file + " does not exist or is not a file");
                return false;
            }
            if (!Files.isReadable(file)) {
                problems.add(setting + " " + file + " is not readable");
                return false;
            }
            return true;
        }

        private void checkKeyFormat(Path keyFile, List<String> problems) {
            String head;
            try {
                head = Files.readString(keyFile).strip();
            } catch (IOException | RuntimeException e) {
                problems.add("ace_user_key_file " + keyFile + " cannot be read: " + e.getMessage());
                return;
            }
            if (head.startsWith("-----BEGIN RSA PRIVATE KEY-----") || head.startsWith("-----BEGIN EC PRIVATE KEY-----")) {
                problems.add("ace_user_key_file " + keyFile + " is a traditional (PKCS#1/SEC1) PEM key, which the "
                        + "PostgreSQL JDBC driver cannot read; convert it once with: openssl pkcs8 -topk8 -nocrypt -in "
                        + keyFile + " -out " + pkcs8Name(keyFile));
            } else if (head.startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----") && userKeyPassword == null) {
                problems.add("ace_user_key_file " + keyFile + " is encrypted; set ace_user_key_password");
            } else if (!head.startsWith("-----BEGIN PRIVATE KEY-----")
                    && !head.startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----")) {
                problems.add("ace_user_key_file " + keyFile + " is not a PEM private key (it should start with "
                        + "-----BEGIN PRIVATE KEY-----)");
            }
        }

        private static String pkcs8Name(Path keyFile) {
            String name = keyFile.toString();
            return (name.endsWith(".key") ? name.substring(0, name.length() - 4) : name) + "-pkcs8.key";
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof AceConfig && toString().equals(other.toString())
                && Objects.equals(userKeyPassword, ((AceConfig) other).userKeyPassword);
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }
}
