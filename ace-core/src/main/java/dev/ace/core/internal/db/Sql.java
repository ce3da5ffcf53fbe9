package dev.ace.core.internal.db;

import dev.ace.core.error.InvalidRequestException;

/** Helpers for building SQL text safely: identifiers are always quoted, values are always bound. */
public final class Sql {

    private Sql() {
    }

    /** {@code name} as a quoted identifier: {@code my "x"} becomes {@code "my ""x"""}. */
    public static String quote(String identifier) {
        if (identifier == null || identifier.isEmpty()) {
            throw new InvalidRequestException("an identifier must not be empty");
        }
        if (identifier.indexOf('\0') >= 0) {
            throw new InvalidRequestException("an identifier must not contain a NUL character");
        }
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }
}
