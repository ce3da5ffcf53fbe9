package dev.ace.core.spock;

import dev.ace.core.error.NotFoundException;
import dev.ace.core.error.PermissionDeniedException;
import dev.ace.core.error.SpockNotInstalledException;

/**
 * Inspects and resolves Spock replication exceptions on a node: what the API's
 * {@code update-spock-exception} endpoint does, plus a list an operator can page through.
 * Obtained from {@code Ace.exceptions()}. Every statement runs as the request's role. Implementations are thread-safe.
 *
 * <p>Without {@code command_counter} an update sets the status of the exception
 * ({@code exception_status}) and of all its failed commands ({@code exception_status_detail}) in
 * one transaction; with it, only that command's detail row. {@code resolved_at} is the database's
 * transaction time when the status becomes RESOLVED and is cleared otherwise; omitted
 * {@code resolution_details} are stored as SQL NULL. Spock's apply worker writes
 * {@code exception_log} alone, stamping each logged command with its own {@code retry_errored_at};
 * status rows are keyed by it, so an exception has one status row per distinct
 * {@code retry_errored_at} (with Spock 5, one per logged command) and all of them are updated. An
 * exception Spock only logged is first tracked: its status rows are created as PENDING from the
 * log, and the two status tables themselves are created (with Spock's definitions) when the node
 * lacks them. Nothing matching is an error, not a success.
 */
public interface ExceptionService {

    /**
     * Sets the status of an exception (or of one of its commands) on the node. The request checked
     * its fields when it was built ({@link ExceptionUpdateRequest}); invalid fields never get here.
     *
     * @throws NotFoundException when no exception (or command) matches; nothing is changed
     * @throws SpockNotInstalledException when the node has no {@code spock.exception_log}
     * @throws PermissionDeniedException when the role may not update the spock tables, or may not
     *         create the status tables a node lacks; nothing is changed
     */
    ExceptionUpdateResult update(ExceptionUpdateRequest request);

    /**
     * The exceptions recorded on a node, newest first ({@code remote_commit_ts}, then command),
     * optionally only one status and one table, one page at a time.
     */
    ExceptionPage list(ExceptionListRequest request);
}
