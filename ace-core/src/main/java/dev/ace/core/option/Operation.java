package dev.ace.core.option;

import java.util.Locale;
import java.util.Optional;

/** What a set of options is for: one of ACE's operations, or ACE's own configuration. Immutable and thread-safe. */
public enum Operation {
    TABLE_DIFF("table-diff"),
    TABLE_REPAIR("table-repair"),
    TABLE_RERUN("table-rerun"),
    SPOCK_EXCEPTION_UPDATE("update-spock-exception"),
    SPOCK_EXCEPTION_LIST("list-spock-exceptions"),
    /** The settings of {@code ace.yaml} ({@code dev.ace.core.AceConfig}). */
    CONFIG("ace.yaml"),
    /**
     * The settings of the HTTPS API ({@code ace-http}): the {@code http} section of
     * {@code ace.yaml}. Those it shares with {@link #CONFIG} ({@code output_dir}, ...) override
     * the top level's for the server.
     */
    HTTP_SERVER("http");

    private final String apiName;

    Operation(String apiName) {
        this.apiName = apiName;
    }

    /** The operation's name in the API and on the command line: {@code table-diff}, ..., {@code ace.yaml}. */
    public String apiName() {
        return apiName;
    }

    /**
     * What an error says has the problems: {@code the table-diff request}, {@code the configuration}.
     * A singular noun, as the error reads "... has 3 problems".
     */
    public String subject() {
        return switch (this) {
            case CONFIG -> "the configuration";
            case HTTP_SERVER -> "the configuration's http section";
            default -> "the " + apiName + " request";
        };
    }

    /** What one option is called for this operation: {@code setting} in the configuration, {@code option} elsewhere. */
    public String noun() {
        return isSettings() ? "setting" : "option";
    }

    /** Whether the values are settings of {@code ace.yaml} ({@link #CONFIG}, {@link #HTTP_SERVER}), not a request's options. */
    public boolean isSettings() {
        return this == CONFIG || this == HTTP_SERVER;
    }

    /**
     * The section of {@code ace.yaml} that holds the settings: {@code http} for
     * {@link #HTTP_SERVER}; empty for the top level's ({@link #CONFIG}) and for requests.
     */
    public Optional<String> section() {
        return this == HTTP_SERVER ? Optional.of(apiName) : Optional.empty();
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
