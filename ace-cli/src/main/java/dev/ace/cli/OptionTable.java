package dev.ace.cli;

import dev.ace.core.option.Operation;
import dev.ace.core.option.Option;
import dev.ace.core.option.OptionType;
import dev.ace.core.option.OptionValues;
import dev.ace.core.option.Options;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParseResult;

/**
 * A command's options, built from core's table of options ({@link Options}) so that the command
 * line, the HTTP API and {@code ace.yaml} can never drift apart: the kebab-case name of every
 * option of the command's {@link Operation}, its help, default and allowed values; the arguments
 * the command takes by position ({@code CLUSTER SCHEMA.TABLE}); and the settings of
 * {@code ace.yaml} it lets the command line override ({@code --output-dir}, ...).
 *
 * <p>picocli only finds the options and their text; the text is parsed by
 * {@link Options#parseText}, which checks types, ranges and rules across options and reports
 * every problem at once in the option's own words. Immutable once added to a command.
 */
final class OptionTable {

    /** Settings that only tasks use ({@code ace tasks}); the operations of the command line do not run as tasks. */
    static final Set<Option<?>> TASK_SETTINGS = Set.of(Options.TASK_STORE, Options.MAX_RUNNING_TASKS,
            Options.MAX_QUEUED_TASKS, Options.TASK_RETENTION, Options.PURGE_TASK_FILES);

    /**
     * The settings a command that connects to a cluster lets the command line override: every
     * setting that is not also an operation's option ({@code block_rows} is table-diff's), not a
     * secret (a password on a command line is visible to every user of the machine; keep it in
     * {@code ace.yaml}) and not a task setting.
     */
    static final List<Option<?>> CONNECTION_SETTINGS = Options.forOperation(Operation.CONFIG).stream()
            .filter(option -> option.operations().stream().allMatch(Operation::isSettings) && !option.isSecret()
                    && !TASK_SETTINGS.contains(option))
            .toList();

    private final Operation operation;
    private final Map<Option<?>, String> positionals;
    private final List<Option<?>> settings;
    private final Map<ArgSpec, Option<?>> operationArgs = new LinkedHashMap<>();
    private final Map<OptionSpec, Option<?>> settingArgs = new LinkedHashMap<>();
    private OptionSpec quiet;

    private OptionTable(Operation operation, Map<Option<?>, String> positionals, List<Option<?>> settings) {
        this.operation = operation;
        this.positionals = positionals;
        this.settings = settings;
    }

    /**
     * The options of {@code operation}; those of {@code positionals} (in order, with their labels:
     * {@code cluster_name -> CLUSTER}) are taken by position instead of by name.
     */
    static OptionTable of(Operation operation, Map<Option<?>, String> positionals, List<Option<?>> settings) {
        return new OptionTable(operation, new LinkedHashMap<>(positionals), List.copyOf(settings));
    }

    /** No operation's options: only {@code settings} (and {@code --quiet}). */
    static OptionTable settingsOnly(List<Option<?>> settings) {
        return new OptionTable(null, Map.of(), List.copyOf(settings));
    }

    /**
     * Adds the positional arguments, the operation's options, the settings and {@code --quiet} to a
     * command. The positionals are required of picocli, so that a missing one is named as the help
     * names it ({@code CLUSTER}), not in the API's words ({@code cluster_name}).
     */
    void addTo(CommandSpec command) {
        int index = 0;
        for (Map.Entry<Option<?>, String> positional : positionals.entrySet()) {
            PositionalParamSpec spec = PositionalParamSpec.builder().index(String.valueOf(index++))
                    .paramLabel(positional.getValue()).type(String.class).arity("1").required(true)
                    .description(positional.getKey().help()).build();
            command.addPositional(spec);
            operationArgs.put(spec, positional.getKey());
        }
        if (operation != null) {
            for (Option<?> option : Options.forOperation(operation)) {
                if (!positionals.containsKey(option)) {
                    OptionSpec spec = spec(option, operation);
                    command.addOption(spec);
                    operationArgs.put(spec, option);
                    if (option == Options.QUIET) {
                        quiet = spec;
                    }
                }
            }
        }
        for (Option<?> setting : settings) {
            OptionSpec spec = spec(setting, Operation.CONFIG);
            command.addOption(spec);
            settingArgs.put(spec, setting);
        }
        if (quiet == null) {
            quiet = OptionSpec.builder("--quiet").arity("0").type(boolean.class)
                    .description("print nothing but errors; the exit code tells the outcome").build();
            command.addOption(quiet);
        }
    }

    /** The option as the command line shows it: {@code --block-rows=N}, help, default, allowed values. */
    private static OptionSpec spec(Option<?> option, Operation operation) {
        boolean flag = option.type() == OptionType.BOOLEAN;
        OptionSpec.Builder builder = OptionSpec.builder("--" + option.cliName())
                .type(flag ? boolean.class : String.class).arity(flag ? "0" : "1")
                .description(description(option, operation));
        if (!flag) {
            builder.paramLabel(label(option));
        }
        if (!option.choices().isEmpty()) {
            builder.completionCandidates(option.choices());
        }
        return builder.build();
    }

    /** The help of an option: its meaning, then whether it is required or its default, then what it allows. */
    static String description(Option<?> option, Operation operation) {
        StringBuilder text = new StringBuilder(option.help());
        if (option.isRequired(operation)) {
            text.append("; required");
        } else if (!option.defaultText().isEmpty() && option.type() != OptionType.BOOLEAN) {
            text.append("; default ").append(option.defaultText());
            if (operation != Operation.CONFIG && option.appliesTo(Operation.CONFIG)) {
                text.append(" or ace.yaml's ").append(option.name());
            }
        }
        if (!option.allowed().isEmpty() && option.type() != OptionType.CHOICE) {
            text.append("; ").append(option.allowed());
        }
        return text.toString();
    }

    /** The placeholder of an option's value: {@code N}, {@code DURATION}, {@code json|csv|html}, ... */
    static String label(Option<?> option) {
        return switch (option.type()) {
            case INTEGER -> option == Options.REMOTE_XID ? "XID" : "N";
            case NUMBER -> "NUMBER";
            case DURATION -> "DURATION";
            case TIMESTAMP -> "TIMESTAMP";
            case PATH -> option.name().endsWith("_dir") ? "DIR" : "FILE";
            case CHOICE -> String.join("|", option.choices());
            case NODES -> "NODES";
            case OBJECT -> "JSON";
            case TEXT -> option == Options.SOURCE_OF_TRUTH || option == Options.REMOTE_ORIGIN ? "NODE"
                    : option == Options.DBNAME ? "DB"
                    : option == Options.TABLE_FILTER ? "SQL" : option == Options.TABLE_NAME ? "SCHEMA.TABLE" : "TEXT";
            case BOOLEAN -> "";
        };
    }

    /**
     * The operation's options as given, parsed by the table; relative paths are taken relative to
     * {@code workingDirectory}.
     *
     * @throws dev.ace.core.error.InvalidRequestException listing every problem of the options
     */
    OptionValues operationValues(ParseResult parsed, Path workingDirectory) {
        Map<String, String> text = new LinkedHashMap<>();
        operationArgs.forEach((arg, option) -> {
            if (parsed.matchedArgs().contains(arg)) {
                text.put(option.name(), text(option, arg, workingDirectory));
            }
        });
        return Options.parseText(operation, text);
    }

    /** The settings given on the command line, as their text; relative paths made relative to {@code workingDirectory}. */
    Map<Option<?>, String> settingsText(ParseResult parsed, Path workingDirectory) {
        Map<Option<?>, String> text = new LinkedHashMap<>();
        settingArgs.forEach((spec, setting) -> {
            if (parsed.matchedArgs().contains(spec)) {
                text.put(setting, text(setting, spec, workingDirectory));
            }
        });
        return text;
    }

    private static String text(Option<?> option, ArgSpec arg, Path workingDirectory) {
        Object value = arg.getValue();
        String text = String.valueOf(value);
        return option.type() == OptionType.PATH && !text.isBlank() ? workingDirectory.resolve(text.strip()).toString()
                : text;
    }

    /** Whether {@code --quiet} was given. */
    boolean quiet(ParseResult parsed) {
        return parsed.matchedArgs().contains(quiet);
    }

    /** The option of the table behind an argument of the command, if it is one. */
    Optional<Option<?>> optionOf(ArgSpec arg) {
        Option<?> option = operationArgs.get(arg);
        return Optional.ofNullable(option != null ? option : settingArgs.get(arg));
    }

    Optional<Operation> operation() {
        return Optional.ofNullable(operation);
    }

    /** The operation's options taken by name, in the table's order, and {@code --quiet}. */
    List<OptionSpec> operationOptions() {
        List<OptionSpec> options = new ArrayList<>();
        operationArgs.keySet().stream().filter(arg -> arg instanceof OptionSpec).forEach(arg -> options.add((OptionSpec) arg));
        if (!options.contains(quiet)) {
            options.add(quiet);
        }
        return options;
    }

    /** The settings of {@code ace.yaml} the command line may override. */
    List<OptionSpec> settingOptions() {
        return List.copyOf(settingArgs.keySet());
    }
}
