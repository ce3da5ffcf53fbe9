package dev.ace.core.task;

import java.util.List;

/**
 * One page of a task listing, newest first. Immutable and thread-safe.
 *
 * @param tasks the tasks of this page
 * @param total how many tasks match the query over all pages
 * @param offset the query's offset
 * @param limit the query's limit
 */
public record TaskPage(List<Task> tasks, long total, int offset, int limit) {

    public TaskPage {
        tasks = List.copyOf(tasks);
    }

    /** Whether more matching tasks follow this page. */
    public boolean hasMore() {
        return offset + (long) tasks.size() < total;
    }
}
