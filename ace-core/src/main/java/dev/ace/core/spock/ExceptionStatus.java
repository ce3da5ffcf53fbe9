package dev.ace.core.spock;

import java.util.Locale;

/** The statuses Spock and its operators give a replication exception. */
public enum ExceptionStatus {
    PENDING, RESOLVED, UNRESOLVED;

    /** Parses a status case-insensitively; null when it is none of them. */
    public static ExceptionStatus parse(String text) {
        if (text == null) {
            return null;
        }
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
