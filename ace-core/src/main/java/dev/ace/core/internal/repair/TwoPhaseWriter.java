package dev.ace.core.internal.repair;

import dev.ace.core.error.InvalidRequestException;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A target of an atomic repair: written like a {@link DirectWriter} (bound arrays: a transaction
 * that touched a temporary table cannot be prepared), but its transaction ends prepared
 * ({@code PREPARE TRANSACTION}), named and marked so that a run interrupted by a crash can be
 * ended the same way on every node afterwards ({@link PreparedRepairs}); {@link TwoPhaseCommit}
 * then commits every target or none. Not thread-safe.
 */
final class TwoPhaseWriter extends DirectWriter {

    TwoPhaseWriter(RepairJob job, Target target, RepairSessions sessions) {
        super(job, target, sessions);
    }

    @Override
    void begin() throws SQLException {
        int prepared = Integer.parseInt(RepairSessions.queryValue(target.session.connection(),
                "SELECT current_setting('max_prepared_transactions')"));
        if (prepared == 0) {
            throw new InvalidRequestException("atomic needs prepared transactions, but node " + target.node.describe()
                    + " has max_prepared_transactions = 0; set it above 0 (it takes a restart) or repair "
                    + "without atomic");
        }
        super.begin();
        // in the transaction, with Spock's repair mode on: the run's marker, and its lock (see PreparedRepairs)
        PreparedRepairs.begin(target.session.connection(), job.taskId, target.name());
    }

    @Override
    void end() throws SQLException {
        // every target's units are planned by now: the file was read to its end
        target.gid = PreparedRepairs.gid(job.taskId, job.feed.targetsPlanned(), target.name());
        try (Statement statement = target.session.connection().createStatement()) {
            statement.execute("PREPARE TRANSACTION '" + target.gid + "'");
        }
        target.outcome = Target.Outcome.PREPARED;
    }
}
