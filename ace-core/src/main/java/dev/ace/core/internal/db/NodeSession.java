package dev.ace.core.internal.db;

import dev.ace.core.CallerRole;
import dev.ace.core.cluster.NodeDefinition;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pooled connection leased for one piece of work on one node: session settings pinned, acting
 * as the caller's role. Closing rolls back an open transaction, resets the role and returns the
 * connection to the pool (or evicts it when it cannot be made clean). Not thread-safe: one thread
 * uses a session at a time.
 */
public final class NodeSession implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NodeSession.class);

    private final NodeDefinition node;
    private final CallerRole role;
    private final Connection connection;
    private final Consumer<Connection> evictor;
    private final List<Runnable> beforeClose = new ArrayList<>(1);
    private boolean closed;

    NodeSession(NodeDefinition node, CallerRole role, Connection connection, Consumer<Connection> evictor) {
        this.node = node;
        this.role = role;
        this.connection = connection;
        this.evictor = evictor;
    }

    public NodeDefinition node() {
        return node;
    }

    public CallerRole role() {
        return role;
    }

    /** The JDBC connection; do not close it, close the session. */
    public Connection connection() {
        return connection;
    }

    /**
     * Runs {@code action} first when the session closes, before its transaction is rolled back and
     * the connection goes back to the pool (to stop cancelling what the connection runs).
     */
    public void beforeClose(Runnable action) {
        beforeClose.add(action);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Runnable action : beforeClose) {
            try {
                action.run();
            } catch (RuntimeException e) {
                LOG.debug("closing a session on node {}: {}", node.name(), e.toString());
            }
        }
        boolean clean = false;
        try {
            if (!connection.isClosed()) {
                if (!connection.getAutoCommit()) {
                    connection.rollback();
                    connection.setAutoCommit(true);
                }
                if (connection.isReadOnly()) {
                    connection.setReadOnly(false);
                }
                try (Statement statement = connection.createStatement()) {
                    // a session-level advisory lock (an atomic repair's run lock) never outlives the lease
                    statement.execute("RESET SESSION AUTHORIZATION; RESET ROLE; SELECT pg_advisory_unlock_all()");
                }
                clean = true;
            }
        } catch (SQLException e) {
            LOG.debug("connection to node {} could not be reset and is evicted: {}", node.name(), e.getMessage());
        } finally {
            if (!clean) {
                evictor.accept(connection);
            }
            try {
                connection.close();
            } catch (SQLException e) {
                LOG.debug("closing a connection to node {} failed: {}", node.name(), e.getMessage());
            }
        }
    }
}
