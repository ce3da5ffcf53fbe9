package dev.ace.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One request and its answer: the caller, the path's parameters, the query, the JSON body read
 * with the API's limits (at most 1 MiB, JSON media type, UTF-8, one object), and the JSON answer.
 * Also what the access log needs (status, task id). Not thread-safe: one per request.
 */
final class ApiExchange {

    static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    private final HttpExchange exchange;
    private ClientCertificates.Caller caller;
    private Map<String, String> pathParameters = Map.of();
    private int status;
    private String taskId;
    private boolean bodyRead;

    ApiExchange(HttpExchange exchange) {
        this.exchange = exchange;
    }

    HttpExchange raw() {
        return exchange;
    }

    String method() {
        return exchange.getRequestMethod();
    }

    /** The request path as sent (not decoded). */
    String path() {
        return exchange.getRequestURI().getRawPath();
    }

    ClientCertificates.Caller caller() {
        return caller;
    }

    void caller(ClientCertificates.Caller value) {
        this.caller = value;
    }

    void pathParameters(Map<String, String> values) {
        this.pathParameters = Map.copyOf(values);
    }

    String pathParameter(String name) {
        return pathParameters.get(name);
    }

    int status() {
        return status;
    }

    String taskId() {
        return taskId;
    }

    /** The task the request made or read, for the access log. */
    void taskId(String value) {
        this.taskId = value;
    }

    /** The query's parameters, decoded; a parameter given twice is a 400. */
    Map<String, String> query() {
        String raw = exchange.getRequestURI().getRawQuery();
        Map<String, String> values = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return values;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name;
            String value;
            try {
                name = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
                value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw ApiError.badRequest("the query string is not valid URL encoding: " + e.getMessage());
            }
            if (values.put(name, value) != null) {
                throw ApiError.badRequest("query parameter " + name + " is given more than once");
            }
        }
        return values;
    }

    /**
     * The body as a JSON object, read with the API's limits: a body over 1 MiB is 413 and not read
     * further; a media type other than JSON is 415; anything but one UTF-8 JSON object is 400.
     * Numbers come as {@link java.math.BigInteger} or {@link java.math.BigDecimal}, so that a
     * huge number is refused for its size rather than wrapped.
     */
    Map<String, Object> jsonBody() {
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        String length = exchange.getRequestHeaders().getFirst("Content-Length");
        boolean chunked = "chunked".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Transfer-Encoding"));
        if (contentType == null && !chunked && (length == null || length.trim().equals("0"))) {
            throw ApiError.badRequest("the " + path().substring(path().lastIndexOf('/') + 1) + " request needs a JSON "
                    + "body (Content-Type: application/json) with its options");
        }
        checkMediaType(contentType);
        if (length != null) {
            long declared;
            try {
                declared = Long.parseLong(length.trim());
            } catch (NumberFormatException e) {
                throw ApiError.badRequest("Content-Length " + length + " is not a number");
            }
            if (declared > ServerSettings.MAX_BODY_BYTES) {
                throw tooLarge();
            }
        }
        byte[] body = readAtMost(ServerSettings.MAX_BODY_BYTES);
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            throw ApiError.badRequest("the body is not valid UTF-8 text");
        }
        if (text.isBlank()) {
            throw ApiError.badRequest("the body is empty; send the request's options as a JSON object");
        }
        Object parsed;
        try {
            parsed = JSON.readValue(text, Object.class);
        } catch (JsonProcessingException e) {
            throw ApiError.badRequest("the body is not valid JSON: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ")"));
        }
        if (!(parsed instanceof Map<?, ?> map)) {
            throw ApiError.badRequest("the body must be a JSON object of options, was "
                    + (parsed == null ? "null" : parsed instanceof List ? "an array" : "a single value"));
        }
        Map<String, Object> object = new LinkedHashMap<>();
        map.forEach((key, value) -> object.put(String.valueOf(key), value));
        return object;
    }

    private static void checkMediaType(String contentType) {
        String type = contentType == null ? "" : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (!type.equals("application/json") && !(type.startsWith("application/") && type.endsWith("+json"))) {
            throw new ApiError(415, "the body must be JSON (Content-Type: application/json), was "
                    + (contentType == null ? "no Content-Type" : "Content-Type " + contentType), Map.of());
        }
        for (String parameter : contentType.split(";")) {
            String[] pair = parameter.trim().split("=", 2);
            if (pair.length == 2 && pair[0].trim().equalsIgnoreCase("charset")
                    && !pair[1].trim().replace("\"", "").equalsIgnoreCase("utf-8")) {
                throw new ApiError(415, "the body must be UTF-8 JSON, was charset " + pair[1].trim(), Map.of());
            }
        }
    }

    private byte[] readAtMost(int limit) {
        try (InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readNBytes(limit + 1);
            if (body.length > limit) {
                throw tooLarge();
            }
            bodyRead = true;
            return body;
        } catch (IOException e) {
            throw ApiError.badRequest("the body could not be read: " + e.getMessage());
        }
    }

    private static ApiError tooLarge() {
        return new ApiError(413, "the body is larger than " + ServerSettings.MAX_BODY_BYTES
                + " bytes (1 MiB), the most this API reads", Map.of("Connection", "close"));
    }

    /** Answers with {@code body} as JSON. */
    void respond(int code, Object body) throws IOException {
        respond(code, JSON.writeValueAsBytes(body), "application/json", Map.of());
    }

    /** Answers {@code {"error": message}}. */
    void respondError(int code, String message, Map<String, String> headers) throws IOException {
        Map<String, String> error = new LinkedHashMap<>();
        error.put("error", message);
        respond(code, JSON.writeValueAsBytes(error), "application/json", headers);
    }

    void respond(int code, byte[] body, String mediaType, Map<String, String> headers) throws IOException {
        this.status = code;
        headers.forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
        if (!bodyRead && !readSmallBody()) {
            // The JDK's server would read the rest of the body after the answer, and could take in the
            // client's next request with it, then wait for bytes that never come: no second request here.
            exchange.getResponseHeaders().set("Connection", "close");
        }
        exchange.getResponseHeaders().set("Content-Type", mediaType);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        boolean head = method().equals("HEAD");
        exchange.sendResponseHeaders(code, head ? -1 : body.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private boolean hasBody() {
        String length = exchange.getRequestHeaders().getFirst("Content-Length");
        return "chunked".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Transfer-Encoding"))
                || (length != null && !length.trim().equals("0"));
    }

    /**
     * Text a client sent, for a message or a log line: in double quotes, cut to 200 characters,
     * with quotes, backslashes and control characters escaped, so it can neither forge a line nor
     * end the quote.
     */
    static String quote(String text) {
        if (text == null) {
            return "-";
        }
        StringBuilder quoted = new StringBuilder("\"");
        String shown = text.length() > 200 ? text.substring(0, 200) + "..." : text;
        for (char c : shown.toCharArray()) {
            if (c == '"' || c == '\\') {
                quoted.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f) {
                quoted.append(String.format("\\u%04x", (int) c));
            } else {
                quoted.append(c);
            }
        }
        return quoted.append('"').toString();
    }

    /** Whether an answer was sent. */
    boolean answered() {
        return status != 0;
    }

    /**
     * Reads to its end, and drops, a body not read yet: none, or at most 64 KiB announced with
     * Content-Length. Returns whether it was read to its end, so that the connection can serve the
     * client's next request. Unless a request's body was read to its very end, the JDK's server
     * closes the connection after the answer without saying so (with our drain amount of 0, even
     * for a request without a body), and a client sending its next request on it, as HTTP/1.1
     * allows, sees it reset. An answer to a body left unread (larger or chunked) says
     * {@code Connection: close} instead. A small body is read whole for another reason too:
     * closing a connection with request bytes still unread resets it, and the client may then
     * see no answer at all (a 401, say).
     */
    private boolean readSmallBody() {
        String length = exchange.getRequestHeaders().getFirst("Content-Length");
        long bytes;
        try {
            bytes = hasBody() ? (length == null ? -1 : Long.parseLong(length.trim())) : 0;
        } catch (NumberFormatException e) {
            return false;
        }
        if (bytes < 0 || bytes > 64 * 1024) {
            return false;
        }
        try {
            InputStream body = exchange.getRequestBody();
            // the read after the last byte is what tells the JDK's server the body is at its end
            boolean whole = body.readNBytes((int) bytes).length == bytes && body.read() == -1;
            bodyRead = whole;
            return whole;
        } catch (IOException e) {
            return false;
        }
    }
}
