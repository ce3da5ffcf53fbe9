package dev.ace.core.internal.task;

import dev.ace.core.task.TaskType;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;

/**
 * Makes task ids: the type's prefix, the UTC time to the millisecond and 80 random bits from a
 * CSPRNG, such as {@code td_20260315_142501123_9f3c0a7be21d44c5d6e1}. Two ids of the same
 * millisecond collide with a chance of one in 2^80; the store refuses a duplicate anyway.
 * Thread-safe.
 */
public final class TaskIds {

    /** Random bytes per id: 80 bits. */
    static final int RANDOM_BYTES = 10;
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd_HHmmssSSS")
            .withZone(ZoneOffset.UTC);

    private final SecureRandom random;

    public TaskIds() {
        this(new SecureRandom());
    }

    TaskIds(SecureRandom random) {
        this.random = random;
    }

    /** A new id for a task of {@code type} submitted at {@code at}. */
    public String next(TaskType type, Instant at) {
        byte[] bytes = new byte[RANDOM_BYTES];
        random.nextBytes(bytes);
        return type.idPrefix() + "_" + STAMP.format(at) + "_" + HexFormat.of().formatHex(bytes);
    }
}
