package dev.ace.core.error;

/** The configuration is invalid; every problem is listed in {@link #problems()}. */
public class InvalidConfigurationException extends AceException {

    private static final long serialVersionUID = 1L;

    public InvalidConfigurationException(String subject, java.util.List<String> problems) {
        super(ErrorCode.INVALID_CONFIGURATION, join(subject, problems), problems, null);
    }

    public InvalidConfigurationException(String problem) {
        this("", java.util.List.of(problem));
    }
}
