package dev.ace.core.diff;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Lets a caller stop a running operation: {@link #cancel()} stops work between ranges and cancels
 * the statements running on the nodes. The operation then fails with
 * {@code ErrorCode.CANCELLED} and leaves no result file behind. Thread-safe.
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
