package dev.ace.core.internal.repair;

import dev.ace.core.repair.RowChange;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Up to {@link RepairEngine#BATCH} changes of one kind for one target: re-checked on every node
 * it copies from, then written in one statement. {@link #checked} completes when every such node
 * has checked it (exceptionally when one could not). Thread-safe: checked by one worker per node,
 * then written by its target's worker.
 */
final class Unit {

    final RowChange.Kind kind;
    final List<Change> changes;
    final Set<String> providers = new LinkedHashSet<>();
    final Map<Change, String> conflicts = new ConcurrentHashMap<>();
    final CompletableFuture<Void> checked = new CompletableFuture<>();
    private final AtomicInteger waiting;

    Unit(List<Change> changes) {
        this.kind = changes.get(0).kind;
        this.changes = changes;
        changes.forEach(change -> providers.addAll(change.providers.keySet()));
        this.waiting = new AtomicInteger(providers.size());
        if (providers.isEmpty()) {
            checked.complete(null);
        }
    }

    /**
     * Waits until every node has checked this unit, then marks each change found changed there
     * as a conflict; the first failure to check it is thrown.
     */
    void awaitChecked() {
        try {
            checked.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
        conflicts.forEach((change, reason) -> {
            if (change.conflict == null) {
                change.conflict = reason;
            }
        });
    }

    /** One node finished checking this unit. */
    void arrive() {
        if (waiting.decrementAndGet() == 0) {
            checked.complete(null);
        }
    }
}
