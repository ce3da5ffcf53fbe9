package dev.ace.http;

import dev.ace.core.Ace;
import dev.ace.core.spock.ExceptionUpdateResult;
import java.io.IOException;
import java.util.Map;

/**
 * {@code POST /ace/update-spock-exception}: sets the status of a Spock replication exception on a
 * node at once, as the caller's role, and answers
 * {@code {"message": "Exception status updated successfully"}}. No matching exception is a 404;
 * a node without Spock a 409 (the request is sound, the node is not in a state to take it).
 * Thread-safe.
 */
final class SpockExceptionEndpoint {

    private final Ace ace;
    private final RequestBodies bodies;

    SpockExceptionEndpoint(Ace ace, RequestBodies bodies) {
        this.ace = ace;
        this.bodies = bodies;
    }

    void update(ApiExchange exchange) throws IOException {
        ExceptionUpdateResult result = ace.exceptions().update(bodies.exceptionUpdate(exchange.jsonBody(),
                exchange.caller().role()));
        exchange.respond(200, Map.of("message", result.message()));
    }
}
