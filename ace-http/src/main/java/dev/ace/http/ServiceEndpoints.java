package dev.ace.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /ace/health} (is the server up: no database work) and {@code GET /ace/openapi.json}
 * (the OpenAPI 3 document of the API, the file {@code docs/openapi.json}). Thread-safe.
 */
final class ServiceEndpoints {

    static final String OPENAPI_RESOURCE = "/dev/ace/http/openapi.json";

    private final byte[] openApi;

    ServiceEndpoints() {
        try (InputStream in = ServiceEndpoints.class.getResourceAsStream(OPENAPI_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(OPENAPI_RESOURCE + " is missing from the classpath");
            }
            this.openApi = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void health(ApiExchange exchange) throws IOException {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("status", "ok");
        json.put("cn", exchange.caller().commonName());
        exchange.respond(200, json);
    }

    void openApi(ApiExchange exchange) throws IOException {
        exchange.respond(200, openApi, "application/json", Map.of());
    }
}
