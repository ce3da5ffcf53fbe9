package dev.ace.testkit;

/** A test-kit operation failed: a node did not start, a statement failed, a wait timed out. */
public class TestKitException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public TestKitException(String message) {
        super(message);
    }

    public TestKitException(String message, Throwable cause) {
        super(message, cause);
    }
}
