package dev.ace.core.repair;

import static dev.ace.core.repair.RepairTesting.ace;
import static dev.ace.core.repair.RepairTesting.allKeys;
import static dev.ace.core.repair.RepairTesting.binaryRows;
import static dev.ace.core.repair.RepairTesting.diff;
import static dev.ace.core.repair.RepairTesting.repair;
import static dev.ace.core.repair.RepairTesting.rerun;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ace.core.Ace;
import dev.ace.core.diff.DiffResult;
import dev.ace.testkit.TestDatabase;
import dev.ace.testkit.WithPgCluster;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@WithPgCluster(nodes = 3)
class RepairSmokeTest {

    @TempDir
    Path dir;

    @Test
    void standardRepairMakesTargetsEqualToTheSource(TestDatabase db) {
        db.executeOnAll("CREATE TABLE t (id int PRIMARY KEY, v text, n numeric)",
                "INSERT INTO t SELECT i, 'v' || i, i / 3.0 FROM generate_series(1, 100) i");
        db.execute("n2", "DELETE FROM t WHERE id = 5", "UPDATE t SET v = 'changed' WHERE id = 6",
                "INSERT INTO t VALUES (500, 'extra', 1.50)");
        db.execute("n3", "UPDATE t SET n = NULL WHERE id = 7");
        try (Ace ace = ace(db, dir)) {
            DiffResult before = diff(ace, "public.t", "all");
            RepairResult result = ace.repair().repair(repair("public.t", before).sourceOfTruth("n1").build());
            System.out.println(result.describe());
            assertThat(result.node("n2").deleted()).isEqualTo(1);
            assertThat(result.node("n2").inserted()).isEqualTo(1);
            assertThat(result.node("n2").updated()).isEqualTo(1);
            assertThat(result.node("n3").updated()).isEqualTo(1);
            assertThat(allKeys(rerun(ace, "public.t", before, RerunBehavior.MULTIPROCESSING))).isEmpty();
            assertThat(allKeys(rerun(ace, "public.t", before, RerunBehavior.HOSTDB))).isEmpty();
            assertThat(diff(ace, "public.t", "all").match()).isTrue();
            assertThat(binaryRows(db, "n2", "t", "id")).isEqualTo(binaryRows(db, "n1", "t", "id"));
            assertThat(ace.activeConnections()).isZero();
        }
    }
}
