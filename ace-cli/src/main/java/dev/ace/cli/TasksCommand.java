package dev.ace.cli;

import dev.ace.cli.Console.Style;
import dev.ace.core.AceConfig;
import dev.ace.core.error.AceException;
import dev.ace.core.error.ErrorCode;
import dev.ace.core.error.InvalidRequestException;
import dev.ace.core.option.Options;
import dev.ace.core.task.Task;
import dev.ace.core.task.TaskPage;
import dev.ace.core.task.TaskQuery;
import dev.ace.core.task.TaskState;
import dev.ace.core.task.TaskType;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ace tasks}: lists the tasks of the task store, newest first; {@code ace tasks show ID} shows one. */
@Command(name = "tasks", mixinStandardHelpOptions = true,
        header = "List the tasks of the task store; show one.",
        customSynopsis = {"ace tasks [--state STATE]... [--type TYPE]... [--limit N] [--offset N] [options]",
                "ace tasks show TASK_ID [options]"},
        description = {"Reads the task store (task_store, default <output_dir>/tasks.db): the table-diff, table-repair "
                + "and table-rerun tasks that the HTTPS API (ace server) or a program using Ace.tasks() ran. Lists "
                + "the tasks of your role (--role), newest first; 'ace tasks show ID' shows one with its result. The "
                + "store is held by one process at a time: while ace server runs, ask its API instead.",
                "Exit code: 0 listed, 2 bad usage or configuration, 3 the store could not be read (or the task does "
                        + "not exist)."},
        footerHeading = "%nExamples:%n",
        footer = {"  ace tasks",
                "  ace tasks --state running --state queued",
                "  ace tasks --type table-repair --limit 10 --role alice",
                "  ace tasks show td_20260315_142501123_9f3c0a7be21d44c5d6e1"})
final class TasksCommand extends CommandBase {

    @Option(names = "--state", paramLabel = "STATE",
            description = "only tasks in this state: queued, running, completed, failed or cancelled (repeatable)")
    List<String> states = new ArrayList<>();

    @Option(names = "--type", paramLabel = "TYPE",
            description = "only tasks of this type: table-diff, table-repair or table-rerun (repeatable)")
    List<String> types = new ArrayList<>();

    @Option(names = "--limit", paramLabel = "N", description = "tasks per page, 1 to " + TaskQuery.MAX_LIMIT
            + "; default " + TaskQuery.DEFAULT_LIMIT)
    int limit = TaskQuery.DEFAULT_LIMIT;

    @Option(names = "--offset", paramLabel = "N", description = "tasks skipped before the page; default 0")
    int offset;

    TasksCommand(Console console, Interrupts interrupts) {
        super(console, interrupts, OptionTable.settingsOnly(settings()));
    }

    /** Where the store is, and how it is kept when opened (it purges expired tasks then). */
    static List<dev.ace.core.option.Option<?>> settings() {
        return List.of(Options.OUTPUT_DIR, Options.TASK_STORE, Options.TASK_RETENTION, Options.PURGE_TASK_FILES);
    }

    @Override
    ExitCode run() {
        TaskQuery.Builder query = TaskQuery.builder(role()).offset(offset).limit(limit);
        List<String> problems = new ArrayList<>();
        for (String text : states) {
            TaskState state = TaskState.parse(text);
            if (state == null) {
                problems.add("--state must be queued, running, completed, failed or cancelled, was " + text);
            } else {
                query.states(state);
            }
        }
        for (String text : types) {
            TaskType type = TaskType.parse(text);
            if (type == null) {
                problems.add("--type must be table-diff, table-repair or table-rerun, was " + text);
            } else {
                query.types(type);
            }
        }
        TaskQuery built = null;
        try {
            built = query.build();
        } catch (InvalidRequestException e) {
            problems.addAll(e.problems()); // --limit, --offset: every problem at once, with those above
        }
        if (!problems.isEmpty()) {
            throw new InvalidRequestException("the task list request", problems);
        }
        TaskQuery page = built;
        Output output = output();
        AceConfig config = config();
        if (!Files.exists(config.taskStore())) {
            return output.result(ExitCode.OK, () -> "no tasks: the task store " + config.taskStore()
                    + " does not exist yet (ace server and programs using Ace.tasks() keep tasks there)",
                    () -> json(new TaskPage(List.of(), 0, page.offset(), page.limit())));
        }
        return withAce(ace -> {
            TaskPage tasks = fromStore(config, () -> ace.tasks().list(page));
            return output.result(ExitCode.OK, () -> text(tasks), () -> json(tasks));
        });
    }

    /**
     * Reads the task store; when another process holds it (ace server keeps it open, locked, while
     * it runs), says to ask that process instead of core's advice to give each its own store.
     */
    static <T> T fromStore(AceConfig config, java.util.function.Supplier<T> read) {
        try {
            return read.get();
        } catch (AceException e) {
            if (e.code() == ErrorCode.IO_ERROR && e.getMessage().contains(" is in use by another ")) {
                throw new AceException(ErrorCode.IO_ERROR, "the task store " + config.taskStore() + " is held by "
                        + "another ACE process (ace server, or a program using Ace.tasks()); while it runs, ask it: "
                        + "GET /ace/tasks and /ace/task-status/ID of its HTTPS API", e);
            }
            throw e;
        }
    }

    private String text(TaskPage page) {
        StringBuilder text = new StringBuilder(console.paint(page.total() + (page.total() == 1 ? " task" : " tasks"),
                Style.BOLD)).append('\n');
        for (Task task : page.tasks()) {
            text.append(String.format(Locale.ROOT, "  %-44s %-12s %-10s %-24s %s%n", task.id(), task.type(),
                    state(console, task.state()), task.submittedAt(), task.options().getOrDefault("table_name", "")));
        }
        if (page.hasMore()) {
            text.append(console.paint("more: --offset " + (page.offset() + page.tasks().size()), Style.DIM));
        }
        return text.toString().stripTrailing();
    }

    /** A task's state, coloured: green completed, red failed, yellow cancelled. */
    static String state(Console console, TaskState state) {
        String name = String.format(Locale.ROOT, "%-10s", state.apiName());
        return switch (state) {
            case COMPLETED -> console.paint(name, Style.GREEN);
            case FAILED -> console.paint(name, Style.RED);
            case CANCELLED -> console.paint(name, Style.YELLOW);
            case QUEUED, RUNNING -> console.paint(name, Style.CYAN);
        };
    }

    private static Map<String, Object> json(TaskPage page) {
        List<Map<String, Object>> tasks = new ArrayList<>();
        page.tasks().forEach(task -> tasks.add(JsonResults.task(task)));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("tasks", tasks);
        json.put("total", page.total());
        json.put("offset", page.offset());
        json.put("limit", page.limit());
        json.put("has_more", page.hasMore());
        return json;
    }
}
