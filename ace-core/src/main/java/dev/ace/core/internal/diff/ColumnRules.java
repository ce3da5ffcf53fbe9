package dev.ace.core.internal.diff;

import dev.ace.core.catalog.Column;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How each column type takes part in a diff: whether its hash function is exact (equal hash input
 * only for identical stored values) or its text output must be hashed instead. How values are
 * written into the diff file as JSON is part of the file's format: see {@code DiffFile.jsonKind}.
 */
public final class ColumnRules {

    /**
     * Types whose hash function distinguishes every stored value that prints differently. Other
     * types (numeric 1.0 vs 1.00, float -0 vs 0, interval '1 day' vs '24 hours', jsonb numbers,
     * timetz, arrays and composites of those, types without a hash function) hash their text output.
     */
    private static final Set<String> EXACT_HASH_TYPES = Set.of("smallint", "integer", "bigint", "boolean", "text",
            "bytea", "date", "uuid", "inet", "cidr", "oid", "\"char\"", "name", "macaddr", "macaddr8");
    private static final Pattern EXACT_HASH_PATTERNS = Pattern.compile(
            "character varying(\\(\\d+\\))?|character(\\(\\d+\\))?|"
                    + "timestamp(\\(\\d\\))? with(out)? time zone|time(\\(\\d\\))? without time zone");

    private ColumnRules() {
    }

    /** Whether {@code hash_record_extended} may hash the value itself rather than its text. */
    public static boolean hashesExactly(Column column) {
        return EXACT_HASH_TYPES.contains(column.type()) || EXACT_HASH_PATTERNS.matcher(column.type()).matches()
                || "E".equals(column.category());
    }
}
