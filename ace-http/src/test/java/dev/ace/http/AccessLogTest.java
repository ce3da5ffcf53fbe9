package dev.ace.http;

import dev.ace.testkit.TestDatabase;
import dev.ace.testkit.WithPgCluster;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One access-log line per request (logger {@code dev.ace.http.access}): time, CN, method, path,
 * status, milliseconds, task id; never a body, a query string, a header or a key password, and
 * nothing a client sends can start a line of its own.
 */
@WithPgCluster(nodes = 2)
class AccessLogTest {

    private static final String LINE = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z cn=%s \"%s\" \"%s\" %d \\d+ms "
            + "task=%s";

    @TempDir
    Path dir;

    private static List<String> accessLines(String log) {
        return log.lines().filter(line -> line.contains(AccessLog.LOGGER + " - ")).map(line -> line.substring(
                line.indexOf(AccessLog.LOGGER + " - ") + AccessLog.LOGGER.length() + 3)).toList();
    }

    @Test
    void everyRequestLeavesOneLineWithoutBodyQueryOrSecret(TestDatabase db) {
        db.executeOnAll("CREATE TABLE t (id int PRIMARY KEY)");
        try (TestServer api = TestServer.start(db, dir, config -> config,
                settings -> settings.serverCertificate(settings.build().serverCertFile(),
                        settings.build().serverKeyFile(), "key-password-never-logged"))) {
            ApiClient client = api.client("postgres");
            List<String> lines;
            String log;
            String id;
            try (ServerLog serverLog = new ServerLog()) {
                id = (String) client.post("/ace/table-diff", Map.of("cluster_name", "acetest", "table_name", "public.t",
                        "table_filter", "id <> 424242 -- body-secret")).expect(200).json().get("task_id");
                client.awaitTask(id);
                client.get("/ace/task-status?task_id=" + id).expect(200);
                client.get("/ace/tasks?status=query-secret").expect(400);
                api.anonymous().get("/ace/health").expect(401);
                client.send("POST", "/ace/table-diff", "{\"cluster_name\": \"body-secret\"}", "text/plain").expect(415);
                // a path made to forge a second line
                client.get("/ace/nope%0d%0a2024-01-01T00:00:00.000Z%20cn=%22admin%22").expect(404);
                log = serverLog.text();
                lines = accessLines(log);
            }
            assertThat(log).doesNotContain("body-secret").doesNotContain("query-secret")
                    .doesNotContain("key-password-never-logged").doesNotContain("424242");
            assertThat(lines).hasSizeGreaterThanOrEqualTo(7);
            assertThat(lines.get(0)).matches(String.format(LINE, "\"postgres\"", "POST", "/ace/table-diff", 200,
                    "\"" + id + "\""));
            assertThat(lines.stream().filter(line -> line.matches(String.format(LINE, "\"postgres\"", "GET",
                    "/ace/task-status/" + id, 200, "\"" + id + "\"")))).isNotEmpty();
            assertThat(lines).anySatisfy(line -> assertThat(line).matches(String.format(LINE, "\"postgres\"", "GET",
                    "/ace/task-status", 200, "\"" + id + "\"")));
            assertThat(lines).anySatisfy(line -> assertThat(line).matches(String.format(LINE, "\"postgres\"", "GET",
                    "/ace/tasks", 400, "-")));
            assertThat(lines).anySatisfy(line -> assertThat(line).matches(String.format(LINE, "-", "GET",
                    "/ace/health", 401, "-")));
            assertThat(lines).anySatisfy(line -> assertThat(line).matches(String.format(LINE, "\"postgres\"", "POST",
                    "/ace/table-diff", 415, "-")));
            assertThat(lines).anySatisfy(line -> assertThat(line).matches(String.format(LINE, "\"postgres\"", "GET",
                    "/ace/nope%0d%0a2024-01-01T00:00:00.000Z%20cn=%22admin%22", 404, "-")));
            assertThat(log.lines().filter(line -> line.startsWith("2024-01-01"))).isEmpty();
        }
    }
}
