package dev.ace.core.error;

/** The role ACE acts as lacks a privilege on a node. */
public class PermissionDeniedException extends AceException {

    private static final long serialVersionUID = 1L;

    public PermissionDeniedException(String message, Throwable cause) {
        super(ErrorCode.PERMISSION_DENIED, message, cause);
    }
}
