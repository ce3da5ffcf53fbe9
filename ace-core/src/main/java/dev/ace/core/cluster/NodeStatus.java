package dev.ace.core.cluster;

import java.time.Duration;
import java.util.Objects;

/** What {@code Ace.checkNodes} found on one node: the server's version, the role ACE acts as there, the round trip. */
public record NodeStatus(NodeDefinition node, String serverVersion, String currentUser, Duration roundTrip) {

    public NodeStatus {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(serverVersion, "serverVersion");
        Objects.requireNonNull(currentUser, "currentUser");
        Objects.requireNonNull(roundTrip, "roundTrip");
    }
}
