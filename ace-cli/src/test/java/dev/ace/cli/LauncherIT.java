package dev.ace.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ace.testkit.TestDatabase;
import dev.ace.testkit.WithPgCluster;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built distribution, run as users run it: {@code target/dist/ace}, a separate process found
 * by the launcher script, against real nodes. Runs after packaging ({@code ./mvnw verify}).
 */
@WithPgCluster(nodes = 3)
class LauncherIT {

    private static final Path DIST = Path.of("target", "dist").toAbsolutePath();
    private static final Path LAUNCHER = DIST.resolve("ace");
    private static final Path JAR = DIST.resolve("ace.jar");
    /** What "reasonable" means for the one download: everything but test-only dependencies. */
    private static final long MAX_JAR_BYTES = 16L * 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** What one run of the launcher printed, and its exit code. */
    record Run(int exit, String out, String err) {
        JsonNode json() throws IOException {
            return JSON.readTree(out);
        }

        @Override
        public String toString() {
            return "exit " + exit + "\n--- out\n" + out + "--- err\n" + err;
        }
    }

    private Process start(String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(LAUNCHER.toString());
        Collections.addAll(command, args);
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(dir.resolve("out.txt").toFile()).redirectError(dir.resolve("err.txt").toFile());
        builder.environment().remove("ACE_CONFIG");
        return builder.start();
    }

    private Run finish(Process process) throws Exception {
        assertThat(process.waitFor(2, TimeUnit.MINUTES)).as("ace finished").isTrue();
        return new Run(process.exitValue(), Files.readString(dir.resolve("out.txt"), StandardCharsets.UTF_8),
                Files.readString(dir.resolve("err.txt"), StandardCharsets.UTF_8));
    }

    private Run ace(String... args) throws Exception {
        return finish(start(args));
    }

    private void setUp(TestDatabase db) throws IOException {
        db.writeClusterJson(dir.resolve("cluster"));
        Files.writeString(dir.resolve("ace.yaml"), "cluster_dir: cluster\noutput_dir: out\n");
        db.executeOnAll("CREATE TABLE t (id int PRIMARY KEY, v text)",
                "INSERT INTO t SELECT g, 'v' || g FROM generate_series(1, 1000) g");
        db.execute("n2", "UPDATE t SET v = 'changed' WHERE id = 7", "DELETE FROM t WHERE id = 9",
                "INSERT INTO t VALUES (1001, 'extra')");
    }

    @Test
    void diffRepairRerunAndReportRunFromTheLauncherWithTheirExitCodes(TestDatabase db) throws Exception {
        setUp(db);

        Run diff = ace("table-diff", "acetest", "public.t", "--json");
        assertThat(diff.exit()).as(diff.toString()).isEqualTo(1);
        JsonNode result = diff.json();
        assertThat(result.path("exit_code").asInt()).isEqualTo(1);
        assertThat(result.path("summary").path("diff_count").path("n1/n2").asLong()).isEqualTo(3);
        String file = result.path("diff_file").asText();
        assertThat(Path.of(file)).isRegularFile();

        Run dry = ace("table-repair", "acetest", "public.t", "--diff-file", file, "--source-of-truth", "n1",
                "--dry-run");
        assertThat(dry.exit()).as(dry.toString()).isZero();
        assertThat(dry.out()).startsWith("DRY RUN  public.t");
        assertThat(db.queryValue("n2", "SELECT v FROM t WHERE id = 7")).isEqualTo("changed");

        Run repair = ace("table-repair", "acetest", "public.t", "--diff-file", file, "--source-of-truth", "n1");
        assertThat(repair.exit()).as(repair.toString()).isZero();
        assertThat(repair.out()).startsWith("REPAIRED  public.t").contains("1 deleted, 1 inserted, 1 updated");
        assertThat(db.queryValue("n2", "SELECT v FROM t WHERE id = 7")).isEqualTo("v7");

        Run rerun = ace("table-rerun", "acetest", "public.t", "--diff-file", file);
        assertThat(rerun.exit()).as(rerun.toString()).isZero();
        assertThat(rerun.out()).startsWith("MATCH  public.t");

        Run again = ace("table-diff", "acetest", "public.t");
        assertThat(again.exit()).as(again.toString()).isZero();
        assertThat(again.err()).as("no progress bar off a terminal, no log").isEmpty();

        Run report = ace("report", file, "--format", "html", "--json");
        assertThat(report.exit()).as(report.toString()).isZero();
        assertThat(Files.readString(dir.resolve(report.json().path("report").asText()))).contains("<html");
    }

    @Test
    void badOptionsExitWithTwoAndAnUnreachableNodeWithThreeEachInOneLine(TestDatabase db) throws Exception {
        setUp(db);

        Run bad = ace("table-diff", "acetest", "public.t", "--block-rows", "50", "--nodes", "n1");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.out()).isEmpty();
        assertThat(bad.err()).isEqualTo("ace table-diff: block_rows must be between 1000 and 100000, was 50\n"
                + "ace table-diff: nodes must name at least 2 nodes, was \"n1\"\n");

        Run usage = ace("table-repair", "acetest");
        assertThat(usage.exit()).isEqualTo(2);

        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        Path clusterFile = dir.resolve("cluster/acetest/acetest.json");
        Files.writeString(clusterFile, Files.readString(clusterFile)
                .replace("\"" + db.node("n3").port() + "\"", "\"" + closed + "\""));
        Run unreachable = ace("table-diff", "acetest", "public.t", "--json");
        assertThat(unreachable.exit()).as(unreachable.toString()).isEqualTo(3);
        assertThat(unreachable.err()).startsWith("ace table-diff: node n3 (127.0.0.1:" + closed + ") is unreachable")
                .hasLineCount(1);
        assertThat(unreachable.json().path("error").path("code").asText()).isEqualTo("NODE_UNREACHABLE");
    }

    @Test
    void ctrlCCancelsARepairRollsItBackSaysSoAndExitsWith130(TestDatabase db) throws Exception {
        setUp(db);
        String file = ace("table-diff", "acetest", "public.t", "--json").json().path("diff_file").asText();
        Run repair;
        try (Connection other = db.node("n2").connect(db.name()); Statement statement = other.createStatement()) {
            // another session holds row 7 of n2: the repair's transaction on n2 waits for it
            other.setAutoCommit(false);
            statement.execute("SELECT * FROM t WHERE id = 7 FOR UPDATE");
            Process running = start("table-repair", "acetest", "public.t", "--diff-file", file,
                    "--source-of-truth", "n1");
            TableRepairCommandTest.awaitALockWait(db, "n2");
            String ignored = Files.readAllLines(Path.of("/proc", String.valueOf(running.pid()), "status")).stream()
                    .filter(line -> line.startsWith("SigIgn:")).findFirst().orElseThrow().substring(7).strip();
            assertThat(Long.parseLong(ignored, 16) & 0x2).as("SIGINT is ignored in this process tree (a background "
                    + "job of a shell without job control); Ctrl-C cannot reach ace").isZero();
            assertThat(new ProcessBuilder("kill", "-INT", String.valueOf(running.pid())).start().waitFor()).isZero();
            repair = finish(running);
            other.rollback();
        }

        assertThat(repair.exit()).as(repair.toString()).isEqualTo(130);
        assertThat(repair.err()).startsWith("ace: interrupted; cancelling the table-repair ...\n")
                .contains("ace table-repair: ").contains("rolled back").doesNotContain("\tat ");
        assertThat(db.queryValue("n2", "SELECT v FROM t WHERE id = 7")).isEqualTo("changed");
        assertThat(db.queryValue("n2", "SELECT count(*) FROM t WHERE id = 1001")).isEqualTo("1");
        assertThat(ace("table-rerun", "acetest", "public.t", "--diff-file", file).exit()).isEqualTo(1);
    }

    @Test
    void theLauncherSaysWhenItFindsNoJava() throws Exception {
        ProcessBuilder builder = new ProcessBuilder(LAUNCHER.toString(), "--version").directory(dir.toFile());
        builder.environment().put("JAVA_HOME", dir.resolve("no-jdk").toString());
        Process process = builder.redirectErrorStream(true).start();
        String printed = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).isEqualTo(2);
        assertThat(printed).startsWith("ace: JAVA_HOME is " + dir.resolve("no-jdk"));

        Run version = ace("--version");
        assertThat(version.exit()).isZero();
        assertThat(version.out()).startsWith("ace 0.").contains("(Java ");
    }

    @Test
    void theJarHoldsNoTestOnlyDependencyAndStaysSmall() throws Exception {
        assertThat(Files.size(JAR)).as("ace.jar bytes").isLessThan(MAX_JAR_BYTES);
        try (ZipFile jar = new ZipFile(JAR.toFile())) {
            List<String> names = jar.stream().map(ZipEntry::getName).toList();
            assertThat(names).contains("dev/ace/cli/Main.class", "dev/ace/core/Ace.class", "picocli/CommandLine.class",
                    "org/postgresql/Driver.class");
            assertThat(names).noneMatch(name -> name.startsWith("io/zonky/") || name.startsWith("org/junit/")
                    || name.startsWith("org/assertj/") || name.startsWith("dev/ace/testkit/")
                    || name.startsWith("org/testcontainers/") || name.endsWith(".txz"));
        }
    }
}
