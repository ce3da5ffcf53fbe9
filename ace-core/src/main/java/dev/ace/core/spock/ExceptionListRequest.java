package dev.ace.core.spock;

import dev.ace.core.CallerRole;
import dev.ace.core.option.Operation;
import dev.ace.core.option.OptionValues;
import dev.ace.core.option.Options;
import java.util.Map;
import java.util.Objects;

/**
 * Which recorded exceptions to list: on one node, optionally only one status and one table
 * ({@code schema.table}), newest first, {@code limit} at a time (1 to 1,000, default 50) from
 * {@code offset}. Building checks every option ({@link Options}) and lists every problem at once.
 * Immutable and thread-safe.
 *
 * <pre>{@code
 * ExceptionPage page = ace.exceptions().list(ExceptionListRequest.builder("prod", "n1")
 *         .status(ExceptionStatus.PENDING).tableName("public.orders").page(50, 0).build());
 * }</pre>
 */
public record ExceptionListRequest(String clusterName, String nodeName, String dbname, ExceptionStatus status,
                                   String tableName, int limit, int offset, CallerRole role) {

    public ExceptionListRequest {
        Objects.requireNonNull(role, "role");
        dbname = dbname == null || dbname.isBlank() ? null : dbname;
        tableName = tableName == null || tableName.isBlank() ? null : tableName;
        values(clusterName, nodeName, dbname, status, tableName, limit, offset);
    }

    /** The first page of every exception on a node, as ACE's own user, until more is set. */
    public static Builder builder(String clusterName, String nodeName) {
        return new Builder(clusterName, nodeName);
    }

    /** A request of parsed options ({@link Options#parse}); add the role before building. */
    public static Builder builder(OptionValues values) {
        if (values.operation() != Operation.SPOCK_EXCEPTION_LIST) {
            throw new IllegalArgumentException("options of " + values.operation().apiName()
                    + ", not of list-spock-exceptions");
        }
        return new Builder(values.get(Options.CLUSTER_NAME).orElse(null), values.get(Options.NODE_NAME).orElse(null))
                .dbname(values.get(Options.DBNAME).orElse(null)).status(values.get(Options.STATUS).orElse(null))
                .tableName(values.get(Options.TABLE_NAME).orElse(null))
                .page(values.getOrDefault(Options.LIMIT), values.getOrDefault(Options.OFFSET));
    }

    /** The request of parsed options, as ACE's own user. */
    public static ExceptionListRequest from(OptionValues values) {
        return builder(values).build();
    }

    public Builder toBuilder() {
        return new Builder(clusterName, nodeName).dbname(dbname).status(status).tableName(tableName)
                .page(limit, offset).role(role);
    }

    /** The options, by their API names, as the JSON API writes them. Immutable. */
    public Map<String, Object> options() {
        return values(clusterName, nodeName, dbname, status, tableName, limit, offset).toMap();
    }

    private static OptionValues values(String clusterName, String nodeName, String dbname, ExceptionStatus status,
                                       String tableName, int limit, int offset) {
        return OptionValues.builder(Operation.SPOCK_EXCEPTION_LIST).set(Options.CLUSTER_NAME, clusterName)
                .set(Options.NODE_NAME, nodeName).set(Options.DBNAME, dbname).set(Options.STATUS, status)
                .set(Options.TABLE_NAME, tableName).set(Options.LIMIT, limit).set(Options.OFFSET, offset).build();
    }

    /** Options of an exception list; not thread-safe. */
    public static final class Builder {
        private final String clusterName;
        private final String nodeName;
        private String dbname;
        private ExceptionStatus status;
        private String tableName;
        private int limit = Options.LIMIT.defaultValue().orElseThrow();
        private int offset = Options.OFFSET.defaultValue().orElseThrow();
        private CallerRole role = CallerRole.SERVICE;

        private Builder(String clusterName, String nodeName) {
            this.clusterName = clusterName;
            this.nodeName = nodeName;
        }

        public Builder dbname(String value) {
            this.dbname = value;
            return this;
        }

        /** Only exceptions with this status; null: every status. */
        public Builder status(ExceptionStatus value) {
            this.status = value;
            return this;
        }

        /** Only the exceptions of this table, {@code schema.table}; null: every table. */
        public Builder tableName(String value) {
            this.tableName = value;
            return this;
        }

        /** {@code limit} exceptions (1 to 1,000) after skipping {@code offset}. */
        public Builder page(int pageLimit, int pageOffset) {
            this.limit = pageLimit;
            this.offset = pageOffset;
            return this;
        }

        public Builder role(CallerRole value) {
            this.role = Objects.requireNonNull(value, "role");
            return this;
        }

        /** @throws dev.ace.core.error.InvalidRequestException listing every problem of the options */
        public ExceptionListRequest build() {
            return new ExceptionListRequest(clusterName, nodeName, dbname, status, tableName, limit, offset, role);
        }
    }
}
