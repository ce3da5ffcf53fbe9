package dev.ace.http;

import dev.ace.testkit.PgNode;
import dev.ace.testkit.SpockStandIn;
import dev.ace.testkit.TestDatabase;
import dev.ace.testkit.WithPgCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every class of bad input is answered with its 4xx, creates no task, and changes no table on any
 * node: malformed JSON, wrong types, huge numbers, NUL and other control characters, very long
 * text, path traversal in {@code diff_file}, and SQL in every string field of every endpoint.
 */
@WithPgCluster(nodes = 2)
class BadInputTest {

    private static final List<String> SQL = List.of("x'; DROP TABLE t; --", "\"); DELETE FROM t; --",
            "1; UPDATE t SET v = 'pwned'", "' OR '1'='1");

    @TempDir
    Path dir;

    /** Every relation of the test database and the content of each table, on every node. */
    private static String snapshot(TestDatabase db) {
        StringBuilder text = new StringBuilder();
        for (PgNode node : db.nodes()) {
            List<String> tables = node.queryColumn(db.name(), "SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname) "
                    + "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'v', 'm', 'S') "
                    + "AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%' "
                    + "ORDER BY 1");
            text.append(node.name()).append(": ").append(tables);
            for (String table : tables) {
                text.append(' ').append(node.queryValue(db.name(), "SELECT md5(coalesce(string_agg(r::text, ',' "
                        + "ORDER BY r::text), '')) FROM " + table + " r"));
            }
            text.append('\n');
        }
        return text.toString();
    }

    /** Diffs public.t through the API; the diff file of the COMPLETED task. */
    private static String diffFileOfT(ApiClient client) {
        return (String) ((Map<?, ?>) client.awaitTask((String) client.post("/ace/table-diff",
                Map.of("cluster_name", "acetest", "table_name", "public.t")).expect(200).json().get("task_id"))
                .get("result")).get("diff_file");
    }

    private static Map<String, Object> with(Map<String, Object> body, String name, Object value) {
        Map<String, Object> copy = new LinkedHashMap<>(body);
        copy.put(name, value);
        return copy;
    }

    @Test
    void badInputIsRefusedWithA4xxAndChangesNothing(TestDatabase db) throws Exception {
        EndpointsTest.diverge(db);
        SpockStandIn.install(db, "n1");
        SpockStandIn.exception("n2", "2024-03-15 12:34:56+00", 123456).seed(db, "n1");
        try (TestServer api = TestServer.start(db, dir)) {
            ApiClient client = api.client("postgres");
            String diffFile = diffFileOfT(client);
            String before = snapshot(db);
            Object tasksBefore = client.get("/ace/tasks").expect(200).json().get("total");

            Map<String, Object> diff = Map.of("cluster_name", "acetest", "table_name", "public.t");
            Map<String, Object> repair = Map.of("cluster_name", "acetest", "table_name", "public.t",
                    "diff_file", diffFile, "source_of_truth", "n1");
            Map<String, Object> rerun = Map.of("cluster_name", "acetest", "table_name", "public.t",
                    "diff_file", diffFile);
            Map<String, Object> details = Map.of("remote_origin", "n2", "remote_commit_ts", "2024-03-15T12:34:56Z",
                    "remote_xid", "999", "status", "RESOLVED");
            Map<String, Object> spock = Map.of("cluster_name", "acetest", "node_name", "n1",
                    "exception_details", details);

            Map<String, List<String>> refused = new LinkedHashMap<>();
            List<String[]> cases = new ArrayList<>();
            // SQL in every string field of every endpoint
            for (String sql : SQL) {
                for (String field : List.of("cluster_name", "table_name", "dbname", "output", "nodes", "table_filter")) {
                    if (field.equals("table_filter") && !sql.contains(";")) {
                        continue;   // one expression: a filter, run read-only by the task (below)
                    }
                    cases.add(new String[] {"/ace/table-diff", ApiClient.toJson(with(diff, field, sql))});
                }
                for (String field : List.of("cluster_name", "table_name", "dbname", "diff_file", "source_of_truth")) {
                    cases.add(new String[] {"/ace/table-repair", ApiClient.toJson(with(repair, field, sql))});
                }
                for (String field : List.of("cluster_name", "table_name", "dbname", "diff_file", "behavior")) {
                    cases.add(new String[] {"/ace/table-rerun", ApiClient.toJson(with(rerun, field, sql))});
                }
                for (String field : List.of("cluster_name", "node_name", "dbname")) {
                    cases.add(new String[] {"/ace/update-spock-exception", ApiClient.toJson(with(spock, field, sql))});
                }
                for (String field : List.of("remote_origin", "remote_commit_ts", "remote_xid", "command_counter",
                        "status")) {
                    cases.add(new String[] {"/ace/update-spock-exception", ApiClient.toJson(with(spock,
                            "exception_details", with(details, field, sql)))});
                }
                cases.add(new String[] {"/ace/update-spock-exception", ApiClient.toJson(with(spock,
                        "exception_details", with(details, "resolution_details", Map.of("details", sql))))});
                cases.add(new String[] {"/ace/task-cancel", ApiClient.toJson(Map.of("task_id", sql))});
            }
            // malformed JSON, wrong types, huge numbers
            for (String body : List.of("{", "{\"cluster_name\": acetest}", "{'cluster_name': 'acetest'}", "null",
                    "\"text\"", "{\"cluster_name\": \"acetest\",}", "{\"a\":" + "[".repeat(5000) + "]".repeat(5000) + "}")) {
                cases.add(new String[] {"/ace/table-diff", body});
            }
            cases.add(new String[] {"/ace/table-diff", ApiClient.toJson(with(with(with(with(diff, "block_rows", "lots"),
                    "quiet", "yes"), "nodes", 5), "max_cpu_ratio", List.of(1)))});
            cases.add(new String[] {"/ace/table-repair", ApiClient.toJson(with(with(repair, "dry_run", "false"),
                    "diff_file", 42))});
            for (String number : List.of("99999999999999999999999999", "1e400", "-1e400", "1.5", "2147483648",
                    "-99999999999999999999")) {
                cases.add(new String[] {"/ace/table-diff", ApiClient.toJson(diff).replace("}", ", \"block_rows\": "
                        + number + "}")});
                cases.add(new String[] {"/ace/table-diff", ApiClient.toJson(diff).replace("}", ", \"max_cpu_ratio\": "
                        + number + "}")});
            }
            // NUL and other control characters, very long text
            for (String bad : List.of("a\u0000b", "a\u0001b", "line\nbreak", "bell\u0007", "esc\u001b[31m",
                    "x".repeat(100_000))) {
                for (String field : List.of("cluster_name", "table_name", "dbname", "table_filter")) {
                    if (field.equals("table_filter") && bad.equals("line\nbreak")) {
                        continue;   // a filter may span lines
                    }
                    cases.add(new String[] {"/ace/table-diff", ApiClient.toJson(with(diff, field, bad))});
                }
                cases.add(new String[] {"/ace/table-repair", ApiClient.toJson(with(repair, "diff_file", bad))});
                cases.add(new String[] {"/ace/update-spock-exception", ApiClient.toJson(with(spock, "node_name", bad))});
            }
            for (String[] request : cases) {
                ApiClient.Response response = client.send("POST", request[0], request[1], "application/json");
                String shown = request[0] + " " + (request[1].length() > 300 ? request[1].substring(0, 300) : request[1])
                        + " -> " + response.body();
                assertThat(response.status()).withFailMessage("accepted: %s", shown).isIn(400, 404);
                assertThat(response.error()).doesNotContain("Exception").doesNotContain("at dev.ace");
                refused.computeIfAbsent(request[0], k -> new ArrayList<>()).add(response.status() + "");
            }
            // SQL and control characters in the task-status id and the tasks query
            for (String sql : SQL) {
                String encoded = java.net.URLEncoder.encode(sql, java.nio.charset.StandardCharsets.UTF_8);
                client.get("/ace/task-status?task_id=" + encoded).expect(404);
                client.get("/ace/tasks?status=" + encoded).expect(400);
                client.get("/ace/tasks?limit=" + encoded).expect(400);
            }
            client.get("/ace/task-status?task_id=td_%00").expect(404);

            assertThat(client.get("/ace/tasks").expect(200).json().get("total")).isEqualTo(tasksBefore);
            assertThat(snapshot(db)).isEqualTo(before);

            // table_filter is SQL by design: what is not exactly one expression was refused above; one expression
            // runs in the task's read-only transactions, inside parentheses, and one the nodes cannot parse fails it
            Map<String, Object> failed = client.awaitTask((String) client.post("/ace/table-diff",
                    with(diff, "table_filter", "' OR '1'='1")).expect(200).json().get("task_id"));
            assertThat(failed).containsEntry("status", "FAILED");
            assertThat((String) failed.get("error")).contains("syntax error");
            assertThat(snapshot(db)).isEqualTo(before);
            assertThat(refused.values().stream().mapToInt(List::size).sum()).isEqualTo(cases.size());
        }
    }

    @Test
    void aDiffFileOutsideTheOutputDirectoryIsRefusedAlikeWhetherOrNotItExists(TestDatabase db) throws Exception {
        EndpointsTest.diverge(db);
        try (TestServer api = TestServer.start(db, dir)) {
            ApiClient client = api.client("postgres");
            String diffFile = diffFileOfT(client);
            Path outside = Files.createDirectories(dir.resolve("elsewhere"));
            Path copy = Files.copy(Path.of(diffFile), outside.resolve("copy.json"));
            Files.createSymbolicLink(api.output().resolve("link.json"), copy);
            Files.createSymbolicLink(api.output().resolve("linkdir"), outside);
            String expected = "diff_file must name a diff file inside the server's output directory "
                    + api.output().toRealPath() + " (an absolute path there, or a path relative to it)";
            Map<String, String> answers = new HashMap<>();
            for (String given : List.of(copy.toString(), outside.resolve("missing.json").toString(), "/etc/passwd",
                    "/etc/no-such-file", "../elsewhere/copy.json", "../elsewhere/missing.json", "link.json",
                    "linkdir/copy.json", "linkdir/missing.json", "diffs/../../elsewhere/copy.json", "/", "..",
                    api.output().toString())) {
                for (String endpoint : List.of("/ace/table-repair", "/ace/table-rerun")) {
                    Map<String, Object> body = new LinkedHashMap<>(Map.of("cluster_name", "acetest", "table_name",
                            "public.t", "diff_file", given));
                    if (endpoint.endsWith("repair")) {
                        body.put("source_of_truth", "n1");
                    }
                    answers.put(endpoint + " " + given, client.post(endpoint, body).expect(400).error());
                }
            }
            assertThat(answers.values()).containsOnly(expected);
            // the same file inside, by its path relative to the output directory or absolute, is taken
            Path inside = api.output().relativize(Path.of(diffFile));
            for (String given : List.of(diffFile, inside.toString(), "./" + inside, "diffs/../" + inside)) {
                client.post("/ace/table-rerun", Map.of("cluster_name", "acetest", "table_name", "public.t",
                        "diff_file", given)).expect(200);
            }
            // inside, but not a diff file of this table
            Files.writeString(api.output().resolve("not-a-diff.json"), "{\"hello\": 1}");
            assertThat(client.post("/ace/table-rerun", Map.of("cluster_name", "acetest", "table_name", "public.t",
                    "diff_file", "not-a-diff.json")).expect(400).error()).contains("not-a-diff.json");
            db.executeOnAll("CREATE TABLE other (id int PRIMARY KEY)");
            assertThat(client.post("/ace/table-rerun", Map.of("cluster_name", "acetest", "table_name", "public.other",
                    "diff_file", diffFile)).expect(400).error()).contains("public.t").contains("public.other");
        }
    }

    @Test
    void anUnknownClusterNodeOrDatabaseIs400OnEveryEndpointAndCreatesNoTask(TestDatabase db) throws Exception {
        EndpointsTest.diverge(db);
        SpockStandIn.install(db, "n1");
        try (TestServer api = TestServer.start(db, dir)) {
            ApiClient client = api.client("postgres");
            String diffFile = diffFileOfT(client);
            String before = snapshot(db);
            Map<String, Object> diff = Map.of("cluster_name", "acetest", "table_name", "public.t");
            Map<String, Object> repair = Map.of("cluster_name", "acetest", "table_name", "public.t",
                    "diff_file", diffFile, "source_of_truth", "n1");
            Map<String, Object> rerun = Map.of("cluster_name", "acetest", "table_name", "public.t",
                    "diff_file", diffFile);
            Map<String, Object> spock = Map.of("cluster_name", "acetest", "node_name", "n1", "exception_details",
                    Map.of("remote_origin", "n2", "remote_commit_ts", "2024-03-15T12:34:56Z", "remote_xid", "1",
                            "status", "RESOLVED"));
            String noCluster = "cluster nope not found: there is no cluster file ";
            String noNode = "cluster acetest has no node n9; its nodes are n1, n2";
            String noDatabase = "database nodb is not defined for cluster acetest in ";
            String otherCluster = " belongs to cluster acetest, not to nope";
            // each: endpoint, body, a part of the 400's message
            String[][] cases = {
                    {"/ace/table-diff", ApiClient.toJson(with(diff, "cluster_name", "nope")), noCluster},
                    {"/ace/table-diff", ApiClient.toJson(with(diff, "nodes", "n1,n9")), noNode},
                    {"/ace/table-diff", ApiClient.toJson(with(diff, "dbname", "nodb")), noDatabase},
                    {"/ace/table-repair", ApiClient.toJson(with(repair, "cluster_name", "nope")), otherCluster},
                    {"/ace/table-repair", ApiClient.toJson(with(repair, "source_of_truth", "n9")),
                            "source_of_truth n9 is not one of the diff file's nodes (n1, n2)"},
                    {"/ace/table-repair", ApiClient.toJson(with(repair, "dbname", "nodb")), noDatabase},
                    {"/ace/table-rerun", ApiClient.toJson(with(rerun, "cluster_name", "nope")), otherCluster},
                    {"/ace/table-rerun", ApiClient.toJson(with(rerun, "dbname", "nodb")), noDatabase},
                    {"/ace/update-spock-exception", ApiClient.toJson(with(spock, "cluster_name", "nope")), noCluster},
                    {"/ace/update-spock-exception", ApiClient.toJson(with(spock, "node_name", "n9")), noNode},
                    {"/ace/update-spock-exception", ApiClient.toJson(with(spock, "dbname", "nodb")), noDatabase},
            };
            for (String[] request : cases) {
                assertThat(client.send("POST", request[0], request[1], "application/json").expect(400).error())
                        .as(request[0] + " " + request[1]).contains(request[2]);
            }
            assertThat(client.get("/ace/tasks").expect(200).json().get("total")).isEqualTo(1);
            assertThat(snapshot(db)).isEqualTo(before);
        }
    }
}
