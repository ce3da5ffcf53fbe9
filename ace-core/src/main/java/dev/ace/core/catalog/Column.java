package dev.ace.core.catalog;

import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A column of a table: its name, its type as PostgreSQL formats it ({@code numeric(10,2)},
 * {@code character varying(20)}, {@code public.mood}), and its type category
 * ({@code pg_type.typcategory}: N numeric, S string, D date/time, A array, ...).
 */
public record Column(String name, String type, String category, boolean notNull) {

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

    public Column {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(category, "category");
    }

    /**
     * Whether table-diff's row digest ({@code hash_record_extended}) hashes this column's value
     * itself rather than its text: its hash tells apart every two values that print differently,
     * and is the same on every node. Not enums, nor domains over them (whose category is the
     * enum's): they hash the OID of the label, which differs between nodes. See the table in
     * docs/diff.md.
     */
    public boolean hashesExactly() {
        return EXACT_HASH_TYPES.contains(type) || EXACT_HASH_PATTERNS.matcher(type).matches();
    }

    @Override
    public String toString() {
        return name + " " + type;
    }
}
