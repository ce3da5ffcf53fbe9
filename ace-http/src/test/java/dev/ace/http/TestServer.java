package dev.ace.http;

import dev.ace.core.Ace;
import dev.ace.core.AceConfig;
import dev.ace.testkit.TestCertificates;
import dev.ace.testkit.TestDatabase;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * A running API over a test database: a throw-away CA, a server certificate for loopback, the
 * cluster file of the database ({@code acetest}), an {@code Ace} and an {@link AceServer} on a
 * free port, and clients with certificates for any CN.
 */
final class TestServer implements AutoCloseable {

    static final TestCertificates.Authority CA = TestCertificates.authority("ACE API test CA");
    private static final TestCertificates.Issued SERVER = CA.issueServer();

    final Path dir;
    final AceConfig config;
    final ServerSettings settings;
    final Ace ace;
    final AceServer server;
    private final Map<String, ApiClient> clients = new ConcurrentHashMap<>();

    private TestServer(Path dir, AceConfig config, ServerSettings settings, Ace ace, AceServer server) {
        this.dir = dir;
        this.config = config;
        this.settings = settings;
        this.ace = ace;
        this.server = server;
    }

    static TestServer start(TestDatabase db, Path dir) {
        return start(db, dir, config -> config, settings -> settings);
    }

    static TestServer start(TestDatabase db, Path dir, UnaryOperator<AceConfig.Builder> configure,
                            UnaryOperator<ServerSettings.Builder> serverSettings) {
        db.writeClusterJson(dir.resolve("cluster"));
        AceConfig base = configure.apply(AceConfig.builder().clusterDirectory(dir.resolve("cluster"))
                .outputDirectory(dir.resolve("out"))).build();
        ServerSettings settings = serverSettings.apply(ServerSettings.builder()
                .serverCertificate(SERVER.writeCertificate(dir.resolve("tls/server.crt")),
                        SERVER.writePrivateKey(dir.resolve("tls/server.key")), null)
                .clientCaFile(CA.writeCertificate(dir.resolve("tls/ca.crt"))).port(0)).build();
        AceConfig config = settings.applyTo(base);
        Ace ace = Ace.create(config);
        try {
            return new TestServer(dir, config, settings, ace, AceServer.start(ace, settings));
        } catch (RuntimeException e) {
            ace.close();
            throw e;
        }
    }

    /** A client whose certificate's CN is {@code commonName}. */
    ApiClient client(String commonName) {
        return clients.computeIfAbsent(commonName, cn -> new ApiClient(server.uri(), CA, CA.issueClient(cn)));
    }

    ApiClient client(TestCertificates.Issued certificate) {
        return new ApiClient(server.uri(), CA, certificate);
    }

    /** A client with no certificate. */
    ApiClient anonymous() {
        return new ApiClient(server.uri(), CA, null);
    }

    Path output() {
        return config.outputDirectory();
    }

    @Override
    public void close() {
        try {
            server.close();
        } finally {
            ace.close();
        }
    }
}
