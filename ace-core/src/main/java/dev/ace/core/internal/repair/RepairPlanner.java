package dev.ace.core.internal.repair;

import dev.ace.core.diff.DiffFile;
import dev.ace.core.diff.DiffSummary;
import dev.ace.core.internal.diff.BoundDiff;
import dev.ace.core.repair.RepairConflict;
import dev.ace.core.repair.RepairMode;
import dev.ace.core.repair.RowChange;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Turns a diff file into a plan per target node. {@code diffs["a/b"]["a"]} holds a's version of
 * every row that differs between a and b; a key in one side's list only is a row the other side
 * lacks. The modes that copy from a source of truth (standard, upsert_only, insert_only) are
 * planned while the file is read ({@link #stream}): a target's deletes are known as soon as its
 * list is read after the source's, so they can be checked and written while the rest of the file
 * is still being read. bidirectional and fix_nulls compare every node's rows and are planned once
 * the whole file is read ({@link #RepairPlanner} and {@link #plan}). Either way the file is held
 * in memory: a repair gives it a file of at most a part's differences ({@link RepairParts}). Not
 * thread-safe; used by one repair.
 */
final class RepairPlanner {

    /** Receives a plan as it is made. */
    interface Sink {
        /**
         * The next change of {@code plan}'s target. Per target the changes come in the order they
         * must run: every delete, then every insert, then every update.
         */
        void change(TargetPlan plan, Change change);

        /**
         * An update of {@code plan}'s target known before its turn: it comes again, in this order
         * among the updates, through {@link #change} after every delete and insert, and may be
         * prepared (staged) meanwhile.
         */
        void ahead(TargetPlan plan, Change change);
    }

    private final DiffSummary summary;
    private final List<String> nodes;
    private final int[] keyPositions;
    /** pair -> node -> keyId -> row, each list in the file's (key) order. */
    private final Map<String, Map<String, LinkedHashMap<String, List<String>>>> rows = new HashMap<>();

    RepairPlanner(DiffFile file) {
        this.summary = file.summary();
        this.nodes = summary.nodes();
        this.keyPositions = summary.keyPositions();
        CopyRowReader reader = new CopyRowReader(summary.columns().size(), keyPositions);
        file.forEachRow(reader, (pair, node, row) -> {
            List<String> key = reader.key();
            if (rows.computeIfAbsent(pair, p -> new HashMap<>()).computeIfAbsent(node, n -> new LinkedHashMap<>())
                    .put(RowSql.keyId(key), row) != null) {
                throw BoundDiff.keyListedTwice(file, pair, node, key);
            }
        });
    }

    /**
     * Plans bidirectional or fix_nulls: fills the plan of every target in {@code plans} (every
     * node), passing its changes to {@code sink}.
     */
    void plan(RepairMode mode, String source, Map<String, TargetPlan> plans, Sink sink) {
        if (mode != RepairMode.BIDIRECTIONAL && mode != RepairMode.FIX_NULLS) {
            throw new IllegalArgumentException(mode + " is planned while the file is read: use stream");
        }
        for (TargetPlan plan : plans.values()) {
            TargetPlan made = mode == RepairMode.BIDIRECTIONAL ? bidirectional(plan.node, source)
                    : fixNulls(plan.node, source);
            made.kept.forEach(plan::keep);
            plan.keptCount += made.keptCount - made.kept.size();
            plan.plannedConflicts.addAll(made.plannedConflicts);
            made.changes.forEach(change -> sink.change(plan, change));
        }
    }

    private String pair(String a, String b) {
        return nodes.indexOf(a) < nodes.indexOf(b) ? a + "/" + b : b + "/" + a;
    }

    private LinkedHashMap<String, List<String>> rowsOf(String pair, String node) {
        return rows.getOrDefault(pair, Map.of()).getOrDefault(node, new LinkedHashMap<>());
    }

    private List<String> key(List<String> row) {
        return RowSql.key(keyPositions, row);
    }

    private static Map<String, List<String>> provider(String node, List<String> row) {
        return java.util.Collections.singletonMap(node, row);
    }

    /** bidirectional: the target gets every row it lacks that the nodes holding it agree on. */
    private TargetPlan bidirectional(String target, String source) {
        TargetPlan plan = new TargetPlan(target);
        Map<String, LinkedHashMap<String, List<String>>> holders = new LinkedHashMap<>();
        Set<String> kept = new LinkedHashSet<>();
        for (String other : nodes) {
            if (other.equals(target)) {
                continue;
            }
            String pair = pair(other, target);
            LinkedHashMap<String, List<String>> targetRows = rowsOf(pair, target);
            for (Map.Entry<String, List<String>> entry : rowsOf(pair, other).entrySet()) {
                if (targetRows.containsKey(entry.getKey())) {
                    if (kept.add(entry.getKey())) {
                        plan.keep(key(entry.getValue()));
                    }
                } else {
                    holders.computeIfAbsent(entry.getKey(), k -> new LinkedHashMap<>()).put(other, entry.getValue());
                }
            }
        }
        for (LinkedHashMap<String, List<String>> held : holders.values()) {
            List<String> first = held.values().iterator().next();
            boolean agree = held.values().stream().allMatch(first::equals);
            if (agree) {
                plan.changes.add(new Change(RowChange.Kind.INSERT, key(first), null, first, held));
            } else if (source != null && held.containsKey(source)) {
                plan.changes.add(new Change(RowChange.Kind.INSERT, key(first), null, held.get(source),
                        provider(source, held.get(source))));
            } else {
                plan.plannedConflicts.add(new RepairConflict(key(first), andList(held.keySet())
                        + " hold different rows with this key; bidirectional inserts a row only where every node that "
                        + "has it agrees (or give source_of_truth)"));
            }
        }
        return plan;
    }

    /**
     * fix_nulls: in a row every node of the diff file has, a NULL column of the target takes the
     * value the other nodes agree on. Another node has a row of the target when the pair of the two
     * lists it on both sides, or does not list it at all (they hold it alike); when the pair lists
     * it on the target's side only, the other node lacks it. A truncated file may have left the row
     * out of a pair, so there a pair that does not list it does not tell. A row some node lacks, or
     * may lack, is left alone, and reported as a conflict when a NULL of it would have been filled.
     */
    private TargetPlan fixNulls(String target, String source) {
        TargetPlan plan = new TargetPlan(target);
        Map<String, List<String>> targetRows = new LinkedHashMap<>();
        Map<String, LinkedHashMap<String, List<String>>> others = new LinkedHashMap<>();
        Map<String, Set<String>> listedBy = new HashMap<>();
        Map<String, List<String>> lacking = new HashMap<>();
        for (String other : nodes) {
            if (other.equals(target)) {
                continue;
            }
            String pair = pair(other, target);
            LinkedHashMap<String, List<String>> otherRows = rowsOf(pair, other);
            for (Map.Entry<String, List<String>> entry : rowsOf(pair, target).entrySet()) {
                targetRows.putIfAbsent(entry.getKey(), entry.getValue());
                listedBy.computeIfAbsent(entry.getKey(), k -> new HashSet<>()).add(other);
                List<String> otherRow = otherRows.get(entry.getKey());
                if (otherRow != null) {
                    others.computeIfAbsent(entry.getKey(), k -> new LinkedHashMap<>()).put(other, otherRow);
                } else {
                    lacking.computeIfAbsent(entry.getKey(), k -> new ArrayList<>()).add(other);
                }
            }
        }
        List<dev.ace.core.catalog.Column> columns = summary.columns();
        for (Map.Entry<String, List<String>> entry : targetRows.entrySet()) {
            List<String> current = entry.getValue();
            List<String> filled = new ArrayList<>(current);
            Map<String, List<String>> providers = new LinkedHashMap<>();
            Map<String, List<String>> held = others.getOrDefault(entry.getKey(), new LinkedHashMap<>());
            List<RepairConflict> disagreements = new ArrayList<>();
            for (int c = 0; c < columns.size(); c++) {
                if (current.get(c) != null) {
                    continue;
                }
                Map<String, String> values = new LinkedHashMap<>();
                for (Map.Entry<String, List<String>> other : held.entrySet()) {
                    if (other.getValue().get(c) != null) {
                        values.put(other.getKey(), other.getValue().get(c));
                    }
                }
                Set<String> distinct = new LinkedHashSet<>(values.values());
                if (distinct.size() == 1) {
                    filled.set(c, distinct.iterator().next());
                    values.keySet().forEach(node -> providers.put(node, held.get(node)));
                } else if (distinct.size() > 1 && source != null && values.containsKey(source)) {
                    filled.set(c, values.get(source));
                    providers.put(source, held.get(source));
                } else if (distinct.size() > 1) {
                    disagreements.add(new RepairConflict(key(current), "column " + columns.get(c).name()
                            + " is NULL on " + target + " but differs between " + andList(values.keySet())
                            + "; fix_nulls left it NULL (or give source_of_truth)"));
                }
            }
            if (Objects.equals(filled, current) && disagreements.isEmpty()) {
                continue;
            }
            String notEveryNode = notEveryNode(target, lacking.get(entry.getKey()), listedBy.get(entry.getKey()));
            if (notEveryNode != null) {
                plan.plannedConflicts.add(new RepairConflict(key(current), notEveryNode
                        + "; fix_nulls fills NULLs only in rows every node of the diff file has"));
            } else {
                plan.plannedConflicts.addAll(disagreements);
                if (!Objects.equals(filled, current)) {
                    plan.changes.add(new Change(RowChange.Kind.UPDATE, key(current), current, filled, providers));
                }
            }
        }
        return plan;
    }

    /**
     * Why the diff file does not show that every node has a row of {@code target}: the nodes it
     * says lack it, or, in a truncated file, the nodes whose pair with the target does not list it;
     * null when every node has it.
     */
    private String notEveryNode(String target, List<String> lacking, Set<String> listedBy) {
        if (lacking != null) {
            return andList(lacking) + (lacking.size() == 1 ? " lacks" : " lack") + " this row";
        }
        if (!summary.truncated()) {
            return null;
        }
        List<String> unknown = nodes.stream().filter(node -> !node.equals(target) && !listedBy.contains(node)).toList();
        return unknown.isEmpty() ? null : "the diff file is truncated, so it does not say whether " + andList(unknown)
                + (unknown.size() == 1 ? " has" : " have") + " this row";
    }

    /**
     * Plans standard, upsert_only or insert_only from {@code source} while reading {@code file}:
     * {@code plans} holds an empty plan per target (every node but the source), which this fills
     * and passes change by change to {@code sink}. When the source's list of a pair comes before
     * the target's (as table-diff writes them when the source is the pair's first node), each of
     * the target's rows is classified as it is read, and deletes go to the sink at once; inserts
     * and updates follow at the end, after every delete; each update is also announced
     * ({@link Sink#ahead}) as soon as it is known.
     */
    static void stream(DiffFile file, RepairMode mode, String source, Map<String, TargetPlan> plans, Sink sink) {
        int[] keyPositions = file.summary().keyPositions();
        Map<String, Streamed> states = new LinkedHashMap<>();
        plans.forEach((target, plan) -> states.put(target, new Streamed(plan,
                file.summary().diffCount().getOrDefault(file.summary().nodes().indexOf(target)
                        < file.summary().nodes().indexOf(source) ? target + "/" + source : source + "/" + target, 0L))));
        String[] last = new String[3]; // pair and node of the row before, that pair's target
        // the keys of the list being read when it is of a pair without the source, which the plan skips
        Set<String> skipped = new HashSet<>();
        CopyRowReader reader = new CopyRowReader(file.summary().columns().size(), keyPositions);
        file.forEachRow(reader, (pair, node, row) -> {
            boolean nextList = last[0] == null || !last[0].equals(pair) || !last[1].equals(node);
            if (last[0] != null && nextList && last[1].equals(source)) {
                // the source's list of the previous pair is complete
                states.get(other(last[0], source)).sourceDone = true;
            }
            if (nextList) {
                skipped.clear();
            }
            if (!pair.equals(last[0])) {
                last[2] = other(pair, source);
            }
            last[0] = pair;
            last[1] = node;
            String target = last[2];
            Streamed state = target == null ? null : states.get(target);
            List<String> key = reader.key();
            String keyId = RowSql.keyId(key);
            // a key listed twice for a node is refused: a node holds one row per key
            if (state == null) {
                if (!skipped.add(keyId)) {
                    throw BoundDiff.keyListedTwice(file, pair, node, key);
                }
                return;
            }
            if (node.equals(source)) {
                if (state.sourceRows.put(keyId, row) != null) {
                    throw BoundDiff.keyListedTwice(file, pair, node, key);
                }
            } else if (state.sourceDone) {
                // the key stays, marked as the target's, so that the target's list cannot give it again
                List<String> sourceRow = state.sourceRows.put(keyId, TARGET_LISTED);
                if (sourceRow == TARGET_LISTED) {
                    throw BoundDiff.keyListedTwice(file, pair, node, key);
                } else if (sourceRow != null) {
                    state.both(mode, source, key, row, sourceRow, sink);
                } else {
                    state.targetOnly(mode, source, key, row, sink);
                }
            } else if (state.targetRows.put(keyId, row) != null) {
                throw BoundDiff.keyListedTwice(file, pair, node, key);
            }
        });
        for (Streamed state : states.values()) {
            for (Map.Entry<String, List<String>> entry : state.targetRows.entrySet()) {
                List<String> sourceRow = state.sourceRows.remove(entry.getKey());
                List<String> key = RowSql.key(keyPositions, entry.getValue());
                if (sourceRow != null) {
                    state.both(mode, source, key, entry.getValue(), sourceRow, sink);
                } else {
                    state.targetOnly(mode, source, key, entry.getValue(), sink);
                }
            }
            for (List<String> row : state.sourceRows.values()) {
                if (row != TARGET_LISTED) {
                    sink.change(state.plan, new Change(RowChange.Kind.INSERT, RowSql.key(keyPositions, row), null, row,
                            provider(source, row)));
                }
            }
            state.updates.forEach(change -> sink.change(state.plan, change));
        }
    }

    /**
     * Marks a key in {@link Streamed#sourceRows} that the target's list gave after the source's
     * list was complete (whether the source had the key or not), so that the target's list cannot
     * give it a second time unnoticed.
     */
    private static final List<String> TARGET_LISTED = java.util.Collections.unmodifiableList(new ArrayList<>());

    /** The node of {@code pair} ("a/b") that is not {@code node}, or null when {@code node} is not in it. */
    private static String other(String pair, String node) {
        int slash = pair.indexOf('/');
        String a = pair.substring(0, slash);
        String b = pair.substring(slash + 1);
        return a.equals(node) ? b : b.equals(node) ? a : null;
    }

    /** One target's part of a streamed plan. */
    private static final class Streamed {
        final TargetPlan plan;
        /**
         * The source's rows of the pair not yet matched with the target's, by key id, in key order;
         * {@link #TARGET_LISTED} for a key the target's list gave once the source's was complete.
         */
        final LinkedHashMap<String, List<String>> sourceRows;
        /** The target's rows read before the source's list was complete, in key order. */
        final LinkedHashMap<String, List<String>> targetRows = new LinkedHashMap<>();
        final List<Change> updates = new ArrayList<>();
        boolean sourceDone;

        /** {@code differing}: the rows the diff found differing in the pair, an upper bound of either list. */
        Streamed(TargetPlan plan, long differing) {
            this.plan = plan;
            this.sourceRows = new LinkedHashMap<>((int) Math.min(1 << 20, differing * 4 / 3 + 1));
        }

        /** A row only the target holds: standard deletes it, the other modes keep it. */
        void targetOnly(RepairMode mode, String source, List<String> key, List<String> row, Sink sink) {
            if (mode == RepairMode.STANDARD) {
                sink.change(plan, new Change(RowChange.Kind.DELETE, key, row, null, provider(source, null)));
            } else {
                plan.keep(key);
            }
        }

        /** A row both hold, differently: updated at the end (announced now), except by insert_only. */
        void both(RepairMode mode, String source, List<String> key, List<String> row, List<String> sourceRow,
                  Sink sink) {
            if (mode == RepairMode.INSERT_ONLY) {
                plan.keep(key);
            } else {
                Change update = new Change(RowChange.Kind.UPDATE, key, row, sourceRow, provider(source, sourceRow));
                updates.add(update);
                sink.ahead(plan, update);
            }
        }
    }

    /** {@code n1}, {@code n1 and n2}, {@code n1, n2 and n3}. */
    static String andList(java.util.Collection<String> names) {
        List<String> list = new ArrayList<>(names);
        if (list.size() == 1) {
            return list.get(0);
        }
        return String.join(", ", list.subList(0, list.size() - 1)) + " and " + list.get(list.size() - 1);
    }
}
