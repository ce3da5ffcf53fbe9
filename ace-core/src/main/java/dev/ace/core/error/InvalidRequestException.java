package dev.ace.core.error;

/** A request is invalid; every problem of the request is listed in {@link #problems()}. */
public class InvalidRequestException extends AceException {

    private static final long serialVersionUID = 1L;

    public InvalidRequestException(String subject, java.util.List<String> problems) {
        super(ErrorCode.INVALID_REQUEST, join(subject, problems), problems, null);
    }

    public InvalidRequestException(String problem) {
        this("", java.util.List.of(problem));
    }
}
