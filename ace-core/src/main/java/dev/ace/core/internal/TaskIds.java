package dev.ace.core.internal;

import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The ids of operations that were given none: {@code td_} (table-diff), {@code tr_}
 * (table-repair) or {@code rr_} (table-rerun), the UTC time to the millisecond and four random hex
 * digits, such as {@code td_20240315_123456789_0a1b}. Diff files and reports carry the id in their
 * names. Thread-safe (stateless).
 */
public final class TaskIds {

    public static final String DIFF = "td";
    public static final String REPAIR = "tr";
    public static final String RERUN = "rr";

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd_HHmmssSSS")
            .withZone(ZoneOffset.UTC);
    private static final SecureRandom RANDOM = new SecureRandom();

    private TaskIds() {
    }

    /** A new id of an operation of kind {@code prefix} ({@link #DIFF}, {@link #REPAIR}, {@link #RERUN}) started at {@code started}. */
    public static String next(String prefix, Instant started) {
        return prefix + "_" + STAMP.format(started) + "_" + String.format("%04x", RANDOM.nextInt(0x10000));
    }

    /** {@code given} when the caller gave an id, else a new one. */
    public static String orNext(String given, String prefix, Instant started) {
        return given != null ? given : next(prefix, started);
    }
}
