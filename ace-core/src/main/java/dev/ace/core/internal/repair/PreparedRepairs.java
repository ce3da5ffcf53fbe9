package dev.ace.core.internal.repair;

import dev.ace.core.cluster.NodeDefinition;
import dev.ace.core.error.AceException;
import dev.ace.core.error.PermissionDeniedException;
import dev.ace.core.internal.db.NodeSession;
import dev.ace.core.internal.db.NodeWork;
import dev.ace.core.internal.db.SqlErrors;
import dev.ace.core.repair.InterruptedRepair;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transactions atomic repairs prepare, and how a run interrupted by a crash of ACE (its
 * process killed between the first {@code PREPARE TRANSACTION} and the last
 * {@code COMMIT PREPARED}) is ended the same way on every node afterwards.
 *
 * <p>Each target's prepared transaction is named {@code ace_repair:<run>:<targets>:<node>}: the
 * run (the repair's task id), how many targets the run prepares, and the node. In the same
 * transaction, while Spock's repair mode is on, it inserts a marker row {@code (run, node)} into
 * {@code ace.repair_runs} on its node; the marker becomes visible exactly when that node's
 * transaction commits. While the run is alive, each of its target sessions holds a session-level
 * advisory lock of the run (key space {@link #RUN_LOCK_NAMESPACE}), gone with the session.
 *
 * <p>{@link #resolve} looks at every node of the cluster and decides per run found prepared and
 * no longer alive (no node holds its lock): a marker of the run committed on any node means the
 * run had decided to commit, so every node still holding it prepared commits; every one of the
 * run's targets holding it prepared also commits (the run had not decided otherwise, or it would
 * have rolled one back); otherwise, once every node of the cluster answered, every node rolls it
 * back. A run that cannot be decided (a node did not answer, a command failed) is left as it is
 * and reported with the command to run. Thread-safe: stateless.
 */
final class PreparedRepairs {

    private static final Logger LOG = LoggerFactory.getLogger(PreparedRepairs.class);

    /** High half of the advisory lock key that says a run is alive: "ACEP"; the low half is a hash of the run. */
    static final long RUN_LOCK_NAMESPACE = 0x41434550L;

    /** The run's lock key: bind the namespace, then the run id. */
    private static final String RUN_KEY = "(?::bigint << 32) | (hashtext(?)::bigint & 4294967295)";
    private static final String PREFIX = "ace_repair:";
    private static final Pattern GID = Pattern.compile("ace_repair:([A-Za-z0-9_.-]+):([0-9]+):([A-Za-z0-9_]+)");

    /** What a superuser runs once when the caller's role may not create the marker table. */
    static final String MARKER_DDL = "CREATE SCHEMA IF NOT EXISTS ace; "
            + "CREATE TABLE IF NOT EXISTS ace.repair_runs (run_id text NOT NULL, node text NOT NULL, "
            + "marked_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (run_id, node)); "
            + "GRANT USAGE ON SCHEMA ace TO PUBLIC; GRANT SELECT, INSERT, DELETE ON ace.repair_runs TO PUBLIC";

    private PreparedRepairs() {
    }

    /** The name of {@code node}'s prepared transaction in run {@code runId}, which prepares on {@code targets} nodes. */
    static String gid(String runId, long targets, String node) {
        return PREFIX + safe(runId) + ":" + targets + ":" + node.replaceAll("[^A-Za-z0-9_]", "_");
    }

    private static String safe(String runId) {
        return runId.replaceAll("[^A-Za-z0-9_.-]", "_");
    }

    /**
     * On a target's session before its transaction writes: takes the run's session lock (the run
     * is alive while it is held) and inserts the node's marker into the transaction.
     */
    static void begin(Connection connection, String runId, String node) throws SQLException {
        try (PreparedStatement lock = connection.prepareStatement("SELECT pg_advisory_lock(" + RUN_KEY + ")")) {
            lock.setLong(1, RUN_LOCK_NAMESPACE);
            lock.setString(2, safe(runId));
            lock.executeQuery().close();
        }
        try (PreparedStatement mark = connection.prepareStatement(
                "INSERT INTO ace.repair_runs (run_id, node) VALUES (?, ?)")) {
            mark.setString(1, safe(runId));
            mark.setString(2, node);
            mark.executeUpdate();
        }
    }

    /**
     * Makes sure {@code ace.repair_runs} exists on the session's node, creating it (readable and
     * writable by every role) if it does not; a role that may not create it is told what a
     * superuser runs once.
     */
    static void ensureMarkerTable(NodeSession session) {
        Connection connection = session.connection();
        try {
            if (markerTableExists(connection)) {
                return;
            }
            try (Statement statement = connection.createStatement()) {
                statement.execute(MARKER_DDL);
            }
        } catch (SQLException e) {
            String state = e.getSQLState() == null ? "" : e.getSQLState();
            if (state.equals("42501")) {
                throw new PermissionDeniedException("an atomic repair keeps a marker of each run in table "
                        + "ace.repair_runs on every node, so that a run interrupted while it commits is ended the "
                        + "same way everywhere; it does not exist on node " + session.node().describe()
                        + " and may not be created there: " + SqlErrors.serverMessage(e) + "; have a superuser "
                        + "run once: " + MARKER_DDL, e);
            }
            if (state.equals("42P06") || state.equals("42P07") || state.equals("23505")) {
                return; // made at the same moment by another run
            }
            throw SqlErrors.wrap(e, session.node(), "creating table ace.repair_runs");
        }
    }

    private static boolean markerTableExists(Connection connection) throws SQLException {
        return "t".equals(RepairSessions.queryValue(connection,
                "SELECT to_regclass('ace.repair_runs') IS NOT NULL"));
    }

    /** One interrupted run as found on the nodes. */
    private static final class Run {
        final String id;
        /** How many targets the run prepares, from its gids (0 while only its markers were seen). */
        long targets;
        /** Node name -> the gid prepared there. */
        final Map<String, String> prepared = new TreeMap<>();
        final Set<String> committedOn = new LinkedHashSet<>();
        boolean alive;

        Run(String id) {
            this.id = id;
        }
    }

    /**
     * Finds, on every node of {@code nodes} (the whole cluster), the transactions of atomic repairs
     * left prepared by a run that is no longer alive, and ends each run the same way everywhere;
     * also deletes the markers of runs no node holds prepared any more. On the {@code needed}
     * nodes (the targets of an atomic repair about to run) the marker table is created where it is
     * missing, and a failure to reach one fails the call; another node that does not answer only
     * keeps runs from being rolled back.
     */
    static List<InterruptedRepair> resolve(List<NodeDefinition> nodes, Set<String> needed, NodeWork work) {
        Map<String, NodeSession> sessions = new LinkedHashMap<>();
        Map<String, String> unreachable = new LinkedHashMap<>();
        Map<String, Run> runs = new LinkedHashMap<>();
        try {
            for (NodeDefinition node : NodeWork.inLeaseOrder(nodes)) {
                NodeSession session;
                try {
                    session = work.open(node);
                } catch (AceException e) {
                    if (needed.contains(node.name())) {
                        throw e;
                    }
                    unreachable.put(node.name(), e.getMessage());
                    continue;
                }
                sessions.put(node.name(), session);
                if (needed.contains(node.name())) {
                    ensureMarkerTable(session);
                }
                try {
                    find(session, runs);
                } catch (SQLException e) {
                    throw work.translate(e, node);
                }
            }
            List<InterruptedRepair> results = new ArrayList<>();
            for (Run run : runs.values()) {
                if (!run.prepared.isEmpty()) {
                    results.add(end(run, sessions, unreachable, work));
                }
            }
            if (unreachable.isEmpty()) {
                forgetFinished(runs, sessions);
            }
            return results;
        } finally {
            sessions.values().forEach(NodeSession::close);
        }
    }

    /** Adds the session's node's prepared transactions of atomic repairs and committed markers to {@code runs}. */
    private static void find(NodeSession session, Map<String, Run> runs) throws SQLException {
        Connection connection = session.connection();
        String node = session.node().name();
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(
                "SELECT gid FROM pg_catalog.pg_prepared_xacts WHERE database = current_database() "
                        + "AND gid LIKE 'ace\\_repair:%'")) {
            while (rows.next()) {
                Matcher gid = GID.matcher(rows.getString(1));
                if (gid.matches()) {
                    Run run = runs.computeIfAbsent(gid.group(1), Run::new);
                    run.targets = Long.parseLong(gid.group(2));
                    run.prepared.put(node, gid.group(0));
                }
            }
        }
        if (markerTableExists(connection)) {
            try (Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery("SELECT run_id FROM ace.repair_runs")) {
                while (rows.next()) {
                    runs.computeIfAbsent(rows.getString(1), Run::new).committedOn.add(node);
                }
            }
        }
    }

    /** Decides one run and ends its prepared transactions. */
    private static InterruptedRepair end(Run run, Map<String, NodeSession> sessions, Map<String, String> unreachable,
                                         NodeWork work) {
        List<String> nodes = new ArrayList<>(run.prepared.keySet());
        for (String node : nodes) {
            try {
                if (!lockable(sessions.get(node).connection(), run.id)) {
                    run.alive = true;
                }
            } catch (SQLException e) {
                return unresolved(run, "could not tell whether it is still running: "
                        + work.translate(e, sessions.get(node).node()).getMessage());
            }
        }
        if (run.alive) {
            return new InterruptedRepair(run.id, InterruptedRepair.Resolution.RUNNING, nodes,
                    "the repair is still running (its sessions are open); it ends its transactions itself");
        }
        boolean commit;
        String why;
        if (!run.committedOn.isEmpty()) {
            commit = true;
            why = "it had committed on " + String.join(", ", run.committedOn);
        } else if (run.prepared.size() == run.targets) {
            commit = true;
            why = "every one of its " + run.targets + " target nodes had prepared it";
        } else if (unreachable.isEmpty()) {
            commit = false;
            why = "only " + run.prepared.size() + " of its " + run.targets + " target nodes had prepared it and "
                    + "none had committed it";
        } else {
            return unresolved(run, "only " + run.prepared.size() + " of its " + run.targets + " target nodes hold it "
                    + "prepared and node(s) " + String.join(", ", unreachable.keySet()) + " did not answer ("
                    + String.join("; ", unreachable.values()) + "), so whether it committed there is unknown; "
                    + "run this again when every node answers");
        }
        List<String> failures = new ArrayList<>();
        for (Map.Entry<String, String> prepared : run.prepared.entrySet()) {
            String command = (commit ? "COMMIT" : "ROLLBACK") + " PREPARED '" + prepared.getValue() + "'";
            NodeSession session = sessions.get(prepared.getKey());
            try (Statement statement = session.connection().createStatement()) {
                statement.execute(command);
            } catch (SQLException e) {
                failures.add(work.translate(e, session.node()).getMessage() + "; run " + command + " on node "
                        + prepared.getKey());
            }
        }
        String message = "repair " + run.id + " was interrupted; " + (commit ? "committed" : "rolled back")
                + " on " + String.join(", ", nodes) + " because " + why;
        LOG.warn(message + (failures.isEmpty() ? "" : ", except: " + String.join("; ", failures)));
        if (!failures.isEmpty()) {
            return new InterruptedRepair(run.id, InterruptedRepair.Resolution.UNRESOLVED, nodes,
                    message + ", except: " + String.join("; ", failures));
        }
        run.prepared.clear();
        return new InterruptedRepair(run.id, commit ? InterruptedRepair.Resolution.COMMITTED
                : InterruptedRepair.Resolution.ROLLED_BACK, nodes, message);
    }

    private static InterruptedRepair unresolved(Run run, String why) {
        String message = "repair " + run.id + " was interrupted with its transaction prepared on "
                + String.join(", ", run.prepared.keySet()) + "; left as it is: " + why;
        LOG.warn(message);
        return new InterruptedRepair(run.id, InterruptedRepair.Resolution.UNRESOLVED,
                new ArrayList<>(run.prepared.keySet()), message);
    }

    /** Whether the run's lock is free on the node (no session of the run is alive there); takes and frees it. */
    private static boolean lockable(Connection connection, String runId) throws SQLException {
        boolean free;
        try (PreparedStatement lock = connection.prepareStatement("SELECT pg_try_advisory_lock(" + RUN_KEY + ")")) {
            lock.setLong(1, RUN_LOCK_NAMESPACE);
            lock.setString(2, runId);
            try (ResultSet rows = lock.executeQuery()) {
                rows.next();
                free = rows.getBoolean(1);
            }
        }
        if (free) {
            try (PreparedStatement unlock = connection.prepareStatement("SELECT pg_advisory_unlock(" + RUN_KEY + ")")) {
                unlock.setLong(1, RUN_LOCK_NAMESPACE);
                unlock.setString(2, runId);
                unlock.executeQuery().close();
            }
        }
        return free;
    }

    /** Whether a session of the run is alive on any node (it may still prepare somewhere, then crash). */
    private static boolean aliveAnywhere(String runId, Map<String, NodeSession> sessions) {
        for (NodeSession session : sessions.values()) {
            try {
                if (!lockable(session.connection(), runId)) {
                    return true;
                }
            } catch (SQLException e) {
                return true;
            }
        }
        return false;
    }

    /** Deletes the markers of runs that no node holds prepared any more: they decide nothing now. */
    private static void forgetFinished(Map<String, Run> runs, Map<String, NodeSession> sessions) {
        List<String> finished = new ArrayList<>();
        for (Run run : runs.values()) {
            if (run.prepared.isEmpty() && !run.committedOn.isEmpty() && !aliveAnywhere(run.id, sessions)) {
                finished.add(run.id);
            }
        }
        if (finished.isEmpty()) {
            return;
        }
        for (NodeSession session : sessions.values()) {
            try (PreparedStatement delete = session.connection().prepareStatement(
                    "DELETE FROM ace.repair_runs WHERE run_id = ANY (?)")) {
                delete.setArray(1, session.connection().createArrayOf("text", finished.toArray()));
                delete.executeUpdate();
            } catch (SQLException e) {
                // a marker kept is harmless: it is deleted the next time
                LOG.debug("could not delete finished repair markers on node {}: {}", session.node().name(),
                        e.getMessage());
            }
        }
    }
}
