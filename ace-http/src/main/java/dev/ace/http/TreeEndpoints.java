package dev.ace.http;

import dev.ace.core.Ace;
import dev.ace.core.mtree.TreeRequest;
import dev.ace.core.mtree.TreeResult;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
        exchange.respond(200, json(ace.trees().build(request(exchange))));
    }

    void update(ApiExchange exchange) throws IOException {
        exchange.respond(200, json(ace.trees().update(request(exchange))));
    }

    void remove(ApiExchange exchange) throws IOException {
        exchange.respond(200, json(ace.trees().remove(request(exchange))));
    }

    private TreeRequest request(ApiExchange exchange) throws IOException {
        return bodies.tree(exchange.jsonBody(), exchange.caller().role());
    }

    private static Map<String, Object> json(TreeResult result) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("action", result.action());
        json.put("cluster_name", result.clusterName());
        json.put("table_name", result.table().toString());
        List<Map<String, Object>> nodes = result.nodes().stream().map(node -> {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("node", node.node());
            if (!result.action().equals("remove")) {
                entry.put("leaves", node.leaves());
                entry.put("rows", node.rows());
                entry.put("changes_applied", node.changesApplied());
                entry.put("leaves_split", node.leavesSplit());
                entry.put("leaves_merged", node.leavesMerged());
                entry.put("wal_position", node.walPosition());
            }
            return entry;
        }).toList();
        json.put("nodes", nodes);
        json.put("time_taken", result.duration().toMillis() / 1000.0);
        return json;
    }
}
