package dev.ace.core.internal.repair;

import dev.ace.core.internal.db.Sql;
import dev.ace.core.repair.RowChange;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.BitSet;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Writes a target's batches through temporary tables: each batch is streamed with {@code COPY}
 * into a stage table of text columns, then applied with one compare-and-set statement joining the
 * stage to the table. This is the fast path of a repair: {@code COPY} costs a fraction of binding
 * the same rows as arrays, and the delete and update statements return only row numbers.
 *
 * <p>The stages are dropped when the transaction ends, committed or not, so nothing is left
 * behind on the node. A transaction that touched a temporary table cannot be prepared, so atomic
 * repairs, and roles without the TEMPORARY privilege, use the array statements instead. Planner:
 * a stage has no statistics, and given thousands of rows the planner would hash the whole table;
 * hash and merge joins are therefore turned off for the rest of the repair's transaction, leaving
 * one index lookup per staged key. Not thread-safe: one target's worker owns it.
 */
final class StagedWriter {

    private final Connection connection;
    private final RowSql sql;
    private final Set<RowChange.Kind> created = EnumSet.noneOf(RowChange.Kind.class);

    StagedWriter(Connection connection, RowSql sql) {
        this.connection = connection;
        this.sql = sql;
    }

    /** Whether the current role may create temporary tables in this database. */
    static boolean allowed(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(
                "SELECT has_database_privilege(current_database(), 'TEMPORARY')")) {
            rows.next();
            return rows.getBoolean(1);
        }
    }

    /**
     * Applies {@code batch} (changes of {@code kind}): deletes the rows that still hold what the
     * diff recorded, inserts the rows whose key is free, updates the rows that still hold what the
     * diff recorded. Returns the indexes in {@code batch} of the changes applied.
     */
    BitSet write(RowChange.Kind kind, List<Change> batch) throws SQLException {
        String stage = "ace_repair_" + kind.name().toLowerCase(Locale.ROOT);
        boolean rows = kind != RowChange.Kind.DELETE;
        boolean expected = kind != RowChange.Kind.INSERT;
        try (Statement statement = connection.createStatement()) {
            // one round trip: the planner settings (once) and a fresh stage
            String prepare = created.isEmpty() ? "SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off; "
                    : "";
            statement.execute(prepare + (created.add(kind) ? sql.createStage(stage, rows, expected)
                    : "TRUNCATE pg_temp." + Sql.quote(stage)));
        }
        copy(sql.copyIntoStage(stage, rows, expected), batch, rows, expected);
        BitSet applied = new BitSet(batch.size());
        try (Statement statement = connection.createStatement()) {
            switch (kind) {
                case DELETE -> readApplied(statement, sql.stagedDelete(stage, batch.size()), batch.size(), applied);
                case UPDATE -> readApplied(statement, sql.stagedUpdate(stage, batch.size()), batch.size(), applied);
                case INSERT -> insert(statement, stage, batch, applied);
                default -> throw new IllegalStateException(kind.toString());
            }
        }
        return applied;
    }

    /** Reads what {@link RowSql#stagedDelete} or {@link RowSql#stagedUpdate} returns into {@code applied}. */
    private static void readApplied(Statement statement, String query, int size, BitSet applied) throws SQLException {
        try (ResultSet result = statement.executeQuery(query)) {
            result.next();
            if (result.getInt(1) == size) {
                applied.set(0, size);
                return;
            }
            java.sql.Array numbers = result.getArray(2);
            if (numbers != null) {
                for (Integer n : (Integer[]) numbers.getArray()) {
                    applied.set(n);
                }
            }
        }
    }

    /**
     * Inserts the staged rows. Usually no key is taken (the diff found the rows missing), so they
     * are first inserted plainly, which costs a third less than {@code ON CONFLICT}; if a key was
     * taken since, that insert is undone to a savepoint and the rows are inserted with
     * {@code ON CONFLICT DO NOTHING}, which skips the taken keys.
     */
    private void insert(Statement statement, String stage, List<Change> batch, BitSet applied) throws SQLException {
        try {
            statement.execute("SAVEPOINT ace_insert; " + sql.stagedInsert(stage, false) + "; RELEASE SAVEPOINT ace_insert");
            applied.set(0, batch.size());
            return;
        } catch (SQLException e) {
            if (!"23505".equals(e.getSQLState())) {
                throw e;
            }
        }
        statement.execute("ROLLBACK TO SAVEPOINT ace_insert; RELEASE SAVEPOINT ace_insert");
        try (ResultSet result = statement.executeQuery(sql.stagedInsert(stage, true))) {
            applied.or(Change.withKeys(batch, RowSql.keyIds(result, sql.keyPositions().length)));
        }
    }

    /** Streams the batch into the stage: row number, then the new row and/or the expected row. */
    private void copy(String copySql, List<Change> batch, boolean rows, boolean expected) throws SQLException {
        CopyIn copy = connection.unwrap(PGConnection.class).getCopyAPI().copyIn(copySql);
        try {
            CopyRow.Line text = new CopyRow.Line(1 << 17);
            for (int i = 0; i < batch.size(); i++) {
                Change change = batch.get(i);
                text.addNumber(i);
                if (rows) {
                    CopyRow.writeFields(change.row, text);
                }
                if (expected) {
                    CopyRow.writeFields(change.expected, text);
                }
                text.add((byte) '\n');
                if (text.length >= 1 << 16) {
                    copy.writeToCopy(text.bytes, 0, text.length);
                    text.length = 0;
                }
            }
            copy.writeToCopy(text.bytes, 0, text.length);
            copy.endCopy();
        } finally {
            if (copy.isActive()) {
                copy.cancelCopy();
            }
        }
    }
}
