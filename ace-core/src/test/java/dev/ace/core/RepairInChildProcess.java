package dev.ace.core;

import dev.ace.core.repair.TableRepairRequest;
import dev.ace.core.task.Task;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A repair in a JVM of its own, for {@link CrashRecoveryTest} to kill: opens {@link Ace} with its
 * task store in the output directory, submits one repair as a task, prints the task's id, and
 * waits for it. Arguments: cluster directory, output directory, cluster name, table, diff file,
 * source of truth, {@code atomic} or {@code per-node}.
 */
public final class RepairInChildProcess {

    private RepairInChildProcess() {
    }

    public static void main(String[] args) {
        Path clusters = Path.of(args[0]);
        Path output = Path.of(args[1]);
        try (Ace ace = Ace.create(AceConfig.builder().clusterDirectory(clusters).outputDirectory(output)
                .statementTimeout(Duration.ofSeconds(30)).connectTimeout(Duration.ofSeconds(2)).build())) {
            Task task = ace.tasks().submit(TableRepairRequest.builder(args[2], args[3]).diffFile(Path.of(args[4]))
                    .sourceOfTruth(args[5]).atomic(args[6].equals("atomic")).build());
            System.out.println("task " + task.id());
            System.out.flush();
            Task done = ace.tasks().awaitCompletion(task.id(), CallerRole.SERVICE, Duration.ofMinutes(5));
            System.out.println("ended " + done.state());
        }
    }
}
