package dev.ace.http;

import dev.ace.core.Ace;
import dev.ace.core.mtree.TreeRequest;
import java.io.IOException;

/**
 * {@code POST /ace/mtree/build}, {@code /ace/mtree/update} and {@code /ace/mtree/remove}: build,
 * bring up to date or remove a table's Merkle trees on the nodes, at once, as the caller's role,
 * answering what was done on each node. Thread-safe.
 */
final class TreeEndpoints {

    private final Ace ace;
    private final RequestBodies bodies;

    TreeEndpoints(Ace ace, RequestBodies bodies) {
        this.ace = ace;
        this.bodies = bodies;
    }

    void build(ApiExchange exchange) throws IOException {
        exchange.respond(200, ace.trees().build(request(exchange)).toJson());
    }

    void update(ApiExchange exchange) throws IOException {
        exchange.respond(200, ace.trees().update(request(exchange)).toJson());
    }

    void remove(ApiExchange exchange) throws IOException {
        exchange.respond(200, ace.trees().remove(request(exchange)).toJson());
    }

    private TreeRequest request(ApiExchange exchange) throws IOException {
        return bodies.tree(exchange.jsonBody(), exchange.caller().role());
    }
}
