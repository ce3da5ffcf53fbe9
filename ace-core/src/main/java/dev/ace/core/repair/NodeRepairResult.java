package dev.ace.core.repair;

import dev.ace.core.error.ErrorCode;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What a repair did on one target node. Immutable and thread-safe.
 *
 * @param node the node's name
 * @param status how the node's transaction ended
 * @param deleted rows deleted (in a dry run: that would be)
 * @param inserted rows inserted
 * @param updated rows updated
 * @param conflicts rows left alone because they changed since the diff (or the nodes disagree); see
 *        {@link RepairConflict#HINT}
 * @param changes every row changed, for the report (empty when the node's transaction did not commit)
 * @param keptDifferences keys of rows that still differ from the source (or that only this node has) and that
 *        the mode leaves as they are: {@code upsert_only} keeps rows the source lacks, {@code insert_only} also
 *        keeps rows that differ, {@code bidirectional} keeps rows that differ
 * @param spockRepairMode whether {@code spock.repair_mode(true)} was (in a dry run: would be) called
 * @param error why the node failed or was rolled back, null otherwise
 * @param errorCode the kind of failure, null when none
 * @param duration from the start of the repair until this node's transaction ended
 */
public record NodeRepairResult(String node, Status status, long deleted, long inserted, long updated,
                               List<RepairConflict> conflicts, List<RowChange> changes,
                               List<List<String>> keptDifferences, boolean spockRepairMode, String error,
                               ErrorCode errorCode, Duration duration) {

    /** How a node's repair ended. */
    public enum Status {
        /** The node's transaction committed (possibly with every planned row skipped as a conflict). */
        REPAIRED,
        /** The diff file lists nothing to change on this node. */
        UNCHANGED,
        /** A dry run: nothing was changed; the counts are what a live run would do now. */
        DRY_RUN,
        /** The node failed; its transaction rolled back, nothing was changed there. */
        FAILED,
        /** An atomic repair: the node was ready, but rolled back because another node failed. */
        ROLLED_BACK,
        /**
         * An atomic repair: the node's transaction is prepared but its commit failed; {@link #error()} names the
         * prepared transaction to commit or roll back by hand.
         */
        IN_DOUBT
    }

    public NodeRepairResult {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(status, "status");
        conflicts = List.copyOf(conflicts);
        changes = List.copyOf(changes);
        keptDifferences = keptDifferences.stream().map(List::copyOf).toList();
        Objects.requireNonNull(duration, "duration");
    }

    /** Rows skipped as conflicts. */
    public long skipped() {
        return conflicts.size();
    }

    /** Whether the node ended as asked: repaired, unchanged, or dry-run. */
    public boolean succeeded() {
        return status == Status.REPAIRED || status == Status.UNCHANGED || status == Status.DRY_RUN;
    }
}
