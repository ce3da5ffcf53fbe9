package dev.ace.core.error;

/** The table has no primary key on a node. */
public class MissingPrimaryKeyException extends AceException {

    private static final long serialVersionUID = 1L;

    public MissingPrimaryKeyException(String message) {
        super(ErrorCode.NO_PRIMARY_KEY, message);
    }
}
