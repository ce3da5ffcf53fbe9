package dev.ace.core.spock;

import java.time.OffsetDateTime;

/**
 * One failed command of a replicated transaction as Spock logged it ({@code exception_log}),
 * with the status it has now (its {@code exception_status_detail} row, else its
 * {@code exception_status} row, else PENDING). Tuples and details are JSON text.
 */
public record ExceptionRecord(long remoteOrigin, OffsetDateTime remoteCommitTs, int commandCounter,
                              OffsetDateTime retryErroredAt, long remoteXid, Long localOrigin,
                              OffsetDateTime localCommitTs, String tableSchema, String tableName, String operation,
                              String localTuple, String remoteOldTuple, String remoteNewTuple, String ddlStatement,
                              String ddlUser, String errorMessage, ExceptionStatus status, OffsetDateTime resolvedAt,
                              String resolutionDetails) {
}
