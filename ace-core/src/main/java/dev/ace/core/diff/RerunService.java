package dev.ace.core.diff;

import dev.ace.core.diff.DiffResult;

/**
 * Re-checks only the keys listed in an earlier diff file and writes a new diff file, in the same
 * format, holding what still differs: to confirm a repair, or to tell replication lag (gone on a
 * rerun) from real divergence. Obtained from {@code Ace.rerun()}. Implementations are thread-safe.
 *
 * <p>Both behaviours read in repeatable-read snapshots as the caller's role and give the same
 * answer; the diff's {@code table_filter}, if any, applies again. {@code hostdb} loads the keys
 * into a temporary table inside a transaction that is always rolled back, so nothing is left on
 * any node, even on failure.
 */
public interface RerunService {

    /**
     * Runs the rerun and writes the new diff file ({@code <output_dir>/diffs/<date>/...json}), also
     * when nothing differs any more.
     *
     * @throws dev.ace.core.error.InvalidRequestException listing every problem of the options and the diff file
     * @throws dev.ace.core.error.AceException naming the node for unreachable nodes, a changed table, permission errors
     *         and timeouts; no diff file is left behind then
     */
    DiffResult rerun(TableRerunRequest request);

    /**
     * Checks the request without running it: every check {@link #rerun} makes before its first
     * database statement (the options, the diff file's summary: that it exists and is a diff of the
     * named table and cluster, the file's cluster and nodes), all problems at once. No node is
     * connected to; the rows of the file are read when the rerun runs.
     *
     * @throws dev.ace.core.error.InvalidRequestException listing every problem, an unknown cluster or node included
     */
    void validate(TableRerunRequest request);
}
