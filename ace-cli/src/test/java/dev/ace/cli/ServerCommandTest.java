package dev.ace.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ace.testkit.TestCertificates;
import dev.ace.testkit.TestDatabase;
import dev.ace.testkit.WithPgCluster;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ace server} runs the HTTPS API of ace-http (every endpoint and the stopping of running
 * tasks are tested there, the server started by the same {@code AceServerMain.serve}); here: the
 * command itself started as a process, answering over TLS a client with a certificate and running
 * a diff on real nodes, then stopped by SIGTERM and by SIGINT; and what it says when it cannot start.
 */
@WithPgCluster(nodes = 2)
class ServerCommandTest {

    private static final TestCertificates.Authority CA = TestCertificates.authority("ace server test CA");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern LISTENING = Pattern.compile("ACE API listening on (https://127\\.0\\.0\\.1:\\d+) ");

    @TempDir
    Path dir;

    @Test
    void itServesUntilSigtermOrSigintThenStopsCleanly(TestDatabase db) throws Exception {
        db.executeOnAll("CREATE TABLE t (id int PRIMARY KEY, v text)",
                "INSERT INTO t SELECT i, 'v' || i FROM generate_series(1, 300) i");
        db.execute("n2", "UPDATE t SET v = 'changed' WHERE id = 20");
        db.writeClusterJson(dir.resolve("cluster"));
        CA.writeCertificate(dir.resolve("ca.crt"));
        TestCertificates.Issued server = CA.issueServer();
        server.writeCertificate(dir.resolve("server.crt"));
        server.writePrivateKey(dir.resolve("server.key"));
        Files.writeString(dir.resolve("ace.yaml"), String.join("\n", "cluster_dir: cluster", "output_dir: out",
                "ca_cert_file: ca.crt", "http:", "  port: 0", "  server_cert_file: server.crt",
                "  server_key_file: server.key", "  shutdown_grace: 1s", ""));
        HttpClient client = HttpClient.newBuilder().sslContext(CA.clientContext(CA.issueClient("postgres"), null))
                .connectTimeout(Duration.ofSeconds(30)).build();

        // SIGTERM, as a service manager stops it; the JVM ends with 128 + 15 once the server has stopped
        try (ServerProcess ace = new ServerProcess(dir)) {
            HttpResponse<String> health = client.send(HttpRequest.newBuilder(ace.uri.resolve("/ace/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
            HttpResponse<String> submitted = client.send(HttpRequest.newBuilder(ace.uri.resolve("/ace/table-diff"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                            "{\"cluster_name\": \"acetest\", \"table_name\": \"public.t\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(200);
            JsonNode status = awaitTask(client, ace.uri, JSON.readTree(submitted.body()).path("task_id").asText());
            assertThat(status.path("status").asText()).as(status.toString()).isEqualTo("COMPLETED");
            assertThat(status.path("result").path("mismatched_rows").asLong()).isEqualTo(1);

            ace.process.toHandle().destroy();   // SIGTERM
            assertThat(ace.exit()).isEqualTo(143);
            assertThat(ace.out()).endsWith("stopping ...\nstopped\n");
            assertThat(ace.err()).doesNotContain("Exception").doesNotContain("ERROR");
        }
        // SIGINT, as Ctrl-C in a terminal: 128 + 2
        try (ServerProcess ace = new ServerProcess(dir)) {
            HttpResponse<String> health = client.send(HttpRequest.newBuilder(ace.uri.resolve("/ace/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(new ProcessBuilder("kill", "-INT", Long.toString(ace.process.pid())).start().waitFor()).isZero();
            assertThat(ace.exit()).isEqualTo(130);
            assertThat(ace.out()).endsWith("stopping ...\nstopped\n");
            assertThat(ace.err()).doesNotContain("Exception").doesNotContain("ERROR");
        }
    }

    private static JsonNode awaitTask(HttpClient client, URI base, String taskId) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            JsonNode status = JSON.readTree(client.send(HttpRequest.newBuilder(base.resolve("/ace/task-status/"
                    + taskId)).build(), HttpResponse.BodyHandlers.ofString()).body());
            String state = status.path("status").asText();
            if (!state.equals("QUEUED") && !state.equals("RUNNING")) {
                return status;
            }
            assertThat(System.nanoTime()).as("task %s finished", taskId).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    /**
     * {@code ace server} in a JVM of its own, as the launcher runs it ({@code java ... dev.ace.cli.Main
     * server}) in {@code dir}, where its ace.yaml is; started once it has printed where it listens.
     */
    private static final class ServerProcess implements AutoCloseable {
        final Process process;
        final URI uri;
        private final Path err;
        private final List<String> lines = new ArrayList<>();
        private final Thread reading;

        ServerProcess(Path dir) throws Exception {
            err = dir.resolve("server-" + System.nanoTime() + ".err");
            ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java")
                    .toString(), "-cp", System.getProperty("java.class.path"), Main.class.getName(), "server")
                    .directory(dir.toFile()).redirectError(err.toFile());
            builder.environment().remove("ACE_CONFIG");
            process = builder.start();
            BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8));
            URI listening = null;
            for (String line; (line = reader.readLine()) != null; ) {
                lines.add(line);
                Matcher matcher = LISTENING.matcher(line);
                if (matcher.find()) {
                    listening = URI.create(matcher.group(1));
                }
                if (line.startsWith("stop with")) {
                    break;
                }
            }
            assertThat(listening).as("where it listens, in:\n%s\n%s", lines, Files.readString(err)).isNotNull();
            uri = listening;
            reading = new Thread(() -> {
                try {
                    for (String line; (line = reader.readLine()) != null; ) {
                        synchronized (lines) {
                            lines.add(line);
                        }
                    }
                } catch (java.io.IOException e) {
                    // the process ended
                }
            }, "ace-server-output");
            reading.setDaemon(true);
            reading.start();
        }

        /** Its exit code, once it has ended (within a minute). */
        int exit() throws InterruptedException {
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("ace server ended").isTrue();
            reading.join(10_000);
            return process.exitValue();
        }

        String out() {
            synchronized (lines) {
                return String.join("\n", lines) + "\n";
            }
        }

        String err() throws java.io.IOException {
            return Files.readString(err);
        }

        @Override
        public void close() throws Exception {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void withoutAceYamlItSaysWhereToPutIt() {
        AceRun.Result result = AceRun.in(dir).run("server");
        assertThat(result.exit()).as(result.toString()).isEqualTo(2);
        assertThat(result.err().strip()).doesNotContain("\n").doesNotContain("Exception");
        assertThat(result.err()).contains("ace server needs an ace.yaml with the server's certificate, key and client "
                + "CA (its http section and ca_cert_file): give it with --config FILE, put it in the working "
                + "directory, or name it in ACE_CONFIG; see docs/api.md");
    }

    @Test
    void roleIsRefusedRatherThanIgnored() {
        AceRun.Result server = AceRun.in(dir).run("server", "--role", "alice");
        assertThat(server.exit()).isEqualTo(2);
        assertThat(server.err()).isEqualTo("ace server: --role does not apply to ace server: each request acts as "
                + "the role its client certificate's CN names\n");
        AceRun.Result report = AceRun.in(dir).run("report", "d.json", "--role", "alice");
        assertThat(report.exit()).isEqualTo(2);
        assertThat(report.err()).isEqualTo("ace report: --role does not apply to ace report: it reads a diff file, "
                + "not the nodes\n");
    }

    @Test
    void withoutCertificateSettingsItSaysWhatToConfigure() throws Exception {
        Files.writeString(dir.resolve("ace.yaml"), "output_dir: out\nhttp:\n  port: 0\n");
        AceRun.Result result = AceRun.in(dir).run("server");
        assertThat(result.exit()).as(result.toString()).isEqualTo(2);
        assertThat(result.err()).contains("ace server: the server certificate (server_cert_file in the http section, "
                + "or ace_user_cert_file) must be set")
                .contains("ace server: the server's private key (server_key_file in the http section, or "
                        + "ace_user_key_file) must be set")
                .contains("ace server: the CA of the client certificates (ca_cert_file) must be set");
    }
}
