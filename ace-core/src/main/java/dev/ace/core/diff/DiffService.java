package dev.ace.core.diff;


/**
 * Finds every row that differs between the nodes of a cluster for one table. Obtained from
 * {@code Ace.diff()}. Implementations are thread-safe: run diffs of different tables at once.
 *
 * <p>How it works, in short: the key space is cut into ranges of about {@code block_rows} rows;
 * every node hashes every range at once, as 256 key-hash partitions each with a row count and a
 * 64-bit digest ({@code hash_record_extended} of the row, XOR-combined); only the rows of
 * partitions whose digests differ travel, and they are compared value by value. Every statement
 * runs in a read-only transaction as the request's role. See {@code docs/diff.md}.
 */
public interface DiffService {

    /**
     * Runs the diff and writes the diff file ({@code <output_dir>/diffs/<date>/...json}), also
     * when nothing differs.
     *
     * @throws dev.ace.core.error.InvalidRequestException listing every problem of the options, before any database work
     * @throws dev.ace.core.error.AceException naming the node for unreachable nodes, missing tables, schema differences,
     *         permission errors, timeouts and cancellation; no diff file is left behind then
     */
    DiffResult diff(TableDiffRequest request);

    /**
     * Checks the request without running it: every check {@link #diff} makes before its first
     * database statement (the options, the cluster, the nodes), all problems at once. Cluster
     * definitions are read; no node is connected to, so the table itself is checked only when the
     * diff runs.
     *
     * @throws dev.ace.core.error.InvalidRequestException listing every problem, an unknown cluster or node included
     */
    void validate(TableDiffRequest request);
}
