package dev.ace.core.internal.repair;

import dev.ace.core.repair.RowChange;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A live target written with compare-and-set statements that bind each batch's rows as one
 * {@code text[]} per column, then committed. Its transaction holds the per-table lock, replays
 * the changes as replicated rows ({@code session_replication_role}) and, where Spock is
 * installed, in Spock's repair mode. A change whose row changed on the target since the diff is
 * skipped, and the reason is read back before the commit. Subclasses change how a batch is
 * written ({@link StagedWriter}) or how the transaction ends ({@link TwoPhaseWriter}). Not
 * thread-safe.
 */
class DirectWriter extends TargetWriter {

    private static final Logger LOG = LoggerFactory.getLogger(DirectWriter.class);

    /** Changes skipped because their row changed on the target; explained before the end. */
    private final List<Change> missed = new ArrayList<>();
    /** Time spent writing each kind of change, for the debug log. */
    private final long[] millis = new long[RowChange.Kind.values().length];

    DirectWriter(RepairJob job, Target target, RepairSessions sessions) {
        super(job, target, sessions);
    }

    @Override
    void begin() throws SQLException {
        sessions.lock(target);
        sessions.replicationRole(target);
        prepareWrites();
        sessions.detectSpock(target);
        if (target.spock) {
            sessions.spockRepairMode(target, true);
        }
    }

    /** Made ready to write, in the open transaction, while the diff file is still being read. */
    void prepareWrites() throws SQLException {
    }

    @Override
    final void write(Unit unit, List<Change> open) throws SQLException {
        long start = System.nanoTime();
        RowSql sql = job.sql();
        switch (unit.kind) {
            case DELETE -> write(unit.kind, sql.casDelete(), open, change -> List.of(change.expected));
            case INSERT -> write(unit.kind, sql.insert(), open, change -> List.of(change.row));
            case UPDATE -> {
                if (sql.hasUpdatableColumns()) {
                    write(unit.kind, sql.casUpdate(), open, change -> List.of(change.row, change.expected));
                } else {
                    open.forEach(change -> change.conflict = "only generated columns differ on " + target.name()
                            + ", and they cannot be written");
                }
            }
            default -> throw new IllegalStateException(unit.kind.toString());
        }
        millis[unit.kind.ordinal()] += (System.nanoTime() - start) / 1_000_000;
    }

    /** The rows a statement binds for one change: the new row and/or the row expected on the target. */
    interface Rows {
        List<List<String>> of(Change change);
    }

    /**
     * Writes {@code changes} (of one kind) in batches of {@link RepairEngine#BATCH}; a change not
     * applied is kept to be explained.
     */
    private void write(RowChange.Kind kind, String statementSql, List<Change> changes, Rows rows)
            throws SQLException {
        long count = 0;
        for (int from = 0; from < changes.size(); from += RepairEngine.BATCH) {
            List<Change> batch = changes.subList(from, Math.min(changes.size(), from + RepairEngine.BATCH));
            BitSet applied = writeBatch(kind, statementSql, batch, rows);
            for (int i = 0; i < batch.size(); i++) {
                Change change = batch.get(i);
                if (applied.get(i)) {
                    target.list(change);
                    count++;
                } else {
                    missed.add(change);
                }
            }
        }
        target.count(kind, count);
    }

    /**
     * Writes one batch: one statement binding the batch's rows as one {@code text[]} per column.
     *
     * @return the indexes in {@code batch} of the changes applied
     */
    BitSet writeBatch(RowChange.Kind kind, String statementSql, List<Change> batch, Rows rows) throws SQLException {
        Connection connection = target.session.connection();
        RowSql sql = job.sql();
        int[] all = sql.allColumnIndexes();
        try (PreparedStatement statement = connection.prepareStatement(statementSql)) {
            int parameter = 1;
            int groups = rows.of(batch.get(0)).size();
            for (int group = 0; group < groups; group++) {
                List<List<String>> values = new ArrayList<>(batch.size());
                for (Change change : batch) {
                    values.add(rows.of(change).get(group));
                }
                parameter = RowSql.bindColumns(statement, connection, parameter, values, all);
            }
            return Change.withKeys(batch, RowSql.returnedKeys(statement, sql.keyPositions().length));
        }
    }

    @Override
    final void finish() throws SQLException {
        LOG.debug("repair {}: on {}, deletes {} ms, inserts {} ms, updates {} ms (writing only)", job.taskId,
                target.name(), millis[RowChange.Kind.DELETE.ordinal()], millis[RowChange.Kind.INSERT.ordinal()],
                millis[RowChange.Kind.UPDATE.ordinal()]);
        if (target.spock) {
            sessions.spockRepairMode(target, false);
        }
        end();
    }

    /** Ends the target's transaction once every change is written: commits. */
    void end() throws SQLException {
        target.session.connection().commit();
        target.end(Target.Outcome.COMMITTED);
    }

    /** Says why each change of the part that was missed was skipped, from the target's current rows. */
    @Override
    void endPart(List<Unit> units) throws SQLException {
        if (missed.isEmpty()) {
            return;
        }
        Map<String, List<String>> now = job.sql().read(target.session.connection(),
                missed.stream().map(change -> change.key).toList(), RepairEngine.BATCH);
        for (Change change : missed) {
            String reason = Change.reason(target.name(), change.expected, now.get(change.keyId));
            change.conflict = reason != null ? reason : "changed on " + target.name() + " during the repair";
        }
        missed.clear();
    }
}
