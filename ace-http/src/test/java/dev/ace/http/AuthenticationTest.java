package dev.ace.http;

import dev.ace.testkit.PgCluster;
import dev.ace.testkit.TestCertificates;
import dev.ace.testkit.TestDatabase;
import dev.ace.testkit.WithPgCluster;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every request needs a client certificate of the server's CA, valid now, with a CN; anything
 * else is answered 401 saying which it was, over TLS 1.3 or 1.2 and nothing older. The
 * certificates come from the test kit; the client is the JDK's.
 */
@WithPgCluster(nodes = 2)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthenticationTest {

    private TestDatabase db;
    private TestServer api;

    @BeforeAll
    void start(PgCluster cluster, @TempDir Path dir) {
        db = cluster.createDatabase();
        db.executeOnAll("CREATE TABLE t (id int PRIMARY KEY)");
        api = TestServer.start(db, dir);
    }

    @AfterAll
    void stop() {
        api.close();
        db.drop();
    }

    private static final Map<String, Object> DIFF = Map.of("cluster_name", "acetest", "table_name", "public.t");

    private void assertRefused(ApiClient client, String expected) {
        for (ApiClient.Response response : List.of(client.get("/ace/health"), client.post("/ace/table-diff", DIFF),
                client.get("/ace/no-such-route"))) {
            response.expect(401);
            assertThat(response.error()).isEqualTo(expected);
        }
    }

    @Test
    void aClientWithoutCertificateIsAnswered401() {
        assertRefused(api.anonymous(), "a client certificate is required: every request of this API must present a "
                + "certificate issued by CN=ACE API test CA (with curl: --cert client.crt --key client.key)");
    }

    @Test
    void aCertificateOfAnotherCaIsAnswered401() {
        TestCertificates.Authority other = TestCertificates.authority("Somebody else's CA");
        assertRefused(api.client(other.issueClient("alice")), "the client certificate CN=alice was not issued by the "
                + "CA this server trusts (CN=ACE API test CA)");
    }

    @Test
    void anExpiredOrNotYetValidCertificateIsAnswered401() {
        TestCertificates.Issued expired = TestServer.CA.issueExpiredClient("alice");
        assertRefused(api.client(expired), "the client certificate CN=alice expired at "
                + expired.certificate().getNotAfter().toInstant());
        TestCertificates.Issued early = TestServer.CA.issueNotYetValidClient("alice");
        assertRefused(api.client(early), "the client certificate CN=alice is not valid yet: it is valid from "
                + early.certificate().getNotBefore().toInstant());
    }

    @Test
    void aCertificateWithoutCnIsAnswered401() {
        assertRefused(api.client(TestServer.CA.issueClientWithoutCommonName()), "the client certificate OU=no common "
                + "name,O=ACE tests has no CN (common name); the CN names the database role the API acts as");
    }

    @Test
    void aCnThatCannotBeARoleNameIsAnswered401() {
        assertRefused(api.client(TestServer.CA.issueClient("x".repeat(64))), "the client certificate's CN cannot name "
                + "a database role: it must be 1 to 63 bytes without NUL, as PostgreSQL role names are");
    }

    @Test
    void aValidCertificateIsAcceptedAndItsCnIsTheCaller() {
        assertThat(api.client("Alice").get("/ace/health").expect(200).json())
                .isEqualTo(Map.of("status", "ok", "cn", "Alice"));
    }

    @Test
    void tls13And12AreSpokenAndNothingOlder() throws Exception {
        for (String protocol : List.of("TLSv1.3", "TLSv1.2")) {
            try (SSLSocket socket = (SSLSocket) ApiClient.context(TestServer.CA, TestServer.CA.issueClient("alice"),
                    null).getSocketFactory().createSocket("127.0.0.1", api.server.port())) {
                socket.setEnabledProtocols(new String[] {protocol});
                socket.startHandshake();
                assertThat(socket.getSession().getProtocol()).isEqualTo(protocol);
            }
            assertThat(new ApiClient(api.server.uri(), ApiClient.context(TestServer.CA,
                    TestServer.CA.issueClient("alice"), protocol)).get("/ace/health").status()).isEqualTo(200);
        }
        // OpenSSL, told to offer TLS 1.1 only (and to allow it at all), gets no session: the server ends the handshake
        Process openssl = new ProcessBuilder("openssl", "s_client", "-connect", "127.0.0.1:" + api.server.port(),
                "-tls1_1", "-cipher", "DEFAULT:@SECLEVEL=0").redirectErrorStream(true).start();
        openssl.getOutputStream().close();
        String output = read(openssl.getInputStream());
        assertThat(openssl.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(openssl.exitValue()).as(output).isNotZero();
        assertThat(output).contains("Cipher is (NONE)").doesNotContain("BEGIN CERTIFICATE");
    }

    private static String read(InputStream in) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        in.transferTo(bytes);
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
