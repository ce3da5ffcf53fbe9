package dev.ace.http;

import dev.ace.testkit.TestDatabase;
import dev.ace.testkit.WithPgCluster;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static dev.ace.http.EndpointsTest.map;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every parameter of the API text does what it says through the API, on real nodes: table-diff
 * with all of its options, table-repair in each of its modes (dry_run, insert_only, upsert_only,
 * fix_nulls, bidirectional, fire_triggers, generate_report), table-rerun with either behavior.
 */
@WithPgCluster(nodes = 2)
class SpecificationOptionsTest {

    @TempDir
    Path dir;

    /** Submits, waits, and expects COMPLETED. */
    private static Map<String, Object> run(ApiClient client, String path, Map<String, Object> body) {
        Map<String, Object> done = client.awaitTask((String) client.post(path, body).expect(200).json().get("task_id"));
        assertThat(done).as(path + " " + body).containsEntry("status", "COMPLETED");
        return map(done.get("result"));
    }

    private static String diffFile(ApiClient client) {
        return (String) run(client, "/ace/table-diff", Map.of("cluster_name", "acetest", "table_name", "public.t"))
                .get("diff_file");
    }

    private static Map<String, Object> repair(ApiClient client, String diffFile, Map<String, Object> options) {
        Map<String, Object> body = new LinkedHashMap<>(Map.of("cluster_name", "acetest", "table_name", "public.t",
                "diff_file", diffFile));
        body.putAll(options);
        return map(run(client, "/ace/table-repair", body).get("summary"));
    }

    private static String value(TestDatabase db, String node, int id) {
        return db.queryValue(node, "SELECT coalesce((SELECT coalesce(v, 'NULL') FROM t WHERE id = " + id + "), "
                + "'absent')");
    }

    @Test
    void everyParameterOfTheApiTextWorksThroughTheApi(TestDatabase db) {
        EndpointsTest.diverge(db);   // n2: row 10 missing, row 20 changed, row 5000 extra
        db.execute("n2", "UPDATE t SET v = NULL WHERE id = 30");
        try (TestServer api = TestServer.start(db, dir)) {
            ApiClient client = api.client("postgres");

            // table-diff, every option of the API text
            Map<String, Object> diff = run(client, "/ace/table-diff", Map.of("cluster_name", "acetest",
                    "table_name", "public.t", "dbname", db.name(), "block_rows", 10000, "max_cpu_ratio", 0.8,
                    "output", "json", "nodes", "n1,n2", "batch_size", 50, "table_filter", "id < 1000",
                    "quiet", true));
            assertThat(diff).containsEntry("total_rows", 300).containsEntry("mismatched_rows", 3);
            String file = (String) diff.get("diff_file");

            // dry_run with generate_report: the report says what would change, nothing changes
            Map<String, Object> dry = repair(client, file, Map.of("source_of_truth", "n1", "dry_run", true,
                    "generate_report", true, "quiet", true));
            assertThat(dry).containsEntry("dry_run", true).containsEntry("mode", "standard");
            assertThat(Path.of((String) dry.get("report"))).exists();
            assertThat(value(db, "n2", 10)).isEqualTo("absent");

            // insert_only: the missing row comes back, nothing is overwritten or deleted
            assertThat(repair(client, file, Map.of("source_of_truth", "n1", "insert_only", true)))
                    .containsEntry("mode", "insert_only");
            assertThat(List.of(value(db, "n2", 10), value(db, "n2", 20), value(db, "n2", 5000)))
                    .containsExactly("v10", "changed", "extra");

            // upsert_only: changed rows take the source's values, the extra row stays
            assertThat(repair(client, diffFile(client), Map.of("source_of_truth", "n1", "upsert_only", true)))
                    .containsEntry("mode", "upsert_only");
            assertThat(List.of(value(db, "n2", 20), value(db, "n2", 30), value(db, "n2", 5000)))
                    .containsExactly("v20", "v30", "extra");

            // fix_nulls (no source_of_truth): each side's NULL takes the other's value
            db.execute("n2", "UPDATE t SET v = NULL WHERE id = 40");
            db.execute("n1", "UPDATE t SET v = NULL WHERE id = 41");
            assertThat(repair(client, diffFile(client), Map.of("fix_nulls", true))).containsEntry("mode", "fix_nulls");
            assertThat(List.of(value(db, "n2", 40), value(db, "n1", 41))).containsExactly("v40", "v41");

            // bidirectional with insert_only (no source_of_truth): each side's unique rows go to the other
            assertThat(repair(client, diffFile(client), Map.of("bidirectional", true, "insert_only", true)))
                    .containsEntry("mode", "bidirectional");
            assertThat(value(db, "n1", 5000)).isEqualTo("extra");

            // fire_triggers: the repair's writes fire ordinary triggers on the target
            db.execute("n2", "CREATE TABLE audit (id int)",
                    "CREATE FUNCTION audit_t() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                            + "INSERT INTO audit VALUES (NEW.id); RETURN NEW; END $$",
                    "CREATE TRIGGER audit_t AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION audit_t()",
                    "DELETE FROM t WHERE id IN (50, 51)");
            repair(client, diffFile(client), Map.of("source_of_truth", "n1", "fire_triggers", false));
            assertThat(db.queryValue("n2", "SELECT count(*) FROM audit")).isEqualTo("0");
            db.execute("n2", "DELETE FROM t WHERE id IN (50, 51)");
            repair(client, diffFile(client), Map.of("source_of_truth", "n1", "fire_triggers", true));
            assertThat(db.queryValue("n2", "SELECT string_agg(id::text, ',' ORDER BY id) FROM audit"))
                    .isEqualTo("50,51");

            // table-rerun, both behaviors, quiet
            db.execute("n2", "UPDATE t SET v = 'again' WHERE id = 60");
            String last = diffFile(client);
            for (String behavior : List.of("multiprocessing", "hostdb")) {
                Map<String, Object> rerun = run(client, "/ace/table-rerun", Map.of("cluster_name", "acetest",
                        "table_name", "public.t", "dbname", db.name(), "diff_file", last, "quiet", true,
                        "behavior", behavior));
                assertThat(rerun).as(behavior).containsEntry("total_rows", 1).containsEntry("mismatched_rows", 1);
            }
        }
    }
}
