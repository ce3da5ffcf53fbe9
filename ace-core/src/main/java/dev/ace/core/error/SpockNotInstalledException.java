package dev.ace.core.error;

/** The Spock extension's schema and exception tables are missing on a node. */
public class SpockNotInstalledException extends AceException {

    private static final long serialVersionUID = 1L;

    public SpockNotInstalledException(String message) {
        super(ErrorCode.SPOCK_NOT_INSTALLED, message);
    }
}
