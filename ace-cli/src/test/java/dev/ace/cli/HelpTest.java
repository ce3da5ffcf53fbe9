package dev.ace.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.PositionalParamSpec;

class HelpTest {

    @TempDir
    Path dir;

    @Test
    void everyCommandHasHelpWithExamples() {
        for (String command : List.of("table-diff", "table-repair", "table-rerun", "spock-exception",
                "spock-exception update", "spock-exception list", "report", "check", "server", "tasks", "tasks show")) {
            String[] args = (command + " --help").split(" ");
            AceRun.Result help = AceRun.in(dir).run(args);
            assertThat(help.exit()).as(command).isZero();
            assertThat(help.out()).as(command).contains("Usage: ace " + command).contains("Examples:\n  ").contains("\n  ace " + command.split(" ")[0])
                    .contains("Common options:\n");
        }
    }

    @Test
    void theHelpOfAnOperationGroupsItsOptionsSettingsAndCommonOptions() {
        String help = AceRun.in(dir).run("table-diff", "--help").out();
        assertThat(help).contains("Arguments:\n      CLUSTER ", "Options:\n      --dbname=DB ",
                "      --block-rows=N        rows per diff block (key range); default 10000 or\n"
                        + "                              ace.yaml's block_rows; between 1000 and 100000\n",
                "Settings, over ace.yaml's:\n      --cluster-dir=DIR ", "      --output=json|csv|html\n");
        assertThat(help.indexOf("--quiet")).isLessThan(help.indexOf("Settings, over ace.yaml's:"));
    }

    @Test
    void aceAloneShowsItsCommandsAndTheExitCodesAndIsBadUsage() {
        AceRun.Result result = AceRun.in(dir).run();
        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.err()).contains("Commands:\n  table-diff ", "  generate-completion ",
                "Exit codes:\n  0    the nodes match, or the operation succeeded\n", "  130  cancelled with Ctrl-C",
                "Examples:\n  ace check prod\n  ace table-diff prod app.users\n");
        assertThat(AceRun.in(dir).run("--help").out()).contains("Examples:\n  ace check prod\n");
    }

    @Test
    void aMissingOrEmptyArgumentIsNamedAsTheHelpNamesItOnOneLine() {
        for (CommandLine command : commands(new Cli(Console.of(System.out, System.err, false, Map.of(), dir),
                new Interrupts()).commandLine())) {
            List<String> labels = command.getCommandSpec().positionalParameters().stream()
                    .map(PositionalParamSpec::paramLabel).toList();
            if (labels.isEmpty()) {
                continue;
            }
            String name = command.getCommandSpec().qualifiedName(" ");
            List<String> words = new ArrayList<>(List.of(name.replaceFirst("^ace ", "").split(" ")));
            AceRun.Result missing = AceRun.in(dir).run(words.toArray(String[]::new));
            assertThat(missing.exit()).as(name).isEqualTo(2);
            assertThat(missing.err()).as(name).isEqualTo(name + ": Missing required parameter"
                    + (labels.size() > 1 ? "s: '" : ": '") + String.join("', '", labels) + "' (see " + name
                    + " --help)\n");
            if (labels.size() > 1) {
                List<String> first = new ArrayList<>(words);
                first.add("x");
                AceRun.Result last = AceRun.in(dir).run(first.toArray(String[]::new));
                assertThat(last.err()).as(name).isEqualTo(name + ": Missing required parameter: '"
                        + labels.get(1) + "' (see " + name + " --help)\n");
            }
            labels.forEach(label -> words.add(" "));
            AceRun.Result empty = AceRun.in(dir).run(words.toArray(String[]::new));
            assertThat(empty.exit()).as(name).isEqualTo(2);
            assertThat(empty.err()).as(name).isEqualTo(labels.stream().map(label -> name + ": " + label + " is empty\n")
                    .collect(Collectors.joining()));
        }
    }

    private static List<CommandLine> commands(CommandLine parent) {
        List<CommandLine> all = new ArrayList<>();
        for (CommandLine sub : parent.getSubcommands().values()) {
            all.add(sub);
            all.addAll(commands(sub));
        }
        return all;
    }

    @Test
    void theCompletionScriptCompletesCommandsOptionsAndChoices() {
        AceRun.Result result = AceRun.in(dir).run("generate-completion");
        assertThat(result.exit()).isZero();
        assertThat(result.out()).startsWith("#!/usr/bin/env bash").contains("table-diff", "--block-rows",
                "--source-of-truth", "(\"json\" \"csv\" \"html\")", "(\"multiprocessing\" \"hostdb\")", "generate-completion");
    }

    @Test
    void theCompletionCommandsHelpSaysHowToLoadTheScript() {
        AceRun.Result help = AceRun.in(dir).run("generate-completion", "--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("Usage: ace generate-completion", "source <(ace generate-completion)");
    }

    @Test
    void theVersionNamesJava() {
        assertThat(AceRun.in(dir).run("--version").out()).startsWith("ace ").contains("(Java ");
    }
}
