package dev.ace.core.task;

import java.util.Locale;

/**
 * Where a task stands. A task starts {@link #QUEUED}, becomes {@link #RUNNING} when a slot is
 * free, and ends in one of the three finished states, which never change again. Immutable and
 * thread-safe.
 */
public enum TaskState {
    /** Submitted, waiting for a free slot. */
    QUEUED,
    /** Running now. */
    RUNNING,
    /** Finished with a result. */
    COMPLETED,
    /** Finished with an error (its code and message say why), or interrupted because ACE stopped. */
    FAILED,
    /** Stopped by a caller's cancel, before or while it ran. */
    CANCELLED;

    /** Whether the state is final: completed, failed or cancelled. */
    public boolean finished() {
        return this == COMPLETED || this == FAILED || this == CANCELLED;
    }

    /** The API's name: {@code queued}, {@code running}, ... */
    public String apiName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The state of that name, case-insensitively; null when it is none. */
    public static TaskState parse(String text) {
        if (text == null) {
            return null;
        }
        for (TaskState state : values()) {
            if (state.name().equalsIgnoreCase(text.trim())) {
                return state;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return apiName();
    }
}
