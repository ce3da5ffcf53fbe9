package dev.ace.cli;

/**
 * The log of the libraries ACE uses goes to standard error through slf4j-simple. Quiet by default
 * (ACE's own warnings only: a connection pool's failure is told once, as the command's error);
 * {@code --debug} shows ACE's debug log and the libraries' information. Must run before the first
 * logger is made, which the first {@code Ace} does.
 */
final class Logging {

    private static final String PREFIX = "org.slf4j.simpleLogger.";

    private Logging() {
    }

    static void configure(boolean debug) {
        set("defaultLogLevel", debug ? "info" : "off");
        set("log.dev.ace", debug ? "debug" : "warn");
        set("logFile", "System.err");
        set("showThreadName", String.valueOf(debug));
        set("showLogName", String.valueOf(debug));
        set("showShortLogName", "false");
        set("levelInBrackets", "false");
        set("showDateTime", String.valueOf(debug));
        set("dateTimeFormat", "HH:mm:ss.SSS");
    }

    private static void set(String key, String value) {
        System.setProperty(PREFIX + key, value);
    }
}
