package dev.ace.core.catalog;

import dev.ace.core.error.InvalidRequestException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A schema-qualified table name as users write it: {@code public.users},
 * {@code "Sales"."Order Items"}, {@code sales."a.b"}. Unquoted parts are taken exactly as
 * written, case included (as the reference ACE does), so {@code public.Users} names the table
 * {@code "Users"}; double quotes are needed only for names holding a dot or a double quote
 * (written twice inside quotes). Immutable and thread-safe.
 */
public final class TableName {

    private final String schema;
    private final String table;

    public TableName(String schema, String table) {
        this.schema = Objects.requireNonNull(schema, "schema");
        this.table = Objects.requireNonNull(table, "table");
    }

    /** Parses {@code schema.table}; {@link InvalidRequestException} quoting the input when it is not one. */
    public static TableName parse(String text) {
        if (text == null || text.isBlank()) {
            throw new InvalidRequestException("table_name is required, as schema.table");
        }
        List<String> parts = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        boolean wasQuoted = false;
        String input = text.strip();
        for (int i = 0; i < input.length(); i++) {
            char c = input.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < input.length() && input.charAt(i + 1) == '"') {
                        current.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    current.append(c);
                }
            } else if (c == '"') {
                if (current.length() > 0) {
                    throw invalid(text, "a quote may only open a name");
                }
                quoted = true;
                wasQuoted = true;
            } else if (c == '.') {
                parts.add(part(current, wasQuoted, text));
                current.setLength(0);
                wasQuoted = false;
            } else {
                if (wasQuoted) {
                    throw invalid(text, "nothing may follow a closing quote but a dot");
                }
                current.append(c);
            }
        }
        if (quoted) {
            throw invalid(text, "a quote is not closed");
        }
        parts.add(part(current, wasQuoted, text));
        if (parts.size() != 2) {
            throw invalid(text, parts.size() == 1 ? "the schema is missing" : "it has more than two parts");
        }
        return new TableName(parts.get(0), parts.get(1));
    }

    private static String part(StringBuilder current, boolean wasQuoted, String text) {
        String value = wasQuoted ? current.toString() : current.toString().strip();
        if (value.isEmpty()) {
            throw invalid(text, "a part is empty");
        }
        if (value.indexOf('\0') >= 0) {
            throw invalid(text, "it contains a NUL character");
        }
        return value;
    }

    private static InvalidRequestException invalid(String text, String why) {
        return new InvalidRequestException("table_name must be schema.table (quote parts that hold a dot: "
                + "\"my.schema\".\"my table\"), was '" + text + "': " + why);
    }

    public String schema() {
        return schema;
    }

    public String table() {
        return table;
    }

    /** Both parts quoted, for SQL text: {@code "public"."Users"}. */
    public String quoted() {
        return quoteIdentifier(schema) + "." + quoteIdentifier(table);
    }

    /** As users write it: parts quoted only where needed. */
    @Override
    public String toString() {
        return display(schema) + "." + display(table);
    }

    private static String display(String part) {
        return part.matches("[A-Za-z_][A-Za-z0-9_$]*") ? part : quoteIdentifier(part);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TableName && schema.equals(((TableName) other).schema)
                && table.equals(((TableName) other).table);
    }

    @Override
    public int hashCode() {
        return Objects.hash(schema, table);
    }

    /**
     * An identifier quoted for SQL, case and all: {@code Alice} becomes {@code "Alice"}, a double
     * quote inside is doubled.
     *
     * @throws InvalidRequestException for an empty identifier or one with a NUL character
     */
    public static String quoteIdentifier(String identifier) {
        if (identifier == null || identifier.isEmpty()) {
            throw new InvalidRequestException("an identifier must not be empty");
        }
        if (identifier.indexOf('\0') >= 0) {
            throw new InvalidRequestException("an identifier must not contain a NUL character");
        }
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }
}
