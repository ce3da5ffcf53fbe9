package dev.ace.cli;

import dev.ace.core.diff.DiffResult;
import dev.ace.core.error.ErrorCode;
import dev.ace.core.repair.NodeRepairResult;
import dev.ace.core.repair.RepairResult;

/**
 * The exit codes of {@code ace}, and the one place that decides them: from an outcome (a diff that
 * found differences, a repair that skipped rows) or from the {@link ErrorCode} of a failure. Like
 * diff(1), a script can branch on them. Immutable and thread-safe.
 */
public enum ExitCode {
    /** The nodes match, or the operation succeeded. */
    OK(0, "the nodes match, or the operation succeeded"),
    /** Differences found (table-diff, table-rerun), or a repair skipped rows as conflicts. */
    DIFFERENCES(1, "differences found (diff, rerun), or a repair skipped rows as conflicts"),
    /** Bad usage or configuration: fix the command line, ace.yaml or the cluster definition. */
    USAGE(2, "bad usage or configuration: options, ace.yaml, cluster or node"),
    /** A failure while running: a node unreachable, a login or privilege refused, a missing table, ... */
    FAILURE(3, "a failure while running: node unreachable, permission, ..."),
    /** Cancelled with Ctrl-C (SIGINT); a repair rolled back every node that had not committed. */
    CANCELLED(130, "cancelled with Ctrl-C; a repair rolls back what it had not committed");

    private final int code;
    private final String meaning;

    ExitCode(int code, String meaning) {
        this.code = code;
        this.meaning = meaning;
    }

    /** The number the process exits with. */
    public int code() {
        return code;
    }

    /** What it means, for help and documentation. */
    public String meaning() {
        return meaning;
    }

    /** The exit code of a failure of this kind. */
    public static ExitCode of(ErrorCode error) {
        return switch (error) {
            case INVALID_REQUEST, INVALID_CONFIGURATION, CLUSTER_NOT_FOUND, INVALID_CLUSTER_DEFINITION, NODE_NOT_FOUND ->
                    USAGE;
            case NODE_UNREACHABLE, NODE_BUSY, AUTHENTICATION_FAILED, TABLE_NOT_FOUND, NO_PRIMARY_KEY, SCHEMA_MISMATCH,
                    PERMISSION_DENIED, STATEMENT_TIMEOUT, NOT_FOUND, REPAIR_CONFLICT, REPAIR_IN_PROGRESS,
                    SPOCK_NOT_INSTALLED, TREE_NOT_CURRENT, DATABASE_ERROR, IO_ERROR, TOO_MANY_TASKS, INTERNAL -> FAILURE;
            case CANCELLED, INTERRUPTED -> CANCELLED;
        };
    }

    /** A diff or rerun: {@link #DIFFERENCES} unless every node holds the same rows. */
    public static ExitCode of(DiffResult result) {
        return result.match() ? OK : DIFFERENCES;
    }

    /**
     * A repair: the exit code of a node's failure when one failed (a cancelled node wins over the
     * others), {@link #DIFFERENCES} when rows were skipped as conflicts, else {@link #OK}.
     */
    public static ExitCode of(RepairResult result) {
        ExitCode worst = null;
        for (NodeRepairResult node : result.nodes()) {
            if (!node.succeeded()) {
                ExitCode failed = node.errorCode() == null ? FAILURE : of(node.errorCode());
                worst = worst == CANCELLED ? CANCELLED : failed;
            }
        }
        if (worst != null) {
            return worst;
        }
        return result.totalSkipped() > 0 ? DIFFERENCES : OK;
    }
}
