package dev.ace.core.task;

import dev.ace.core.diff.DiffResult;
import dev.ace.core.repair.RepairResult;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
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

    /**
     * The result of a table-diff or table-rerun.
     *
     * @param result what the diff or rerun found, and its diff file
     * @param reports the files the task's {@link DiffFollowUp} wrote, by what they are ({@code "html"}, {@code "csv"});
     *        empty when it had none
     */
    record Diff(DiffResult result, Map<String, Path> reports) implements TaskResult {
        public Diff {
            Objects.requireNonNull(result, "result");
            reports = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(reports, "reports")));
        }

        /** A result with no reports. */
        public Diff(DiffResult result) {
            this(result, Map.of());
        }
    }

    /** The result of a table-repair. */
    record Repair(RepairResult result) implements TaskResult {
        public Repair {
            Objects.requireNonNull(result, "result");
        }
    }
}
