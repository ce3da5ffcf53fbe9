package dev.ace.core.mtree;

import dev.ace.core.catalog.TableName;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What building, updating or removing a table's trees did. Immutable.
 *
 * @param action {@code build}, {@code update} or {@code remove}
 * @param nodes what was done on each node, in the request's order
 */
public record TreeResult(String clusterName, TableName table, String action, List<NodeTree> nodes,
                         Instant startedAt, Instant finishedAt) {

    public TreeResult {
        nodes = List.copyOf(nodes);
    }

    /**
     * One node's tree after the operation.
     *
     * @param node the node's name
     * @param leaves leaves of the tree (0 after remove)
     * @param rows rows the tree covers
     * @param changesApplied change records folded in (update; an updated row is two: its old and its new digest)
     * @param leavesSplit leaves split because they grew past twice {@code leaf_rows}
     * @param leavesMerged leaves merged with their neighbour because both shrank
     * @param walPosition {@code pg_current_wal_lsn()} when the tree was brought up to date: every
     *        change committed before it is in the tree
     */
    public record NodeTree(String node, int leaves, long rows, long changesApplied, int leavesSplit,
                           int leavesMerged, String walPosition) {
    }

    /**
     * The result as the API and the command line's {@code --json} give it: {@code action},
     * {@code cluster_name}, {@code table_name}, {@code nodes} (each with {@code node}, {@code leaves},
     * {@code rows}, {@code changes_applied}, {@code leaves_split}, {@code leaves_merged},
     * {@code wal_position}; only {@code node} after remove) and {@code time_taken} in seconds.
     */
    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("action", action);
        json.put("cluster_name", clusterName);
        json.put("table_name", table.toString());
        json.put("nodes", nodes.stream().map(node -> {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("node", node.node());
            if (!action.equals("remove")) {
                entry.put("leaves", node.leaves());
                entry.put("rows", node.rows());
                entry.put("changes_applied", node.changesApplied());
                entry.put("leaves_split", node.leavesSplit());
                entry.put("leaves_merged", node.leavesMerged());
                entry.put("wal_position", node.walPosition());
            }
            return entry;
        }).toList());
        json.put("time_taken", duration().toMillis() / 1000.0);
        return json;
    }

    public Duration duration() {
        return Duration.between(startedAt, finishedAt);
    }

    /** A few lines for people. */
    public String describe() {
        StringBuilder text = new StringBuilder(action).append(": trees of ").append(table).append(" (cluster ")
                .append(clusterName).append(")\n");
        for (NodeTree node : nodes) {
            text.append("  ").append(node.node()).append(": ");
            if (action.equals("remove")) {
                text.append("removed\n");
                continue;
            }
            text.append(node.leaves()).append(" leaves, ").append(node.rows()).append(" rows");
            if (action.equals("update")) {
                text.append(", ").append(node.changesApplied()).append(" changes folded in, ").append(node.leavesSplit())
                        .append(" leaves split, ").append(node.leavesMerged()).append(" merged");
            }
            text.append(", at WAL ").append(node.walPosition()).append('\n');
        }
        text.append("  time: ").append(duration().toMillis()).append(" ms");
        return text.toString();
    }
}
