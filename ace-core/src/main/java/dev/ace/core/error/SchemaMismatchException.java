package dev.ace.core.error;

/** The table's columns, types or primary key differ between nodes; every difference is listed. */
public class SchemaMismatchException extends AceException {

    private static final long serialVersionUID = 1L;

    public SchemaMismatchException(String subject, java.util.List<String> problems) {
        super(ErrorCode.SCHEMA_MISMATCH, join(subject, problems), problems, null);
    }

    public SchemaMismatchException(String problem) {
        this("", java.util.List.of(problem));
    }
}
