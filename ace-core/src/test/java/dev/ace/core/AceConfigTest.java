package dev.ace.core;

import dev.ace.core.error.AceException;
import dev.ace.core.error.ErrorCode;
import dev.ace.core.error.InvalidConfigurationException;
import dev.ace.core.option.Options;
import dev.ace.testkit.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AceConfigTest {

    @TempDir
    Path dir;

    @Test
    void defaultsMatchTheApiText() {
        AceConfig config = AceConfig.defaults();
        assertThat(config.blockRows()).isEqualTo(10_000);
        assertThat(config.maxCpuRatio()).isEqualTo(0.6);
        assertThat(config.batchSize()).isEqualTo(1);
        assertThat(config.maxDiffRows()).isEqualTo(10_000);
        assertThat(config.useCertAuth()).isFalse();
        assertThat(config.clusterDirectory()).isEqualTo(Path.of("cluster"));
        assertThat(config.statementTimeout()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void everyInvalidSettingIsListedAtOnceAndNothingIsClamped() {
        assertThatThrownBy(() -> AceConfig.builder().blockRows(50).maxCpuRatio(0).batchSize(0)
                .connectTimeout(Duration.ZERO).maxDiffRows(-1).build())
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("the configuration has 5 problems:\n"
                        + "- block_rows must be between 1000 and 100000, was 50\n"
                        + "- max_cpu_ratio must be above 0 and at most 1, was 0.0\n"
                        + "- batch_size must be between 1 and 1000, was 0\n"
                        + "- max_diff_rows must be 0 (no cap) or more, was -1\n"
                        + "- connect_timeout must be more than 0, was PT0S")
                .satisfies(e -> assertThat(((AceException) e).code()).isEqualTo(ErrorCode.INVALID_CONFIGURATION));
        assertThatThrownBy(() -> AceConfig.builder().maxCpuRatio(1.5).build())
                .hasMessage("max_cpu_ratio must be above 0 and at most 1, was 1.5");
    }

    @Test
    void anySettingCanBeSetByItsOptionOverWhatAFileSaid() throws Exception {
        Path file = dir.resolve("ace.yaml");
        Files.writeString(file, "output_dir: from-file\nblock_rows: 5000\nstatement_timeout: 30s\n");
        AceConfig config = AceConfig.load(file).toBuilder()
                .set(Options.OUTPUT_DIR, Path.of("/elsewhere"))
                .set(Options.STATEMENT_TIMEOUT, Options.STATEMENT_TIMEOUT.valueOf("5s"))
                .set(Options.BLOCK_ROWS, null)
                .build();
        assertThat(config.outputDirectory()).isEqualTo(Path.of("/elsewhere"));
        assertThat(config.statementTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.blockRows()).as("null takes the default").isEqualTo(10_000);
        assertThatThrownBy(() -> AceConfig.builder().set(Options.BLOCK_ROWS, 50).build())
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("block_rows must be between 1000 and 100000, was 50");
        assertThatThrownBy(() -> AceConfig.builder().set(Options.DRY_RUN, true))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("dry_run is not an option of ace.yaml");
    }

    @Test
    void yamlFileUsesTheApiNamesAndResolvesPathsAgainstItsDirectory() throws Exception {
        Path file = dir.resolve("conf").resolve("ace.yaml");
        Files.createDirectories(file.getParent());
        Files.writeString(file, String.join("\n",
                "cluster_dir: clusters",
                "output_dir: /var/ace",
                "block_rows: 5000",
                "max_cpu_ratio: 0.8",
                "batch_size: 50",
                "max_diff_rows: 0",
                "connect_timeout: 1500ms",
                "statement_timeout: 2m",
                "use_cert_auth: false",
                "ace_user_cert_file: \"\"",
                ""));
        AceConfig config = AceConfig.load(file);
        assertThat(config.clusterDirectory()).isEqualTo(dir.resolve("conf").resolve("clusters").toAbsolutePath());
        assertThat(config.outputDirectory()).isEqualTo(Path.of("/var/ace"));
        assertThat(config.blockRows()).isEqualTo(5000);
        assertThat(config.maxCpuRatio()).isEqualTo(0.8);
        assertThat(config.batchSize()).isEqualTo(50);
        assertThat(config.maxDiffRows()).isZero();
        assertThat(config.connectTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(config.statementTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(config.userCertFile()).isEmpty();
    }

    @Test
    void yamlProblemsAreAllListedInTheUsersWords() throws Exception {
        Path file = dir.resolve("ace.yaml");
        Files.writeString(file, String.join("\n",
                "blok_rows: 5000",
                "colour: red",
                "block_rows: lots",
                "use_cert_auth: maybe",
                "connect_timeout: 10",
                "max_cpu_ratio: 3",
                ""));
        assertThatThrownBy(() -> AceConfig.load(file))
                .isInstanceOf(InvalidConfigurationException.class)
                .satisfies(e -> assertThat(((AceException) e).problems()).containsExactly(
                        "unknown setting \"blok_rows\"; did you mean block_rows?",
                        "unknown setting \"colour\"; the settings of ace.yaml are: cluster_dir, pg_service_file, "
                                + "output_dir, use_cert_auth, ace_user_cert_file, ace_user_key_file, "
                                + "ace_user_key_password, ca_cert_file, block_rows, max_cpu_ratio, batch_size, "
                                + "max_diff_rows, max_connections_per_node, connect_timeout, statement_timeout, "
                                + "application_name, mtree_schema, task_store, max_running_tasks, max_queued_tasks, task_retention, "
                                + "purge_task_files",
                        "use_cert_auth must be true or false, was \"maybe\"",
                        "block_rows must be an integer, was \"lots\"",
                        "max_cpu_ratio must be above 0 and at most 1, was 3.0",
                        "connect_timeout must be a duration with a unit, such as 500ms, 10s, 2m or 1h, was 10"))
                .hasMessageStartingWith("configuration file " + file + " has 6 problems:");
    }

    @Test
    void yamlThatDoesNotParseNamesTheFileAndLine() throws Exception {
        Path file = dir.resolve("ace.yaml");
        Files.writeString(file, "block_rows: 5000\n  bad: [unclosed\n");
        assertThatThrownBy(() -> AceConfig.load(file))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageStartingWith("configuration file " + file + " is not valid YAML: ")
                .hasMessageContaining("line 2");
        assertThatThrownBy(() -> AceConfig.load(dir.resolve("missing.yaml")))
                .hasMessageStartingWith("configuration file " + dir.resolve("missing.yaml") + " cannot be read");
    }

    @Test
    void certificateAuthNeedsAllThreeFilesAndSaysWhichAreMissing() {
        assertThatThrownBy(() -> AceConfig.builder().useCertAuth(true).userCertFile(dir.resolve("nope.crt")).build())
                .satisfies(e -> assertThat(((AceException) e).problems()).containsExactly(
                        "ace_user_cert_file " + dir.resolve("nope.crt") + " does not exist or is not a file",
                        "ca_cert_file must be set when use_cert_auth is true",
                        "ace_user_key_file must be set when use_cert_auth is true"));
    }

    @Test
    void traditionalPkcs1KeyIsRejectedWithTheOneLineFix() {
        TestCertificates.Authority ca = TestCertificates.authority("test CA");
        TestCertificates.Issued client = ca.issueClient("ace");
        Path cert = client.writeCertificate(dir.resolve("ace.crt"));
        Path key = client.writePkcs1PrivateKey(dir.resolve("ace.key"));
        Path root = ca.writeCertificate(dir.resolve("root.crt"));
        assertThatThrownBy(() -> AceConfig.builder().useCertAuth(true).userCertFile(cert).userKeyFile(key)
                .caCertFile(root).build())
                .hasMessage("ace_user_key_file " + key + " is a traditional (PKCS#1/SEC1) PEM key, which the PostgreSQL "
                        + "JDBC driver cannot read; convert it once with: openssl pkcs8 -topk8 -nocrypt -in " + key
                        + " -out " + dir.resolve("ace-pkcs8.key"));
        Path pkcs8 = client.writePrivateKey(dir.resolve("ace-pkcs8.key"));
        assertThat(AceConfig.builder().useCertAuth(true).userCertFile(cert).userKeyFile(pkcs8).caCertFile(root).build()
                .userKeyFile()).contains(pkcs8);
    }

    @Test
    void keyPasswordNeverShowsInToString() {
        AceConfig config = AceConfig.builder().userKeyPassword("hunter2").build();
        assertThat(config.toString()).doesNotContain("hunter2").contains("userKeyPassword=***");
        assertThat(config.userKeyPassword()).contains("hunter2");
    }

    @Test
    void taskSettingsDefaultToTheOutputDirectoryAWeekAndWhatThePoolsCanServe() {
        AceConfig config = AceConfig.builder().outputDirectory(Path.of("/var/ace")).maxConnectionsPerNode(64).build();
        int perTask = Math.min(64, Runtime.getRuntime().availableProcessors());
        assertThat(config.taskStore()).isEqualTo(Path.of("/var/ace/tasks.db"));
        assertThat(config.maxRunningTasks()).isEqualTo(Math.max(1, 64 / perTask));
        assertThat(config.maxQueuedTasks()).isEqualTo(100);
        assertThat(config.taskRetention()).isEqualTo(Duration.ofDays(7));
        assertThat(config.purgeTaskFiles()).isFalse();
        assertThat(AceConfig.builder().maxConnectionsPerNode(1).build().maxRunningTasks()).isEqualTo(1);
    }

    @Test
    void taskSettingsOutOfRangeAreAllListed() {
        assertThatThrownBy(() -> AceConfig.builder().maxConnectionsPerNode(8).maxRunningTasks(9).maxQueuedTasks(-1)
                .taskRetention(Duration.ZERO).build())
                .satisfies(e -> assertThat(((AceException) e).problems()).containsExactly(
                        "max_queued_tasks must be between 0 and 10000, was -1",
                        "task_retention must be more than 0, was PT0S",
                        // a rule across two settings comes after the settings' own checks
                        "max_running_tasks must be between 1 and max_connections_per_node (8), was 9"));
        assertThatThrownBy(() -> AceConfig.builder().maxRunningTasks(0).build())
                .hasMessage("max_running_tasks must be between 1 and max_connections_per_node (16), was 0");
    }

    @Test
    void yamlTaskSettings() throws Exception {
        Path file = dir.resolve("ace.yaml");
        Files.writeString(file, String.join("\n",
                "task_store: state/tasks.db",
                "max_running_tasks: 3",
                "max_queued_tasks: 0",
                "task_retention: 2d",
                "purge_task_files: true",
                ""));
        AceConfig config = AceConfig.load(file);
        assertThat(config.taskStore()).isEqualTo(dir.resolve("state").resolve("tasks.db").toAbsolutePath());
        assertThat(config.maxRunningTasks()).isEqualTo(3);
        assertThat(config.maxQueuedTasks()).isZero();
        assertThat(config.taskRetention()).isEqualTo(Duration.ofDays(2));
        assertThat(config.purgeTaskFiles()).isTrue();
    }
}
