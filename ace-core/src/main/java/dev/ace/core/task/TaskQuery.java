package dev.ace.core.task;

import dev.ace.core.CallerRole;
import dev.ace.core.error.InvalidRequestException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Which tasks to list: one role's, optionally only some states and types, one page of them,
 * newest first. Immutable and thread-safe; building checks every value and lists all problems.
 *
 * <pre>{@code
 * TaskPage running = ace.tasks().list(TaskQuery.builder(role).states(TaskState.RUNNING).limit(20).build());
 * }</pre>
 *
 * @param role whose tasks; a role sees only its own
 * @param states the states to list; empty means every state
 * @param types the types to list; empty means every type
 * @param offset how many of the newest matching tasks to skip, 0 or more
 * @param limit the most tasks to return, 1 to {@value #MAX_LIMIT}
 */
public record TaskQuery(CallerRole role, Set<TaskState> states, Set<TaskType> types, int offset, int limit) {

    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 1000;

    public TaskQuery {
        Objects.requireNonNull(role, "role");
        states = Set.copyOf(states);
        types = Set.copyOf(types);
        List<String> problems = new ArrayList<>();
        if (offset < 0) {
            problems.add("offset must be 0 or more, was " + offset);
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            problems.add("limit must be between 1 and " + MAX_LIMIT + ", was " + limit);
        }
        if (!problems.isEmpty()) {
            throw new InvalidRequestException("the task list request", problems);
        }
    }

    /** The newest {@value #DEFAULT_LIMIT} tasks of {@code role}, of every state and type, until narrowed. */
    public static Builder builder(CallerRole role) {
        return new Builder(role);
    }

    /** Options of a task listing; not thread-safe. */
    public static final class Builder {
        private final CallerRole role;
        private final Set<TaskState> states = EnumSet.noneOf(TaskState.class);
        private final Set<TaskType> types = EnumSet.noneOf(TaskType.class);
        private int offset;
        private int limit = DEFAULT_LIMIT;

        private Builder(CallerRole role) {
            this.role = Objects.requireNonNull(role, "role");
        }

        /** Only tasks in these states (adds to earlier calls). */
        public Builder states(TaskState... values) {
            states.addAll(List.of(values));
            return this;
        }

        /** Only tasks of these types (adds to earlier calls). */
        public Builder types(TaskType... values) {
            types.addAll(List.of(values));
            return this;
        }

        public Builder offset(int value) {
            this.offset = value;
            return this;
        }

        public Builder limit(int value) {
            this.limit = value;
            return this;
        }

        public TaskQuery build() {
            return new TaskQuery(role, states, types, offset, limit);
        }
    }
}
