package dev.ace.core.option;

import dev.ace.core.AceConfig;
import dev.ace.core.CallerRole;
import dev.ace.core.diff.RerunBehavior;
import dev.ace.core.diff.TableDiffRequest;
import dev.ace.core.diff.TableRerunRequest;
import dev.ace.core.error.AceException;
import dev.ace.core.error.ErrorCode;
import dev.ace.core.error.InvalidConfigurationException;
import dev.ace.core.error.InvalidRequestException;
import dev.ace.core.repair.RepairMode;
import dev.ace.core.repair.TableRepairRequest;
import dev.ace.core.spock.ExceptionListRequest;
import dev.ace.core.spock.ExceptionStatus;
import dev.ace.core.spock.ExceptionUpdateRequest;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OptionsTest {

    @TempDir
    Path dir;

    /** A JSON body in the given order, null values allowed. */
    private static Map<String, Object> body(Object... namesAndValues) {
        Map<String, Object> body = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            body.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return body;
    }

    private static Map<String, Object> repairBody(Object... more) {
        Map<String, Object> body = body("cluster_name", "prod", "table_name", "public.users", "diff_file",
                "/tmp/d.json", "source_of_truth", "n1");
        body.putAll(body(more));
        return body;
    }

    private static List<String> problems(Runnable action) {
        try {
            action.run();
        } catch (AceException e) {
            return e.problems();
        }
        throw new AssertionError("no error");
    }

    @Test
    void aMistypedOptionNameIsRefusedNamingItSoADryRunNeverTurnsIntoARepair() {
        assertThatThrownBy(() -> Options.parse(Operation.TABLE_REPAIR, repairBody("dry-run", true)))
                .isInstanceOf(InvalidRequestException.class)
                .satisfies(e -> assertThat(((AceException) e).code()).isEqualTo(ErrorCode.INVALID_REQUEST))
                .hasMessage("unknown option \"dry-run\"; did you mean dry_run?");
        assertThat(problems(() -> Options.parse(Operation.TABLE_REPAIR, repairBody("DRY_RUN", true, "dryrun", true,
                "--dry-run", true, "upsert-only", true)))).containsExactly(
                "unknown option \"DRY_RUN\"; did you mean dry_run?",
                "unknown option \"dryrun\"; did you mean dry_run?",
                "unknown option \"--dry-run\"; did you mean dry_run?",
                "unknown option \"upsert-only\"; did you mean upsert_only?");
        assertThat(problems(() -> Options.parseText(Operation.TABLE_REPAIR, Map.of("cluster_name", "prod",
                "table_name", "public.users", "diff_file", "/tmp/d.json", "source_of_truth", "n1", "dry-run", "true"))))
                .containsExactly("unknown option \"dry-run\"; did you mean dry_run?");
        assertThat(problems(() -> Options.parse(Operation.TABLE_RERUN, body("cluster_name", "prod", "table_name",
                "public.users", "diff_file", "/tmp/d.json", "block_rows", 5000)))).containsExactly(
                "unknown option \"block_rows\"; the options of table-rerun are: cluster_name, table_name, dbname, "
                        + "diff_file, behavior, quiet");
        // the name is shown escaped: a message stays one printable line
        assertThat(problems(() -> Options.parse(Operation.TABLE_RERUN, body("cluster_name", "prod", "table_name",
                "public.users", "diff_file", "/tmp/d.json", "quiet\n\u0000", true)))).containsExactly(
                "unknown option \"quiet\\n\\u0000\"; did you mean quiet?");
    }

    @Test
    void everyValueOfTheWrongJsonTypeIsNamedWithTheValueAsItCame() {
        assertThat(problems(() -> Options.parse(Operation.TABLE_DIFF, body("cluster_name", 5, "table_name", true,
                "dbname", List.of("x"), "block_rows", "abc", "max_cpu_ratio", "high", "batch_size", 1.5, "output", 5,
                "table_filter", Map.of("id", 1), "max_diff_rows", false, "nodes", 7, "quiet", "yes"))))
                .containsExactly(
                        "cluster_name must be text, was 5",
                        "table_name must be text, was true",
                        "dbname must be text, was [\"x\"]",
                        "block_rows must be an integer, was \"abc\"",
                        "max_cpu_ratio must be a number, was \"high\"",
                        "batch_size must be an integer, was 1.5",
                        "output must be json, csv or html, was 5",
                        "table_filter must be text, was {\"id\":1}",
                        "max_diff_rows must be an integer, was false",
                        "nodes must be \"all\", a comma-separated list of node names or a list of them, was 7",
                        "quiet must be true or false, was \"yes\"");
        assertThat(problems(() -> Options.parse(Operation.TABLE_REPAIR, repairBody("diff_file", 3, "dry_run", "true",
                "lock_timeout", 10, "source_of_truth", null)))).containsExactly(
                "diff_file must be a path, was 3",
                "dry_run must be true or false, was \"true\"",
                "lock_timeout must be a duration with a unit, such as 500ms, 10s, 2m or 1h, was 10",
                "source_of_truth is required unless fix_nulls or bidirectional is set");
        assertThat(problems(() -> Options.parse(Operation.TABLE_RERUN, body("cluster_name", "prod", "table_name",
                "public.users", "diff_file", "/tmp/d.json", "behavior", "threads")))).containsExactly(
                "behavior must be multiprocessing or hostdb, was \"threads\"");
        assertThat(problems(() -> Options.parse(Operation.SPOCK_EXCEPTION_LIST, body("cluster_name", "prod",
                "node_name", "n1", "status", true, "limit", "50", "offset", Double.POSITIVE_INFINITY)))).containsExactly(
                "status must be PENDING, RESOLVED or UNRESOLVED, was true",
                "limit must be an integer, was \"50\"",
                "offset must be an integer, was Infinity");
        // a group that is not an object: said once, without "is required" for each of its fields
        assertThat(problems(() -> Options.parse(Operation.SPOCK_EXCEPTION_UPDATE, body("cluster_name", "prod",
                "node_name", "n1", "exception_details", "x")))).containsExactly(
                "exception_details must be a JSON object with remote_origin, remote_commit_ts, remote_xid, "
                        + "command_counter, status, resolution_details, was \"x\"");
        assertThat(problems(() -> Options.parse(Operation.SPOCK_EXCEPTION_UPDATE, body("cluster_name", "prod",
                "node_name", "n1", "exception_details", body("remote_origin", 16385, "remote_commit_ts", 1710506096,
                        "remote_xid", 1001, "statu", "RESOLVED"))))).containsExactly(
                "unknown option \"exception_details.statu\"; did you mean exception_details.status?",
                "exception_details.remote_commit_ts must be a timestamp with a time zone such as 2024-03-15T12:34:56Z "
                        + "or 2024-03-15 12:34:56.123456+00, was 1710506096",
                "exception_details.status is required (PENDING, RESOLVED or UNRESOLVED)");
        assertThatThrownBy(() -> Options.parse(Operation.CONFIG, body("connect_timeout", true, "cluster_dir", 1)))
                .isInstanceOf(InvalidConfigurationException.class)
                .satisfies(e -> assertThat(((AceException) e).problems()).containsExactly(
                        "cluster_dir must be a path, was 1",
                        "connect_timeout must be a duration with a unit, such as 500ms, 10s, 2m or 1h, was true"))
                .hasMessageStartingWith("the configuration has 2 problems:");
    }

    @Test
    void severalProblemsReadAsASentence() {
        for (Operation operation : Operation.values()) {
            // "<subject> has 3 problems": the subject is one thing, never "the http settings"
            assertThat(operation.subject()).as(operation.name()).startsWith("the ").doesNotEndWith("s");
        }
        assertThatThrownBy(() -> Options.parse(Operation.HTTP_SERVER, body("port", 70000, "shutdown_grace", true)))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageStartingWith("the configuration's http section has 2 problems:\n- ");
    }

    @Test
    void everyRangeErrorHasItsExactMessage() {
        Map<Supplier<Object>, String> cases = new LinkedHashMap<>();
        cases.put(() -> diff("block_rows", 999), "block_rows must be between 1000 and 100000, was 999");
        cases.put(() -> diff("block_rows", 100_001), "block_rows must be between 1000 and 100000, was 100001");
        cases.put(() -> diff("max_cpu_ratio", 0), "max_cpu_ratio must be above 0 and at most 1, was 0.0");
        cases.put(() -> diff("max_cpu_ratio", 1.01), "max_cpu_ratio must be above 0 and at most 1, was 1.01");
        cases.put(() -> diff("batch_size", 0), "batch_size must be between 1 and 1000, was 0");
        cases.put(() -> diff("batch_size", 1001), "batch_size must be between 1 and 1000, was 1001");
        cases.put(() -> diff("max_diff_rows", -1), "max_diff_rows must be 0 (no cap) or more, was -1");
        cases.put(() -> diff("nodes", "n1"), "nodes must name at least 2 nodes, was \"n1\"");
        cases.put(() -> diff("nodes", "n1,,n2"), "nodes has an empty node name, was \"n1,,n2\"");
        cases.put(() -> diff("table_name", "users"), "table_name must be schema.table (quote parts that hold a dot: "
                + "\"my.schema\".\"my table\"), was 'users': the schema is missing");
        cases.put(() -> Options.parse(Operation.TABLE_REPAIR, repairBody("lock_timeout", "PT-1S")),
                "lock_timeout must be 0 or more, was PT-1S");
        cases.put(() -> list("limit", 0), "limit must be between 1 and 1000, was 0");
        cases.put(() -> list("limit", 1001), "limit must be between 1 and 1000, was 1001");
        cases.put(() -> list("offset", -1), "offset must be 0 or more, was -1");
        cases.put(() -> update("remote_origin", 4_294_967_296L),
                "exception_details.remote_origin must be the origin node's spock.node.node_id (0 to 4294967295) or "
                        + "its node name, was 4294967296");
        cases.put(() -> update("remote_xid", -1), "exception_details.remote_xid must be a transaction id (a whole "
                + "number of 0 or more), was -1");
        cases.put(() -> update("command_counter", -1),
                "exception_details.command_counter must be a whole number of 0 or more, was -1");
        cases.put(() -> update("remote_commit_ts", "2024-03-15 12:34:56.1234567+00"),
                "exception_details.remote_commit_ts must be a timestamp with a time zone such as 2024-03-15T12:34:56Z "
                        + "or 2024-03-15 12:34:56.123456+00, was \"2024-03-15 12:34:56.1234567+00\"");
        cases.put(() -> config("connect_timeout", "0s"), "connect_timeout must be more than 0, was PT0S");
        cases.put(() -> config("statement_timeout", "-PT1S"), "statement_timeout must be 0 (no limit) or more, was PT-1S");
        cases.put(() -> config("max_connections_per_node", 0), "max_connections_per_node must be at least 1, was 0");
        cases.put(() -> config("max_queued_tasks", 10_001), "max_queued_tasks must be between 0 and 10000, was 10001");
        cases.put(() -> config("task_retention", "0d"), "task_retention must be more than 0, was PT0S");
        cases.put(() -> Options.parse(Operation.CONFIG, body("max_connections_per_node", 8, "max_running_tasks", 9)),
                "max_running_tasks must be between 1 and max_connections_per_node (8), was 9");
        cases.put(() -> diff("table_filter", "1=1; DROP TABLE t"),
                "table_filter must be one SQL boolean expression without ';', was '1=1; DROP TABLE t'");
        cases.put(() -> config("application_name", "x".repeat(64)),
                "application_name must be at most 63 characters, was 64 characters");
        cases.forEach((parse, message) -> assertThatThrownBy(parse::get).as(message).hasMessage(message));
    }

    private static OptionValues diff(String name, Object value) {
        return Options.parse(Operation.TABLE_DIFF, body("cluster_name", "prod", "table_name", "public.users", name,
                value));
    }

    private static OptionValues list(String name, Object value) {
        return Options.parse(Operation.SPOCK_EXCEPTION_LIST, body("cluster_name", "prod", "node_name", "n1", name,
                value));
    }

    private static OptionValues update(String field, Object value) {
        Map<String, Object> details = body("remote_origin", "16385", "remote_commit_ts", "2024-03-15T12:34:56Z",
                "remote_xid", "1001", "status", "RESOLVED");
        details.put(field, value);
        return Options.parse(Operation.SPOCK_EXCEPTION_UPDATE, body("cluster_name", "prod", "node_name", "n1",
                "exception_details", details));
    }

    private static OptionValues config(String name, Object value) {
        return Options.parse(Operation.CONFIG, body(name, value));
    }

    @Test
    void aValueOutOfRangeReadsTheSameFromYamlJavaJsonAndTheCommandLine() throws Exception {
        List<String> expected = List.of(
                "block_rows must be between 1000 and 100000, was 50",
                "max_cpu_ratio must be above 0 and at most 1, was 1.5",
                "batch_size must be between 1 and 1000, was 0",
                "max_diff_rows must be 0 (no cap) or more, was -1");
        Path yaml = Files.writeString(dir.resolve("ace.yaml"), "block_rows: 50\nmax_cpu_ratio: 1.5\nbatch_size: 0\n"
                + "max_diff_rows: -1\n");
        assertThat(problems(() -> AceConfig.load(yaml))).isEqualTo(expected);
        assertThat(problems(() -> AceConfig.builder().blockRows(50).maxCpuRatio(1.5).batchSize(0).maxDiffRows(-1)
                .build())).isEqualTo(expected);
        assertThat(problems(() -> Options.parse(Operation.CONFIG, body("block_rows", 50, "max_cpu_ratio", 1.5,
                "batch_size", 0, "max_diff_rows", -1)))).isEqualTo(expected);
        assertThat(problems(() -> TableDiffRequest.builder("prod", "public.users").blockRows(50).maxCpuRatio(1.5)
                .batchSize(0).maxDiffRows(-1).build())).isEqualTo(expected);
        assertThat(problems(() -> Options.parse(Operation.TABLE_DIFF, body("cluster_name", "prod", "table_name",
                "public.users", "block_rows", 50, "max_cpu_ratio", 1.5, "batch_size", 0, "max_diff_rows", -1))))
                .isEqualTo(expected);
        assertThat(problems(() -> Options.parseText(Operation.TABLE_DIFF, Map.of("cluster_name", "prod",
                "table_name", "public.users", "block_rows", "50", "max_cpu_ratio", "1.5", "batch_size", "0",
                "max_diff_rows", "-1")))).isEqualTo(expected);
        assertThatThrownBy(() -> AceConfig.load(yaml)).hasMessageStartingWith("configuration file " + yaml
                + " has 4 problems:");
    }

    @Test
    void theHttpSectionOfAceYamlIsReadByItsOwnOperationAndLeftAloneByTheTopLevel() throws Exception {
        Path yaml = Files.writeString(dir.resolve("ace.yaml"), String.join("\n",
                "output_dir: out",
                "max_queued_tasks: 20",
                "http:",
                "  listen_address: 127.0.0.1",
                "  port: 5443",
                "  server_cert_file: tls/server.crt",
                "  server_key_password: hunter2",
                "  shutdown_grace: 2m",
                "  max_queued_tasks: 5",
                ""));
        AceConfig config = AceConfig.load(yaml);
        assertThat(config.maxQueuedTasks()).isEqualTo(20);
        assertThat(config.options()).doesNotContainKey("http");
        OptionValues http = Options.parseYaml(Operation.HTTP_SERVER, yaml);
        assertThat(http.get(Options.PORT)).contains(5443);
        assertThat(http.get(Options.SERVER_CERT_FILE)).contains(dir.resolve("tls/server.crt").toAbsolutePath());
        assertThat(http.get(Options.SHUTDOWN_GRACE)).contains(Duration.ofMinutes(2));
        assertThat(http.get(Options.MAX_QUEUED_TASKS)).contains(5);
        assertThat(http.get(Options.OUTPUT_DIR)).isEmpty();
        assertThat(http.getOrDefault(Options.LISTEN_ADDRESS)).isEqualTo("127.0.0.1");
        assertThat(http.toString()).doesNotContain("hunter2");

        Path wrong = Files.writeString(dir.resolve("wrong.yaml"), "http:\n  port: 70000\n  prot: 1\n"
                + "  shutdown_grace: -1s\n");
        assertThatThrownBy(() -> Options.parseYaml(Operation.HTTP_SERVER, wrong))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageStartingWith("configuration file " + wrong + ", section http has 3 problems:")
                .satisfies(e -> assertThat(((AceException) e).problems()).containsExactlyInAnyOrder(
                        "unknown setting \"prot\"; the settings of http are: output_dir, ca_cert_file, task_store, "
                                + "max_running_tasks, max_queued_tasks, listen_address, port, allow_remote_clients, "
                                + "server_cert_file, server_key_file, server_key_password, shutdown_grace",
                        "port must be between 0 and 65535, was 70000",
                        "shutdown_grace must be a duration with a unit, such as 500ms, 10s, 2m or 1h, was \"-1s\""));
        // a file without the section has no http settings; the top level still refuses what it does not know
        assertThat(Options.parseYaml(Operation.HTTP_SERVER, Files.writeString(dir.resolve("bare.yaml"), "port: 1\n"))
                .options()).isEmpty();
        assertThatThrownBy(() -> AceConfig.load(dir.resolve("bare.yaml"))).hasMessageContaining("unknown setting \"port\"");
    }

    @Test
    void nodesTakeAllACommaSeparatedListOrAList() {
        Map<Object, List<String>> forms = new LinkedHashMap<>();
        forms.put("all", List.of());
        forms.put(" ALL ", List.of());
        forms.put("", List.of());
        forms.put("n1,n2", List.of("n1", "n2"));
        forms.put(" n1 , n2 ", List.of("n1", "n2"));
        forms.put(List.of("n1", "n2"), List.of("n1", "n2"));
        forms.forEach((given, nodes) -> {
            TableDiffRequest request = TableDiffRequest.from(diff("nodes", given));
            assertThat(request.nodes()).as(given.toString()).isEqualTo(nodes);
            assertThat(request.options().get("nodes")).isEqualTo(nodes.isEmpty() ? "all" : nodes);
        });
        assertThat(TableDiffRequest.from(Options.parseText(Operation.TABLE_DIFF, Map.of("cluster_name", "prod",
                "table_name", "public.users", "nodes", "n1,n2"))).nodes()).containsExactly("n1", "n2");
        assertThat(TableDiffRequest.builder("prod", "public.users").nodes("n1, n2").build().nodes())
                .containsExactly("n1", "n2");
        assertThat(TableDiffRequest.builder("prod", "public.users").nodes(List.of("n1", "n2")).build().nodes())
                .containsExactly("n1", "n2");
        assertThat(TableDiffRequest.builder("prod", "public.users").nodes("all").build().nodes()).isEmpty();
        assertThat(problems(() -> diff("nodes", List.of("n1", 2)))).containsExactly(
                "nodes must be \"all\", a comma-separated list of node names or a list of them, was [\"n1\",2]");
        assertThat(problems(() -> diff("nodes", List.of("n1")))).containsExactly(
                "nodes must name at least 2 nodes, was \"n1\"");
    }

    @Test
    void hugeNumbersAreOutOfRangeNeverWrappedAround() {
        assertThat(problems(() -> diff("block_rows", new BigInteger("1000000000000000000000000000000"))))
                .containsExactly("block_rows must be between 1000 and 100000, was 1000000000000000000000000000000");
        assertThat(problems(() -> diff("block_rows", 4_294_977_296L))).containsExactly(
                "block_rows must be between 1000 and 100000, was 4294977296");
        assertThat(problems(() -> diff("max_diff_rows", 99_999_999_999L))).containsExactly(
                "max_diff_rows must be at most 2147483647, was 99999999999");
        assertThat(problems(() -> diff("max_cpu_ratio", new BigDecimal("1e400")))).containsExactly(
                "max_cpu_ratio must be above 0 and at most 1, was Infinity");
        assertThat(problems(() -> diff("block_rows", new BigDecimal("1e1000000")))).containsExactly(
                "block_rows must be an integer, was 1E+1000000");
        assertThat(problems(() -> update("command_counter", "99999999999999999999"))).containsExactly(
                "exception_details.command_counter must be at most 2147483647, was 99999999999999999999");
        // a JSON number without a fraction is an integer however it is written
        assertThat(TableDiffRequest.from(diff("block_rows", 1e3)).blockRows()).isEqualTo(1000);
        assertThat(TableDiffRequest.from(diff("block_rows", new BigDecimal("5000.000"))).blockRows()).isEqualTo(5000);
        assertThat(problems(() -> diff("block_rows", 5000.5))).containsExactly(
                "block_rows must be an integer, was 5000.5");
    }

    @Test
    void controlCharactersAndOverlongTextAreRefusedAndShownEscaped() {
        assertThat(problems(() -> diff("dbname", "shop\u0000"))).containsExactly(
                "dbname must not contain control characters such as NUL, was \"shop\\u0000\"");
        assertThat(problems(() -> TableDiffRequest.builder("prod", "public.users").dbname("shop\u0000").build()))
                .containsExactly("dbname must not contain control characters such as NUL, was \"shop\\u0000\"");
        assertThat(problems(() -> diff("dbname", "sh\u001b[2Jop"))).containsExactly(
                "dbname must not contain control characters, was \"sh\\u001b[2Jop\"");
        assertThat(problems(() -> diff("cluster_name", "c".repeat(1001)))).containsExactly(
                "cluster_name must be at most 1000 characters, was 1001 characters");
        assertThat(problems(() -> diff("table_filter", "x".repeat(10_001)))).containsExactly(
                "table_filter must be at most 10000 characters, was 10001 characters");
        // a filter may span lines
        assertThat(TableDiffRequest.from(diff("table_filter", "id > 1\n\tAND id < 9")).tableFilter())
                .isEqualTo("id > 1\n\tAND id < 9");
        assertThat(problems(() -> update("resolution_details", Map.of("details", "a\u0000b")))).containsExactly(
                "exception_details.resolution_details must not contain the NUL character (\\u0000), which PostgreSQL "
                        + "cannot store, was {\"details\":\"a\\u0000b\"}");
        assertThat(problems(() -> diff("block_rows", "9".repeat(500)))).containsExactly(
                "block_rows must be an integer, was \"" + "9".repeat(80) + "...\" (500 characters)");
        assertThat(problems(() -> config("cluster_dir", "a\u0000b"))).containsExactly(
                "cluster_dir must not contain control characters such as NUL, was \"a\\u0000b\"");
    }

    @Test
    void aSecretIsNeverShown() {
        assertThat(problems(() -> config("ace_user_key_password", 12345))).containsExactly(
                "ace_user_key_password must be text");
        assertThat(problems(() -> config("ace_user_key_password", "pass\u0000word"))).containsExactly(
                "ace_user_key_password must not contain control characters such as NUL, was \"pass\\u0000word\"");
        OptionValues values = Options.parse(Operation.CONFIG, body("ace_user_key_password", "hunter2",
                "block_rows", 5000));
        assertThat(values.toMap()).isEqualTo(Map.of("block_rows", 5000));
        assertThat(values.toString()).doesNotContain("hunter2").contains("ace_user_key_password=(hidden)");
        AceConfig config = AceConfig.builder(values).build();
        assertThat(config.userKeyPassword()).contains("hunter2");
        assertThat(config.options()).isEqualTo(Map.of("block_rows", 5000));
        assertThat(Options.ACE_USER_KEY_PASSWORD.isSecret()).isTrue();
        assertThat(Options.all()).filteredOn(Option::isSecret).containsExactly(Options.ACE_USER_KEY_PASSWORD,
                Options.SERVER_KEY_PASSWORD);
    }

    @Test
    void everyTypeIsReadFromText() {
        TableDiffRequest diff = TableDiffRequest.from(Options.parseText(Operation.TABLE_DIFF, Map.of(
                "cluster_name", "prod", "table_name", "public.users", "block_rows", "5000", "max_cpu_ratio", "0.5",
                "output", "CSV", "nodes", "n1,n2", "quiet", "true", "dbname", "")));
        assertThat(List.of(diff.blockRows(), diff.maxCpuRatio(), diff.output(), diff.nodes(), diff.quiet(),
                String.valueOf(diff.dbname()))).containsExactly(5000, 0.5, TableDiffRequest.Output.CSV,
                List.of("n1", "n2"), true, "null");
        TableRepairRequest repair = TableRepairRequest.from(Options.parseText(Operation.TABLE_REPAIR, Map.of(
                "cluster_name", "prod", "table_name", "public.users", "diff_file", "d.json", "source_of_truth", "n1",
                "lock_timeout", "2m", "dry_run", "TRUE", "atomic", "false")));
        assertThat(List.of(repair.diffFile(), repair.lockTimeout(), repair.dryRun(), repair.atomic()))
                .containsExactly(Path.of("d.json"), Duration.ofMinutes(2), true, false);
        ExceptionUpdateRequest update = ExceptionUpdateRequest.from(Options.parseText(Operation.SPOCK_EXCEPTION_UPDATE,
                Map.of("cluster_name", "prod", "node_name", "n1", "exception_details.remote_origin", "16385",
                        "exception_details.remote_commit_ts", "2024-03-15 12:34:56.5+01",
                        "exception_details.remote_xid", "1001", "exception_details.status", "resolved",
                        "exception_details.resolution_details", "{\"details\": [1, null]}")));
        assertThat(update.remoteCommitTs()).isEqualTo(Instant.parse("2024-03-15T11:34:56.5Z"));
        assertThat(update.status()).isEqualTo(ExceptionStatus.RESOLVED);
        assertThat(update.resolutionDetails()).isEqualTo(Map.of("details", java.util.Arrays.asList(1, null)));
        assertThat(problems(() -> Options.parseText(Operation.TABLE_DIFF, Map.of("cluster_name", "prod",
                "table_name", "public.users", "block_rows", "5k", "max_cpu_ratio", "0,5", "quiet", "yes"))))
                .containsExactly("block_rows must be an integer, was \"5k\"",
                        "max_cpu_ratio must be a number, was \"0,5\"",
                        "quiet must be true or false, was \"yes\"");
        assertThat(problems(() -> Options.parseText(Operation.SPOCK_EXCEPTION_UPDATE, Map.of("cluster_name", "prod",
                "node_name", "n1", "exception_details.remote_origin", "1", "exception_details.remote_commit_ts",
                "2024-03-15T12:34:56Z", "exception_details.remote_xid", "1", "exception_details.status", "PENDING",
                "exception_details.resolution_details", "[1]")))).containsExactly(
                "exception_details.resolution_details must be a JSON object such as {\"details\": \"...\"}, was \"[1]\"");
    }

    @Test
    void aRepairsModeConflictsAreListedWithItsOtherProblems() {
        assertThat(problems(() -> Options.parse(Operation.TABLE_REPAIR, repairBody("bidirectional", true,
                "upsert_only", true, "insert_only", "yes", "lock_timeout", "-PT1S")))).containsExactly(
                "insert_only must be true or false, was \"yes\"",
                "lock_timeout must be 0 or more, was PT-1S",
                // insert_only could not be read: the rules that read it stay silent
                "bidirectional and upsert_only cannot be used together");
        assertThat(TableRepairRequest.builder("prod", "public.users").diffFile(Path.of("d.json"))
                .mode(RepairMode.BIDIRECTIONAL).build().mode()).isEqualTo(RepairMode.BIDIRECTIONAL);
        assertThat(TableRepairRequest.builder("prod", "public.users").diffFile(Path.of("d.json")).sourceOfTruth("n1")
                .bidirectional(true).insertOnly(true).mode(RepairMode.UPSERT_ONLY).build().mode())
                .isEqualTo(RepairMode.UPSERT_ONLY);
    }

    @Test
    void aRequestsOptionsReadBackIntoTheSameRequest() {
        TableDiffRequest diff = TableDiffRequest.builder("prod", "public.users").dbname("shop").blockRows(5000)
                .maxCpuRatio(0.5).batchSize(10).output(TableDiffRequest.Output.HTML).nodes("n1,n2")
                .tableFilter("id > 0").maxDiffRows(0).quiet(true).role(CallerRole.of("alice")).taskId("t1").build();
        assertThat(diff.options()).containsExactly(Map.entry("cluster_name", "prod"),
                Map.entry("table_name", "public.users"), Map.entry("dbname", "shop"), Map.entry("block_rows", 5000),
                Map.entry("max_cpu_ratio", 0.5), Map.entry("batch_size", 10), Map.entry("output", "html"),
                Map.entry("table_filter", "id > 0"), Map.entry("max_diff_rows", 0),
                Map.entry("nodes", List.of("n1", "n2")), Map.entry("quiet", true));
        assertThatThrownBy(() -> diff.options().put("quiet", false)).isInstanceOf(UnsupportedOperationException.class);
        assertThat(TableDiffRequest.from(Options.parse(Operation.TABLE_DIFF, diff.options())).options())
                .isEqualTo(diff.options());
        TableDiffRequest again = diff.toBuilder().build();
        assertThat(again).isEqualTo(diff);
        assertThat(TableDiffRequest.builder("prod", "public.users").build().options()).containsExactly(
                Map.entry("cluster_name", "prod"), Map.entry("table_name", "public.users"), Map.entry("output", "json"),
                Map.entry("nodes", "all"), Map.entry("quiet", false));

        TableRepairRequest repair = TableRepairRequest.builder("prod", "public.users").diffFile(Path.of("/d.json"))
                .sourceOfTruth("n1").dryRun(true).upsertOnly(true).fireTriggers(true).atomic(true)
                .lockTimeout(Duration.ofMillis(1500)).generateReport(true).build();
        assertThat(repair.options()).containsEntry("diff_file", "/d.json").containsEntry("lock_timeout", "1500ms")
                .containsEntry("dry_run", true).doesNotContainKey("dbname");
        assertThat(TableRepairRequest.from(Options.parse(Operation.TABLE_REPAIR, repair.options())).options())
                .isEqualTo(repair.options());
        assertThat(repair.toBuilder().build()).isEqualTo(repair);

        TableRerunRequest rerun = TableRerunRequest.builder("prod", "public.users").diffFile(Path.of("/d.json"))
                .behavior(RerunBehavior.HOSTDB).build();
        assertThat(rerun.options()).containsEntry("behavior", "hostdb");
        assertThat(TableRerunRequest.from(Options.parse(Operation.TABLE_RERUN, rerun.options())).options())
                .isEqualTo(rerun.options());
        assertThat(rerun.toBuilder().build()).isEqualTo(rerun);

        ExceptionUpdateRequest update = ExceptionUpdateRequest.builder("prod", "n1")
                .exception(16385, Instant.parse("2024-03-15T12:34:56.123456Z"), 1001).commandCounter(2)
                .status(ExceptionStatus.RESOLVED).resolutionDetails(Map.of("details", "Issue fixed")).build();
        assertThat(update.options()).isEqualTo(Map.of("cluster_name", "prod", "node_name", "n1", "exception_details",
                Map.of("remote_origin", 16385L, "remote_commit_ts", "2024-03-15T12:34:56.123456Z", "remote_xid", 1001L,
                        "command_counter", 2, "status", "RESOLVED", "resolution_details",
                        Map.of("details", "Issue fixed"))));
        assertThat(ExceptionUpdateRequest.from(Options.parse(Operation.SPOCK_EXCEPTION_UPDATE, update.options())))
                .isEqualTo(update);
        assertThat(update.toBuilder().build()).isEqualTo(update);

        ExceptionListRequest list = ExceptionListRequest.builder("prod", "n1").status(ExceptionStatus.PENDING)
                .tableName("public.orders").page(10, 20).build();
        assertThat(ExceptionListRequest.from(Options.parse(Operation.SPOCK_EXCEPTION_LIST, list.options())))
                .isEqualTo(list);
        assertThat(list.toBuilder().build()).isEqualTo(list);

        AceConfig config = AceConfig.builder().blockRows(5000).connectTimeout(Duration.ofSeconds(3))
                .clusterDirectory(Path.of("/etc/ace/cluster")).build();
        assertThat(config.options()).isEqualTo(Map.of("cluster_dir", "/etc/ace/cluster", "block_rows", 5000,
                "connect_timeout", "3s"));
        assertThat(AceConfig.builder(Options.parse(Operation.CONFIG, config.options())).build()).isEqualTo(config);
        assertThat(config.toBuilder().build()).isEqualTo(config);
    }

    @Test
    void theTableIsComplete() {
        Set<String> names = new HashSet<>();
        for (Option<?> option : Options.all()) {
            assertThat(names.add(option.name())).as(option.name()).isTrue();
            assertThat(option.help()).as(option.name()).isNotBlank();
            assertThat(option.operations()).as(option.name()).isNotEmpty();
            assertThat(option.cliName()).as(option.name()).matches("[a-z][a-z0-9-]*");
            option.defaultValue().ifPresent(value -> assertThat(problems(option, value)).as(option.name()).isEmpty());
            if (option.type() == OptionType.CHOICE) {
                assertThat(option.choices()).as(option.name()).isNotEmpty();
            }
        }
        for (Operation operation : Operation.values()) {
            Set<String> cliNames = new HashSet<>();
            for (Option<?> option : Options.forOperation(operation)) {
                assertThat(cliNames.add(option.cliName())).as(operation + " " + option.cliName()).isTrue();
                assertThat(Options.forCliName(operation, option.cliName())).contains(option);
                assertThat(Options.named(operation, option.name())).contains(option);
            }
        }
        assertThat(Options.BLOCK_ROWS.defaultText()).isEqualTo("10000");
        assertThat(Options.MAX_CPU_RATIO.defaultText()).isEqualTo("0.6");
        assertThat(Options.BATCH_SIZE.defaultText()).isEqualTo("1");
        assertThat(Options.OUTPUT.defaultText()).isEqualTo("json");
        assertThat(Options.NODES.defaultText()).isEqualTo("all");
        assertThat(Options.LOCK_TIMEOUT.defaultText()).isEqualTo("10s");
        assertThat(Options.BLOCK_ROWS.allowed()).isEqualTo("between 1000 and 100000");
        assertThat(Options.OUTPUT.allowed()).isEqualTo("json, csv or html");
        assertThat(Options.REMOTE_COMMIT_TS.cliName()).isEqualTo("remote-commit-ts");
        assertThat(Options.forOperation(Operation.TABLE_DIFF)).extracting(Option::name).containsExactly(
                "cluster_name", "table_name", "dbname", "block_rows", "max_cpu_ratio", "batch_size", "output",
                "table_filter", "max_diff_rows", "nodes", "quiet");
    }

    private static <T> List<String> problems(Option<T> option, Object value) {
        return option.problems(option.javaType().cast(value));
    }
}
