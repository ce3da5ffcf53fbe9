package dev.ace.core.repair;

import java.util.List;
import java.util.Objects;

/**
 * A row a repair left alone because it could not be repaired safely: it changed on the target or
 * on the node the repair would copy from since the diff was taken, or the nodes disagree in a way
 * the mode does not decide. Run table-diff (or table-rerun) again and repair from the new file.
 * Immutable and thread-safe.
 *
 * @param key the primary key values, in key order, as PostgreSQL prints them
 * @param reason why, naming the node: {@code changed on n2 since the diff}
 */
public record RepairConflict(List<String> key, String reason) {

    /** What to do about conflicts, for messages and reports. */
    public static final String HINT = "rows that changed since the diff were left alone; run table-diff (or "
            + "table-rerun) again and repair from the new diff file";

    public RepairConflict {
        key = List.copyOf(key);
        Objects.requireNonNull(reason, "reason");
    }
}
