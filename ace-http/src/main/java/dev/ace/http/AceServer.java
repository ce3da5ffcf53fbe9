package dev.ace.http;

import com.sun.net.httpserver.HttpsServer;
import dev.ace.core.Ace;
import dev.ace.core.error.AceException;
import dev.ace.core.error.ErrorCode;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.security.auth.x500.X500Principal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTPS API of ACE: the endpoints of the API text over an {@link Ace}, on the JDK's
 * {@code HttpsServer}, every request authenticated by its client certificate.
 *
 * <pre>{@code
 * try (Ace ace = Ace.create(config);
 *      AceServer server = AceServer.start(ace, ServerSettings.builder(config).build())) {
 *     System.out.println("listening on " + server.uri());
 *     ...
 * }
 * }</pre>
 *
 * {@link #stop()} (also {@link #close()}) answers new requests 503, gives running tasks the
 * settings' grace period, cancels those still running (they end CANCELLED), then closes the
 * listener. The {@code Ace} stays open: whoever made it closes it. Thread-safe.
 */
public final class AceServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AceServer.class);
    /** Threads answering requests; TLS handshakes run on them too. */
    private static final int THREADS = 32;
    /** Connections waiting to be accepted. */
    private static final int BACKLOG = 1024;
    private static final AtomicInteger SERVERS = new AtomicInteger();

    private final Ace ace;
    private final ServerSettings settings;
    private final HttpsServer server;
    private final ExecutorService threads;
    private final Router router;
    private final List<X509Certificate> clientAuthorities;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final Object stopLock = new Object();
    private boolean stopped;

    private AceServer(Ace ace, ServerSettings settings, HttpsServer server, ExecutorService threads, Router router,
                      List<X509Certificate> clientAuthorities) {
        this.ace = ace;
        this.settings = settings;
        this.server = server;
        this.threads = threads;
        this.router = router;
        this.clientAuthorities = clientAuthorities;
    }

    /**
     * Starts listening. The {@code Ace}'s configuration should be the settings' own
     * ({@link ServerSettings#applyTo}), so that the paths the API returns are absolute.
     *
     * @throws dev.ace.core.error.InvalidConfigurationException when the certificate, key or CA cannot be used
     * @throws AceException ({@code IO_ERROR}) when the address cannot be listened on
     */
    public static AceServer start(Ace ace, ServerSettings settings) {
        limitTheJdkServer();
        ServerTls tls = ServerTls.load(settings);
        DiffFilePaths diffFiles = new DiffFilePaths(ace.config().outputDirectory());
        Router router = routes(ace, new RequestBodies(diffFiles), new DiffReports(diffFiles.root()));
        int number = SERVERS.incrementAndGet();
        AtomicInteger threadNumber = new AtomicInteger();
        ThreadPoolExecutor threads = new ThreadPoolExecutor(THREADS, THREADS, 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), runnable -> {
                    Thread thread = new Thread(runnable, "ace-http-" + number + "-" + threadNumber.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        HttpsServer server;
        try {
            server = HttpsServer.create(new InetSocketAddress(InetAddress.getByName(settings.listenAddress()),
                    settings.port()), BACKLOG);
        } catch (IOException e) {
            threads.shutdown();
            throw new AceException(ErrorCode.IO_ERROR, "cannot listen on " + settings.listenAddress() + ":"
                    + settings.port() + ": " + e.getMessage(), e);
        }
        server.setHttpsConfigurator(tls.configurator());
        server.setExecutor(threads);
        AceServer started = new AceServer(ace, settings, server, threads, router, tls.clientAuthorities());
        server.createContext("/", new ApiHandler(new ClientCertificates(tls.clientAuthorities(), Clock.systemUTC()),
                router, started.stopping::get));
        server.start();
        String scope = started.scope().map(words -> " (" + words + ")").orElse("");
        if (!server.getAddress().getAddress().isLoopbackAddress()) {
            LOG.warn("listening on {}{}, which is not a loopback address: the API is meant to be reached through an "
                    + "SSH tunnel (http.allow_remote_clients is true)", started.uri(), scope);
        }
        LOG.info("ACE API listening on {}{}", started.uri(), scope);
        return started;
    }

    /**
     * The JDK's server reads its limits from system properties once, when the first server of the
     * process starts; unless set already, they become: an unread request body is never read (the
     * server would otherwise read up to 64 KiB of a body it refused, holding a thread while a
     * client that announced a large body sends nothing) and the connection is closed instead; a
     * request must arrive whole, body included, within 60 s, and its answer be taken within 60 s.
     */
    private static void limitTheJdkServer() {
        System.getProperties().putIfAbsent("sun.net.httpserver.drainAmount", "0");
        System.getProperties().putIfAbsent("sun.net.httpserver.maxReqTime", "60");
        System.getProperties().putIfAbsent("sun.net.httpserver.maxRspTime", "60");
    }

    /** Every route of the API and the methods it takes: what {@code docs/openapi.json} describes. */
    static Router routes(Ace ace, RequestBodies bodies, DiffReports reports) {
        TaskSubmissionEndpoints submissions = new TaskSubmissionEndpoints(ace, bodies, reports);
        TaskEndpoints tasks = new TaskEndpoints(ace);
        SpockExceptionEndpoint spock = new SpockExceptionEndpoint(ace, bodies);
        ServiceEndpoints service = new ServiceEndpoints();
        return new Router()
                .add("POST", "/ace/table-diff", submissions::diff)
                .add("GET", "/ace/table-diff", submissions::diff)
                .add("POST", "/ace/table-repair", submissions::repair)
                .add("GET", "/ace/table-repair", submissions::repair)
                .add("POST", "/ace/table-rerun", submissions::rerun)
                .add("GET", "/ace/table-rerun", submissions::rerun)
                .add("GET", "/ace/task-status", tasks::statusByQuery)
                .add("GET", "/ace/task-status/{task_id}", tasks::statusByPath)
                .add("DELETE", "/ace/task-status/{task_id}", tasks::cancelByPath)
                .add("GET", "/ace/tasks", tasks::list)
                .add("POST", "/ace/task-cancel", tasks::cancelByBody)
                .add("POST", "/ace/update-spock-exception", spock::update)
                .add("GET", "/ace/health", service::health)
                .add("GET", "/ace/openapi.json", service::openApi);
    }

    /**
     * Where the server listens, its address as the settings give it: {@code https://127.0.0.1:5000},
     * {@code https://0.0.0.0:5000}, {@code https://[::]:5000} (never the JDK's
     * {@code [0:0:0:0:0:0:0:0]}); the port is the one listened on, also when the settings' is 0.
     */
    public URI uri() {
        String host = settings.listenAddress().strip();
        if (host.contains(":") && !host.startsWith("[")) {
            host = "[" + host.replace("%", "%25") + "]";
        }
        return URI.create("https://" + host + ":" + port());
    }

    /**
     * Which addresses a wildcard {@code listen_address} takes, in words: {@code every IPv4 address of
     * this machine} for {@code 0.0.0.0}, but {@code every IPv4 and IPv6 address of this machine} when
     * the JDK listens on a dual-stack socket, as it does for {@code ::} and, unless
     * {@code java.net.preferIPv4Stack} is set, for {@code 0.0.0.0} too; empty for one address.
     */
    public Optional<String> scope() {
        InetAddress bound = server.getAddress().getAddress();
        if (!bound.isAnyLocalAddress()) {
            return Optional.empty();
        }
        if (!(bound instanceof Inet6Address)) {
            return Optional.of("every IPv4 address of this machine");
        }
        boolean ipv4Written = settings.listenAddress().contains(".");
        return Optional.of("every IPv4 and IPv6 address of this machine"
                + (ipv4Written ? "; Java's " + settings.listenAddress().strip() + " takes IPv6 too" : ""));
    }

    /** The port listened on (the one picked when the settings' port is 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    /** The subjects of the CAs whose client certificates are accepted. */
    public List<String> clientAuthorities() {
        return clientAuthorities.stream().map(ca -> ca.getSubjectX500Principal().getName(X500Principal.RFC2253))
                .toList();
    }

    Router router() {
        return router;
    }

    /** Whether {@link #stop()} has begun: new requests are answered 503. */
    public boolean stopping() {
        return stopping.get();
    }

    /**
     * Stops: new requests get 503 at once; queued tasks end CANCELLED; running tasks may finish
     * within the settings' {@code shutdown_grace}, then are cancelled and end CANCELLED ("cancelled:
     * ACE was stopped and the task did not finish within the grace period of ..."); then the
     * listener closes. Calling it again does nothing.
     */
    public void stop() {
        synchronized (stopLock) {
            if (stopped) {
                return;
            }
            stopped = true;
            stopping.set(true);
            Duration grace = settings.shutdownGrace();
            LOG.info("stopping: new requests get 503; running tasks have {} s to finish", grace.toSeconds());
            try {
                ace.tasks().shutdown(grace);
            } catch (IllegalStateException closed) {
                // the Ace was closed already: its tasks ended with it
            }
            server.stop(1);
            threads.shutdown();
            try {
                threads.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            threads.shutdownNow();
            LOG.info("stopped");
        }
    }

    @Override
    public void close() {
        stop();
    }
}
