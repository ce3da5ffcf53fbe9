package dev.ace.testkit;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Nodes started from embedded PostgreSQL binaries, each a server of its own on a free loopback port. */
final class EmbeddedBackend implements NodeBackend {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedBackend.class);

    private final List<EmbeddedPostgres> servers = new ArrayList<>();
    private final List<Path> directories = new ArrayList<>();

    @Override
    public synchronized List<PgNode> start(int count) {
        List<PgNode> nodes = new ArrayList<>();
        try {
            for (int i = 1; i <= count; i++) {
                Path dataDirectory = Files.createTempDirectory("ace-node-n" + i + "-");
                directories.add(dataDirectory);
                EmbeddedPostgres server = EmbeddedPostgres.builder()
                        .setDataDirectory(dataDirectory)
                        .setCleanDataDirectory(true)
                        .setPGStartupWait(Duration.ofSeconds(60))
                        .setServerConfig("wal_level", "logical")
                        .setServerConfig("synchronous_commit", "on")
                        .setServerConfig("max_replication_slots", "16")
                        .setServerConfig("max_wal_senders", "16")
                        .setServerConfig("max_logical_replication_workers", "16")
                        .setServerConfig("max_worker_processes", "32")
                        .setServerConfig("max_connections", "200")
                        .setServerConfig("max_prepared_transactions", "16")
                        .setServerConfig("fsync", "off")
                        .setServerConfig("full_page_writes", "off")
                        .setServerConfig("listen_addresses", "127.0.0.1")
                        .start();
                servers.add(server);
                nodes.add(new PgNode("n" + i, "127.0.0.1", server.getPort(), "postgres", null, dataDirectory, "postgres"));
            }
            return nodes;
        } catch (IOException | RuntimeException e) {
            close();
            throw new TestKitException("could not start embedded PostgreSQL node " + (nodes.size() + 1) + " of " + count
                    + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean ownsServers() {
        return true;
    }

    @Override
    public synchronized void close() {
        // last node first: subscribers usually come after their publisher
        java.util.Collections.reverse(servers);
        for (EmbeddedPostgres server : servers) {
            try {
                server.close();
            } catch (IOException | RuntimeException e) {
                LOG.warn("could not stop embedded node on port {}: {}", server.getPort(), e.getMessage());
            }
        }
        servers.clear();
        for (Path directory : directories) {
            deleteRecursively(directory);
        }
        directories.clear();
    }

    private static void deleteRecursively(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            LOG.warn("could not delete {}: {}", directory, e.getMessage());
        }
    }
}
