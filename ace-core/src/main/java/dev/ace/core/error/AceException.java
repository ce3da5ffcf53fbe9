package dev.ace.core.error;

import java.util.List;
import java.util.Objects;

/**
 * The one exception type ACE's public methods throw. {@link #code()} says what failed; the
 * message says it in the user's vocabulary and what to do. A message never holds a password or
 * a key. Subclasses are named for what failed.
 */
public class AceException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final ErrorCode code;
    private final List<String> problems;

    public AceException(ErrorCode code, String message) {
        this(code, message, List.of(), null);
    }

    public AceException(ErrorCode code, String message, Throwable cause) {
        this(code, message, List.of(), cause);
    }

    protected AceException(ErrorCode code, String message, List<String> problems, Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code);
        this.problems = List.copyOf(problems);
    }

    public ErrorCode code() {
        return code;
    }

    /**
     * Each problem found, when the error collects several (validation); otherwise a list holding
     * the message alone.
     */
    public List<String> problems() {
        return problems.isEmpty() ? List.of(getMessage()) : problems;
    }

    /**
     * Joins problems into one message: the lone problem itself, or a count followed by each on its
     * own line. {@code subject} is a singular noun ({@code the table-diff request}): the message
     * reads "{@code <subject> has 3 problems:}".
     */
    protected static String join(String subject, List<String> problems) {
        if (problems.size() == 1) {
            return problems.get(0);
        }
        return subject + " has " + problems.size() + " problems:\n- " + String.join("\n- ", problems);
    }
}
