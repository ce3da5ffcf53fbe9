package dev.ace.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ace.testkit.TestDatabase;
import dev.ace.testkit.WithPgCluster;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@WithPgCluster(nodes = 3)
class CheckCommandTest {

    @TempDir
    Path dir;

    @Test
    void everyNodeAnswersWithItsVersionSpockAndTheRole(TestDatabase db) {
        AceRun.Result result = AceRun.at(dir, db).run("check", "acetest");

        assertThat(result.exit()).as(result.toString()).isZero();
        assertThat(result.out()).startsWith("Cluster acetest  database " + db.name() + ", from ")
                .contains("acting as ACE's own user\n")
                .containsPattern("  n1     127\\.0\\.0\\.1:\\d+  ok  PostgreSQL 17\\.\\d+, no Spock, role postgres, \\d+ ms\n")
                .contains("  n3 ").endsWith("every node answered\n");
    }

    @Test
    void aNodeThatDoesNotAnswerIsNamedAndTheOthersAreStillChecked(TestDatabase db) throws Exception {
        AceRun run = AceRun.at(dir, db);
        Path clusterFile = dir.resolve("cluster/acetest/acetest.json");
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        Files.writeString(clusterFile, Files.readString(clusterFile)
                .replace("\"" + db.node("n2").port() + "\"", "\"" + closed + "\""));

        AceRun.Result result = run.run("check", "acetest");
        assertThat(result.exit()).isEqualTo(3);
        assertThat(result.out()).contains("  n2     127.0.0.1:" + closed + "  FAILED  node n2 (127.0.0.1:" + closed
                + ") is unreachable").contains("  n3 ").endsWith("1 of 3 nodes did not answer\n");

        JsonNode json = run.run("check", "acetest", "--nodes", "n1,n2", "--json").json();
        assertThat(json.path("exit_code").asInt()).isEqualTo(3);
        assertThat(json.path("nodes").path("n1").path("ok").asBoolean()).isTrue();
        assertThat(json.path("nodes").path("n1").path("server_version").asText()).startsWith("17.");
        assertThat(json.path("nodes").path("n2").path("error").path("code").asText()).isEqualTo("NODE_UNREACHABLE");
    }

    @Test
    void anUnknownClusterOrNodeIsBadUsage(TestDatabase db) {
        AceRun run = AceRun.at(dir, db);
        assertThat(run.run("check", "nosuch").exit()).isEqualTo(2);
        AceRun.Result node = run.run("check", "acetest", "--nodes", "n1,n9");
        assertThat(node.exit()).isEqualTo(2);
        assertThat(node.err()).startsWith("ace check: ").contains("n9").hasLineCount(1);
    }

    @Test
    void colourOnATerminalButNotWithNoColor(TestDatabase db) {
        AceRun run = AceRun.at(dir, db).terminal();
        assertThat(run.run("check", "acetest").out()).contains("\u001b[32mok\u001b[0m");
        assertThat(run.env("NO_COLOR", "1").run("check", "acetest").out()).doesNotContain("\u001b[");
    }
}
