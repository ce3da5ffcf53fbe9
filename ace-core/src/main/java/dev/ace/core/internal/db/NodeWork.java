package dev.ace.core.internal.db;

import dev.ace.core.CallerRole;
import dev.ace.core.Cancellation;
import dev.ace.core.cluster.NodeDefinition;
import dev.ace.core.error.AceException;
import dev.ace.core.error.ErrorCode;
import dev.ace.core.error.InternalErrorException;
import dev.ace.core.error.PermissionDeniedException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.postgresql.PGConnection;

/**
 * What every operation on several nodes does alike: lease sessions as the caller's role in one
 * global order, open read-only snapshots, run work on every node at once and wait for all of it,
 * cancel what the sessions run when the caller cancels, check that a session still acts as the
 * caller's role, and turn any failure into an {@link AceException} that names the node (a
 * failure nothing explains is a bug: {@link InternalErrorException}). One per operation, made by
 * the engine that runs it; thread-safe. {@link #close()} stops its threads and its cancelling.
 */
public final class NodeWork implements AutoCloseable {

    /**
     * The global order in which an operation leases its sessions, one node after the other: by
     * address, then database. Concurrent operations that each need a connection on several nodes
     * can then wait for each other, but never deadlock.
     */
    public static final Comparator<NodeDefinition> LEASE_ORDER = Comparator.comparing(NodeDefinition::address)
            .thenComparing(NodeDefinition::database);

    private static final AtomicInteger THREADS = new AtomicInteger();

    /** Work on one node. */
    @FunctionalInterface
    public interface Task<T> {
        T run(NodeDefinition node) throws SQLException, IOException;
    }

    /** Opens one node's session for {@link #leaseAll}. */
    @FunctionalInterface
    public interface Opener {
        NodeSession open(NodeDefinition node) throws SQLException;
    }

    /** Says what an SQL error means to this operation, or null to leave it to {@link SqlErrors}. */
    @FunctionalInterface
    public interface SqlMeaning {
        AceException of(SQLException error, NodeDefinition node);
    }

    private final NodePools pools;
    private final CallerRole role;
    private final String what;
    private final ExecutorService threads;
    private final AtomicReference<AceException> failure = new AtomicReference<>();
    private final List<CancelHook> hooks = new ArrayList<>();
    private boolean cancelling = true;
    private boolean used;
    private Cancellation cancellation;
    private Supplier<AceException> cancelled;
    private SqlMeaning meaning;

    private NodeWork(NodePools pools, CallerRole role, String what, String threadKind) {
        this.pools = Objects.requireNonNull(pools);
        this.role = Objects.requireNonNull(role);
        this.what = Objects.requireNonNull(what);
        this.threads = Executors.newCachedThreadPool(threads(threadKind));
    }

    /**
     * Work as {@code role}, described as {@code what} in errors ("diffing table public.t"), on
     * threads named {@code ace-<threadKind>-N}.
     */
    public static NodeWork of(NodePools pools, CallerRole role, String what, String threadKind) {
        return new NodeWork(pools, role, what, threadKind);
    }

    /**
     * Cancelling {@code by} cancels the statements running on every session this work opens; a
     * statement so cancelled fails with {@code as}'s exception. Set before the first session.
     */
    public NodeWork cancelledBy(Cancellation by, Supplier<AceException> as) {
        requireUnused();
        this.cancellation = Objects.requireNonNull(by);
        this.cancelled = Objects.requireNonNull(as);
        return this;
    }

    /** {@code sqlMeaning} first says what an SQL error means (a user's filter that fails). Set before the first session. */
    public NodeWork withSqlMeaning(SqlMeaning sqlMeaning) {
        requireUnused();
        this.meaning = Objects.requireNonNull(sqlMeaning);
        return this;
    }

    private void requireUnused() {
        synchronized (hooks) {
            if (used) {
                throw new IllegalStateException("set up the node work before its first session");
            }
        }
    }

    /** Daemon threads named {@code ace-<kind>-N}: the one thread factory of the engines. */
    public static ThreadFactory threads(String kind) {
        return runnable -> {
            Thread thread = new Thread(runnable, "ace-" + kind + "-" + THREADS.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** The nodes in {@link #LEASE_ORDER}. */
    public static List<NodeDefinition> inLeaseOrder(Collection<NodeDefinition> nodes) {
        List<NodeDefinition> ordered = new ArrayList<>(nodes);
        ordered.sort(LEASE_ORDER);
        return ordered;
    }

    public String what() {
        return what;
    }

    public CallerRole role() {
        return role;
    }

    // ------------------------------------------------------------------ sessions

    /** A session on {@code node} as the caller's role, its statements cancelled when the operation is. */
    public NodeSession open(NodeDefinition node) {
        synchronized (hooks) {
            used = true;
        }
        NodeSession session = pools.open(node, role, what);
        if (cancellation != null) {
            CancelHook hook = new CancelHook(session.connection());
            Runnable unregister;
            synchronized (hooks) {
                if (!cancelling) {
                    hook.detach();
                }
                hooks.add(hook);
                unregister = cancellation.register(hook::cancel);
            }
            session.beforeClose(() -> {
                hook.detach();
                unregister.run();
                synchronized (hooks) {
                    hooks.remove(hook);
                }
            });
        }
        return session;
    }

    /** A session in a transaction of {@code isolation}, read-only when asked. */
    public NodeSession openTransaction(NodeDefinition node, int isolation, boolean readOnly) {
        NodeSession session = open(node);
        try {
            Connection connection = session.connection();
            connection.setAutoCommit(false);
            connection.setTransactionIsolation(isolation);
            if (readOnly) {
                connection.setReadOnly(true);
            }
            return session;
        } catch (SQLException e) {
            session.close();
            throw translate(e, node);
        } catch (RuntimeException e) {
            session.close();
            throw e;
        }
    }

    /** A session whose reads see one snapshot (repeatable read) and cannot write. */
    public NodeSession openReadOnly(NodeDefinition node) {
        return openTransaction(node, Connection.TRANSACTION_REPEATABLE_READ, true);
    }

    /**
     * One session per node, leased one node after the other in {@link #LEASE_ORDER}; when one
     * cannot be opened, the ones already open are closed and the failure is thrown.
     *
     * @return the sessions, by node, in lease order
     */
    public Map<NodeDefinition, NodeSession> leaseAll(Collection<NodeDefinition> nodes, Opener opener) {
        Map<NodeDefinition, NodeSession> sessions = new LinkedHashMap<>();
        for (NodeDefinition node : inLeaseOrder(nodes)) {
            try {
                sessions.put(node, opener.open(node));
            } catch (SQLException | RuntimeException e) {
                closeAll(sessions);
                throw fail(translate(e, node));
            }
        }
        return sessions;
    }

    /** Closes every session of the map (each rolls back and goes back to its pool) and empties it. */
    public static void closeAll(Map<?, NodeSession> sessions) {
        for (NodeSession session : sessions.values()) {
            session.close();
        }
        sessions.clear();
    }

    /**
     * A user's SQL (a table filter) runs in this session: it could have changed the session's
     * role ({@code set_config}), and nothing it returned is trusted if it did.
     */
    public void verifyRole(NodeSession session) {
        try (PreparedStatement statement = session.connection().prepareStatement(
                "SELECT current_user = coalesce(?::name, session_user)")) {
            statement.setString(1, role.name().orElse(null));
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                if (!rows.getBoolean(1)) {
                    throw new PermissionDeniedException("table_filter changed the role of the session on node "
                            + session.node().describe() + "; a filter may only select rows", null);
                }
            }
        } catch (SQLException e) {
            throw translate(e, session.node());
        }
    }

    /**
     * From now on, cancelling the operation no longer cancels what its sessions run: the
     * operation has decided how it ends (a two-phase commit that must finish either way).
     */
    public void stopCancelling() {
        synchronized (hooks) {
            cancelling = false;
            hooks.forEach(CancelHook::detach);
        }
    }

    // ------------------------------------------------------------------ threads

    /** Runs {@code task} on this work's threads. */
    public <T> Future<T> submit(java.util.concurrent.Callable<T> task) {
        return threads.submit(task);
    }

    /**
     * Runs {@code task} on every node at once and waits for all of them; the first failure, in
     * the nodes' order, is thrown once every node has ended.
     *
     * @return the results, by node, in the order of {@code nodes}
     */
    public <T> Map<NodeDefinition, T> onEach(List<NodeDefinition> nodes, Task<T> task) {
        Map<NodeDefinition, Future<T>> futures = new LinkedHashMap<>();
        for (NodeDefinition node : nodes) {
            futures.put(node, threads.submit(() -> {
                try {
                    return task.run(node);
                } catch (SQLException | IOException | RuntimeException e) {
                    throw translate(e, node);
                }
            }));
        }
        Map<NodeDefinition, T> results = new LinkedHashMap<>();
        AceException first = null;
        for (Map.Entry<NodeDefinition, Future<T>> entry : futures.entrySet()) {
            try {
                results.put(entry.getKey(), await(entry.getValue(), entry.getKey()));
            } catch (AceException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw fail(first);
        }
        return results;
    }

    /** Waits for {@code future}; its failure is thrown as an {@link AceException}, naming {@code node} if known. */
    public <T> T await(Future<T> future, NodeDefinition node) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw fail(new AceException(ErrorCode.CANCELLED, "interrupted while " + what, e));
        } catch (ExecutionException e) {
            throw fail(translate(e.getCause(), node));
        }
    }

    /** Waits for every one of {@code futures}; the first failure, in their order, is thrown once all have ended. */
    public void awaitAll(Collection<? extends Future<?>> futures) {
        AceException first = null;
        for (Future<?> future : futures) {
            try {
                await(future, null);
            } catch (AceException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }

    // ------------------------------------------------------------------ errors

    /** Records {@code error} as the operation's failure (the first one wins) and returns it. */
    public AceException fail(AceException error) {
        failure.compareAndSet(null, error);
        return error;
    }

    /** The first failure of the operation, or null while nothing failed. */
    public AceException failure() {
        return failure.get();
    }

    /**
     * What {@code error}, met while working on {@code node} (null when not known), means: an
     * {@link AceException} as it is; an SQL error named for the node (a cancelled statement of a
     * cancelled operation as the cancellation); a file that could not be written as
     * {@link ErrorCode#IO_ERROR}; anything else as a bug.
     */
    public AceException translate(Throwable error, NodeDefinition node) {
        if (error instanceof AceException ace) {
            return ace;
        }
        if (error instanceof SQLException sql) {
            if (cancellation != null && cancellation.isCancelled() && "57014".equals(sql.getSQLState())) {
                return cancelled.get();
            }
            AceException meant = meaning == null || node == null ? null : meaning.of(sql, node);
            if (meant != null) {
                return meant;
            }
            if (node != null) {
                return SqlErrors.wrap(sql, node, what);
            }
        }
        if (error instanceof IOException || error instanceof UncheckedIOException) {
            return new AceException(ErrorCode.IO_ERROR, "could not write a file while " + what + ": "
                    + error.getMessage(), error);
        }
        return bug(error, node);
    }

    /** A failure nothing explains: a bug, reported as such with what ACE was doing and where. */
    public InternalErrorException bug(Throwable error, NodeDefinition node) {
        return new InternalErrorException("internal error (a bug; please report it) while " + what
                + (node == null ? "" : " on node " + node.describe()) + ": " + error, error);
    }

    /** Stops the threads (a task still running is interrupted) and the cancelling of statements. */
    @Override
    public void close() {
        stopCancelling();
        threads.shutdownNow();
    }

    /** Cancels what one session's connection runs, until the session closes or the work stops cancelling. */
    private static final class CancelHook {
        private final Connection connection;
        private boolean active = true;

        CancelHook(Connection connection) {
            this.connection = connection;
        }

        /** Sends the server a cancel request for the statement running, if any (one idle is not affected). */
        synchronized void cancel() {
            if (!active) {
                return;
            }
            try {
                connection.unwrap(PGConnection.class).cancelQuery();
            } catch (SQLException e) {
                // the connection is gone: nothing runs on it any more
            }
        }

        /** After this returns, no cancel request is sent for this connection. */
        synchronized void detach() {
            active = false;
        }
    }
}
