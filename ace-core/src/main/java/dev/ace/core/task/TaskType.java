package dev.ace.core.task;

/**
 * The operation a task runs. Its API name is the command's ({@code table-diff}); its id starts with
 * {@link #idPrefix()}. Immutable and thread-safe.
 */
public enum TaskType {
    /** A table diff ({@code td_} ids). */
    TABLE_DIFF("table-diff", "td"),
    /** A table repair ({@code tr_} ids). */
    TABLE_REPAIR("table-repair", "tr"),
    /** A table rerun ({@code rr_} ids). */
    TABLE_RERUN("table-rerun", "rr");

    private final String apiName;
    private final String idPrefix;

    TaskType(String apiName, String idPrefix) {
        this.apiName = apiName;
        this.idPrefix = idPrefix;
    }

    /** {@code table-diff}, {@code table-repair} or {@code table-rerun}. */
    public String apiName() {
        return apiName;
    }

    /** {@code td}, {@code tr} or {@code rr}: the ids of this type's tasks start with it and {@code _}. */
    public String idPrefix() {
        return idPrefix;
    }

    /** The type of that API name, case-insensitively; null when it is none. */
    public static TaskType parse(String text) {
        if (text == null) {
            return null;
        }
        for (TaskType type : values()) {
            if (type.apiName.equalsIgnoreCase(text.trim())) {
                return type;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return apiName;
    }
}
