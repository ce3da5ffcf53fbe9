package dev.ace.core.internal;

import dev.ace.core.catalog.TableName;
import dev.ace.core.error.InvalidRequestException;
import java.util.List;

/**
 * The checks every table operation's validation starts with, in one place so that every
 * operation words them alike. Problems are collected, never thrown one by one. Thread-safe
 * (stateless).
 */
public final class RequestChecks {

    private RequestChecks() {
    }

    /**
     * Checks that {@code cluster_name} is given and that {@code table_name} is a table name
     * ({@code schema.table}); adds each problem to {@code problems}.
     *
     * @return the table, or null when {@code table_name} is not one
     */
    public static TableName clusterAndTable(String clusterName, String tableName, List<String> problems) {
        if (clusterName == null || clusterName.isBlank()) {
            problems.add("cluster_name is required");
        }
        try {
            return TableName.parse(tableName);
        } catch (InvalidRequestException e) {
            problems.addAll(e.problems());
            return null;
        }
    }
}
