package dev.ace.core.repair;

import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * One row a repair changed on a node (or, in a dry run, would change). Values are in the table's
 * column order ({@link RepairResult#columns()}), exactly as PostgreSQL prints them, null for SQL
 * NULL. Immutable and thread-safe.
 *
 * @param kind what was done
 * @param key the primary key values, in key order
 * @param before the row before (null for an insert)
 * @param after the row after (null for a delete)
 */
public record RowChange(Kind kind, List<String> key, List<String> before, List<String> after) {

    /** What a repair did to a row. */
    public enum Kind {
        DELETE, INSERT, UPDATE
    }

    /** An unmodifiable copy of {@code values}, or the list itself when it is an immutable {@link RowValues}. */
    private static List<String> snapshot(List<String> values) {
        return values instanceof RowValues ? values : Collections.unmodifiableList(new java.util.ArrayList<>(values));
    }

    public RowChange {
        Objects.requireNonNull(kind, "kind");
        key = List.copyOf(key);
        before = before == null ? null : snapshot(before);
        after = after == null ? null : snapshot(after);
    }
}
