package dev.ace.cli;

import dev.ace.cli.Console.Style;
import dev.ace.core.Ace;
import dev.ace.core.CallerRole;
import dev.ace.core.cluster.ClusterDefinition;
import dev.ace.core.cluster.NodeDefinition;
import dev.ace.core.cluster.NodeStatus;
import dev.ace.core.error.AceException;
import dev.ace.core.mtree.TreeStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ace check CLUSTER}: reaches every node and shows its version, Spock and the role ACE acts as. */
@Command(name = "check", mixinStandardHelpOptions = true,
        header = "Reach every node: version, Spock, role, round trip.",
        customSynopsis = "ace check CLUSTER [--dbname DB] [--nodes all|N1,N2] [options]",
        description = {"Connects to every node of a cluster (as --role, if given) and shows, for each, the "
                + "PostgreSQL version, the Spock extension's version (if installed), the role ACE acts as and the "
                + "round-trip time; a node that cannot be reached is named with the reason. Run it first: if check "
                + "passes, ACE can reach your cluster.",
                "Exit code: 0 every node answered, 2 bad usage or configuration (an unknown cluster or node), 3 some "
                        + "node could not be reached or refused the login."},
        footerHeading = "%nExamples:%n",
        footer = {"  ace check prod",
                "  ace check prod --nodes n1,n2 --role alice"})
final class CheckCommand extends CommandBase {

    @Parameters(index = "0", paramLabel = "CLUSTER",
            description = "the cluster: a pgEdge cluster file <cluster_dir>/<name>/<name>.json or a pg_service.conf section")
    String cluster;

    @Option(names = "--dbname", paramLabel = "DB", description = "the database; without it the cluster's first")
    String dbname;

    @Option(names = "--nodes", paramLabel = "NODES",
            description = "all (the cluster's active nodes; default) or a comma-separated list of node names")
    String nodes;

    CheckCommand(Console console, Interrupts interrupts) {
        super(console, interrupts, OptionTable.settingsOnly(OptionTable.CONNECTION_SETTINGS));
    }

    /** One node: what it answered, or why it did not. */
    private record Check(NodeDefinition node, NodeStatus status, AceException error) {
    }

    @Override
    ExitCode run() {
        Output output = output();
        CallerRole role = role();
        return withAce(ace -> {
            ClusterDefinition definition = ace.cluster(cluster, dbname);
            List<Check> checks = new ArrayList<>();
            for (NodeDefinition node : definition.select(nodes, 1)) {
                checks.add(check(ace, definition, node, role));
            }
            ExitCode exit = checks.stream().filter(check -> check.error() != null)
                    .map(check -> ExitCode.of(check.error().code())).findFirst().orElse(ExitCode.OK);
            List<TreeStatus> trees = exit == ExitCode.OK ? trees(ace, definition, role) : List.of();
            return output.result(exit, () -> text(definition, role, checks) + trees(definition, trees), () -> {
                Map<String, Object> json = json(definition, checks);
                json.put("trees", trees.stream().map(tree -> Map.of("node", tree.node(), "table_name", tree.table(),
                        "leaves", tree.leaves(), "pending_changes", tree.pendingChanges(), "capturing",
                        tree.capturing())).toList());
                return json;
            });
        });
    }

    private Check check(Ace ace, ClusterDefinition definition, NodeDefinition node, CallerRole role) {
        try {
            return new Check(node, ace.checkNodes(definition.name(), dbname, node.name(), role).get(0), null);
        } catch (AceException e) {
            return new Check(node, null, e);
        }
    }

    private String text(ClusterDefinition definition, CallerRole role, List<Check> checks) {
        StringBuilder text = new StringBuilder();
        text.append(console.paint("Cluster " + definition.name(), Style.BOLD)).append("  database ")
                .append(definition.database()).append(", from ").append(console.shown(definition.source()))
                .append(", acting as ").append(role).append('\n');
        int width = checks.stream().mapToInt(check -> check.node().address().length()).max().orElse(0);
        for (Check check : checks) {
            text.append("  ").append(String.format(Locale.ROOT, "%-6s %-" + width + "s  ", check.node().name(),
                    check.node().address()));
            if (check.error() != null) {
                text.append(console.paint("FAILED", Style.RED)).append("  ").append(check.error().getMessage());
            } else {
                NodeStatus status = check.status();
                text.append(console.paint("ok", Style.GREEN)).append("  PostgreSQL ").append(status.serverVersion())
                        .append(", ").append(status.spock().map(version -> "Spock " + version).orElse("no Spock"))
                        .append(", role ").append(status.currentUser()).append(", ")
                        .append(status.roundTrip().toMillis()).append(" ms");
            }
            text.append('\n');
        }
        long failed = checks.stream().filter(check -> check.error() != null).count();
        text.append(failed == 0 ? console.paint("every node answered", Style.GREEN)
                : console.paint(failed + " of " + checks.size() + " nodes did not answer", Style.RED));
        return text.toString();
    }

    /** ACE's Merkle trees on the nodes; none when the role may not read ACE's schema (check is about reaching nodes). */
    private List<TreeStatus> trees(Ace ace, ClusterDefinition definition, CallerRole role) {
        try {
            return ace.trees().list(definition.name(), dbname, nodes, role);
        } catch (AceException e) {
            return List.of();
        }
    }

    /**
     * A warning for every Merkle tree ACE keeps on the nodes: each adds a trigger to every write of
     * its table and a change log that grows until the next update, so none should be forgotten.
     */
    private String trees(ClusterDefinition definition, List<TreeStatus> trees) {
        StringBuilder text = new StringBuilder();
        for (TreeStatus tree : trees) {
            text.append('\n').append(console.paint("WARNING", Style.RED)).append("  ").append(tree.node())
                    .append(": ACE's Merkle tree of ").append(tree.table()).append(" (").append(tree.leaves())
                    .append(" leaves, ").append(tree.pendingChanges()).append(" changes waiting")
                    .append(tree.capturing() ? "" : ", its triggers MISSING OR DISABLED: rebuild or remove it")
                    .append("); its triggers cost every write; remove it with: ace mtree remove ")
                    .append(definition.name()).append(' ').append(tree.table());
        }
        return text.toString();
    }

    private static Map<String, Object> json(ClusterDefinition definition, List<Check> checks) {
        Map<String, Object> nodes = new LinkedHashMap<>();
        for (Check check : checks) {
            Map<String, Object> node = new LinkedHashMap<>();
            node.put("address", check.node().address());
            node.put("ok", check.error() == null);
            if (check.error() != null) {
                node.putAll(JsonResults.error(check.error()));
            } else {
                node.put("server_version", check.status().serverVersion());
                node.put("spock_version", check.status().spock().orElse(null));
                node.put("role", check.status().currentUser());
                node.put("round_trip_ms", check.status().roundTrip().toMillis());
            }
            nodes.put(check.node().name(), node);
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("cluster_name", definition.name());
        json.put("dbname", definition.database());
        json.put("nodes", nodes);
        return json;
    }
}
