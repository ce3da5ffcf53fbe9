package dev.ace.core.option;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The option tables of {@code docs/configuration.md} are generated from {@link Options}, so they
 * cannot go stale: this test fails when they differ, and rewrites them when run with
 * {@code -Dace.docs.write=true}.
 */
class OptionsDocTest {

    private static final Path DOC = Path.of("..", "docs", "configuration.md");
    static final String BEGIN = "<!-- options:begin: generated from dev.ace.core.option.Options by OptionsDocTest "
            + "(-Dace.docs.write=true rewrites it) -->";
    static final String END = "<!-- options:end -->";

    @Test
    void theConfigurationDocListsEveryOptionOfTheTable() throws Exception {
        String generated = BEGIN + "\n" + markdown() + END;
        if (Boolean.getBoolean("ace.docs.write")) {
            String doc = Files.readString(DOC);
            Files.writeString(DOC, doc.substring(0, doc.indexOf(BEGIN)) + generated
                    + doc.substring(doc.indexOf(END) + END.length()));
        }
        String doc = Files.readString(DOC);
        int begin = doc.indexOf(BEGIN);
        int end = doc.indexOf(END);
        assertThat(begin).as("the doc's generated section").isNotNegative();
        assertThat(end).isGreaterThan(begin);
        assertThat(doc.substring(begin, end + END.length())).isEqualTo(generated);
        for (Option<?> option : Options.all()) {
            assertThat(generated).contains("| `" + option.name() + "` |");
        }
    }

    /** One table per operation: name, command-line flag, type, default, allowed values, meaning. */
    static String markdown() {
        StringBuilder text = new StringBuilder();
        for (Operation operation : Operation.values()) {
            text.append('\n').append("### ").append(operation == Operation.CONFIG ? "`ace.yaml`"
                    : operation.section().map(section -> "`ace.yaml`, section `" + section + "` (the HTTPS API)")
                    .orElse(operation.apiName())).append("\n\n");
            text.append("| ").append(operation.noun()).append(" | command line | type | default | allowed | meaning |\n");
            text.append("|---|---|---|---|---|---|\n");
            for (Option<?> option : Options.forOperation(operation)) {
                text.append("| `").append(option.name()).append("` | ").append(commandLine(option)).append(" | ")
                        .append(option.type().displayName()).append(" | ").append(defaultOf(option, operation))
                        .append(" | ").append(cell(option.allowed())).append(" | ").append(cell(option.help()))
                        .append(" |\n");
            }
        }
        return text.append('\n').toString();
    }

    /** A secret has no flag: a password on a command line is visible to every user of the machine. */
    private static String commandLine(Option<?> option) {
        return option.isSecret() ? "(`ace.yaml` only: a secret)" : "`--" + option.cliName() + "`";
    }

    private static String defaultOf(Option<?> option, Operation operation) {
        if (option.isRequired(operation)) {
            return "required";
        }
        if (operation.section().isPresent() && option.appliesTo(Operation.CONFIG)) {
            return "the top level's `" + option.name() + "`";
        }
        if (option.defaultText().isEmpty()) {
            return "";
        }
        String shown = "`" + option.defaultText() + "`";
        return operation != Operation.CONFIG && option.appliesTo(Operation.CONFIG) ? shown + " (`ace.yaml`)" : shown;
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;");
    }
}
