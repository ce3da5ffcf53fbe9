package dev.ace.core.internal.mtree;

import dev.ace.core.catalog.Column;
import dev.ace.core.catalog.TableSchema;
import dev.ace.core.internal.db.Sql;
import dev.ace.core.internal.diff.ColumnRules;
import dev.ace.core.internal.diff.TableSql;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The SQL of one table's Merkle tree on one node. The objects live in the schema ACE owns
 * ({@code mtree_schema}) and are named by the table's OID on that node:
 * <ul>
 * <li>{@code trees}: one row per table with a tree (logged, so a crash that empties the unlogged
 *     tables below is noticed: the leaves are then missing);</li>
 * <li>{@code leaves_<oid>} (unlogged): leaf number, the key range {@code [lo, hi)} as typed key
 *     columns (NULL: open), the row count, and the XOR and the sum modulo 2^64 of the rows'
 *     64-bit digests ({@link TableSql#rowDigest}, the digest table-diff uses);</li>
 * <li>{@code nodes_<oid>} (unlogged): inner nodes by level and position, each the SHA-256 of its
 *     {@value #FANOUT} children's (digest, count) in order, and the rows below it;</li>
 * <li>{@code changes_<oid>} (unlogged): the key and digest of every row inserted (+1) or deleted
 *     (-1) since the tree was last brought up to date (an update is both), and a mark (0) after a
 *     truncation, written by the triggers {@value #ROW_TRIGGER} and {@value #TRUNCATE_TRIGGER}.</li>
 * </ul>
 * Identifiers are quoted, values bound. Immutable.
 */
final class TreeSql {

    static final int FANOUT = 16;
    /** Buckets of a leaf, by a hash of the key: each keeps the count and the XOR of its rows' digests. */
    static final int BUCKETS = 16;
    static final String ROW_TRIGGER = "ace_mtree_capture";
    static final String TRUNCATE_TRIGGER = "ace_mtree_truncate";
    /** Settings the row digest's text renderings depend on, as every ACE session pins them. */
    private static final String PINNED = " SET TimeZone TO 'UTC' SET DateStyle TO 'ISO, YMD' SET IntervalStyle TO 'postgres'"
            + " SET extra_float_digits TO 3 SET bytea_output TO 'hex'";
    private static final String TWO_64 = "18446744073709551616";
    /** The layout of a tree's tables, part of its {@link #shape}: 2 added children's entries and leaf buckets. */
    private static final int FORMAT = 2;
    /**
     * Leaves and inner nodes are updated in place by every update: room left in their pages lets
     * PostgreSQL write the new row version on the same page without touching the indexes (a HOT
     * update; their indexed columns never change then), about three times quicker.
     */
    private static final String FILL = " WITH (fillfactor = 75)";
    private static final String ZERO_ROWS = "array_fill(0, ARRAY[" + BUCKETS + "])";
    private static final String ZERO_XOR = "array_fill(0::bigint, ARRAY[" + BUCKETS + "])";

    private final TableSchema schema;
    private final dev.ace.core.catalog.TableName tableName;
    private final String owner;
    private final long oid;
    private final List<Column> keys;
    private final Map<String, String> collations;

    /**
     * @param owner the schema ACE owns, as configured (unquoted)
     * @param oid the table's OID on this node
     * @param collations key column name to its collation ({@code "pg_catalog"."C"}), from {@link TableSql#COLUMN_COLLATIONS}
     */
    TreeSql(TableSchema schema, String owner, long oid, Map<String, String> collations) {
        this(schema, owner, oid, collations, schema.table());
    }

    /** The names of a tree's objects only (to drop or count them): no schema, so no statement that needs columns. */
    TreeSql(TableSchema schema, String owner, long oid, Map<String, String> collations,
            dev.ace.core.catalog.TableName tableName) {
        this.schema = schema;
        this.tableName = tableName;
        this.owner = owner;
        this.oid = oid;
        this.keys = schema == null ? List.of() : schema.keyColumns();
        this.collations = collations;
    }

    long oid() {
        return oid;
    }

    int keyCount() {
        return keys.size();
    }

    /**
     * The key range of a leaf from a row of {@link #readLeaves}: the lower bound's columns start at
     * {@code first}, the upper bound's follow; a NULL first column is an open bound.
     */
    static dev.ace.core.internal.diff.KeyRange range(java.sql.ResultSet rows, int first, int keyCount)
            throws java.sql.SQLException {
        List<String> lower = new java.util.ArrayList<>();
        List<String> upper = new java.util.ArrayList<>();
        for (int k = 0; k < keyCount; k++) {
            lower.add(rows.getString(first + k));
            upper.add(rows.getString(first + keyCount + k));
        }
        return new dev.ace.core.internal.diff.KeyRange(lower.get(0) == null ? null : lower,
                upper.get(0) == null ? null : upper);
    }

    String schemaName() {
        return Sql.quote(owner);
    }

    String registry() {
        return schemaName() + ".trees";
    }

    String leaves() {
        return schemaName() + "." + Sql.quote("leaves_" + oid);
    }

    String inner() {
        return schemaName() + "." + Sql.quote("nodes_" + oid);
    }

    String changes() {
        return schemaName() + "." + Sql.quote("changes_" + oid);
    }

    private String captureFunction() {
        return schemaName() + "." + Sql.quote("capture_" + oid);
    }

    private String truncateFunction() {
        return schemaName() + "." + Sql.quote("truncate_" + oid);
    }

    String table() {
        return tableName.quoted();
    }

    /**
     * What the tree was built for: columns, types, key and the format of ACE's tables; a table that
     * no longer matches, or a tree of another format, needs a new tree.
     */
    String shape() {
        return schema.columns().stream().map(c -> c.name() + " " + c.type()).collect(Collectors.joining(", "))
                + " KEY " + String.join(", ", schema.primaryKey()) + " FORMAT " + FORMAT;
    }

    private String typed(Column key) {
        String collation = collations.get(key.name());
        return key.type() + (collation == null ? "" : " COLLATE " + collation);
    }

    private String list(String prefix) {
        return IntStream.range(0, keys.size()).mapToObj(k -> prefix + k).collect(Collectors.joining(", "));
    }

    /** {@code (a, b)} or {@code a}: a row value of the key (a single column needs no row). */
    private String row(IntFunction<String> column) {
        String joined = IntStream.range(0, keys.size()).mapToObj(column).collect(Collectors.joining(", "));
        return keys.size() == 1 ? joined : "(" + joined + ")";
    }

    private String tableKey(String alias) {
        return row(k -> alias + "." + Sql.quote(keys.get(k).name()));
    }

    // ------------------------------------------------------------------ objects

    /**
     * Statements that create the schema (if missing), the registry, this table's tables, functions
     * and triggers. The functions run as their owner (SECURITY DEFINER: writers of the table need no
     * privilege on ACE's schema) and name every object schema-qualified, so the writer's
     * {@code search_path} cannot redirect them; they set no {@code search_path} of their own, which
     * would cost every write a settings change.
     *
     * @param textDigest whether the row digest renders setting-dependent text ({@link #settingsMatter})
     */
    List<String> create(boolean textDigest) {
        String keyColumns = IntStream.range(0, keys.size()).mapToObj(k -> "lo_" + k + " " + typed(keys.get(k)))
                .collect(Collectors.joining(", ")) + ", " + IntStream.range(0, keys.size())
                .mapToObj(k -> "hi_" + k + " " + typed(keys.get(k))).collect(Collectors.joining(", "));
        String changeKeys = IntStream.range(0, keys.size()).mapToObj(k -> "k_" + k + " " + typed(keys.get(k)))
                .collect(Collectors.joining(", "));
        String settings = textDigest ? PINNED : "";
        String newRow = "(" + IntStream.range(0, keys.size()).mapToObj(k -> "NEW." + Sql.quote(keys.get(k).name()))
                .collect(Collectors.joining(", ")) + ", " + TableSql.rowDigest(schema, "NEW") + ", 1)";
        String oldRow = "(" + IntStream.range(0, keys.size()).mapToObj(k -> "OLD." + Sql.quote(keys.get(k).name()))
                .collect(Collectors.joining(", ")) + ", " + TableSql.rowDigest(schema, "OLD") + ", -1)";
        String insert = "INSERT INTO " + changes() + " VALUES ";
        String capture = "BEGIN\n  IF TG_OP OPERATOR(pg_catalog.=) 'INSERT' THEN\n    " + insert + newRow + ";\n"
                + "  ELSIF TG_OP OPERATOR(pg_catalog.=) 'DELETE' THEN\n    " + insert + oldRow + ";\n"
                + "  ELSE\n    " + insert + oldRow + ", " + newRow + ";\n  END IF;\n  RETURN NULL;\nEND";
        String truncate = "BEGIN\n  DELETE FROM " + changes() + ";\n  INSERT INTO " + changes()
                + " (d) VALUES (0::pg_catalog.int2);\n  RETURN NULL;\nEND";
        return List.of(
                "CREATE SCHEMA IF NOT EXISTS " + schemaName(),
                "CREATE TABLE IF NOT EXISTS " + registry() + " (table_oid oid PRIMARY KEY, table_name text NOT NULL, "
                        + "shape text NOT NULL, layout uuid NOT NULL, leaf_rows int NOT NULL, leaves int NOT NULL, "
                        + "built_at timestamptz NOT NULL DEFAULT now())",
                "CREATE UNLOGGED TABLE " + leaves() + " (leaf int PRIMARY KEY, " + keyColumns
                        + ", rows bigint NOT NULL DEFAULT 0, xor bigint NOT NULL DEFAULT 0, sum bigint NOT NULL DEFAULT 0, "
                        + "b_rows int[] NOT NULL DEFAULT " + ZERO_ROWS + ", b_xor bigint[] NOT NULL DEFAULT " + ZERO_XOR + ")"
                        + FILL,
                "CREATE INDEX ON " + leaves() + " (" + list("lo_") + ")",
                "CREATE UNLOGGED TABLE " + inner() + " (level int, pos int, digest bytea NOT NULL, rows bigint NOT NULL, "
                        + "children bytea NOT NULL, PRIMARY KEY (level, pos))" + FILL,
                "CREATE UNLOGGED TABLE " + changes() + " (" + changeKeys + ", h bigint, d smallint NOT NULL)",
                "CREATE FUNCTION " + captureFunction() + "() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER"
                        + settings + " AS " + dollarQuote(capture),
                "CREATE FUNCTION " + truncateFunction() + "() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS "
                        + dollarQuote(truncate),
                "CREATE TRIGGER " + ROW_TRIGGER + " AFTER INSERT OR UPDATE OR DELETE ON " + table()
                        + " FOR EACH ROW EXECUTE FUNCTION " + captureFunction() + "()",
                "ALTER TABLE " + table() + " ENABLE ALWAYS TRIGGER " + ROW_TRIGGER,
                "CREATE TRIGGER " + TRUNCATE_TRIGGER + " AFTER TRUNCATE ON " + table()
                        + " FOR EACH STATEMENT EXECUTE FUNCTION " + truncateFunction() + "()",
                "ALTER TABLE " + table() + " ENABLE ALWAYS TRIGGER " + TRUNCATE_TRIGGER);
    }

    /** Fresh statistics of the tree's tables, so that their plans use their keys. */
    String analyze() {
        return "ANALYZE " + leaves() + ", " + inner();
    }

    /** Statements that drop every object of this table's tree (not the schema or the registry). */
    List<String> drop(boolean tableExists) {
        List<String> statements = new java.util.ArrayList<>();
        if (tableExists) {
            statements.add("DROP TRIGGER IF EXISTS " + ROW_TRIGGER + " ON " + table());
            statements.add("DROP TRIGGER IF EXISTS " + TRUNCATE_TRIGGER + " ON " + table());
        }
        statements.add("DROP TABLE IF EXISTS " + leaves() + ", " + inner() + ", " + changes());
        statements.add("DROP FUNCTION IF EXISTS " + captureFunction() + "(), " + truncateFunction() + "()");
        return statements;
    }

    /** A dollar-quoted string of {@code body} with a tag that does not occur in it. */
    private static String dollarQuote(String body) {
        String tag = "$ace$";
        for (int n = 1; body.contains(tag); n++) {
            tag = "$ace" + n + "$";
        }
        return tag + "\n" + body + "\n" + tag;
    }

    // ------------------------------------------------------------------ leaves

    /** Inserts leaves; bind the leaf numbers ({@code int[]}), then per key column the lower bounds, then the upper ones ({@code text[]}). */
    String insertLeaves() {
        String arrays = IntStream.range(0, 2 * keys.size()).mapToObj(k -> "?::text[]").collect(Collectors.joining(", "));
        String values = IntStream.range(0, keys.size()).mapToObj(k -> "v.lo_" + k + "::" + keys.get(k).type())
                .collect(Collectors.joining(", ")) + ", " + IntStream.range(0, keys.size())
                .mapToObj(k -> "v.hi_" + k + "::" + keys.get(k).type()).collect(Collectors.joining(", "));
        return "INSERT INTO " + leaves() + " (leaf, " + list("lo_") + ", " + list("hi_") + ") SELECT v.leaf, " + values
                + " FROM unnest(?::int[], " + arrays + ") AS v(leaf, " + list("lo_") + ", " + list("hi_") + ")";
    }

    /** {@code numeric} modulo 2^64 as a signed bigint. */
    static String wrap(String numeric) {
        return "(SELECT (CASE WHEN w.v >= 9223372036854775808 THEN w.v - " + TWO_64 + " ELSE w.v END)::bigint FROM "
                + "(SELECT mod(mod(" + numeric + ", " + TWO_64 + ") + " + TWO_64 + ", " + TWO_64 + ") AS v) AS w)";
    }

    /**
     * Rehashes the given leaves from the table's rows, in one statement: bind the leaf numbers
     * ({@code int[]}) twice. It first deletes the pending changes of keys in those leaves, in the
     * same statement so with the same snapshot as its reads: the leaves then hold exactly the rows
     * that snapshot sees, and changes committed later stay for the next update.
     */
    String rehashLeaves() {
        return rehashLeaves("?::int[]", "?::int[]", new boolean[] {true, true, true, true});
    }

    /**
     * As {@link #rehashLeaves()}, for the parts of a split leaf, written into the statement:
     * nothing to bind; it returns each leaf's number and its rows. Its branches are only those of
     * the kinds of bounds the parts have ({@link #kinds}): closed, and open below when the first
     * leaf was split, open above when the last one was (fewer branches to plan).
     */
    String rehashParts(java.util.Collection<Integer> leaves, boolean openBelow, boolean openAbove) {
        String array = intArray(leaves);
        return rehashLeaves(array, array, new boolean[] {true, openBelow, openAbove, false}) + " RETURNING l.leaf, l.rows";
    }

    /** {@code '{1,2,3}'::int[]}: numbers written into a statement. */
    static String intArray(java.util.Collection<Integer> numbers) {
        return "'{" + numbers.stream().map(String::valueOf).collect(Collectors.joining(",")) + "}'::int[]";
    }

    /** A text value written into a statement, dollar-quoted with a tag that does not occur in it (NULL for null). */
    static String text(String value) {
        if (value == null) {
            return "NULL::text";
        }
        String tag = "$k$";
        for (int n = 1; (value + tag).indexOf(tag) != value.length(); n++) {
            tag = "$k" + n + "$";
        }
        return tag + value + tag + "::text";
    }

    private String rehashLeaves(String gone, String chosen, boolean[] kinds) {
        String changeKey = row(k -> "c.k_" + k);
        return "WITH gone AS (DELETE FROM " + changes() + " AS c USING " + leaves() + " AS l3 WHERE c.d <> 0 "
                + "AND l3.leaf = ANY(" + gone + ") AND (l3.lo_0 IS NULL OR " + changeKey + " >= " + row(k -> "l3.lo_" + k)
                + ") AND (l3.hi_0 IS NULL OR " + changeKey + " < " + row(k -> "l3.hi_" + k) + ") RETURNING 1) "
                + "UPDATE " + leaves() + " AS l SET rows = a.n, xor = a.x, sum = "
                + wrap("a.hi::numeric * 4294967296 + a.lo + a.n::numeric * 2147483648") + ", b_rows = a.br, b_xor = a.bx"
                + " FROM (" + perLeaf(chosen, rows -> "SELECT count(*) AS n, coalesce(bit_xor(q.h), 0) AS x, "
                + "coalesce(sum((q.h >> 32)::int), 0) AS hi, coalesce(sum(((q.h & 4294967295) - 2147483648)::int), 0) "
                + "AS lo, " + bucketRows("q.b", "1") + " AS br, " + bucketXor("q.b", "q.h") + " AS bx FROM (SELECT "
                + TableSql.rowDigest(schema, "r") + " AS h, " + bucket("r") + " AS b FROM " + table() + " AS r WHERE "
                + rows + ") AS q", kinds)
                + ") AS a(leaf, n, x, hi, lo, br, bx) WHERE l.leaf = a.leaf";
    }

    /**
     * Per chosen leaf ({@code chosen}: the leaf numbers, {@code int[]}): {@code leaf, <the subquery's
     * columns>}, where {@code subquery} makes a query on the table {@code r} from the condition that
     * finds the leaf's rows through the key's index. One statement:
     * a branch per kind of leaf bounds ({@link #kinds}) asked for ({@code present}, by the kinds'
     * order), each over the leaves looked up by number (only branches with a leaf of their kind
     * read the table).
     */
    private String perLeaf(String chosen, java.util.function.UnaryOperator<String> subquery, boolean[] present) {
        StringBuilder sql = new StringBuilder("WITH l2 AS MATERIALIZED (SELECT * FROM " + leaves()
                + " AS l1 WHERE l1.leaf = ANY(" + chosen + ")) ");
        String[][] kinds = kinds();
        String union = "";
        for (int i = 0; i < kinds.length; i++) {
            if (present[i]) {
                sql.append(union).append("SELECT l2.leaf, s.* FROM l2 CROSS JOIN LATERAL (")
                        .append(subquery.apply(kinds[i][1])).append(") AS s WHERE ").append(kinds[i][0]);
                union = " UNION ALL ";
            }
        }
        return sql.toString();
    }

    /**
     * The leaves' bucket counts, then XORs, as one text of numbers separated by spaces (quicker to
     * read than two arrays through JDBC); bind the leaf numbers ({@code int[]}).
     */
    String readBuckets() {
        return "SELECT l.leaf, array_to_string(l.b_rows, ' ') || ' ' || array_to_string(l.b_xor, ' ') FROM "
                + byNumber("unnest(?::int[]) AS w(leaf)", "w.leaf", "l");
    }

    /**
     * The leaves of the numbers {@code numbers} (a set of rows whose column {@code number} is a
     * leaf's number), as {@code alias}: each looked up by its number through the key. (With
     * {@code leaf = ANY(...)} the planner may read every leaf instead when a diff asks for a few
     * thousand leaves of a large tree.)
     */
    private String byNumber(String numbers, String number, String alias) {
        return numbers + " CROSS JOIN LATERAL (SELECT * FROM " + leaves() + " AS " + alias + "0 WHERE " + alias + "0.leaf = "
                + number + ") AS " + alias;
    }

    /**
     * Per chosen leaf and the buckets of it asked for: {@code leaf, <the key columns>, <the row
     * digest>} of those rows. Bind the leaf numbers ({@code int[]}) and their bucket masks
     * ({@code int[]}, bit b for bucket b). The bucket is tested outside the scan of the leaf's
     * key range, so that the scan stays on the key's index, and only the rows of the buckets
     * asked for are hashed. (Reading the keys from the index alone and the asked rows by key
     * instead was quicker while the table's pages were in shared buffers, at 1,000,000 rows, and
     * slower at 10,000,000: a random heap read per asked row against the leaf's few pages read
     * in order.)
     */
    String bucketDigests() {
        String keyList = keys.stream().map(c -> "q." + Sql.quote(c.name())).collect(Collectors.joining(", "));
        StringBuilder sql = new StringBuilder("WITH l2 AS MATERIALIZED (SELECT l1.*, m.mask FROM "
                + byNumber("unnest(?::int[], ?::int[]) AS m(leaf, mask)", "m.leaf", "l1") + ") ");
        String[][] kinds = kinds();
        for (int i = 0; i < kinds.length; i++) {
            sql.append(i == 0 ? "" : " UNION ALL ").append("SELECT l2.leaf, s.* FROM l2 CROSS JOIN LATERAL (SELECT ")
                    .append(keyList).append(", ").append(TableSql.rowDigest(schema, "q")).append(" FROM (SELECT * FROM ")
                    .append(table()).append(" AS r WHERE ").append(kinds[i][1]).append(" OFFSET 0) AS q WHERE (l2.mask >> ")
                    .append(bucket("q")).append(") & 1 = 1) AS s WHERE ").append(kinds[i][0]);
        }
        return sql.toString();
    }

    /**
     * The four kinds of leaf bounds, each as a condition on a leaf {@code l2} and the condition
     * that finds its rows {@code r} through the key's index (an open bound would need an OR, which
     * no index serves): closed, open below (the first leaf), open above (the last), open both ways
     * (the only leaf).
     */
    String[][] kinds() {
        String lower = tableKey("r") + " >= " + row(k -> "l2.lo_" + k);
        String upper = tableKey("r") + " < " + row(k -> "l2.hi_" + k);
        return new String[][] {
            {"l2.lo_0 IS NOT NULL AND l2.hi_0 IS NOT NULL", lower + " AND " + upper},
            {"l2.lo_0 IS NULL AND l2.hi_0 IS NOT NULL", upper},
            {"l2.lo_0 IS NOT NULL AND l2.hi_0 IS NULL", lower},
            {"l2.lo_0 IS NULL AND l2.hi_0 IS NULL", "TRUE"}};
    }

    /** The bucket (0 to {@value #BUCKETS} - 1) of the row {@code alias}: from table-diff's key hash, so for any key type. */
    String bucket(String alias) {
        return "(" + TableSql.keyHash(keys, alias) + " & " + (BUCKETS - 1) + ")::int";
    }

    /** The bucket of a change record {@code c}: the same hash of the same key values, under the record's column names. */
    private String changeBucket() {
        List<Column> renamed = IntStream.range(0, keys.size()).mapToObj(k -> new Column("k_" + k, keys.get(k).type(),
                keys.get(k).category(), true)).toList();
        return "(" + TableSql.keyHash(renamed, "c") + " & " + (BUCKETS - 1) + ")::int";
    }

    /** Per bucket, the sum of {@code weight} over the group's rows in it: an {@code int[]} aggregate. */
    private static String bucketRows(String bucket, String weight) {
        return "ARRAY[" + IntStream.range(0, BUCKETS).mapToObj(b -> "coalesce(sum(" + weight + ") FILTER (WHERE " + bucket
                + " = " + b + "), 0)::int").collect(Collectors.joining(", ")) + "]";
    }

    /** Per bucket, the XOR of {@code digest} over the group's rows in it: a {@code bigint[]} aggregate. */
    private static String bucketXor(String bucket, String digest) {
        return "ARRAY[" + IntStream.range(0, BUCKETS).mapToObj(b -> "coalesce(bit_xor(" + digest + ") FILTER (WHERE "
                + bucket + " = " + b + "), 0)").collect(Collectors.joining(", ")) + "]";
    }

    /**
     * Two arrays of {@value #BUCKETS} buckets combined element by element with {@code operator}
     * ({@code +} or {@code #}): one expression per element, no subquery per row.
     */
    private static String combine(String left, String right, String operator) {
        return "ARRAY[" + IntStream.rangeClosed(1, BUCKETS).mapToObj(b -> "(" + left + ")[" + b + "] " + operator + " ("
                + right + ")[" + b + "]").collect(Collectors.joining(", ")) + "]";
    }

    /**
     * Folds every pending change into the leaves, in one statement (one snapshot): after a
     * truncation mark every leaf starts from empty. Returns the changes folded in, whether a
     * truncation was among them, and the leaves changed with their rows now (number and rows,
     * all separated by spaces).
     */
    String fold() {
        String leafOf = "coalesce((SELECT l.leaf FROM " + leaves() + " AS l WHERE " + row(k -> "l.lo_" + k) + " <= "
                + row(k -> "c.k_" + k) + " ORDER BY " + IntStream.range(0, keys.size()).mapToObj(k -> "l.lo_" + k + " DESC")
                .collect(Collectors.joining(", ")) + " LIMIT 1), 0)";
        return "WITH c AS (DELETE FROM " + changes() + " RETURNING *), "
                + "t AS (SELECT count(*) > 0 AS truncated FROM c WHERE c.d = 0), "
                // each change's leaf looked up in key order: neighbouring lookups read the same index pages
                + "cb AS (SELECT " + leafOf + " AS leaf, " + changeBucket() + " AS b, c.h, c.d FROM (SELECT * FROM c "
                + "WHERE c.d <> 0 ORDER BY " + list("k_") + ") AS c), "
                + "d AS (SELECT cb.leaf, bit_xor(cb.h) AS x, sum(cb.d * cb.h::numeric) AS s, sum(cb.d) AS n, "
                + bucketRows("cb.b", "cb.d") + " AS br, " + bucketXor("cb.b", "cb.h") + " AS bx FROM cb GROUP BY 1), "
                + "e AS (SELECT d.leaf, d.x, d.s, d.n, d.br, d.bx FROM d UNION ALL SELECT l2.leaf, 0, 0, 0, " + ZERO_ROWS
                + ", " + ZERO_XOR + " FROM " + leaves() + " AS l2 WHERE (SELECT t.truncated FROM t) AND NOT EXISTS "
                + "(SELECT 1 FROM d WHERE d.leaf = l2.leaf)), "
                + "u AS (UPDATE " + leaves() + " AS l SET "
                + "rows = CASE WHEN t.truncated THEN 0 ELSE l.rows END + e.n, "
                + "xor = CASE WHEN t.truncated THEN 0 ELSE l.xor END # e.x, "
                + "sum = " + wrap("CASE WHEN t.truncated THEN 0 ELSE l.sum END::numeric + e.s") + ", "
                // after a truncation a leaf's buckets start from empty: they are the changes' own
                + "b_rows = CASE WHEN t.truncated THEN e.br ELSE " + combine("l.b_rows", "e.br", "+") + " END, "
                + "b_xor = CASE WHEN t.truncated THEN e.bx ELSE " + combine("l.b_xor", "e.bx", "#") + " END "
                // the leaves by number through their key, not by a scan of every leaf
                + "FROM t CROSS JOIN e WHERE l.leaf = e.leaf AND l.leaf = ANY(ARRAY(SELECT e2.leaf FROM e AS e2)) "
                + "RETURNING l.leaf, l.rows) "
                + "SELECT (SELECT count(*) FROM c WHERE c.d <> 0), (SELECT truncated FROM t), "
                + "(SELECT coalesce(string_agg(u.leaf || ' ' || u.rows, ' '), '') FROM u)";
    }

    /** The leaves' numbers, counts and digests, and their bounds as text; bind the leaf numbers ({@code int[]}). */
    String readLeaves() {
        return "SELECT l.leaf, l.rows, l.xor, l.sum, " + IntStream.range(0, keys.size()).mapToObj(k -> "l.lo_" + k + "::text")
                .collect(Collectors.joining(", ")) + ", " + IntStream.range(0, keys.size())
                .mapToObj(k -> "l.hi_" + k + "::text").collect(Collectors.joining(", ")) + " FROM " + leaves()
                + " AS l WHERE l.leaf = ANY(?::int[]) ORDER BY l.leaf";
    }

    /** The rows below the root of a tree of {@code leaves} leaves (0 when it has none). */
    String rootRows(int leaves) {
        return "SELECT coalesce(max(n.rows), 0) FROM " + inner() + " AS n WHERE n.level = " + TreeEngine.topLevel(leaves)
                + " AND n.pos = 0";
    }

    /** The leaves' numbers and counts: all, or (with {@code among}) those of the bound numbers ({@code int[]}). */
    String leafCounts(boolean among) {
        return "SELECT l.leaf, l.rows FROM " + leaves() + " AS l" + (among ? " WHERE l.leaf = ANY(?::int[])" : "");
    }

    /**
     * The keys (as text, per column) at every {@code step}-th position of a leaf's rows after the
     * first, in key order: where to split it. Bind the leaf's range (as
     * {@link TableSql#rangePredicate}), the step, then how many keys at most. One pass over the
     * leaf's rows through the key's index.
     */
    String keysAt(TableSql sql, dev.ace.core.internal.diff.KeyRange range) {
        return "SELECT " + IntStream.range(0, keys.size()).mapToObj(k -> "x.k_" + k).collect(Collectors.joining(", "))
                + " FROM (SELECT " + IntStream.range(0, keys.size()).mapToObj(k -> "r." + Sql.quote(keys.get(k).name())
                + "::text AS k_" + k).collect(Collectors.joining(", ")) + ", row_number() OVER (ORDER BY "
                + sql.keyList() + ") - 1 AS n FROM " + sql.from() + " WHERE " + sql.rangePredicate(range)
                + ") AS x WHERE x.n > 0 AND x.n % ? = 0 ORDER BY x.n LIMIT ?";
    }

    /**
     * Leaves numbered above {@code above} move up by {@code delta} (down when negative), in two steps
     * so the key never holds a number twice.
     */
    List<String> shift(int delta, int above) {
        return List.of("UPDATE " + leaves() + " SET leaf = -leaf - 1" + (delta > 0 ? " - " + delta : "") + " WHERE leaf > "
                        + above,
                "UPDATE " + leaves() + " SET leaf = -leaf - 1" + (delta < 0 ? " - " + -delta : "") + " WHERE leaf < 0");
    }

    /**
     * Splits leaf {@code leaf} at {@code m} keys (ascending, as text per key column): it keeps its
     * lower bound up to the first key, and new leaves {@code leaf + 1} to {@code leaf + m} take the
     * parts from each key to the next (the last up to the old upper bound). The keys are written
     * into the statement, dollar-quoted. Leaves above {@code leaf} must have moved up by m first.
     */
    String splitLeaf(int leaf, List<List<String>> at) {
        String values = IntStream.range(0, at.size()).mapToObj(part -> "(" + (part + 1) + ", " + IntStream.range(0, keys.size())
                .mapToObj(k -> text(at.get(part).get(k))).collect(Collectors.joining(", ")) + ", " + IntStream.range(0, keys.size())
                .mapToObj(k -> text(part + 1 < at.size() ? at.get(part + 1).get(k) : null)).collect(Collectors.joining(", "))
                + ")").collect(Collectors.joining(", "));
        String columns = IntStream.range(0, keys.size()).mapToObj(k -> "v.lo_" + k + "::" + keys.get(k).type())
                .collect(Collectors.joining(", ")) + ", " + IntStream.range(0, keys.size())
                .mapToObj(k -> "CASE WHEN v.hi_0 IS NULL THEN o.hi_" + k + " ELSE v.hi_" + k + "::" + keys.get(k).type()
                        + " END").collect(Collectors.joining(", "));
        return "WITH x AS (UPDATE " + leaves() + " AS l SET " + IntStream.range(0, keys.size()).mapToObj(k -> "hi_" + k
                + " = " + text(at.get(0).get(k)) + "::" + keys.get(k).type()).collect(Collectors.joining(", "))
                + " WHERE l.leaf = " + leaf + " RETURNING 1) INSERT INTO " + leaves() + " (leaf, " + list("lo_") + ", "
                + list("hi_") + ") SELECT " + leaf + " + v.n, " + columns + " FROM (VALUES " + values + ") AS v(n, "
                + list("lo_") + ", " + list("hi_") + ") CROSS JOIN (SELECT * FROM " + leaves() + " AS o1 WHERE o1.leaf = "
                + leaf + ") AS o";
    }

    /** Merges leaf {@code ?} + 1 into leaf {@code ?} (bind the leaf twice): counts and digests add up, no row is read. */
    List<String> mergeLeaves() {
        return List.of("UPDATE " + leaves() + " AS l SET " + IntStream.range(0, keys.size()).mapToObj(k -> "hi_" + k
                        + " = n.hi_" + k).collect(Collectors.joining(", ")) + ", rows = l.rows + n.rows, xor = l.xor # n.xor, "
                        + "sum = " + wrap("l.sum::numeric + n.sum") + ", b_rows = " + combine("l.b_rows", "n.b_rows", "+")
                        + ", b_xor = " + combine("l.b_xor", "n.b_xor", "#") + " FROM " + leaves() + " AS n WHERE l.leaf = ? "
                        + "AND n.leaf = l.leaf + 1",
                "DELETE FROM " + leaves() + " WHERE leaf = ? + 1");
    }

    // ------------------------------------------------------------------ inner nodes

    /**
     * Rehashes level 1 from the leaves: every node, or ({@code positions} not null) those at the
     * given positions, whose children are found through the leaves' key. A leaf's entry is its
     * XOR, sum and count, 8 bytes each, big-endian; a node keeps its children's entries in order
     * and their SHA-256. The positions are written into the statement (numbers only), so that all
     * levels can go to the server at once.
     */
    String rehashLevelOne(java.util.Collection<Integer> positions) {
        return "INSERT INTO " + inner() + " (level, pos, digest, rows, children) SELECT 1, s.pos, sha256(s.c), s.n, s.c "
                + "FROM (SELECT " + parent("l.leaf", positions) + " AS pos, string_agg(int8send(l.xor) || "
                + "int8send(l.sum) || int8send(l.rows), ''::bytea ORDER BY l.leaf) AS c, sum(l.rows)::bigint AS n FROM "
                + children(leaves(), "l", "l.leaf", "TRUE", positions) + " GROUP BY 1) AS s"
                + " ON CONFLICT (level, pos) DO UPDATE SET digest = EXCLUDED.digest, rows = EXCLUDED.rows, "
                + "children = EXCLUDED.children";
    }

    /**
     * Rehashes a level above 1 from the level below it, every node or those at the given
     * positions; a child's entry is its SHA-256 and its count (8 bytes, big-endian).
     */
    String rehashLevel(int level, java.util.Collection<Integer> positions) {
        return "INSERT INTO " + inner() + " (level, pos, digest, rows, children) SELECT " + level + ", s.pos, sha256(s.c), "
                + "s.n, s.c FROM (SELECT " + parent("n.pos", positions) + " AS pos, string_agg(n.digest || "
                + "int8send(n.rows), ''::bytea ORDER BY n.pos) AS c, sum(n.rows)::bigint AS n FROM "
                + children(inner(), "n", "n.pos", "n.level = " + (level - 1), positions) + " GROUP BY 1) AS s"
                + " ON CONFLICT (level, pos) DO UPDATE SET digest = EXCLUDED.digest, rows = EXCLUDED.rows, "
                + "children = EXCLUDED.children";
    }

    private static String parent(String child, java.util.Collection<Integer> positions) {
        return positions == null ? child + " / " + FANOUT : "p.pos";
    }

    /**
     * The children to hash: all rows of the level, or those under the given parent positions,
     * each parent's {@value #FANOUT} children looked up by number through the key. (As a range of
     * numbers the planner could not tell how many rows a parent has, and read the whole level once
     * for all parents instead, then tested every row against every parent.)
     */
    private static String children(String table, String alias, String child, String level,
                                   java.util.Collection<Integer> positions) {
        String numbers = IntStream.range(0, FANOUT).mapToObj(i -> "p.pos * " + FANOUT + " + " + i)
                .collect(Collectors.joining(", "));
        return positions == null ? table + " AS " + alias + " WHERE " + level : "unnest('{" + positions.stream()
                .map(String::valueOf).collect(Collectors.joining(",")) + "}'::int[]) AS p(pos) CROSS JOIN LATERAL "
                + "(SELECT * FROM " + table + " AS " + alias + " WHERE " + level + " AND " + child + " = ANY(ARRAY["
                + numbers + "])) AS " + alias;
    }

    /**
     * Inner nodes of one level with their children's entries: bind the level, then the positions
     * ({@code int[]}) unless {@code all}.
     */
    String readLevel(boolean all) {
        return "SELECT n.pos, n.digest, n.rows, n.children FROM " + inner() + " AS n WHERE n.level = ?"
                + (all ? "" : " AND n.pos = ANY(?::int[])");
    }

    /** Whether ACE's triggers are on the table and fire always: bind the table's OID. */
    static String triggersAlways() {
        return "SELECT count(*) FROM pg_catalog.pg_trigger WHERE tgrelid = ? AND tgname IN ('" + ROW_TRIGGER + "', '"
                + TRUNCATE_TRIGGER + "') AND tgenabled = 'A'";
    }

    /**
     * Whether the row digest renders a column as text whose rendering depends on a setting
     * ({@code DateStyle}, {@code TimeZone}, {@code IntervalStyle}, {@code extra_float_digits},
     * {@code bytea_output}): floats, intervals, arrays, composites and the like. Then the trigger
     * pins those settings as ACE's sessions do, at some cost per row; numeric, json and jsonb,
     * enums and the types hashed as values need no setting.
     */
    static boolean settingsMatter(TableSchema schema) {
        return schema.columns().stream().filter(c -> !ColumnRules.hashesExactly(c)).anyMatch(c -> !(
                c.type().startsWith("numeric") || c.type().equals("json") || c.type().equals("jsonb")
                        || "E".equals(c.category())));
    }
}
