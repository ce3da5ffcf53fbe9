package dev.ace.http;

import dev.ace.testkit.TestDatabase;
import dev.ace.testkit.WithPgCluster;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every error status of the API, each as {@code {"error": "..."}}: 404 for an unknown route, 405
 * with {@code Allow}, 413 for a body over 1 MiB (answered without reading it), 415 for a body that
 * is not JSON, 400 for one that does not parse, 503 with {@code Retry-After} for a full queue and
 * a stopping server, 500 with an incident id that the server log has with the stack trace.
 */
@WithPgCluster(nodes = 2)
class ErrorsTest {

    private static final Map<String, Object> DIFF = Map.of("cluster_name", "acetest", "table_name", "public.t");

    @TempDir
    Path dir;

    @Test
    void unknownRoutesAre404AndOtherMethods405WithAllow(TestDatabase db) {
        try (TestServer api = TestServer.start(db, dir)) {
            ApiClient client = api.client("alice");
            assertThat(client.get("/ace/nope").expect(404).error()).isEqualTo("no such endpoint: /ace/nope; the API's "
                    + "endpoints are listed at /ace/openapi.json");
            client.get("/").expect(404);
            client.get("/ace/task-status/").expect(404);
            ApiClient.Response put = client.send("PUT", "/ace/table-diff", "{}", "application/json").expect(405);
            assertThat(put.headers().firstValue("Allow")).hasValue("GET, POST");
            assertThat(put.error()).isEqualTo("method PUT is not allowed on /ace/table-diff; use GET, POST");
            assertThat(client.get("/ace/task-cancel").expect(405).headers().firstValue("Allow")).hasValue("POST");
            assertThat(client.send("DELETE", "/ace/tasks", null, null).expect(405).headers().firstValue("Allow"))
                    .hasValue("GET");
            assertThat(client.post("/ace/task-status/td_1", Map.of()).expect(405).headers().firstValue("Allow"))
                    .hasValue("DELETE, GET");
        }
    }

    @Test
    void bodiesThatAreNotJsonAre415AndJsonThatDoesNotParseIs400(TestDatabase db) {
        try (TestServer api = TestServer.start(db, dir)) {
            ApiClient client = api.client("alice");
            String json = ApiClient.toJson(DIFF);
            assertThat(client.send("POST", "/ace/table-diff", json, "text/plain").expect(415).error())
                    .isEqualTo("the body must be JSON (Content-Type: application/json), was Content-Type text/plain");
            // what curl -d sends unless told otherwise
            client.send("POST", "/ace/table-diff", json, "application/x-www-form-urlencoded").expect(415);
            assertThat(client.send("POST", "/ace/table-diff", json, null).expect(415).error())
                    .isEqualTo("the body must be JSON (Content-Type: application/json), was no Content-Type");
            client.send("POST", "/ace/table-diff", json, "application/json; charset=latin1").expect(415);
            db.executeOnAll("CREATE TABLE t (id int PRIMARY KEY)");
            api.client("postgres").send("POST", "/ace/table-diff", json, "application/json; charset=UTF-8").expect(200);

            assertThat(client.send("POST", "/ace/table-diff", "{\"cluster_name\": ", "application/json").expect(400)
                    .error()).startsWith("the body is not valid JSON: ");
            assertThat(client.send("POST", "/ace/table-diff", "[1, 2]", "application/json").expect(400).error())
                    .isEqualTo("the body must be a JSON object of options, was an array");
            assertThat(client.send("POST", "/ace/table-diff", "{} {}", "application/json").expect(400).error())
                    .startsWith("the body is not valid JSON: ");
            assertThat(client.send("POST", "/ace/table-diff", "{\"a\": 1, \"a\": 2}", "application/json")
                    .expect(400).error()).startsWith("the body is not valid JSON: Duplicate field 'a'");
            assertThat(client.send("POST", "/ace/table-diff", "", "application/json").expect(400).error())
                    .isEqualTo("the body is empty; send the request's options as a JSON object");
            assertThat(client.get("/ace/table-diff").expect(400).error()).isEqualTo("the table-diff request needs a "
                    + "JSON body (Content-Type: application/json) with its options");
            byte[] notUtf8 = {'{', '"', 'a', '"', ':', '"', (byte) 0xff, '"', '}'};
            assertThat(client.send(HttpRequest.newBuilder(client.base().resolve("/ace/table-diff"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(notUtf8)).build()).expect(400).error())
                    .isEqualTo("the body is not valid UTF-8 text");
        }
    }

    @Test
    void aBodyOverOneMebibyteIs413AndIsNotRead(TestDatabase db) throws Exception {
        try (TestServer api = TestServer.start(db, dir)) {
            // a client that announces 100 MiB and sends none of it is answered at once, and the connection closed
            try (SSLSocket socket = (SSLSocket) ApiClient.context(TestServer.CA, TestServer.CA.issueClient("alice"), null)
                    .getSocketFactory().createSocket("127.0.0.1", api.server.port())) {
                socket.setSoTimeout(10_000);
                OutputStream out = socket.getOutputStream();
                out.write(("POST /ace/table-diff HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                        + "Content-Length: " + (100 << 20) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                String answer = read(socket.getInputStream());
                assertThat(answer).startsWith("HTTP/1.1 413 ").containsIgnoringCase("Connection: close")
                        .endsWith("{\"error\":\"the body is larger than 1048576 bytes (1 MiB), the most this API "
                                + "reads\"}");
            }
            // chunked, so no length up front: read up to 1 MiB, then refused
            byte[] bytes = ("{\"table_filter\": \"" + "x".repeat((1 << 20) + 100) + "\"}").getBytes(StandardCharsets.UTF_8);
            ApiClient client = api.client("alice");
            assertThat(client.send(HttpRequest.newBuilder(client.base().resolve("/ace/table-diff"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes))).build())
                    .expect(413).error()).isEqualTo("the body is larger than 1048576 bytes (1 MiB), the most this API "
                    + "reads");
            // a body of exactly 1 MiB is read (and refused for what it holds, not for its size)
            String padded = "{\"table_filter\": \"" + "x".repeat((1 << 20) - 20) + "\"}";
            assertThat(padded.length()).isEqualTo(1 << 20);
            client.send("POST", "/ace/table-diff", padded, "application/json").expect(400);
        }
    }

    @Test
    void aFullQueueIs503WithRetryAfter(TestDatabase db) throws Exception {
        EndpointsTest.diverge(db);
        try (TestServer api = TestServer.start(db, dir, config -> config.maxRunningTasks(1).maxQueuedTasks(0),
                settings -> settings);
             Connection lock = db.node("n1").connect(db.name())) {
            ApiClient client = api.client("postgres");
            lock.setAutoCommit(false);
            try (Statement statement = lock.createStatement()) {
                statement.execute("LOCK TABLE t IN ACCESS EXCLUSIVE MODE");
            }
            String running = (String) client.post("/ace/table-diff", DIFF).expect(200).json().get("task_id");
            ApiClient.Response refused = client.post("/ace/table-diff", DIFF).expect(503);
            assertThat(refused.headers().firstValue("Retry-After")).hasValue("5");
            assertThat(refused.error()).isEqualTo("too many tasks: 1 running and 0 queued, as many as "
                    + "max_running_tasks (1) and max_queued_tasks (0) allow; submit the table-diff again when one has "
                    + "finished");
            lock.rollback();
            assertThat(client.awaitTask(running).get("status")).isEqualTo("COMPLETED");
            client.post("/ace/table-diff", DIFF).expect(200);
        }
    }

    @Test
    void aStoppingServerAnswers503WhileItsTasksFinishWithinTheGrace(TestDatabase db) throws Exception {
        EndpointsTest.diverge(db);
        try (TestServer api = TestServer.start(db, dir, config -> config,
                settings -> settings.shutdownGrace(Duration.ofSeconds(60)));
             Connection lock = db.node("n1").connect(db.name())) {
            ApiClient client = api.client("postgres");
            lock.setAutoCommit(false);
            try (Statement statement = lock.createStatement()) {
                statement.execute("LOCK TABLE t IN ACCESS EXCLUSIVE MODE");
            }
            String running = (String) client.post("/ace/table-diff", DIFF).expect(200).json().get("task_id");
            EndpointsTest.awaitState(client, running, "RUNNING");
            CompletableFuture<Void> stopping = CompletableFuture.runAsync(api.server::stop);
            while (!api.server.stopping()) {
                Thread.sleep(10);
            }
            for (ApiClient.Response response : new ApiClient.Response[] {client.get("/ace/health"),
                    client.get("/ace/task-status/" + running), client.post("/ace/table-diff", DIFF)}) {
                response.expect(503);
                assertThat(response.headers().firstValue("Retry-After")).hasValue("30");
                assertThat(response.error()).isEqualTo("the server is shutting down; try again when it runs again");
            }
            lock.rollback();
            stopping.get();
            // the running task had the grace to finish
            assertThat(api.ace.tasks().get(running, dev.ace.core.CallerRole.of("postgres")).state().name())
                    .isEqualTo("COMPLETED");
        }
    }

    @Test
    void aBugIs500WithAnIncidentIdThatTheLogHasWithTheStackTrace(TestDatabase db) throws Exception {
        try (TestServer api = TestServer.start(db, dir)) {
            api.ace.close();   // a server whose ACE is gone: every task call fails as a bug would
            ApiClient.Response response;
            String logged;
            try (ServerLog log = new ServerLog()) {
                response = api.client("alice").get("/ace/task-status/td_1").expect(500);
                logged = log.text();
            }
            Matcher incident = Pattern.compile("internal error: the server could not complete the request; report "
                    + "incident (inc-[0-9a-f]{12}) \\(the server log has the details\\)").matcher(response.error());
            assertThat(incident.matches()).as(response.error()).isTrue();
            assertThat(response.body()).doesNotContain("Exception").doesNotContain("at dev.ace");
            assertThat(logged).contains("incident " + incident.group(1) + " (a bug) during GET /ace/task-status/td_1 "
                    + "for CN alice").contains("java.lang.IllegalStateException: this Ace instance is closed")
                    .contains("at dev.ace.core.Ace.tasks");
        }
    }

    static String read(InputStream in) throws java.io.IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
}
