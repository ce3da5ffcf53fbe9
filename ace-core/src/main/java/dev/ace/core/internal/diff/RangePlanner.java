package dev.ace.core.internal.diff;

import dev.ace.core.catalog.Column;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts the key space into ranges of about {@code block_rows} rows each, from one node's keys.
 * Small tables get exact boundaries (every block_rows-th key); large ones are sampled one key per
 * randomly chosen page ({@code TABLESAMPLE SYSTEM}), about four sampled pages per range, which
 * costs a few percent of a scan. The first and last ranges are open, so keys that exist only on
 * other nodes are still covered; ranges are only a way to split the work, never a filter.
 */
public final class RangePlanner {

    /** Up to this many estimated rows per block, boundaries are exact. */
    private static final long EXACT_BLOCKS = 50;
    private static final int PAGES_PER_RANGE = 4;

    private RangePlanner() {
    }

    public static List<KeyRange> plan(Connection connection, TableSql sql, long estimatedRows, long pages, int blockRows)
            throws SQLException {
        List<List<String>> boundaries = estimatedRows <= EXACT_BLOCKS * blockRows || pages <= 0
                ? exactBoundaries(connection, sql, blockRows)
                : sampledBoundaries(connection, sql, estimatedRows, pages, blockRows);
        List<KeyRange> ranges = new ArrayList<>();
        List<String> lower = null;
        for (List<String> boundary : boundaries) {
            ranges.add(new KeyRange(lower, boundary));
            lower = boundary;
        }
        ranges.add(new KeyRange(lower, null));
        return ranges;
    }

    private static List<List<String>> exactBoundaries(Connection connection, TableSql sql, int blockRows)
            throws SQLException {
        String query = "SELECT * FROM (SELECT " + sql.keyList() + ", row_number() OVER (ORDER BY " + sql.keyList()
                + ") AS ace_rn FROM " + sql.from() + " WHERE TRUE" + sql.filterClause() + ") AS k WHERE k.ace_rn % "
                + blockRows + " = 0 ORDER BY k.ace_rn";
        return readKeys(connection, query, sql.schema().keyColumns().size());
    }

    private static List<List<String>> sampledBoundaries(Connection connection, TableSql sql, long estimatedRows,
                                                        long pages, int blockRows) throws SQLException {
        long ranges = Math.max(1, estimatedRows / blockRows);
        double percent = Math.min(100.0, 100.0 * ranges * PAGES_PER_RANGE / pages);
        String query = "SELECT " + keyAliases(sql) + " FROM (SELECT DISTINCT ON ((r.ctid::text::point)[0]) " + sql.keyList()
                + " FROM " + sql.from() + " TABLESAMPLE SYSTEM (" + String.format(java.util.Locale.ROOT, "%.6f", percent)
                + ") REPEATABLE (7) WHERE TRUE" + sql.filterClause() + " ORDER BY (r.ctid::text::point)[0]) AS k ORDER BY "
                + keyAliases(sql);
        List<List<String>> samples = readKeys(connection, query, sql.schema().keyColumns().size());
        if (samples.size() < 2 * PAGES_PER_RANGE) {
            return exactBoundaries(connection, sql, blockRows);
        }
        double step = (double) samples.size() / ranges;
        List<List<String>> boundaries = new ArrayList<>();
        for (long i = 1; i < ranges; i++) {
            List<String> candidate = samples.get((int) Math.min(samples.size() - 1, Math.round(i * step)));
            if (boundaries.isEmpty() || !boundaries.get(boundaries.size() - 1).equals(candidate)) {
                boundaries.add(candidate);
            }
        }
        return boundaries;
    }

    private static String keyAliases(TableSql sql) {
        List<String> names = new ArrayList<>();
        for (Column column : sql.schema().keyColumns()) {
            names.add("k." + dev.ace.core.internal.db.Sql.quote(column.name()));
        }
        return String.join(", ", names);
    }

    private static List<List<String>> readKeys(Connection connection, String query, int keyCount) throws SQLException {
        List<List<String>> keys = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(query);
             ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                List<String> key = new ArrayList<>(keyCount);
                for (int i = 1; i <= keyCount; i++) {
                    key.add(rows.getString(i));
                }
                keys.add(key);
            }
        }
        return keys;
    }
}
