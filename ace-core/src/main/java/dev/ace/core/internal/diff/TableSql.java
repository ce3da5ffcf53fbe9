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

    /** Whether the key is one integer column, so closed ranges can be sliced arithmetically. */
    private final boolean integerKey;

    public TableSql(TableSchema schema, String filter) {
        this.schema = schema;
        this.table = schema.table().quoted();
        this.filter = filter;
        this.keyList = schema.keyColumns().stream().map(c -> "r." + Sql.quote(c.name())).collect(Collectors.joining(", "));
        this.rowDigest = "hash_record_extended(ROW(" + schema.columns().stream()
                .map(c -> "r." + Sql.quote(c.name()) + (ColumnRules.hashesExactly(c) ? "" : "::text"))
                .collect(Collectors.joining(", ")) + "), 0)";
        this.partition = "(" + keyHash(schema.keyColumns()) + " & " + (PARTITIONS - 1) + ")::int";
        this.integerKey = schema.keyColumns().size() == 1
                && java.util.Set.of("smallint", "integer", "bigint").contains(schema.keyColumns().get(0).type());
    }

    /**
     * How a range is cut into partitions. For a single integer key and a closed range the
     * partitions are {@link #PARTITIONS} contiguous key slices, so the rows of a differing
     * partition can be fetched through the primary key index; otherwise they are key-hash classes.
     */
    public record Slicing(long lower, long upper, double scale, long margin) {
        /**
         * The key interval [from, to) that holds every row of partition p, widened for float
         * rounding and kept within the range (so nothing can overflow).
         */
        long[] interval(int p) {
            double from = (double) lower + Math.floor(p / scale) - margin;
            double to = (double) lower + Math.ceil((p + 1) / scale) + margin;
            return new long[] {from <= lower ? lower : Math.min(upper, (long) from),
                               to >= upper ? upper : Math.max(lower, (long) to)};
        }
    }

    /** The arithmetic slicing of a range, or null when it uses key-hash partitions. */
    public Slicing slicing(KeyRange range) {
        if (!integerKey || range.lower() == null || range.upper() == null) {
            return null;
        }
        try {
            long lower = Long.parseLong(range.lower().get(0));
            long upper = Long.parseLong(range.upper().get(0));
            long width = Math.subtractExact(upper, lower);
            if (width <= 0) {
                return null;
            }
            double bound = Math.max(Math.abs((double) lower), Math.abs((double) upper));
            long margin = 2 + (long) Math.ceil(4 * Math.ulp(bound) + 4 * Math.ulp((double) width));
            return new Slicing(lower, upper, (double) PARTITIONS / width, margin);
        } catch (NumberFormatException | ArithmeticException e) {
            return null;
        }
    }

    private String partitionOf(KeyRange range) {
        Slicing slicing = slicing(range);
        if (slicing == null) {
            return partition;
        }
        return "LEAST(" + (PARTITIONS - 1) + ", GREATEST(0, floor(((" + keyList + ")::float8 - ("
                + slicing.lower() + ")::float8) * (" + Double.toString(slicing.scale()) + ")::float8)))::int";
    }

    /**
     * The hash a row's partition is taken from: the same on every node for the same key. Built-in
     * integer, text and uuid keys hash their value; every other key hashes its text (an enum's
     * own hash is the OID of its label, which differs from node to node).
     */
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
        return "SELECT " + rangeNumber + " AS range_no, s.p, count(*), bit_xor(s.h) FROM (SELECT " + partitionOf(range)
                + " AS p, " + rowDigest + " AS h FROM " + from() + " WHERE " + rangePredicate(range) + filterClause()
                + ") AS s GROUP BY s.p";
    }

    /**
     * Every column of the rows of one range in the given partitions (all of them when
     * {@code partitions} is null), in key order. With arithmetic slicing the query also bounds
     * the key to the partitions' intervals, so the index reads only those slices.
     */
    public String fetchQuery(KeyRange range, List<Integer> partitions) {
        StringBuilder sql = new StringBuilder("SELECT ")
                .append(schema.columns().stream().map(c -> "r." + Sql.quote(c.name())).collect(Collectors.joining(", ")))
                .append(" FROM ").append(from()).append(" WHERE ").append(rangePredicate(range));
        if (partitions != null) {
            Slicing slicing = slicing(range);
            if (slicing != null) {
                List<long[]> intervals = new java.util.ArrayList<>();
                for (int p : partitions) {
                    long[] interval = slicing.interval(p);
                    long[] last = intervals.isEmpty() ? null : intervals.get(intervals.size() - 1);
                    if (last != null && interval[0] <= last[1]) {
                        last[1] = Math.max(last[1], interval[1]);
                    } else {
                        intervals.add(interval);
                    }
                }
                sql.append(" AND (").append(intervals.stream().map(i -> "(" + keyList + " >= " + i[0] + " AND "
                        + keyList + " < " + i[1] + ")").collect(Collectors.joining(" OR "))).append(")");
            }
            sql.append(" AND ").append(partitionOf(range)).append(" = ANY(?::int[])");
        }
        return sql.append(filterClause()).append(" ORDER BY ").append(keyList).toString();
    }
}
