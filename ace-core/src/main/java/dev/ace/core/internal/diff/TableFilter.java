package dev.ace.core.internal.diff;

/**
 * A user's {@code table_filter}: one SQL boolean expression. It is checked lexically here (no
 * {@code ;} outside quotes, quotes closed) and prepared for JDBC ({@code ?} outside quotes is
 * doubled so the driver does not take it for a parameter); it then runs only inside read-only
 * transactions under the caller's role, on a line of its own so a trailing {@code --} comment
 * cannot swallow the rest of the query.
 */
public final class TableFilter {

    private TableFilter() {
    }

    /** The problem with the filter's text, or null when it may be tried on the nodes. */
    public static String problem(String filter) {
        if (filter.indexOf('\0') >= 0) {
            return "table_filter must not contain a NUL character";
        }
        StringBuilder semicolons = new StringBuilder();
        char open = scan(filter, c -> {
            if (c == ';') {
                semicolons.append(c);
            }
        });
        if (semicolons.length() > 0) {
            return "table_filter must be one SQL boolean expression without ';', was '" + filter + "'";
        }
        if (open != 0) {
            return "table_filter has an unclosed " + (open == '\'' ? "string literal" : "quoted identifier")
                    + ", was '" + filter + "'";
        }
        return null;
    }

    /** The filter with every {@code ?} outside quotes doubled, as pgjdbc reads a literal question mark. */
    public static String forJdbc(String filter) {
        StringBuilder out = new StringBuilder(filter.length() + 8);
        scan(filter, c -> {
            if (c == '?') {
                out.append('?');
            }
        }, out);
        return out.toString();
    }

    private interface Unquoted {
        void accept(char c);
    }

    private static char scan(String filter, Unquoted unquoted) {
        return scan(filter, unquoted, null);
    }

    /**
     * Walks the filter, telling {@code unquoted} of each character outside string literals and
     * quoted identifiers (before it is copied to {@code copy}, if given); returns the quote left
     * open at the end, or 0.
     */
    private static char scan(String filter, Unquoted unquoted, StringBuilder copy) {
        char quote = 0;
        for (int i = 0; i < filter.length(); i++) {
            char c = filter.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else {
                unquoted.accept(c);
            }
            if (copy != null) {
                copy.append(c);
            }
        }
        return quote;
    }
}
