package dev.ace.core.internal.repair;

import dev.ace.core.diff.DiffFile;
import dev.ace.core.diff.DiffSummary;
import dev.ace.core.repair.RepairConflict;
import dev.ace.core.repair.RepairMode;
import dev.ace.core.repair.RowChange;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Turns a diff file into a plan per target node. {@code diffs["a/b"]["a"]} holds a's version of
 * every row that differs between a and b; a key in one side's list only is a row the other side
 * lacks. Reads the whole file into memory (its size is capped by {@code max_diff_rows} unless
 * lifted). Not thread-safe; used by one repair.
 */
final class RepairPlanner {

    private final DiffSummary summary;
    private final List<String> nodes;
    private final int[] keyPositions;
    /** pair -> node -> keyId -> row, each list in the file's (key) order. */
    private final Map<String, Map<String, LinkedHashMap<String, List<String>>>> rows = new HashMap<>();

    RepairPlanner(DiffFile file) {
        this.summary = file.summary();
        this.nodes = summary.nodes();
        this.keyPositions = summary.keyPositions();
        file.forEachRow((pair, node, row) -> rows.computeIfAbsent(pair, p -> new HashMap<>())
                .computeIfAbsent(node, n -> new LinkedHashMap<>()).put(RowSql.keyId(key(row.values())), row.values()));
    }

    /** Plans per target node, in the file's node order; every node but the source is a target where one is given. */
    Map<String, TargetPlan> plan(RepairMode mode, String source) {
        Map<String, TargetPlan> plans = new LinkedHashMap<>();
        for (String target : nodes) {
            if (mode == RepairMode.BIDIRECTIONAL) {
                plans.put(target, bidirectional(target, source));
            } else if (mode == RepairMode.FIX_NULLS) {
                plans.put(target, fixNulls(target, source));
            } else if (!target.equals(source)) {
                plans.put(target, fromSource(target, source, mode));
            }
        }
        return plans;
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

    /** standard, upsert_only, insert_only: the target takes the source's rows. */
    private TargetPlan fromSource(String target, String source, RepairMode mode) {
        TargetPlan plan = new TargetPlan(target);
        String pair = pair(source, target);
        LinkedHashMap<String, List<String>> sourceRows = rowsOf(pair, source);
        LinkedHashMap<String, List<String>> targetRows = rowsOf(pair, target);
        List<Change> deletes = new ArrayList<>();
        List<Change> inserts = new ArrayList<>();
        List<Change> updates = new ArrayList<>();
        for (Map.Entry<String, List<String>> entry : targetRows.entrySet()) {
            if (!sourceRows.containsKey(entry.getKey())) {
                if (mode == RepairMode.STANDARD) {
                    deletes.add(new Change(RowChange.Kind.DELETE, key(entry.getValue()), entry.getValue(), null,
                            provider(source, null)));
                } else {
                    plan.kept.add(key(entry.getValue()));
                }
            }
        }
        for (Map.Entry<String, List<String>> entry : sourceRows.entrySet()) {
            List<String> current = targetRows.get(entry.getKey());
            if (current == null) {
                inserts.add(new Change(RowChange.Kind.INSERT, key(entry.getValue()), null, entry.getValue(),
                        provider(source, entry.getValue())));
            } else if (mode == RepairMode.INSERT_ONLY) {
                plan.kept.add(key(entry.getValue()));
            } else {
                updates.add(new Change(RowChange.Kind.UPDATE, key(entry.getValue()), current, entry.getValue(),
                        provider(source, entry.getValue())));
            }
        }
        plan.changes.addAll(deletes);
        plan.changes.addAll(inserts);
        plan.changes.addAll(updates);
        return plan;
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
                        plan.kept.add(key(entry.getValue()));
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

    /** fix_nulls: for rows on both sides, a NULL column of the target takes the value the other nodes agree on. */
    private TargetPlan fixNulls(String target, String source) {
        TargetPlan plan = new TargetPlan(target);
        Map<String, List<String>> targetRows = new LinkedHashMap<>();
        Map<String, LinkedHashMap<String, List<String>>> others = new LinkedHashMap<>();
        for (String other : nodes) {
            if (other.equals(target)) {
                continue;
            }
            String pair = pair(other, target);
            LinkedHashMap<String, List<String>> otherRows = rowsOf(pair, other);
            for (Map.Entry<String, List<String>> entry : rowsOf(pair, target).entrySet()) {
                List<String> otherRow = otherRows.get(entry.getKey());
                if (otherRow != null) {
                    targetRows.put(entry.getKey(), entry.getValue());
                    others.computeIfAbsent(entry.getKey(), k -> new LinkedHashMap<>()).put(other, otherRow);
                }
            }
        }
        List<dev.ace.core.catalog.Column> columns = summary.columns();
        for (Map.Entry<String, List<String>> entry : targetRows.entrySet()) {
            List<String> current = entry.getValue();
            List<String> filled = new ArrayList<>(current);
            Map<String, List<String>> providers = new LinkedHashMap<>();
            LinkedHashMap<String, List<String>> held = others.get(entry.getKey());
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
                    plan.plannedConflicts.add(new RepairConflict(key(current), "column " + columns.get(c).name()
                            + " is NULL on " + target + " but differs between " + andList(values.keySet())
                            + "; fix_nulls left it NULL (or give source_of_truth)"));
                }
            }
            if (!Objects.equals(filled, current)) {
                plan.changes.add(new Change(RowChange.Kind.UPDATE, key(current), current, filled, providers));
            }
        }
        return plan;
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
