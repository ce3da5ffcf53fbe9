package dev.ace.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ace.core.option.Operation;
import dev.ace.core.option.Option;
import dev.ace.core.option.OptionValues;
import dev.ace.core.option.Options;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** The command line's options are the table's: every option, with its help, default and checks, and nothing else parses them. */
class OptionTableTest {

    private final Cli cli = new Cli(Console.of(new PrintStream(new ByteArrayOutputStream()),
            new PrintStream(new ByteArrayOutputStream()), false, Map.of(), Path.of(".")), new Interrupts());

    static Stream<Arguments> operations() {
        return Stream.of(Arguments.of("table-diff", Operation.TABLE_DIFF),
                Arguments.of("table-repair", Operation.TABLE_REPAIR),
                Arguments.of("table-rerun", Operation.TABLE_RERUN),
                Arguments.of("spock-exception update", Operation.SPOCK_EXCEPTION_UPDATE),
                Arguments.of("spock-exception list", Operation.SPOCK_EXCEPTION_LIST));
    }

    private CommandLine command(String path) {
        CommandLine line = cli.commandLine();
        for (String name : path.split(" ")) {
            line = line.getSubcommands().get(name);
        }
        return line;
    }

    @ParameterizedTest
    @MethodSource("operations")
    void everyOptionOfTheOperationIsOnItsCommandWithTheTablesHelpAndIsParsedByTheTable(String path,
                                                                                       Operation operation) {
        CommandLine command = command(path);
        CommandBase base = command.getCommand();
        List<String> positional = command.getCommandSpec().positionalParameters().stream()
                .map(parameter -> base.options().optionOf(parameter).orElseThrow().name()).toList();
        assertThat(positional).startsWith("cluster_name");
        for (Option<?> option : Options.forOperation(operation)) {
            if (positional.contains(option.name())) {
                continue;
            }
            OptionSpec spec = command.getCommandSpec().findOption("--" + option.cliName());
            assertThat(spec).as(path + " --" + option.cliName()).isNotNull();
            assertThat(spec.description()).containsExactly(OptionTable.description(option, operation));
            assertThat(spec.type()).as("picocli finds the text; the table parses it")
                    .isIn(String.class, boolean.class);
            assertThat(spec.defaultValue()).as("defaults come from the table, not picocli").isNull();
            assertThat(base.options().optionOf(spec)).contains(option);
        }
    }

    @Test
    void theCommandLineAndTheJsonApiReadTheSameRequest() {
        CommandLine command = command("table-diff");
        CommandBase diff = command.getCommand();
        cli.commandLine().parseArgs("table-diff", "prod", "public.users",
                "--block-rows", "5000", "--max-cpu-ratio", "0.5", "--nodes", "n1,n3", "--statement-timeout", "5s",
                "--table-filter", "id < 10", "--quiet");
        OptionValues fromCli = diff.options().operationValues(command.getParseResult(), Path.of("/work"));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("cluster_name", "prod");
        body.put("table_name", "public.users");
        body.put("block_rows", 5000);
        body.put("max_cpu_ratio", 0.5);
        body.put("nodes", "n1,n3");
        body.put("table_filter", "id < 10");
        body.put("quiet", true);
        assertThat(fromCli).isEqualTo(Options.parse(Operation.TABLE_DIFF, body));
        assertThat(diff.options().settingsText(command.getParseResult(), Path.of("/work")))
                .containsExactly(Map.entry(Options.STATEMENT_TIMEOUT, "5s"));
    }

    @Test
    void connectingCommandsOfferEverySettingButSecretsAndTaskSettings() {
        CommandLine command = command("table-repair");
        for (Option<?> setting : Options.forOperation(Operation.CONFIG)) {
            OptionSpec spec = command.getCommandSpec().findOption("--" + setting.cliName());
            boolean offered = spec != null && ((CommandBase) command.getCommand()).options().optionOf(spec)
                    .filter(setting::equals).isPresent();
            boolean expected = !setting.isSecret() && !OptionTable.TASK_SETTINGS.contains(setting)
                    && setting.operations().stream().allMatch(Operation::isSettings);
            assertThat(offered).as(setting.name()).isEqualTo(expected);
        }
        // settings the HTTPS API's section shares are still the top level's settings on the command line
        assertThat(command.getCommandSpec().findOption("--output-dir")).isNotNull();
        assertThat(command.getCommandSpec().findOption("--ca-cert-file")).isNotNull();
        assertThat(command.getCommandSpec().findOption("--ace-user-key-password")).isNull();
        assertThat(command("table-diff").getCommandSpec().findOption("--block-rows")).isNotNull();
    }

    @Test
    void everyCommandTakesTheCommonOptions() {
        for (String path : List.of("table-diff", "table-repair", "table-rerun", "spock-exception update",
                "spock-exception list", "report", "check", "tasks", "tasks show")) {
            for (String option : List.of("--config", "--role", "--json", "--debug", "--quiet", "--help")) {
                assertThat(command(path).getCommandSpec().findOption(option)).as(path + " " + option).isNotNull();
            }
        }
    }
}
