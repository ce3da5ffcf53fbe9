package dev.ace.core.internal.spock;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ace.core.CallerRole;
import dev.ace.core.catalog.TableName;
import dev.ace.core.cluster.NodeDefinition;
import dev.ace.core.error.AceException;
import dev.ace.core.error.ErrorCode;
import dev.ace.core.error.InvalidRequestException;
import dev.ace.core.error.NotFoundException;
import dev.ace.core.error.PermissionDeniedException;
import dev.ace.core.error.SpockNotInstalledException;
import dev.ace.core.internal.config.ClusterResolver;
import dev.ace.core.internal.db.NodePools;
import dev.ace.core.internal.db.NodeSession;
import dev.ace.core.internal.db.Sql;
import dev.ace.core.internal.db.SqlErrors;
import dev.ace.core.spock.ExceptionListRequest;
import dev.ace.core.spock.ExceptionPage;
import dev.ace.core.spock.ExceptionRecord;
import dev.ace.core.spock.ExceptionService;
import dev.ace.core.spock.ExceptionStatus;
import dev.ace.core.spock.ExceptionUpdateRequest;
import dev.ace.core.spock.ExceptionUpdateResult;
import dev.ace.core.spock.RemoteOrigin;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** {@link ExceptionService} on the nodes of the cluster definitions, through ACE's pools. Thread-safe. */
public final class SpockExceptions implements ExceptionService {

    /** The exception tables the node has, read with the statement's snapshot (not the relation cache). */
    private static final String TABLES_PRESENT = "SELECT coalesce(bool_or(c.relname = 'exception_log'), false), "
            + "coalesce(bool_or(c.relname = 'exception_status'), false), "
            + "coalesce(bool_or(c.relname = 'exception_status_detail'), false) FROM pg_catalog.pg_class c "
            + "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'spock' "
            + "AND c.relkind IN ('r', 'p') "
            + "AND c.relname IN ('exception_log', 'exception_status', 'exception_status_detail')";

    /**
     * Spock 5's definitions of the status tables ({@code sql/spock--5.0.0.sql}, unchanged through
     * 5.0.11), created by the first update on a node that lacks them: Spock's apply worker never
     * writes them.
     */
    private static final String CREATE_STATUS = "CREATE TABLE spock.exception_status (\n"
            + "  remote_origin oid NOT NULL,\n"
            + "  remote_commit_ts timestamptz NOT NULL,\n"
            + "  retry_errored_at timestamptz NOT NULL,\n"
            + "  remote_xid bigint NOT NULL,\n"
            + "  status text NOT NULL,\n"
            + "  resolved_at timestamptz,\n"
            + "  resolution_details jsonb,\n"
            + "  PRIMARY KEY (remote_origin, remote_commit_ts, retry_errored_at)\n"
            + ") WITH (user_catalog_table = true)";
    private static final String CREATE_STATUS_DETAIL = "CREATE TABLE spock.exception_status_detail (\n"
            + "  remote_origin oid NOT NULL,\n"
            + "  remote_commit_ts timestamptz NOT NULL,\n"
            + "  command_counter integer NOT NULL,\n"
            + "  retry_errored_at timestamptz NOT NULL,\n"
            + "  remote_xid bigint NOT NULL,\n"
            + "  status text NOT NULL,\n"
            + "  resolved_at timestamptz,\n"
            + "  resolution_details jsonb,\n"
            + "  PRIMARY KEY (remote_origin, remote_commit_ts, command_counter, retry_errored_at),\n"
            + "  FOREIGN KEY (remote_origin, remote_commit_ts, retry_errored_at) REFERENCES spock.exception_status\n"
            + ") WITH (user_catalog_table = true)";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ClusterResolver clusters;
    private final NodePools pools;

    public SpockExceptions(ClusterResolver clusters, NodePools pools) {
        this.clusters = Objects.requireNonNull(clusters);
        this.pools = Objects.requireNonNull(pools);
    }

    /** The parsed key and values of an update. */
    private record Update(long origin, OffsetDateTime commitTs, long xid, Integer commandCounter,
                          ExceptionStatus status, String details) {
    }

    @Override
    public ExceptionUpdateResult update(ExceptionUpdateRequest request) {
        Objects.requireNonNull(request, "request");
        NodeDefinition node = clusters.resolve(request.clusterName(), request.dbname()).node(request.nodeName());
        String what = "updating a Spock exception";
        try (NodeSession session = pools.open(node, request.role(), what)) {
            Connection connection = session.connection();
            Tables tables = requireSpock(connection, node);
            Update update = bound(request, originId(connection, request.remoteOrigin(), node));
            connection.setAutoCommit(false);
            if (!tables.status() || !tables.detail()) {
                if (!logged(connection, update)) {
                    connection.rollback();
                    throw notFound(update, node);
                }
                createStatusTables(connection, node, request.role());
            }
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
                throw notFound(update, node);
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

    private static NotFoundException notFound(Update update, NodeDefinition node) {
        return new NotFoundException("no Spock exception with remote_origin " + update.origin()
                + ", remote_commit_ts " + update.commitTs() + ", remote_xid " + update.xid()
                + (update.commandCounter() == null ? "" : ", command_counter " + update.commandCounter())
                + " on node " + node.describe() + "; nothing was changed");
    }

    /** Whether {@code exception_log} holds the exception (and the command, when one is named). */
    private static boolean logged(Connection connection, Update update) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT EXISTS (SELECT 1 FROM "
                + "spock.exception_log l WHERE " + LOG_MATCH + " AND (?::int IS NULL OR l.command_counter = ?))")) {
            bindKey(statement, update, 1);
            if (update.commandCounter() == null) {
                statement.setNull(4, Types.INTEGER);
                statement.setNull(5, Types.INTEGER);
            } else {
                statement.setInt(4, update.commandCounter());
                statement.setInt(5, update.commandCounter());
            }
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getBoolean(1);
            }
        }
    }

    /**
     * Creates {@code exception_status} and {@code exception_status_detail} where the node lacks
     * them, in the update's transaction (an update that finds nothing rolls them back too). An
     * advisory lock serializes two first updates; the check is repeated under it, with a new
     * snapshot, so the second finds the first's tables instead of failing on them. This needs
     * CREATE on schema {@code spock}; the tables belong to the role that ran the update.
     */
    private static void createStatusTables(Connection connection, NodeDefinition node, CallerRole role)
            throws SQLException {
        try (PreparedStatement lock = connection.prepareStatement(
                "SELECT pg_advisory_xact_lock(hashtextextended('ace spock exception status tables', 0))")) {
            lock.executeQuery().close();
        }
        Tables tables = tables(connection);
        try (Statement statement = connection.createStatement()) {
            if (!tables.status()) {
                statement.execute(CREATE_STATUS);
            }
            if (!tables.detail()) {
                statement.execute(CREATE_STATUS_DETAIL);
            }
        } catch (SQLException e) {
            if ("42501".equals(e.getSQLState())) {
                String grantee = role.name().orElse(node.user());
                throw new PermissionDeniedException((role.name().isPresent() ? "role " : "ACE's user ") + grantee
                        + " may not create spock.exception_status and spock.exception_status_detail on node "
                        + node.describe() + ", which Spock's apply worker does not create and the first update of an "
                        + "exception does; GRANT CREATE ON SCHEMA spock TO " + Sql.quote(grantee)
                        + ", or run that first update as a role that may; nothing was changed", e);
            }
            throw e;
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

    /**
     * The origin's {@code node_id}: as given, or looked up by name in the node's {@code spock.node}
     * (as the request's role). A name that is not there is an invalid request naming the names
     * that are.
     */
    private static long originId(Connection connection, RemoteOrigin origin, NodeDefinition node) throws SQLException {
        if (!origin.byName()) {
            return origin.nodeId();
        }
        List<String> names = new ArrayList<>();
        try {
            try (PreparedStatement statement = connection.prepareStatement(
                    "SELECT node_id FROM spock.node WHERE node_name = ?")) {
                statement.setString(1, origin.nodeName());
                try (ResultSet rows = statement.executeQuery()) {
                    if (rows.next()) {
                        return rows.getLong(1);
                    }
                }
            }
            try (PreparedStatement statement = connection.prepareStatement(
                    "SELECT node_name FROM spock.node ORDER BY node_name");
                 ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    names.add(rows.getString(1));
                }
            }
        } catch (SQLException e) {
            if (!"42P01".equals(e.getSQLState())) {
                throw e;
            }
        }
        throw new InvalidRequestException("exception_details.remote_origin '" + origin.nodeName() + "' names no node "
                + "in spock.node on node " + node.describe() + (names.isEmpty()
                ? ", which lists none; give the origin's node_id instead"
                : "; the node names there are: " + String.join(", ", names)));
    }

    /** The request's values as the statements bind them; the request checked them when it was built. */
    private static Update bound(ExceptionUpdateRequest request, long origin) {
        String details;
        try {
            details = request.resolutionDetails() == null ? null : JSON.writeValueAsString(request.resolutionDetails());
        } catch (JsonProcessingException e) {
            // the request holds JSON values only; this is a bug
            throw new AceException(ErrorCode.INTERNAL, "exception_details.resolution_details could not be written as "
                    + "JSON: " + e.getOriginalMessage(), e);
        }
        return new Update(origin, request.remoteCommitTs().atOffset(ZoneOffset.UTC),
                request.remoteXid(), request.commandCounter(), request.status(), details);
    }

    /** Which of Spock's exception tables a node has. */
    private record Tables(boolean log, boolean status, boolean detail) {
    }

    private static Tables tables(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(TABLES_PRESENT);
             ResultSet rows = statement.executeQuery()) {
            rows.next();
            return new Tables(rows.getBoolean(1), rows.getBoolean(2), rows.getBoolean(3));
        }
    }

    /** The node's exception tables; Spock itself only guarantees {@code exception_log}. */
    private static Tables requireSpock(Connection connection, NodeDefinition node) throws SQLException {
        Tables tables = tables(connection);
        if (!tables.log()) {
            throw new SpockNotInstalledException("Spock is not installed on node " + node.describe()
                    + ": the spock schema with exception_log is missing");
        }
        return tables;
    }

    /** An empty stand-in for a status table the node does not have yet: every command is then PENDING. */
    private static String absent(boolean detail) {
        return "(SELECT NULL::oid AS remote_origin, NULL::timestamptz AS remote_commit_ts, "
                + (detail ? "NULL::integer AS command_counter, " : "")
                + "NULL::timestamptz AS retry_errored_at, NULL::text AS status, NULL::timestamptz AS resolved_at, "
                + "NULL::jsonb AS resolution_details WHERE false)";
    }

    @Override
    public ExceptionPage list(ExceptionListRequest request) {
        Objects.requireNonNull(request, "request");
        // the request checked its options when it was built
        ExceptionStatus status = request.status();
        TableName table = request.tableName() == null ? null : TableName.parse(request.tableName());
        NodeDefinition node = clusters.resolve(request.clusterName(), request.dbname()).node(request.nodeName());
        String what = "listing Spock exceptions";
        String current = "coalesce(d.status, s.status, 'PENDING')";
        String[] filters = {status == null ? null : status.name(), table == null ? null : table.schema(),
            table == null ? null : table.table()};
        try (NodeSession session = pools.open(node, request.role(), what)) {
            Connection connection = session.connection();
            Tables tables = requireSpock(connection, node);
            String from = " FROM spock.exception_log l "
                    + "LEFT JOIN " + (tables.status() ? "spock.exception_status" : absent(false)) + " s "
                    + "ON s.remote_origin = l.remote_origin "
                    + "AND s.remote_commit_ts = l.remote_commit_ts AND s.retry_errored_at = l.retry_errored_at "
                    + "LEFT JOIN " + (tables.detail() ? "spock.exception_status_detail" : absent(true)) + " d "
                    + "ON d.remote_origin = l.remote_origin "
                    + "AND d.remote_commit_ts = l.remote_commit_ts AND d.command_counter = l.command_counter "
                    + "AND d.retry_errored_at = l.retry_errored_at "
                    + "WHERE (?::text IS NULL OR " + current + " = ?) AND (?::text IS NULL OR l.table_schema = ?) "
                    + "AND (?::text IS NULL OR l.table_name = ?)";
            String page = "SELECT l.remote_origin, l.remote_commit_ts, l.command_counter, l.retry_errored_at, "
                    + "l.remote_xid, l.local_origin, l.local_commit_ts, l.table_schema, l.table_name, l.operation, "
                    + "l.local_tup::text, l.remote_old_tup::text, l.remote_new_tup::text, l.ddl_statement, l.ddl_user, "
                    + "l.error_message, " + current
                    + ", CASE WHEN d.status IS NOT NULL THEN d.resolved_at ELSE s.resolved_at END, "
                    + "(CASE WHEN d.status IS NOT NULL THEN d.resolution_details ELSE s.resolution_details END)::text"
                    + from + " ORDER BY l.remote_commit_ts DESC, l.remote_origin, l.command_counter, "
                    + "l.retry_errored_at DESC LIMIT ? OFFSET ?";
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
