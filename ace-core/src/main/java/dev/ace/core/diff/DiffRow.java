package dev.ace.core.diff;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One row of a diff file as one node held it: every column's value exactly as PostgreSQL prints
 * it (null for SQL NULL), in table column order. Binding a value as text with a cast to its
 * column's type gives back the stored value. Immutable.
 */
public final class DiffRow {

    private final DiffSummary summary;
    private final List<String> values;

    public DiffRow(DiffSummary summary, List<String> values) {
        this.summary = summary;
        this.values = Collections.unmodifiableList(new ArrayList<>(sized(summary, values)));
    }

    /** A row over {@code values} as they are, without a copy: for an array no one else holds. */
    private DiffRow(DiffSummary summary, String[] values) {
        this.summary = summary;
        this.values = Collections.unmodifiableList(sized(summary, java.util.Arrays.asList(values)));
    }

    static DiffRow wrapping(DiffSummary summary, String[] values) {
        return new DiffRow(summary, values);
    }

    private static List<String> sized(DiffSummary summary, List<String> values) {
        if (values.size() != summary.columns().size()) {
            throw new IllegalArgumentException("a row of " + summary.table() + " has " + summary.columns().size()
                    + " values, was " + values.size());
        }
        return values;
    }

    /** All values, in column order. */
    public List<String> values() {
        return values;
    }

    /** The value of a column; {@link IllegalArgumentException} for a column the table lacks. */
    public String value(String column) {
        for (int i = 0; i < summary.columns().size(); i++) {
            if (summary.columns().get(i).name().equals(column)) {
                return values.get(i);
            }
        }
        throw new IllegalArgumentException(summary.table() + " has no column " + column);
    }

    /** The primary key values, in key order. */
    public List<String> key() {
        List<String> key = new ArrayList<>();
        for (int position : summary.keyPositions()) {
            key.add(values.get(position));
        }
        return key;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof DiffRow && values.equals(((DiffRow) other).values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
