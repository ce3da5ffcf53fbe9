package dev.ace.cli;

import dev.ace.core.AceConfig;
import dev.ace.core.error.NotFoundException;
import dev.ace.core.task.Task;
import dev.ace.core.task.TaskProgress;
import java.nio.file.Files;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code ace tasks show TASK_ID}: one task of the task store, with its result or error. */
@Command(name = "show", mixinStandardHelpOptions = true,
        header = "Show one task of the task store.", customSynopsis = "ace tasks show TASK_ID [options]",
        description = {"Shows one task of the task store: what was asked, by which role, where it stands, its "
                + "progress, and its result or error.",
                "Exit code: 0 shown, 2 bad usage or configuration, 3 no such task of your role, or the store could "
                        + "not be read."},
        footerHeading = "%nExamples:%n",
        footer = {"  ace tasks show td_20260315_142501123_9f3c0a7be21d44c5d6e1",
                "  ace tasks show tr_20260315_150102003_0b1c2d3e4f5a6b7c8d9e --json"})
final class TaskShowCommand extends CommandBase {

    @Parameters(index = "0", paramLabel = "TASK_ID", description = "the task's id: td_..., tr_... or rr_...")
    String id;

    TaskShowCommand(Console console, Interrupts interrupts) {
        super(console, interrupts, OptionTable.settingsOnly(TasksCommand.settings()));
    }

    @Override
    ExitCode run() {
        AceConfig config = config();
        if (!Files.exists(config.taskStore())) {
            throw new NotFoundException("task " + id + " not found: the task store " + config.taskStore()
                    + " does not exist");
        }
        Output output = output();
        return withAce(ace -> {
            Task task = TasksCommand.fromStore(config, () -> ace.tasks().get(id, role()));
            return output.result(ExitCode.OK, () -> text(task), () -> JsonResults.task(task));
        });
    }

    private String text(Task task) {
        StringBuilder text = new StringBuilder();
        text.append(console.paint(task.id(), Console.Style.BOLD)).append("  ").append(task.type()).append("  ")
                .append(TasksCommand.state(console, task.state()).strip()).append('\n');
        Summaries.line(text, "role", task.role().toString());
        task.options().forEach((name, value) -> Summaries.line(text, name, String.valueOf(value)));
        Summaries.line(text, "submitted", String.valueOf(task.submittedAt()));
        if (task.startedAt() != null) {
            Summaries.line(text, "started", task.startedAt().toString());
        }
        if (task.finishedAt() != null) {
            Summaries.line(text, "finished", task.finishedAt().toString());
        }
        if (task.timeTaken() != null) {
            Summaries.line(text, "time", Summaries.seconds(task.timeTaken()));
        }
        if (!task.finished() && task.progress() instanceof TaskProgress.Ranges ranges) {
            Summaries.line(text, "progress", ranges.done() + " of " + ranges.total() + " ranges");
        } else if (!task.finished() && task.progress() instanceof TaskProgress.Rows rows) {
            rows.nodes().forEach((node, counts) -> Summaries.line(text, "progress", node + ": " + counts.applied()
                    + " of " + counts.planned() + " rows applied"));
        }
        if (task.errorCode() != null) {
            Summaries.line(text, "error", console.paint(task.errorCode() + ": " + task.errorMessage(),
                    Console.Style.RED));
        }
        task.diffResult().ifPresent(result -> text.append('\n').append(Summaries.diff(console,
                task.type().apiName(), result, null)));
        task.repairResult().ifPresent(result -> text.append('\n').append(Summaries.repair(console, result)));
        return text.toString().stripTrailing();
    }
}
