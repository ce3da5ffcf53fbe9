package dev.ace.core.diff;

import dev.ace.core.Ace;
import dev.ace.core.AceConfig;
import dev.ace.testkit.TestDatabase;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** Shared set-up of diff tests: an Ace over a test database's cluster file, writing into a temp directory. */
final class DiffTesting {

    private DiffTesting() {
    }

    static Ace ace(TestDatabase db, Path dir) {
        db.writeClusterJson(dir.resolve("cluster"));
        return Ace.create(AceConfig.builder().clusterDirectory(dir.resolve("cluster")).outputDirectory(dir.resolve("out"))
                .build());
    }

    static TableDiffRequest.Builder request(String table) {
        return TableDiffRequest.builder("acetest", table);
    }

    /** The first key column of every row of one pair and node in the diff file. */
    static List<String> keys(DiffResult result, String pair, String node) {
        return DiffFile.open(result.diffFile()).rows(pair, node).stream().map(row -> String.join(",", row.key())).toList();
    }

    /**
     * The diff as the range path runs it (ranges planned from the table, hashed one by one), which
     * tables too large for one scan within statement_timeout take; small tables take the one-pass
     * scan otherwise.
     */
    static DiffResult onTheRangePath(java.util.function.Supplier<DiffResult> diff) {
        System.setProperty(dev.ace.core.internal.diff.DiffEngine.ONE_PASS_PROPERTY, "false");
        try {
            return diff.get();
        } finally {
            System.clearProperty(dev.ace.core.internal.diff.DiffEngine.ONE_PASS_PROPERTY);
        }
    }

    /** Every key that appears anywhere in the diff file, any pair, any node. */
    static Set<String> allKeys(DiffResult result) {
        Set<String> keys = new TreeSet<>();
        DiffFile.open(result.diffFile()).forEachRow((pair, node, row) -> keys.add(String.join(",", row.key())));
        return keys;
    }
}
