package dev.ace.core.spock;

import dev.ace.core.CallerRole;
import java.util.Objects;

/**
 * Which recorded exceptions to list: on one node, optionally only one status and one table
 * ({@code schema.table}), newest first, {@code limit} at a time from {@code offset}.
 */
public record ExceptionListRequest(String clusterName, String nodeName, String dbname, String status, String table,
                                   int limit, int offset, CallerRole role) {

    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 1000;

    public ExceptionListRequest {
        Objects.requireNonNull(role, "role");
    }

    /** The first page of every exception on a node, as ACE's own user. */
    public static ExceptionListRequest of(String clusterName, String nodeName) {
        return new ExceptionListRequest(clusterName, nodeName, null, null, null, DEFAULT_LIMIT, 0, CallerRole.SERVICE);
    }

    public ExceptionListRequest withStatus(String value) {
        return new ExceptionListRequest(clusterName, nodeName, dbname, value, table, limit, offset, role);
    }

    public ExceptionListRequest withTable(String value) {
        return new ExceptionListRequest(clusterName, nodeName, dbname, status, value, limit, offset, role);
    }

    public ExceptionListRequest withPage(int pageLimit, int pageOffset) {
        return new ExceptionListRequest(clusterName, nodeName, dbname, status, table, pageLimit, pageOffset, role);
    }

    public ExceptionListRequest withRole(CallerRole value) {
        return new ExceptionListRequest(clusterName, nodeName, dbname, status, table, limit, offset, value);
    }
}
