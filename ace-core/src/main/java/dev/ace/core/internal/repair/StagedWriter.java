package dev.ace.core.internal.repair;

import dev.ace.core.internal.db.Sql;
import dev.ace.core.repair.RowChange;
import java.nio.charset.StandardCharsets;
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
            if (created.isEmpty()) {
                statement.execute("SET LOCAL enable_hashjoin = off");
                statement.execute("SET LOCAL enable_mergejoin = off");
            }
            statement.execute(created.add(kind) ? sql.createStage(stage, rows, expected)
                    : "TRUNCATE pg_temp." + Sql.quote(stage));
        }
        copy(sql.copyIntoStage(stage, rows, expected), batch, rows, expected);
        BitSet applied = new BitSet(batch.size());
        try (Statement statement = connection.createStatement()) {
            switch (kind) {
                case DELETE -> readIndexes(statement, sql.stagedDelete(stage), applied);
                case UPDATE -> readIndexes(statement, sql.stagedUpdate(stage), applied);
                case INSERT -> {
                    try (ResultSet result = statement.executeQuery(sql.stagedInsert(stage))) {
                        applied.or(Change.withKeys(batch, RowSql.keyIds(result, sql.keyPositions().length)));
                    }
                }
                default -> throw new IllegalStateException(kind.toString());
            }
        }
        return applied;
    }

    private static void readIndexes(Statement statement, String query, BitSet applied) throws SQLException {
        try (ResultSet result = statement.executeQuery(query)) {
            while (result.next()) {
                applied.set(result.getInt(1));
            }
        }
    }

    /** Streams the batch into the stage: row number, then the new row and/or the expected row. */
    private void copy(String copySql, List<Change> batch, boolean rows, boolean expected) throws SQLException {
        CopyIn copy = connection.unwrap(PGConnection.class).getCopyAPI().copyIn(copySql);
        try {
            StringBuilder text = new StringBuilder(1 << 16);
            for (int i = 0; i < batch.size(); i++) {
                Change change = batch.get(i);
                text.append(i);
                if (rows) {
                    appendRow(text, change.row);
                }
                if (expected) {
                    appendRow(text, change.expected);
                }
                text.append('\n');
                if (text.length() >= 1 << 16) {
                    send(copy, text);
                }
            }
            send(copy, text);
            copy.endCopy();
        } finally {
            if (copy.isActive()) {
                copy.cancelCopy();
            }
        }
    }

    private static void send(CopyIn copy, StringBuilder text) throws SQLException {
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        copy.writeToCopy(bytes, 0, bytes.length);
        text.setLength(0);
    }

    /** Appends each value as a tab-separated field of COPY's text format: NULL as \N, the rest escaped. */
    private static void appendRow(StringBuilder text, List<String> row) {
        for (String value : row) {
            text.append('\t');
            if (value == null) {
                text.append("\\N");
                continue;
            }
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                switch (c) {
                    case '\\' -> text.append("\\\\");
                    case '\t' -> text.append("\\t");
                    case '\n' -> text.append("\\n");
                    case '\r' -> text.append("\\r");
                    default -> text.append(c);
                }
            }
        }
    }
}
