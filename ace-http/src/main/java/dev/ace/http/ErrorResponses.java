package dev.ace.http;

import dev.ace.core.error.AceException;
import dev.ace.core.error.ErrorCode;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where errors become HTTP answers: each {@link ErrorCode} has its status here, and
 * nothing else in the module picks one for an ACE error. The body is always
 * {@code {"error": "..."}}. A bug (an {@link ErrorCode#INTERNAL} error or any other exception)
 * is a 500 with a short message and an incident id; the server log has the id with the stack
 * trace. A response never holds a stack trace. Thread-safe.
 */
final class ErrorResponses {

    private static final Logger LOG = LoggerFactory.getLogger(ErrorResponses.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Seconds a client is told to wait when the task queue is full. */
    static final String RETRY_AFTER_BUSY = "5";
    /** Seconds a client is told to wait when the server is stopping. */
    static final String RETRY_AFTER_STOPPING = "30";

    private ErrorResponses() {
    }

    /** An answer: status, message, extra headers. */
    record Answer(int status, String message, Map<String, String> headers) {
    }

    /** The HTTP status of an ACE error code. */
    static int status(ErrorCode code) {
        return switch (code) {
            case INVALID_REQUEST, CLUSTER_NOT_FOUND, NODE_NOT_FOUND, TABLE_NOT_FOUND, NO_PRIMARY_KEY,
                    SCHEMA_MISMATCH -> 400;
            case PERMISSION_DENIED -> 403;
            case NOT_FOUND -> 404;
            case SPOCK_NOT_INSTALLED, REPAIR_CONFLICT, REPAIR_IN_PROGRESS, TREE_NOT_CURRENT, CANCELLED -> 409;
            case NODE_UNREACHABLE, AUTHENTICATION_FAILED, DATABASE_ERROR -> 502;
            case TOO_MANY_TASKS, INTERRUPTED, NODE_BUSY -> 503;
            case STATEMENT_TIMEOUT -> 504;
            case INVALID_CONFIGURATION, INVALID_CLUSTER_DEFINITION, IO_ERROR, INTERNAL -> 500;
        };
    }

    /**
     * The answer to a request that failed with {@code error}, while {@code what} ("POST
     * /ace/table-diff for CN alice") was being done; a 500 is logged with its incident id.
     */
    static Answer of(Throwable error, String what) {
        if (error instanceof ApiError api) {
            return new Answer(api.status(), api.getMessage(), api.headers());
        }
        if (error instanceof AceException ace && ace.code() != ErrorCode.INTERNAL) {
            int status = status(ace.code());
            if (status == 500) {
                return incident(error, what, ace.code() + ": " + ace.getMessage());
            }
            Map<String, String> headers = status == 503 ? Map.of("Retry-After", RETRY_AFTER_BUSY) : Map.of();
            return new Answer(status, ace.getMessage(), headers);
        }
        return incident(error, what, "a bug");
    }

    private static Answer incident(Throwable error, String what, String kind) {
        String id = "inc-" + HexFormat.of().formatHex(bytes());
        LOG.error("incident {} ({}) during {}", id, kind, what, error);
        return new Answer(500, "internal error: the server could not complete the request; report incident " + id
                + " (the server log has the details)", Map.of());
    }

    private static byte[] bytes() {
        byte[] bytes = new byte[6];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
