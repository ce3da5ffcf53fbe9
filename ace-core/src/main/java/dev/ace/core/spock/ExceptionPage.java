package dev.ace.core.spock;

import java.util.List;

/** One page of exceptions, newest first, and how many match in all. */
public record ExceptionPage(List<ExceptionRecord> exceptions, long total, int limit, int offset) {

    public ExceptionPage {
        exceptions = List.copyOf(exceptions);
    }

    /** Whether more exceptions follow this page. */
    public boolean hasMore() {
        return offset + exceptions.size() < total;
    }
}
