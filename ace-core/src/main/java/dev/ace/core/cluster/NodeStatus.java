package dev.ace.core.cluster;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@code Ace.checkNodes} found on one node: the server's version, the role ACE acts as there,
 * the version of the Spock extension if the database has it, the round trip. Immutable and
 * thread-safe.
 *
 * @param spockVersion the {@code spock} extension's version in the node's database; null when it is not installed
 */
public record NodeStatus(NodeDefinition node, String serverVersion, String currentUser, String spockVersion,
                         Duration roundTrip) {

    public NodeStatus {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(serverVersion, "serverVersion");
        Objects.requireNonNull(currentUser, "currentUser");
        Objects.requireNonNull(roundTrip, "roundTrip");
    }

    /** The Spock extension's version, empty when the node's database does not have Spock. */
    public Optional<String> spock() {
        return Optional.ofNullable(spockVersion);
    }
}
