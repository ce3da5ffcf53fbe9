package dev.ace.core.diff;

/**
 * A user's {@code table_filter}: exactly one SQL boolean expression. ACE wraps it as
 * {@code AND (\n<filter>\n)}, on lines of its own so a trailing {@code --} comment ends before
 * ACE's closing parenthesis; it then runs only inside read-only transactions under the caller's
 * role.
 *
 * <p>The filter is read here as PostgreSQL's lexer and the JDBC driver's parser both read it:
 * string literals ({@code '...'} with {@code ''}, {@code E'...'} with backslash escapes), quoted
 * identifiers ({@code "..."} with {@code ""}), dollar quotes ({@code $$...$$},
 * {@code $tag$...$tag$}) and comments ({@code --} to the end of the line, {@code /* ... *}{@code /}
 * nesting). Outside them its parentheses must balance without ever closing one it did not open,
 * and it may hold no {@code ;}; every quote and comment must be closed, or it would swallow ACE's
 * closing parenthesis. Where the two readers, or PostgreSQL under different settings, could end a
 * string or comment at different places, the filter is refused rather than guessed at.
 *
 * <p>Stateless and thread-safe.
 */
public final class TableFilter {

    /** Characters the JDBC driver takes as ending a word before {@code E'}: white space, {@code "} and operators. */
    private static final String WORD_ENDS = " \t\n\r\f\",()[].;:+-*/%^<>=~!@#&|`?";

    /** What {@link #stringEnd} and {@link #commentEnd} return for a string or comment left open. */
    private static final int UNCLOSED = -1;

    /** What {@link #stringEnd} returns for a string whose end depends on who reads it. */
    private static final int AMBIGUOUS = -2;

    private TableFilter() {
    }

    /** The problem with the filter's text, or null when it may be tried on the nodes. */
    public static String problem(String filter) {
        return scan(filter, null);
    }

    /**
     * The filter with every {@code ?} outside quotes and comments doubled, as the JDBC driver
     * reads a literal question mark there. A filter {@link #problem} refuses is never run and
     * comes back unchanged.
     */
    public static String forJdbc(String filter) {
        StringBuilder out = new StringBuilder(filter.length() + 8);
        return scan(filter, out) == null ? out.toString() : filter;
    }

    /**
     * Walks the filter token by token, copying it to {@code copy} (if given) with {@code ?}
     * outside quotes and comments doubled; returns the first problem found, or null.
     */
    private static String scan(String filter, StringBuilder copy) {
        if (filter.indexOf('\0') >= 0) {
            return "table_filter must not contain a NUL character, was '" + filter.replace("\0", "\\0") + "'";
        }
        int length = filter.length();
        int depth = 0;
        int quotedEnd = -1; // where the last string, quoted identifier, dollar quote or comment ended
        int i = 0;
        while (i < length) {
            char c = filter.charAt(i);
            char next = i + 1 < length ? filter.charAt(i + 1) : 0;
            int end = i + 1;
            if (c == '\'') {
                end = stringEnd(filter, i);
                if (end == UNCLOSED) {
                    return was("has an unclosed string literal", filter);
                }
                if (end == AMBIGUOUS) {
                    return was("has a backslash before a quote in a string literal, which PostgreSQL reads two ways "
                            + "(see standard_conforming_strings); write it as an E'...' string after a space, "
                            + "where \\\\ is a backslash and \\' a quote", filter);
                }
            } else if (c == '"') {
                end = filter.indexOf('"', i + 1) + 1;
                if (end == 0) {
                    return was("has an unclosed quoted identifier", filter);
                }
            } else if (c == '-' && next == '-') {
                end = lineEnd(filter, i + 2);
            } else if (c == '/' && next == '*') {
                if (i + 2 < length && filter.charAt(i + 2) == '/') {
                    // the JDBC driver closes "/*/" at once; PostgreSQL reads on to the next "*/"
                    return was("has a comment that opens with /*/, which the JDBC driver reads differently from "
                            + "PostgreSQL; put a space after /*", filter);
                }
                end = commentEnd(filter, i);
                if (end == UNCLOSED) {
                    return was("has an unclosed /* comment", filter);
                }
            } else if (c == '$' && delimiterEnd(filter, i) > 0) {
                if (isWordChar(before(filter, i))) {
                    // PostgreSQL starts a dollar quote after a number but not inside a name, the
                    // JDBC driver after neither
                    return was("has a dollar quote right after a name or number, which PostgreSQL and the JDBC "
                            + "driver read differently; put a space before it", filter);
                }
                String delimiter = filter.substring(i, delimiterEnd(filter, i));
                int close = filter.indexOf(delimiter, i + delimiter.length());
                if (close < 0) {
                    return was("has an unclosed dollar-quoted string", filter);
                }
                end = close + delimiter.length();
            } else if (c == '$' && next >= '0' && next <= '9' && (i == quotedEnd || !isWordChar(before(filter, i)))) {
                // $1 is the first value ACE binds in its own statement, such as a range bound
                return was("must not refer to a parameter such as $" + next + " (ACE binds its own)", filter);
            } else if (c == '(') {
                depth++;
            } else if (c == ')') {
                if (--depth < 0) {
                    return unbalanced(filter);
                }
            } else if (c == ';') {
                return "table_filter must be one SQL boolean expression without ';', was '" + filter + "'";
            } else if (c == '{') {
                return was("must not contain { outside quotes and comments (the JDBC driver reads it as an escape)",
                        filter);
            } else if (c == '?' && copy != null) {
                copy.append('?');
            }
            if (copy != null) {
                copy.append(filter, i, end);
            }
            if (end > i + 1) {
                quotedEnd = end;
            }
            i = end;
        }
        return depth == 0 ? null : unbalanced(filter);
    }

    /**
     * The end of the string literal whose quote is at {@code start}: after its closing quote,
     * {@link #UNCLOSED}, or {@link #AMBIGUOUS}. A quote right after an {@code E} that starts a word
     * for both PostgreSQL and the JDBC driver opens an escape string, where a backslash escapes the
     * next character. Any other string (a plain one, or the continuation of an escape string
     * after a newline) reads the same with and without backslash escapes unless it holds a
     * backslash before a quote: that is ambiguous. A doubled quote {@code ''} ends one string
     * and starts the next, which covers the same characters.
     */
    private static int stringEnd(String filter, int start) {
        char prefix = before(filter, start);
        boolean escapes = (prefix == 'E' || prefix == 'e') && WORD_ENDS.indexOf(before(filter, start - 1)) >= 0;
        for (int i = start + 1; i < filter.length(); i++) {
            char c = filter.charAt(i);
            if (c == '\'') {
                return i + 1;
            }
            if (c == '\\') {
                if (!escapes && i + 1 < filter.length() && filter.charAt(i + 1) == '\'') {
                    return AMBIGUOUS;
                }
                i++;
            }
        }
        return UNCLOSED;
    }

    /** The end of the block comment opening at {@code start}, after its closing {@code *}{@code /}: comments nest. */
    private static int commentEnd(String filter, int start) {
        int depth = 0;
        int i = start;
        while (i + 1 < filter.length()) {
            char c = filter.charAt(i);
            char next = filter.charAt(i + 1);
            if (c == '/' && next == '*') {
                depth++;
                i += 2;
            } else if (c == '*' && next == '/') {
                i += 2;
                if (--depth == 0) {
                    return i;
                }
            } else {
                i++;
            }
        }
        return UNCLOSED;
    }

    /** The end of a {@code --} comment from {@code from}: its line break (which belongs to what follows) or the end. */
    private static int lineEnd(String filter, int from) {
        for (int i = from; i < filter.length(); i++) {
            char c = filter.charAt(i);
            if (c == '\n' || c == '\r') {
                return i;
            }
        }
        return filter.length();
    }

    /** The end of the dollar-quote delimiter ({@code $$} or {@code $tag$}) at {@code start}, or -1 if there is none. */
    private static int delimiterEnd(String filter, int start) {
        for (int i = start + 1; i < filter.length(); i++) {
            char c = filter.charAt(i);
            if (c == '$') {
                return i + 1;
            }
            boolean letter = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c >= 0x80;
            if (!letter && !(i > start + 1 && c >= '0' && c <= '9')) {
                return -1;
            }
        }
        return -1;
    }

    /** The character before {@code index}; before the filter stands the line break ACE puts there. */
    private static char before(String filter, int index) {
        return index > 0 ? filter.charAt(index - 1) : '\n';
    }

    /** Whether {@code c} may continue a name: a letter, digit, {@code _}, {@code $} or any non-ASCII character. */
    private static boolean isWordChar(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '$'
                || c >= 0x80;
    }

    private static String unbalanced(String filter) {
        return was("must be one SQL boolean expression: its parentheses do not balance", filter);
    }

    private static String was(String problem, String filter) {
        return "table_filter " + problem + ", was '" + filter + "'";
    }
}
