package dev.ace.examples;

import dev.ace.core.error.TableNotFoundException;
import dev.ace.testkit.TestDatabase;
import dev.ace.testkit.WithPgCluster;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@WithPgCluster(nodes = 2)
class ConfiguredClusterDemoTest {

    @TempDir
    Path dir;

    @Test
    void checksAConfiguredClusterAndItsTable(TestDatabase db) throws Exception {
        db.executeOnAll("CREATE TABLE public.orders (id int PRIMARY KEY, total numeric)");
        db.writeClusterJson(dir.resolve("clusters"));
        Path config = Files.writeString(dir.resolve("ace.yaml"), "cluster_dir: clusters\n");
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        Demo demo = new Demo(new PrintStream(buffer, true, StandardCharsets.UTF_8), dir);
        demo.checkConfiguredCluster(Map.of("ACE_CONFIG", config.toString(), "ACE_CLUSTER", "acetest",
                "ACE_TABLE", "public.orders"));
        assertThat(buffer.toString(StandardCharsets.UTF_8))
                .contains("== ACE check of cluster acetest (" + config + ")")
                .containsPattern("n2 +127\\.0\\.0\\.1:" + db.node("n2").port())
                .contains("Table public.orders has the same shape on every node:")
                .contains("    total numeric");
        assertThatThrownBy(() -> demo.checkConfiguredCluster(Map.of("ACE_CONFIG", config.toString(),
                "ACE_CLUSTER", "acetest", "ACE_TABLE", "public.missing")))
                .isInstanceOf(TableNotFoundException.class)
                .hasMessageStartingWith("table public.missing does not exist on node n1");
    }
}
