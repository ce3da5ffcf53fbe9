package dev.ace.core.internal.repair;

import dev.ace.core.error.AceException;
import dev.ace.core.error.ErrorCode;
import dev.ace.core.repair.RowChange;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The units of one repair, as its planner makes them. Changes are gathered per target into units
 * of up to {@link RepairEngine#BATCH} changes of one kind; each unit goes to its target's queue
 * and to the queue of every node it must be re-checked on. Updates announced ahead go to their
 * target's queue in chunks ({@link Ahead}), before the units that apply them. A plan comes in
 * parts ({@link RepairParts}): {@link #endPart} ends each with a {@link PartEnd} on every queue,
 * and before the planner makes the next part it waits ({@link #awaitConsumed}) until every worker
 * has taken all but {@code ahead} of the parts sent ({@link #consumed}), so the units in memory
 * are those of a part or two, however long the plan. {@link #finish} closes every queue with an
 * {@link End} that carries the planner's failure, if any, so a target never commits a plan that
 * was not read to its end. Thread-safe: one planner thread feeds it while one worker per node
 * takes from it.
 */
final class UnitFeed implements RepairPlanner.Sink {

    /** The last item of every queue. */
    record End(RuntimeException failure) {
    }

    /** The end of a part: its units, of every target (each unit once). */
    record PartEnd(List<Unit> units) {
    }

    /** Updates a target may stage before their turn ({@link RepairPlanner.Sink#ahead}), in their order. */
    record Ahead(List<Change> changes) {
    }

    private final Map<String, BlockingQueue<Object>> targets = new LinkedHashMap<>();
    private final Map<String, BlockingQueue<Object>> providers = new LinkedHashMap<>();
    /** Changes planned so far per target, for progress (read by the target's worker). */
    private final Map<String, AtomicLong> planned = new LinkedHashMap<>();
    /** Planner thread only: the unit being gathered per target, and the updates announced. */
    private final Map<String, List<Change>> gathering = new LinkedHashMap<>();
    private final Map<String, List<Change>> announced = new LinkedHashMap<>();
    /** Planner thread only: the units of the part being planned. */
    private List<Unit> part = new ArrayList<>();
    /** Parts sent; per worker ("t/" or "p/" and its node), the parts it has taken whole. */
    private int sent;
    private final Map<String, Integer> consumed = new java.util.HashMap<>();
    private volatile boolean cancelled;
    private volatile RuntimeException failure;

    UnitFeed(Collection<String> targetNodes, Collection<String> providerNodes) {
        targetNodes.forEach(node -> targets.put(node, new LinkedBlockingQueue<>()));
        targetNodes.forEach(node -> planned.put(node, new AtomicLong()));
        providerNodes.forEach(node -> providers.put(node, new LinkedBlockingQueue<>()));
        targetNodes.forEach(node -> consumed.put(worker(node, true), 0));
        providerNodes.forEach(node -> consumed.put(worker(node, false), 0));
    }

    private static String worker(String node, boolean target) {
        return (target ? "t/" : "p/") + node;
    }

    @Override
    public void change(TargetPlan plan, Change change) {
        stopIfCancelled();
        if (change.kind == RowChange.Kind.UPDATE) {
            announce(plan.node);
        }
        planned.get(plan.node).incrementAndGet();
        List<Change> unit = gathering.get(plan.node);
        if (unit != null && (unit.get(0).kind != change.kind || unit.size() == RepairEngine.BATCH)) {
            send(plan.node);
        }
        gathering.computeIfAbsent(plan.node, node -> new ArrayList<>()).add(change);
    }

    @Override
    public void ahead(TargetPlan plan, Change change) {
        stopIfCancelled();
        List<Change> changes = announced.computeIfAbsent(plan.node, node -> new ArrayList<>());
        changes.add(change);
        if (changes.size() == RepairEngine.BATCH) {
            announce(plan.node);
        }
    }

    /** Sends the updates announced and not yet sent to the target, before anything else comes. */
    private void announce(String target) {
        List<Change> changes = announced.remove(target);
        if (changes != null) {
            targets.get(target).add(new Ahead(changes));
        }
    }

    private void send(String target) {
        List<Change> changes = gathering.remove(target);
        if (changes == null) {
            return;
        }
        Unit unit = new Unit(changes);
        part.add(unit);
        for (String provider : unit.providers) {
            BlockingQueue<Object> queue = providers.get(provider);
            if (queue == null) {
                throw new IllegalStateException("node " + provider + " is not re-read by this repair");
            }
            queue.add(unit);
        }
        targets.get(target).add(unit);
    }

    /** The planner planned a whole part: its last units and a {@link PartEnd} go to every queue. */
    void endPart() {
        List.copyOf(announced.keySet()).forEach(this::announce);
        List.copyOf(gathering.keySet()).forEach(this::send);
        PartEnd end = new PartEnd(List.copyOf(part));
        part = new ArrayList<>();
        targets.values().forEach(queue -> queue.add(end));
        providers.values().forEach(queue -> queue.add(end));
        synchronized (consumed) {
            sent++;
        }
    }

    /**
     * Waits until every worker has taken all but {@code ahead} of the parts sent (or has ended);
     * throws when the repair is abandoned meanwhile.
     */
    void awaitConsumed(int ahead) throws InterruptedException {
        synchronized (consumed) {
            while (consumed.values().stream().mapToInt(Integer::intValue).min().orElse(sent) < sent - ahead) {
                stopIfCancelled();
                consumed.wait(100);
            }
        }
    }

    /** The worker of {@code node} as a target ({@code target}) or as a node re-read took a whole part. */
    void consumed(String node, boolean target) {
        synchronized (consumed) {
            consumed.merge(worker(node, target), 1, Integer::sum);
            consumed.notifyAll();
        }
    }

    /** The worker of {@code node} ended: the planner no longer waits for it. */
    void left(String node, boolean target) {
        synchronized (consumed) {
            consumed.put(worker(node, target), Integer.MAX_VALUE);
            consumed.notifyAll();
        }
    }

    /**
     * The planner ended, having read the whole file ({@code failed} null; every part was ended) or
     * not: every queue is closed.
     */
    void finish(RuntimeException failed) {
        failure = failed;
        End end = new End(failed);
        targets.values().forEach(queue -> queue.add(end));
        providers.values().forEach(queue -> queue.add(end));
    }

    /** Makes the planner stop at its next change: the repair will not run. */
    void cancel() {
        cancelled = true;
    }

    void stopIfCancelled() {
        if (cancelled) {
            throw new AceException(ErrorCode.CANCELLED, "the repair was abandoned before its plan was complete");
        }
    }

    /** The next unit, {@link Ahead}, {@link PartEnd} or end of the queue of {@code node} as a target ({@code target}) or as a node re-read. */
    Object next(String node, boolean target) throws InterruptedException {
        return (target ? targets : providers).get(node).take();
    }

    /** How many changes of {@code target} are planned so far. */
    long planned(String target) {
        return planned.get(target).get();
    }

    /** How many targets have a change planned (once the file is read to its end: the targets that write). */
    long targetsPlanned() {
        return planned.values().stream().filter(count -> count.get() > 0).count();
    }

    /** Why the planner failed, once it has; null while it runs or when it read the whole file. */
    RuntimeException failure() {
        return failure;
    }
}
