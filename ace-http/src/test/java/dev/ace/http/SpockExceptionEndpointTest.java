package dev.ace.http;

import dev.ace.testkit.SpockStandIn;
import dev.ace.testkit.TestDatabase;
import dev.ace.testkit.WithPgCluster;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code POST /ace/update-spock-exception} against the test kit's Spock stand-in: 200, 400, 403, 404, 409. */
@WithPgCluster(nodes = 2)
class SpockExceptionEndpointTest {

    @TempDir
    Path dir;

    private static Map<String, Object> body(String node, Object origin, String xid, String status) {
        return Map.of("cluster_name", "acetest", "node_name", node, "exception_details", Map.of(
                "remote_origin", origin, "remote_commit_ts", "2024-03-15T12:34:56Z", "remote_xid", xid,
                "status", status));
    }

    private static String status(TestDatabase db) {
        return db.queryValue("n1", "SELECT CASE WHEN to_regclass('spock.exception_status') IS NULL THEN 'none' ELSE "
                + "(SELECT string_agg(status, ',') FROM spock.exception_status) END");
    }

    @Test
    void anExceptionIsResolvedByTheOriginsNameOrIdAndEveryOtherAnswerHasItsStatus(TestDatabase db) {
        SpockStandIn.install(db, "n1");
        SpockStandIn.exception("n2", "2024-03-15 12:34:56+00", 123456).seed(db, "n1");
        RolesTest.role(db, "api_auditor", false);
        try (TestServer api = TestServer.start(db, dir)) {
            ApiClient client = api.client("postgres");
            assertThat(client.post("/ace/update-spock-exception", body("n1", "n2", "123456", "RESOLVED")).expect(200)
                    .json()).isEqualTo(Map.of("message", "Exception status updated successfully"));
            assertThat(status(db)).isEqualTo("RESOLVED");
            client.post("/ace/update-spock-exception", body("n1", SpockStandIn.nodeId(db, "n1", "n2"), "123456",
                    "PENDING")).expect(200);
            assertThat(status(db)).isEqualTo("PENDING");

            assertThat(client.post("/ace/update-spock-exception", body("n1", "n2", "999", "RESOLVED")).expect(404)
                    .error()).startsWith("no Spock exception with remote_origin 26863, remote_commit_ts "
                    + "2024-03-15T12:34:56Z, remote_xid 999 on node n1");
            assertThat(client.post("/ace/update-spock-exception", body("n1", "origin1", "123456", "RESOLVED"))
                    .expect(400).error()).endsWith("the node names there are: n1, n2");
            assertThat(client.post("/ace/update-spock-exception", body("n2", "n1", "123456", "RESOLVED")).expect(409)
                    .error()).startsWith("Spock is not installed on node n2");
            assertThat(client.post("/ace/update-spock-exception", Map.of("cluster_name", "acetest", "node_name", "n1",
                    "exception_details", Map.of("remote_origin", -1, "status", "DONE", "colour", "red"))).expect(400)
                    .error()).startsWith("the update-spock-exception request has 5 problems:")
                    .contains("unknown option \"exception_details.colour\"")
                    .contains("exception_details.remote_origin must be")
                    .contains("exception_details.status must be PENDING, RESOLVED or UNRESOLVED, was \"DONE\"")
                    .contains("exception_details.remote_commit_ts is required")
                    .contains("exception_details.remote_xid is required");
            assertThat(client.post("/ace/update-spock-exception", body("n9", "n2", "123456", "RESOLVED")).expect(400)
                    .error()).isEqualTo("cluster acetest has no node n9; its nodes are n1, n2");
            // a role that may not read spock.node (nor update the exception tables)
            assertThat(api.client("api_auditor").post("/ace/update-spock-exception",
                    body("n1", "n2", "123456", "RESOLVED")).expect(403).error()).startsWith("permission denied on node n1")
                    .endsWith("while updating a Spock exception: permission denied for schema spock [SQLSTATE 42501]");
            assertThat(status(db)).isEqualTo("PENDING");
        }
    }
}
