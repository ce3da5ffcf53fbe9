package dev.ace.http;

import dev.ace.testkit.TestCertificates;
import dev.ace.testkit.TestDatabase;
import dev.ace.testkit.WithPgCluster;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * 200 clients at once on loopback, each with its own connection, half of them submitting diffs
 * and all of them reading statuses: every request is answered, 200 or (a full queue) 503 with
 * Retry-After, never a 500 or a hang, no client sees a connection error, and every task the server
 * took is listed and runs to its end with the exact result (the one row changed).
 */
@WithPgCluster(nodes = 2)
class ConcurrencyTest {

    private static final int CLIENTS = 200;

    @TempDir
    Path dir;

    @Test
    void twoHundredConcurrentClientsAreAllAnsweredAndNoTaskIsLost(TestDatabase db) throws Exception {
        db.executeOnAll("CREATE TABLE t (id int PRIMARY KEY, v text)",
                "INSERT INTO t SELECT i, 'v' || i FROM generate_series(1, 200) i");
        db.execute("n2", "UPDATE t SET v = 'changed' WHERE id = 7");
        try (TestServer api = TestServer.start(db, dir, config -> config.maxRunningTasks(2).maxQueuedTasks(30),
                settings -> settings)) {
            List<TestCertificates.Issued> certificates = List.of(TestServer.CA.issueClient("postgres"),
                    TestServer.CA.issueClient("postgres"), TestServer.CA.issueClient("postgres"));
            Map<String, Object> diff = Map.of("cluster_name", "acetest", "table_name", "public.t");
            Set<String> accepted = ConcurrentHashMap.newKeySet();
            List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
            Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                int number = i;
                ApiClient client = new ApiClient(api.server.uri(), TestServer.CA, certificates.get(i % 3));
                Thread thread = new Thread(() -> {
                    try {
                        start.await();
                        List<ApiClient.Response> answers = new ArrayList<>();
                        if (number % 2 == 0) {
                            ApiClient.Response submitted = client.post("/ace/table-diff", diff);
                            answers.add(submitted);
                            if (submitted.status() == 200) {
                                String id = (String) submitted.json().get("task_id");
                                accepted.add(id);
                                answers.add(client.get("/ace/task-status/" + id));
                            } else if (!submitted.headers().firstValue("Retry-After").isPresent()) {
                                failures.add("a 503 without Retry-After: " + submitted.body());
                            }
                        } else {
                            answers.add(client.get("/ace/tasks?limit=10"));
                            answers.add(client.get("/ace/health"));
                        }
                        answers.add(client.get("/ace/tasks?status=COMPLETED&limit=1"));
                        for (ApiClient.Response answer : answers) {
                            statuses.merge(answer.status(), 1, Integer::sum);
                            if (answer.status() != 200 && answer.status() != 503) {
                                failures.add(answer.status() + " " + answer.body());
                            }
                        }
                    } catch (Exception | AssertionError e) {
                        failures.add("client " + number + ": " + e);
                    }
                }, "client-" + i);
                thread.start();
                threads.add(thread);
            }
            start.countDown();
            for (Thread thread : threads) {
                thread.join(TimeUnit.MINUTES.toMillis(5));
                assertThat(thread.isAlive()).as(thread.getName() + " finished").isFalse();
            }
            assertThat(failures).as("connection errors and unexpected answers").isEmpty();
            assertThat(statuses.keySet()).isSubsetOf(200, 503);
            assertThat(statuses.values().stream().mapToInt(Integer::intValue).sum())
                    .isEqualTo(CLIENTS / 2 * 3 + CLIENTS / 2 * 2 + accepted.size());
            assertThat(accepted).isNotEmpty();

            // no task lost: each accepted one is listed and finishes
            ApiClient reader = api.client("postgres");
            for (String id : accepted) {
                Map<String, Object> task = reader.awaitTask(id);
                assertThat(task).as(id).containsEntry("status", "COMPLETED");
                // exact: each diff found the one row changed, and nothing else
                @SuppressWarnings("unchecked")
                Map<String, Object> result = (Map<String, Object>) task.get("result");
                assertThat(result).as(id).containsEntry("total_rows", 200).containsEntry("mismatched_rows", 1);
                assertThat((Map<String, Object>) result.get("summary")).as(id)
                        .containsEntry("diff_count", Map.of("n1/n2", 1));
            }
            assertThat(reader.get("/ace/tasks?limit=1000").expect(200).json().get("total")).isEqualTo(accepted.size());
        }
    }
}
