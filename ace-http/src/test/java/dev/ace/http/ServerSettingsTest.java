package dev.ace.http;

import dev.ace.core.Ace;
import dev.ace.core.AceConfig;
import dev.ace.core.error.AceException;
import dev.ace.core.error.InvalidConfigurationException;
import dev.ace.testkit.TestCertificates;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The http section of ace.yaml: its defaults, what it overrides, and a server that will not start without certificates. */
class ServerSettingsTest {

    private static final TestCertificates.Authority CA = TestCertificates.authority("settings test CA");

    @TempDir
    Path dir;

    private Path write(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text);
    }

    /** Settings over a server certificate, its key and the CA, written to the test's directory. */
    private ServerSettings.Builder serverFiles() {
        TestCertificates.Issued server = CA.issueServer();
        return ServerSettings.builder().serverCertificate(server.writeCertificate(dir.resolve("server.crt")),
                server.writePrivateKey(dir.resolve("server.key")), null)
                .clientCaFile(CA.writeCertificate(dir.resolve("ca.crt")));
    }

    @Test
    void theServerTakesTheAceUsersPairAndCaByDefaultAndListensOnLoopbackPort5000() throws Exception {
        TestCertificates.Issued ace = CA.issueServer();
        ace.writeCertificate(dir.resolve("tls/ace.crt"));
        ace.writePrivateKey(dir.resolve("tls/ace.key"));
        CA.writeCertificate(dir.resolve("tls/ca.crt"));
        Path yaml = write("ace.yaml", "use_cert_auth: true\nace_user_cert_file: tls/ace.crt\n"
                + "ace_user_key_file: tls/ace.key\nca_cert_file: tls/ca.crt\n");
        AceConfig config = AceConfig.load(yaml);
        ServerSettings settings = ServerSettings.load(yaml, config);
        assertThat(settings.listenAddress()).isEqualTo("127.0.0.1");
        assertThat(settings.port()).isEqualTo(5000);
        assertThat(settings.allowRemoteClients()).isFalse();
        assertThat(settings.serverCertFile()).isEqualTo(dir.resolve("tls/ace.crt").toAbsolutePath());
        assertThat(settings.serverKeyFile()).isEqualTo(dir.resolve("tls/ace.key").toAbsolutePath());
        assertThat(settings.clientCaFile()).isEqualTo(dir.resolve("tls/ca.crt").toAbsolutePath());
        assertThat(settings.shutdownGrace()).isEqualTo(Duration.ofSeconds(30));
        AceConfig applied = settings.applyTo(config);
        // output_dir defaults to the working directory; the server holds it as an absolute path
        Path working = Path.of("").toAbsolutePath().normalize();
        assertThat(applied.outputDirectory()).isEqualTo(working);
        assertThat(applied.taskStore()).isEqualTo(working.resolve("tasks.db"));
    }

    @Test
    void theHttpSectionSetsTheServersOwnCertificateCaAddressGraceAndTasks() throws Exception {
        CA.issueServer().writeCertificate(dir.resolve("server.crt"));
        CA.issueServer().writePrivateKey(dir.resolve("server.key"));
        TestCertificates.authority("clients CA").writeCertificate(dir.resolve("clients.crt"));
        Path yaml = write("ace.yaml", String.join("\n", "output_dir: out", "max_queued_tasks: 50",
                "http:", "  port: 5443", "  server_cert_file: server.crt", "  server_key_file: server.key",
                "  ca_cert_file: clients.crt", "  shutdown_grace: 2m", "  output_dir: api-out",
                "  max_running_tasks: 2", "  max_queued_tasks: 7", ""));
        AceConfig config = AceConfig.load(yaml);
        ServerSettings settings = ServerSettings.load(yaml, config);
        assertThat(settings.port()).isEqualTo(5443);
        assertThat(settings.serverCertFile()).isEqualTo(dir.resolve("server.crt").toAbsolutePath());
        assertThat(settings.clientCaFile()).isEqualTo(dir.resolve("clients.crt").toAbsolutePath());
        assertThat(settings.shutdownGrace()).isEqualTo(Duration.ofMinutes(2));
        AceConfig applied = settings.applyTo(config);
        assertThat(applied.outputDirectory()).isEqualTo(dir.resolve("api-out").toAbsolutePath());
        assertThat(applied.taskStore()).isEqualTo(dir.resolve("api-out/tasks.db").toAbsolutePath());
        assertThat(applied.maxRunningTasks()).isEqualTo(2);
        assertThat(applied.maxQueuedTasks()).isEqualTo(7);
    }

    @Test
    void withoutCertificateSettingsTheServerRefusesToStartAndSaysWhatToConfigure() throws Exception {
        Path yaml = write("ace.yaml", "output_dir: out\n");
        assertThatThrownBy(() -> ServerSettings.load(yaml, AceConfig.load(yaml)))
                .isInstanceOf(InvalidConfigurationException.class)
                .satisfies(e -> assertThat(((AceException) e).problems()).containsExactly(
                        "the server certificate (server_cert_file in the http section, or ace_user_cert_file) must be "
                                + "set: the API requires client certificates, so the server needs its own certificate "
                                + "and key and the CA that issues the clients' (see docs/api.md)",
                        "the server's private key (server_key_file in the http section, or ace_user_key_file) must be "
                                + "set: the API requires client certificates, so the server needs its own certificate "
                                + "and key and the CA that issues the clients' (see docs/api.md)",
                        "the CA of the client certificates (ca_cert_file) must be set: the API requires client "
                                + "certificates, so the server needs its own certificate and key and the CA that "
                                + "issues the clients' (see docs/api.md)"));

        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = AceServerMain.run(new String[] {"--config", yaml.toString()}, new PrintStream(
                new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(status).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("ace server: the configuration's http section has 3 problems:")
                .contains("the CA of the client certificates (ca_cert_file) must be set");
    }

    @Test
    void aNonLoopbackAddressNeedsAnExplicitSetting() throws Exception {
        ServerSettings.Builder builder = serverFiles().listenAddress("0.0.0.0");
        assertThatThrownBy(builder::build).isInstanceOf(InvalidConfigurationException.class).hasMessage(
                "listen_address 0.0.0.0 is not a loopback address; the API is meant to be reached through an SSH "
                        + "tunnel. To listen there anyway, set allow_remote_clients: true in the http section");
        assertThat(builder.allowRemoteClients(true).build().listenAddress()).isEqualTo("0.0.0.0");
        assertThat(builder.listenAddress("::1").allowRemoteClients(false).build().listenAddress()).isEqualTo("::1");
        assertThatThrownBy(() -> builder.port(70000).build()).hasMessage("port must be between 0 and 65535, was 70000");
    }

    @Test
    void aServerListeningBeyondLoopbackLogsAWarningAndOneOnLoopbackDoesNot() throws Exception {
        ServerSettings.Builder builder = serverFiles().port(0);
        try (Ace ace = Ace.create(AceConfig.builder().clusterDirectory(dir).outputDirectory(dir.resolve("out"))
                .build())) {
            String remote;
            String local;
            String printed;
            int port;
            try (ServerLog log = new ServerLog()) {
                try (AceServer server = AceServer.start(ace, builder.listenAddress("0.0.0.0").allowRemoteClients(true)
                        .build())) {
                    remote = log.text();
                    port = server.port();
                    printed = AceServerMain.listening(server);
                }
            }
            try (ServerLog log = new ServerLog()) {
                try (AceServer server = AceServer.start(ace, builder.listenAddress("127.0.0.1").allowRemoteClients(false)
                        .build())) {
                    local = log.text();
                }
            }
            // the address as written, never the JDK's [0:0:0:0:0:0:0:0]; the JDK's 0.0.0.0 is a dual-stack socket
            String everywhere = "every IPv4 and IPv6 address of this machine; Java's 0.0.0.0 takes IPv6 too";
            assertThat(remote).contains("WARN dev.ace.http.AceServer - listening on https://0.0.0.0:" + port + " ("
                            + everywhere + "), which is not a loopback address: the API is meant to be reached through "
                            + "an SSH tunnel (http.allow_remote_clients is true)")
                    .doesNotContain("0:0:0:0");
            assertThat(printed).isEqualTo("ACE API listening on https://0.0.0.0:" + port + " (HTTPS, TLS 1.3 and 1.2), "
                    + "on " + everywhere);
            assertThat(local).contains("ACE API listening on https://127.0.0.1:").doesNotContain("WARN");
        }
    }

    @Test
    void theIpv6WildcardAndLoopbackAreShownAsWritten() throws Exception {
        ServerSettings.Builder builder = serverFiles().port(0);
        try (Ace ace = Ace.create(AceConfig.builder().clusterDirectory(dir).outputDirectory(dir.resolve("out"))
                .build())) {
            try (ServerLog log = new ServerLog();
                 AceServer server = AceServer.start(ace, builder.listenAddress("::").allowRemoteClients(true).build())) {
                assertThat(server.uri().toString()).isEqualTo("https://[::]:" + server.port());
                assertThat(AceServerMain.listening(server)).isEqualTo("ACE API listening on https://[::]:"
                        + server.port() + " (HTTPS, TLS 1.3 and 1.2), on every IPv4 and IPv6 address of this machine");
                assertThat(log.text()).contains("WARN dev.ace.http.AceServer - listening on https://[::]:"
                        + server.port() + " (every IPv4 and IPv6 address of this machine), which is not a loopback");
            }
            try (ServerLog log = new ServerLog();
                 AceServer server = AceServer.start(ace, builder.listenAddress("::1").allowRemoteClients(false).build())) {
                assertThat(AceServerMain.listening(server)).isEqualTo("ACE API listening on https://[::1]:"
                        + server.port() + " (HTTPS, TLS 1.3 and 1.2)");
                assertThat(log.text()).doesNotContain("WARN");
            }
        }
    }

    @Test
    void theKeyPasswordIsNeverShown() throws Exception {
        ServerSettings settings = serverFiles().serverCertificate(dir.resolve("server.crt"),
                dir.resolve("server.key"), "hunter2").build();
        assertThat(settings.toString()).doesNotContain("hunter2").contains("server_key_password=***");
    }
}
