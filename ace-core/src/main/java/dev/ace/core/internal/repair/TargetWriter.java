package dev.ace.core.internal.repair;

import dev.ace.core.repair.RepairConflict;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * How one target node is written, decided once, when its session is opened
 * ({@link #choose}): a dry run only checks ({@link DryRunWriter}); an atomic repair writes with
 * bound arrays and prepares its transaction for the two-phase commit ({@link TwoPhaseWriter});
 * any other writes through COPY-filled stage tables ({@link StagedWriter}), or, for a role that
 * may not create temporary tables, with bound arrays ({@link DirectWriter}), and commits.
 *
 * <p>{@link #run} takes the target's units as they come, part by part ({@link RepairParts}), each
 * once every node it copies from has re-checked it, hands each to {@link #write}, after each part
 * calls {@link #endPart} and keeps the part's conflicts, and after the last part calls
 * {@link #finish}. Any failure rolls the target back and is kept in it. Not thread-safe: the
 * target's worker owns it.
 */
abstract class TargetWriter {

    protected final RepairJob job;
    protected final Target target;
    protected final RepairSessions sessions;

    protected TargetWriter(RepairJob job, Target target, RepairSessions sessions) {
        this.job = job;
        this.target = target;
        this.sessions = sessions;
    }

    /**
     * The writer of {@code target}, whose session was just opened: sets its transaction up as the
     * writer needs it (a dry run reads one snapshot and cannot write; the others read committed).
     */
    static TargetWriter choose(RepairJob job, Target target, RepairSessions sessions) throws SQLException {
        Connection connection = target.session.connection();
        connection.setAutoCommit(false);
        if (job.request.dryRun()) {
            connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            connection.setReadOnly(true);
            return new DryRunWriter(job, target, sessions);
        }
        connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
        if (job.request.atomic()) {
            // a transaction that touched a temporary table cannot be prepared: no stages
            return new TwoPhaseWriter(job, target, sessions);
        }
        return StageTables.allowed(connection) ? new StagedWriter(job, target, sessions)
                : new DirectWriter(job, target, sessions);
    }

    /** Sets up the target's transaction before its first unit (on the thread that opens the sessions). */
    abstract void begin() throws SQLException;

    /** Updates known before their turn ({@link UnitFeed.Ahead}), in their order; only stages use them. */
    void ahead(List<Change> changes) throws SQLException {
    }

    /** Writes (or checks) the changes of {@code unit} that no node found changed since the diff. */
    abstract void write(Unit unit, List<Change> open) throws SQLException;

    /**
     * After the last unit of a part (each change of {@code units} is applied or has its conflict,
     * except those the writer settles now): whatever the writer keeps per part is settled.
     */
    void endPart(List<Unit> units) throws SQLException {
    }

    /** After the last unit of a target with changes: commits, prepares, or says what a live run would do. */
    abstract void finish() throws SQLException;

    /**
     * Runs the target through its units (on the target's worker); the outcome is kept in the
     * target. With {@code barrier}, a part's units are written only once every unit of the part,
     * of every target, is checked: where a node is both re-read and repaired, the re-reads of a
     * part end before anything of it is written.
     */
    final void run(TargetUnits units, boolean barrier) {
        try {
            do {
                List<Unit> part = new ArrayList<>();
                if (barrier) {
                    units.forEachRemaining(part::add);
                    units.partUnits().forEach(Unit::awaitChecked);
                }
                Iterable<Unit> writing = barrier ? part : () -> units;
                for (Unit unit : writing) {
                    job.stopIfCancelled();
                    unit.awaitChecked();
                    List<Change> open = new ArrayList<>(unit.changes.size());
                    for (Change change : unit.changes) {
                        if (change.conflict == null) {
                            open.add(change);
                        }
                    }
                    if (!open.isEmpty()) {
                        write(unit, open);
                    }
                    if (!barrier) {
                        part.add(unit);
                    }
                    job.request.progress().onProgress(target.name(), job.feed.planned(target.name()), target.applied());
                }
                endPart(part);
                for (Unit unit : part) {
                    for (Change change : unit.changes) {
                        if (change.conflict != null) {
                            target.conflicts.add(new RepairConflict(change.key, change.conflict));
                        }
                    }
                }
            } while (units.nextPart());
            if (job.feed.planned(target.name()) == 0) {
                target.unchanged();
                return;
            }
            job.stopIfCancelled();
            finish();
        } catch (Exception e) {
            target.fail(job.work.translate(e, target.node));
        } finally {
            job.feed.left(target.name(), true);
        }
    }
}
