package dev.ace.core.catalog;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A table's shape as every checked node agrees on it: columns in table order and the primary key
 * columns in key order. Immutable.
 */
public record TableSchema(TableName table, List<Column> columns, List<String> primaryKey) {

    public TableSchema {
        Objects.requireNonNull(table, "table");
        columns = List.copyOf(columns);
        primaryKey = List.copyOf(primaryKey);
    }

    /** The column of that name; {@link IllegalArgumentException} if there is none. */
    public Column column(String name) {
        return columns.stream().filter(column -> column.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(table + " has no column " + name));
    }

    /** The primary key columns, in key order. */
    public List<Column> keyColumns() {
        return primaryKey.stream().map(this::column).collect(Collectors.toList());
    }

    @Override
    public String toString() {
        return table + " " + columns + " primary key (" + String.join(", ", primaryKey) + ")";
    }
}
