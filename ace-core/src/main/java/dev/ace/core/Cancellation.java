package dev.ace.core;

import dev.ace.core.error.ErrorCode;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Lets a caller stop a running operation (a diff, a rerun, a repair): {@link #cancel()} stops work
 * between ranges or batches and cancels the statements running on the nodes. The operation then
 * fails with {@code ErrorCode.CANCELLED} and leaves no result file behind; a repair rolls back
 * every node it had not committed. Thread-safe.
 */
public final class Cancellation {

    private volatile boolean cancelled;
    private final Set<Runnable> onCancel = ConcurrentHashMap.newKeySet();

    public void cancel() {
        cancelled = true;
        onCancel.forEach(Runnable::run);
    }

    public boolean isCancelled() {
        return cancelled;
    }

    /** Internal: registers what to do on cancel (cancel a running statement); returns how to unregister. */
    public Runnable register(Runnable action) {
        onCancel.add(action);
        if (cancelled) {
            action.run();
        }
        return () -> onCancel.remove(action);
    }
}
