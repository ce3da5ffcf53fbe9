package dev.ace.core.option;

import java.util.Locale;

/** What a set of options is for: one of ACE's operations, or ACE's own configuration. Immutable and thread-safe. */
public enum Operation {
    TABLE_DIFF("table-diff"),
    TABLE_REPAIR("table-repair"),
    TABLE_RERUN("table-rerun"),
    SPOCK_EXCEPTION_UPDATE("update-spock-exception"),
    SPOCK_EXCEPTION_LIST("list-spock-exceptions"),
    /** The settings of {@code ace.yaml} ({@code dev.ace.core.AceConfig}). */
    CONFIG("ace.yaml");

    private final String apiName;

    Operation(String apiName) {
        this.apiName = apiName;
    }

    /** The operation's name in the API and on the command line: {@code table-diff}, ..., {@code ace.yaml}. */
    public String apiName() {
        return apiName;
    }

    /** What an error says has the problems: {@code the table-diff request}, {@code the configuration}. */
    public String subject() {
        return this == CONFIG ? "the configuration" : "the " + apiName + " request";
    }

    /** What one option is called for this operation: {@code setting} in the configuration, {@code option} elsewhere. */
    public String noun() {
        return this == CONFIG ? "setting" : "option";
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
