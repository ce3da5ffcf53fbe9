package dev.ace.core.internal.repair;

import dev.ace.core.cluster.NodeDefinition;
import dev.ace.core.error.AceException;
import dev.ace.core.error.ErrorCode;
import dev.ace.core.error.PermissionDeniedException;
import dev.ace.core.internal.db.NodeSession;
import dev.ace.core.internal.db.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sessions of one repair and what their transactions are set up with: one session per node
 * that is repaired or re-read, leased in the global order; a read-only snapshot on each node
 * only re-read; on each target, the transaction its writer asks for, with the per-table advisory
 * lock, {@code session_replication_role} and Spock's repair mode. Used by the thread that opens
 * the sessions, then by each target's writer on its own target only.
 */
final class RepairSessions {

    /** High half of the advisory lock key of a repair: "ACER"; the low half is the table's OID. */
    static final long LOCK_NAMESPACE = 0x41434552L;

    private final RepairJob job;

    RepairSessions(RepairJob job) {
        this.job = job;
    }

    /**
     * Opens the session of every target and of every node re-read ({@code providers}), one node
     * after the other in the global lease order; chooses each target's writer and begins its
     * transaction. The table's statements ({@link RepairJob#sql}) are made from the first session.
     *
     * @return the sessions of the nodes only re-read, by node name
     */
    Map<String, NodeSession> open(Map<String, Target> targets, Set<String> providers) {
        List<NodeDefinition> involved = new ArrayList<>();
        for (NodeDefinition node : job.nodes.values()) {
            if (targets.containsKey(node.name()) || providers.contains(node.name())) {
                involved.add(node);
            }
        }
        Map<String, NodeSession> readers = new ConcurrentHashMap<>();
        job.work.leaseAll(involved, node -> {
            Target target = targets.get(node.name());
            NodeSession session = target == null ? job.work.openReadOnly(node) : job.work.open(node);
            try {
                if (target == null) {
                    readers.put(node.name(), session);
                    makeSql(session.connection());
                } else {
                    target.session = session;
                    target.writer = TargetWriter.choose(job, target, this);
                    makeSql(session.connection());
                    target.writer.begin();
                }
                return session;
            } catch (SQLException | RuntimeException e) {
                session.close();
                throw e;
            }
        });
        return readers;
    }

    /** The table's statements, from the first session: they leave out the generated columns. */
    private void makeSql(Connection connection) throws SQLException {
        if (job.sql() != null) {
            return;
        }
        Set<String> generated = new HashSet<>();
        try (PreparedStatement statement = connection.prepareStatement("SELECT attname FROM pg_catalog.pg_attribute "
                + "WHERE attrelid = ?::regclass AND attnum > 0 AND NOT attisdropped AND attgenerated <> ''")) {
            statement.setString(1, job.table().quoted());
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    generated.add(rows.getString(1));
                }
            }
        }
        job.sql(new RowSql(job.bound.schema(), generated));
    }

    /** Takes the per-table repair lock on the target, waiting up to the lock timeout. */
    void lock(Target target) throws SQLException {
        long deadline = System.nanoTime() + job.request.lockTimeout().toNanos();
        try (PreparedStatement statement = target.session.connection().prepareStatement(
                "SELECT pg_try_advisory_xact_lock((?::bigint << 32) | ?::regclass::oid::bigint)")) {
            statement.setLong(1, LOCK_NAMESPACE);
            statement.setString(2, job.table().quoted());
            while (true) {
                try (ResultSet rows = statement.executeQuery()) {
                    rows.next();
                    if (rows.getBoolean(1)) {
                        return;
                    }
                }
                if (System.nanoTime() >= deadline) {
                    throw new AceException(ErrorCode.REPAIR_IN_PROGRESS, "another repair of " + job.table()
                            + " is running on node " + target.name() + "; try again when it finishes");
                }
                job.stopIfCancelled();
                try {
                    Thread.sleep(Math.min(100, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AceException(ErrorCode.CANCELLED, "interrupted while waiting for another repair of "
                            + job.table() + " on node " + target.name(), e);
                }
            }
        }
    }

    /** Sets {@code session_replication_role} for the target's transaction: replica, unless triggers are to fire. */
    void replicationRole(Target target) throws SQLException {
        Connection connection = target.session.connection();
        NodeDefinition node = target.node;
        String current = queryValue(connection, "SELECT current_setting('session_replication_role')");
        String wanted = !job.request.fireTriggers() ? "replica" : current.equals("replica") ? "local" : null;
        if (wanted == null) {
            return;
        }
        try (Statement statement = connection.createStatement()) {
            statement.execute("SET LOCAL session_replication_role = '" + wanted + "'");
        } catch (SQLException e) {
            if ("42501".equals(e.getSQLState())) {
                String who = job.request.role().name().map(name -> "role " + name).orElse("ACE's user " + node.user());
                String grantee = job.request.role().name().orElse(node.user());
                throw new PermissionDeniedException(who + " may not set session_replication_role on node "
                        + node.describe() + ", which a repair needs so that triggers do not fire and the "
                        + "changes are applied as replicated rows; GRANT SET ON PARAMETER "
                        + "session_replication_role TO " + Sql.quote(grantee)
                        + " (PostgreSQL 15 and later) or make it a superuser, or repair with fire_triggers", e);
            }
            throw e;
        }
    }

    /** Whether the target's node has Spock's {@code repair_mode} (then the result says so). */
    void detectSpock(Target target) throws SQLException {
        target.spock = "t".equals(queryValue(target.session.connection(),
                "SELECT to_regprocedure('spock.repair_mode(boolean)') IS NOT NULL"));
    }

    /** Switches Spock's repair mode on or off in the target's transaction, so that its changes do not replicate. */
    void spockRepairMode(Target target, boolean enabled) throws SQLException {
        try (Statement statement = target.session.connection().createStatement()) {
            statement.execute("SELECT spock.repair_mode(" + enabled + ")");
        } catch (SQLException e) {
            if ("42501".equals(e.getSQLState())) {
                String grantee = job.request.role().name().orElse(target.node.user());
                throw new PermissionDeniedException((job.request.role().name().isPresent() ? "role " : "ACE's user ")
                        + grantee + " may not call spock.repair_mode(boolean) on node " + target.node.describe()
                        + ", which keeps a repair from replicating; GRANT EXECUTE ON FUNCTION "
                        + "spock.repair_mode(boolean) TO " + Sql.quote(grantee), e);
            }
            throw e;
        }
    }

    static String queryValue(Connection connection, String query) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(query)) {
            rows.next();
            return rows.getString(1);
        }
    }
}
