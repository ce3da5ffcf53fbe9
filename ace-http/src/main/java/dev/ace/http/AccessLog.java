package dev.ace.http;

import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per request on the logger {@code dev.ace.http.access}: time, the caller's CN, method,
 * path (without the query), status, milliseconds and the task id the request made or read. Never
 * a body, a query string or a header: nothing a client sends beyond the path and its certificate's
 * CN, each quoted with control characters escaped, so no line can be forged. Thread-safe.
 */
final class AccessLog {

    static final String LOGGER = "dev.ace.http.access";
    private static final Logger LOG = LoggerFactory.getLogger(LOGGER);

    private AccessLog() {
    }

    static void log(ApiExchange exchange, long elapsedNanos) {
        if (!LOG.isInfoEnabled()) {
            return;
        }
        LOG.info(line(Instant.now(), exchange.caller() == null ? null : exchange.caller().commonName(),
                exchange.method(), exchange.path(), exchange.status(), elapsedNanos / 1_000_000, exchange.taskId()));
    }

    static String line(Instant time, String commonName, String method, String path, int status, long millis,
                       String taskId) {
        return TaskResponses.time(time) + " cn=" + quote(commonName) + " " + quote(method) + " " + quote(path) + " "
                + status + " " + millis + "ms task=" + quote(taskId);
    }

    private static String quote(String text) {
        if (text == null) {
            return "-";
        }
        StringBuilder quoted = new StringBuilder("\"");
        String shown = text.length() > 500 ? text.substring(0, 500) + "..." : text;
        for (char c : shown.toCharArray()) {
            if (c == '"' || c == '\\') {
                quoted.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f) {
                quoted.append(String.format("\\u%04x", (int) c));
            } else {
                quoted.append(c);
            }
        }
        return quoted.append('"').toString();
    }
}
