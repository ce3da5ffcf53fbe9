package dev.ace.core.mtree;

import dev.ace.core.CallerRole;
import java.util.List;

/**
 * The Merkle trees of tables, kept on every node for the incremental table-diff.
 *
 * <pre>{@code
 * ace.trees().build(TreeRequest.builder("prod", "public.users").build());     // once
 * DiffResult result = ace.diff().diff(TableDiffRequest.builder("prod", "public.users").incremental(true).build());
 * ace.trees().remove(TreeRequest.builder("prod", "public.users").build());    // every object gone
 * }</pre>
 *
 * Building creates, on every chosen node, the schema {@code mtree_schema} (if missing), the
 * table's leaves, inner nodes and change log there, and two triggers on the table ({@code ENABLE
 * ALWAYS}, so changes applied by logical replication are captured too). From then on every
 * insert, update, delete and truncate of the table records the changed rows' digests; an update
 * (and every incremental diff) folds them into the leaves without reading the table. Thread-safe.
 */
public interface TreeService {

    /**
     * Builds (or rebuilds) the table's trees on every chosen node: plans leaves of about
     * {@code leaf_rows} rows on the node with the most rows, then hashes them on every node.
     */
    TreeResult build(TreeRequest request);

    /** Brings the table's trees up to date on every chosen node; splits and merges leaves that grew or shrank. */
    TreeResult update(TreeRequest request);

    /** Removes every object the table's trees use on every chosen node; the schema too when no tree is left. */
    TreeResult remove(TreeRequest request);

    /**
     * The trees kept on each node of a cluster (for {@code ace check}): every table with a tree,
     * and the changes waiting to be folded in.
     *
     * @param nodes {@code "all"} (or null) or a comma-separated list of node names
     */
    List<TreeStatus> list(String clusterName, String dbname, String nodes, CallerRole role);
}
