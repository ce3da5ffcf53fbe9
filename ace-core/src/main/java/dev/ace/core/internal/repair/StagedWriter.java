package dev.ace.core.internal.repair;

import dev.ace.core.repair.RowChange;
import java.sql.SQLException;
import java.util.BitSet;
import java.util.List;

/**
 * A live target written through stage tables ({@link StageTables}): each batch is streamed with
 * {@code COPY} into a stage, then applied by one compare-and-set statement joining it to the
 * table; updates known ahead are staged while the diff file is still being read. The fast path of
 * a repair, for every role that may create temporary tables, unless the repair is atomic. Not
 * thread-safe.
 */
final class StagedWriter extends DirectWriter {

    private StageTables stages;

    StagedWriter(RepairJob job, Target target, RepairSessions sessions) {
        super(job, target, sessions);
    }

    @Override
    void prepareWrites() throws SQLException {
        stages = new StageTables(target.session.connection(), job.sql());
    }

    @Override
    void ahead(List<Change> changes) throws SQLException {
        stages.stageAhead(changes);
    }

    @Override
    void endPart(List<Unit> units) throws SQLException {
        super.endPart(units);
        stages.endPart();
    }

    @Override
    BitSet writeBatch(RowChange.Kind kind, String statementSql, List<Change> batch, Rows rows) throws SQLException {
        return stages.write(kind, batch);
    }
}
