package dev.ace.core.internal.repair;

import dev.ace.core.error.InvalidRequestException;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A target of an atomic repair: written like a {@link DirectWriter} (bound arrays: a transaction
 * that touched a temporary table cannot be prepared), but its transaction ends prepared
 * ({@code PREPARE TRANSACTION}); {@link TwoPhaseCommit} then commits every target or none. Not
 * thread-safe.
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
    }

    @Override
    void end() throws SQLException {
        target.gid = "ace_repair_" + job.taskId.replaceAll("[^A-Za-z0-9_]", "_") + "_"
                + target.name().replaceAll("[^A-Za-z0-9_]", "_");
        try (Statement statement = target.session.connection().createStatement()) {
            statement.execute("PREPARE TRANSACTION '" + target.gid + "'");
        }
        target.outcome = Target.Outcome.PREPARED;
    }
}
