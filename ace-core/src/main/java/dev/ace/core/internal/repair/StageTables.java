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
 * The temporary tables a {@link StagedWriter} writes a target's batches through: each batch is
 * streamed with {@code COPY} into a stage table of text columns, then applied with one
 * compare-and-set statement joining the stage to the table. This is the fast path of a repair: {@code COPY} costs a fraction of binding
 * the same rows as arrays, and the delete and update statements return only row numbers.
 *
 * <p>The stages are dropped when the transaction ends, committed or not, so nothing is left
 * behind on the node. A transaction that touched a temporary table cannot be prepared, so atomic
 * repairs, and roles without the TEMPORARY privilege, use the array statements instead. Planner:
 * a stage has no statistics, and given thousands of rows the planner would hash the whole table;
 * hash and merge joins are therefore turned off for the rest of the repair's transaction, leaving
 * one index lookup per staged key. Not thread-safe: one target's worker owns it (after the thread
 * that prepared the target's transaction made it).
 */
final class StageTables {

    private final Connection connection;
    private final RowSql sql;
    /** The stages that have held a batch, and so are emptied before the next. */
    private final Set<RowChange.Kind> used = EnumSet.noneOf(RowChange.Kind.class);
    /** How many updates were staged ahead; they stay in the update stage until the transaction ends. */
    private int stagedAhead;

    /**
     * Creates the stages of every kind in the target's transaction, in one round trip, and turns
     * hash and merge joins off for the rest of it: done while the diff file is still being read,
     * so that the first batch finds its stage ready.
     */
    StageTables(Connection connection, RowSql sql) throws SQLException {
        this.connection = connection;
        this.sql = sql;
        StringBuilder create = new StringBuilder("SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off");
        for (RowChange.Kind kind : RowChange.Kind.values()) {
            create.append("; ").append(sql.createStage(stage(kind), kind != RowChange.Kind.DELETE,
                    kind != RowChange.Kind.INSERT));
        }
        try (Statement statement = connection.createStatement()) {
            statement.execute(create.toString());
        }
    }

    private static String stage(RowChange.Kind kind) {
        return "ace_repair_" + kind.name().toLowerCase(Locale.ROOT);
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
     * After the last batch of a part of the plan: the updates staged ahead have all been applied,
     * so the update stage is emptied and the next part's are numbered from 0 again.
     */
    void endPart() throws SQLException {
        if (stagedAhead > 0) {
            try (Statement statement = connection.createStatement()) {
                statement.execute("TRUNCATE pg_temp." + Sql.quote(stage(RowChange.Kind.UPDATE)));
            }
            stagedAhead = 0;
            used.remove(RowChange.Kind.UPDATE);
        }
    }

    /**
     * Applies {@code batch} (changes of {@code kind}): deletes the rows that still hold what the
     * diff recorded, inserts the rows whose key is free, updates the rows that still hold what the
     * diff recorded. Returns the indexes in {@code batch} of the changes applied.
     */
    BitSet write(RowChange.Kind kind, List<Change> batch) throws SQLException {
        if (kind == RowChange.Kind.UPDATE && stagedAhead > 0) {
            return updateStagedAhead(batch);
        }
        String stage = stage(kind);
        boolean rows = kind != RowChange.Kind.DELETE;
        boolean expected = kind != RowChange.Kind.INSERT;
        if (!used.add(kind)) {
            try (Statement statement = connection.createStatement()) {
                statement.execute("TRUNCATE pg_temp." + Sql.quote(stage));
            }
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

    /**
     * Streams updates into the update stage before their turn (while the diff file is still being
     * read and the target would otherwise wait), numbering them on from the last: their batches
     * then run without staging ({@link #updateStagedAhead}). Either every update is staged ahead
     * or none is.
     */
    void stageAhead(List<Change> changes) throws SQLException {
        if (changes.isEmpty()) {
            return;
        }
        if (!used.add(RowChange.Kind.UPDATE) && stagedAhead == 0) {
            throw new IllegalStateException("updates were staged batch by batch before some were staged ahead");
        }
        for (int i = 0; i < changes.size(); i++) {
            changes.get(i).staged = stagedAhead + i;
        }
        copy(sql.copyIntoStage(stage(RowChange.Kind.UPDATE), true, true), changes, stagedAhead, true, true);
        stagedAhead += changes.size();
    }

    /**
     * Applies a batch of updates staged ahead: their stage rows (a range of row numbers, less any
     * skipped since as conflicts, which are removed first) are applied by one statement.
     */
    private BitSet updateStagedAhead(List<Change> batch) throws SQLException {
        int low = Integer.MAX_VALUE;
        int high = -1;
        java.util.Map<Integer, Integer> index = new java.util.HashMap<>();
        for (int i = 0; i < batch.size(); i++) {
            int n = batch.get(i).staged;
            if (n < 0) {
                throw new IllegalStateException("an update was not staged ahead like the others");
            }
            low = Math.min(low, n);
            high = Math.max(high, n);
            index.put(n, i);
        }
        String stage = "pg_temp." + Sql.quote(stage(RowChange.Kind.UPDATE));
        if (index.size() < high - low + 1) {
            // rows of the range skipped as conflicts since they were staged
            List<Integer> skipped = new java.util.ArrayList<>();
            for (int n = low; n <= high; n++) {
                if (!index.containsKey(n)) {
                    skipped.add(n);
                }
            }
            try (java.sql.PreparedStatement statement = connection.prepareStatement(
                    "DELETE FROM " + stage + " WHERE n = ANY (?)")) {
                statement.setArray(1, connection.createArrayOf("int4", skipped.toArray()));
                statement.executeUpdate();
            }
        }
        BitSet applied = new BitSet(batch.size());
        try (Statement statement = connection.createStatement()) {
            readApplied(statement, sql.stagedUpdate(stage(RowChange.Kind.UPDATE), batch.size(), low, high),
                    batch.size(), applied, index::get);
        }
        return applied;
    }

    /** Reads what {@link RowSql#stagedDelete} or {@link RowSql#stagedUpdate} returns into {@code applied}. */
    private static void readApplied(Statement statement, String query, int size, BitSet applied) throws SQLException {
        readApplied(statement, query, size, applied, n -> n);
    }

    /**
     * As {@link #readApplied(Statement, String, int, BitSet)}, where the batch's changes are the
     * stage rows {@code position} maps to their indexes (all {@code size} of them when the count is whole).
     */
    private static void readApplied(Statement statement, String query, int size, BitSet applied,
                                    java.util.function.IntUnaryOperator position) throws SQLException {
        try (ResultSet result = statement.executeQuery(query)) {
            result.next();
            if (result.getInt(1) == size) {
                applied.set(0, size);
                return;
            }
            java.sql.Array numbers = result.getArray(2);
            if (numbers != null) {
                for (Integer n : (Integer[]) numbers.getArray()) {
                    applied.set(position.applyAsInt(n));
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
        copy(copySql, batch, 0, rows, expected);
    }

    /** As {@link #copy(String, List, boolean, boolean)}, numbering the rows from {@code first}. */
    private void copy(String copySql, List<Change> batch, int first, boolean rows, boolean expected)
            throws SQLException {
        CopyIn copy = connection.unwrap(PGConnection.class).getCopyAPI().copyIn(copySql);
        try {
            CopyRow.Line text = new CopyRow.Line(1 << 17);
            for (int i = 0; i < batch.size(); i++) {
                Change change = batch.get(i);
                text.addNumber(first + i);
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
