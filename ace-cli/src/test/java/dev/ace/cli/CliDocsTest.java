package dev.ace.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ace.core.option.Operation;
import dev.ace.core.option.Option;
import dev.ace.core.option.OptionType;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * The reference part of {@code docs/cli.md} is generated from the commands themselves, whose
 * options come from core's table of options, so it cannot go stale: this test fails when the page
 * differs, and rewrites it when run with {@code -Dace.docs.write=true}.
 */
class CliDocsTest {

    private static final Path DOC = Path.of("..", "docs", "cli.md");
    static final String BEGIN = "<!-- cli:begin: generated from the commands by CliDocsTest (-Dace.docs.write=true "
            + "rewrites it) -->";
    static final String END = "<!-- cli:end -->";

    private final Cli cli = new Cli(Console.of(new PrintStream(new ByteArrayOutputStream()),
            new PrintStream(new ByteArrayOutputStream()), false, Map.of(), Path.of(".")), new Interrupts());

    @Test
    void thePageDocumentsEveryCommandOptionAndExitCode() throws Exception {
        String generated = BEGIN + "\n" + markdown() + END;
        if (Boolean.getBoolean("ace.docs.write")) {
            String doc = Files.readString(DOC);
            Files.writeString(DOC, doc.substring(0, doc.indexOf(BEGIN)) + generated
                    + doc.substring(doc.indexOf(END) + END.length()));
        }
        String doc = Files.readString(DOC);
        int begin = doc.indexOf(BEGIN);
        int end = doc.indexOf(END);
        assertThat(begin).as("the page's generated part").isNotNegative();
        assertThat(end).isGreaterThan(begin);
        assertThat(doc.substring(begin, end + END.length()))
                .as("docs/cli.md is stale: run ./mvnw -pl ace-cli -am test -Dtest=CliDocsTest "
                        + "-Dsurefire.failIfNoSpecifiedTests=false -Dace.docs.write=true")
                .isEqualTo(generated);
        for (CommandLine command : commands()) {
            assertThat(generated).contains("### " + command.getCommandSpec().qualifiedName(" "));
            command.getCommandSpec().options().forEach(option -> assertThat(generated).contains(option.longestName()));
        }
    }

    private List<CommandLine> commands() {
        List<CommandLine> commands = new java.util.ArrayList<>();
        collect(cli.commandLine(), commands);
        return commands;
    }

    private static void collect(CommandLine line, List<CommandLine> into) {
        if (line.getCommand() instanceof CommandBase) {
            into.add(line);
        }
        line.getSubcommands().values().forEach(sub -> collect(sub, into));
    }

    String markdown() {
        StringBuilder text = new StringBuilder();
        text.append("\n## Exit codes\n\n| code | meaning |\n|---|---|\n");
        for (ExitCode exit : ExitCode.values()) {
            text.append("| ").append(exit.code()).append(" | ").append(cell(exit.meaning())).append(" |\n");
        }
        text.append("\n## Commands\n");
        for (CommandLine line : commands()) {
            command(text, line);
        }
        CommandLine completion = cli.commandLine().getSubcommands().get("generate-completion");
        text.append("\n### ace generate-completion\n\n");
        for (String line : completion.getCommandSpec().usageMessage().description()) {
            text.append(line.startsWith("Load") || line.startsWith("or keep") ? "    " + line : line).append("\n\n");
        }
        settings(text);
        common(text);
        return text.toString();
    }

    private static void command(StringBuilder text, CommandLine line) {
        CommandSpec spec = line.getCommandSpec();
        CommandBase command = line.getCommand();
        text.append("\n### ").append(spec.qualifiedName(" ")).append("\n\n");
        text.append(spec.usageMessage().header()[0]).append("\n\n```\n");
        for (String synopsis : spec.usageMessage().customSynopsis()) {
            text.append(synopsis).append('\n');
        }
        text.append("```\n\n");
        for (String paragraph : spec.usageMessage().description()) {
            text.append(paragraph.replace("<", "&lt;").replace(">", "&gt;")).append("\n\n");
        }
        if (!spec.positionalParameters().isEmpty()) {
            text.append("| argument | meaning |\n|---|---|\n");
            for (PositionalParamSpec positional : spec.positionalParameters()) {
                text.append("| `").append(positional.paramLabel()).append("` | ")
                        .append(cell(String.join(" ", positional.description()))).append(" |\n");
            }
            text.append('\n');
        }
        List<OptionSpec> common = Cli.commonOptions(spec);
        List<OptionSpec> settings = command.options().settingOptions();
        List<OptionSpec> own = spec.options().stream().filter(option -> !common.contains(option)
                && !settings.contains(option)).toList();
        Operation operation = command.options().operation().orElse(null);
        text.append("| option | value | default | allowed | meaning |\n|---|---|---|---|---|\n");
        for (OptionSpec option : own) {
            Optional<Option<?>> fromTable = command.options().optionOf(option);
            if (fromTable.isPresent()) {
                Option<?> table = fromTable.get();
                text.append("| `").append(option.longestName()).append("` | ").append(value(option)).append(" | ")
                        .append(defaultOf(table, operation)).append(" | ")
                        .append(table.type() == OptionType.CHOICE ? "" : cell(table.allowed())).append(" | ")
                        .append(cell(table.help())).append(" |\n");
            } else {
                text.append("| `").append(option.longestName()).append("` | ").append(value(option)).append(" |  |  | ")
                        .append(cell(String.join(" ", option.description()))).append(" |\n");
            }
        }
        text.append('\n');
        if (settings.equals(OptionTable.CONNECTION_SETTINGS.stream().map(setting -> "--" + setting.cliName())
                .map(spec::findOption).toList())) {
            text.append("It also takes the [settings](#settings-on-the-command-line) and the "
                    + "[common options](#common-options).\n");
        } else if (!settings.isEmpty()) {
            text.append("It also takes the settings ").append(String.join(", ", settings.stream()
                    .map(option -> "`" + option.longestName() + "`").toList()))
                    .append(" (see [settings](#settings-on-the-command-line)) and the [common options](#common-options).\n");
        } else {
            text.append("It also takes the [common options](#common-options).\n");
        }
        String[] footer = spec.usageMessage().footer();
        if (footer.length > 0) {
            text.append("\nExamples:\n\n```\n");
            for (String example : footer) {
                text.append(example.startsWith("  ") ? example.substring(2) : example).append('\n');
            }
            text.append("```\n");
        }
    }

    /** Every setting some command takes, in the table's order, with the commands that take it when not all do. */
    private void settings(StringBuilder text) {
        text.append("\n## Settings on the command line\n\nThese settings of `ace.yaml` can be given as options too; "
                + "given on the command line, they win over the file. The commands that connect to a cluster take "
                + "the connection settings; `ace report` takes `--output-dir`; `ace tasks` the task store's. Secrets "
                + "(`ace_user_key_password`) are taken from `ace.yaml` only: a command line is visible to every user "
                + "of the machine.\n\n| option | value | default | allowed | meaning |\n|---|---|---|---|---|\n");
        for (Option<?> setting : dev.ace.core.option.Options.forOperation(Operation.CONFIG)) {
            commands().stream().flatMap(line -> ((CommandBase) line.getCommand()).options().settingOptions().stream()
                            .filter(option -> ((CommandBase) line.getCommand()).options().optionOf(option)
                                    .filter(setting::equals).isPresent()))
                    .findFirst().ifPresent(option -> text.append("| `").append(option.longestName()).append("` | ")
                            .append(value(option)).append(" | ").append(defaultOf(setting, Operation.CONFIG))
                            .append(" | ").append(cell(setting.allowed())).append(" | ").append(cell(setting.help()))
                            .append(" |\n"));
        }
    }

    private void common(StringBuilder text) {
        text.append("\n## Common options\n\nEvery command takes these.\n\n| option | meaning |\n|---|---|\n");
        CommandLine diff = cli.commandLine().getSubcommands().get("table-diff");
        for (OptionSpec option : Cli.commonOptions(diff.getCommandSpec())) {
            text.append("| `").append(String.join("`, `", option.names())).append("` | ")
                    .append(cell(String.join(" ", option.description()))).append(" |\n");
        }
    }

    private static String value(OptionSpec option) {
        return option.arity().max() == 0 ? "" : "`" + cell(option.paramLabel()) + "`";
    }

    private static String defaultOf(Option<?> option, Operation operation) {
        if (operation != null && option.isRequired(operation)) {
            return "required";
        }
        if (option.defaultText().isEmpty() || option.type() == OptionType.BOOLEAN) {
            return "";
        }
        String shown = "`" + option.defaultText() + "`";
        return operation != Operation.CONFIG && option.appliesTo(Operation.CONFIG) ? shown + " or `ace.yaml`'s" : shown;
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;");
    }
}
