package dev.ace.core.internal.diff;

import dev.ace.core.catalog.Column;
import dev.ace.core.catalog.TableSchema;
import dev.ace.core.cluster.NodeDefinition;
import dev.ace.core.diff.TableFilter;
import dev.ace.core.error.AceException;
import dev.ace.core.error.InvalidRequestException;
import dev.ace.core.internal.db.Sql;
import dev.ace.core.internal.db.SqlErrors;
import dev.ace.core.internal.repair.RowSql;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The SQL a diff and a rerun run against one table: the row digest, the key partition, range
 * predicates, rows by key, and the user's filter, which only this class puts into a query.
 * Identifiers are quoted; values (range bounds, partitions, keys) are bound. Immutable.
 */
public final class TableSql {

    /** Rows of a range are split by key hash into this many partitions, each with its own digest. */
    public static final int PARTITIONS = 256;

    private final TableSchema schema;
    private final String table;
    /** The filter as the user gave it, and as it goes into queries ({@link TableFilter#forJdbc}); null: none. */
    private final String userFilter;
    private final String filter;
    private final String keyList;
    private final String rowDigest;
    private final String partition;

    /** Whether the key is one integer column, so closed ranges can be sliced arithmetically. */
    private final boolean integerKey;

    /**
     * @param filter the {@code table_filter} as the user gave it (checked with
     *        {@link TableFilter#problem} before), or null (or blank) for none
     */
    public TableSql(TableSchema schema, String filter) {
        this.schema = schema;
        this.table = schema.table().quoted();
        this.userFilter = filter == null || filter.isBlank() ? null : filter;
        this.filter = userFilter == null ? null : TableFilter.forJdbc(userFilter);
        this.keyList = schema.keyColumns().stream().map(c -> "r." + Sql.quote(c.name())).collect(Collectors.joining(", "));
        this.rowDigest = rowDigest(schema, "r");
        this.partition = "(" + keyHash(schema.keyColumns(), "r") + " & " + (PARTITIONS - 1) + ")::int";
        this.integerKey = schema.keyColumns().size() == 1
                && java.util.Set.of("smallint", "integer", "bigint").contains(schema.keyColumns().get(0).type());
    }

    /**
     * How a range is cut into partitions. For a single integer key and a closed range the
     * partitions are {@link #PARTITIONS} contiguous key slices, so the rows of a differing
     * partition can be fetched through the primary key index; otherwise they are key-hash classes.
     */
    public record Slicing(long lower, long upper, long step) {
        /** The key interval [from, to) of partition p: exactly its keys, in integer arithmetic. */
        long[] interval(int p) {
            long from = lower + p * step; // p * step < upper - lower, so neither overflows
            long to = p + 1 >= count() ? upper : lower + (p + 1) * step;
            return new long[] {from, to};
        }

        /** The slice of a key in [lower, upper). */
        public int of(long key) {
            return (int) ((key - lower) / step);
        }

        /** The number of slices that hold keys: the last may be narrower than {@code step}. */
        public long count() {
            return (upper - lower - 1) / step + 1;
        }
    }

    /** The arithmetic slicing of a range, or null when it uses key-hash partitions. */
    public Slicing slicing(KeyRange range) {
        if (!integerKey || range.lower() == null || range.upper() == null) {
            return null;
        }
        try {
            return slicing(Long.parseLong(range.lower().get(0)), Long.parseLong(range.upper().get(0)), PARTITIONS);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * The keys [lower, upper) of an integer key cut into {@code slices} contiguous slices of equal
     * width, or null when the width does not fit a long or is not positive.
     */
    public Slicing slicing(long lower, long upper, int slices) {
        try {
            long width = Math.subtractExact(upper, lower);
            if (width <= 0) {
                return null;
            }
            return new Slicing(lower, upper, (width - 1) / slices + 1);
        } catch (ArithmeticException e) {
            return null;
        }
    }

    /**
     * The slice (0 to {@link Slicing#count()} - 1) of a row's key; the same text in every query that uses it.
     * Integer arithmetic on the key (every row's key lies in [lower, upper), so the difference
     * cannot overflow): cheaper per row than floating point, and exact.
     */
    private String sliceOf(Slicing slicing) {
        return "((" + keyList + ")::pg_catalog.int8 - '" + slicing.lower() + "'::pg_catalog.int8) / '"
                + slicing.step() + "'::pg_catalog.int8";
    }

    private String partitionOf(KeyRange range) {
        Slicing slicing = slicing(range);
        return slicing == null ? partition : sliceOf(slicing);
    }

    /**
     * The 64-bit digest of the row {@code alias} ({@code r} in a query, {@code NEW} or {@code OLD}
     * in a trigger): the one expression every digest of a row is computed with, so that the
     * incremental diff's trees (dev.ace.core.internal.mtree) hash rows exactly as table-diff does.
     * Names are schema-qualified, so the expression means the same under any {@code search_path}
     * (a trigger runs under the writer's).
     */
    public static String rowDigest(TableSchema schema, String alias) {
        return "pg_catalog.hash_record_extended(ROW(" + schema.columns().stream()
                .map(c -> alias + "." + Sql.quote(c.name()) + (ColumnRules.hashesExactly(c) ? "" : "::pg_catalog.text"))
                .collect(Collectors.joining(", ")) + "), 0)";
    }

    /**
     * The hash a row's partition is taken from: the same on every node for the same key. Built-in
     * integer, text and uuid keys hash their value; every other key hashes its text (an enum's
     * own hash is the OID of its label, which differs from node to node).
     */
    public static String keyHash(List<Column> keys, String alias) {
        if (keys.size() == 1) {
            Column key = keys.get(0);
            String ref = alias + "." + Sql.quote(key.name());
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
        return "hashtextextended(ROW(" + keys.stream().map(c -> alias + "." + Sql.quote(c.name()))
                .collect(Collectors.joining(", ")) + ")::text, 0)";
    }

    public TableSchema schema() {
        return schema;
    }

    /** Whether a user's filter runs in these queries (and so the session's role must be checked after them). */
    public boolean filtered() {
        return userFilter != null;
    }

    /**
     * What an SQL error means when the user's filter ran in the query: the filter's fault (a
     * syntax or data error, or a write) as an invalid request naming it; null otherwise.
     */
    public AceException filterError(SQLException error, NodeDefinition node) {
        String state = error.getSQLState() == null ? "" : error.getSQLState();
        if (userFilter != null && (state.startsWith("42") && !state.equals("42501") || state.equals("25006")
                || state.startsWith("22"))) {
            return new InvalidRequestException("table_filter '" + userFilter + "' fails on node " + node.describe()
                    + ": " + SqlErrors.serverMessage(error) + (state.equals("25006") ? " (a filter may only read)" : ""));
        }
        return null;
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
        StringBuilder sql = new StringBuilder("SELECT ").append(columnList())
                .append(" FROM ").append(from()).append(" WHERE ").append(rangePredicate(range));
        if (partitions != null) {
            Slicing slicing = slicing(range);
            if (slicing != null) {
                sql.append(" AND ").append(intervals(slicing, partitions));
            }
            sql.append(" AND ").append(partitionOf(range)).append(" = ANY(?::int[])");
        }
        return sql.append(filterClause()).append(" ORDER BY ").append(keyList).toString();
    }

    private String columnList() {
        return schema.columns().stream().map(c -> "r." + Sql.quote(c.name())).collect(Collectors.joining(", "));
    }

    /** The key bounded to the intervals of the given slices (ascending; merged where they touch), for the index. */
    private String intervals(Slicing slicing, List<Integer> slices) {
        List<long[]> intervals = new java.util.ArrayList<>();
        for (int p : slices) {
            long[] interval = slicing.interval(p);
            long[] last = intervals.isEmpty() ? null : intervals.get(intervals.size() - 1);
            if (last != null && interval[0] <= last[1]) {
                last[1] = Math.max(last[1], interval[1]);
            } else {
                intervals.add(interval);
            }
        }
        return "(" + intervals.stream().map(i -> "(" + keyList + " >= " + i[0] + " AND " + keyList + " < " + i[1] + ")")
                .collect(Collectors.joining(" OR ")) + ")";
    }

    // ------------------------------------------------------------------ the whole table in one scan

    /** Whether the whole table can be hashed in one scan by key slices: a single integer key. */
    public boolean sliceable() {
        return integerKey;
    }

    /** The smallest and largest key of the rows that pass the filter, as text (both null for none). */
    public String keyBoundsQuery() {
        return "SELECT min(" + keyList + ")::text, max(" + keyList + ")::text FROM " + from() + " WHERE TRUE"
                + filterClause();
    }

    /** The slice of a row's key, 0 to {@code slices - 1}: a group for {@link #groupHashQuery}. */
    public String sliceGroup(Slicing slicing) {
        return sliceOf(slicing);
    }

    /**
     * The bucket of a row's key, 0 to {@code buckets - 1} (a power of two): a group for
     * {@link #groupHashQuery} taken from the same key hash as the partitions, so for any key type.
     */
    public String bucketGroup(int buckets) {
        return "(" + keyHash(schema.keyColumns(), "r") + " & " + (buckets - 1) + ")::int";
    }

    /**
     * Per group of the whole table (groups without rows are absent): {@code group, count, digest},
     * in one sequential scan grouped by a hash aggregate.
     */
    public String groupHashQuery(String group) {
        return groupHashQuery(group, null);
    }

    /**
     * As {@link #groupHashQuery}, over the rows whose {@code within} group is one of those bound
     * as an {@code int[]} (every row when {@code within} is null).
     */
    private String groupHashQuery(String group, String within) {
        // OFFSET 0 keeps the planner from estimating the groups from the key's distinct values (one
        // per row): it would size the hash aggregate's table for a million groups where there are a
        // few thousand, and key-hash buckets, scattered over that table, would each miss the cache
        return "SELECT s.g, count(*) AS c, bit_xor(s.h) AS h FROM (SELECT " + group + " AS g, " + rowDigest
                + " AS h FROM " + from() + " WHERE " + (within == null ? "TRUE" : within + " = ANY(?::int[])")
                + filterClause() + " OFFSET 0) AS s GROUP BY s.g";
    }

    /**
     * {@link #groupHashQuery} in a few rows: one per 1,024 groups, {@code "g c h g c h ..."} (so the
     * driver holds a few strings, not a row per group, and the statement need not be read in parts).
     */
    public String groupHashChunksQuery(String group) {
        return groupHashChunksQuery(group, null);
    }

    /**
     * {@link #groupHashChunksQuery} of the rows whose {@code within} group is one of those bound as
     * an {@code int[]}: finer groups of a few coarse ones ({@code within} null: every row).
     */
    public String groupHashChunksQuery(String group, String within) {
        return "SELECT string_agg(t.g || ' ' || t.c || ' ' || t.h, ' ') FROM (" + groupHashQuery(group, within)
                + ") AS t GROUP BY t.g >> 10";
    }

    /**
     * The key columns, then the row digest, of every row in the given groups; bind the groups as
     * an {@code int[]}.
     */
    public String groupDigestsQuery(String group) {
        return "SELECT " + keyList + ", " + rowDigest + " FROM " + from() + " WHERE " + group + " = ANY(?::int[])"
                + filterClause();
    }

    /** As {@link #rowsOfKeysQuery}, the rows in key order. */
    public String rowsOfKeysInOrderQuery() {
        return rowsOfKeysQuery() + " ORDER BY " + schema.keyColumns().stream().map(c -> "s." + Sql.quote(c.name()))
                .collect(Collectors.joining(", "));
    }

    /**
     * Every column of the rows in the given key slices (ascending), in key order; bind the slices
     * as an {@code int[]}. The key is bounded to the slices' intervals, so the index reads only them.
     */
    public String sliceFetchQuery(Slicing slicing, List<Integer> chosen) {
        return "SELECT " + columnList() + " FROM " + from() + " WHERE " + intervals(slicing, chosen) + " AND "
                + sliceOf(slicing) + " = ANY(?::int[])" + filterClause() + " ORDER BY " + keyList;
    }

    // ------------------------------------------------------------------ rows by key (table-rerun)

    /**
     * The collation of every column of the table, schema-qualified and quoted
     * ({@code "pg_catalog"."C"}); bind the table's name. Columns without one are absent.
     */
    public static final String COLUMN_COLLATIONS = "SELECT a.attname, quote_ident(n.nspname) || '.' || "
            + "quote_ident(c.collname) FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_collation c "
            + "ON c.oid = a.attcollation JOIN pg_catalog.pg_namespace n ON n.oid = c.collnamespace "
            + "WHERE a.attrelid = ?::regclass AND a.attnum > 0 AND NOT a.attisdropped";

    /**
     * The ordinals of keys sorted in the table's key order with the key columns' collations
     * ({@code collations}: column name to collation, from {@link #COLUMN_COLLATIONS}). Bind the
     * ordinals ({@code int[]}) and one {@code text[]} per key column.
     */
    public String keyOrderQuery(Map<String, String> collations) {
        List<Column> keys = schema.keyColumns();
        String order = IntStream.range(0, keys.size()).mapToObj(k -> {
            String collation = collations.get(keys.get(k).name());
            return "(k.ace_k" + k + "::" + keys.get(k).type() + ")" + (collation == null ? "" : " COLLATE " + collation);
        }).collect(Collectors.joining(", "));
        return "SELECT k.ace_ord FROM unnest((SELECT ?::int[]), " + RowSql.arrays(keys.size()) + ") AS k(ace_ord, "
                + keyNames() + ") ORDER BY " + order;
    }

    /**
     * Every column of the rows of the given keys that pass the filter; bind one {@code text[]} per
     * key column. A key without such a row returns nothing.
     */
    public String rowsOfKeysQuery() {
        return "SELECT s.* FROM unnest(" + RowSql.arrays(schema.keyColumns().size()) + ") AS ace_keys(" + keyNames()
                + ") CROSS JOIN LATERAL " + rowOfKey("ace_keys", false);
    }

    /** Creates the temporary table of keys {@code name} (ordinal, then the key columns typed), dropped at commit. */
    public String createKeyTable(String name) {
        List<Column> keys = schema.keyColumns();
        return "CREATE TEMPORARY TABLE " + name + " (ace_ord int PRIMARY KEY, " + IntStream.range(0, keys.size())
                .mapToObj(k -> "ace_k" + k + " " + keys.get(k).type()).collect(Collectors.joining(", "))
                + ") ON COMMIT DROP";
    }

    /** Fills the key table {@code name}; bind the ordinals ({@code int[]}) and one {@code text[]} per key column. */
    public String fillKeyTable(String name) {
        List<Column> keys = schema.keyColumns();
        return "INSERT INTO pg_temp." + name + " SELECT v.ace_ord, " + IntStream.range(0, keys.size())
                .mapToObj(k -> "v.ace_k" + k + "::" + keys.get(k).type()).collect(Collectors.joining(", "))
                + " FROM unnest((SELECT ?::int[]), " + RowSql.arrays(keys.size()) + ") AS v(ace_ord, " + keyNames() + ")";
    }

    /** The ordinal, then every column, of the rows of the key table's keys that pass the filter, by ordinal. */
    public String rowsOfKeyTableQuery(String name) {
        return "SELECT k.ace_ord, s.* FROM pg_temp." + name + " AS k CROSS JOIN LATERAL " + rowOfKey("k", true)
                + " ORDER BY k.ace_ord";
    }

    private String keyNames() {
        return IntStream.range(0, schema.keyColumns().size()).mapToObj(k -> "ace_k" + k)
                .collect(Collectors.joining(", "));
    }

    /** The row of the key in {@code keysAlias.ace_k0..} (cast to the key's types unless {@code typed}) that passes the filter. */
    private String rowOfKey(String keysAlias, boolean typed) {
        List<Column> keys = schema.keyColumns();
        String match = IntStream.range(0, keys.size()).mapToObj(k -> "r." + Sql.quote(keys.get(k).name()) + " = "
                + keysAlias + ".ace_k" + k + (typed ? "" : "::" + keys.get(k).type())).collect(Collectors.joining(" AND "));
        return "(SELECT " + schema.columns().stream().map(c -> "r." + Sql.quote(c.name()))
                .collect(Collectors.joining(", ")) + " FROM " + from() + " WHERE " + match + filterClause() + ") AS s";
    }
}
