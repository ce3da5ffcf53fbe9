package dev.ace.core.error;

/** The Spock extension's schema and its {@code exception_log} are missing on a node. */
public class SpockNotInstalledException extends AceException {

    private static final long serialVersionUID = 1L;

    public SpockNotInstalledException(String message) {
        super(ErrorCode.SPOCK_NOT_INSTALLED, message);
    }
}
