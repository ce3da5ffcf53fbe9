package dev.ace.core.task;

import dev.ace.core.Ace;
import dev.ace.core.AceConfig;
import dev.ace.core.CallerRole;
import dev.ace.core.error.AceException;
import dev.ace.core.error.ErrorCode;
import dev.ace.core.error.InvalidRequestException;
import dev.ace.core.error.NotFoundException;
import dev.ace.core.internal.task.SqliteTaskStore;
import dev.ace.core.internal.task.TaskIds;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The task store and ids on their own: no database node is needed to prove these. */
class TaskStoreTest {

    private static final CallerRole ALICE = CallerRole.of("alice");

    @TempDir
    Path dir;

    private static Task queued(String id, CallerRole role, Instant submitted) {
        Map<String, Object> options = new LinkedHashMap<>();
        options.put("cluster_name", "acetest");
        options.put("table_name", "public.t");
        options.put("block_rows", 1000);
        options.put("quiet", true);
        return new Task(id, TaskType.TABLE_DIFF, TaskState.QUEUED, role, options, submitted, null, null, null, null,
                null, null);
    }

    @Test
    void idsAreUniqueAcrossTenThousandGenerationsInTheSameMillisecond() {
        TaskIds ids = new TaskIds();
        Instant now = Instant.parse("2026-03-15T14:25:01.123Z");
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String id = ids.next(TaskType.values()[i % 3], now);
            assertThat(id).matches("(td|tr|rr)_20260315_142501123_[0-9a-f]{20}");
            seen.add(id);
        }
        assertThat(seen).hasSize(10_000);
    }

    @Test
    void theStoreRefusesADuplicateIdAndKeepsTheFirst() {
        try (SqliteTaskStore store = SqliteTaskStore.open(dir.resolve("tasks.db"))) {
            Instant now = Instant.parse("2026-03-15T14:25:01.123456789Z");
            assertThat(store.insert(queued("td_1", ALICE, now))).isTrue();
            assertThat(store.insert(queued("td_1", CallerRole.SERVICE, now.plusSeconds(1)))).isFalse();
            Task found = store.find("td_1").orElseThrow();
            assertThat(found.role()).isEqualTo(ALICE);
            assertThat(found.submittedAt()).isEqualTo(now);
            assertThat(found.options()).containsExactly(Map.entry("cluster_name", "acetest"),
                    Map.entry("table_name", "public.t"), Map.entry("block_rows", 1000), Map.entry("quiet", true));
        }
    }

    @Test
    void theStoreFileIsReadableByItsOwnerOnly() throws Exception {
        Path file = dir.resolve("state").resolve("tasks.db");
        try (SqliteTaskStore store = SqliteTaskStore.open(file)) {
            store.insert(queued("td_1", ALICE, Instant.now()));
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
            try (var siblings = Files.list(file.getParent())) {
                for (Path sibling : siblings.toList()) {
                    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(sibling)))
                            .as(sibling.toString()).isEqualTo("rw-------");
                }
            }
        }
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        SqliteTaskStore.open(file).close();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    @Test
    void aSecondUserOfTheSameStoreFileIsRefused() {
        Path file = dir.resolve("tasks.db");
        try (SqliteTaskStore first = SqliteTaskStore.open(file)) {
            assertThatThrownBy(() -> SqliteTaskStore.open(file))
                    .isInstanceOf(AceException.class)
                    .hasMessage("task_store " + file + " is in use by another ACE process (or another Ace instance "
                            + "of this one); give each its own task_store")
                    .satisfies(e -> assertThat(((AceException) e).code()).isEqualTo(ErrorCode.IO_ERROR));
        }
        SqliteTaskStore.open(file).close();
    }

    @Test
    void tasksLeftQueuedOrRunningByAProcessThatDiedEndFailedInterruptedOnTheNextStart() {
        Path file = dir.resolve("out").resolve("tasks.db");
        Instant submitted = Instant.now().minusSeconds(60);
        try (SqliteTaskStore store = SqliteTaskStore.open(file)) {
            store.insert(queued("td_queued", ALICE, submitted));
            Task running = queued("tr_running", ALICE, submitted);
            store.insert(new Task(running.id(), TaskType.TABLE_REPAIR, TaskState.RUNNING, ALICE, running.options(),
                    submitted, submitted.plusSeconds(1), null, new TaskProgress.Rows(Map.of("n2",
                    new TaskProgress.NodeRows(10, 4))), null, null, null));
            Task done = queued("td_done", ALICE, submitted);
            store.insert(new Task(done.id(), done.type(), TaskState.COMPLETED, ALICE, done.options(), submitted,
                    submitted, submitted.plusSeconds(2), null, null, null, null));
            // the process "dies": the store is closed without finishing them
        }
        // ... leaving half-written files; complete files and other tasks' files stay
        Path diffs = dir.resolve("out").resolve("diffs").resolve("2026-01-01");
        Path reports = dir.resolve("out").resolve("reports").resolve("2026-01-01");
        List<Path> leftovers = List.of(diffs.resolve(".ace-spool-tr_running-123.tmp"),
                diffs.resolve(".public_t_diffs-td_queued.json-456.partial"),
                reports.resolve(".public_t_repair-tr_running.json-789.partial"));
        List<Path> kept = List.of(diffs.resolve("public_t_diffs-td_done.json"),
                diffs.resolve(".ace-spool-td_other-1.tmp"), reports.resolve("public_t_repair-tr_running.json"));
        for (Path leftover : concat(leftovers, kept)) {
            write(leftover);
        }
        AceConfig config = AceConfig.builder().outputDirectory(dir.resolve("out")).clusterDirectory(dir).build();
        try (Ace ace = Ace.create(config)) {
            Task queued = ace.tasks().get("td_queued", ALICE);
            assertThat(queued.state()).isEqualTo(TaskState.FAILED);
            assertThat(queued.errorCode()).isEqualTo(ErrorCode.INTERRUPTED);
            assertThat(queued.errorMessage()).isEqualTo("interrupted: ACE stopped before the task started; submit it "
                    + "again");
            assertThat(queued.startedAt()).isNull();
            assertThat(queued.finishedAt()).isAfter(submitted);
            Task running = ace.tasks().get("tr_running", ALICE);
            assertThat(running.state()).isEqualTo(TaskState.FAILED);
            assertThat(running.errorCode()).isEqualTo(ErrorCode.INTERRUPTED);
            assertThat(running.errorMessage()).isEqualTo("interrupted: ACE stopped while the task was running; nodes "
                    + "whose transaction had committed keep the repair and the others were rolled back (an atomic "
                    + "repair's prepared transactions are ended by the next atomic repair of the cluster): run "
                    + "table-diff again to see where the table stands");
            assertThat(running.progress()).isEqualTo(new TaskProgress.Rows(Map.of("n2",
                    new TaskProgress.NodeRows(10, 4))));
            assertThat(running.timeTaken()).isEqualTo(java.time.Duration.between(running.startedAt(),
                    running.finishedAt()));
            assertThat(ace.tasks().get("td_done", ALICE).state()).isEqualTo(TaskState.COMPLETED);
            assertThat(ace.tasks().list(TaskQuery.builder(ALICE).states(TaskState.QUEUED, TaskState.RUNNING).build())
                    .tasks()).isEmpty();
        }
        assertThat(leftovers).noneMatch(Files::exists);
        assertThat(kept).allMatch(Files::exists);
    }

    private static List<Path> concat(List<Path> first, List<Path> second) {
        List<Path> all = new java.util.ArrayList<>(first);
        all.addAll(second);
        return all;
    }

    private static void write(Path file) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, "{}");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void listingIsPerRoleNewestFirstAndPaged() {
        Instant start = Instant.parse("2026-03-15T14:00:00Z");
        Path file = dir.resolve("tasks.db");
        try (SqliteTaskStore store = SqliteTaskStore.open(file)) {
            for (int i = 0; i < 5; i++) {
                Task task = queued("td_a" + i, ALICE, start.plusSeconds(i));
                store.insert(i % 2 == 0 ? task : new Task(task.id(), TaskType.TABLE_RERUN, TaskState.COMPLETED, ALICE,
                        task.options(), task.submittedAt(), task.submittedAt(), task.submittedAt().plusMillis(5), null,
                        null, null, null));
            }
            store.insert(queued("td_b0", CallerRole.of("bob"), start.plusSeconds(10)));
            store.insert(queued("td_s0", CallerRole.SERVICE, start.plusSeconds(11)));

            TaskPage first = store.list(TaskQuery.builder(ALICE).limit(2).build());
            assertThat(first.tasks()).extracting(Task::id).containsExactly("td_a4", "td_a3");
            assertThat(first.total()).isEqualTo(5);
            assertThat(first.hasMore()).isTrue();
            TaskPage last = store.list(TaskQuery.builder(ALICE).offset(4).limit(2).build());
            assertThat(last.tasks()).extracting(Task::id).containsExactly("td_a0");
            assertThat(last.hasMore()).isFalse();
            assertThat(store.list(TaskQuery.builder(ALICE).states(TaskState.COMPLETED).build()).tasks())
                    .extracting(Task::id).containsExactly("td_a3", "td_a1");
            assertThat(store.list(TaskQuery.builder(ALICE).types(TaskType.TABLE_DIFF).build()).tasks())
                    .extracting(Task::id).containsExactly("td_a4", "td_a2", "td_a0");
            assertThat(store.list(TaskQuery.builder(CallerRole.SERVICE).build()).tasks())
                    .extracting(Task::id).containsExactly("td_s0");
            assertThat(store.list(TaskQuery.builder(CallerRole.of("carol")).build()).tasks()).isEmpty();
        }
    }

    @Test
    void aFinishedTaskNeverChangesAgain() {
        try (SqliteTaskStore store = SqliteTaskStore.open(dir.resolve("tasks.db"))) {
            Instant now = Instant.now();
            Task task = queued("td_1", ALICE, now);
            store.insert(task);
            Task cancelled = new Task(task.id(), task.type(), TaskState.CANCELLED, ALICE, task.options(), now, null,
                    now, null, null, ErrorCode.CANCELLED, "cancelled before it started");
            assertThat(store.update(cancelled)).isTrue();
            Task late = new Task(task.id(), task.type(), TaskState.RUNNING, ALICE, task.options(), now, now, null, null,
                    null, null, null);
            assertThat(store.update(late)).isFalse();
            assertThat(store.find("td_1").orElseThrow()).isEqualTo(cancelled);
        }
    }

    @Test
    void aQueryOutOfRangeListsEveryProblem() {
        assertThatThrownBy(() -> TaskQuery.builder(ALICE).offset(-1).limit(0).build())
                .isInstanceOf(InvalidRequestException.class)
                .satisfies(e -> assertThat(((AceException) e).problems()).containsExactly(
                        "offset must be 0 or more, was -1", "limit must be between 1 and 1000, was 0"));
    }

    @Test
    void anUnknownIdIsNotFound() {
        AceConfig config = AceConfig.builder().outputDirectory(dir).clusterDirectory(dir).build();
        try (Ace ace = Ace.create(config)) {
            assertThatThrownBy(() -> ace.tasks().get("td_nope", ALICE))
                    .isInstanceOf(NotFoundException.class).hasMessage("task td_nope not found");
            assertThatThrownBy(() -> ace.tasks().cancel("td_nope", ALICE))
                    .isInstanceOf(NotFoundException.class).hasMessage("task td_nope not found");
        }
        assertThat(List.of(dir.resolve("tasks.db"))).allMatch(Files::exists);
    }
}
