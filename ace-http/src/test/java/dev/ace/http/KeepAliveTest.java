package dev.ace.http;

import dev.ace.testkit.TestDatabase;
import dev.ace.testkit.WithPgCluster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One kept-alive connection serves request after request, whatever the answer: a client (the
 * JDK's HttpClient, curl) sends its next request on the connection the last answer left open, so
 * the server must not close a connection it did not announce closing ({@code Connection: close}).
 * A POST sent on a connection the server had silently closed fails, it is not retried.
 */
@WithPgCluster(nodes = 2)
class KeepAliveTest {

    @TempDir
    Path dir;

    /** An answer read off the socket: status line, headers (lower-case names), body. */
    private record Answer(String statusLine, List<String> headers, String body) {
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int c; (c = in.read()) != '\n'; ) {
            if (c < 0) {
                throw new IOException("the server closed the connection; read so far: "
                        + bytes.toString(StandardCharsets.US_ASCII));
            }
            if (c != '\r') {
                bytes.write(c);
            }
        }
        return bytes.toString(StandardCharsets.US_ASCII);
    }

    private static Answer exchange(SSLSocket socket, String method, String path, String body) throws IOException {
        OutputStream out = socket.getOutputStream();
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        out.write((method + " " + path + " HTTP/1.1\r\nHost: localhost\r\n"
                + (body == null ? "" : "Content-Type: application/json\r\nContent-Length: " + bytes.length + "\r\n")
                + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(bytes);
        out.flush();
        InputStream in = socket.getInputStream();
        String status = line(in);
        List<String> headers = new ArrayList<>();
        int length = 0;
        for (String header; !(header = line(in)).isEmpty(); ) {
            headers.add(header.toLowerCase(Locale.ROOT));
            if (header.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(header.substring(header.indexOf(':') + 1).trim());
            }
        }
        return new Answer(status, headers, new String(in.readNBytes(length), StandardCharsets.UTF_8));
    }

    private static SSLSocket connect(TestServer api, String commonName) throws IOException {
        SSLSocket socket = (SSLSocket) ApiClient.context(TestServer.CA, commonName == null ? null
                : TestServer.CA.issueClient(commonName), null).getSocketFactory()
                .createSocket("127.0.0.1", api.server.port());
        socket.setSoTimeout(30_000);
        return socket;
    }

    @Test
    void oneConnectionServesRequestAfterRequestWhateverTheirAnswers(TestDatabase db) throws Exception {
        db.executeOnAll("CREATE TABLE t (id int PRIMARY KEY)");
        try (TestServer api = TestServer.start(db, dir); SSLSocket socket = connect(api, "postgres")) {
            String diff = "{\"cluster_name\": \"acetest\", \"table_name\": \"public.t\"}";
            List<String> statuses = new ArrayList<>();
            for (String[] request : new String[][] {
                    {"GET", "/ace/health", null},
                    {"GET", "/ace/health", null},
                    {"POST", "/ace/table-diff", diff},
                    {"GET", "/ace/tasks", null},
                    {"GET", "/ace/no-such-route", null},
                    {"PUT", "/ace/table-diff", diff},
                    {"GET", "/ace/table-diff", diff},
                    {"POST", "/ace/table-diff", "{\"colour\": 1}"},
                    {"DELETE", "/ace/task-status/nope", null},
                    {"GET", "/ace/openapi.json", null}}) {
                Answer answer = exchange(socket, request[0], request[1], request[2]);
                assertThat(answer.headers()).as(request[0] + " " + request[1]).doesNotContain("connection: close");
                statuses.add(answer.statusLine().substring(9, 12));
            }
            assertThat(statuses).containsExactly("200", "200", "200", "200", "404", "405", "200", "400", "404", "200");
        }
        // a refused request (no certificate) with a small body is answered, and the connection stays usable
        try (TestServer api = TestServer.start(db, dir); SSLSocket socket = connect(api, null)) {
            for (int i = 0; i < 3; i++) {
                Answer answer = exchange(socket, "POST", "/ace/table-diff", "{\"cluster_name\": \"acetest\"}");
                assertThat(answer.statusLine()).startsWith("HTTP/1.1 401 ");
                assertThat(answer.headers()).doesNotContain("connection: close");
            }
        }
    }
}
