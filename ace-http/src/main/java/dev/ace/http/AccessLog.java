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
        return TaskResponses.time(time) + " cn=" + ApiExchange.quote(commonName) + " " + ApiExchange.quote(method) + " " + ApiExchange.quote(path) + " "
                + status + " " + millis + "ms task=" + ApiExchange.quote(taskId);
    }
}
