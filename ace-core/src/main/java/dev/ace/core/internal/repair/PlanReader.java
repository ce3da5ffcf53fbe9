package dev.ace.core.internal.repair;

import dev.ace.core.diff.DiffFile;
import dev.ace.core.error.AceException;
import dev.ace.core.error.ErrorCode;
import dev.ace.core.error.InternalErrorException;
import dev.ace.core.internal.db.NodeWork;
import dev.ace.core.repair.RepairMode;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the diff file and plans the repair on a thread of its own ({@link RepairPlanner}),
 * feeding each target's changes to the {@link UnitFeed} while the table is checked and the
 * targets are written. Whatever happens, every queue of the feed is closed at the end, with the
 * failure if the file could not be read to its end, so no worker waits for ever and no target
 * commits a plan that was not read whole.
 */
final class PlanReader implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(PlanReader.class);

    private final DiffFile file;
    private final RepairMode mode;
    private final String source;
    private final Map<String, TargetPlan> plans;
    private final UnitFeed feed;
    private final String taskId;

    private PlanReader(DiffFile file, RepairMode mode, String source, Map<String, TargetPlan> plans, UnitFeed feed,
                       String taskId) {
        this.file = file;
        this.mode = mode;
        this.source = source;
        this.plans = plans;
        this.feed = feed;
        this.taskId = taskId;
    }

    /** Starts reading and planning on a daemon thread. */
    static void start(DiffFile file, RepairMode mode, String source, Map<String, TargetPlan> plans, UnitFeed feed,
                      String taskId) {
        NodeWork.threads("repair-plan").newThread(new PlanReader(file, mode, source, plans, feed, taskId)).start();
    }

    @Override
    public void run() {
        long reading = System.nanoTime();
        RuntimeException failure = null;
        try {
            if (mode != RepairMode.BIDIRECTIONAL && mode != RepairMode.FIX_NULLS) {
                RepairPlanner.stream(file, mode, source, plans, feed);
            } else {
                new RepairPlanner(file).plan(mode, source, plans, feed);
            }
        } catch (AceException e) {
            failure = e;
        } catch (RuntimeException e) {
            failure = new InternalErrorException("internal error (a bug; please report it) while planning the repair "
                    + "from the diff file " + file.path() + ": " + e, e);
        } catch (Error e) {
            failure = new AceException(ErrorCode.IO_ERROR, "the diff file " + file.path() + " could not be read: " + e,
                    e);
        }
        feed.finish(failure);
        LOG.debug("repair {}: read and planned the diff file in {} ms", taskId, (System.nanoTime() - reading) / 1_000_000);
    }
}
