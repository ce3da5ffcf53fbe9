package dev.ace.core.error;

/** A node refused ACE's login; the message names the node and the user, never the password. */
public class AuthenticationFailedException extends AceException {

    private static final long serialVersionUID = 1L;

    public AuthenticationFailedException(String message, Throwable cause) {
        super(ErrorCode.AUTHENTICATION_FAILED, message, cause);
    }
}
