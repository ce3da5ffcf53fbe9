package dev.ace.core.internal.diff;

import dev.ace.core.catalog.Column;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How each column type takes part in a diff: whether its hash function is exact (equal hash input
 * only for identical stored values) or its text output must be hashed instead, and how its values
 * are written into the diff file as JSON.
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

    /** How a value is written as JSON in a diff file. */
    public enum JsonKind {
        /** JSON number written from the exact text (integers). */
        INTEGER,
        /** JSON number from the exact text when finite, a string for NaN and infinities (numeric, floats). */
        DECIMAL,
        /** true / false. */
        BOOLEAN,
        /** The PostgreSQL text output as a JSON string. */
        TEXT
    }

    public static JsonKind jsonKind(Column column) {
        switch (column.type()) {
            case "smallint":
            case "integer":
            case "bigint":
            case "oid":
                return JsonKind.INTEGER;
            case "real":
            case "double precision":
                return JsonKind.DECIMAL;
            case "boolean":
                return JsonKind.BOOLEAN;
            default:
                return column.type().startsWith("numeric") ? JsonKind.DECIMAL : JsonKind.TEXT;
        }
    }

    /** Whether a DECIMAL value's text is a finite number JSON can hold. */
    static boolean isJsonNumber(String text) {
        return !(text.equals("NaN") || text.equals("Infinity") || text.equals("-Infinity"));
    }
}
