package dev.ace.http;

import dev.ace.core.Ace;
import dev.ace.core.AceConfig;
import dev.ace.core.CallerRole;
import dev.ace.core.task.Task;
import dev.ace.core.task.TaskState;
import dev.ace.testkit.TestDatabase;
import dev.ace.testkit.WithPgCluster;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The server as its own process ({@code AceServerMain --config ace.yaml}), stopped while a task
 * runs, then started again: killed outright, the task is FAILED "interrupted" on the next start
 * and its half-written files are gone; stopped with SIGTERM or SIGINT, it gives the task its
 * grace, then cancels it and records it CANCELLED. Finished tasks are readable throughout.
 */
@WithPgCluster(nodes = 2)
class RestartTest {

    private static final Map<String, Object> DIFF = Map.of("cluster_name", "acetest", "table_name", "public.t");

    @TempDir
    Path dir;

    /** The server in a JVM of its own, and what it printed. */
    private static final class ServerProcess implements AutoCloseable {
        final Process process;
        final StringBuilder output = new StringBuilder();
        private final Thread reading;

        ServerProcess(Path dir, Path config) throws Exception {
            ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), AceServerMain.class.getName(), "--config",
                    config.toString()).directory(dir.toFile())
                    .redirectError(dir.resolve("server-" + System.nanoTime() + ".log").toFile());
            this.process = builder.start();
            BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8));
            String line;
            while ((line = reader.readLine()) != null) {
                output.append(line).append('\n');
                if (line.startsWith("stop with")) {
                    break;
                }
            }
            assertThat(output.toString()).as("the server started").contains("ACE API listening on https://127.0.0.1:");
            reading = new Thread(() -> {
                try {
                    for (String more; (more = reader.readLine()) != null; ) {
                        synchronized (output) {
                            output.append(more).append('\n');
                        }
                    }
                } catch (java.io.IOException ignored) {
                    // the process ended
                }
            });
            reading.setDaemon(true);
            reading.start();
        }

        String output() {
            synchronized (output) {
                return output.toString();
            }
        }

        /** Everything the process printed, once it has ended. */
        String outputAtExit() throws InterruptedException {
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            reading.join(10_000);
            return output();
        }

        @Override
        public void close() throws Exception {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static Connection lockTable(TestDatabase db) throws Exception {
        Connection lock = db.node("n1").connect(db.name());
        lock.setAutoCommit(false);
        try (Statement statement = lock.createStatement()) {
            statement.execute("LOCK TABLE t IN ACCESS EXCLUSIVE MODE");
        }
        return lock;
    }

    private static List<Path> leftovers(Path output, String taskId) throws Exception {
        Path diffs = output.resolve("diffs");
        if (!Files.exists(diffs)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(diffs)) {
            return files.filter(Files::isRegularFile).filter(file -> file.getFileName().toString().startsWith(".")
                    && file.getFileName().toString().contains(taskId)).toList();
        }
    }

    private static void awaitLeftover(Path output, String taskId) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (leftovers(output, taskId).isEmpty()) {
            assertThat(System.nanoTime()).as("task %s wrote its spool file", taskId).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    @Test
    void aTaskRunningWhenTheServerStopsIsFailedInterruptedAfterwardsAndItsPartialFilesAreGone(TestDatabase db)
            throws Exception {
        EndpointsTest.diverge(db);
        // n2 holds more rows: a diff plans on n2 and waits on the table locked on n1 while hashing
        db.execute("n2", "INSERT INTO t SELECT i, 'more' FROM generate_series(10001, 11000) i");
        db.executeOnAll("ANALYZE t");
        db.writeClusterJson(dir.resolve("cluster"));
        TestServer.CA.writeCertificate(dir.resolve("ca.crt"));
        var server = TestServer.CA.issueServer();
        server.writeCertificate(dir.resolve("server.crt"));
        server.writePrivateKey(dir.resolve("server.key"));
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Path config = Files.writeString(dir.resolve("ace.yaml"), String.join("\n", "cluster_dir: cluster",
                "output_dir: out", "ca_cert_file: ca.crt", "http:", "  port: " + port, "  server_cert_file: server.crt",
                "  server_key_file: server.key", "  shutdown_grace: 1s", ""));
        Path output = dir.resolve("out");
        ApiClient client = new ApiClient(URI.create("https://127.0.0.1:" + port), TestServer.CA,
                TestServer.CA.issueClient("postgres"));

        String finished;
        String killed;
        try (ServerProcess first = new ServerProcess(dir, config)) {
            assertThat(first.output()).contains("every request needs a client certificate issued by CN=ACE API test CA "
                    + "(ca_cert_file " + dir.resolve("ca.crt") + ")");
            finished = (String) client.post("/ace/table-diff", DIFF).expect(200).json().get("task_id");
            assertThat(client.awaitTask(finished)).containsEntry("status", "COMPLETED");
            try (Connection lock = lockTable(db)) {
                killed = (String) client.post("/ace/table-diff", DIFF).expect(200).json().get("task_id");
                EndpointsTest.awaitState(client, killed, "RUNNING");
                awaitLeftover(output, killed);
                first.process.destroyForcibly();
                assertThat(first.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
                lock.rollback();
            }
            assertThat(leftovers(output, killed)).as("what the killed process left").isNotEmpty();
        }

        String stopped;
        try (ServerProcess second = new ServerProcess(dir, config)) {
            Map<String, Object> interrupted = client.get("/ace/task-status/" + killed).expect(200).json();
            assertThat(interrupted).containsEntry("status", "FAILED").containsEntry("result", null)
                    .containsEntry("error", "interrupted: ACE stopped while the task was running; submit it again");
            assertThat(leftovers(output, killed)).as("half-written files of the interrupted task").isEmpty();
            assertThat(client.get("/ace/task-status/" + finished).expect(200).json())
                    .containsEntry("status", "COMPLETED");

            // SIGTERM: the running task gets the grace (1 s), then is cancelled and recorded as cancelled
            try (Connection lock = lockTable(db)) {
                stopped = (String) client.post("/ace/table-diff", DIFF).expect(200).json().get("task_id");
                EndpointsTest.awaitState(client, stopped, "RUNNING");
                awaitLeftover(output, stopped);
                second.process.toHandle().destroy();   // SIGTERM; Process.destroy() would close its output too
                assertThat(second.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
                lock.rollback();
            }
            assertThat(second.outputAtExit()).contains("stopping ...").contains("stopped");
            assertThat(leftovers(output, stopped)).isEmpty();
        }

        String interruptedByCtrlC;
        try (ServerProcess third = new ServerProcess(dir, config)) {
            Map<String, Object> cancelled = client.get("/ace/task-status/" + stopped).expect(200).json();
            assertThat(cancelled).containsEntry("status", "CANCELLED");
            assertThat((String) cancelled.get("error")).startsWith("cancelled: ACE was stopped and the task did not "
                    + "finish within the grace period of 1 s (table-diff of public.t was cancelled");
            assertThat(client.get("/ace/task-status/" + finished).expect(200).json())
                    .containsEntry("status", "COMPLETED");
            assertThat(client.get("/ace/task-status/" + killed).expect(200).json()).containsEntry("status", "FAILED");

            // SIGINT (Ctrl+C) does the same
            try (Connection lock = lockTable(db)) {
                interruptedByCtrlC = (String) client.post("/ace/table-diff", DIFF).expect(200).json().get("task_id");
                EndpointsTest.awaitState(client, interruptedByCtrlC, "RUNNING");
                Process kill = new ProcessBuilder("kill", "-INT", Long.toString(third.process.pid())).start();
                assertThat(kill.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(third.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
                lock.rollback();
            }
            assertThat(third.outputAtExit()).contains("stopping ...").contains("stopped");
            assertThat(leftovers(output, interruptedByCtrlC)).isEmpty();
        }
        // read from the task store the stopped server left, without a server
        AceConfig base = AceConfig.load(config);
        try (Ace ace = Ace.create(ServerSettings.load(config, base).applyTo(base))) {
            Task task = ace.tasks().get(interruptedByCtrlC, CallerRole.of("postgres"));
            assertThat(task.state()).isEqualTo(TaskState.CANCELLED);
            assertThat(task.errorMessage()).startsWith("cancelled: ACE was stopped and the task did not finish within "
                    + "the grace period of 1 s");
        }
    }
}
