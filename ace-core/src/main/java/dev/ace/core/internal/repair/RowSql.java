package dev.ace.core.internal.repair;

import dev.ace.core.catalog.Column;
import dev.ace.core.catalog.TableSchema;
import dev.ace.core.internal.db.Sql;
import dev.ace.core.internal.diff.ColumnRules;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The set-based statements a repair (and a rerun) runs against one table. Rows travel as one
 * {@code text[]} per column, bound as parameters and unnested server-side; each value is cast
 * back to its column's type from the text PostgreSQL printed, which gives back the stored value
 * exactly. Identifiers are quoted; no value is ever part of the SQL text.
 *
 * <p>The writes are compare-and-set: a delete or update touches a row only if every column still
 * prints exactly as expected (compared as the type's output text, so {@code 1.0} and {@code 1.00}
 * differ, as do {@code -0} and {@code 0}, and NULL differs from {@code ''}); an insert never
 * overwrites ({@code ON CONFLICT DO NOTHING}). Each returns the keys of the rows it changed, so a row that changed concurrently is
 * seen and skipped, never overwritten. Immutable and thread-safe.
 */
public final class RowSql {

    /** Types without a cast to text of their own: {@code ::text} is their output function. */
    private static final Pattern PRINTED_BY_TEXT_CAST = Pattern.compile("numeric(\\(\\d+(,\\d+)?\\))?|real"
            + "|double precision|interval.*|json|jsonb|time(\\(\\d\\))? with time zone|.*\\[\\]");

    private final String table;
    private final List<Column> columns;
    private final int[] keyPositions;
    private final boolean[] generated;

    RowSql(TableSchema schema, Set<String> generatedColumns) {
        this.table = schema.table().quoted();
        this.columns = schema.columns();
        this.keyPositions = schema.primaryKey().stream().mapToInt(key -> indexOf(schema, key)).toArray();
        this.generated = new boolean[columns.size()];
        for (int i = 0; i < columns.size(); i++) {
            generated[i] = generatedColumns.contains(columns.get(i).name());
        }
    }

    private static int indexOf(TableSchema schema, String column) {
        return IntStream.range(0, schema.columns().size()).filter(i -> schema.columns().get(i).name().equals(column))
                .findFirst().orElseThrow();
    }

    int[] keyPositions() {
        return keyPositions.clone();
    }

    /** The key of a row, in key order. */
    List<String> key(List<String> row) {
        return key(keyPositions, row);
    }

    /** The values at {@code positions} of a row: its key, in key order. */
    static List<String> key(int[] positions, List<String> row) {
        if (positions.length == 1) {
            return Collections.singletonList(row.get(positions[0]));
        }
        List<String> key = new ArrayList<>(positions.length);
        for (int position : positions) {
            key.add(row.get(position));
        }
        return key;
    }

    /** One string per key, usable as a map key: the key values joined by NUL (which no value holds). */
    public static String keyId(List<String> key) {
        return key.size() == 1 ? key.get(0) : String.join("\0", key);
    }

    /** Whether some non-key column can be written by an UPDATE (not generated). */
    boolean hasUpdatableColumns() {
        return IntStream.range(0, columns.size()).anyMatch(i -> !isKey(i) && !generated[i]);
    }

    private boolean isKey(int column) {
        return IntStream.of(keyPositions).anyMatch(position -> position == column);
    }

    /**
     * {@code count} bound {@code text[]} parameters for {@code unnest}. Each is wrapped in a
     * scalar subquery so the planner does not see its length: given thousands of keys it would
     * otherwise prefer a merge or hash join over the whole table to one index lookup per key.
     */
    public static String arrays(int count) {
        return IntStream.range(0, count).mapToObj(i -> "(SELECT ?::text[])").collect(Collectors.joining(", "));
    }

    private static String names(String prefix, int count) {
        return IntStream.range(0, count).mapToObj(i -> prefix + i).collect(Collectors.joining(", "));
    }

    private String cast(String reference, int column) {
        return reference + "::" + columns.get(column).type();
    }

    private String columnRef(String alias, int column) {
        return alias + "." + Sql.quote(columns.get(column).name());
    }

    private String allColumns(String alias) {
        return IntStream.range(0, columns.size()).mapToObj(i -> columnRef(alias, i)).collect(Collectors.joining(", "));
    }

    private String keyColumns(String alias) {
        return IntStream.of(keyPositions).mapToObj(i -> columnRef(alias, i)).collect(Collectors.joining(", "));
    }

    /** {@code t.k = v.e<pos>::type AND ...}: the table row whose key the expected row holds. */
    private String keyJoin(String alias, String valuesAlias, String prefix, boolean byColumnPosition) {
        List<String> terms = new ArrayList<>();
        for (int k = 0; k < keyPositions.length; k++) {
            int column = keyPositions[k];
            terms.add(columnRef(alias, column) + " = " + cast(valuesAlias + "." + prefix
                    + (byColumnPosition ? column : k), column));
        }
        return String.join(" AND ", terms);
    }

    /**
     * Every column of {@code t} prints exactly as the expected row {@code v.e0..} says (NULL
     * matching only NULL, {@code ''} only {@code ''}). Each column is compared the cheapest exact
     * way its type allows:
     * <ul>
     *   <li>types whose equality holds only for values that print alike (integers, boolean, dates
     *       and timestamps, uuid, bytea, inet, enums, ...; {@link ColumnRules#equalsExactly}) by
     *       their equality, strings byte for byte ({@code COLLATE "C"}, so a nondeterministic
     *       collation cannot equate different texts);</li>
     *   <li>types whose cast to text is their output function (numeric, floats, interval, json,
     *       jsonb, timetz, arrays) by that text, so {@code 1.0} and {@code 1.00} differ;</li>
     *   <li>anything else (domains, composites, ranges, ...) by the text of a one-column record,
     *       which always prints a value with its type's output function.</li>
     * </ul>
     */
    private String matches(String alias, String valuesAlias) {
        List<String> terms = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            Column column = columns.get(i);
            String actual = columnRef(alias, i);
            String expected = valuesAlias + ".e" + i;
            String type = column.type();
            if (type.equals("text") || type.startsWith("character varying")) {
                terms.add("(" + actual + "::text IS NOT DISTINCT FROM " + expected + " COLLATE \"C\")");
            } else if (type.startsWith("character") || type.equals("name")) {
                terms.add("(" + actual + " IS NOT DISTINCT FROM " + cast(expected, i) + " COLLATE \"C\")");
            } else if (ColumnRules.equalsExactly(column)) {
                terms.add("(" + actual + " IS NOT DISTINCT FROM " + cast(expected, i) + ")");
            } else if (PRINTED_BY_TEXT_CAST.matcher(type).matches()) {
                terms.add("(" + actual + "::text IS NOT DISTINCT FROM " + expected + ")");
            } else {
                terms.add("ROW(" + actual + ")::text = ROW(" + expected + ")::text");
            }
        }
        return String.join(" AND ", terms);
    }

    /** Every column of the rows whose key is bound (one {@code text[]} per key column, in key order). */
    String selectByKeys() {
        return "SELECT " + allColumns("t") + " FROM " + table + " AS t JOIN unnest(" + arrays(keyPositions.length)
                + ") AS k(" + names("k", keyPositions.length) + ") ON " + keyJoin("t", "k", "k", false);
    }

    /**
     * The number of each bound key (from 1, in the order bound), then every column of its row,
     * for the keys that have a row.
     */
    String selectNumberedByKeys() {
        return "SELECT k.n, " + allColumns("t") + " FROM " + table + " AS t JOIN unnest(" + arrays(keyPositions.length)
                + ") WITH ORDINALITY AS k(" + names("k", keyPositions.length) + ", n) ON "
                + keyJoin("t", "k", "k", false);
    }

    /** Deletes the rows that still hold the bound expected rows (one {@code text[]} per column); returns their keys. */
    String casDelete() {
        return delete("unnest(" + arrays(columns.size()) + ") AS v(" + names("e", columns.size()) + ")",
                keyColumns("t"));
    }

    private String delete(String from, String returning) {
        return "DELETE FROM " + table + " AS t USING " + from + " WHERE " + keyJoin("t", "v", "e", true) + " AND "
                + matches("t", "v") + " RETURNING " + returning;
    }

    /** Inserts the bound rows (one {@code text[]} per column) whose key is free; returns the keys inserted. */
    String insert() {
        return insert("unnest(" + arrays(columns.size()) + ") AS v(" + names("c", columns.size()) + ")", true)
                + " RETURNING " + keyColumns("t");
    }

    private String insert(String from, boolean skipTakenKeys) {
        List<Integer> written = IntStream.range(0, columns.size()).filter(i -> !generated[i]).boxed().toList();
        return "INSERT INTO " + table + " AS t (" + written.stream().map(i -> Sql.quote(columns.get(i).name()))
                .collect(Collectors.joining(", ")) + ") OVERRIDING SYSTEM VALUE SELECT "
                + written.stream().map(i -> cast("v.c" + i, i)).collect(Collectors.joining(", "))
                + " FROM " + from + (skipTakenKeys ? " ON CONFLICT ("
                + IntStream.of(keyPositions).mapToObj(i -> Sql.quote(columns.get(i).name()))
                .collect(Collectors.joining(", ")) + ") DO NOTHING" : "");
    }

    /**
     * Updates the rows that still hold the expected rows to the new rows: bind one {@code text[]}
     * per column of the new rows, then one per column of the expected rows. Returns the keys updated.
     */
    String casUpdate() {
        return update("unnest(" + arrays(2 * columns.size()) + ") AS v(" + names("c", columns.size()) + ", "
                + names("e", columns.size()) + ")", "", keyColumns("t"));
    }

    private String update(String from, String condition, String returning) {
        List<String> sets = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            if (!isKey(i) && !generated[i]) {
                sets.add(Sql.quote(columns.get(i).name()) + " = " + cast("v.c" + i, i));
            }
        }
        return "UPDATE " + table + " AS t SET " + String.join(", ", sets) + " FROM " + from + " WHERE "
                + keyJoin("t", "v", "e", true) + " AND " + matches("t", "v") + condition + " RETURNING " + returning;
    }

    // ------------------------------------------------------------------ staged rows

    /**
     * A temporary table ({@code ON COMMIT DROP}) to stage rows in: {@code n} (the row's index in
     * its batch), then one text column per table column for the rows to write ({@code c0..}) if
     * {@code rows}, then for the rows expected on the target ({@code e0..}) if {@code expected}.
     */
    String createStage(String stage, boolean rows, boolean expected) {
        return "CREATE TEMPORARY TABLE " + Sql.quote(stage) + " (n int NOT NULL" + stageColumns(rows, expected)
                .stream().map(name -> ", " + name + " text").collect(Collectors.joining()) + ") ON COMMIT DROP";
    }

    /** {@code COPY} into a stage made by {@link #createStage} with the same flags, in text format. */
    String copyIntoStage(String stage, boolean rows, boolean expected) {
        return "COPY pg_temp." + Sql.quote(stage) + " (n" + stageColumns(rows, expected).stream()
                .map(name -> ", " + name).collect(Collectors.joining()) + ") FROM STDIN";
    }

    private List<String> stageColumns(boolean rows, boolean expected) {
        List<String> names = new ArrayList<>();
        if (rows) {
            IntStream.range(0, columns.size()).forEach(i -> names.add("c" + i));
        }
        if (expected) {
            IntStream.range(0, columns.size()).forEach(i -> names.add("e" + i));
        }
        return names;
    }

    /**
     * {@link #casDelete} from a stage of {@code size} expected rows: one row of how many it
     * deleted and, only if that is fewer than {@code size}, the array of the {@code n} of each row deleted.
     */
    String stagedDelete(String stage, int size) {
        return applied(delete("pg_temp." + Sql.quote(stage) + " AS v", "v.n"), size);
    }

    /**
     * Inserts the rows of a stage. With {@code skipTakenKeys} a row whose key is taken is skipped
     * and the keys inserted are returned; without, a taken key fails the statement
     * (unique_violation), and nothing is returned.
     */
    String stagedInsert(String stage, boolean skipTakenKeys) {
        String insert = insert("pg_temp." + Sql.quote(stage) + " AS v", skipTakenKeys);
        return skipTakenKeys ? insert + " RETURNING " + keyColumns("t") : insert;
    }

    /** {@link #casUpdate} from a stage of {@code size} new and expected rows; returns as {@link #stagedDelete}. */
    String stagedUpdate(String stage, int size) {
        return applied(update("pg_temp." + Sql.quote(stage) + " AS v", "", "v.n"), size);
    }

    /**
     * {@link #stagedUpdate} of the stage rows numbered {@code low} to {@code high} only (the
     * stage holds every update of the repair, {@code size} of them in this range).
     */
    String stagedUpdate(String stage, int size, int low, int high) {
        return applied(update("pg_temp." + Sql.quote(stage) + " AS v", " AND v.n BETWEEN " + low + " AND " + high,
                "v.n"), size);
    }

    /**
     * Runs a statement returning {@code n} per row changed and returns the count, with the
     * array of those {@code n} only when some row of the batch was not changed: a batch applied
     * whole costs one row of result rather than thousands.
     */
    private static String applied(String statement, int size) {
        return "WITH d AS (" + statement + ") SELECT count(*)::int, CASE WHEN count(*) < " + size
                + " THEN array_agg(d.n) END FROM d";
    }

    /** Binds, from {@code first} on, one {@code text[]} per column of {@code rows} (each row in column order). */
    public static int bindColumns(PreparedStatement statement, Connection connection, int first, List<List<String>> rows,
                           int[] columnIndexes) throws SQLException {
        int parameter = first;
        for (int column : columnIndexes) {
            String[] values = new String[rows.size()];
            for (int r = 0; r < rows.size(); r++) {
                values[r] = rows.get(r).get(column);
            }
            statement.setArray(parameter++, connection.createArrayOf("text", values));
        }
        return parameter;
    }

    int[] allColumnIndexes() {
        return IntStream.range(0, columns.size()).toArray();
    }

    /** Reads every row of a statement as its columns' text, keyed by {@link #keyId}. */
    Map<String, List<String>> readRows(PreparedStatement statement) throws SQLException {
        Map<String, List<String>> rows = new LinkedHashMap<>();
        try (ResultSet result = statement.executeQuery()) {
            while (result.next()) {
                List<String> row = new ArrayList<>(columns.size());
                for (int c = 1; c <= columns.size(); c++) {
                    row.add(result.getString(c));
                }
                rows.put(keyId(key(row)), row);
            }
        }
        return rows;
    }

    /** The key ids a RETURNING clause of key columns gave back. */
    static Set<String> returnedKeys(PreparedStatement statement, int keyColumns) throws SQLException {
        try (ResultSet result = statement.executeQuery()) {
            return keyIds(result, keyColumns);
        }
    }

    /** The key ids of every row of {@code result}, whose first {@code keyColumns} columns are a key. */
    static Set<String> keyIds(ResultSet result, int keyColumns) throws SQLException {
        Set<String> keys = new HashSet<>();
        while (result.next()) {
            List<String> key = new ArrayList<>(keyColumns);
            for (int c = 1; c <= keyColumns; c++) {
                key.add(result.getString(c));
            }
            keys.add(keyId(key));
        }
        return keys;
    }

    /**
     * Reads the current rows of {@code keys} (in batches) as COPY text, without decoding them:
     * element i is the row of key i, null where there is none.
     */
    CopyRow[] readCopyRows(Connection connection, List<List<String>> keys, int batch) throws SQLException {
        CopyRow[] rows = new CopyRow[keys.size()];
        String query = selectNumberedByKeys();
        CopyRow.Line scratch = new CopyRow.Line(256);
        int[] positions = IntStream.range(0, keyPositions.length).toArray();
        for (int from = 0; from < keys.size(); from += batch) {
            List<List<String>> slice = keys.subList(from, Math.min(keys.size(), from + batch));
            try (PreparedStatement statement = connection.prepareStatement(query)) {
                bindColumns(statement, connection, 1, slice, positions);
                try (ResultSet result = statement.executeQuery()) {
                    boolean[] bytea = new boolean[columns.size()];
                    for (int c = 0; c < columns.size(); c++) {
                        bytea[c] = "bytea".equals(result.getMetaData().getColumnTypeName(c + 2));
                    }
                    while (result.next()) {
                        rows[from + result.getInt(1) - 1] = CopyRow.read(result, 2, columns.size(), bytea, scratch);
                    }
                }
            }
        }
        return rows;
    }

    /** Reads the current rows of the given keys (in batches), as text. */
    Map<String, List<String>> read(Connection connection, List<List<String>> keys, int batch) throws SQLException {
        Map<String, List<String>> rows = new LinkedHashMap<>();
        String sql = selectByKeys();
        for (int from = 0; from < keys.size(); from += batch) {
            List<List<String>> slice = keys.subList(from, Math.min(keys.size(), from + batch));
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                int[] positions = IntStream.range(0, keyPositions.length).toArray();
                bindColumns(statement, connection, 1, slice, positions);
                rows.putAll(readRows(statement));
            }
        }
        return rows;
    }
}
