package dev.ace.http;

import dev.ace.core.Ace;
import dev.ace.core.AceConfig;
import dev.ace.core.error.AceException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the HTTPS API until the process is told to stop:
 * {@code java -jar ace-http-<version>-all.jar --config ace.yaml}; the command line's
 * {@code ace server} calls {@link #serve}. It prints where it listens and which CA it trusts, and on
 * SIGINT or SIGTERM stops as {@link AceServer#stop()} says, then closes ACE.
 */
public final class AceServerMain {

    private AceServerMain() {
    }

    public static void main(String[] args) {
        int status = run(args, System.out, System.err);
        if (status != 0) {
            System.exit(status);
        }
    }

    /**
     * Starts the server with {@code --config FILE} (default {@code ace.yaml}) and blocks until the
     * process is stopped; returns at once with 2 when the arguments or the settings are wrong,
     * having said why on {@code err}.
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Path file = Path.of("ace.yaml");
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                file = Path.of(args[++i]);
            } else if (args[i].startsWith("--config=")) {
                file = Path.of(args[i].substring("--config=".length()));
            } else if (args[i].equals("--help") || args[i].equals("-h")) {
                out.println("usage: ace server [--config ace.yaml]\n"
                        + "Runs the HTTPS API of ACE; its settings are the http section of ace.yaml (docs/api.md).");
                return 0;
            } else {
                err.println("ace server: unknown argument '" + args[i] + "'; usage: ace server [--config ace.yaml]");
                return 2;
            }
        }
        if (!Files.isRegularFile(file)) {
            err.println("ace server: configuration file " + file.toAbsolutePath() + " does not exist; give one with "
                    + "--config (see docs/api.md)");
            return 2;
        }
        try {
            AceConfig base = AceConfig.load(file);
            serve(base, ServerSettings.load(file, base), out);
            return 0;
        } catch (AceException e) {
            err.println("ace server: " + e.getMessage());
            return 2;
        }
    }

    /**
     * The first line the server prints: {@code ACE API listening on https://127.0.0.1:5000 (HTTPS,
     * TLS 1.3 and 1.2)}, with the address as the settings give it and, for a wildcard address such
     * as {@code 0.0.0.0}, which addresses that takes.
     */
    static String listening(AceServer server) {
        return "ACE API listening on " + server.uri() + " (HTTPS, TLS 1.3 and 1.2)"
                + server.scope().map(scope -> ", on " + scope).orElse("");
    }

    /**
     * Starts the server on {@code settings} over {@code base} (the configuration the server's
     * {@link ServerSettings#applyTo own} settings are laid over), prints where it listens and which
     * CA it trusts on {@code out}, and blocks until the process is told to stop (SIGINT, SIGTERM),
     * which stops it as {@link AceServer#stop()} says and closes ACE.
     *
     * @throws AceException when it cannot start (certificate, key, task store, address); nothing is left running
     */
    public static void serve(AceConfig base, ServerSettings settings, PrintStream out) {
        Ace ace = Ace.create(settings.applyTo(base));
        AceServer server;
        try {
            ace.tasks();
            server = AceServer.start(ace, settings);
        } catch (RuntimeException e) {
            ace.close();
            throw e;
        }
        out.println(listening(server));
        out.println("every request needs a client certificate issued by " + String.join("; ",
                server.clientAuthorities()) + " (ca_cert_file " + settings.clientCaFile().toAbsolutePath() + ")");
        out.println("diff files and reports go to " + ace.config().outputDirectory() + "; tasks are kept in "
                + ace.config().taskStore());
        out.println("stop with Ctrl+C or SIGTERM: running tasks then have " + settings.shutdownGrace().toSeconds()
                + " s to finish");
        out.flush();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            out.println("stopping ...");
            out.flush();
            try {
                server.stop();
            } finally {
                ace.close();
                out.println("stopped");
                out.flush();
                stopped.countDown();
            }
        }, "ace-server-stop"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
