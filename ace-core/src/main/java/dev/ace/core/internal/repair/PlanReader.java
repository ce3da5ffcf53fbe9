package dev.ace.core.internal.repair;

import dev.ace.core.diff.DiffFile;
import dev.ace.core.error.AceException;
import dev.ace.core.error.ErrorCode;
import dev.ace.core.error.InternalErrorException;
import dev.ace.core.error.InvalidRequestException;
import dev.ace.core.internal.db.NodeWork;
import dev.ace.core.repair.RepairMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the diff file and plans the repair on a thread of its own ({@link RepairPlanner}),
 * feeding each target's changes to the {@link UnitFeed} while the table is checked and the
 * targets are written. A file of more than {@code partRows} differences is first cut into parts
 * by key ({@link RepairParts}), planned one after another: the next part is planned only once the
 * workers have taken all but {@code ahead} parts (one while a part is written, none where a node
 * is both re-read and repaired, whose re-reads and writes share one session). Whatever happens,
 * every queue of the feed is closed at the end, with the failure if the file could not be read to
 * its end, so no worker waits for ever and no target commits a plan that was not read whole.
 */
final class PlanReader implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(PlanReader.class);

    private final DiffFile file;
    private final RepairMode mode;
    private final String source;
    private final Map<String, TargetPlan> plans;
    private final UnitFeed feed;
    private final String taskId;
    private final long partRows;
    private final int ahead;
    private final Path outputDirectory;

    private PlanReader(DiffFile file, RepairMode mode, String source, Map<String, TargetPlan> plans, UnitFeed feed,
                       String taskId, long partRows, int ahead, Path outputDirectory) {
        this.file = file;
        this.mode = mode;
        this.source = source;
        this.plans = plans;
        this.feed = feed;
        this.taskId = taskId;
        this.partRows = partRows;
        this.ahead = ahead;
        this.outputDirectory = outputDirectory;
    }

    /**
     * Starts reading and planning on a daemon thread, in parts of at most {@code partRows}
     * differences (their temporary files under {@code outputDirectory}), at most {@code ahead}
     * parts ahead of the workers; the thread.
     */
    static Thread start(DiffFile file, RepairMode mode, String source, Map<String, TargetPlan> plans, UnitFeed feed,
                        String taskId, long partRows, int ahead, Path outputDirectory) {
        Thread thread = NodeWork.threads("repair-plan").newThread(new PlanReader(file, mode, source, plans, feed,
                taskId, partRows, ahead, outputDirectory));
        thread.start();
        return thread;
    }

    @Override
    public void run() {
        long reading = System.nanoTime();
        RuntimeException failure = null;
        try (RepairParts parts = RepairParts.of(file, partRows, outputDirectory, taskId, feed::stopIfCancelled)) {
            if (parts.parts().size() > 1) {
                LOG.debug("repair {}: cut the diff file into {} parts in {} ms", taskId, parts.parts().size(),
                        (System.nanoTime() - reading) / 1_000_000);
            }
            boolean first = true;
            for (DiffFile part : parts.parts()) {
                if (!first) {
                    feed.awaitConsumed(ahead);
                }
                first = false;
                try {
                    if (mode != RepairMode.BIDIRECTIONAL && mode != RepairMode.FIX_NULLS) {
                        RepairPlanner.stream(part, mode, source, plans, feed);
                    } else {
                        new RepairPlanner(part).plan(mode, source, plans, feed);
                    }
                } catch (InvalidRequestException e) {
                    // a damaged file is named as the user gave it, not by its part
                    throw part == file ? e : new InvalidRequestException(e.getMessage()
                            .replace(part.path().toString(), file.path().toString()));
                }
                feed.endPart();
                if (part != file) {
                    Files.deleteIfExists(part.path());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = new AceException(ErrorCode.CANCELLED, "the repair was abandoned before its plan was complete", e);
        } catch (java.io.IOException e) {
            failure = new AceException(ErrorCode.IO_ERROR, "could not delete a part of the diff file " + file.path()
                    + ": " + e.getMessage(), e);
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
