package dev.ace.core.internal.diff;

import java.util.List;

/**
 * A range of primary-key values {@code [lower, upper)}, each bound the key columns' values as
 * PostgreSQL prints them; a null bound is open (minus or plus infinity).
 */
public record KeyRange(List<String> lower, List<String> upper) {

    public KeyRange {
        lower = lower == null ? null : List.copyOf(lower);
        upper = upper == null ? null : List.copyOf(upper);
    }

    /** Bound values in the order {@code TableSql.rangePredicate} expects them. */
    public List<String> bindValues() {
        java.util.List<String> values = new java.util.ArrayList<>();
        if (lower != null) {
            values.addAll(lower);
        }
        if (upper != null) {
            values.addAll(upper);
        }
        return values;
    }
}
