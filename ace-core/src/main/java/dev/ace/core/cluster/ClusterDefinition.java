package dev.ace.core.cluster;

import dev.ace.core.error.InvalidRequestException;
import dev.ace.core.error.UnknownNodeException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A cluster as its definition file describes it, for one database: its name, its nodes, and the
 * file it came from. Immutable and thread-safe.
 */
public final class ClusterDefinition {

    private final String name;
    private final String database;
    private final List<NodeDefinition> nodes;
    private final Path source;

    public ClusterDefinition(String name, String database, List<NodeDefinition> nodes, Path source) {
        this.name = Objects.requireNonNull(name, "name");
        this.database = Objects.requireNonNull(database, "database");
        this.nodes = List.copyOf(nodes);
        this.source = Objects.requireNonNull(source, "source");
    }

    public String name() {
        return name;
    }

    /** The database the definition was resolved for. */
    public String database() {
        return database;
    }

    /** Every node, active or not, in the order of the definition file. */
    public List<NodeDefinition> nodes() {
        return nodes;
    }

    /** The file the definition came from. */
    public Path source() {
        return source;
    }

    /** The node of that name; {@link UnknownNodeException} naming the cluster's nodes otherwise. */
    public NodeDefinition node(String nodeName) {
        return nodes.stream().filter(node -> node.name().equals(nodeName)).findFirst()
                .orElseThrow(() -> new UnknownNodeException(unknownNode(nodeName)));
    }

    /**
     * The nodes a {@code nodes} option picks: {@code "all"} (or null/blank) means every active
     * node; otherwise a comma-separated list of node names, in the order given. At least
     * {@code minimum} nodes must result. Every problem (unknown, repeated or inactive names, too
     * few nodes) is reported at once.
     */
    public List<NodeDefinition> select(String nodesOption, int minimum) {
        List<String> problems = new ArrayList<>();
        List<NodeDefinition> chosen = new ArrayList<>();
        String option = nodesOption == null ? "" : nodesOption.trim();
        if (option.isEmpty() || option.toLowerCase(Locale.ROOT).equals("all")) {
            nodes.stream().filter(NodeDefinition::active).forEach(chosen::add);
            if (chosen.size() < minimum) {
                problems.add("cluster " + name + " has " + chosen.size() + " active node" + (chosen.size() == 1 ? "" : "s")
                        + " but at least " + minimum + " are needed");
            }
        } else {
            Set<String> seen = new LinkedHashSet<>();
            for (String raw : option.split(",")) {
                String nodeName = raw.trim();
                if (nodeName.isEmpty()) {
                    problems.add("nodes has an empty name in '" + nodesOption + "'");
                    continue;
                }
                if (!seen.add(nodeName)) {
                    problems.add("nodes names " + nodeName + " more than once");
                    continue;
                }
                NodeDefinition node = nodes.stream().filter(n -> n.name().equals(nodeName)).findFirst().orElse(null);
                if (node == null) {
                    problems.add(unknownNode(nodeName));
                } else if (!node.active()) {
                    problems.add("node " + nodeName + " is marked inactive in " + source);
                } else {
                    chosen.add(node);
                }
            }
            if (problems.isEmpty() && chosen.size() < minimum) {
                problems.add("nodes must name at least " + minimum + " nodes, was '" + nodesOption + "'");
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidRequestException("nodes", problems);
        }
        return List.copyOf(chosen);
    }

    private String unknownNode(String nodeName) {
        return "cluster " + name + " has no node " + nodeName + "; its nodes are "
                + nodes.stream().map(NodeDefinition::name).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return "cluster " + name + " (database " + database + ", from " + source + ") " + nodes;
    }
}
