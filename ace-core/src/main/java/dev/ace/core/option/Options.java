package dev.ace.core.option;

import dev.ace.core.catalog.TableName;
import dev.ace.core.diff.RerunBehavior;
import dev.ace.core.diff.TableDiffRequest;
import dev.ace.core.diff.TableFilter;
import dev.ace.core.error.InvalidConfigurationException;
import dev.ace.core.error.InvalidRequestException;
import dev.ace.core.spock.ExceptionStatus;
import dev.ace.core.spock.RemoteOrigin;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

import static dev.ace.core.option.Operation.CONFIG;
import static dev.ace.core.option.Operation.HTTP_SERVER;
import static dev.ace.core.option.Operation.SPOCK_EXCEPTION_LIST;
import static dev.ace.core.option.Operation.SPOCK_EXCEPTION_UPDATE;
import static dev.ace.core.option.Operation.TABLE_DIFF;
import static dev.ace.core.option.Operation.TABLE_REPAIR;
import static dev.ace.core.option.Operation.TABLE_RERUN;

/**
 * The table of every option of ACE's operations and of its configuration, and the parser that
 * reads them from a JSON body ({@link #parse}) or from command-line and YAML text
 * ({@link #parseText}). Names are the API's snake_case names; defaults and ranges are the API's.
 *
 * <pre>{@code
 * OptionValues values = Options.parse(Operation.TABLE_REPAIR, body);   // every problem at once
 * TableRepairRequest request = TableRepairRequest.builder(values).role(caller).build();
 * }</pre>
 *
 * Two defaults differ from the examples of the API text, which are inconsistent: its table-diff
 * example shows {@code max_cpu_ratio} 0.8 and {@code batch_size} 50, but the parameters it
 * documents default to 0.6 and 1; ACE keeps 0.6 and 1. Thread-safe: everything here is immutable.
 */
public final class Options {

    private Options() {
    }

    /** Longest text of names (clusters, nodes, databases, tables, roles). */
    static final int MAX_NAME = 1000;
    /** Longest {@code table_filter}. */
    static final int MAX_FILTER = 10_000;

    // ------------------------------------------------------------------ what and where

    public static final Option<String> CLUSTER_NAME = Option.define("cluster_name", Kind.text(MAX_NAME, false))
            .help("the cluster: a pgEdge cluster file <cluster_dir>/<name>/<name>.json or a pg_service.conf section")
            .requiredIn(TABLE_DIFF, TABLE_REPAIR, TABLE_RERUN, SPOCK_EXCEPTION_UPDATE, SPOCK_EXCEPTION_LIST).build();

    public static final Option<String> NODE_NAME = Option.define("node_name", Kind.text(MAX_NAME, false))
            .help("the node whose Spock exceptions are read or updated")
            .requiredIn(SPOCK_EXCEPTION_UPDATE, SPOCK_EXCEPTION_LIST).build();

    public static final Option<String> TABLE_NAME = Option.define("table_name", Kind.text(MAX_NAME, false))
            .help("the table as schema.table, parts matched as written; quote a part that holds a dot "
                    + "(\"my.schema\".\"my table\"); for list-spock-exceptions, only that table's exceptions")
            .requiredIn(TABLE_DIFF, TABLE_REPAIR, TABLE_RERUN).in(SPOCK_EXCEPTION_LIST)
            .requiredMessage("table_name is required, as schema.table")
            .validator(Options::tableNameProblems).build();

    public static final Option<String> DBNAME = Option.define("dbname", Kind.text(MAX_NAME, false))
            .help("the database; without it the cluster's first (table-diff) or the diff file's (repair, rerun)")
            .in(TABLE_DIFF, TABLE_REPAIR, TABLE_RERUN, SPOCK_EXCEPTION_UPDATE, SPOCK_EXCEPTION_LIST).build();

    public static final Option<Path> DIFF_FILE = Option.define("diff_file", Kind.path())
            .help("a diff file written by table-diff or table-rerun; it must be of this cluster, database and table")
            .requiredIn(TABLE_REPAIR, TABLE_RERUN).build();

    public static final Option<String> SOURCE_OF_TRUTH = Option.define("source_of_truth", Kind.text(MAX_NAME, false))
            .help("the node whose rows win, one of the diff file's nodes; required unless fix_nulls or bidirectional")
            .in(TABLE_REPAIR).build();

    // ------------------------------------------------------------------ how a diff runs

    public static final Option<Integer> BLOCK_ROWS = Option.define("block_rows", Kind.integer())
            .help("rows per diff block (key range)")
            .in(CONFIG, TABLE_DIFF).defaultValue(10_000).range(1_000, 100_000L, "between 1000 and 100000").build();

    public static final Option<Double> MAX_CPU_RATIO = Option.define("max_cpu_ratio", Kind.number())
            .help("share of the cores diff workers may use: workers = max(1, floor(cores x ratio))")
            .in(CONFIG, TABLE_DIFF).defaultValue(0.6)
            .check(ratio -> ratio > 0 && ratio <= 1, "above 0 and at most 1").build();

    public static final Option<Integer> BATCH_SIZE = Option.define("batch_size", Kind.integer())
            .help("diff blocks per database round trip")
            .in(CONFIG, TABLE_DIFF).defaultValue(1).range(1, 1_000L, "between 1 and 1000").build();

    public static final Option<TableDiffRequest.Output> OUTPUT = Option.define("output",
                    Kind.choice(TableDiffRequest.Output.class, TableDiffRequest.Output::toString))
            .help("the report format the front-ends write; the JSON diff file is always written")
            .in(TABLE_DIFF).defaultValue(TableDiffRequest.Output.JSON).build();

    public static final Option<String> TABLE_FILTER = Option.define("table_filter", Kind.text(MAX_FILTER, true))
            .help("exactly one SQL boolean expression restricting the rows compared, such as id < 1000")
            .in(TABLE_DIFF).validator(filter -> {
                String problem = TableFilter.problem(filter);
                return problem == null ? List.of() : List.of(problem);
            }).build();

    public static final Option<Integer> MAX_DIFF_ROWS = Option.define("max_diff_rows", Kind.integer())
            .help("cap on differing rows collected per node pair; 0 lifts it")
            .in(CONFIG, TABLE_DIFF).defaultValue(10_000).range(0, null, "0 (no cap) or more").build();

    public static final Option<List<String>> NODES = Option.define("nodes", Kind.nodes())
            .help("\"all\" (the cluster's active nodes), a comma-separated list or a list of at least two node names")
            .in(TABLE_DIFF).defaultValue(List.of())
            .validator(nodes -> nodes.size() == 1 ? List.of("nodes must name at least 2 nodes, was "
                    + Show.quote(nodes.get(0))) : List.of()).build();

    public static final Option<RerunBehavior> BEHAVIOR = Option.define("behavior",
                    Kind.choice(RerunBehavior.class, RerunBehavior::toString))
            .help("how the keys are re-checked: in parallel chunks (multiprocessing) or joined in a temporary "
                    + "table on each node (hostdb)")
            .in(TABLE_RERUN).defaultValue(RerunBehavior.MULTIPROCESSING).build();

    // ------------------------------------------------------------------ how a repair runs

    public static final Option<Boolean> DRY_RUN = Option.define("dry_run", Kind.bool())
            .help("change nothing; report what a live run would do").in(TABLE_REPAIR).defaultValue(false).build();

    public static final Option<Boolean> GENERATE_REPORT = Option.define("generate_report", Kind.bool())
            .help("write the JSON repair report").in(TABLE_REPAIR).defaultValue(false).build();

    public static final Option<Boolean> UPSERT_ONLY = Option.define("upsert_only", Kind.bool())
            .help("never delete; report the rows only a target has").in(TABLE_REPAIR).defaultValue(false).build();

    public static final Option<Boolean> INSERT_ONLY = Option.define("insert_only", Kind.bool())
            .help("only insert missing rows; never overwrite or delete").in(TABLE_REPAIR).defaultValue(false).build();

    public static final Option<Boolean> BIDIRECTIONAL = Option.define("bidirectional", Kind.bool())
            .help("with insert_only: each node gets the rows only the others have").in(TABLE_REPAIR)
            .defaultValue(false).build();

    public static final Option<Boolean> FIX_NULLS = Option.define("fix_nulls", Kind.bool())
            .help("fill a NULL column from the node that has a value").in(TABLE_REPAIR).defaultValue(false).build();

    public static final Option<Boolean> FIRE_TRIGGERS = Option.define("fire_triggers", Kind.bool())
            .help("let the table's triggers fire (ENABLE ALWAYS triggers always do)").in(TABLE_REPAIR)
            .defaultValue(false).build();

    public static final Option<Boolean> ATOMIC = Option.define("atomic", Kind.bool())
            .help("all target nodes commit or none does (two-phase commit; needs max_prepared_transactions > 0)")
            .in(TABLE_REPAIR).defaultValue(false).build();

    public static final Option<Duration> LOCK_TIMEOUT = Option.define("lock_timeout", Kind.duration())
            .help("how long to wait for another repair of the same table to finish; 0s tries once")
            .in(TABLE_REPAIR).defaultValue(Duration.ofSeconds(10)).check(timeout -> !timeout.isNegative(), "0 or more")
            .build();

    public static final Option<Boolean> QUIET = Option.define("quiet", Kind.bool())
            .help("print nothing (for the front-ends); results and files are still written")
            .in(TABLE_DIFF, TABLE_REPAIR, TABLE_RERUN).defaultValue(false).build();

    // ------------------------------------------------------------------ Spock exceptions

    public static final Option<RemoteOrigin> REMOTE_ORIGIN = Option.define("exception_details.remote_origin",
                    Kind.remoteOrigin(MAX_NAME))
            .help("the exception's origin node: its spock.node.node_id, which Spock records in exception_log, or its "
                    + "node name, resolved on the node")
            .requiredIn(SPOCK_EXCEPTION_UPDATE).build();

    public static final Option<Instant> REMOTE_COMMIT_TS = Option.define("exception_details.remote_commit_ts",
                    Kind.timestamp())
            .help("the exception's commit time on the origin, with its time zone")
            .requiredIn(SPOCK_EXCEPTION_UPDATE).build();

    public static final Option<Long> REMOTE_XID = Option.define("exception_details.remote_xid", Kind.longInteger())
            .help("the exception's transaction id on the origin")
            .requiredIn(SPOCK_EXCEPTION_UPDATE).textNumbers()
            .expecting("a transaction id (a whole number of 0 or more)")
            .range(0, null, "a transaction id (a whole number of 0 or more)").build();

    public static final Option<Integer> COMMAND_COUNTER = Option.define("exception_details.command_counter",
                    Kind.integer())
            .help("only this failed command of the transaction; without it, the whole exception")
            .in(SPOCK_EXCEPTION_UPDATE).textNumbers().expecting("a whole number of 0 or more")
            .range(0, null, "a whole number of 0 or more").build();

    public static final Option<ExceptionStatus> EXCEPTION_STATUS = Option.define("exception_details.status",
                    Kind.choice(ExceptionStatus.class, ExceptionStatus::name))
            .help("the exception's new status")
            .requiredIn(SPOCK_EXCEPTION_UPDATE)
            .requiredMessage("exception_details.status is required (PENDING, RESOLVED or UNRESOLVED)").build();

    public static final Option<Map<String, Object>> RESOLUTION_DETAILS = Option.define(
                    "exception_details.resolution_details", Kind.object())
            .help("what was done, stored as jsonb, such as {\"details\": \"Issue fixed\"}; without it, SQL NULL")
            .in(SPOCK_EXCEPTION_UPDATE).build();

    public static final Option<ExceptionStatus> STATUS = Option.define("status",
                    Kind.choice(ExceptionStatus.class, ExceptionStatus::name))
            .help("only exceptions with this status").in(SPOCK_EXCEPTION_LIST).build();

    public static final Option<Integer> LIMIT = Option.define("limit", Kind.integer())
            .help("exceptions per page").in(SPOCK_EXCEPTION_LIST).defaultValue(50)
            .range(1, 1_000L, "between 1 and 1000").build();

    public static final Option<Integer> OFFSET = Option.define("offset", Kind.integer())
            .help("exceptions skipped before the page").in(SPOCK_EXCEPTION_LIST).defaultValue(0)
            .range(0, null, "0 or more").build();

    // ------------------------------------------------------------------ the configuration

    public static final Option<Path> CLUSTER_DIR = Option.define("cluster_dir", Kind.path())
            .help("where pgEdge cluster files live: <cluster_dir>/<name>/<name>.json")
            .in(CONFIG).defaultValue(Path.of("cluster")).build();

    public static final Option<Path> PG_SERVICE_FILE = Option.define("pg_service_file", Kind.path())
            .help("a pg_service.conf to read cluster definitions from; without it $ACE_PGSERVICEFILE, "
                    + "$PGSERVICEFILE, ./pg_service.conf, ~/.pg_service.conf, /etc/pg_service.conf")
            .in(CONFIG).build();

    public static final Option<Path> OUTPUT_DIR = Option.define("output_dir", Kind.path())
            .help("where diff files and reports are written (diffs/<YYYY-MM-DD>/...)")
            .in(CONFIG, HTTP_SERVER).defaultValue(Path.of(".")).build();

    public static final Option<Boolean> USE_CERT_AUTH = Option.define("use_cert_auth", Kind.bool())
            .help("log in to the nodes with ACE's client certificate").in(CONFIG).defaultValue(false).build();

    public static final Option<Path> ACE_USER_CERT_FILE = Option.define("ace_user_cert_file", Kind.path())
            .help("the client certificate (PEM) issued to ACE's user").in(CONFIG).build();

    public static final Option<Path> ACE_USER_KEY_FILE = Option.define("ace_user_key_file", Kind.path())
            .help("its private key: PEM, PKCS#8 (BEGIN PRIVATE KEY), mode 0600").in(CONFIG).build();

    public static final Option<String> ACE_USER_KEY_PASSWORD = Option.define("ace_user_key_password",
                    Kind.text(MAX_NAME, false))
            .help("password of an encrypted PKCS#8 key; never logged or shown").in(CONFIG).secret().build();

    public static final Option<Path> CA_CERT_FILE = Option.define("ca_cert_file", Kind.path())
            .help("the CA (PEM) that issued the certificates: the nodes' server certificates and the HTTPS API's "
                    + "client certificates").in(CONFIG, HTTP_SERVER).build();

    public static final Option<Duration> CONNECT_TIMEOUT = Option.define("connect_timeout", Kind.duration())
            .help("longest wait for a connection to a node").in(CONFIG).defaultValue(Duration.ofSeconds(10))
            .check(timeout -> !timeout.isNegative() && !timeout.isZero(), "more than 0").build();

    public static final Option<Duration> STATEMENT_TIMEOUT = Option.define("statement_timeout", Kind.duration())
            .help("longest one statement may run on a node; 0s means no limit").in(CONFIG)
            .defaultValue(Duration.ofSeconds(60)).check(timeout -> !timeout.isNegative(), "0 (no limit) or more")
            .build();

    public static final Option<Integer> MAX_CONNECTIONS_PER_NODE = Option.define("max_connections_per_node",
                    Kind.integer())
            .help("upper bound of each node's connection pool").in(CONFIG).defaultValue(16)
            .range(1, null, "at least 1").build();

    public static final Option<String> APPLICATION_NAME = Option.define("application_name", Kind.text(63, false))
            .help("what ACE's sessions show in pg_stat_activity").in(CONFIG).defaultValue("ace").build();

    public static final Option<Path> TASK_STORE = Option.define("task_store", Kind.path())
            .help("the SQLite file tasks are kept in; created with mode 0600").in(CONFIG, HTTP_SERVER)
            .shownDefault("<output_dir>/tasks.db").build();

    /** At most max_connections_per_node: a rule across the two, below. */
    public static final Option<Integer> MAX_RUNNING_TASKS = Option.define("max_running_tasks", Kind.integer())
            .help("tasks running at once; by default as many as the node pools can serve: max_connections_per_node / "
                    + "min(max_connections_per_node, cores), at least 1").in(CONFIG, HTTP_SERVER)
            .shownDefault("from the pool size").allowedText("between 1 and max_connections_per_node").build();

    public static final Option<Integer> MAX_QUEUED_TASKS = Option.define("max_queued_tasks", Kind.integer())
            .help("tasks that may wait for a slot; beyond, submissions are refused (TOO_MANY_TASKS)")
            .in(CONFIG, HTTP_SERVER)
            .defaultValue(100).range(0, 10_000L, "between 0 and 10000").build();

    public static final Option<Duration> TASK_RETENTION = Option.define("task_retention", Kind.duration())
            .help("how long finished tasks are kept before they are purged").in(CONFIG)
            .defaultValue(Duration.ofDays(7)).check(retention -> !retention.isNegative() && !retention.isZero(),
                    "more than 0").build();

    public static final Option<Boolean> PURGE_TASK_FILES = Option.define("purge_task_files", Kind.bool())
            .help("whether purging a task also deletes the files it wrote, its diff file or report").in(CONFIG)
            .defaultValue(false).build();

    // ------------------------------------------------------------------ the HTTPS API: ace.yaml's http section

    public static final Option<String> LISTEN_ADDRESS = Option.define("listen_address", Kind.text(255, false))
            .help("the address the HTTPS API listens on; one that is not loopback also needs allow_remote_clients")
            .in(HTTP_SERVER).defaultValue("127.0.0.1").build();

    public static final Option<Integer> PORT = Option.define("port", Kind.integer())
            .help("the TCP port of the HTTPS API; 0 picks a free one").in(HTTP_SERVER).defaultValue(5000)
            .range(0, 65_535L, "between 0 and 65535").build();

    public static final Option<Boolean> ALLOW_REMOTE_CLIENTS = Option.define("allow_remote_clients", Kind.bool())
            .help("let listen_address be an address other than loopback; the API is meant to be reached through "
                    + "an SSH tunnel").in(HTTP_SERVER).defaultValue(false).build();

    public static final Option<Path> SERVER_CERT_FILE = Option.define("server_cert_file", Kind.path())
            .help("the HTTPS API's certificate (PEM; its chain may follow)").in(HTTP_SERVER)
            .shownDefault("ace_user_cert_file").build();

    public static final Option<Path> SERVER_KEY_FILE = Option.define("server_key_file", Kind.path())
            .help("its private key: PEM, PKCS#8 (BEGIN PRIVATE KEY or BEGIN ENCRYPTED PRIVATE KEY)").in(HTTP_SERVER)
            .shownDefault("ace_user_key_file").build();

    public static final Option<String> SERVER_KEY_PASSWORD = Option.define("server_key_password",
                    Kind.text(MAX_NAME, false))
            .help("password of an encrypted server key; never logged or shown").in(HTTP_SERVER).secret()
            .shownDefault("ace_user_key_password").build();

    public static final Option<Duration> SHUTDOWN_GRACE = Option.define("shutdown_grace", Kind.duration())
            .help("how long running tasks may go on once the server is told to stop (SIGINT, SIGTERM); then they are "
                    + "cancelled and end CANCELLED").in(HTTP_SERVER).defaultValue(Duration.ofSeconds(30))
            .check(grace -> !grace.isNegative(), "0s or more").build();

    /** The table's order: the order of documentation and of the problems of a request. */
    private static final List<Option<?>> ALL = List.of(CLUSTER_DIR, PG_SERVICE_FILE, OUTPUT_DIR, USE_CERT_AUTH,
            ACE_USER_CERT_FILE, ACE_USER_KEY_FILE, ACE_USER_KEY_PASSWORD, CA_CERT_FILE, CLUSTER_NAME, NODE_NAME,
            TABLE_NAME, DBNAME, DIFF_FILE, SOURCE_OF_TRUTH, BLOCK_ROWS, MAX_CPU_RATIO, BATCH_SIZE, OUTPUT, TABLE_FILTER,
            MAX_DIFF_ROWS, NODES, BEHAVIOR, DRY_RUN, GENERATE_REPORT, UPSERT_ONLY, INSERT_ONLY, BIDIRECTIONAL, FIX_NULLS,
            FIRE_TRIGGERS, ATOMIC, LOCK_TIMEOUT, QUIET, REMOTE_ORIGIN, REMOTE_COMMIT_TS, REMOTE_XID, COMMAND_COUNTER,
            EXCEPTION_STATUS, RESOLUTION_DETAILS, STATUS, LIMIT, OFFSET, MAX_CONNECTIONS_PER_NODE, CONNECT_TIMEOUT,
            STATEMENT_TIMEOUT, APPLICATION_NAME, TASK_STORE, MAX_RUNNING_TASKS, MAX_QUEUED_TASKS, TASK_RETENTION,
            PURGE_TASK_FILES, LISTEN_ADDRESS, PORT, ALLOW_REMOTE_CLIENTS, SERVER_CERT_FILE, SERVER_KEY_FILE,
            SERVER_KEY_PASSWORD, SHUTDOWN_GRACE);

    // ------------------------------------------------------------------ rules across options

    /** A rule across options of one operation; it is skipped when an option it reads could not be read. */
    record Rule(Operation operation, List<Option<?>> reads, Function<OptionValues, List<String>> check) {
    }

    private static Rule conflict(Option<Boolean> first, Option<Boolean> second, String problem) {
        return new Rule(TABLE_REPAIR, List.of(first, second), values -> values.getOrDefault(first)
                && values.getOrDefault(second) ? List.of(problem) : List.of());
    }

    private static final List<Rule> RULES = List.of(
            new Rule(TABLE_REPAIR, List.of(BIDIRECTIONAL, INSERT_ONLY), values -> values.getOrDefault(BIDIRECTIONAL)
                    && !values.getOrDefault(INSERT_ONLY) ? List.of("bidirectional requires insert_only") : List.of()),
            conflict(BIDIRECTIONAL, UPSERT_ONLY, "bidirectional and upsert_only cannot be used together"),
            conflict(BIDIRECTIONAL, FIX_NULLS, "bidirectional and fix_nulls cannot be used together"),
            conflict(FIX_NULLS, INSERT_ONLY, "fix_nulls and insert_only cannot be used together"),
            conflict(FIX_NULLS, UPSERT_ONLY, "fix_nulls and upsert_only cannot be used together"),
            conflict(UPSERT_ONLY, INSERT_ONLY, "upsert_only and insert_only cannot be used together"),
            new Rule(TABLE_REPAIR, List.of(SOURCE_OF_TRUTH, FIX_NULLS, BIDIRECTIONAL), values ->
                    !values.isSet(SOURCE_OF_TRUTH) && !values.getOrDefault(FIX_NULLS)
                            && !values.getOrDefault(BIDIRECTIONAL)
                            ? List.of("source_of_truth is required unless fix_nulls or bidirectional is set") : List.of()),
            new Rule(CONFIG, List.of(USE_CERT_AUTH, ACE_USER_CERT_FILE, ACE_USER_KEY_FILE, ACE_USER_KEY_PASSWORD,
                    CA_CERT_FILE), CertificateFiles::problems),
            new Rule(CONFIG, List.of(MAX_RUNNING_TASKS, MAX_CONNECTIONS_PER_NODE), values -> {
                Integer running = values.get(MAX_RUNNING_TASKS).orElse(null);
                int connections = values.getOrDefault(MAX_CONNECTIONS_PER_NODE);
                return running != null && (running < 1 || running > Math.max(1, connections))
                        ? List.of("max_running_tasks must be between 1 and max_connections_per_node (" + connections
                        + "), was " + running) : List.of();
            }));

    // ------------------------------------------------------------------ the table, by operation

    private static final Map<Operation, List<Option<?>>> BY_OPERATION = new EnumMap<>(Operation.class);
    private static final Map<Operation, Map<String, Option<?>>> BY_NAME = new EnumMap<>(Operation.class);
    private static final Map<Operation, List<Rule>> RULES_BY_OPERATION = new EnumMap<>(Operation.class);

    static {
        for (Operation operation : Operation.values()) {
            List<Option<?>> options = ALL.stream().filter(option -> option.appliesTo(operation)).toList();
            BY_OPERATION.put(operation, options);
            Map<String, Option<?>> names = new LinkedHashMap<>();
            options.forEach(option -> names.put(option.name(), option));
            BY_NAME.put(operation, names);
            RULES_BY_OPERATION.put(operation, RULES.stream().filter(rule -> rule.operation() == operation).toList());
        }
    }

    /** Every option, each once, in the table's order. */
    public static List<Option<?>> all() {
        return ALL;
    }

    /** The options an operation takes, in the table's order (the order its problems are listed in). */
    public static List<Option<?>> forOperation(Operation operation) {
        return BY_OPERATION.get(operation);
    }

    /** The operation's option of this snake_case name ({@code block_rows}, {@code exception_details.status}). */
    public static Optional<Option<?>> named(Operation operation, String name) {
        return Optional.ofNullable(BY_NAME.get(operation).get(name));
    }

    /** The operation's option of this command-line name ({@code block-rows}, {@code remote-xid}), without dashes in front. */
    public static Optional<Option<?>> forCliName(Operation operation, String cliName) {
        return forOperation(operation).stream().filter(option -> option.cliName().equals(cliName)).findFirst();
    }

    static List<Rule> rules(Operation operation) {
        return RULES_BY_OPERATION.get(operation);
    }

    // ------------------------------------------------------------------ parsing

    /**
     * Reads the options of an operation from what a JSON decoder gives: String, Number (any
     * size), Boolean, List and Map values, null meaning "not given". The options of a group are
     * read from an object of the group's name ({@code "exception_details": {"status": ...}}).
     *
     * @throws InvalidRequestException listing every problem at once: unknown option names (named),
     *         values of the wrong type or out of range, missing required options, conflicting
     *         options; {@link InvalidConfigurationException} for {@link Operation#CONFIG}
     */
    public static OptionValues parse(Operation operation, Map<String, ?> values) {
        return new Parser(operation, false).read(values);
    }

    /**
     * Reads the options of an operation from text, as a command line or a YAML front-end hands it
     * on: names are the snake_case names ({@code exception_details.status} for a group's options),
     * values the text the user wrote ({@code 5000}, {@code 10s}, {@code n1,n2}, {@code true});
     * blank text means "not given". Problems are reported as by {@link #parse}.
     */
    public static OptionValues parseText(Operation operation, Map<String, String> values) {
        return new Parser(operation, true).read(values);
    }

    /**
     * Reads the options of an operation from a YAML file of {@code name: value} lines
     * ({@code ace.yaml} for {@link Operation#CONFIG}), as {@link #parse} reads a JSON body; relative
     * paths are taken relative to the file's directory. Every problem names the file. An operation
     * with a {@linkplain Operation#section() section} ({@link Operation#HTTP_SERVER}) reads only
     * that section (none: no settings); {@link Operation#CONFIG} reads the top level and leaves the
     * sections to their operations.
     *
     * @throws InvalidConfigurationException for the settings ({@link Operation#isSettings()}) when the file cannot
     *         be read, is not YAML, or holds problems; {@link InvalidRequestException} for the others
     */
    public static OptionValues parseYaml(Operation operation, Path file) {
        return YamlFile.parse(operation, file);
    }

    /** Reads values into typed ones, collecting every problem before failing. */
    private static final class Parser {
        private final Operation operation;
        private final boolean text;
        private final Map<Option<?>, Object> values = new LinkedHashMap<>();
        private final Map<Option<?>, String> refused = new LinkedHashMap<>();
        private final List<String> early = new ArrayList<>();

        Parser(Operation operation, boolean text) {
            this.operation = operation;
            this.text = text;
        }

        OptionValues read(Map<String, ?> given) {
            for (Map.Entry<String, ?> entry : given.entrySet()) {
                String name = String.valueOf(entry.getKey());
                Optional<Option<?>> option = named(operation, name);
                if (option.isPresent()) {
                    read(option.get(), entry.getValue());
                } else if (!text && isGroup(name)) {
                    readGroup(name, entry.getValue());
                } else {
                    early.add(unknown(name));
                }
            }
            List<String> problems = new ArrayList<>(early);
            problems.addAll(OptionValues.problems(operation, values, refused));
            if (!problems.isEmpty()) {
                throw OptionValues.invalid(operation, problems);
            }
            return new OptionValues(operation, values);
        }

        private boolean isGroup(String name) {
            return forOperation(operation).stream().anyMatch(option -> option.name().startsWith(name + "."));
        }

        private void readGroup(String group, Object value) {
            if (value == null) {
                return;
            }
            if (!(value instanceof Map<?, ?> fields)) {
                early.add(group + " must be a JSON object with " + forOperation(operation).stream()
                        .filter(option -> option.name().startsWith(group + "."))
                        .map(option -> option.name().substring(group.length() + 1))
                        .collect(Collectors.joining(", ")) + ", was " + Show.raw(value));
                forOperation(operation).stream().filter(option -> option.name().startsWith(group + "."))
                        .forEach(option -> refused.put(option, null));
                return;
            }
            for (Map.Entry<?, ?> field : fields.entrySet()) {
                String name = group + "." + field.getKey();
                Optional<Option<?>> option = named(operation, name);
                if (option.isPresent()) {
                    read(option.get(), field.getValue());
                } else {
                    early.add(unknown(name));
                }
            }
        }

        private <T> void read(Option<T> option, Object raw) {
            if (raw == null) {
                return;
            }
            try {
                T value = text ? option.fromText(String.valueOf(raw)) : option.fromJson(raw);
                if (value != null) {
                    values.put(option, value);
                }
            } catch (Kind.Refused e) {
                refused.put(option, e.getMessage());
            }
        }

        /** Names the unknown option and the one probably meant, else every option of the operation. */
        private String unknown(String name) {
            String problem = "unknown " + operation.noun() + " " + Show.quote(name);
            String meant = suggestion(name);
            if (meant != null) {
                return problem + "; did you mean " + meant + "?";
            }
            return problem + "; the " + operation.noun() + "s of " + operation.apiName() + " are: "
                    + forOperation(operation).stream().map(Option::name).collect(Collectors.joining(", "));
        }

        private String suggestion(String name) {
            String plain = name.strip().replaceFirst("^-+", "").toLowerCase(Locale.ROOT).replace('-', '_')
                    .replace(' ', '_');
            String best = null;
            int bestDistance = Integer.MAX_VALUE;
            for (Option<?> option : forOperation(operation)) {
                for (String candidate : List.of(option.name(), option.name().substring(option.name().indexOf('.') + 1))) {
                    int distance = plain.equals(candidate) ? 0 : distance(plain, candidate);
                    if (distance < bestDistance) {
                        bestDistance = distance;
                        best = option.name();
                    }
                }
            }
            return bestDistance <= Math.min(2, Math.max(0, plain.length() / 3)) ? best : null;
        }

        /** Levenshtein distance; names are short. */
        private static int distance(String a, String b) {
            if (Math.abs(a.length() - b.length()) > 2 || a.length() > 100) {
                return Integer.MAX_VALUE;
            }
            int[] previous = new int[b.length() + 1];
            int[] current = new int[b.length() + 1];
            for (int j = 0; j <= b.length(); j++) {
                previous[j] = j;
            }
            for (int i = 1; i <= a.length(); i++) {
                current[0] = i;
                for (int j = 1; j <= b.length(); j++) {
                    int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                    current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
                }
                int[] swap = previous;
                previous = current;
                current = swap;
            }
            return previous[b.length()];
        }
    }

    private static List<String> tableNameProblems(String name) {
        try {
            TableName.parse(name);
            return List.of();
        } catch (InvalidRequestException e) {
            return e.problems();
        }
    }
}
