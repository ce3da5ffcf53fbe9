package dev.ace.testkit;

import java.util.ArrayList;
import java.util.List;

/**
 * Nodes in PostgreSQL containers. Only used when selected explicitly; a missing Docker engine is
 * an error, never a reason to fall back to another backend or to skip tests.
 */
final class TestcontainersBackend implements NodeBackend {

    private final List<AutoCloseable> containers = new ArrayList<>();

    TestcontainersBackend() {
        try {
            Class.forName("org.testcontainers.containers.PostgreSQLContainer");
        } catch (ClassNotFoundException e) {
            throw new TestKitException("ACE_TEST_BACKEND=testcontainers needs org.testcontainers:postgresql on the "
                    + "test classpath");
        }
    }

    @Override
    public synchronized List<PgNode> start(int count) {
        if (!org.testcontainers.DockerClientFactory.instance().isDockerAvailable()) {
            throw new TestKitException("ACE_TEST_BACKEND=testcontainers was selected but no Docker engine answers on "
                    + "this machine; unset ACE_TEST_BACKEND to use embedded nodes");
        }
        List<PgNode> nodes = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            @SuppressWarnings("resource")
            org.testcontainers.containers.PostgreSQLContainer<?> container =
                    new org.testcontainers.containers.PostgreSQLContainer<>("postgres:17")
                            .withCommand("postgres", "-c", "wal_level=logical", "-c", "synchronous_commit=on",
                                    "-c", "max_replication_slots=16", "-c", "max_wal_senders=16",
                                    "-c", "max_prepared_transactions=16");
            container.start();
            containers.add(container);
            nodes.add(new PgNode("n" + i, container.getHost(), container.getMappedPort(5432),
                    container.getUsername(), container.getPassword(), null, container.getDatabaseName()));
        }
        return nodes;
    }

    @Override
    public boolean ownsServers() {
        return false;
    }

    @Override
    public synchronized void close() {
        for (AutoCloseable container : containers) {
            try {
                container.close();
            } catch (Exception ignored) {
                // stopping a container that already stopped
            }
        }
        containers.clear();
    }
}
