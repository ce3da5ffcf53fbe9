package dev.ace.core.repair;

import java.util.List;


/**
 * Repairs a table from a diff file: makes the target nodes hold what the source of truth holds,
 * in the mode the request selects. Obtained from {@code Ace.repair()}. Implementations are thread-safe; two repairs
 * of the same table never run at once (the second waits up to its lock timeout, then fails).
 *
 * <p>Never loses a row to a stale diff file: the repair writes what the source of truth holds
 * now, and changes a target row only if it still holds exactly what the diff recorded; rows that
 * changed on either side since the diff are skipped and reported as conflicts. Each target node
 * is repaired in one transaction (deletes, then inserts, then updates, in set-based batches) with
 * {@code session_replication_role = replica} (triggers do not fire unless {@code fire_triggers})
 * and, where Spock is installed, {@code spock.repair_mode(true)} so the repair does not
 * replicate. See {@code docs/repair.md}.
 */
public interface RepairService {

    /**
     * Runs the repair (or, with {@code dry_run}, works out what it would do).
     *
     * @return per target node: rows deleted, inserted, updated and skipped; nodes that failed say why and were
     *         left unchanged
     * @throws dev.ace.core.error.InvalidRequestException listing every problem of the options and the diff file, before
     *         any database work
     * @throws dev.ace.core.error.AceException before anything was changed, when the table changed shape since the diff,
     *         a node cannot be reached, the role lacks a privilege the repair needs, or another repair of the table
     *         is running ({@link dev.ace.core.error.ErrorCode#REPAIR_IN_PROGRESS})
     */
    RepairResult repair(TableRepairRequest request);

    /**
     * Checks the request without running it: every check {@link #repair} makes before its first
     * database statement (the options, the diff file's summary: that it exists and is a diff of the
     * named table and cluster, the source of truth, the file's cluster and nodes), all problems at
     * once. No node is connected to; the rows of the file are read when the repair runs.
     *
     * @throws dev.ace.core.error.InvalidRequestException listing every problem, an unknown cluster or node included
     */
    void validate(TableRepairRequest request);

    /**
     * Ends the transactions that atomic repairs left prepared when ACE stopped in the middle of
     * their commit (its process was killed): on every node of the cluster, each such repair no
     * longer running is committed everywhere if it had committed on some node or every one of its
     * targets had prepared it, else rolled back everywhere (see {@code docs/repair.md}). Every
     * atomic repair does this first on its own cluster; call it to end them without repairing.
     *
     * @param dbname the database (null: the cluster definition's default)
     * @return one entry per interrupted repair found, empty when there is none
     */
    List<InterruptedRepair> resolveInterrupted(String clusterName, String dbname, dev.ace.core.CallerRole role);
}
