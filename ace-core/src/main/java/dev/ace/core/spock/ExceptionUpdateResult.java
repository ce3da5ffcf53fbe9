package dev.ace.core.spock;

import java.time.OffsetDateTime;

/**
 * What an exception update changed on the node.
 *
 * @param statusRows {@code exception_status} rows updated (0 when only one command was updated)
 * @param detailRows {@code exception_status_detail} rows updated
 * @param resolvedAt the database time recorded as {@code resolved_at}; null unless the status is RESOLVED
 */
public record ExceptionUpdateResult(String node, ExceptionStatus status, int statusRows, int detailRows,
                                    OffsetDateTime resolvedAt) {

    /** The API's success message. */
    public String message() {
        return "Exception status updated successfully";
    }
}
