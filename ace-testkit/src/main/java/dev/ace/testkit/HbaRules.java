package dev.ace.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Rewrites a node's {@code pg_hba.conf} and reloads it: for tests of authentication. */
final class HbaRules {

    private HbaRules() {
    }

    static void apply(PgNode node, List<String> lines) {
        Path dir = node.dataDirectory().orElseThrow(() -> new TestKitException(
                "node " + node.name() + " is not owned by the test kit, so it cannot change its pg_hba.conf"));
        try {
            Files.writeString(dir.resolve("pg_hba.conf"), "# written by the ACE test kit\n" + String.join("\n", lines) + "\n");
        } catch (IOException e) {
            throw new TestKitException("could not write pg_hba.conf of node " + node.name() + ": " + e.getMessage(), e);
        }
        node.execute(node.defaultDatabase(), "SELECT pg_reload_conf()");
    }
}
