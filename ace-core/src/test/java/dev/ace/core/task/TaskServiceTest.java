package dev.ace.core.task;

import dev.ace.core.Ace;
import dev.ace.core.AceConfig;
import dev.ace.core.CallerRole;
import dev.ace.core.diff.DiffResult;
import dev.ace.core.diff.TableDiffRequest;
import dev.ace.core.diff.TableRerunRequest;
import dev.ace.core.error.AceException;
import dev.ace.core.error.ErrorCode;
import dev.ace.core.error.NotFoundException;
import dev.ace.core.error.TooManyTasksException;
import dev.ace.core.internal.task.SqliteTaskStore;
import dev.ace.core.internal.task.TaskManager;
import dev.ace.core.internal.task.TaskStore;
import dev.ace.core.option.Operation;
import dev.ace.core.option.Options;
import dev.ace.core.repair.NodeRepairResult;
import dev.ace.core.repair.RepairResult;
import dev.ace.core.repair.TableRepairRequest;
import dev.ace.testkit.TestDatabase;
import dev.ace.testkit.WithPgCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Tasks on real nodes: each kind of operation runs to its end as a task, a full executor refuses
 * more, queued and running tasks can be cancelled, a role sees only its own tasks, closing ACE
 * leaves nothing running, and finished tasks are purged after their retention.
 *
 * <p>To hold a task in RUNNING, a test connection locks the table on n1 (ACCESS EXCLUSIVE): the
 * operation's first read of the table there waits on that lock until the lock is released or the
 * operation's statement is cancelled. A diff knows how many blocks it will count from the
 * catalog's estimates, then waits on n1 for the table's key bounds, where it can be cancelled.
 */
@WithPgCluster(nodes = 2)
class TaskServiceTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    /** Well below the statement timeout (60 s): a cancelled task that ends within it was stopped by the cancel. */
    private static final Duration STOP = Duration.ofSeconds(20);
    private static final CallerRole SERVICE = CallerRole.SERVICE;

    @TempDir
    Path dir;

    private Ace ace(TestDatabase db, UnaryOperator<AceConfig.Builder> settings) {
        db.writeClusterJson(dir.resolve("cluster"));
        return Ace.create(settings.apply(AceConfig.builder().clusterDirectory(dir.resolve("cluster"))
                .outputDirectory(dir.resolve("out"))).build());
    }

    /** 2,000 rows on both nodes; n2 lacks row 10, has row 20 changed and extra rows 5000 and 5001. */
    private static void diverge(TestDatabase db) {
        db.executeOnAll("CREATE TABLE t (id int PRIMARY KEY, v text)",
                "INSERT INTO t SELECT i, 'v' || i FROM generate_series(1, 2000) i");
        db.execute("n2", "DELETE FROM t WHERE id = 10", "UPDATE t SET v = 'changed' WHERE id = 20",
                "INSERT INTO t VALUES (5000, 'extra'), (5001, 'extra')");
        db.executeOnAll("ANALYZE t");
    }

    private static TableDiffRequest.Builder diff() {
        return TableDiffRequest.builder("acetest", "public.t").blockRows(1000).maxDiffRows(0);
    }

    private static Task finished(Ace ace, String id, CallerRole role) {
        return finished(ace, id, role, WAIT);
    }

    private static Task finished(Ace ace, String id, CallerRole role, Duration within) {
        Task task = ace.tasks().awaitCompletion(id, role, within);
        assertThat(task.finished()).as("task %s finished within %s: %s", id, within, task).isTrue();
        return task;
    }

    /** Holds ACCESS EXCLUSIVE on public.t on n1 until closed. */
    private static Connection lockTable(TestDatabase db) throws Exception {
        Connection connection = db.node("n1").connect(db.name());
        connection.setAutoCommit(false);
        try (Statement statement = connection.createStatement()) {
            statement.execute("LOCK TABLE public.t IN ACCESS EXCLUSIVE MODE");
        }
        return connection;
    }

    /** Waits until an ACE session on n1 waits for a lock: the task is running and stuck on the locked table. */
    private static void awaitBlocked(TestDatabase db, Ace ace, String id, CallerRole role) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            long waiting = db.node("n1").count(db.name(), "SELECT 1 FROM pg_stat_activity WHERE datname = "
                    + "current_database() AND application_name = 'ace' AND wait_event_type = 'Lock'");
            if (waiting > 0 && ace.tasks().get(id, role).state() == TaskState.RUNNING) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("task " + id + " never blocked on the locked table: " + ace.tasks().get(id, role));
    }

    private static List<Path> diffFiles(Path dir) throws Exception {
        Path diffs = dir.resolve("out").resolve("diffs");
        if (!Files.exists(diffs)) {
            return List.of();
        }
        try (var files = Files.walk(diffs)) {
            return files.filter(Files::isRegularFile).toList();
        }
    }

    // ------------------------------------------------------------------ running to the end

    @Test
    void aDiffTaskCompletesWithItsResultAndADiffFileNamedForTheTask(TestDatabase db) {
        diverge(db);
        Task done;
        try (Ace ace = ace(db, settings -> settings)) {
            Task submitted = ace.tasks().submit(diff().build());
            assertThat(submitted.id()).matches("td_\\d{8}_\\d{9}_[0-9a-f]{20}");
            assertThat(submitted.type()).isEqualTo(TaskType.TABLE_DIFF);
            assertThat(submitted.state()).isEqualTo(TaskState.QUEUED);
            assertThat(submitted.role()).isEqualTo(SERVICE);
            assertThat(submitted.options()).containsExactly(Map.entry("cluster_name", "acetest"),
                    Map.entry("table_name", "public.t"), Map.entry("block_rows", 1000), Map.entry("output", "json"),
                    Map.entry("max_diff_rows", 0), Map.entry("nodes", "all"), Map.entry("quiet", false));

            done = finished(ace, submitted.id(), SERVICE);
            assertThat(done.state()).isEqualTo(TaskState.COMPLETED);
            assertThat(done.errorCode()).isNull();
            assertThat(done.errorMessage()).isNull();
            assertThat(done.startedAt()).isAfterOrEqualTo(done.submittedAt());
            assertThat(done.finishedAt()).isAfterOrEqualTo(done.startedAt());
            assertThat(done.timeTaken()).isEqualTo(Duration.between(done.startedAt(), done.finishedAt()));
            DiffResult result = done.diffResult().orElseThrow();
            assertThat(done.repairResult()).isEmpty();
            assertThat(result.taskId()).isEqualTo(submitted.id());
            assertThat(result.diffCounts()).containsExactly(Map.entry("n1/n2", 4L));
            assertThat(result.diffFile()).exists();
            assertThat(result.diffFile().getFileName().toString()).isEqualTo("public_t_diffs-" + submitted.id() + ".json");
            assertThat(done.progress()).isEqualTo(new TaskProgress.Ranges(result.rangesPlanned(), result.rangesPlanned()));
            // cancelling a finished task leaves it as it is
            assertThat(ace.tasks().cancel(submitted.id(), SERVICE)).isEqualTo(done);
            assertThat(ace.activeConnections()).isZero();
        }
        // the task, result included, outlives the Ace that ran it
        try (Ace ace = ace(db, settings -> settings)) {
            assertThat(ace.tasks().get(done.id(), SERVICE)).isEqualTo(done);
        }
    }

    @Test
    void aRepairTaskAndARerunTaskComplete(TestDatabase db) {
        diverge(db);
        try (Ace ace = ace(db, settings -> settings)) {
            DiffResult before = ace.diff().diff(diff().build());
            Task repair = ace.tasks().submit(TableRepairRequest.builder("acetest", "public.t")
                    .diffFile(before.diffFile()).sourceOfTruth("n1").generateReport(true).build());
            assertThat(repair.id()).startsWith("tr_");
            assertThat(repair.options()).containsEntry("diff_file", before.diffFile().toString())
                    .containsEntry("source_of_truth", "n1").containsEntry("generate_report", true)
                    .containsEntry("lock_timeout", "10s");
            Task repaired = finished(ace, repair.id(), SERVICE);
            assertThat(repaired.state()).as(repaired.toString()).isEqualTo(TaskState.COMPLETED);
            RepairResult result = repaired.repairResult().orElseThrow();
            assertThat(result.taskId()).isEqualTo(repair.id());
            NodeRepairResult n2 = result.node("n2");
            assertThat(n2.status()).isEqualTo(NodeRepairResult.Status.REPAIRED);
            assertThat(List.of(n2.deleted(), n2.inserted(), n2.updated())).containsExactly(2L, 1L, 1L);
            // the task keeps the counts; the rows changed are in the report
            assertThat(n2.changes()).isEmpty();
            assertThat(result.report().getFileName().toString()).isEqualTo("public_t_repair-" + repair.id() + ".json");
            assertThat(result.report()).exists();

            Task rerun = ace.tasks().submit(TableRerunRequest.builder("acetest", "public.t")
                    .diffFile(before.diffFile()).build());
            assertThat(rerun.id()).startsWith("rr_");
            Task rechecked = finished(ace, rerun.id(), SERVICE);
            assertThat(rechecked.state()).as(rechecked.toString()).isEqualTo(TaskState.COMPLETED);
            DiffResult still = rechecked.diffResult().orElseThrow();
            assertThat(still.match()).isTrue();
            assertThat(still.diffFile().getFileName().toString()).isEqualTo("public_t_diffs-" + rerun.id() + ".json");
            assertThat(ace.tasks().list(TaskQuery.builder(SERVICE).build()).tasks()).extracting(Task::id)
                    .containsExactly(rerun.id(), repair.id());
        }
    }

    @Test
    void aRepairTaskReportsRowsPlannedAndAppliedPerNode(TestDatabase db) {
        diverge(db);
        try (Ace ace = ace(db, settings -> settings)) {
            DiffResult before = ace.diff().diff(diff().build());
            Task repair = ace.tasks().submit(TableRepairRequest.builder("acetest", "public.t")
                    .diffFile(before.diffFile()).sourceOfTruth("n1").build());
            Task repaired = finished(ace, repair.id(), SERVICE);
            assertThat(repaired.progress()).isEqualTo(new TaskProgress.Rows(Map.of("n2",
                    new TaskProgress.NodeRows(4, 4))));
        }
    }

    @Test
    void aRepairThatFailsOnSomeNodeIsFailedAndKeepsEveryNodesOutcome(TestDatabase db) {
        diverge(db);
        // n2 refuses the repair's updates; its transaction rolls back as a whole
        db.execute("n2", "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                        + "RAISE EXCEPTION 'no updates today'; END $$",
                "CREATE TRIGGER refuse BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION refuse()",
                "ALTER TABLE t ENABLE ALWAYS TRIGGER refuse");
        try (Ace ace = ace(db, settings -> settings)) {
            DiffResult before = ace.diff().diff(diff().build());
            Task repair = ace.tasks().submit(TableRepairRequest.builder("acetest", "public.t")
                    .diffFile(before.diffFile()).sourceOfTruth("n1").build());
            Task failed = finished(ace, repair.id(), SERVICE);
            assertThat(failed.state()).as(failed.toString()).isEqualTo(TaskState.FAILED);
            NodeRepairResult n2 = failed.repairResult().orElseThrow().node("n2");
            assertThat(n2.status()).isEqualTo(NodeRepairResult.Status.FAILED);
            assertThat(failed.errorCode()).isEqualTo(n2.errorCode()).isNotNull();
            assertThat(failed.errorMessage()).isEqualTo("table-repair of public.t failed on n2 (n2: " + n2.error()
                    + "); committed on no node");
            assertThat(n2.error()).contains("no updates today");
        }
        assertThat(db.queryValue("n2", "SELECT count(*) FROM t")).isEqualTo("2001");
    }

    @Test
    void aDiffTaskRunsItsFollowUpAndKeepsTheFilesItWrote(TestDatabase db) throws Exception {
        diverge(db);
        Path report = dir.resolve("out").resolve("report.txt");
        Task done;
        try (Ace ace = ace(db, settings -> settings)) {
            Task submitted = ace.tasks().submit(diff().build(), result -> {
                try {
                    Files.writeString(report, result.taskId() + " " + result.totalDiffs());
                } catch (java.io.IOException e) {
                    throw new AceException(ErrorCode.IO_ERROR, e.getMessage(), e);
                }
                return Map.of("txt", report);
            });
            done = finished(ace, submitted.id(), SERVICE);
            assertThat(done.state()).isEqualTo(TaskState.COMPLETED);
            assertThat(done.result()).isEqualTo(new TaskResult.Diff(done.diffResult().orElseThrow(),
                    Map.of("txt", report)));
            assertThat(Files.readString(report)).isEqualTo(submitted.id() + " 4");

            Task broken = ace.tasks().submit(diff().build(), result -> {
                throw new AceException(ErrorCode.IO_ERROR, "the disk is full");
            });
            Task failed = finished(ace, broken.id(), SERVICE);
            assertThat(failed.state()).isEqualTo(TaskState.FAILED);
            assertThat(failed.errorCode()).isEqualTo(ErrorCode.IO_ERROR);
            assertThat(failed.errorMessage()).isEqualTo("the disk is full");
        }
        try (Ace ace = ace(db, settings -> settings)) {
            assertThat(ace.tasks().get(done.id(), SERVICE)).isEqualTo(done);
        }
    }

    /** The SQLite store, counting the progress writes. */
    private static final class CountingStore implements TaskStore {
        private final TaskStore store;
        final AtomicInteger progressWrites = new AtomicInteger();

        CountingStore(TaskStore store) {
            this.store = store;
        }

        @Override
        public boolean insert(Task task) {
            return store.insert(task);
        }

        @Override
        public boolean update(Task task) {
            return store.update(task);
        }

        @Override
        public void updateProgress(String id, TaskProgress progress) {
            progressWrites.incrementAndGet();
            store.updateProgress(id, progress);
        }

        @Override
        public java.util.Optional<Task> find(String id) {
            return store.find(id);
        }

        @Override
        public TaskPage list(TaskQuery query) {
            return store.list(query);
        }

        @Override
        public List<Task> unfinished() {
            return store.unfinished();
        }

        @Override
        public List<Task> finishedBefore(Instant cutoff) {
            return store.finishedBefore(cutoff);
        }

        @Override
        public boolean delete(String id) {
            return store.delete(id);
        }

        @Override
        public void close() {
            store.close();
        }
    }

    @Test
    void progressIsWrittenAtMostTwiceASecondAndAlwaysAtTheEnd(TestDatabase db) {
        db.executeOnAll("CREATE TABLE t (id int PRIMARY KEY, v text)",
                "INSERT INTO t SELECT i, 'v' || i FROM generate_series(1, 30000) i", "ANALYZE t");
        AtomicInteger reports = new AtomicInteger();
        try (Ace ace = ace(db, settings -> settings);
             CountingStore store = new CountingStore(SqliteTaskStore.open(ace.config().taskStore()));
             TaskManager tasks = new TaskManager(ace.config(), ace.diff(), ace.repair(), ace.rerun(), store,
                     Clock.systemUTC())) {
            long start = System.nanoTime();
            Task submitted = tasks.submit(diff().progress((done, total) -> reports.incrementAndGet()).build());
            Task done = tasks.awaitCompletion(submitted.id(), SERVICE, WAIT);
            long elapsedMs = Duration.ofNanos(System.nanoTime() - start).toMillis();
            int ranges = done.diffResult().orElseThrow().rangesPlanned();
            assertThat(ranges).isGreaterThan(20);
            // the caller's listener hears every report (0 of N once the ranges are planned, then one per
            // range); the store gets at most one write per 500 ms
            assertThat(reports.get()).isEqualTo(ranges + 1);
            assertThat(store.progressWrites.get()).isLessThanOrEqualTo((int) (elapsedMs / 500) + 1)
                    .isLessThan(ranges);
            assertThat(done.progress()).isEqualTo(new TaskProgress.Ranges(ranges, ranges));
        }
    }

    // ------------------------------------------------------------------ refusing

    @Test
    void anInvalidRequestThrowsEveryProblemAndCreatesNoTask(TestDatabase db) throws Exception {
        diverge(db);
        try (Ace ace = ace(db, settings -> settings)) {
            Path file = ace.diff().diff(diff().build()).diffFile();
            Path missing = dir.resolve("nope.json");
            Path clusterFile = dir.resolve("cluster").resolve("acetest").resolve("acetest.json");
            String lookup = " and no pg_service.conf (looked for $ACE_PGSERVICEFILE, $PGSERVICEFILE, "
                    + "./pg_service.conf, ~/.pg_service.conf, /etc/pg_service.conf)";
            String notFound = "cluster nowhere not found: there is no cluster file "
                    + dir.resolve("cluster").resolve("nowhere").resolve("nowhere.json") + lookup;

            // a request's own options are checked when it is built (or its JSON body parsed), before any submission
            assertProblems(() -> ace.tasks().submit(TableDiffRequest.builder("nowhere", "public.t").blockRows(5)
                    .build()), "block_rows must be between 1000 and 100000, was 5");
            assertProblems(() -> ace.tasks().submit(TableDiffRequest.builder("nowhere", "public.t").build()),
                    notFound);
            assertProblems(() -> ace.tasks().submit(diff().nodes("n1,n9").build()),
                    "cluster acetest has no node n9; its nodes are n1, n2");
            assertProblems(() -> ace.tasks().submit(TableRepairRequest.builder("acetest", "public.t")
                    .diffFile(missing).build()),
                    "source_of_truth is required unless fix_nulls or bidirectional is set");
            assertProblems(() -> ace.tasks().submit(TableRepairRequest.builder("acetest", "public.t")
                    .diffFile(missing).sourceOfTruth("n1").build()),
                    "diff_file " + missing + " does not exist");
            assertProblems(() -> ace.tasks().submit(TableRerunRequest.from(Options.parse(Operation.TABLE_RERUN,
                    Map.of("cluster_name", "acetest", "table_name", "public.other", "diff_file", file.toString(),
                            "behavior", "fast")))),
                    "behavior must be multiprocessing or hostdb, was \"fast\"");
            assertProblems(() -> ace.tasks().submit(TableRerunRequest.builder("acetest", "public.other")
                    .diffFile(file).build()),
                    "diff_file " + file + " is a diff of table public.t, not of public.other");

            // the diff file's cluster is resolved too, without connecting to its nodes
            Files.move(clusterFile, dir.resolve("moved.json"));
            String gone = "cluster acetest not found: there is no cluster file " + clusterFile + lookup;
            assertProblems(() -> ace.tasks().submit(TableRepairRequest.builder("acetest", "public.t")
                    .diffFile(file).sourceOfTruth("n3").build()),
                    "source_of_truth n3 is not one of the diff file's nodes (n1, n2)", gone);
            assertProblems(() -> ace.tasks().submit(TableRerunRequest.builder("acetest", "public.t")
                    .diffFile(file).build()), gone);

            // the services check exactly the same, without a task
            assertProblems(() -> ace.rerun().validate(TableRerunRequest.builder("acetest", "public.t")
                    .diffFile(file).build()), gone);
            assertProblems(() -> ace.repair().validate(TableRepairRequest.builder("acetest", "public.t")
                    .diffFile(file).sourceOfTruth("n1").build()), gone);
            Files.move(dir.resolve("moved.json"), clusterFile);
            assertProblems(() -> ace.diff().validate(diff().nodes("n1,n9").build()),
                    "cluster acetest has no node n9; its nodes are n1, n2");
            ace.repair().validate(TableRepairRequest.builder("acetest", "public.t").diffFile(file).sourceOfTruth("n1")
                    .build());
            ace.rerun().validate(TableRerunRequest.builder("acetest", "public.t").diffFile(file).build());
            ace.diff().validate(diff().build());

            assertThat(ace.tasks().list(TaskQuery.builder(SERVICE).build()).total()).isZero();
        }
    }

    private static void assertProblems(Runnable submission, String... problems) {
        assertThatThrownBy(submission::run)
                .isInstanceOf(dev.ace.core.error.InvalidRequestException.class)
                .satisfies(e -> assertThat(((AceException) e).problems()).containsExactly(problems));
    }

    @Test
    void aSubmissionBeyondTheRunningAndQueuedLimitsIsRefused(TestDatabase db) throws Exception {
        diverge(db);
        try (Ace ace = ace(db, settings -> settings.maxRunningTasks(1).maxQueuedTasks(1))) {
            Task first;
            Task second;
            try (Connection lock = lockTable(db)) {
                first = ace.tasks().submit(diff().build());
                awaitBlocked(db, ace, first.id(), SERVICE);
                second = ace.tasks().submit(diff().build());
                assertThat(ace.tasks().get(second.id(), SERVICE).state()).isEqualTo(TaskState.QUEUED);
                assertThatThrownBy(() -> ace.tasks().submit(diff().build()))
                        .isInstanceOf(TooManyTasksException.class)
                        .hasMessage("too many tasks: 1 running and 1 queued, as many as max_running_tasks (1) and "
                                + "max_queued_tasks (1) allow; submit the table-diff again when one has finished")
                        .satisfies(e -> assertThat(((AceException) e).code()).isEqualTo(ErrorCode.TOO_MANY_TASKS));
                assertThat(ace.tasks().list(TaskQuery.builder(SERVICE).build()).total()).isEqualTo(2);
                lock.rollback();
            }
            assertThat(finished(ace, first.id(), SERVICE).state()).isEqualTo(TaskState.COMPLETED);
            assertThat(finished(ace, second.id(), SERVICE).state()).isEqualTo(TaskState.COMPLETED);
            // a slot is free again
            assertThat(finished(ace, ace.tasks().submit(diff().build()).id(), SERVICE).state())
                    .isEqualTo(TaskState.COMPLETED);
        }
    }

    // ------------------------------------------------------------------ cancelling

    @Test
    void cancellingAQueuedDiffEndsItWithoutRunningAndCancellingARunningOneStopsIt(TestDatabase db) throws Exception {
        diverge(db);
        try (Ace ace = ace(db, settings -> settings.maxRunningTasks(1))) {
            try (Connection lock = lockTable(db)) {
                Task running = ace.tasks().submit(diff().build());
                awaitBlocked(db, ace, running.id(), SERVICE);
                Task queued = ace.tasks().submit(diff().build());

                Task cancelled = ace.tasks().cancel(queued.id(), SERVICE);
                assertThat(cancelled.state()).isEqualTo(TaskState.CANCELLED);
                assertThat(cancelled.startedAt()).isNull();
                assertThat(cancelled.finishedAt()).isNotNull();
                assertThat(cancelled.errorCode()).isEqualTo(ErrorCode.CANCELLED);
                assertThat(cancelled.errorMessage()).isEqualTo("cancelled before it started");
                assertThat(ace.tasks().get(queued.id(), SERVICE)).isEqualTo(cancelled);

                ace.tasks().cancel(running.id(), SERVICE);
                Task stopped = finished(ace, running.id(), SERVICE, STOP);
                assertThat(stopped.state()).isEqualTo(TaskState.CANCELLED);
                assertThat(stopped.errorCode()).isEqualTo(ErrorCode.CANCELLED);
                assertThat(stopped.errorMessage()).startsWith("table-diff of public.t was cancelled after 0 of ")
                        .endsWith(" ranges; no diff file was written");
                assertThat(stopped.result()).isNull();
                lock.rollback();
            }
            assertThat(diffFiles(dir)).isEmpty();
            assertThat(ace.activeConnections()).isZero();
        }
    }

    @Test
    void cancellingARunningRepairEndsItCancelledWithNothingCommitted(TestDatabase db) throws Exception {
        diverge(db);
        try (Ace ace = ace(db, settings -> settings)) {
            DiffResult before = ace.diff().diff(diff().build());
            try (Connection lock = lockTable(db)) {
                Task repair = ace.tasks().submit(TableRepairRequest.builder("acetest", "public.t")
                        .diffFile(before.diffFile()).sourceOfTruth("n1").build());
                awaitBlocked(db, ace, repair.id(), SERVICE);
                ace.tasks().cancel(repair.id(), SERVICE);
                Task stopped = finished(ace, repair.id(), SERVICE, STOP);
                assertThat(stopped.state()).as(stopped.toString()).isEqualTo(TaskState.CANCELLED);
                assertThat(stopped.errorCode()).isEqualTo(ErrorCode.CANCELLED);
                stopped.repairResult().ifPresent(result -> assertThat(result.repairedNodes()).isEmpty());
                lock.rollback();
            }
            assertThat(db.queryValue("n2", "SELECT v FROM t WHERE id = 20")).isEqualTo("changed");
        }
    }

    @Test
    void cancellingARunningRerunEndsItCancelled(TestDatabase db) throws Exception {
        diverge(db);
        try (Ace ace = ace(db, settings -> settings)) {
            DiffResult before = ace.diff().diff(diff().build());
            try (Connection lock = lockTable(db)) {
                Task rerun = ace.tasks().submit(TableRerunRequest.builder("acetest", "public.t")
                        .diffFile(before.diffFile()).build());
                awaitBlocked(db, ace, rerun.id(), SERVICE);
                ace.tasks().cancel(rerun.id(), SERVICE);
                Task stopped = finished(ace, rerun.id(), SERVICE, STOP);
                assertThat(stopped.state()).as(stopped.toString()).isEqualTo(TaskState.CANCELLED);
                assertThat(stopped.errorCode()).isEqualTo(ErrorCode.CANCELLED);
                assertThat(stopped.result()).isNull();
                lock.rollback();
            }
            assertThat(diffFiles(dir)).containsExactly(before.diffFile());
        }
    }

    // ------------------------------------------------------------------ roles

    @Test
    void aRoleSeesAndCancelsOnlyItsOwnTasks(TestDatabase db) {
        diverge(db);
        CallerRole alice = CallerRole.of("task_test_alice");
        CallerRole bob = CallerRole.of("task_test_bob");
        try (Ace ace = ace(db, settings -> settings)) {
            Task task = ace.tasks().submit(diff().role(alice).build());
            assertThat(task.role()).isEqualTo(alice);
            for (CallerRole other : List.of(bob, SERVICE)) {
                assertThatThrownBy(() -> ace.tasks().get(task.id(), other))
                        .isInstanceOf(NotFoundException.class).hasMessage("task " + task.id() + " not found");
                assertThatThrownBy(() -> ace.tasks().cancel(task.id(), other))
                        .isInstanceOf(NotFoundException.class).hasMessage("task " + task.id() + " not found");
                assertThatThrownBy(() -> ace.tasks().awaitCompletion(task.id(), other, Duration.ZERO))
                        .isInstanceOf(NotFoundException.class).hasMessage("task " + task.id() + " not found");
                assertThat(ace.tasks().list(TaskQuery.builder(other).build()).tasks()).isEmpty();
            }
            // the role does not exist on the nodes: the task runs as it and fails, saying why
            Task failed = finished(ace, task.id(), alice);
            assertThat(failed.state()).isEqualTo(TaskState.FAILED);
            assertThat(failed.errorCode()).isEqualTo(ErrorCode.PERMISSION_DENIED);
            assertThat(failed.errorMessage()).startsWith("cannot act as role task_test_alice on node n1");
            assertThat(ace.tasks().list(TaskQuery.builder(alice).build()).tasks()).containsExactly(failed);
        }
    }

    // ------------------------------------------------------------------ stopping ACE

    @Test
    void closingAceLeavesItsQueuedAndRunningTasksFailedInterrupted(TestDatabase db) throws Exception {
        diverge(db);
        Task running;
        Task queued;
        try (Connection lock = lockTable(db)) {
            Ace ace = ace(db, settings -> settings.maxRunningTasks(1));
            try {
                running = ace.tasks().submit(diff().build());
                awaitBlocked(db, ace, running.id(), SERVICE);
                queued = ace.tasks().submit(diff().build());
            } finally {
                long closing = System.nanoTime();
                ace.close();
                assertThat(Duration.ofNanos(System.nanoTime() - closing)).isLessThan(STOP);
            }
            assertThatThrownBy(ace::tasks).isInstanceOf(IllegalStateException.class)
                    .hasMessage("this Ace instance is closed");
            lock.rollback();
        }
        try (Ace ace = ace(db, settings -> settings)) {
            Task wasRunning = ace.tasks().get(running.id(), SERVICE);
            assertThat(wasRunning.state()).isEqualTo(TaskState.FAILED);
            assertThat(wasRunning.errorCode()).isEqualTo(ErrorCode.INTERRUPTED);
            assertThat(wasRunning.errorMessage()).startsWith("interrupted: ACE was closed while the task was running "
                    + "(table-diff of public.t was cancelled after 0 of ");
            assertThat(wasRunning.startedAt()).isNotNull();
            Task wasQueued = ace.tasks().get(queued.id(), SERVICE);
            assertThat(wasQueued.state()).isEqualTo(TaskState.FAILED);
            assertThat(wasQueued.errorCode()).isEqualTo(ErrorCode.INTERRUPTED);
            assertThat(wasQueued.errorMessage()).isEqualTo("interrupted: ACE was closed before the task started; "
                    + "submit it again");
            assertThat(wasQueued.startedAt()).isNull();
        }
        assertThat(diffFiles(dir)).isEmpty();
    }

    @Test
    void shutdownLetsARunningTaskFinishWithinTheGrace(TestDatabase db) throws Exception {
        diverge(db);
        try (Ace ace = ace(db, settings -> settings.maxRunningTasks(1))) {
            Task running;
            Task queued;
            Connection lock = lockTable(db);
            try {
                running = ace.tasks().submit(diff().build());
                awaitBlocked(db, ace, running.id(), SERVICE);
                queued = ace.tasks().submit(diff().build());
            } finally {
                Thread release = new Thread(() -> {
                    try {
                        Thread.sleep(500);
                        lock.rollback();
                        lock.close();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                release.start();
                ace.tasks().shutdown(WAIT);
                release.join();
            }
            assertThat(ace.tasks().get(running.id(), SERVICE).state()).isEqualTo(TaskState.COMPLETED);
            Task wasQueued = ace.tasks().get(queued.id(), SERVICE);
            assertThat(wasQueued.state()).isEqualTo(TaskState.CANCELLED);
            assertThat(wasQueued.errorCode()).isEqualTo(ErrorCode.CANCELLED);
            assertThat(wasQueued.errorMessage()).isEqualTo("cancelled before it started: ACE was stopped; submit it "
                    + "again");
            assertThat(wasQueued.startedAt()).isNull();
            assertThatThrownBy(() -> ace.tasks().submit(diff().build())).isInstanceOf(TooManyTasksException.class)
                    .hasMessage("the task service is shutting down (ACE is stopping); submit the table-diff again "
                            + "once ACE runs again");
        }
    }

    @Test
    void shutdownCancelsWhatStillRunsAfterTheGraceAndRecordsItCancelled(TestDatabase db) throws Exception {
        diverge(db);
        try (Ace ace = ace(db, settings -> settings)) {
            try (Connection lock = lockTable(db)) {
                Task running = ace.tasks().submit(diff().build());
                awaitBlocked(db, ace, running.id(), SERVICE);
                long start = System.nanoTime();
                ace.tasks().shutdown(Duration.ofMillis(700));
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(700), STOP);
                Task stopped = ace.tasks().get(running.id(), SERVICE);
                assertThat(stopped.state()).isEqualTo(TaskState.CANCELLED);
                assertThat(stopped.errorCode()).isEqualTo(ErrorCode.CANCELLED);
                assertThat(stopped.errorMessage()).startsWith("cancelled: ACE was stopped and the task did not finish "
                        + "within the grace period of 700 ms (table-diff of public.t was cancelled after 0 of ");
                lock.rollback();
            }
            assertThat(diffFiles(dir)).isEmpty();
            try (var files = Files.walk(dir.resolve("out").resolve("diffs"))) {
                assertThat(files.filter(Files::isRegularFile).toList()).as("spool and partial files").isEmpty();
            }
        }
    }

    // ------------------------------------------------------------------ retention

    /** A clock the test moves by hand. */
    private static final class TestClock extends Clock {
        private final AtomicReference<Instant> now = new AtomicReference<>(Instant.now());

        void advance(Duration duration) {
            now.updateAndGet(instant -> instant.plus(duration));
        }

        @Override
        public Instant instant() {
            return now.get();
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    @ParameterizedTest(name = "purge_task_files {0}")
    @ValueSource(booleans = {false, true})
    void finishedTasksArePurgedAfterTheirRetentionWithTheirFilesOnlyWhenConfigured(boolean purgeFiles,
                                                                                TestDatabase db) {
        diverge(db);
        TestClock clock = new TestClock();
        try (Ace ace = ace(db, settings -> settings.taskRetention(Duration.ofHours(1)).purgeTaskFiles(purgeFiles));
             TaskManager tasks = new TaskManager(ace.config(), ace.diff(), ace.repair(), ace.rerun(),
                     SqliteTaskStore.open(ace.config().taskStore()), clock)) {
            Task old = tasks.submit(diff().build());
            Path oldFile = tasks.awaitCompletion(old.id(), SERVICE, WAIT).diffResult().orElseThrow().diffFile();
            clock.advance(Duration.ofMinutes(59));
            assertThat(tasks.purgeExpired()).isZero();
            clock.advance(Duration.ofMinutes(2));
            Task recent = tasks.submit(diff().build());
            Path recentFile = tasks.awaitCompletion(recent.id(), SERVICE, WAIT).diffResult().orElseThrow().diffFile();

            assertThat(tasks.purgeExpired()).isEqualTo(1);
            assertThatThrownBy(() -> tasks.get(old.id(), SERVICE)).isInstanceOf(NotFoundException.class);
            assertThat(tasks.get(recent.id(), SERVICE).state()).isEqualTo(TaskState.COMPLETED);
            assertThat(Files.exists(oldFile)).isEqualTo(!purgeFiles);
            assertThat(recentFile).exists();
        }
    }
}
