package dev.ace.core.diff;

/** Told how far a diff has come; called from worker threads, so it must be thread-safe and quick. */
@FunctionalInterface
public interface DiffProgressListener {

    /** {@code done} of {@code total} key ranges have been compared on every node. */
    void onProgress(int done, int total);

    /** A listener that ignores progress. */
    DiffProgressListener NONE = (done, total) -> { };
}
