package dev.ace.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpsExchange;
import java.io.IOException;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every request goes through, in order: refused with 503 while the server stops; its client
 * certificate judged (401); routed (404, 405); answered by its endpoint; any error turned into
 * {@code {"error": ...}} by {@link ErrorResponses}; one access-log line. Thread-safe.
 */
final class ApiHandler implements HttpHandler {

    private static final Logger LOG = LoggerFactory.getLogger(ApiHandler.class);

    private final ClientCertificates certificates;
    private final Router router;
    private final BooleanSupplier stopping;

    ApiHandler(ClientCertificates certificates, Router router, BooleanSupplier stopping) {
        this.certificates = certificates;
        this.router = router;
        this.stopping = stopping;
    }

    @Override
    public void handle(HttpExchange raw) {
        long start = System.nanoTime();
        ApiExchange exchange = new ApiExchange(raw);
        try {
            try {
                if (stopping.getAsBoolean()) {
                    throw new ApiError(503, "the server is shutting down; try again when it runs again",
                            Map.of("Retry-After", ErrorResponses.RETRY_AFTER_STOPPING, "Connection", "close"));
                }
                exchange.caller(certificates.authenticate(((HttpsExchange) raw).getSSLSession()));
                router.find(exchange).handle(exchange);
            } catch (IOException e) {
                throw e;
            } catch (RuntimeException | Error e) {
                if (exchange.answered()) {
                    throw e;
                }
                ErrorResponses.Answer answer = ErrorResponses.of(e, exchange.method() + " " + exchange.path()
                        + " for CN " + (exchange.caller() == null ? "-" : exchange.caller().commonName()));
                exchange.respondError(answer.status(), answer.message(), answer.headers());
            }
        } catch (IOException e) {
            LOG.debug("the client of {} {} went away: {}", exchange.method(), exchange.path(), e.toString());
        } catch (RuntimeException e) {
            LOG.error("failed after answering {} {}", exchange.method(), exchange.path(), e);
        } finally {
            AccessLog.log(exchange, System.nanoTime() - start);
            raw.close();
        }
    }
}
