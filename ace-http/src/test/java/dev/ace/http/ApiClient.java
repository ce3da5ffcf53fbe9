package dev.ace.http;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ace.testkit.TestCertificates;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client of the API as a user runs one: the JDK's HttpClient over TLS, trusting the test CA,
 * presenting a client certificate (or none).
 */
final class ApiClient {

    static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final URI base;

    ApiClient(URI base, TestCertificates.Authority trusted, TestCertificates.Issued certificate) {
        this(base, context(trusted, certificate, null));
    }

    ApiClient(URI base, SSLContext context) {
        this.base = base;
        SSLParameters parameters = new SSLParameters();
        parameters.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
        this.http = HttpClient.newBuilder().sslContext(context).sslParameters(parameters)
                .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(30)).build();
    }

    /** A TLS context trusting {@code trusted}, presenting {@code certificate} (none when null). */
    static SSLContext context(TestCertificates.Authority trusted, TestCertificates.Issued certificate, String protocol) {
        return trusted.clientContext(certificate, protocol);
    }

    /** An answer: status, headers, body. */
    record Response(int status, HttpHeaders headers, String body) {

        Map<String, Object> json() {
            try {
                return JSON.readValue(body, new TypeReference<>() {
                });
            } catch (IOException e) {
                throw new AssertionError("not a JSON object (status " + status + "): " + body, e);
            }
        }

        String error() {
            assertThat(json()).as(body).containsOnlyKeys("error");
            return (String) json().get("error");
        }

        /** Asserts the status, showing the body when it is not. */
        Response expect(int expected) {
            assertThat(status).as("status of %s", body).isEqualTo(expected);
            return this;
        }
    }

    Response get(String path) {
        return send("GET", path, null, null);
    }

    Response post(String path, Object body) {
        return send("POST", path, toJson(body), "application/json");
    }

    Response send(String method, String path, String body, String contentType) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return send(request.build());
    }

    Response send(HttpRequest request) {
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.headers(), response.body());
        } catch (IOException e) {
            throw new IllegalStateException(request.method() + " " + request.uri() + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String toJson(Object body) {
        if (body instanceof String text) {
            return text;
        }
        try {
            return JSON.writeValueAsString(body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Polls task-status until the task finished; returns its last status. */
    Map<String, Object> awaitTask(String taskId) {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        Map<String, Object> status = null;
        while (System.nanoTime() < deadline) {
            status = get("/ace/task-status/" + taskId).expect(200).json();
            if (List.of("COMPLETED", "FAILED", "CANCELLED").contains(status.get("status"))) {
                return status;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("task " + taskId + " did not finish: " + status);
    }

    URI base() {
        return base;
    }
}
