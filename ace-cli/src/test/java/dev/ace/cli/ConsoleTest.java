package dev.ace.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConsoleTest {

    private static Console console(boolean terminal, Map<String, String> environment) {
        return Console.of(new PrintStream(new ByteArrayOutputStream()), new PrintStream(new ByteArrayOutputStream()),
                terminal, environment, Path.of("."));
    }

    @Test
    void colourOnlyOnATerminalAndNeverWithNoColourOrADumbTerminal() {
        assertThat(console(true, Map.of()).paint("MATCH", Console.Style.GREEN)).isEqualTo("\u001b[32mMATCH\u001b[0m");
        assertThat(console(false, Map.of()).paint("MATCH", Console.Style.GREEN)).isEqualTo("MATCH");
        assertThat(console(true, Map.of("NO_COLOR", "1")).paint("MATCH", Console.Style.GREEN)).isEqualTo("MATCH");
        assertThat(console(true, Map.of("NO_COLOR", "")).colour()).as("NO_COLOR set but empty").isTrue();
        assertThat(console(true, Map.of("TERM", "dumb")).colour()).isFalse();
    }

    @Test
    void eachStreamIsColouredOnlyWhenItIsATerminal() {
        Console errorsToAFile = Console.of(new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(new ByteArrayOutputStream()), true, false, Map.of(), Path.of("."));
        assertThat(errorsToAFile.paint("MATCH", Console.Style.GREEN)).isEqualTo("\u001b[32mMATCH\u001b[0m");
        assertThat(errorsToAFile.paintErr("ace table-diff:", Console.Style.RED)).isEqualTo("ace table-diff:");
        Console outputToAPipe = Console.of(new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(new ByteArrayOutputStream()), false, true, Map.of(), Path.of("."));
        assertThat(outputToAPipe.paint("MATCH", Console.Style.GREEN)).isEqualTo("MATCH");
        assertThat(outputToAPipe.paintErr("ace table-diff:", Console.Style.RED))
                .isEqualTo("\u001b[31mace table-diff:\u001b[0m");
        assertThat(console(true, Map.of("NO_COLOR", "1")).paintErr("x", Console.Style.RED)).isEqualTo("x");
    }

    @Test
    void theWidthComesFromColumnsWithinReason() {
        assertThat(console(true, Map.of()).width()).isEqualTo(80);
        assertThat(console(true, Map.of("COLUMNS", "132")).width()).isEqualTo(132);
        assertThat(console(true, Map.of("COLUMNS", "5")).width()).isEqualTo(40);
        assertThat(console(true, Map.of("COLUMNS", "wide")).width()).isEqualTo(80);
    }
}
