package dev.ace.core.internal.diff;

import dev.ace.core.cluster.NodeDefinition;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a diff (or a rerun) counts while it runs: the rows read on each node, the differing rows
 * of each node pair, and the ranges (or key batches) in which some pair differs. A pair is named
 * {@code "a/b"} with a before b in the nodes' order, as diff files name them. Thread-safe.
 */
public final class DiffCounts {

    private final List<String> pairs;
    private final Map<String, AtomicLong> checked = new LinkedHashMap<>();
    private final Map<String, AtomicLong> differing = new LinkedHashMap<>();
    private final AtomicInteger mismatched = new AtomicInteger();

    public DiffCounts(List<NodeDefinition> nodes) {
        List<String> names = nodes.stream().map(NodeDefinition::name).toList();
        names.forEach(node -> checked.put(node, new AtomicLong()));
        this.pairs = pairsOf(names);
        pairs.forEach(pair -> differing.put(pair, new AtomicLong()));
    }

    /** Every pair of the nodes, {@code "a/b"} with a before b, in the order a diff file lists them. */
    public static List<String> pairsOf(List<String> nodes) {
        List<String> pairs = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            for (int j = i + 1; j < nodes.size(); j++) {
                pairs.add(pair(nodes.get(i), nodes.get(j)));
            }
        }
        return Collections.unmodifiableList(pairs);
    }

    public static String pair(String left, String right) {
        return left + "/" + right;
    }

    /** The two nodes of a pair, left first. */
    public static String[] sides(String pair) {
        return pair.split("/", 2);
    }

    public List<String> pairs() {
        return pairs;
    }

    /** The count of differing rows of {@code pair}, to add to (or to cap). */
    public AtomicLong differing(String pair) {
        return differing.get(pair);
    }

    public void addChecked(String node, long rows) {
        checked.get(node).addAndGet(rows);
    }

    public void addMismatch() {
        mismatched.incrementAndGet();
    }

    public int mismatched() {
        return mismatched.get();
    }

    /** Rows read per node, in the nodes' order. */
    public Map<String, Long> checked() {
        Map<String, Long> rows = new LinkedHashMap<>();
        checked.forEach((node, count) -> rows.put(node, count.get()));
        return rows;
    }

    /** Differing rows per pair, in the pairs' order, only pairs that differ. */
    public Map<String, Long> differing() {
        Map<String, Long> counts = new LinkedHashMap<>();
        differing.forEach((pair, count) -> {
            if (count.get() > 0) {
                counts.put(pair, count.get());
            }
        });
        return counts;
    }
}
