package dev.ace.core.internal.db;

import dev.ace.core.catalog.TableName;

/** Helpers for building SQL text safely: identifiers are always quoted, values are always bound. */
public final class Sql {

    private Sql() {
    }

    /** {@code name} as a quoted identifier: {@code my "x"} becomes {@code "my ""x"""}. */
    public static String quote(String identifier) {
        return TableName.quoteIdentifier(identifier);
    }
}
