package dev.ace.core.catalog;

import java.util.Objects;

/**
 * A column of a table: its name, its type as PostgreSQL formats it ({@code numeric(10,2)},
 * {@code character varying(20)}, {@code public.mood}), and its type category
 * ({@code pg_type.typcategory}: N numeric, S string, D date/time, A array, ...).
 */
public record Column(String name, String type, String category, boolean notNull) {

    public Column {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(category, "category");
    }

    @Override
    public String toString() {
        return name + " " + type;
    }
}
