package dev.ace.core.repair;

import java.util.Locale;

/** What a repair does to each target node; selected by the request's flags. Immutable and thread-safe. */
public enum RepairMode {
    /** Delete the rows the source of truth lacks, then upsert the source's rows. */
    STANDARD,
    /** Upsert the source's rows; never delete (rows only the target has are reported). */
    UPSERT_ONLY,
    /** Insert the source's rows that the target lacks; never overwrite or delete. */
    INSERT_ONLY,
    /** Each node gets the rows only the other nodes have; differing rows are left as they are. */
    BIDIRECTIONAL,
    /**
     * For rows every node of the diff file has, a column that is NULL on one node gets the value
     * the other nodes hold; a row some node lacks is left alone (a conflict when a NULL of it
     * would have been filled).
     */
    FIX_NULLS;

    /** The API's name: {@code standard}, {@code upsert_only}, {@code insert_only}, ... */
    public String apiName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return apiName();
    }
}
