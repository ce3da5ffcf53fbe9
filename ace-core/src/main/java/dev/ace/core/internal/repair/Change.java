package dev.ace.core.internal.repair;

import dev.ace.core.repair.RowChange;
import java.util.BitSet;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One row a repair plans to change on a target node, with what the diff recorded: the target's
 * row (null where the diff says the target lacks it) and the row of every node it is copied from
 * (null where the diff says that node lacks it). Not thread-safe: one node's worker owns it at a
 * time, and the phases of a repair are separated by joins.
 */
final class Change {

    private static final Class<?> SINGLETON_MAP = Collections.singletonMap("", "").getClass();

    final RowChange.Kind kind;
    final List<String> key;
    final String keyId;
    /** The target's row as the diff recorded it; null: the diff says the target lacks the row. */
    final List<String> expected;
    /** The row to write; null for a delete. */
    final List<String> row;
    /** Node -> its row as the diff recorded it (null: the node lacks it); each must still hold it. */
    final Map<String, List<String>> providers;
    /** Why the change is skipped, or null while it may go ahead. */
    String conflict;
    /** Its row number in the target's update stage when staged ahead ({@link StageTables#stageAhead}), else -1. */
    int staged = -1;

    Change(RowChange.Kind kind, List<String> key, List<String> expected, List<String> row,
           Map<String, List<String>> providers) {
        this.kind = kind;
        this.key = List.copyOf(key);
        this.keyId = RowSql.keyId(key);
        this.expected = expected;
        this.row = row;
        this.providers = providers.size() == 1 && providers.getClass() == SINGLETON_MAP ? providers
                : Collections.unmodifiableMap(new LinkedHashMap<>(providers));
    }

    /** The indexes in {@code batch} of the changes whose key id is in {@code keyIds}. */
    static BitSet withKeys(List<Change> batch, Set<String> keyIds) {
        BitSet found = new BitSet(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            if (keyIds.contains(batch.get(i).keyId)) {
                found.set(i);
            }
        }
        return found;
    }

    /** Why a row no longer is what the diff recorded on {@code node}, or null when it still is. */
    static String reason(String node, List<String> recorded, List<String> now) {
        if (java.util.Objects.equals(recorded, now)) {
            return null;
        }
        if (recorded == null) {
            return "inserted on " + node + " since the diff";
        }
        if (now == null) {
            return "deleted on " + node + " since the diff";
        }
        return "changed on " + node + " since the diff";
    }

    RowChange toRowChange() {
        return new RowChange(kind, key, expected, row);
    }
}
