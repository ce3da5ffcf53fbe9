package dev.ace.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.sql.Connection;
import java.sql.DriverManager;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

class LeakDetectionTest {

    @Test
    void aTestThatLeavesAConnectionOpenFailsAndOneThatClosesItPasses() {
        var results = EngineTestKit.engine("junit-jupiter")
                .selectors(selectClass(LeakyTests.class))
                .execute()
                .testEvents();
        results.assertStatistics(stats -> stats.started(2).succeeded(1).failed(1));
        List<Event> failures = results.failed().list();
        assertThat(failures.get(0).getTestDescriptor().getDisplayName()).startsWith("leaksAConnection");
        assertThat(failures.get(0).getPayload(org.junit.platform.engine.TestExecutionResult.class).orElseThrow()
                .getThrowable().orElseThrow())
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("the test left connections open to acetest_")
                .hasMessageContaining("n1: [PostgreSQL JDBC Driver pid ");
        LeakyTests.close();
    }

    /** Run by the test above through the JUnit engine, not on its own. */
    @WithPgCluster(nodes = 1, scope = WithPgCluster.Scope.CLASS)
    static class LeakyTests {
        private static Connection leaked;

        @Test
        void leaksAConnection(TestDatabase db) throws Exception {
            PgNode node = db.node("n1");
            leaked = DriverManager.getConnection(node.jdbcUrl(db.name()), node.superuser(), "");
        }

        @Test
        void closesItsConnection(TestDatabase db) throws Exception {
            PgNode node = db.node("n1");
            try (Connection connection = DriverManager.getConnection(node.jdbcUrl(db.name()), node.superuser(), "")) {
                assertThat(connection.isValid(1)).isTrue();
            }
        }

        static void close() {
            try {
                if (leaked != null) {
                    leaked.close();
                }
            } catch (java.sql.SQLException ignored) {
                // the database was dropped with FORCE; the connection is already gone
            }
        }
    }
}
