package dev.ace.core.repair;

/**
 * Told how far a repair has come on each target node; called from worker threads, so it must be
 * thread-safe and quick.
 */
@FunctionalInterface
public interface RepairProgressListener {

    /**
     * On {@code node}, {@code planned} rows are planned to change so far (it grows while the diff
     * file is read) and {@code applied} of them have been written (in the node's open transaction;
     * a dry run applies none).
     */
    void onProgress(String node, long planned, long applied);

    /** A listener that ignores progress. */
    RepairProgressListener NONE = (node, planned, applied) -> { };
}
