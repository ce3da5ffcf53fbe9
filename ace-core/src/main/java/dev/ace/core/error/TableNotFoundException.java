package dev.ace.core.error;

/** The table does not exist on a node. */
public class TableNotFoundException extends AceException {

    private static final long serialVersionUID = 1L;

    public TableNotFoundException(String message, Throwable cause) {
        super(ErrorCode.TABLE_NOT_FOUND, message, cause);
    }
}
