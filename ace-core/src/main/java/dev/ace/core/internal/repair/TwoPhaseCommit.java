package dev.ace.core.internal.repair;

import dev.ace.core.error.AceException;
import dev.ace.core.error.ErrorCode;
import dev.ace.core.internal.db.NodeSession;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;

/**
 * The second phase of an atomic repair: once every target's worker has ended, commits the
 * transaction prepared on every target if none failed and the repair was not cancelled, else
 * rolls every prepared one back. A target whose {@code COMMIT PREPARED} or
 * {@code ROLLBACK PREPARED} fails twice (on its own session, then on a new one) is in doubt, and
 * its error says what to run on it. Not thread-safe: the thread that ends the repair uses it.
 */
final class TwoPhaseCommit {

    private final RepairJob job;

    TwoPhaseCommit(RepairJob job) {
        this.job = job;
    }

    /** Ends every prepared transaction among {@code targets}: all commit, or (after a failure or a cancel) none. */
    void finish(Collection<Target> targets, boolean cancelled) {
        Target failed = targets.stream().filter(target -> target.outcome == Target.Outcome.FAILED).findFirst()
                .orElse(null);
        boolean commit = failed == null && !cancelled;
        for (Target target : targets) {
            if (target.outcome != Target.Outcome.PREPARED) {
                continue;
            }
            String command = (commit ? "COMMIT" : "ROLLBACK") + " PREPARED '" + target.gid + "'";
            AceException error = run(target, command);
            if (error == null && commit) {
                target.outcome = Target.Outcome.COMMITTED;
            } else if (error == null) {
                target.outcome = Target.Outcome.ROLLED_BACK;
                target.error = failed != null ? new AceException(ErrorCode.DATABASE_ERROR, "rolled back because node "
                        + failed.name() + " failed: " + failed.error.getMessage())
                        : new AceException(ErrorCode.CANCELLED, "rolled back because the repair was cancelled");
            } else {
                target.outcome = Target.Outcome.IN_DOUBT;
                target.error = new AceException(error.code(), "the repair's transaction is prepared on node "
                        + target.node.describe() + " as '" + target.gid + "' but " + command + " failed: "
                        + error.getMessage() + "; run " + command + " on that node", error);
            }
            if (target.outcome != Target.Outcome.COMMITTED) {
                target.forget();
            }
            target.ended = java.time.Instant.now();
        }
    }

    /** Commits or rolls back a prepared transaction, on its own session or, if that is gone, on a new one. */
    private AceException run(Target target, String command) {
        AceException error = null;
        for (int attempt = 0; attempt < 2; attempt++) {
            NodeSession session = attempt == 0 ? target.session : null;
            try {
                if (session == null) {
                    session = job.work.open(target.node);
                }
                Connection connection = session.connection();
                connection.setAutoCommit(true);
                try (Statement statement = connection.createStatement()) {
                    statement.execute(command);
                }
                return null;
            } catch (SQLException e) {
                error = job.work.translate(e, target.node);
            } catch (AceException e) {
                error = e;
            } finally {
                if (session != null) {
                    session.close();
                }
                if (attempt == 0) {
                    target.session = null;
                }
            }
        }
        return error;
    }
}
