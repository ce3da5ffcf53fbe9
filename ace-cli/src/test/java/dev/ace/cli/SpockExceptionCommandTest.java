package dev.ace.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ace.testkit.SpockStandIn;
import dev.ace.testkit.TestDatabase;
import dev.ace.testkit.WithPgCluster;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@WithPgCluster(nodes = 3)
class SpockExceptionCommandTest {

    /** n2's {@code spock.node.node_id}, derived from its name as Spock does. */
    private static final String N2 = "26863";

    @TempDir
    Path dir;

    private static void seed(TestDatabase db) {
        SpockStandIn.install(db, "n1");
        SpockStandIn.exception("n2", "2024-03-15 12:34:56.123456+00", 1001).table("public", "orders").commands(1, 2)
                .error("duplicate key value violates unique constraint").seed(db, "n1");
    }

    @Test
    void listShowsTheKeysThatUpdateTakesAndUpdateResolvesTheException(TestDatabase db) {
        seed(db);
        AceRun run = AceRun.at(dir, db);

        AceRun.Result list = run.run("spock-exception", "list", "acetest", "n1");
        assertThat(list.exit()).as(list.toString()).isZero();
        assertThat(list.out()).startsWith("2 exceptions on n1\n")
                .contains("  PENDING    origin " + N2 + "  commit 2024-03-15T12:34:56.123456Z  xid 1001  command 1  ")
                .contains("duplicate key value violates unique constraint");

        AceRun.Result update = run.run("spock-exception", "update", "acetest", "n1", "--remote-origin", N2,
                "--remote-commit-ts", "2024-03-15T12:34:56.123456Z", "--remote-xid", "1001", "--status", "RESOLVED",
                "--resolution-details", "{\"details\": \"fixed by hand\"}");
        assertThat(update.exit()).as(update.toString()).isZero();
        assertThat(update.out()).startsWith("Exception status updated successfully on n1: RESOLVED\n")
                .contains("  resolved at  ");
        assertThat(db.queryValue("n1", "SELECT string_agg(DISTINCT status, ',') FROM spock.exception_status_detail"))
                .isEqualTo("RESOLVED");

        JsonNode json = run.run("spock-exception", "list", "acetest", "n1", "--status", "RESOLVED", "--json").json();
        assertThat(json.path("total").asLong()).isEqualTo(2);
        assertThat(json.path("exceptions").get(0).path("resolution_details").asText()).contains("fixed by hand");
    }

    @Test
    void anUpdateThatMatchesNothingIsAFailureAndBadFieldsAreBadUsage(TestDatabase db) {
        seed(db);
        AceRun run = AceRun.at(dir, db);

        AceRun.Result none = run.run("spock-exception", "update", "acetest", "n1", "--remote-origin", N2,
                "--remote-commit-ts", "2024-03-15T12:34:56.123456Z", "--remote-xid", "999", "--status", "RESOLVED");
        assertThat(none.exit()).isEqualTo(3);
        assertThat(none.err()).startsWith("ace spock-exception update: ").hasLineCount(1);

        AceRun.Result bad = run.run("spock-exception", "update", "acetest", "n1", "--remote-origin", "4294967296",
                "--remote-commit-ts", "yesterday", "--status", "DONE");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err().lines()).hasSize(4).allSatisfy(line -> assertThat(line)
                .startsWith("ace spock-exception update: exception_details."));
    }

    @Test
    void theGroupAloneShowsItsHelpAndIsBadUsage(TestDatabase db) {
        AceRun.Result result = AceRun.at(dir, db).run("spock-exception");
        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.err()).contains("Commands:", "update", "list");
    }
}
