package dev.ace.core.internal.repair;

import dev.ace.core.error.AceException;
import dev.ace.core.error.ErrorCode;
import dev.ace.core.internal.db.NodeSession;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * On a node rows are copied from (or must stay absent on), re-reads now, unit by unit as the
 * planner makes them, the rows the plan relies on; every change whose row there differs from what
 * the diff recorded is marked as a conflict of its unit. All reads of a node run in one snapshot
 * (repeatable read) unless the node is also a target, whose own transaction then reads before
 * anything is written. After a failure every later unit is completed with it. Thread-safe: one
 * worker per node re-read.
 */
final class SourceCheck {

    private final RepairJob job;

    SourceCheck(RepairJob job) {
        this.job = job;
    }

    /** Checks every unit that needs {@code provider}, on its session, until the plan ends; the first failure is thrown. */
    void run(String provider, NodeSession session) {
        Map<String, List<String>> now = new HashMap<>();
        AceException error = null;
        try {
            while (true) {
                Object item = take(provider);
                if (item instanceof UnitFeed.End) {
                    break;
                }
                if (item instanceof UnitFeed.PartEnd) {
                    // the next part's keys are others
                    now.clear();
                    job.feed.consumed(provider, false);
                    continue;
                }
                Unit unit = (Unit) item;
                if (error != null) {
                    unit.checked.completeExceptionally(error);
                    continue;
                }
                try {
                    job.stopIfCancelled();
                    check(provider, session, unit, now);
                    unit.arrive();
                } catch (SQLException | RuntimeException e) {
                    error = job.work.translate(e, job.nodes.get(provider));
                    unit.checked.completeExceptionally(error);
                }
            }
        } finally {
            job.feed.left(provider, false);
        }
        if (error != null) {
            throw error;
        }
    }

    private void check(String provider, NodeSession session, Unit unit, Map<String, List<String>> now)
            throws SQLException {
        // a unit holds one change per key
        List<List<String>> keys = new ArrayList<>(unit.changes.size());
        for (Change change : unit.changes) {
            if (change.providers.containsKey(provider) && !now.containsKey(change.keyId)) {
                keys.add(change.key);
            }
        }
        reRead(session, keys, now);
        for (Change change : unit.changes) {
            if (change.providers.containsKey(provider)) {
                List<String> recorded = change.providers.get(provider);
                List<String> current = now.get(change.keyId);
                if (recorded != null && recorded != current && recorded.equals(current)) {
                    now.put(change.keyId, recorded); // the copy just read is garbage at once
                }
                String reason = Change.reason(provider, recorded, current);
                if (reason != null) {
                    unit.conflicts.putIfAbsent(change, reason);
                }
            }
        }
    }

    /** Reads the current rows of {@code keys} into {@code now}; a key without a row maps to null. */
    private void reRead(NodeSession session, List<List<String>> keys, Map<String, List<String>> now)
            throws SQLException {
        if (keys.isEmpty()) {
            return;
        }
        CopyRow[] rows = job.sql().readCopyRows(session.connection(), keys, RepairEngine.BATCH);
        for (int i = 0; i < rows.length; i++) {
            now.put(RowSql.keyId(keys.get(i)), rows[i]);
        }
    }

    private Object take(String provider) {
        try {
            return job.feed.next(provider, false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AceException(ErrorCode.CANCELLED, "interrupted while " + job.work.what(), e);
        }
    }
}
