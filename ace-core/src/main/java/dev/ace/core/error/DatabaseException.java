package dev.ace.core.error;

/**
 * A database reported an error that has no more specific type: the message names the node, its
 * host:port and database, and the SQLSTATE.
 */
public class DatabaseException extends AceException {

    private static final long serialVersionUID = 1L;

    private final String sqlState;

    public DatabaseException(ErrorCode code, String message, String sqlState, Throwable cause) {
        super(code, message, cause);
        this.sqlState = sqlState;
    }

    /** The SQLSTATE the server sent, or null when the error did not come from a server. */
    public String sqlState() {
        return sqlState;
    }
}
