package dev.ace.core.option;

import java.math.BigDecimal;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Shows a value as it came, in an error message: text in double quotes with control characters
 * escaped as in JSON (so a message is always one printable line), numbers and booleans bare,
 * lists and objects in JSON notation; long text and long lists are cut short.
 */
final class Show {

    /** Characters of a text value shown before it is cut short. */
    static final int SHOWN_CHARACTERS = 80;
    private static final int SHOWN_ELEMENTS = 10;

    private Show() {
    }

    static String raw(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof String text) {
            return quote(text);
        }
        if (value instanceof BigDecimal decimal) {
            return decimal.toString();
        }
        if (value instanceof Number || value instanceof Boolean) {
            return value.toString();
        }
        if (value instanceof List<?> list) {
            StringBuilder out = new StringBuilder("[");
            int shown = 0;
            for (Object element : list) {
                if (shown == SHOWN_ELEMENTS) {
                    out.append(",... (").append(list.size()).append(" elements)");
                    break;
                }
                out.append(shown++ == 0 ? "" : ",").append(raw(element));
            }
            return out.append(']').toString();
        }
        if (value instanceof Map<?, ?> map) {
            StringBuilder out = new StringBuilder("{");
            int shown = 0;
            Iterator<? extends Map.Entry<?, ?>> entries = map.entrySet().iterator();
            while (entries.hasNext()) {
                Map.Entry<?, ?> entry = entries.next();
                if (shown == SHOWN_ELEMENTS) {
                    out.append(",... (").append(map.size()).append(" fields)");
                    break;
                }
                out.append(shown++ == 0 ? "" : ",").append(quote(String.valueOf(entry.getKey()))).append(':')
                        .append(raw(entry.getValue()));
            }
            return out.append('}').toString();
        }
        return quote(value.toString());
    }

    /** Text in double quotes, escaped as in JSON, cut short after {@link #SHOWN_CHARACTERS} characters. */
    static String quote(String text) {
        StringBuilder out = new StringBuilder(Math.min(text.length(), SHOWN_CHARACTERS) + 16).append('"');
        int end = Math.min(text.length(), SHOWN_CHARACTERS);
        for (int i = 0; i < end; i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (isControl(c)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        if (end < text.length()) {
            return out.append("...\" (").append(text.length()).append(" characters)").toString();
        }
        return out.append('"').toString();
    }

    /** C0 and C1 control characters, DEL, and the line and paragraph separators. */
    static boolean isControl(char c) {
        return c < 0x20 || (c >= 0x7f && c < 0xa0) || c == '\u2028' || c == '\u2029';
    }
}
