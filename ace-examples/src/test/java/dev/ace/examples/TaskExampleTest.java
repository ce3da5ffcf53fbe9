package dev.ace.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ace.core.Ace;
import dev.ace.core.AceConfig;
import dev.ace.core.CallerRole;
import dev.ace.core.task.Task;
import dev.ace.core.task.TaskState;
import dev.ace.testkit.TestDatabase;
import dev.ace.testkit.WithPgCluster;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@WithPgCluster(nodes = 2)
class TaskExampleTest {

    @TempDir
    Path dir;

    @Test
    void theDiffRunsAsATaskAndItsResultIsPrinted(TestDatabase db) {
        db.executeOnAll("CREATE TABLE t (id int PRIMARY KEY, v text)", "INSERT INTO t VALUES (1, 'a'), (2, 'b')");
        db.execute("n2", "UPDATE t SET v = 'changed' WHERE id = 2");
        db.writeClusterJson(dir.resolve("cluster"));
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (Ace ace = Ace.create(AceConfig.builder().clusterDirectory(dir.resolve("cluster"))
                .outputDirectory(dir.resolve("out")).build())) {
            Task done = TaskExample.diffAsTask(ace, "acetest", "public.t", CallerRole.SERVICE,
                    new PrintStream(buffer, true, StandardCharsets.UTF_8));
            assertThat(done.state()).isEqualTo(TaskState.COMPLETED);
            assertThat(buffer.toString(StandardCharsets.UTF_8))
                    .startsWith("submitted " + done.id() + " (queued)\n")
                    .contains("DIFFERENT: public.t on n1, n2")
                    .contains("  n1/n2: 1 differing rows")
                    .contains("diff file: " + done.diffResult().orElseThrow().diffFile())
                    .endsWith("0 other tasks of yours are queued or running\n");
        }
    }
}
