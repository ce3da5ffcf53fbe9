package dev.ace.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ace server} starts the HTTPS API of ace-http; a configuration it cannot start with is exit 2, in one line. */
class ServerCommandTest {

    @TempDir
    Path dir;

    @Test
    void aServerWithoutAConfigurationIsRefusedWithExit2() {
        AceRun.Result result = AceRun.in(dir).run("server");
        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.err().strip()).startsWith("ace server: no ace.yaml found, and the server needs one with an http section")
                .doesNotContain("\n").doesNotContain("Exception");
    }

    @Test
    void aServerWithoutCertificateSettingsSaysWhatToConfigureAndExits2() throws Exception {
        Files.writeString(dir.resolve("ace.yaml"), "cluster_dir: cluster\noutput_dir: out\n");
        AceRun.Result result = AceRun.in(dir).run("server");
        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.err()).contains("certificate");
    }
}
