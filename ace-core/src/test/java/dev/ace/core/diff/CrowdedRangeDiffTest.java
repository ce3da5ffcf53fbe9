package dev.ace.core.diff;

import dev.ace.core.Ace;
import dev.ace.core.repair.RepairResult;
import dev.ace.core.repair.RepairTesting;
import dev.ace.core.repair.TableRepairRequest;
import dev.ace.testkit.TestDatabase;
import dev.ace.testkit.WithPgCluster;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Ranges are planned on one node; another node may hold far more rows in one of them (here
 * 20,000 rows beyond the planning node's last key, in its last, open range). table-diff then
 * compares that range in groups of partitions of at most 2 x block_rows rows, and must still find
 * every difference exactly once, on the right side, so that a repair makes the nodes equal.
 */
@WithPgCluster(nodes = 2)
class CrowdedRangeDiffTest {

    @TempDir
    Path dir;

    @Test
    void aRangeCrowdedOnOneNodeIsComparedInGroupsAndEveryDifferenceIsFoundOnce(TestDatabase db) {
        db.executeOnAll("CREATE TABLE t (id int PRIMARY KEY, v text)");
        db.execute("n1", "INSERT INTO t SELECT i, 'v' || i FROM generate_series(1, 30000) i", "ANALYZE t");
        db.execute("n2", "INSERT INTO t SELECT i, 'v' || i FROM generate_series(1, 5000) i",
                "INSERT INTO t SELECT i, 'beyond' FROM generate_series(100001, 120000) i", "ANALYZE t");
        try (Ace ace = RepairTesting.ace(db, dir)) {
            DiffResult before = ace.diff().diff(TableDiffRequest.builder("acetest", "public.t").blockRows(1000)
                    .maxDiffRows(0).build());
            assertThat(before.diffCounts()).isEqualTo(Map.of("n1/n2", 45_000L));
            List<Integer> n1 = new ArrayList<>();
            List<Integer> n2 = new ArrayList<>();
            DiffFile.open(before.diffFile()).forEachRow((pair, node, row) ->
                    (node.equals("n1") ? n1 : n2).add(Integer.parseInt(row.key().get(0))));
            assertThat(n1).hasSize(25_000).doesNotHaveDuplicates().allMatch(id -> id > 5000 && id <= 30000);
            assertThat(n2).hasSize(20_000).doesNotHaveDuplicates().allMatch(id -> id > 100000 && id <= 120000);

            RepairResult repair = ace.repair().repair(TableRepairRequest.builder("acetest", "public.t")
                    .diffFile(before.diffFile()).sourceOfTruth("n1").build());
            assertThat(List.of(repair.totalDeleted(), repair.totalInserted(), repair.totalUpdated()))
                    .containsExactly(20_000L, 25_000L, 0L);
            assertThat(ace.diff().diff(TableDiffRequest.builder("acetest", "public.t").build()).match()).isTrue();
        }
    }
}
