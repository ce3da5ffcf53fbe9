package dev.ace.core.error;

/** A cluster definition file exists but is malformed or incomplete; the message names the file. */
public class InvalidClusterDefinitionException extends AceException {

    private static final long serialVersionUID = 1L;

    public InvalidClusterDefinitionException(String subject, java.util.List<String> problems) {
        super(ErrorCode.INVALID_CLUSTER_DEFINITION, join(subject, problems), problems, null);
    }

    public InvalidClusterDefinitionException(String problem) {
        this("", java.util.List.of(problem));
    }
}
