package dev.ace.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ace.core.AceConfig;
import dev.ace.core.error.InvalidConfigurationException;
import dev.ace.core.option.Options;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigurationTest {

    @TempDir
    Path dir;

    private Console console(Map<String, String> environment) {
        return Console.of(new PrintStream(new ByteArrayOutputStream()), new PrintStream(new ByteArrayOutputStream()),
                false, environment, dir);
    }

    @Test
    void theFileIsTheOneGivenElseTheLocalAceYamlElseAceConfigElseNone() throws Exception {
        Path named = Files.writeString(dir.resolve("named.yaml"), "block_rows: 2000\n");
        assertThat(Configuration.file(console(Map.of()), null)).isNull();
        assertThat(Configuration.file(console(Map.of("ACE_CONFIG", named.toString())), null)).isEqualTo(named);
        Path local = Files.writeString(dir.resolve("ace.yaml"), "block_rows: 3000\n");
        assertThat(Configuration.file(console(Map.of("ACE_CONFIG", named.toString())), null)).isEqualTo(local);
        assertThat(Configuration.file(console(Map.of()), Path.of("named.yaml"))).isEqualTo(named);
        assertThatThrownBy(() -> Configuration.file(console(Map.of()), Path.of("missing.yaml")))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("the configuration file missing.yaml does not exist");
        assertThat(Configuration.file(console(Map.of("ACE_CONFIG", "gone.yaml")), Path.of("named.yaml")))
                .as("the file given wins over ACE_CONFIG").isEqualTo(named);
        Files.delete(local);
        assertThatThrownBy(() -> Configuration.file(console(Map.of("ACE_CONFIG", "gone.yaml")), null))
                .hasMessage("ACE_CONFIG names gone.yaml, which does not exist");
    }

    @Test
    void theCommandLinesSettingsWinAndAllTheirProblemsAreListed() throws Exception {
        Files.writeString(dir.resolve("ace.yaml"), "block_rows: 3000\nstatement_timeout: 30s\n");
        AceConfig config = Configuration.load(console(Map.of()), null, Map.of(Options.STATEMENT_TIMEOUT, "5s"));
        assertThat(config.blockRows()).isEqualTo(3000);
        assertThat(config.statementTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThatThrownBy(() -> Configuration.load(console(Map.of()), null, Map.of(Options.STATEMENT_TIMEOUT, "5",
                Options.MAX_CONNECTIONS_PER_NODE, "many")))
                .isInstanceOf(InvalidConfigurationException.class)
                .satisfies(e -> assertThat(((InvalidConfigurationException) e).problems()).containsExactlyInAnyOrder(
                        "statement_timeout must be a duration with a unit, such as 500ms, 10s, 2m or 1h, was \"5\"",
                        "max_connections_per_node must be an integer, was \"many\""));
        assertThatThrownBy(() -> Configuration.load(console(Map.of()), null, Map.of(Options.CONNECT_TIMEOUT, "0s")))
                .hasMessage("connect_timeout must be more than 0, was PT0S");
    }

    @Test
    void aBadAceYamlIsBadUsageNamingTheFile() throws Exception {
        Files.writeString(dir.resolve("ace.yaml"), "blok_rows: 3000\n");
        AceRun.Result result = AceRun.in(dir).run("check", "acetest");
        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.err()).startsWith("ace check: ").contains("blok_rows").contains("block_rows");
    }
}
