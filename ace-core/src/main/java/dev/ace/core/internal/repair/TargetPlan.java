package dev.ace.core.internal.repair;

import dev.ace.core.repair.RepairConflict;
import java.util.ArrayList;
import java.util.List;

/**
 * What a repair plans for one target node: the conflicts known from the diff file alone, and the
 * differing rows the mode keeps (listed up to {@link RepairEngine#LISTED}, counted exactly). The
 * changes themselves go to the {@link UnitFeed} as they are planned; {@link #changes} holds them
 * only in the plans {@link RepairPlanner} makes of a whole part before feeding them. Not
 * thread-safe: the planner thread fills it, the thread that ends the repair reads it after a join.
 */
final class TargetPlan {

    final String node;
    final List<Change> changes = new ArrayList<>();
    final List<RepairConflict> plannedConflicts = new ArrayList<>();
    final List<List<String>> kept = new ArrayList<>();
    /** How many differing rows the mode keeps; {@link #kept} lists the first {@link RepairEngine#LISTED}. */
    long keptCount;

    TargetPlan(String node) {
        this.node = node;
    }

    /** A differing row (its key) the mode leaves as it is. */
    void keep(List<String> key) {
        keptCount++;
        if (kept.size() < RepairEngine.LISTED) {
            kept.add(key);
        }
    }
}
