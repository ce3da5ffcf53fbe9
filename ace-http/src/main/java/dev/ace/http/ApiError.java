package dev.ace.http;

import java.util.Map;

/**
 * An answer the HTTP layer itself gives, not an error of ACE's: no or a bad client certificate
 * (401), an unknown route (404), a method the route does not take (405, with {@code Allow}), a
 * body too large (413) or not JSON (415), a server stopping (503). Errors of ACE's operations are
 * {@link dev.ace.core.error.AceException}s, mapped by {@link ErrorResponses}.
 */
final class ApiError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final transient Map<String, String> headers;

    ApiError(int status, String message, Map<String, String> headers) {
        super(message, null, false, false);
        this.status = status;
        this.headers = Map.copyOf(headers);
    }

    static ApiError unauthorized(String message) {
        return new ApiError(401, message, Map.of());
    }

    static ApiError badRequest(String message) {
        return new ApiError(400, message, Map.of());
    }

    static ApiError notFound(String message) {
        return new ApiError(404, message, Map.of());
    }

    int status() {
        return status;
    }

    /** Headers the answer carries ({@code Allow}, {@code Retry-After}). */
    Map<String, String> headers() {
        return headers;
    }
}
