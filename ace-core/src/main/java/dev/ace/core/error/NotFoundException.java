package dev.ace.core.error;

/** What the operation was asked to change does not exist. */
public class NotFoundException extends AceException {

    private static final long serialVersionUID = 1L;

    public NotFoundException(String message) {
        super(ErrorCode.NOT_FOUND, message);
    }
}
