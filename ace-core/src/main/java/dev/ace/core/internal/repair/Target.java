package dev.ace.core.internal.repair;

import dev.ace.core.cluster.NodeDefinition;
import dev.ace.core.error.AceException;
import dev.ace.core.internal.db.NodeSession;
import dev.ace.core.repair.RepairConflict;
import dev.ace.core.repair.RowChange;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A target node of a repair: its plan, its session and transaction, the writer chosen for it,
 * what it did and how it ended. Not thread-safe: the thread that opens the sessions makes it,
 * then its worker owns it, then (after a join) the thread that ends the repair.
 */
final class Target {

    /** Where a target node's transaction stands. */
    enum Outcome { OPEN, COMMITTED, PREPARED, FAILED, ROLLED_BACK, IN_DOUBT, CHECKED, UNCHANGED }

    final NodeDefinition node;
    final TargetPlan plan;
    NodeSession session;
    /** How this target is written, chosen once when its session is opened. */
    TargetWriter writer;
    boolean spock;
    Outcome outcome = Outcome.OPEN;
    AceException error;
    /** The global id of its prepared transaction (atomic). */
    String gid;
    /** The changes applied, the first {@link RepairEngine#LISTED} of them (the counts below are exact). */
    final List<RowChange> done = new ArrayList<>();
    /** The planned changes skipped, each with why. */
    final List<RepairConflict> conflicts = new ArrayList<>();
    long deleted;
    long inserted;
    long updated;
    Instant ended;

    Target(NodeDefinition node, TargetPlan plan) {
        this.node = node;
        this.plan = plan;
    }

    String name() {
        return node.name();
    }

    /** One change applied (or, in a dry run, that would be). */
    void applied(Change change) {
        list(change);
        switch (change.kind) {
            case DELETE -> deleted++;
            case INSERT -> inserted++;
            case UPDATE -> updated++;
            default -> throw new IllegalStateException(change.kind.toString());
        }
    }

    /** Lists an applied change in {@link #done} while it holds fewer than {@link RepairEngine#LISTED}. */
    void list(Change change) {
        if (done.size() < RepairEngine.LISTED) {
            done.add(change.toRowChange());
        }
    }

    /** How many changes were applied (or, in a dry run, would be). */
    long applied() {
        return deleted + inserted + updated;
    }

    /** Counts {@code applied} changes of {@code kind}, already listed ({@link #list}). */
    void count(RowChange.Kind kind, long applied) {
        switch (kind) {
            case DELETE -> deleted += applied;
            case INSERT -> inserted += applied;
            case UPDATE -> updated += applied;
            default -> throw new IllegalStateException(kind.toString());
        }
    }

    void end(Outcome value) {
        outcome = value;
        ended = Instant.now();
    }

    /** Nothing it did stays: its counts and changes are forgotten. */
    void forget() {
        deleted = 0;
        inserted = 0;
        updated = 0;
        done.clear();
        conflicts.clear();
    }

    /** A target the plan does not change: its transaction is rolled back and its session returned. */
    void unchanged() {
        end(Outcome.UNCHANGED);
        closeSession();
    }

    /** Fails: whatever its transaction did is rolled back (or a connection that is gone is evicted). */
    void fail(AceException failure) {
        error = failure;
        forget();
        end(Outcome.FAILED);
        closeSession();
    }

    void closeSession() {
        if (session != null) {
            session.close();
            session = null;
        }
    }
}
