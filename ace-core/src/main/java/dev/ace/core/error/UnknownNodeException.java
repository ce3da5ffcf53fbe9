package dev.ace.core.error;

/** A node name that the cluster does not define. */
public class UnknownNodeException extends AceException {

    private static final long serialVersionUID = 1L;

    public UnknownNodeException(String message) {
        super(ErrorCode.NODE_NOT_FOUND, message);
    }
}
