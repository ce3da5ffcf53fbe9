package dev.ace.core.internal.diff;

import dev.ace.core.catalog.Column;

/**
 * How each column type takes part in a diff: whether its hash function is exact (equal hash input
 * only for identical stored values, and the same on every node) or its text output must be hashed
 * instead. How values are written into the diff file as JSON is part of the file's format: see
 * {@code DiffFile.jsonKind}.
 */
public final class ColumnRules {

    private ColumnRules() {
    }

    /**
     * Whether {@code hash_record_extended} may hash the value itself rather than its text: its
     * hash tells apart every two values that print differently, and is the same on every node.
     * Not enums, nor domains over them (whose category is the enum's): they hash the OID of the
     * label, which differs between nodes.
     */
    public static boolean hashesExactly(Column column) {
        return column.hashesExactly();
    }

    /**
     * Whether, on one node, the type's equality holds only for values that print alike, so a
     * repair may compare a stored value with the text it expects cast to the column's type: the
     * types that {@link #hashesExactly hash exactly}, and enums and domains over them (equal
     * only for the same label; their hash is what is local to a node, not their equality).
     */
    public static boolean equalsExactly(Column column) {
        return hashesExactly(column) || "E".equals(column.category());
    }
}
