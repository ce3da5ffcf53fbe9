package dev.ace.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ace server} runs the HTTPS API of ace-http (its running, stopping and every endpoint are
 * tested there, the server started by the same {@code AceServerMain.serve}); here: what it says
 * when it cannot start.
 */
class ServerCommandTest {

    @TempDir
    Path dir;

    @Test
    void withoutAceYamlItSaysWhereToPutIt() {
        AceRun.Result result = AceRun.in(dir).run("server");
        assertThat(result.exit()).as(result.toString()).isEqualTo(2);
        assertThat(result.err().strip()).doesNotContain("\n").doesNotContain("Exception");
        assertThat(result.err()).contains("ace server needs an ace.yaml with the server's certificate, key and client "
                + "CA (its http section and ca_cert_file): give it with --config FILE, put it in the working "
                + "directory, or name it in ACE_CONFIG; see docs/api.md");
    }

    @Test
    void roleIsRefusedRatherThanIgnored() {
        AceRun.Result server = AceRun.in(dir).run("server", "--role", "alice");
        assertThat(server.exit()).isEqualTo(2);
        assertThat(server.err()).isEqualTo("ace server: --role does not apply to ace server: each request acts as "
                + "the role its client certificate's CN names\n");
        AceRun.Result report = AceRun.in(dir).run("report", "d.json", "--role", "alice");
        assertThat(report.exit()).isEqualTo(2);
        assertThat(report.err()).isEqualTo("ace report: --role does not apply to ace report: it reads a diff file, "
                + "not the nodes\n");
    }

    @Test
    void withoutCertificateSettingsItSaysWhatToConfigure() throws Exception {
        Files.writeString(dir.resolve("ace.yaml"), "output_dir: out\nhttp:\n  port: 0\n");
        AceRun.Result result = AceRun.in(dir).run("server");
        assertThat(result.exit()).as(result.toString()).isEqualTo(2);
        assertThat(result.err()).contains("ace server: the server certificate (server_cert_file in the http section, "
                + "or ace_user_cert_file) must be set")
                .contains("ace server: the server's private key (server_key_file in the http section, or "
                        + "ace_user_key_file) must be set")
                .contains("ace server: the CA of the client certificates (ca_cert_file) must be set");
    }
}
