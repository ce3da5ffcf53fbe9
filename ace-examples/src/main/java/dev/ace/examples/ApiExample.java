package dev.ace.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ace.core.Ace;
import dev.ace.core.AceConfig;
import dev.ace.core.error.AceException;
import dev.ace.core.error.ErrorCode;
import dev.ace.http.AceServer;
import dev.ace.http.ServerSettings;
import dev.ace.testkit.TestCertificates;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The HTTPS API from a client's side, as the demo shows it: a CA, a server certificate and a
 * client certificate are made, the server starts on them, a table-diff is submitted over HTTPS
 * with the client certificate (its CN is the database role), task-status is polled until the task
 * is done, and the server stops. {@code docs/api.md} shows the same with curl.
 */
public final class ApiExample {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ApiExample() {
    }

    /**
     * Runs the server over {@code config}, diffs {@code table} of {@code cluster} through it as
     * {@code role}, and prints what the API answered.
     *
     * @return the last task-status answer
     */
    public static JsonNode diffOverHttps(AceConfig config, Path tlsDirectory, String cluster, String table,
                                         String role, PrintStream out) {
        TestCertificates.Authority ca = TestCertificates.authority("ACE demo CA");
        TestCertificates.Issued serverCertificate = ca.issueServer();
        TestCertificates.Issued client = ca.issueClient(role);
        ServerSettings settings = ServerSettings.builder(config)
                .serverCertificate(serverCertificate.writeCertificate(tlsDirectory.resolve("server.crt")),
                        serverCertificate.writePrivateKey(tlsDirectory.resolve("server.key")), null)
                .clientCaFile(ca.writeCertificate(tlsDirectory.resolve("ca.crt")))
                .port(0).shutdownGrace(Duration.ofSeconds(5)).build();
        try (Ace ace = Ace.create(settings.applyTo(config)); AceServer server = AceServer.start(ace, settings)) {
            out.println("API listening on " + server.uri() + "; client certificates of " + server.clientAuthorities()
                    + "; this client's CN (its database role): " + role);
            HttpClient http = HttpClient.newBuilder().sslContext(clientContext(ca, client))
                    .version(HttpClient.Version.HTTP_1_1).build();
            String body = JSON.createObjectNode().put("cluster_name", cluster).put("table_name", table)
                    .put("output", "html").toString();
            out.println("POST /ace/table-diff " + body);
            JsonNode submitted = send(http, HttpRequest.newBuilder(server.uri().resolve("/ace/table-diff"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build());
            out.println("  -> " + submitted);
            URI status = server.uri().resolve("/ace/task-status/" + submitted.path("task_id").asText());
            JsonNode task = submitted;
            long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            while (System.nanoTime() < deadline && !List.of("COMPLETED", "FAILED", "CANCELLED")
                    .contains(task.path("status").asText())) {
                Thread.sleep(200);
                task = send(http, HttpRequest.newBuilder(status).GET().build());
            }
            out.println("GET /ace/task-status/" + submitted.path("task_id").asText() + "  -> ");
            out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(task));
            return task;
        } catch (IOException e) {
            throw new AceException(ErrorCode.IO_ERROR, "the API demo failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AceException(ErrorCode.INTERRUPTED, "the API demo was interrupted", e);
        } finally {
            out.println("API server stopped");
        }
    }

    private static JsonNode send(HttpClient http, HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        JsonNode json = JSON.readTree(response.body());
        if (response.statusCode() != 200) {
            throw new AceException(ErrorCode.INTERNAL, request.method() + " " + request.uri().getPath() + " answered "
                    + response.statusCode() + ": " + json.path("error").asText());
        }
        return json;
    }

    /** Trusts the CA; presents the client certificate and its key. */
    private static SSLContext clientContext(TestCertificates.Authority ca, TestCertificates.Issued client) {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", ca.certificate());
            TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trustManagers.init(trust);
            String pem = client.privateKeyPem().replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("client", KeyFactory.getInstance("RSA").generatePrivate(
                            new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem))), new char[0],
                    new Certificate[] {client.certificate()});
            KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagers.init(keys, new char[0]);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), new SecureRandom());
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new AceException(ErrorCode.INTERNAL, "cannot set up the demo client's TLS: " + e.getMessage(), e);
        }
    }
}
