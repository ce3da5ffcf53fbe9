package dev.ace.core.task;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How far a running task has come, as last reported by its operation: {@link Ranges} for a diff
 * or a rerun, {@link Rows} for a repair. Immutable and thread-safe.
 */
public sealed interface TaskProgress permits TaskProgress.Ranges, TaskProgress.Rows {

    /**
     * A diff or rerun: {@code done} of {@code total} key ranges (a rerun: key batches) compared on
     * every node.
     */
    record Ranges(int done, int total) implements TaskProgress {
    }

    /** A repair: per target node, rows planned to change so far and rows applied of them. */
    record Rows(Map<String, NodeRows> nodes) implements TaskProgress {

        public Rows {
            nodes = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(nodes, "nodes")));
        }
    }

    /** One node of a repair: rows planned so far (grows while the diff file is read) and applied of them. */
    record NodeRows(long planned, long applied) {
    }
}
