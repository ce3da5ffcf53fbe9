package dev.ace.core.diff;

import dev.ace.core.Ace;
import dev.ace.core.AceConfig;
import dev.ace.core.CallerRole;
import dev.ace.core.Cancellation;
import dev.ace.core.error.AceException;
import dev.ace.core.error.ClusterNotFoundException;
import dev.ace.core.error.ErrorCode;
import dev.ace.core.error.InvalidRequestException;
import dev.ace.core.error.NodeUnreachableException;
import dev.ace.core.error.PermissionDeniedException;
import dev.ace.core.option.Operation;
import dev.ace.core.option.Options;
import dev.ace.testkit.TestDatabase;
import dev.ace.testkit.WithPgCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static dev.ace.core.diff.DiffTesting.ace;
import static dev.ace.core.diff.DiffTesting.allKeys;
import static dev.ace.core.diff.DiffTesting.keys;
import static dev.ace.core.diff.DiffTesting.onTheRangePath;
import static dev.ace.core.diff.DiffTesting.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@WithPgCluster(nodes = 4)
class DiffScenariosTest {

    @TempDir
    Path dir;

    private static void seed(TestDatabase db, int rows) {
        db.executeOnAll("CREATE TABLE t (id int PRIMARY KEY, v text, n numeric)",
                "INSERT INTO t SELECT i, 'v' || i, i / 3.0 FROM generate_series(1, " + rows + ") i");
    }

    private long diffFiles() throws Exception {
        Path out = dir.resolve("out");
        if (!Files.exists(out)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(out)) {
            return files.filter(Files::isRegularFile).count();
        }
    }

    @Test
    void compositeMixedTypeKeysInKeyOrderAcrossFourNodesReportEveryPair(TestDatabase db) {
        db.executeOnAll("CREATE SCHEMA \"Sales\"",
                "CREATE TABLE \"Sales\".\"Order Lines\" (\"Day\" date, line int, \"Region\" text, qty int, "
                        + "PRIMARY KEY (\"Region\", \"Day\", line))",
                "INSERT INTO \"Sales\".\"Order Lines\" SELECT date '2024-01-01' + (i % 30), i, "
                        + "CASE WHEN i % 2 = 0 THEN 'EU' ELSE 'us' END, i FROM generate_series(1, 3000) i");
        db.execute("n3", "UPDATE \"Sales\".\"Order Lines\" SET qty = -1 WHERE line = 10");
        db.execute("n4", "DELETE FROM \"Sales\".\"Order Lines\" WHERE line = 11");
        try (Ace ace = ace(db, dir)) {
            DiffResult result = ace.diff().diff(request("\"Sales\".\"Order Lines\"").blockRows(1000).build());
            assertThat(result.diffCounts()).containsExactly(Map.entry("n1/n3", 1L), Map.entry("n1/n4", 1L),
                    Map.entry("n2/n3", 1L), Map.entry("n2/n4", 1L), Map.entry("n3/n4", 2L));
            assertThat(keys(result, "n1/n3", "n3")).containsExactly("EU,2024-01-11,10");
            assertThat(keys(result, "n1/n4", "n1")).containsExactly("us,2024-01-12,11");
            assertThat(keys(result, "n1/n4", "n4")).isEmpty();
            assertThat(keys(result, "n3/n4", "n3")).containsExactly("EU,2024-01-11,10", "us,2024-01-12,11");
            assertThat(DiffFile.open(result.diffFile()).summary().primaryKey()).containsExactly("Region", "Day", "line");

            DiffResult subset = ace.diff().diff(request("\"Sales\".\"Order Lines\"").nodes("n1, n2").build());
            assertThat(subset.match()).isTrue();
            assertThat(subset.nodes()).containsExactly("n1", "n2");
        }
    }

    @Test
    void aValueMovingBetweenColumnsOrAcrossASeparatorIsADifference(TestDatabase db) {
        db.executeOnAll("CREATE TABLE t (id int PRIMARY KEY, a text, b text)");
        db.execute("n1", "INSERT INTO t VALUES (1, 'x|', 'y'), (2, 'p', NULL), (3, 'NULL', 'z')");
        db.execute("n2", "INSERT INTO t VALUES (1, 'x', '|y'), (2, NULL, 'p'), (3, NULL, 'z')");
        try (Ace ace = ace(db, dir)) {
            DiffResult result = ace.diff().diff(request("public.t").nodes("n1,n2").build());
            assertThat(keys(result, "n1/n2", "n1")).containsExactly("1", "2", "3");
        }
    }

    @Test
    void emptyTablesMatchAndATableEmptyOnOneNodeReportsEveryRow(TestDatabase db) {
        db.executeOnAll("CREATE TABLE t (id bigint PRIMARY KEY, v text)");
        try (Ace ace = ace(db, dir)) {
            DiffResult empty = ace.diff().diff(request("public.t").build());
            assertThat(empty.match()).isTrue();
            assertThat(empty.rangesPlanned()).isEqualTo(1);
            db.execute("n1", "INSERT INTO t SELECT i, 'v' FROM generate_series(1, 2500) i");
            db.execute("n2", "INSERT INTO t SELECT i, 'v' FROM generate_series(1, 2500) i");
            DiffResult oneEmpty = ace.diff().diff(request("public.t").nodes("n1,n2,n3").blockRows(1000).build());
            assertThat(oneEmpty.diffCounts()).containsExactly(Map.entry("n1/n3", 2500L), Map.entry("n2/n3", 2500L));
            assertThat(oneEmpty.rowsChecked()).containsEntry("n3", 0L);
            assertThat(keys(oneEmpty, "n1/n3", "n1")).hasSize(2500).startsWith("1", "2", "3").endsWith("2500");
        }
    }

    @Test
    void skewedKeysLargeTablesAndBatchesGiveTheSameExactAnswer(TestDatabase db) {
        db.executeOnAll("CREATE TABLE t (id bigint PRIMARY KEY, v text)",
                "INSERT INTO t SELECT CASE WHEN i <= 60000 THEN i ELSE 1000000000000 + i::bigint * i END, md5(i::text) "
                        + "FROM generate_series(1, 80000) i",
                "ANALYZE t");
        db.execute("n2", "UPDATE t SET v = 'changed' WHERE id IN (1, 30000, 60000)",
                "DELETE FROM t WHERE id = 1000000000000 + 70000::bigint * 70000",
                "INSERT INTO t VALUES (-5, 'new'), (9000000000000000000, 'huge')");
        try (Ace ace = ace(db, dir)) {
            DiffResult sampled = ace.diff().diff(request("public.t").nodes("n1,n2").blockRows(1000).build());
            DiffResult batched = ace.diff().diff(request("public.t").nodes("n1,n2").blockRows(1000).batchSize(7).build());
            for (DiffResult result : new DiffResult[] {sampled, batched}) {
                assertThat(result.diffCounts()).containsExactly(Map.entry("n1/n2", 6L));
                assertThat(allKeys(result)).containsExactlyInAnyOrder("-5", "1", "30000", "60000",
                        "1004900000000", "9000000000000000000");
                assertThat(result.rowsChecked()).containsEntry("n1", 80000L).containsEntry("n2", 80001L);
            }
            assertThat(sampled.rangesPlanned()).isBetween(40, 160);
        }
    }

    @Test
    void textKeysThatSortDifferentlyOnSomeNodeAreStillComparedExactly(TestDatabase db) {
        db.execute("n1", "CREATE TABLE t (k text COLLATE \"C\" PRIMARY KEY, v int)");
        db.execute("n2", "CREATE TABLE t (k text COLLATE \"POSIX\" PRIMARY KEY, v int)");
        for (String node : new String[] {"n1", "n2"}) {
            db.execute(node, "INSERT INTO t SELECT chr(65 + i % 26) || chr(97 + i % 26) || i, i FROM generate_series(1, 3000) i");
        }
        db.execute("n2", "UPDATE t SET v = -1 WHERE k = 'Bb1'", "DELETE FROM t WHERE k = 'Zz25'");
        try (Ace ace = ace(db, dir)) {
            DiffResult result = ace.diff().diff(request("public.t").nodes("n1,n2").blockRows(1000).build());
            assertThat(allKeys(result)).containsExactly("Bb1", "Zz25");
            // the range path compares such a key as one range
            DiffResult ranged = onTheRangePath(() -> ace.diff().diff(request("public.t").nodes("n1,n2").blockRows(1000).build()));
            assertThat(ranged.rangesPlanned()).isEqualTo(1);
            assertThat(allKeys(ranged)).containsExactly("Bb1", "Zz25");
        }
    }

    @Test
    void theCapOnDifferingRowsTruncatesAndCanBeLifted(TestDatabase db) {
        seed(db, 3000);
        db.execute("n2", "UPDATE t SET v = 'x' WHERE id % 100 = 0");
        try (Ace ace = ace(db, dir)) {
            DiffResult capped = ace.diff().diff(request("public.t").nodes("n1,n2").blockRows(1000).maxDiffRows(5).build());
            assertThat(capped.truncated()).isTrue();
            assertThat(capped.diffCounts()).containsExactly(Map.entry("n1/n2", 5L));
            assertThat(keys(capped, "n1/n2", "n2")).hasSize(5);
            assertThat(DiffFile.open(capped.diffFile()).summary().truncated()).isTrue();
            DiffResult all = ace.diff().diff(request("public.t").nodes("n1,n2").maxDiffRows(0).build());
            assertThat(all.truncated()).isFalse();
            assertThat(all.diffCounts()).containsExactly(Map.entry("n1/n2", 30L));
        }
    }

    @Test
    void theFilterAppliesToHashingSplittingAndFetching(TestDatabase db) {
        seed(db, 3000);
        db.execute("n2", "UPDATE t SET v = 'x' WHERE id IN (10, 2000)", "DELETE FROM t WHERE id = 2500");
        try (Ace ace = ace(db, dir)) {
            DiffResult result = ace.diff().diff(request("public.t").nodes("n1,n2").blockRows(1000)
                    .tableFilter("id < 2200 -- a comment").build());
            assertThat(allKeys(result)).containsExactly("10", "2000");
            assertThat(result.rowsChecked()).containsEntry("n1", 2199L);
            assertThat(DiffFile.open(result.diffFile()).summary().tableFilter()).isEqualTo("id < 2200 -- a comment");
        }
    }

    @Test
    void aFilterCannotWriteChangeRolesOrSmuggleStatements(TestDatabase db) throws Exception {
        seed(db, 100);
        db.executeOnAll("CREATE SEQUENCE s", "CREATE TABLE victim (id int PRIMARY KEY)",
                "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'reader') "
                        + "THEN CREATE ROLE reader; END IF; END $$", "GRANT SELECT ON t TO reader");
        try (Ace ace = ace(db, dir)) {
            assertThatThrownBy(() -> ace.diff().diff(request("public.t").tableFilter("1=1; DROP TABLE victim").build()))
                    .isInstanceOf(InvalidRequestException.class)
                    .hasMessage("table_filter must be one SQL boolean expression without ';', was '1=1; DROP TABLE victim'");
            assertThatThrownBy(() -> ace.diff().diff(request("public.t").tableFilter("nextval('s') > 0").build()))
                    .isInstanceOf(InvalidRequestException.class)
                    .hasMessageStartingWith("table_filter 'nextval('s') > 0' fails on node n")
                    .hasMessageEndingWith("cannot execute nextval() in a read-only transaction (a filter may only read)");
            assertThat(db.queryValue("n1", "SELECT last_value || '/' || is_called FROM s")).isEqualTo("1/false");
            assertThatThrownBy(() -> ace.diff().diff(request("public.t").role(CallerRole.of("reader"))
                    .tableFilter("set_config('role', 'postgres', false) IS NOT NULL").build()))
                    .isInstanceOf(PermissionDeniedException.class)
                    .hasMessageContaining("table_filter changed the role of the session on node n");
            assertThatThrownBy(() -> ace.diff().diff(request("public.t").tableFilter("id <<>> 'x").build()))
                    .isInstanceOf(InvalidRequestException.class)
                    .hasMessage("table_filter has an unclosed string literal, was 'id <<>> 'x'");
            assertThatThrownBy(() -> ace.diff().diff(request("public.t").tableFilter("no_such_column > 1").build()))
                    .isInstanceOf(InvalidRequestException.class)
                    .hasMessageStartingWith("table_filter 'no_such_column > 1' fails on node n1 (127.0.0.1:")
                    .hasMessageEndingWith("column \"no_such_column\" does not exist");
            assertThat(db.queryValue("n1", "SELECT count(*) FROM victim")).isEqualTo("0");
            assertThat(ace.diff().diff(request("public.t").tableFilter("'{\"a\":1}'::jsonb ? 'a' AND v <> 'a;b'")
                    .build()).rowsChecked()).containsEntry("n1", 100L);
            assertThat(diffFiles()).isEqualTo(1);
        }
    }

    @Test
    void everyOptionProblemIsListedBeforeAnyDatabaseWork(TestDatabase db) {
        try (Ace ace = ace(db, dir)) {
            assertThatThrownBy(() -> ace.diff().diff(TableDiffRequest.builder(" ", "users").blockRows(10).maxCpuRatio(2.0)
                    .batchSize(0).nodes("n1").maxDiffRows(-1).build()))
                    .isInstanceOf(InvalidRequestException.class)
                    .satisfies(e -> assertThat(((AceException) e).problems()).containsExactly(
                            "cluster_name is required",
                            "table_name must be schema.table (quote parts that hold a dot: \"my.schema\".\"my table\"), "
                                    + "was 'users': the schema is missing",
                            "block_rows must be between 1000 and 100000, was 10",
                            "max_cpu_ratio must be above 0 and at most 1, was 2.0",
                            "batch_size must be between 1 and 1000, was 0",
                            "max_diff_rows must be 0 (no cap) or more, was -1",
                            "nodes must name at least 2 nodes, was \"n1\""));
            // output is typed in Java; as text it is checked where the API's JSON is read
            assertThatThrownBy(() -> Options.parse(Operation.TABLE_DIFF, Map.of("cluster_name", "acetest",
                    "table_name", "public.t", "output", "xml")))
                    .isInstanceOf(InvalidRequestException.class)
                    .hasMessage("output must be json, csv or html, was \"xml\"");
            assertThatThrownBy(() -> ace.diff().diff(TableDiffRequest.builder("nope", "public.t").build()))
                    .isInstanceOf(ClusterNotFoundException.class);
            assertThatThrownBy(() -> ace.diff().diff(request("public.t").nodes("n1,n9").build()))
                    .hasMessage("cluster acetest has no node n9; its nodes are n1, n2, n3, n4");
        }
    }

    @Test
    void aStatementTimeoutFailsTheDiffAndLeavesNoFile(TestDatabase db) throws Exception {
        seed(db, 100);
        db.writeClusterJson(dir.resolve("cluster"));
        try (Ace ace = Ace.create(AceConfig.builder().clusterDirectory(dir.resolve("cluster"))
                .outputDirectory(dir.resolve("out")).statementTimeout(Duration.ofMillis(200)).build())) {
            assertThatThrownBy(() -> ace.diff().diff(request("public.t").tableFilter("pg_sleep(0.01) IS NOT NULL").build()))
                    .isInstanceOf(AceException.class)
                    .satisfies(e -> assertThat(((AceException) e).code()).isEqualTo(ErrorCode.STATEMENT_TIMEOUT))
                    .hasMessageContaining("statement timeout on node n");
            assertThat(diffFiles()).isZero();
        }
    }

    @Test
    void cancellingStopsTheDiffAndLeavesNoFile(TestDatabase db) throws Exception {
        seed(db, 20000);
        Cancellation cancellation = new Cancellation();
        AtomicInteger calls = new AtomicInteger();
        try (Ace ace = ace(db, dir)) {
            assertThatThrownBy(() -> ace.diff().diff(request("public.t").blockRows(1000).cancellation(cancellation)
                    .progress((done, total) -> {
                        if (calls.incrementAndGet() == 2) {
                            cancellation.cancel();
                        }
                    }).build()))
                    .isInstanceOf(AceException.class)
                    .satisfies(e -> assertThat(((AceException) e).code()).isEqualTo(ErrorCode.CANCELLED))
                    .hasMessageStartingWith("table-diff of public.t was cancelled after ");
            assertThat(diffFiles()).isZero();
            assertThat(ace.activeConnections()).isZero();
        }
    }

    @Test
    void aNodeLostMidwayIsNamedAndNoDiffFileIsLeft(TestDatabase db) throws Exception {
        seed(db, 5000);
        int port = db.node("n2").port();
        db.executeOnAll("CREATE FUNCTION slow_on(p int) RETURNS boolean LANGUAGE sql AS "
                + "$$ SELECT current_setting('port')::int <> p OR pg_sleep(0.0005) IS NOT NULL $$");
        Thread killer = new Thread(() -> {
            for (int i = 0; i < 400; i++) {
                String killed = db.queryValue("n2", "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                        + "WHERE application_name = 'ace' AND state = 'active' AND query LIKE '%slow_on%'");
                if (!"0".equals(killed)) {
                    return;
                }
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        try (Ace ace = ace(db, dir)) {
            killer.start();
            assertThatThrownBy(() -> ace.diff().diff(request("public.t").nodes("n1,n2").blockRows(1000)
                    .tableFilter("slow_on(" + port + ")").build()))
                    .isInstanceOf(NodeUnreachableException.class)
                    .hasMessageStartingWith("node n2 (127.0.0.1:" + port + ") is unreachable while diffing table public.t");
            killer.join();
            assertThat(diffFiles()).isZero();
        }
    }

    @Test
    void concurrentDiffsOfDifferentTablesShareSmallPoolsWithoutExhaustingThem(TestDatabase db) throws Exception {
        for (int i = 1; i <= 4; i++) {
            db.executeOnAll("CREATE TABLE t" + i + " (id int PRIMARY KEY, v text)",
                    "INSERT INTO t" + i + " SELECT g, 'v' FROM generate_series(1, 8000) g");
            db.execute("n2", "UPDATE t" + i + " SET v = 'x' WHERE id = " + i);
        }
        db.writeClusterJson(dir.resolve("cluster"));
        try (Ace ace = Ace.create(AceConfig.builder().clusterDirectory(dir.resolve("cluster"))
                .outputDirectory(dir.resolve("out")).maxConnectionsPerNode(2).build())) {
            var threads = java.util.concurrent.Executors.newFixedThreadPool(4);
            try {
                var futures = new java.util.ArrayList<java.util.concurrent.Future<DiffResult>>();
                for (int i = 1; i <= 4; i++) {
                    String table = "public.t" + i;
                    futures.add(threads.submit(() -> ace.diff().diff(request(table).nodes("n1,n2").blockRows(1000)
                            .maxCpuRatio(1.0).build())));
                }
                for (int i = 0; i < 4; i++) {
                    DiffResult result = futures.get(i).get();
                    assertThat(result.table().toString()).isEqualTo("public.t" + (i + 1));
                    assertThat(allKeys(result)).containsExactly(String.valueOf(i + 1));
                }
            } finally {
                threads.shutdownNow();
            }
            assertThat(ace.activeConnections()).isZero();
        }
    }

    @Test
    void aRoleWithoutSelectPrivilegeGetsAPermissionErrorNamingTheTable(TestDatabase db) {
        seed(db, 10);
        db.executeOnAll("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'outsider') "
                + "THEN CREATE ROLE outsider; END IF; END $$");
        AtomicInteger lastDone = new AtomicInteger();
        try (Ace ace = ace(db, dir)) {
            assertThatThrownBy(() -> ace.diff().diff(request("public.t").role(CallerRole.of("outsider")).build()))
                    .isInstanceOf(PermissionDeniedException.class)
                    .hasMessageStartingWith("permission denied on node n")
                    .hasMessageEndingWith("while diffing table public.t: permission denied for table t [SQLSTATE 42501]");
            DiffResult result = ace.diff().diff(request("public.t").progress((done, total) -> lastDone.set(done * 1000 + total))
                    .build());
            assertThat(lastDone.get()).isEqualTo(1001);
            assertThat(result.match()).isTrue();
        }
    }

    @Test
    void replicationLagIsFoundAndGoneOnceTheSubscriberCatchesUp(TestDatabase db) {
        db.executeOnAll("CREATE TABLE t (id int PRIMARY KEY, v text)");
        db.execute("n1", "INSERT INTO t SELECT i, 'v' || i FROM generate_series(1, 2000) i");
        var subscription = db.replication().subscribe("n1", "n2", "t");
        subscription.pause();
        db.execute("n1", "UPDATE t SET v = 'new' WHERE id IN (5, 1500)", "DELETE FROM t WHERE id = 7",
                "INSERT INTO t VALUES (3000, 'late')");
        try (Ace ace = ace(db, dir)) {
            DiffResult lagging = ace.diff().diff(request("public.t").nodes("n1,n2").blockRows(1000).build());
            assertThat(allKeys(lagging)).containsExactly("1500", "3000", "5", "7");
            subscription.resume();
            subscription.awaitCatchUp();
            DiffResult caughtUp = ace.diff().diff(request("public.t").nodes("n1,n2").blockRows(1000).build());
            assertThat(caughtUp.match()).isTrue();
        }
    }
}
