package dev.ace.core.repair;

import static dev.ace.core.repair.RepairTesting.ace;
import static dev.ace.core.repair.RepairTesting.allKeys;
import static dev.ace.core.repair.RepairTesting.diff;
import static dev.ace.core.repair.RepairTesting.repair;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ace.core.Ace;
import dev.ace.core.diff.DiffResult;
import dev.ace.testkit.TestDatabase;
import dev.ace.testkit.WithPgCluster;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@WithPgCluster(nodes = 2)
class RepairReplicationTest {

    @TempDir
    Path dir;

    @Test
    void repairingASubscriberFromItsPublisherKeepsTheSubscriptionWorking(TestDatabase db) {
        db.executeOnAll("CREATE TABLE t (id int PRIMARY KEY, v text)");
        db.execute("n1", "INSERT INTO t SELECT i, 'v' || i FROM generate_series(1, 1000) i");
        var subscription = db.replication().subscribe("n1", "n2", "t");
        try {
            db.execute("n2", "DELETE FROM t WHERE id = 5", "UPDATE t SET v = 'only on n2' WHERE id = 6",
                    "INSERT INTO t VALUES (2000, 'only on n2')");
            try (Ace ace = ace(db, dir)) {
                DiffResult diverged = diff(ace, "public.t", "all");
                assertThat(allKeys(diverged)).containsExactly("2000", "5", "6");
                RepairResult result = ace.repair().repair(repair("public.t", diverged).sourceOfTruth("n1").build());
                NodeRepairResult n2 = result.node("n2");
                assertThat(List.of(n2.deleted(), n2.inserted(), n2.updated())).containsExactly(1L, 1L, 1L);
                assertThat(diff(ace, "public.t", "all").match()).isTrue();

                // had the repair left row 2000 on n2, applying this insert would fail and stop the subscription
                db.execute("n1", "INSERT INTO t VALUES (2000, 'from n1')", "UPDATE t SET v = 'newer' WHERE id = 6",
                        "DELETE FROM t WHERE id = 5");
                subscription.awaitCatchUp();
                assertThat(db.queryValue("n2", "SELECT v FROM t WHERE id = 2000")).isEqualTo("from n1");
                assertThat(db.queryValue("n2", "SELECT v FROM t WHERE id = 6")).isEqualTo("newer");
                assertThat(diff(ace, "public.t", "all").match()).isTrue();
                assertThat(db.queryValue("n2", "SELECT count(*) FROM pg_stat_subscription WHERE pid IS NOT NULL "
                        + "AND relid IS NULL")).isEqualTo("1");
            }
        } finally {
            subscription.drop();
        }
    }
}
