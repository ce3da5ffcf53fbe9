package dev.ace.core.internal.repair;

import dev.ace.core.repair.RepairConflict;
import java.util.ArrayList;
import java.util.List;

/**
 * What a repair plans for one target node: the changes in the order they run (deletes, inserts,
 * updates), the conflicts known from the diff file alone, and the differing rows the mode keeps.
 * Not thread-safe.
 */
final class TargetPlan {

    final String node;
    final List<Change> changes = new ArrayList<>();
    final List<RepairConflict> plannedConflicts = new ArrayList<>();
    final List<List<String>> kept = new ArrayList<>();

    TargetPlan(String node) {
        this.node = node;
    }
}
