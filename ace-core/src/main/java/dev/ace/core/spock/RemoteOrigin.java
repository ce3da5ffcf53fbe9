package dev.ace.core.spock;

import java.util.Objects;

/**
 * The node an exception came from, as a caller names it: the origin's {@code spock.node.node_id}
 * (what {@code spock.exception_log.remote_origin} holds; Spock derives it from a hash of the node
 * name), or the origin node's name, which an update resolves on the node it runs on
 * ({@code SELECT node_id FROM spock.node WHERE node_name = ?}, as the request's role). Exactly one
 * of the two is set. Immutable and thread-safe.
 *
 * @param nodeId the origin's {@code node_id}, 0 to 4294967295; null when given by name
 * @param nodeName the origin node's name; null when given by id
 */
public record RemoteOrigin(Long nodeId, String nodeName) {

    /** The largest OID. */
    public static final long MAX_NODE_ID = 4_294_967_295L;

    public RemoteOrigin {
        if ((nodeId == null) == (nodeName == null)) {
            throw new IllegalArgumentException("a remote origin is a node_id or a node name, not both or neither");
        }
        if (nodeId != null && (nodeId < 0 || nodeId > MAX_NODE_ID)) {
            throw new IllegalArgumentException("a node_id is between 0 and " + MAX_NODE_ID + ", was " + nodeId);
        }
    }

    /** The origin by its {@code spock.node.node_id}. */
    public static RemoteOrigin id(long nodeId) {
        return new RemoteOrigin(nodeId, null);
    }

    /** The origin by its node name, resolved on the node the update runs on. */
    public static RemoteOrigin named(String nodeName) {
        return new RemoteOrigin(null, Objects.requireNonNull(nodeName, "nodeName"));
    }

    /** Whether the origin is given by name. */
    public boolean byName() {
        return nodeName != null;
    }

    /** The id as digits, or the name: how the API writes it. */
    @Override
    public String toString() {
        return nodeName != null ? nodeName : String.valueOf(nodeId);
    }
}
