package dev.ace.core.option;

/** The kinds of value an option takes, as documentation names them. Immutable and thread-safe. */
public enum OptionType {
    /** Text; blank text means the option is not given. */
    TEXT("text"),
    /** A whole number; JSON numbers without a fraction. */
    INTEGER("integer"),
    /** A decimal number. */
    NUMBER("number"),
    /** {@code true} or {@code false}. */
    BOOLEAN("boolean"),
    /** A duration with a unit: {@code 500ms}, {@code 10s}, {@code 2m}, {@code 1h}, or ISO-8601 {@code PT10S}. */
    DURATION("duration"),
    /** A timestamp with a time zone, to the microsecond. */
    TIMESTAMP("timestamp"),
    /** A file or directory. */
    PATH("path"),
    /** One of a fixed set of words. */
    CHOICE("choice"),
    /** {@code "all"}, a comma-separated list of node names, or a list of them. */
    NODES("nodes"),
    /** A JSON object. */
    OBJECT("object");

    private final String displayName;

    OptionType(String displayName) {
        this.displayName = displayName;
    }

    /** The type's name in documentation and help: {@code integer}, {@code duration}, ... */
    public String displayName() {
        return displayName;
    }

    @Override
    public String toString() {
        return displayName;
    }
}
