package dev.ace.http;

import dev.ace.core.AceConfig;
import dev.ace.core.error.InvalidConfigurationException;
import dev.ace.core.option.Operation;
import dev.ace.core.option.OptionValues;
import dev.ace.core.option.Options;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

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

    /** The largest request body read, 1 MiB; a larger one is refused with 413. */
    public static final int MAX_BODY_BYTES = 1 << 20;

    public ServerSettings {
        List<String> problems = new ArrayList<>();
        try {
            // the table of options checks each value, as it does when they come from ace.yaml
            OptionValues.builder(Operation.HTTP_SERVER).set(Options.LISTEN_ADDRESS, listenAddress)
                    .set(Options.PORT, port).set(Options.ALLOW_REMOTE_CLIENTS, allowRemoteClients)
                    .set(Options.SERVER_CERT_FILE, serverCertFile).set(Options.SERVER_KEY_FILE, serverKeyFile)
                    .set(Options.SERVER_KEY_PASSWORD, serverKeyPassword).set(Options.CA_CERT_FILE, clientCaFile)
                    .set(Options.SHUTDOWN_GRACE, shutdownGrace).set(Options.OUTPUT_DIR, outputDirectory)
                    .set(Options.TASK_STORE, taskStore).set(Options.MAX_RUNNING_TASKS, maxRunningTasks)
                    .set(Options.MAX_QUEUED_TASKS, maxQueuedTasks).build();
        } catch (InvalidConfigurationException e) {
            problems.addAll(e.problems());
        }
        if (listenAddress == null || listenAddress.isBlank()) {
            problems.add("listen_address must be set");
        } else if (!allowRemoteClients && !isLoopback(listenAddress)) {
            problems.add("listen_address " + listenAddress + " is not a loopback address; the API is meant to be "
                    + "reached through an SSH tunnel. To listen there anyway, set allow_remote_clients: true in the "
                    + "http section");
        }
        if (shutdownGrace == null) {
            problems.add("shutdown_grace must be set");
        }
        if (maxRunningTasks != null && maxRunningTasks < 1) {
            problems.add("max_running_tasks must be at least 1, was " + maxRunningTasks);
        }
        checkFile("the server certificate (server_cert_file in the http section, or ace_user_cert_file)",
                serverCertFile, problems);
        checkFile("the server's private key (server_key_file in the http section, or ace_user_key_file)",
                serverKeyFile, problems);
        checkFile("the CA of the client certificates (ca_cert_file)", clientCaFile, problems);
        if (!problems.isEmpty()) {
            throw new InvalidConfigurationException(Operation.HTTP_SERVER.subject(), problems);
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
     * The {@code http} section of {@code file} ({@code ace.yaml}), read through core's table of
     * options ({@link Operation#HTTP_SERVER}), over the defaults of {@link #builder(AceConfig)};
     * relative paths are taken relative to the file's directory.
     *
     * @throws InvalidConfigurationException listing every problem of the section, or of the settings together
     */
    public static ServerSettings load(Path file, AceConfig config) {
        return builder(config, Options.parseYaml(Operation.HTTP_SERVER, file)).build();
    }

    /**
     * Settings from parsed {@link Operation#HTTP_SERVER} options (the {@code http} section, or the
     * command line's flags), over the defaults of {@link #builder(AceConfig)}.
     */
    public static Builder builder(AceConfig config, OptionValues http) {
        if (http.operation() != Operation.HTTP_SERVER) {
            throw new IllegalArgumentException("options of " + http.operation().apiName() + ", not http settings");
        }
        Builder builder = builder(config).listenAddress(http.getOrDefault(Options.LISTEN_ADDRESS))
                .port(http.getOrDefault(Options.PORT)).allowRemoteClients(http.getOrDefault(Options.ALLOW_REMOTE_CLIENTS))
                .shutdownGrace(http.getOrDefault(Options.SHUTDOWN_GRACE))
                .outputDirectory(http.get(Options.OUTPUT_DIR).orElse(null))
                .taskStore(http.get(Options.TASK_STORE).orElse(null))
                .maxRunningTasks(http.get(Options.MAX_RUNNING_TASKS).orElse(null))
                .maxQueuedTasks(http.get(Options.MAX_QUEUED_TASKS).orElse(null));
        http.get(Options.CA_CERT_FILE).ifPresent(builder::clientCaFile);
        if (http.isSet(Options.SERVER_CERT_FILE) || http.isSet(Options.SERVER_KEY_FILE)) {
            builder.serverCertificate(http.get(Options.SERVER_CERT_FILE).orElse(null),
                    http.get(Options.SERVER_KEY_FILE).orElse(null), http.get(Options.SERVER_KEY_PASSWORD).orElse(null));
        }
        return builder;
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
        private String listenAddress = Options.LISTEN_ADDRESS.defaultValue().orElseThrow();
        private int port = Options.PORT.defaultValue().orElseThrow();
        private boolean allowRemoteClients;
        private Path serverCertFile;
        private Path serverKeyFile;
        private String serverKeyPassword;
        private Path clientCaFile;
        private Duration shutdownGrace = Options.SHUTDOWN_GRACE.defaultValue().orElseThrow();
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
