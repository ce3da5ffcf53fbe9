package dev.ace.core.diff;

import java.util.Locale;

/** How table-rerun re-checks the keys of a diff file; both give the same answer. Thread-safe. */
public enum RerunBehavior {
    /** The keys are re-checked in parallel chunks, each chunk fetched from every node at once. */
    MULTIPROCESSING,
    /** The keys go into a temporary table on each node and are joined there; nothing is left behind. */
    HOSTDB;

    /** The API's name: {@code multiprocessing} or {@code hostdb}. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
