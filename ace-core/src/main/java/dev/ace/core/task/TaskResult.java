package dev.ace.core.task;

import dev.ace.core.diff.DiffResult;
import dev.ace.core.repair.RepairResult;
import java.util.Objects;

/**
 * What a finished task's operation returned: a {@link Diff} for a diff or a rerun (the new diff
 * file), a {@link Repair} for a repair. Immutable and thread-safe.
 *
 * <p>A repair's result as a task keeps every count, conflict and kept difference, but not the
 * row-by-row changes ({@link dev.ace.core.repair.NodeRepairResult#changes()} is empty): those go
 * to the repair report ({@code generate_report}).
 */
public sealed interface TaskResult permits TaskResult.Diff, TaskResult.Repair {

    /** The result of a table-diff or table-rerun. */
    record Diff(DiffResult result) implements TaskResult {
        public Diff {
            Objects.requireNonNull(result, "result");
        }
    }

    /** The result of a table-repair. */
    record Repair(RepairResult result) implements TaskResult {
        public Repair {
            Objects.requireNonNull(result, "result");
        }
    }
}
