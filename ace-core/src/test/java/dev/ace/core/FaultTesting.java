package dev.ace.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ace.testkit.ClusterFiles;
import dev.ace.testkit.FaultProxy;
import dev.ace.testkit.PgNode;
import dev.ace.testkit.TestDatabase;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** What the fault and crash tests share: the diverged table, a cluster definition through proxies, waiting. */
final class FaultTesting {

    private FaultTesting() {
    }

    /** Table t of 2000 rows on n1, n2 and n3: n2 lacks 1-20, holds 21-40 changed and 5001-5020 extra; n3 holds 41-50 changed. */
    static void seed(TestDatabase db) {
        db.executeOnAll("CREATE TABLE t (id int PRIMARY KEY, v text)",
                "INSERT INTO t SELECT i, 'value ' || i FROM generate_series(1, 2000) i");
        db.execute("n2", "DELETE FROM t WHERE id <= 20", "UPDATE t SET v = 'n2' WHERE id BETWEEN 21 AND 40",
                "INSERT INTO t SELECT i, 'n2 only' FROM generate_series(5001, 5020) i");
        db.execute("n3", "UPDATE t SET v = 'n3' WHERE id BETWEEN 41 AND 50");
    }

    /**
     * Writes {@code <directory>/<cluster>/<cluster>.json} for the test database's nodes n1 to n3, the
     * nodes in {@code proxied} reached through their proxy; returns {@code directory}.
     */
    static Path clusterThrough(Path directory, String cluster, TestDatabase db, Map<String, FaultProxy> proxied) {
        Map<String, PgNode> nodes = new LinkedHashMap<>();
        for (String name : new String[] {"n1", "n2", "n3"}) {
            nodes.put(name, proxied.containsKey(name) ? proxied.get(name).node() : db.node(name));
        }
        ClusterFiles.writeClusterJson(directory, cluster, db.name(), nodes);
        return directory;
    }

    static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("timed out waiting until " + what).isLessThan(deadline);
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
