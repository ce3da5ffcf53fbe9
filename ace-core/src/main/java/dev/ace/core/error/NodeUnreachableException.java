package dev.ace.core.error;

/** A node cannot be reached or was lost midway; the message names the node and host:port. */
public class NodeUnreachableException extends AceException {

    private static final long serialVersionUID = 1L;

    public NodeUnreachableException(String message, Throwable cause) {
        super(ErrorCode.NODE_UNREACHABLE, message, cause);
    }
}
