package dev.ace.core.spock;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ace.core.catalog.TableName;
import dev.ace.core.cluster.NodeDefinition;
import dev.ace.core.error.AceException;
import dev.ace.core.error.ErrorCode;
import dev.ace.core.error.NotFoundException;
import dev.ace.core.error.SpockNotInstalledException;
import dev.ace.core.internal.config.ClusterResolver;
import dev.ace.core.internal.db.NodePools;
import dev.ace.core.internal.db.NodeSession;
import dev.ace.core.internal.db.SqlErrors;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Inspects and resolves Spock replication exceptions on a node: what the API's
 * {@code update-spock-exception} endpoint does, plus a list an operator can page through.
 * Obtained from {@code Ace.exceptions()}. Every statement runs as the request's role. Thread-safe.
 *
 * <p>Without {@code command_counter} an update sets the status of the exception
 * ({@code exception_status}) and of all its failed commands ({@code exception_status_detail}) in
 * one transaction; with it, only that command's detail row. {@code resolved_at} is the database's
 * transaction time when the status becomes RESOLVED and is cleared otherwise; omitted
 * {@code resolution_details} are stored as SQL NULL. An exception with several retries (Spock's
 * {@code retry_errored_at}) has all of them updated. An exception Spock only logged (its apply
 * worker writes {@code exception_log} alone) is first tracked: its status rows are created as
 * PENDING from the log. Nothing matching is an error, not a success.
 */
public final class ExceptionService {

    private static final String TABLES_PRESENT = "SELECT count(*) FROM pg_catalog.pg_class c "
            + "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'spock' "
            + "AND c.relname IN ('exception_log', 'exception_status', 'exception_status_detail')";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ClusterResolver clusters;
    private final NodePools pools;

    /** Internal: created by {@code Ace}. */
    public ExceptionService(ClusterResolver clusters, NodePools pools) {
        this.clusters = Objects.requireNonNull(clusters);
        this.pools = Objects.requireNonNull(pools);
    }

    /** The parsed key and values of an update. */
    private record Update(long origin, OffsetDateTime commitTs, long xid, Integer commandCounter,
                          ExceptionStatus status, String details) {
    }

    /**
     * Sets the status of an exception (or of one of its commands) on the node. The request checked
     * its fields when it was built ({@link ExceptionUpdateRequest}).
     *
     * @throws NotFoundException when no exception (or command) matches; nothing is changed
     * @throws SpockNotInstalledException when the node has no spock schema with the exception tables
     * @throws dev.ace.core.error.PermissionDeniedException when the role may not update the spock tables; nothing is changed
     */
    public ExceptionUpdateResult update(ExceptionUpdateRequest request) {
        Objects.requireNonNull(request, "request");
        Update update = bound(request);
        NodeDefinition node = clusters.resolve(request.clusterName(), request.dbname()).node(request.nodeName());
        String what = "updating a Spock exception";
        try (NodeSession session = pools.open(node, request.role(), what)) {
            Connection connection = session.connection();
            requireSpock(connection, node);
            connection.setAutoCommit(false);
            boolean resolved = update.status() == ExceptionStatus.RESOLVED;
            String set = " SET status = ?, resolved_at = " + (resolved ? "now()" : "NULL")
                    + ", resolution_details = ?::jsonb WHERE remote_origin = ?::oid AND remote_commit_ts = ? "
                    + "AND remote_xid = ?";
            trackLoggedOnly(connection, update);
            int statusRows = 0;
            if (update.commandCounter() == null) {
                statusRows = execute(connection, "UPDATE spock.exception_status" + set, update, null);
            }
            int detailRows = execute(connection, "UPDATE spock.exception_status_detail" + set
                    + (update.commandCounter() == null ? "" : " AND command_counter = ?"), update, update.commandCounter());
            if (statusRows + detailRows == 0) {
                connection.rollback();
                throw new NotFoundException("no Spock exception with remote_origin " + update.origin()
                        + ", remote_commit_ts " + update.commitTs() + ", remote_xid " + update.xid()
                        + (update.commandCounter() == null ? "" : ", command_counter " + update.commandCounter())
                        + " on node " + node.describe() + "; nothing was changed");
            }
            OffsetDateTime resolvedAt = null;
            if (resolved) {
                try (PreparedStatement now = connection.prepareStatement("SELECT now()");
                     ResultSet rows = now.executeQuery()) {
                    rows.next();
                    resolvedAt = rows.getObject(1, OffsetDateTime.class);
                }
            }
            connection.commit();
            return new ExceptionUpdateResult(node.name(), update.status(), statusRows, detailRows, resolvedAt);
        } catch (SQLException e) {
            throw SqlErrors.wrap(e, node, what);
        }
    }

    private static final String LOG_MATCH = "l.remote_origin = ?::oid AND l.remote_commit_ts = ? AND l.remote_xid = ?";
    private static final String MISSING_STATUS = "NOT EXISTS (SELECT 1 FROM spock.exception_status s "
            + "WHERE s.remote_origin = l.remote_origin AND s.remote_commit_ts = l.remote_commit_ts "
            + "AND s.retry_errored_at = l.retry_errored_at)";
    private static final String MISSING_DETAIL = "NOT EXISTS (SELECT 1 FROM spock.exception_status_detail d "
            + "WHERE d.remote_origin = l.remote_origin AND d.remote_commit_ts = l.remote_commit_ts "
            + "AND d.command_counter = l.command_counter AND d.retry_errored_at = l.retry_errored_at)";

    /**
     * Spock's apply worker writes only {@code exception_log}; the status rows appear when someone
     * tracks the exception. Before updating, the rows the log has but the status tables lack are
     * created as PENDING, in the same transaction, serialized per exception by an advisory lock
     * ({@code ON CONFLICT} is refused on Spock's {@code user_catalog_table} tables). Nothing is
     * inserted when every row exists, so a role with UPDATE alone can review tracked exceptions.
     */
    private static void trackLoggedOnly(Connection connection, Update update) throws SQLException {
        try (PreparedStatement lock = connection.prepareStatement(
                "SELECT pg_advisory_xact_lock(hashtextextended('ace spock exception ' || ? || ' ' || ?, 0))")) {
            lock.setLong(1, update.origin());
            lock.setLong(2, update.xid());
            lock.executeQuery().close();
        }
        long missing;
        try (PreparedStatement count = connection.prepareStatement("SELECT count(*) FILTER (WHERE " + MISSING_STATUS
                + ") + count(*) FILTER (WHERE " + MISSING_DETAIL + ") FROM spock.exception_log l WHERE " + LOG_MATCH)) {
            bindKey(count, update, 1);
            try (ResultSet rows = count.executeQuery()) {
                rows.next();
                missing = rows.getLong(1);
            }
        }
        if (missing == 0) {
            return;
        }
        try (PreparedStatement status = connection.prepareStatement("INSERT INTO spock.exception_status "
                + "(remote_origin, remote_commit_ts, retry_errored_at, remote_xid, status) "
                + "SELECT DISTINCT l.remote_origin, l.remote_commit_ts, l.retry_errored_at, l.remote_xid, 'PENDING' "
                + "FROM spock.exception_log l WHERE " + LOG_MATCH + " AND " + MISSING_STATUS);
             PreparedStatement detail = connection.prepareStatement("INSERT INTO spock.exception_status_detail "
                + "(remote_origin, remote_commit_ts, command_counter, retry_errored_at, remote_xid, status) "
                + "SELECT l.remote_origin, l.remote_commit_ts, l.command_counter, l.retry_errored_at, l.remote_xid, "
                + "'PENDING' FROM spock.exception_log l WHERE " + LOG_MATCH + " AND " + MISSING_DETAIL)) {
            bindKey(status, update, 1);
            status.executeUpdate();
            bindKey(detail, update, 1);
            detail.executeUpdate();
        }
    }

    private static void bindKey(PreparedStatement statement, Update update, int first) throws SQLException {
        statement.setLong(first, update.origin());
        statement.setObject(first + 1, update.commitTs());
        statement.setLong(first + 2, update.xid());
    }

    private static int execute(Connection connection, String sql, Update update, Integer commandCounter)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, update.status().name());
            if (update.details() == null) {
                statement.setNull(2, Types.VARCHAR);
            } else {
                statement.setString(2, update.details());
            }
            statement.setLong(3, update.origin());
            statement.setObject(4, update.commitTs());
            statement.setLong(5, update.xid());
            if (commandCounter != null) {
                statement.setInt(6, commandCounter);
            }
            return statement.executeUpdate();
        }
    }

    /** The request's values as the statements bind them; the request checked them when it was built. */
    private static Update bound(ExceptionUpdateRequest request) {
        String details;
        try {
            details = request.resolutionDetails() == null ? null : JSON.writeValueAsString(request.resolutionDetails());
        } catch (JsonProcessingException e) {
            // the request holds JSON values only; this is a bug
            throw new AceException(ErrorCode.INTERNAL, "exception_details.resolution_details could not be written as "
                    + "JSON: " + e.getOriginalMessage(), e);
        }
        return new Update(request.remoteOrigin(), request.remoteCommitTs().atOffset(ZoneOffset.UTC),
                request.remoteXid(), request.commandCounter(), request.status(), details);
    }

    private static void requireSpock(Connection connection, NodeDefinition node) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(TABLES_PRESENT);
             ResultSet rows = statement.executeQuery()) {
            rows.next();
            if (rows.getInt(1) < 3) {
                throw new SpockNotInstalledException("Spock is not installed on node " + node.describe()
                        + ": the spock schema with exception_log, exception_status and exception_status_detail is missing");
            }
        }
    }

    /**
     * The exceptions recorded on a node, newest first ({@code remote_commit_ts}, then command),
     * optionally only one status and one table, one page at a time.
     */
    public ExceptionPage list(ExceptionListRequest request) {
        Objects.requireNonNull(request, "request");
        ExceptionStatus status = request.status();
        TableName table = request.tableName() == null ? null : TableName.parse(request.tableName());
        NodeDefinition node = clusters.resolve(request.clusterName(), request.dbname()).node(request.nodeName());
        String what = "listing Spock exceptions";
        String current = "coalesce(d.status, s.status, 'PENDING')";
        String from = " FROM spock.exception_log l "
                + "LEFT JOIN spock.exception_status s ON s.remote_origin = l.remote_origin "
                + "AND s.remote_commit_ts = l.remote_commit_ts AND s.retry_errored_at = l.retry_errored_at "
                + "LEFT JOIN spock.exception_status_detail d ON d.remote_origin = l.remote_origin "
                + "AND d.remote_commit_ts = l.remote_commit_ts AND d.command_counter = l.command_counter "
                + "AND d.retry_errored_at = l.retry_errored_at "
                + "WHERE (?::text IS NULL OR " + current + " = ?) AND (?::text IS NULL OR l.table_schema = ?) "
                + "AND (?::text IS NULL OR l.table_name = ?)";
        String page = "SELECT l.remote_origin, l.remote_commit_ts, l.command_counter, l.retry_errored_at, l.remote_xid, "
                + "l.local_origin, l.local_commit_ts, l.table_schema, l.table_name, l.operation, l.local_tup::text, "
                + "l.remote_old_tup::text, l.remote_new_tup::text, l.ddl_statement, l.ddl_user, l.error_message, "
                + current + ", CASE WHEN d.status IS NOT NULL THEN d.resolved_at ELSE s.resolved_at END, "
                + "(CASE WHEN d.status IS NOT NULL THEN d.resolution_details ELSE s.resolution_details END)::text"
                + from + " ORDER BY l.remote_commit_ts DESC, l.remote_origin, l.command_counter, "
                + "l.retry_errored_at DESC LIMIT ? OFFSET ?";
        String[] filters = {status == null ? null : status.name(), table == null ? null : table.schema(),
            table == null ? null : table.table()};
        try (NodeSession session = pools.open(node, request.role(), what)) {
            Connection connection = session.connection();
            requireSpock(connection, node);
            long total;
            try (PreparedStatement statement = connection.prepareStatement("SELECT count(*)" + from)) {
                bindFilters(statement, filters);
                try (ResultSet rows = statement.executeQuery()) {
                    rows.next();
                    total = rows.getLong(1);
                }
            }
            List<ExceptionRecord> records = new ArrayList<>();
            try (PreparedStatement statement = connection.prepareStatement(page)) {
                bindFilters(statement, filters);
                statement.setInt(7, request.limit());
                statement.setInt(8, request.offset());
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        long localOrigin = rows.getLong(6);
                        Long local = rows.wasNull() ? null : localOrigin;
                        records.add(new ExceptionRecord(rows.getLong(1), rows.getObject(2, OffsetDateTime.class),
                                rows.getInt(3), rows.getObject(4, OffsetDateTime.class), rows.getLong(5), local,
                                rows.getObject(7, OffsetDateTime.class), rows.getString(8), rows.getString(9),
                                rows.getString(10), rows.getString(11), rows.getString(12), rows.getString(13),
                                rows.getString(14), rows.getString(15), rows.getString(16),
                                ExceptionStatus.parse(rows.getString(17)), rows.getObject(18, OffsetDateTime.class),
                                rows.getString(19)));
                    }
                }
            }
            return new ExceptionPage(records, total, request.limit(), request.offset());
        } catch (SQLException e) {
            throw SqlErrors.wrap(e, node, what);
        }
    }

    /** Binds (status, schema, table), each twice: once for its IS NULL test, once for its comparison. */
    private static void bindFilters(PreparedStatement statement, String[] filters) throws SQLException {
        for (int i = 0; i < filters.length; i++) {
            statement.setString(2 * i + 1, filters[i]);
            statement.setString(2 * i + 2, filters[i]);
        }
    }
}
