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
        char quote = 0;
        for (int i = 0; i < filter.length(); i++) {
            char c = filter.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == ';') {
                return "table_filter must be one SQL boolean expression without ';', was '" + filter + "'";
            }
        }
        if (quote != 0) {
            return "table_filter has an unclosed " + (quote == '\'' ? "string literal" : "quoted identifier")
                    + ", was '" + filter + "'";
        }
        return null;
    }

    /** The filter with every {@code ?} outside quotes doubled, as pgjdbc reads a literal question mark. */
    public static String forJdbc(String filter) {
        StringBuilder out = new StringBuilder(filter.length() + 8);
        char quote = 0;
        for (int i = 0; i < filter.length(); i++) {
            char c = filter.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '?') {
                out.append('?');
            }
            out.append(c);
        }
        return out.toString();
    }
}
