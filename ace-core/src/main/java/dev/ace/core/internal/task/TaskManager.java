package dev.ace.core.internal.task;

import dev.ace.core.AceConfig;
import dev.ace.core.CallerRole;
import dev.ace.core.Cancellation;
import dev.ace.core.diff.DiffProgressListener;
import dev.ace.core.diff.DiffResult;
import dev.ace.core.diff.DiffService;
import dev.ace.core.diff.RerunService;
import dev.ace.core.diff.TableDiffRequest;
import dev.ace.core.diff.TableRerunRequest;
import dev.ace.core.error.AceException;
import dev.ace.core.error.ErrorCode;
import dev.ace.core.error.NotFoundException;
import dev.ace.core.error.TooManyTasksException;
import dev.ace.core.repair.NodeRepairResult;
import dev.ace.core.repair.RepairProgressListener;
import dev.ace.core.repair.RepairResult;
import dev.ace.core.repair.RepairService;
import dev.ace.core.repair.TableRepairRequest;
import dev.ace.core.task.DiffFollowUp;
import dev.ace.core.task.Task;
import dev.ace.core.task.TaskPage;
import dev.ace.core.task.TaskProgress;
import dev.ace.core.task.TaskQuery;
import dev.ace.core.task.TaskResult;
import dev.ace.core.task.TaskService;
import dev.ace.core.task.TaskState;
import dev.ace.core.task.TaskType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The task service: validates and records each submission, runs at most
 * {@code max_running_tasks} at once on its own threads with at most {@code max_queued_tasks}
 * waiting (first come, first served), keeps every state change in the {@link TaskStore}, and
 * purges finished tasks after {@code task_retention}.
 *
 * <p>Progress is kept in memory as the operation reports it and written to the store at most
 * every {@link #PROGRESS_INTERVAL} per task by a housekeeping thread, and always with the final
 * state; reads of a task that runs here show the newest progress. On opening, tasks the store
 * still has as queued or running (left by a process that died or a store that was not closed)
 * end FAILED "interrupted". {@link #close()} ends queued tasks the same way, cancels running ones
 * and waits up to {@link #CLOSE_GRACE} for them; a task stopped that way ends FAILED
 * "interrupted" too, keeping what its operation returned (a repair's per-node outcome).
 * {@link #shutdown} was asked for (a server told to stop): what it stops ends CANCELLED. Thread-safe.
 */
public final class TaskManager implements TaskService, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TaskManager.class);
    /** The most often a running task's progress is written to the store. */
    static final Duration PROGRESS_INTERVAL = Duration.ofMillis(500);
    /** How long {@link #close()} waits for cancelled tasks to stop. */
    static final Duration CLOSE_GRACE = Duration.ofSeconds(30);
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final AceConfig config;
    private final DiffService diffs;
    private final RepairService repairs;
    private final RerunService reruns;
    private final TaskStore store;
    private final Clock clock;
    private final TaskIds ids = new TaskIds();
    private final int maxRunning;
    private final int maxQueued;
    private final ExecutorService workers;
    private final ScheduledExecutorService housekeeping;

    private final Object lock = new Object();
    /** Tasks of this process not yet finished, queued or running; changed under {@link #lock}. */
    private final Map<String, Live> live = new ConcurrentHashMap<>();
    private final ArrayDeque<Live> queue = new ArrayDeque<>();
    private int running;
    /** No more submissions, no more starts: {@link #shutdown} or {@link #close} was called. */
    private boolean stopping;
    /**
     * The grace {@link #shutdown} was given: whoever stopped the service asked for it, so what it
     * stops ends CANCELLED; null when only {@link #close} stopped it (then FAILED "interrupted").
     */
    private Duration stopGrace;
    private boolean closed;

    /** A task service over the SQLite store the configuration names, on the system clock. */
    public static TaskManager open(AceConfig config, DiffService diffs, RepairService repairs, RerunService reruns) {
        return new TaskManager(config, diffs, repairs, reruns, SqliteTaskStore.open(config.taskStore()),
                Clock.systemUTC());
    }

    /**
     * A task service over {@code store} (which it closes), telling time by {@code clock}: ends
     * every task the store still has as queued or running, purges expired ones, and starts its
     * threads.
     */
    public TaskManager(AceConfig config, DiffService diffs, RepairService repairs, RerunService reruns,
                       TaskStore store, Clock clock) {
        this.config = Objects.requireNonNull(config);
        this.diffs = Objects.requireNonNull(diffs);
        this.repairs = Objects.requireNonNull(repairs);
        this.reruns = Objects.requireNonNull(reruns);
        this.store = Objects.requireNonNull(store);
        this.clock = Objects.requireNonNull(clock);
        this.maxRunning = config.maxRunningTasks();
        this.maxQueued = config.maxQueuedTasks();
        try {
            interruptLeftovers();
            purgeExpired();
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        this.workers = Executors.newFixedThreadPool(maxRunning, threads("ace-task-"));
        this.housekeeping = Executors.newSingleThreadScheduledExecutor(threads("ace-tasks-housekeeping-"));
        long progressMs = PROGRESS_INTERVAL.toMillis();
        housekeeping.scheduleWithFixedDelay(this::flushProgress, progressMs, progressMs, TimeUnit.MILLISECONDS);
        long purgeMs = purgeInterval(config.taskRetention()).toMillis();
        housekeeping.scheduleWithFixedDelay(this::purgeQuietly, purgeMs, purgeMs, TimeUnit.MILLISECONDS);
    }

    /** A tenth of the retention, between a minute and an hour. */
    static Duration purgeInterval(Duration retention) {
        Duration tenth = retention.dividedBy(10);
        return tenth.compareTo(Duration.ofMinutes(1)) < 0 ? Duration.ofMinutes(1)
                : tenth.compareTo(Duration.ofHours(1)) > 0 ? Duration.ofHours(1) : tenth;
    }

    // ------------------------------------------------------------------ submit

    @Override
    public Task submit(TableDiffRequest request) {
        return submit(request, result -> Map.of());
    }

    @Override
    public Task submit(TableDiffRequest request, DiffFollowUp followUp) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(followUp, "followUp");
        diffs.validate(request);
        return submit(TaskType.TABLE_DIFF, request.role(), request.options(), request.cancellation(),
                (id, live) -> () -> {
                    DiffProgressListener caller = request.progress();
                    TableDiffRequest.Builder copy = request.toBuilder().taskId(id)
                            .progress((done, total) -> {
                                live.ranges(done, total);
                                tell(id, () -> caller.onProgress(done, total));
                            });
                    DiffResult result = diffs.diff(copy.build());
                    return new TaskResult.Diff(result, followUp.after(result));
                });
    }

    @Override
    public Task submit(TableRepairRequest request) {
        Objects.requireNonNull(request, "request");
        repairs.validate(request);
        return submit(TaskType.TABLE_REPAIR, request.role(), request.options(), request.cancellation(),
                (id, live) -> () -> {
                    RepairProgressListener caller = request.progress();
                    RepairProgressListener listener = (node, planned, applied) -> {
                        live.rows(node, planned, applied);
                        tell(id, () -> caller.onProgress(node, planned, applied));
                    };
                    TableRepairRequest copy = request.toBuilder().taskId(id).progress(listener).build();
                    return new TaskResult.Repair(repairs.repair(copy));
                });
    }

    @Override
    public Task submit(TableRerunRequest request) {
        Objects.requireNonNull(request, "request");
        reruns.validate(request);
        return submit(TaskType.TABLE_RERUN, request.role(), request.options(), request.cancellation(),
                (id, live) -> () -> {
                    DiffProgressListener caller = request.progress();
                    TableRerunRequest copy = request.toBuilder().taskId(id).progress((done, total) -> {
                        live.ranges(done, total);
                        tell(id, () -> caller.onProgress(done, total));
                    }).build();
                    return new TaskResult.Diff(reruns.rerun(copy));
                });
    }

    /** How a task's operation is run, once its id and bookkeeping exist. */
    private interface Work {
        Supplier<TaskResult> bind(String id, Live live);
    }

    private Task submit(TaskType type, CallerRole role, Map<String, Object> options, Cancellation cancellation,
                        Work work) {
        synchronized (lock) {
            if (stopping) {
                throw new TooManyTasksException("the task service is shutting down (ACE is stopping); submit the "
                        + type + " again once ACE runs again");
            }
            if (running >= maxRunning && queue.size() >= maxQueued) {
                throw new TooManyTasksException("too many tasks: " + running + " running and " + queue.size()
                        + " queued, as many as max_running_tasks (" + maxRunning + ") and max_queued_tasks ("
                        + maxQueued + ") allow; submit the " + type + " again when one has finished");
            }
            Instant now = clock.instant();
            Task task = null;
            for (int attempt = 1; task == null; attempt++) {
                Task candidate = new Task(ids.next(type, now), type, TaskState.QUEUED, role, options, now, null, null,
                        null, null, null, null);
                if (store.insert(candidate)) {
                    task = candidate;
                } else if (attempt == 3) {
                    throw new AceException(ErrorCode.INTERNAL, "three new task ids in a row were taken in "
                            + "task_store " + config.taskStore() + "; its random source is broken");
                }
            }
            Live entry = new Live(task, cancellation);
            entry.work = work.bind(task.id(), entry);
            live.put(task.id(), entry);
            queue.add(entry);
            dispatch();
            return task;
        }
    }

    /** Starts queued tasks while slots are free; under {@link #lock}. */
    private void dispatch() {
        while (!stopping && running < maxRunning && !queue.isEmpty()) {
            Live next = queue.poll();
            next.started = true;
            running++;
            workers.execute(() -> run(next));
        }
    }

    // ------------------------------------------------------------------ run

    private void run(Live entry) {
        synchronized (lock) {
            if (stopping) {
                entry.task = stoppedBeforeStart(entry.task);
                end(entry);
                return;
            }
            if (entry.cancellation.isCancelled()) {
                // cancelled through the request's own cancellation before it started
                entry.task = finished(entry.task, TaskState.CANCELLED, null, ErrorCode.CANCELLED,
                        "cancelled before it started", null);
                end(entry);
                return;
            }
            entry.task = copy(entry.task, TaskState.RUNNING, clock.instant(), null, null, null, null, null);
        }
        safely("recording that task " + entry.id + " runs", () -> store.update(entry.task));
        TaskResult result = null;
        AceException error = null;
        try {
            result = entry.work.get();
        } catch (AceException e) {
            error = e;
        } catch (RuntimeException | Error e) {
            LOG.error("task {} failed unexpectedly", entry.id, e);
            error = new AceException(ErrorCode.INTERNAL, "task " + entry.id + " failed unexpectedly: " + e, e);
        }
        TaskState state;
        ErrorCode code = null;
        String message = null;
        boolean cancelled = entry.cancellation.isCancelled();
        if (error == null) {
            RepairResult repair = result instanceof TaskResult.Repair repaired ? repaired.result() : null;
            if (cancelled && repair != null && !repair.succeeded()) {
                // the repair returned per-node outcomes: the cancel stopped some node
                state = TaskState.CANCELLED;
                code = ErrorCode.CANCELLED;
                message = "table-repair of " + repair.table() + " was cancelled; committed on "
                        + (repair.repairedNodes().isEmpty() ? "no node" : String.join(", ", repair.repairedNodes()))
                        + ", not on " + String.join(", ", repair.unrepairedNodes());
            } else if (repair != null && !repair.succeeded()) {
                // some node failed: its outcome, and every other node's, stays in the result
                state = TaskState.FAILED;
                NodeRepairResult failed = repair.nodes().stream().filter(node -> !node.succeeded()).findFirst()
                        .orElseThrow();
                code = failed.errorCode() != null ? failed.errorCode() : ErrorCode.DATABASE_ERROR;
                message = "table-repair of " + repair.table() + " failed on " + String.join(", ",
                        repair.unrepairedNodes()) + " (" + failed.node() + ": " + failed.error() + "); committed on "
                        + (repair.repairedNodes().isEmpty() ? "no node" : String.join(", ", repair.repairedNodes()));
            } else {
                // finished before the cancel could stop it, if there was one
                state = TaskState.COMPLETED;
            }
        } else {
            state = cancelled || error.code() == ErrorCode.CANCELLED ? TaskState.CANCELLED : TaskState.FAILED;
            code = error.code();
            message = error.getMessage();
        }
        Duration grace = entry.shutdownGrace;
        if (entry.shutdown && state == TaskState.CANCELLED && grace != null) {
            // shutdown(grace) was asked for: the task is cancelled, and recorded as such
            code = ErrorCode.CANCELLED;
            message = "cancelled: ACE was stopped and the task did not finish within the grace period of "
                    + seconds(grace) + " (" + message + ")";
        } else if (entry.shutdown && state == TaskState.CANCELLED) {
            state = TaskState.FAILED;
            code = ErrorCode.INTERRUPTED;
            message = "interrupted: ACE was closed while the task was running (" + message + ")";
        }
        synchronized (lock) {
            entry.task = finished(entry.task, state, result, code, message, entry.progress());
            end(entry);
        }
    }

    /** Records a task's final state and frees its slot; under {@link #lock}. */
    private void end(Live entry) {
        safely("recording the end of task " + entry.id, () -> store.update(entry.task));
        live.remove(entry.id);
        if (entry.started) {
            running--;
        }
        entry.done.countDown();
        dispatch();
    }

    private Task finished(Task task, TaskState state, TaskResult result, ErrorCode code, String message,
                          TaskProgress progress) {
        return copy(task, state, task.startedAt(), clock.instant(), progress != null ? progress : task.progress(),
                result, code, message);
    }

    private static Task copy(Task task, TaskState state, Instant started, Instant finished, TaskProgress progress,
                             TaskResult result, ErrorCode code, String message) {
        return new Task(task.id(), task.type(), state, task.role(), task.options(), task.submittedAt(), started,
                finished, progress, result, code, message);
    }

    // ------------------------------------------------------------------ read, cancel, wait

    @Override
    public Task get(String id, CallerRole role) {
        Objects.requireNonNull(role, "role");
        if (id == null) {
            throw notFound(null);
        }
        Task task = store.find(id).filter(found -> found.role().equals(role)).orElseThrow(() -> notFound(id));
        return withLiveProgress(task);
    }

    @Override
    public TaskPage list(TaskQuery query) {
        Objects.requireNonNull(query, "query");
        TaskPage page = store.list(query);
        return new TaskPage(page.tasks().stream().map(this::withLiveProgress).toList(), page.total(), page.offset(),
                page.limit());
    }

    @Override
    public Task cancel(String id, CallerRole role) {
        Objects.requireNonNull(role, "role");
        Live toStop = null;
        synchronized (lock) {
            Live entry = id == null ? null : live.get(id);
            if (entry != null && entry.task.role().equals(role)) {
                if (!entry.started) {
                    queue.remove(entry);
                    entry.cancellation.cancel();
                    entry.task = finished(entry.task, TaskState.CANCELLED, null, ErrorCode.CANCELLED,
                            "cancelled before it started", null);
                    end(entry);
                    return entry.task;
                }
                toStop = entry;
            }
        }
        if (toStop != null) {
            // outside the lock: cancelling runs the operation's own actions (cancelling statements)
            toStop.cancellation.cancel();
        }
        return get(id, role);
    }

    @Override
    public Task awaitCompletion(String id, CallerRole role, Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        Task task = get(id, role);
        Live entry = live.get(id);
        if (task.finished()) {
            return task;
        }
        if (entry != null) {
            try {
                entry.done.await(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return get(id, role);
    }

    private Task withLiveProgress(Task task) {
        Live entry = live.get(task.id());
        TaskProgress progress = entry == null || task.finished() ? null : entry.progress();
        return progress == null ? task : copy(task, task.state(), task.startedAt(), task.finishedAt(), progress,
                task.result(), task.errorCode(), task.errorMessage());
    }

    private static NotFoundException notFound(String id) {
        return new NotFoundException("task " + id + " not found");
    }

    // ------------------------------------------------------------------ housekeeping

    /** Ends every task the store has as queued or running: none of them runs, since this manager just started. */
    private void interruptLeftovers() {
        Instant now = clock.instant();
        for (Task task : store.unfinished()) {
            String message = task.state() == TaskState.QUEUED
                    ? "interrupted: ACE stopped before the task started; submit it again"
                    : "interrupted: ACE stopped while the task was running; "
                    + (task.type() == TaskType.TABLE_REPAIR ? "nodes whose transaction had committed keep the "
                            + "repair and the others were rolled back (an atomic repair's prepared transactions are "
                            + "ended by the next atomic repair of the cluster): run table-diff again to see where the "
                            + "table stands" : "submit it again");
            store.update(copy(task, TaskState.FAILED, task.startedAt(), now, task.progress(), null,
                    ErrorCode.INTERRUPTED, message));
            LOG.warn("task {} was {} when ACE last stopped; it is marked failed", task.id(), task.state());
            deletePartialFiles(task.id());
        }
    }

    /**
     * Deletes what a task that died left half-written under {@code output_dir}: the hidden
     * {@code .*.partial} and {@code .*.tmp} files of {@code diffs/<day>/} and {@code reports/<day>/}
     * whose names carry its id (a diff file, its spool, a report being written). Complete files
     * never carry those names.
     */
    private void deletePartialFiles(String id) {
        for (String kind : List.of("diffs", "reports")) {
            Path root = config.outputDirectory().resolve(kind);
            if (!Files.isDirectory(root)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(root, 2)) {
                files.filter(Files::isRegularFile).filter(file -> {
                    String name = file.getFileName().toString();
                    return name.startsWith(".") && name.contains(id)
                            && (name.endsWith(".partial") || name.endsWith(".tmp"));
                }).forEach(file -> {
                    try {
                        Files.deleteIfExists(file);
                        LOG.info("deleted {}, left half-written by interrupted task {}", file, id);
                    } catch (IOException e) {
                        LOG.warn("could not delete {} of interrupted task {}: {}", file, id, e.toString());
                    }
                });
            } catch (IOException | UncheckedIOException e) {
                LOG.warn("could not look for files left by interrupted task {} under {}: {}", id, root, e.toString());
            }
        }
    }

    /** Writes the progress of running tasks that reported since the last write. */
    private void flushProgress() {
        for (Live entry : live.values()) {
            if (entry.dirty) {
                entry.dirty = false;
                TaskProgress progress = entry.progress();
                safely("recording the progress of task " + entry.id, () -> store.updateProgress(entry.id, progress));
            }
        }
    }

    /**
     * Deletes the tasks that finished longer than {@code task_retention} ago, and, when
     * {@code purge_task_files}, the files they wrote (a diff's or rerun's diff file, a repair's
     * report; never a repair's input diff file, and nothing outside {@code output_dir}).
     *
     * @return how many tasks were deleted
     */
    public int purgeExpired() {
        Instant cutoff = clock.instant().minus(config.taskRetention());
        int purged = 0;
        for (Task task : store.finishedBefore(cutoff)) {
            if (config.purgeTaskFiles()) {
                filesOf(task).forEach(this::deleteOutput);
            }
            if (store.delete(task.id())) {
                purged++;
            }
        }
        if (purged > 0) {
            LOG.info("purged {} tasks that finished before {}", purged, cutoff);
        }
        return purged;
    }

    private void purgeQuietly() {
        safely("purging expired tasks", this::purgeExpired);
    }

    private static List<Path> filesOf(Task task) {
        List<Path> files = new ArrayList<>();
        task.diffResult().map(result -> result.diffFile()).ifPresent(files::add);
        task.repairResult().map(result -> result.report()).ifPresent(files::add);
        if (task.result() instanceof TaskResult.Diff diff) {
            files.addAll(diff.reports().values());
        }
        return files;
    }

    private void deleteOutput(Path file) {
        Path output = config.outputDirectory().toAbsolutePath().normalize();
        Path target = file.toAbsolutePath().normalize();
        if (!target.startsWith(output)) {
            LOG.warn("not deleting {}: it is outside output_dir {}", target, output);
            return;
        }
        try {
            Files.deleteIfExists(target);
        } catch (IOException e) {
            LOG.warn("could not delete {} of a purged task: {}", target, e.toString());
        }
    }

    private static void safely(String what, Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            LOG.error("task store failed while {}", what, e);
        }
    }

    private static void tell(String id, Runnable listener) {
        try {
            listener.run();
        } catch (RuntimeException e) {
            LOG.warn("the progress listener of task {} failed: {}", id, e.toString());
        }
    }

    // ------------------------------------------------------------------ close

    @Override
    public void shutdown(Duration grace) {
        Objects.requireNonNull(grace, "grace");
        synchronized (lock) {
            if (!stopping) {
                stopGrace = grace;
            }
        }
        stop(grace);
    }

    /** A task that never ran because the service stopped: CANCELLED after {@link #shutdown}, else FAILED. */
    private Task stoppedBeforeStart(Task task) {
        if (stopGrace != null) {
            return finished(task, TaskState.CANCELLED, null, ErrorCode.CANCELLED,
                    "cancelled before it started: ACE was stopped; submit it again", null);
        }
        return finished(task, TaskState.FAILED, null, ErrorCode.INTERRUPTED,
                "interrupted: ACE was closed before the task started; submit it again", null);
    }

    private static String seconds(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
    }

    private void stop(Duration grace) {
        List<Live> started;
        synchronized (lock) {
            stopping = true;
            for (Live entry : new ArrayList<>(queue)) {
                queue.remove(entry);
                entry.task = stoppedBeforeStart(entry.task);
                end(entry);
            }
            started = new ArrayList<>(live.values());
        }
        long deadline = System.nanoTime() + Math.max(0, grace.toNanos());
        for (Live entry : started) {
            await(entry, deadline);
        }
        List<Live> left;
        synchronized (lock) {
            left = new ArrayList<>(live.values());
            left.forEach(entry -> {
                entry.shutdownGrace = stopGrace;
                entry.shutdown = true;
            });
        }
        if (!left.isEmpty()) {
            LOG.info("cancelling {} tasks still running after the grace period of {} s", left.size(),
                    grace.toSeconds());
        }
        left.forEach(entry -> entry.cancellation.cancel());
        long stopDeadline = System.nanoTime() + CLOSE_GRACE.toNanos();
        for (Live entry : left) {
            await(entry, stopDeadline);
        }
    }

    private static void await(Live entry, long deadline) {
        try {
            entry.done.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Stops taking tasks; queued tasks end FAILED "interrupted"; running ones are cancelled and
     * waited for (up to {@link #CLOSE_GRACE}); a running task stopped this way ends FAILED
     * "interrupted" with what its operation returned, a task that finished anyway keeps its real
     * end. Then closes the store.
     */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        stop(Duration.ZERO);
        housekeeping.shutdownNow();
        workers.shutdown();
        synchronized (lock) {
            for (Live entry : new ArrayList<>(live.values())) {
                LOG.warn("task {} did not stop within {} s of being cancelled; it is marked failed", entry.id,
                        CLOSE_GRACE.toSeconds());
                entry.task = finished(entry.task, TaskState.FAILED, null, ErrorCode.INTERRUPTED,
                        "interrupted: ACE was closed while the task was running, and it did not stop within "
                                + CLOSE_GRACE.toSeconds() + " s", entry.progress());
                end(entry);
            }
        }
        try {
            if (!workers.awaitTermination(1, TimeUnit.SECONDS)) {
                workers.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            workers.shutdownNow();
        }
        store.close();
    }

    // ------------------------------------------------------------------ live tasks

    /** A task of this process that has not finished. */
    private static final class Live {
        final String id;
        final Cancellation cancellation;
        final CountDownLatch done = new CountDownLatch(1);
        final AtomicReference<TaskProgress.Ranges> ranges = new AtomicReference<>();
        final Map<String, TaskProgress.NodeRows> rows = new ConcurrentSkipListMap<>();
        Supplier<TaskResult> work;
        /** The task as last recorded; written under the manager's lock or by its one worker. */
        volatile Task task;
        /** Handed to a worker; under the manager's lock. */
        boolean started;
        volatile boolean shutdown;
        /** The grace of the {@link #shutdown} that stopped it; null when {@link #close} did. */
        volatile Duration shutdownGrace;
        volatile boolean dirty;

        Live(Task task, Cancellation cancellation) {
            this.id = task.id();
            this.task = task;
            this.cancellation = cancellation;
        }

        /** Keeps the furthest report: workers report concurrently, not necessarily in order. */
        void ranges(int done, int total) {
            ranges.accumulateAndGet(new TaskProgress.Ranges(done, total),
                    (old, now) -> old == null || now.done() >= old.done() ? now : old);
            dirty = true;
        }

        void rows(String node, long planned, long applied) {
            rows.put(node, new TaskProgress.NodeRows(planned, applied));
            dirty = true;
        }

        TaskProgress progress() {
            if (!rows.isEmpty()) {
                return new TaskProgress.Rows(rows);
            }
            return ranges.get();
        }
    }

    private static ThreadFactory threads(String prefix) {
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + THREADS.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
