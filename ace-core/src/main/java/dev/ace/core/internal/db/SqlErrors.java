package dev.ace.core.internal.db;

import dev.ace.core.cluster.NodeDefinition;
import dev.ace.core.error.AceException;
import dev.ace.core.error.AuthenticationFailedException;
import dev.ace.core.error.DatabaseException;
import dev.ace.core.error.ErrorCode;
import dev.ace.core.error.NodeUnreachableException;
import dev.ace.core.error.PermissionDeniedException;
import dev.ace.core.error.TableNotFoundException;
import java.sql.SQLException;

/** Turns a {@link SQLException} into an {@link AceException} naming the node, its address, and the SQLSTATE. */
public final class SqlErrors {

    private SqlErrors() {
    }

    /**
     * @param what what ACE was doing, as a phrase: "checking table public.t"
     */
    public static AceException wrap(SQLException error, NodeDefinition node, String what) {
        SQLException root = rootSqlException(error);
        String state = root.getSQLState() == null ? "" : root.getSQLState();
        String detail = serverMessage(root);
        String where = " on node " + node.describe();
        String suffix = state.isEmpty() ? "" : " [SQLSTATE " + state + "]";
        if (state.startsWith("28") || state.equals("08004")) {
            String hint = detail.contains("no password was provided")
                    ? "; give the password in the cluster definition or in ~/.pgpass (or the file PGPASSFILE names)" : "";
            return new AuthenticationFailedException("node " + node.name() + " (" + node.address()
                    + ") refused the login of user " + node.user() + " while " + what + ": " + detail + hint + suffix,
                    error);
        }
        if (causedBy(error, java.net.SocketTimeoutException.class)) {
            return new NodeUnreachableException("node " + node.name() + " (" + node.address() + ") stopped answering "
                    + "while " + what + ": no reply within the statement timeout plus the connect timeout, so the "
                    + "connection was given up" + suffix, error);
        }
        if (state.startsWith("08") || state.equals("57P01") || state.equals("57P02") || state.equals("57P03")
                || (state.isEmpty() && isConnectionFailure(error))) {
            return new NodeUnreachableException("node " + node.name() + " (" + node.address() + ") is unreachable while "
                    + what + ": " + detail + suffix, error);
        }
        if (state.equals("42501")) {
            return new PermissionDeniedException("permission denied" + where + " while " + what + ": " + detail + suffix,
                    error);
        }
        if (state.equals("42P01") || state.equals("3F000")) {
            return new TableNotFoundException(detail + where + " while " + what + suffix, error);
        }
        if (state.equals("57014")) {
            boolean timeout = detail.contains("statement timeout");
            return new DatabaseException(timeout ? ErrorCode.STATEMENT_TIMEOUT : ErrorCode.CANCELLED,
                    (timeout ? "statement timeout" : "cancelled") + where + " while " + what + ": " + detail + suffix,
                    state, error);
        }
        return new DatabaseException(ErrorCode.DATABASE_ERROR, "error" + where + " while " + what + ": " + detail + suffix,
                state.isEmpty() ? null : state, error);
    }

    private static SQLException rootSqlException(SQLException error) {
        SQLException current = error;
        while (current.getCause() instanceof SQLException && current.getSQLState() == null) {
            current = (SQLException) current.getCause();
        }
        return current;
    }

    private static boolean causedBy(Throwable error, Class<? extends Throwable> kind) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (kind.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isConnectionFailure(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof java.net.ConnectException || t instanceof java.net.UnknownHostException
                    || t instanceof java.net.SocketTimeoutException || t instanceof java.io.EOFException) {
                return true;
            }
            if (t instanceof java.sql.SQLTransientConnectionException) {
                return true;
            }
        }
        return false;
    }

    /** The server's own message without the "ERROR: " prefix, or the driver's message. */
    public static String serverMessage(SQLException error) {
        if (error instanceof org.postgresql.util.PSQLException) {
            org.postgresql.util.ServerErrorMessage server = ((org.postgresql.util.PSQLException) error).getServerErrorMessage();
            if (server != null && server.getMessage() != null) {
                return server.getMessage();
            }
        }
        String message = error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
        Throwable cause = error.getCause();
        if (message.contains("Connection is not available") && cause != null && cause.getMessage() != null) {
            // the pool timed out making a connection: say why the last attempt failed, as the server said it
            return cause instanceof SQLException ? serverMessage((SQLException) cause) : cause.getMessage();
        }
        return message;
    }
}
