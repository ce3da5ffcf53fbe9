package dev.ace.cli;

import dev.ace.core.Ace;
import dev.ace.core.AceConfig;
import dev.ace.core.CallerRole;
import dev.ace.core.Cancellation;
import dev.ace.core.option.OptionValues;
import dev.ace.core.error.InvalidRequestException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/**
 * What every {@code ace} command shares: the common options, its options from the table
 * ({@link #options()}), the configuration, the role, the console and Ctrl-C. A command implements
 * {@link #run()} and returns its {@link ExitCode}; failures are thrown as
 * {@link dev.ace.core.error.AceException} and reported by {@link Cli} in one place. One instance
 * serves one run; not thread-safe.
 */
abstract class CommandBase implements Callable<Integer> {

    @Mixin
    CommonOptions common = new CommonOptions();

    @Spec
    CommandSpec spec;

    final Console console;
    final Interrupts interrupts;
    private final OptionTable options;

    CommandBase(Console console, Interrupts interrupts, OptionTable options) {
        this.console = console;
        this.interrupts = interrupts;
        this.options = options;
    }

    /** The command's arguments and options from the table, added to it by {@link Cli}. */
    OptionTable options() {
        return options;
    }

    @Override
    public final Integer call() {
        Logging.configure(common.debug);
        checkArguments();
        return run().code();
    }

    /**
     * An argument given by position but empty ({@code ace check ""}) is named as the help names it
     * ({@code CLUSTER is empty}), like a missing one, not in the words of the API's option behind it.
     *
     * @throws InvalidRequestException listing every empty argument
     */
    private void checkArguments() {
        List<String> problems = new ArrayList<>();
        for (PositionalParamSpec positional : spec.positionalParameters()) {
            Object value = positional.getValue();
            if (value != null && value.toString().isBlank()) {
                problems.add(positional.paramLabel() + " is empty");
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidRequestException("the command line", problems);
        }
    }

    /** Does the command's work, prints its result through {@link #output()}, and says how it ended. */
    abstract ExitCode run();

    /** The command's name as typed: {@code table-diff}, {@code spock-exception update}. */
    String name() {
        return spec.qualifiedName(" ").replaceFirst("^ace ", "");
    }

    ParseResult parsed() {
        return spec.commandLine().getParseResult();
    }

    boolean quiet() {
        return options.quiet(parsed());
    }

    Output output() {
        return new Output(console, name(), common.json, quiet());
    }

    /** {@code ace.yaml} (found as {@link Configuration} says) with the settings of the command line over it. */
    AceConfig config() {
        return Configuration.load(console, common.config, options.settingsText(parsed(), console.workingDirectory()));
    }

    /**
     * The operation's options as given, parsed by the table of options (relative paths taken
     * relative to the working directory).
     *
     * @throws dev.ace.core.error.InvalidRequestException listing every problem
     */
    OptionValues values() {
        return options.operationValues(parsed(), console.workingDirectory());
    }

    /** The role given with {@code --role}, else ACE's own user. */
    CallerRole role() {
        return common.role == null ? CallerRole.SERVICE : CallerRole.of(common.role);
    }

    /** Runs {@code work} with an {@link Ace} of the configuration, closed afterwards. */
    <T> T withAce(Function<Ace, T> work) {
        try (Ace ace = Ace.create(config())) {
            return work.apply(ace);
        }
    }

    /**
     * Runs an operation that Ctrl-C may cancel: it gets the cancellation to pass in its request.
     * A cancelled operation fails with {@code ErrorCode.CANCELLED} (a repair may instead return
     * per-node outcomes that say so); a Ctrl-C after it finished changes nothing.
     */
    <T> T cancellable(String operation, Function<Cancellation, T> work) {
        Cancellation cancellation = interrupts.begin(operation);
        try {
            return work.apply(cancellation);
        } finally {
            interrupts.end();
        }
    }
}
