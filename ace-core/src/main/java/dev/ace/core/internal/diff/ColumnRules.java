package dev.ace.core.internal.diff;

import dev.ace.core.catalog.Column;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How each column type takes part in a diff: whether its hash function is exact (equal hash input
 * only for identical stored values, and the same on every node) or its text output must be hashed
 * instead. How values are written into the diff file as JSON is part of the file's format: see
 * {@code DiffFile.jsonKind}.
 */
public final class ColumnRules {

    /**
     * Built-in types whose hash function distinguishes every stored value that prints differently
     * and hashes a value the same on every node. Every other type hashes its text output: those
     * whose equality is looser than their text (numeric 1.0 vs 1.00, float -0 vs 0, interval
     * '1 day' vs '24 hours', jsonb numbers, timetz), those whose stored form is local to a node
     * (an enum value is the OID of its label, a regclass the OID of its table, and OIDs differ from
     * node to node), domains, arrays, composites and ranges (which may hold either kind), and types
     * without a hash function. Names are matched as {@code format_type} prints them under ACE's
     * pinned {@code search_path} (pg_catalog first), so a user-defined type never takes a built-in
     * type's name here.
     */
    private static final Set<String> EXACT_HASH_TYPES = Set.of("smallint", "integer", "bigint", "boolean", "text",
            "bytea", "date", "uuid", "inet", "cidr", "oid", "\"char\"", "name", "macaddr", "macaddr8");
    private static final Pattern EXACT_HASH_PATTERNS = Pattern.compile(
            "character varying(\\(\\d+\\))?|character(\\(\\d+\\))?|"
                    + "timestamp(\\(\\d\\))? with(out)? time zone|time(\\(\\d\\))? without time zone");

    private ColumnRules() {
    }

    /**
     * Whether {@code hash_record_extended} may hash the value itself rather than its text: its
     * hash tells apart every two values that print differently, and is the same on every node.
     * Not enums, nor domains over them (whose category is the enum's): they hash the OID of the
     * label, which differs between nodes.
     */
    public static boolean hashesExactly(Column column) {
        return EXACT_HASH_TYPES.contains(column.type()) || EXACT_HASH_PATTERNS.matcher(column.type()).matches();
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
