package dev.ace.cli;

import dev.ace.core.error.AceException;
import dev.ace.core.error.ErrorCode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code ace} command line: its commands, their help, and the one place where a failure
 * becomes what the user reads (one line per problem, in the user's words, no stack trace unless
 * {@code --debug}) and an exit code ({@link ExitCode}). One instance runs one command line; not
 * thread-safe.
 */
final class Cli {

    private final Console console;
    private final Interrupts interrupts;
    private final CommandLine commandLine;
    private String[] arguments = new String[0];

    Cli(Console console, Interrupts interrupts) {
        this.console = console;
        this.interrupts = interrupts;
        this.commandLine = new CommandLine(new AceCommand(console));
        add(commandLine, new TableDiffCommand(console, interrupts));
        add(commandLine, new TableRepairCommand(console, interrupts));
        add(commandLine, new TableRerunCommand(console, interrupts));
        CommandLine spock = add(commandLine, new SpockExceptionCommand(console, interrupts));
        add(spock, new SpockExceptionUpdateCommand(console, interrupts));
        add(spock, new SpockExceptionListCommand(console, interrupts));
        add(commandLine, new ReportCommand(console, interrupts));
        add(commandLine, new CheckCommand(console, interrupts));
        add(commandLine, new ServerCommand(console, interrupts));
        CommandLine tasks = add(commandLine, new TasksCommand(console, interrupts));
        add(tasks, new TaskShowCommand(console, interrupts));
        CommandLine completion = new CommandLine(new AutoComplete.GenerateCompletion());
        completion.getCommandSpec().usageMessage().hidden(false).description(
                "Prints a bash (and zsh) completion script for ace on standard output.",
                "Load it with:  source <(ace generate-completion)",
                "or keep it:    ace generate-completion > /etc/bash_completion.d/ace");
        commandLine.addSubcommand("generate-completion", completion);
        List<String> exitCodes = new ArrayList<>();
        for (ExitCode exit : ExitCode.values()) {
            exitCodes.add(String.format("  %-4d %s", exit.code(), exit.meaning()));
        }
        exitCodes.addAll(List.of("", "Examples:", "  ace check prod",
                "  ace table-diff prod app.users",
                "  ace table-repair prod app.users --diff-file F --source-of-truth n1 --dry-run",
                "  ace table-diff --help"));
        commandLine.getCommandSpec().usageMessage().footer(exitCodes.toArray(String[]::new));
        commandLine.setOut(new PrintWriter(console.out(), true));
        commandLine.setErr(new PrintWriter(console.err(), true));
        commandLine.setColorScheme(Help.defaultColorScheme(console.colour() ? Help.Ansi.ON : Help.Ansi.OFF));
        commandLine.setUsageHelpWidth(Math.min(console.width(), 120));
        commandLine.setExecutionExceptionHandler(this::failed);
        commandLine.setParameterExceptionHandler(this::badUsage);
    }

    /** Adds a command: its options from the table, its help laid out in sections. */
    private static CommandLine add(CommandLine parent, CommandBase command) {
        CommandLine line = new CommandLine(command);
        CommandSpec spec = line.getCommandSpec();
        command.options().addTo(spec);
        spec.usageMessage().sortOptions(false).parameterListHeading("%nArguments:%n").optionListHeading("%nOptions:%n");
        spec.usageMessage().sectionMap().put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_OPTION_LIST,
                help -> optionSections(help, command));
        parent.addSubcommand(line);
        return line;
    }

    /** The picocli command line, for the documentation generator. */
    CommandLine commandLine() {
        return commandLine;
    }

    /** Runs one command line; returns the exit code. */
    int run(String... args) {
        arguments = args.clone();
        try {
            return commandLine.execute(args);
        } finally {
            interrupts.finished();
        }
    }

    /**
     * The options of a command in three groups: its own (the operation's, from the table), the
     * settings of ace.yaml it overrides, and the options every command shares.
     */
    static String optionSections(Help help, CommandBase command) {
        List<OptionSpec> common = commonOptions(help.commandSpec());
        List<OptionSpec> settings = command.options().settingOptions();
        List<OptionSpec> own = help.commandSpec().options().stream()
                .filter(option -> !common.contains(option) && !settings.contains(option)).toList();
        StringBuilder text = new StringBuilder(layout(help, own));
        if (!settings.isEmpty()) {
            text.append(String.format("%nSettings, over ace.yaml's:%n")).append(layout(help, settings));
        }
        return text.append(String.format("%nCommon options:%n")).append(layout(help, common)).toString();
    }

    /** {@code --config}, {@code --role}, {@code --json}, {@code --debug}, {@code --help}, {@code --version}. */
    static List<OptionSpec> commonOptions(CommandSpec spec) {
        List<OptionSpec> common = new ArrayList<>(spec.mixins().get("common").options());
        spec.options().stream().filter(option -> option.usageHelp() || option.versionHelp()).forEach(common::add);
        return common;
    }

    private static String layout(Help help, List<OptionSpec> options) {
        Help.Layout layout = help.createDefaultLayout();
        layout.addOptions(options, help.createDefaultParamLabelRenderer());
        return layout.toString();
    }

    /** A failure while running: one line per problem, the exit code of its {@link ErrorCode}. */
    private int failed(Exception e, CommandLine line, ParseResult parsed) {
        CommonOptions common = line.getCommand() instanceof CommandBase command ? command.common : new CommonOptions();
        String name = line.getCommandSpec().qualifiedName(" ");
        AceException error = e instanceof AceException ace ? ace
                : new AceException(ErrorCode.INTERNAL, "internal error, a bug in ACE: " + e
                + "; run again with --debug to see where, and report it", e);
        ExitCode exit = ExitCode.of(error.code());
        boolean cancelled = error.code() == ErrorCode.CANCELLED || error.code() == ErrorCode.INTERRUPTED;
        String prefix = console.paintErr(name + ":", Console.Style.RED) + " ";
        for (String problem : error.problems()) {
            // a cancelled operation says so once: "cancelled: " unless its message already tells it
            console.err().println(prefix + (cancelled && !problem.contains("cancelled") ? "cancelled: " : "") + problem);
        }
        if (common.debug) {
            e.printStackTrace(console.err());
        }
        if (common.json) {
            printJson(name, exit, JsonResults.error(error));
        }
        console.err().flush();
        return exit.code();
    }

    /** Bad usage found by picocli (an unknown option, a missing argument): one line, and where the help is. */
    private int badUsage(ParameterException e, String[] args) {
        String name = e.getCommandLine().getCommandSpec().qualifiedName(" ");
        String message = e.getMessage();
        if (e instanceof UnmatchedArgumentException unmatched && !unmatched.getSuggestions().isEmpty()) {
            message += "; did you mean " + String.join(" or ", unmatched.getSuggestions()) + "?";
        }
        console.err().println(console.paintErr(name + ":", Console.Style.RED) + " " + message + " (see " + name
                + " --help)");
        console.err().flush();
        if (Arrays.asList(arguments).contains("--json")) {
            printJson(name, ExitCode.USAGE, JsonResults.error("USAGE", message, List.of(message)));
        }
        return ExitCode.USAGE.code();
    }

    private void printJson(String name, ExitCode exit, Map<String, Object> error) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("command", name.replaceFirst("^ace ?", ""));
        json.put("exit_code", exit.code());
        json.putAll(error);
        console.out().println(Output.write(json));
        console.out().flush();
    }
}
