package dev.ace.http;

import dev.ace.core.AceConfig;
import dev.ace.core.error.InvalidConfigurationException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The settings of the HTTPS API: where it listens, the certificate it shows, the CA whose client
 * certificates it accepts, how long running tasks may go on when it stops, and, for the server's
 * own process, where tasks and files go and how many run. In {@code ace.yaml} they live in the
 * {@code http} section (see {@code docs/api.md}); in code, {@link #builder()}.
 *
 * <p>The server certificate and key default to the ACE user's pair ({@code ace_user_cert_file},
 * {@code ace_user_key_file}) and the client CA to {@code ca_cert_file}, as the API text has it.
 * Without a certificate, a key and a CA the server does not start: the API requires client
 * certificates. Immutable and thread-safe; {@link #toString()} never shows the key password.
 *
 * @param listenAddress the address to listen on; default {@code 127.0.0.1}
 * @param port the TCP port; default 5000, 0 picks a free one
 * @param allowRemoteClients whether a non-loopback {@code listenAddress} is allowed; default false (the API text
 *        expects an SSH tunnel)
 * @param serverCertFile the server's certificate chain (PEM)
 * @param serverKeyFile its private key (PEM, PKCS#8)
 * @param serverKeyPassword the password of an encrypted key, or null
 * @param clientCaFile the CA that issued the clients' certificates (PEM)
 * @param shutdownGrace how long running tasks may go on once the server is told to stop; then they are cancelled
 * @param outputDirectory where the server's diff files and reports go; null keeps the configuration's
 * @param taskStore where the server's tasks are kept; null keeps the configuration's
 * @param maxRunningTasks tasks running at once; null keeps the configuration's
 * @param maxQueuedTasks tasks waiting for a slot; null keeps the configuration's
 */
public record ServerSettings(String listenAddress, int port, boolean allowRemoteClients, Path serverCertFile,
                             Path serverKeyFile, String serverKeyPassword, Path clientCaFile, Duration shutdownGrace,
                             Path outputDirectory, Path taskStore, Integer maxRunningTasks, Integer maxQueuedTasks) {

    public static final String DEFAULT_LISTEN_ADDRESS = "127.0.0.1";
    public static final int DEFAULT_PORT = 5000;
    public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(30);
    /** The largest request body read, 1 MiB; a larger one is refused with 413. */
    public static final int MAX_BODY_BYTES = 1 << 20;

    public ServerSettings {
        List<String> problems = new ArrayList<>();
        if (listenAddress == null || listenAddress.isBlank()) {
            problems.add("http.listen_address must not be empty");
        } else if (!allowRemoteClients && !isLoopback(listenAddress)) {
            problems.add("http.listen_address " + listenAddress + " is not a loopback address; the API is meant to be "
                    + "reached through an SSH tunnel. To listen there anyway, set http.allow_remote_clients: true");
        }
        if (port < 0 || port > 65535) {
            problems.add("http.port must be between 0 and 65535, was " + port);
        }
        checkFile("the server certificate (http.server_cert_file, or ace_user_cert_file)", serverCertFile, problems);
        checkFile("the server's private key (http.server_key_file, or ace_user_key_file)", serverKeyFile, problems);
        checkFile("the CA of the client certificates (ca_cert_file)", clientCaFile, problems);
        if (shutdownGrace == null || shutdownGrace.isNegative()) {
            problems.add("http.shutdown_grace must be 0s or more, was " + shutdownGrace);
        }
        if (maxRunningTasks != null && maxRunningTasks < 1) {
            problems.add("http.max_running_tasks must be at least 1, was " + maxRunningTasks);
        }
        if (maxQueuedTasks != null && maxQueuedTasks < 0) {
            problems.add("http.max_queued_tasks must be 0 or more, was " + maxQueuedTasks);
        }
        if (!problems.isEmpty()) {
            throw new InvalidConfigurationException("the http settings", problems);
        }
    }

    private static void checkFile(String what, Path file, List<String> problems) {
        if (file == null) {
            problems.add(what + " must be set: the API requires client certificates, so the server needs its own "
                    + "certificate and key and the CA that issues the clients' (see docs/api.md)");
        } else if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            problems.add(what + " " + file + " does not exist or cannot be read");
        }
    }

    private static boolean isLoopback(String address) {
        try {
            InetAddress[] all = InetAddress.getAllByName(address);
            for (InetAddress one : all) {
                if (!one.isLoopbackAddress()) {
                    return false;
                }
            }
            return all.length > 0;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** Settings taking the certificate, key and CA from the configuration's ACE user and {@code ca_cert_file}. */
    public static Builder builder(AceConfig config) {
        Builder builder = new Builder();
        builder.serverCertFile = config.userCertFile().orElse(null);
        builder.serverKeyFile = config.userKeyFile().orElse(null);
        builder.serverKeyPassword = config.userKeyPassword().orElse(null);
        builder.clientCaFile = config.caCertFile().orElse(null);
        return builder;
    }

    /**
     * The {@code http} section of {@code file} ({@code ace.yaml}), over the defaults of
     * {@link #builder(AceConfig)}; relative paths are taken relative to the file's directory.
     * Every problem is listed at once, each naming the setting.
     *
     * @throws InvalidConfigurationException when the file cannot be read or the section is wrong
     */
    public static ServerSettings load(Path file, AceConfig config) {
        Map<String, Object> section = SettingsFile.section(file, "http");
        Builder builder = builder(config);
        SettingsFile values = new SettingsFile(file, "http", section, List.of("listen_address", "port",
                "allow_remote_clients", "server_cert_file", "server_key_file", "server_key_password", "shutdown_grace",
                "output_dir", "task_store", "max_running_tasks", "max_queued_tasks"));
        values.text("listen_address").ifPresent(builder::listenAddress);
        values.whole("port").ifPresent(builder::port);
        values.flag("allow_remote_clients").ifPresent(builder::allowRemoteClients);
        Optional<Path> cert = values.path("server_cert_file");
        Optional<Path> key = values.path("server_key_file");
        Optional<String> password = values.text("server_key_password");
        if (cert.isPresent() || key.isPresent()) {
            builder.serverCertificate(cert.orElse(null), key.orElse(null), password.orElse(null));
        }
        values.duration("shutdown_grace").ifPresent(builder::shutdownGrace);
        values.path("output_dir").ifPresent(builder::outputDirectory);
        values.path("task_store").ifPresent(builder::taskStore);
        values.whole("max_running_tasks").ifPresent(builder::maxRunningTasks);
        values.whole("max_queued_tasks").ifPresent(builder::maxQueuedTasks);
        List<String> problems = new ArrayList<>(values.problems());
        if (problems.isEmpty()) {
            try {
                return builder.build();
            } catch (InvalidConfigurationException e) {
                problems.addAll(e.problems());
            }
        }
        throw new InvalidConfigurationException("configuration file " + file, problems);
    }

    /** Settings with no certificate yet: set the server's pair and the client CA. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The configuration the server's {@code Ace} runs with: {@code config} with this section's
     * task and output settings, and {@code output_dir} and {@code task_store} as absolute paths,
     * so that the paths the API returns can be sent back as they are.
     */
    public AceConfig applyTo(AceConfig config) {
        AceConfig.Builder builder = config.toBuilder();
        Path output = (outputDirectory != null ? outputDirectory : config.outputDirectory()).toAbsolutePath().normalize();
        builder.outputDirectory(output);
        if (taskStore != null) {
            builder.taskStore(taskStore.toAbsolutePath().normalize());
        } else if (!config.taskStore().equals(config.outputDirectory().resolve("tasks.db"))) {
            builder.taskStore(config.taskStore().toAbsolutePath().normalize());
        } else {
            builder.taskStore(null);
        }
        if (maxRunningTasks != null) {
            builder.maxRunningTasks(maxRunningTasks);
        }
        if (maxQueuedTasks != null) {
            builder.maxQueuedTasks(maxQueuedTasks);
        }
        return builder.build();
    }

    public Optional<String> serverKeyPasswordValue() {
        return Optional.ofNullable(serverKeyPassword);
    }

    @Override
    public String toString() {
        return "ServerSettings[listen_address=" + listenAddress + ", port=" + port + ", allow_remote_clients="
                + allowRemoteClients + ", server_cert_file=" + serverCertFile + ", server_key_file=" + serverKeyFile
                + ", server_key_password=" + (serverKeyPassword == null ? "none" : "***") + ", ca_cert_file="
                + clientCaFile + ", shutdown_grace=" + shutdownGrace + ", output_dir=" + outputDirectory
                + ", task_store=" + taskStore + ", max_running_tasks=" + maxRunningTasks + ", max_queued_tasks="
                + maxQueuedTasks + "]";
    }

    /** Options of the server; not thread-safe. */
    public static final class Builder {
        private String listenAddress = DEFAULT_LISTEN_ADDRESS;
        private int port = DEFAULT_PORT;
        private boolean allowRemoteClients;
        private Path serverCertFile;
        private Path serverKeyFile;
        private String serverKeyPassword;
        private Path clientCaFile;
        private Duration shutdownGrace = DEFAULT_SHUTDOWN_GRACE;
        private Path outputDirectory;
        private Path taskStore;
        private Integer maxRunningTasks;
        private Integer maxQueuedTasks;

        private Builder() {
        }

        public Builder listenAddress(String value) {
            this.listenAddress = value;
            return this;
        }

        public Builder port(int value) {
            this.port = value;
            return this;
        }

        public Builder allowRemoteClients(boolean value) {
            this.allowRemoteClients = value;
            return this;
        }

        /** The server's certificate (chain) and private key, when not the ACE user's. */
        public Builder serverCertificate(Path certFile, Path keyFile, String keyPassword) {
            this.serverCertFile = certFile;
            this.serverKeyFile = keyFile;
            this.serverKeyPassword = keyPassword;
            return this;
        }

        public Builder clientCaFile(Path value) {
            this.clientCaFile = value;
            return this;
        }

        public Builder shutdownGrace(Duration value) {
            this.shutdownGrace = value;
            return this;
        }

        public Builder outputDirectory(Path value) {
            this.outputDirectory = value;
            return this;
        }

        public Builder taskStore(Path value) {
            this.taskStore = value;
            return this;
        }

        public Builder maxRunningTasks(Integer value) {
            this.maxRunningTasks = value;
            return this;
        }

        public Builder maxQueuedTasks(Integer value) {
            this.maxQueuedTasks = value;
            return this;
        }

        /** Checks every setting; {@link InvalidConfigurationException} lists all problems. */
        public ServerSettings build() {
            return new ServerSettings(listenAddress, port, allowRemoteClients, serverCertFile, serverKeyFile,
                    serverKeyPassword, clientCaFile, shutdownGrace, outputDirectory, taskStore, maxRunningTasks,
                    maxQueuedTasks);
        }
    }
}
