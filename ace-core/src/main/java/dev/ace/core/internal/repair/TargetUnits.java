package dev.ace.core.internal.repair;

import dev.ace.core.error.AceException;
import dev.ace.core.error.ErrorCode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * A target's units, taken from the feed as the planner makes them; ends where the plan ends (a
 * plan that could not be read to its end throws its failure). Updates announced ahead go to the
 * target's writer on the way. Not thread-safe: the target's worker iterates it.
 */
final class TargetUnits implements Iterator<Unit> {

    private final RepairJob job;
    private final String target;
    /** Told of updates announced ahead; null: they are not staged. */
    private final TargetWriter writer;
    private Unit next;
    private boolean ended;

    TargetUnits(RepairJob job, String target, TargetWriter writer) {
        this.job = job;
        this.target = target;
        this.writer = writer;
    }

    /**
     * All of a target's units, once every unit of the repair is planned and checked on every node:
     * where a node is both re-read and repaired, every re-read ends before anything is written.
     */
    static List<Unit> allChecked(RepairJob job, String target) {
        List<Unit> units = new ArrayList<>();
        new TargetUnits(job, target, null).forEachRemaining(units::add);
        for (Unit unit : job.feed.all()) {
            unit.awaitChecked();
        }
        return units;
    }

    @Override
    public boolean hasNext() {
        while (next == null && !ended) {
            Object item = take();
            if (item instanceof UnitFeed.Ahead ahead) {
                if (writer != null) {
                    try {
                        writer.ahead(ahead.changes());
                    } catch (java.sql.SQLException e) {
                        throw job.work.translate(e, job.nodes.get(target));
                    }
                }
            } else if (item instanceof UnitFeed.End end) {
                ended = true;
                if (end.failure() != null) {
                    throw job.work.translate(end.failure(), null);
                }
            } else {
                next = (Unit) item;
            }
        }
        return next != null;
    }

    @Override
    public Unit next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        Unit unit = next;
        next = null;
        return unit;
    }

    private Object take() {
        try {
            return job.feed.next(target, true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AceException(ErrorCode.CANCELLED, "interrupted while " + job.work.what(), e);
        }
    }
}
