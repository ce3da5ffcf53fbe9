package dev.ace.core.internal.diff;

import dev.ace.core.catalog.Column;
import dev.ace.core.catalog.TableSchema;
import dev.ace.core.internal.db.Sql;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The SQL a diff runs against one table: the row digest, the key partition, range predicates
 * and the user's filter. Identifiers are quoted; values (range bounds, partitions) are bound.
 */
public final class TableSql {

    /** Rows of a range are split by key hash into this many partitions, each with its own digest. */
    public static final int PARTITIONS = 256;

    private final TableSchema schema;
    private final String table;
    private final String filter;
    private final String keyList;
    private final String rowDigest;
    private final String partition;

    public TableSql(TableSchema schema, String filter) {
        this.schema = schema;
        this.table = schema.table().quoted();
        this.filter = filter;
        this.keyList = schema.keyColumns().stream().map(c -> "r." + Sql.quote(c.name())).collect(Collectors.joining(", "));
        this.rowDigest = "hash_record_extended(ROW(" + schema.columns().stream()
                .map(c -> "r." + Sql.quote(c.name()) + (ColumnRules.hashesExactly(c) ? "" : "::text"))
                .collect(Collectors.joining(", ")) + "), 0)";
        this.partition = "(" + keyHash(schema.keyColumns()) + " & " + (PARTITIONS - 1) + ")::int";
    }

    private static String keyHash(List<Column> keys) {
        if (keys.size() == 1) {
            Column key = keys.get(0);
            String ref = "r." + Sql.quote(key.name());
            switch (key.type()) {
                case "smallint":
                    return "hashint2extended(" + ref + ", 0)";
                case "integer":
                    return "hashint4extended(" + ref + ", 0)";
                case "bigint":
                    return "hashint8extended(" + ref + ", 0)";
                case "text":
                    return "hashtextextended(" + ref + ", 0)";
                case "uuid":
                    return "uuid_hash_extended(" + ref + ", 0)";
                default:
                    break;
            }
        }
        return "hashtextextended(ROW(" + keys.stream().map(c -> "r." + Sql.quote(c.name()))
                .collect(Collectors.joining(", ")) + ")::text, 0)";
    }

    public TableSchema schema() {
        return schema;
    }

    /** {@code r."k1", r."k2"}: the key columns in key order. */
    public String keyList() {
        return keyList;
    }

    /** The filter clause to append after other conditions: empty, or {@code AND (\n<filter>\n)}. */
    public String filterClause() {
        return filter == null ? "" : " AND (\n" + filter + "\n)";
    }

    /** The table as the FROM clause names it, aliased {@code r}. */
    public String from() {
        return table + " AS r";
    }

    /**
     * The predicate of a range; bind {@link #bindCount} text parameters: the lower bound's key
     * values (if any), then the upper bound's.
     */
    public String rangePredicate(KeyRange range) {
        StringBuilder sql = new StringBuilder("TRUE");
        if (range.lower() != null) {
            sql.append(" AND ").append(rowOf(keyList)).append(" >= ").append(rowOf(placeholders()));
        }
        if (range.upper() != null) {
            sql.append(" AND ").append(rowOf(keyList)).append(" < ").append(rowOf(placeholders()));
        }
        return sql.toString();
    }

    private String rowOf(String list) {
        return schema.primaryKey().size() == 1 ? list : "(" + list + ")";
    }

    private String placeholders() {
        return schema.keyColumns().stream().map(c -> "?::" + c.type()).collect(Collectors.joining(", "));
    }

    /** Number of parameters {@link #rangePredicate} needs. */
    public int bindCount(KeyRange range) {
        int keys = schema.primaryKey().size();
        return (range.lower() == null ? 0 : keys) + (range.upper() == null ? 0 : keys);
    }

    /** Per partition of one range: {@code range_no, partition, count, digest}. */
    public String hashQuery(int rangeNumber, KeyRange range) {
        return "SELECT " + rangeNumber + " AS range_no, s.p, count(*), bit_xor(s.h) FROM (SELECT " + partition
                + " AS p, " + rowDigest + " AS h FROM " + from() + " WHERE " + rangePredicate(range) + filterClause()
                + ") AS s GROUP BY s.p";
    }

    /** Every column of the rows of one range in the given partitions (or all, when null), in key order. */
    public String fetchQuery(KeyRange range, boolean allPartitions) {
        return "SELECT " + schema.columns().stream().map(c -> "r." + Sql.quote(c.name())).collect(Collectors.joining(", "))
                + " FROM " + from() + " WHERE " + rangePredicate(range)
                + (allPartitions ? "" : " AND " + partition + " = ANY(?::int[])") + filterClause()
                + " ORDER BY " + keyList;
    }
}
