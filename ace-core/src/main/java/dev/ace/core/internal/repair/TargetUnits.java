package dev.ace.core.internal.repair;

import dev.ace.core.error.AceException;
import dev.ace.core.error.ErrorCode;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * A target's units, taken from the feed as the planner makes them, one part at a time: iterating
 * ends at the end of a part; {@link #nextPart} says the part was taken whole and goes on to the
 * next, if any (a plan that could not be read to its end throws its failure). Updates announced
 * ahead go to the target's writer on the way. Not thread-safe: the target's worker iterates it.
 */
final class TargetUnits implements Iterator<Unit> {

    private final RepairJob job;
    private final String target;
    /** Told of updates announced ahead; null: they are not staged. */
    private final TargetWriter writer;
    private Unit next;
    /** The end of the current part, once taken. */
    private UnitFeed.PartEnd partEnd;
    private boolean ended;

    TargetUnits(RepairJob job, String target, TargetWriter writer) {
        this.job = job;
        this.target = target;
        this.writer = writer;
    }

    /** Every unit of the current part, of every target, once its end was taken. */
    List<Unit> partUnits() {
        if (partEnd == null) {
            throw new IllegalStateException("the part has not ended");
        }
        return partEnd.units();
    }

    /**
     * The current part was taken whole and written: tells the feed, and goes on to the next part;
     * false when the plan has ended.
     */
    boolean nextPart() {
        if (partEnd == null) {
            throw new IllegalStateException("the part has not ended");
        }
        job.feed.consumed(target, true);
        partEnd = null;
        hasNext();
        return !ended;
    }

    @Override
    public boolean hasNext() {
        while (next == null && !ended && partEnd == null) {
            Object item = take();
            if (item instanceof UnitFeed.Ahead ahead) {
                if (writer != null) {
                    try {
                        writer.ahead(ahead.changes());
                    } catch (java.sql.SQLException e) {
                        throw job.work.translate(e, job.nodes.get(target));
                    }
                }
            } else if (item instanceof UnitFeed.PartEnd end) {
                partEnd = end;
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
