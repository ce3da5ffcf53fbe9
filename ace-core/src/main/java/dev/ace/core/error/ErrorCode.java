package dev.ace.core.error;

/**
 * What kind of failure an {@link AceException} reports. Front-ends map each code to their own
 * vocabulary (an HTTP status, an exit code) in one place.
 */
public enum ErrorCode {
    /** A request option is missing, malformed or out of range. */
    INVALID_REQUEST,
    /** A setting of the configuration (ace.yaml or the builder) is missing, malformed or out of range. */
    INVALID_CONFIGURATION,
    /** No cluster definition of that name exists. */
    CLUSTER_NOT_FOUND,
    /** A cluster definition file exists but cannot be used as written. */
    INVALID_CLUSTER_DEFINITION,
    /** A node name that the cluster does not have. */
    NODE_NOT_FOUND,
    /** A node cannot be reached, or the connection was lost. */
    NODE_UNREACHABLE,
    /**
     * Every connection ACE may open to a node was in use for longer than the pool's wait (10 x
     * {@code connect_timeout}): the node, or ACE, is busy with other work; try again later or
     * raise {@code max_connections_per_node}.
     */
    NODE_BUSY,
    /** A node refused the login (password, certificate, pg_hba.conf). */
    AUTHENTICATION_FAILED,
    /** The table does not exist on a node. */
    TABLE_NOT_FOUND,
    /** The table has no primary key on a node, so its rows cannot be matched. */
    NO_PRIMARY_KEY,
    /** The table's columns, types or key differ between nodes. */
    SCHEMA_MISMATCH,
    /** The role ACE acts as lacks a privilege. */
    PERMISSION_DENIED,
    /** A statement ran longer than the statement timeout. */
    STATEMENT_TIMEOUT,
    /** The caller cancelled the operation. */
    CANCELLED,
    /** Something the operation was asked to change is not there (an exception record, a task). */
    NOT_FOUND,
    /** A repair would overwrite data that changed since the diff. */
    REPAIR_CONFLICT,
    /** Another repair of the same table is running on a node; try again when it finishes. */
    REPAIR_IN_PROGRESS,
    /** The Spock extension (its {@code spock} schema with {@code exception_log}) is not installed on a node. */
    SPOCK_NOT_INSTALLED,
    /**
     * A table's Merkle trees cannot be brought up to date on a node (none built, a trigger dropped
     * or disabled, the trees lost in a crash, built with other leaves than another node's): an
     * incremental diff refuses to compare them; build them again ({@code mtree build}).
     */
    TREE_NOT_CURRENT,
    /** Any other error reported by a database. */
    DATABASE_ERROR,
    /** A file ACE reads or writes (diff file, report) failed. */
    IO_ERROR,
    /** The task queue is full (or the task service is shutting down): try again later. */
    TOO_MANY_TASKS,
    /**
     * ACE stopped (it was closed, or its process died) while a task was queued or running; submit
     * it again. A repair's nodes that had committed keep their changes.
     */
    INTERRUPTED,
    /** A bug in ACE, not a problem of the request, the configuration or a node: report it. */
    INTERNAL
}
