package dev.ace.core.error;

/**
 * A bug: an operation failed in a way that no request, configuration or node explains (an
 * unexpected exception in ACE, or in code it calls back, such as a progress listener). The
 * message says what ACE was doing and on which node, and asks for a report. Code
 * {@link ErrorCode#INTERNAL}.
 */
public class InternalErrorException extends AceException {

    private static final long serialVersionUID = 1L;

    public InternalErrorException(String message, Throwable cause) {
        super(ErrorCode.INTERNAL, message, cause);
    }
}
