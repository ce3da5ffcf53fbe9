package dev.ace.core.mtree;

/**
 * A table's tree on one node, as {@link TreeService#list} finds it. Immutable.
 *
 * @param node the node's name
 * @param table the table, {@code schema.table}
 * @param leaves leaves of the tree
 * @param rows rows the tree covered when it was last brought up to date
 * @param pendingChanges changed rows recorded by the triggers and not folded in yet
 * @param capturing whether both triggers are there and {@code ENABLE ALWAYS}
 */
public record TreeStatus(String node, String table, int leaves, long rows, long pendingChanges, boolean capturing) {
}
