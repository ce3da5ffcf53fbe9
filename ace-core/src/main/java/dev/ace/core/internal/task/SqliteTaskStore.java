package dev.ace.core.internal.task;

import dev.ace.core.CallerRole;
import dev.ace.core.error.AceException;
import dev.ace.core.error.ErrorCode;
import dev.ace.core.task.Task;
import dev.ace.core.task.TaskPage;
import dev.ace.core.task.TaskProgress;
import dev.ace.core.task.TaskQuery;
import dev.ace.core.task.TaskState;
import dev.ace.core.task.TaskType;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Tasks in an SQLite file (through {@code org.xerial:sqlite-jdbc}): one row per task, the
 * options, progress and result as JSON text, times as nanoseconds since the epoch. The file is
 * created with mode 0600 (SQLite gives its journal the same mode) and is held with an exclusive
 * lock while open, so a second process (or a second {@code Ace} of this one) given the same file
 * is refused instead of taking the first one's running tasks for interrupted ones. Thread-safe:
 * one connection, used by one thread at a time.
 */
public final class SqliteTaskStore implements TaskStore {

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final String COLUMNS = "id, type, state, role, options, submitted_at, started_at, finished_at, "
            + "progress, result, error_code, error_message";
    private static final String UNFINISHED = "('QUEUED', 'RUNNING')";
    private static final String FINISHED = "('COMPLETED', 'FAILED', 'CANCELLED')";

    private final Path file;
    private final Connection connection;
    private boolean closed;

    private SqliteTaskStore(Path file, Connection connection) {
        this.file = file;
        this.connection = connection;
    }

    /** Opens (creating if needed) the store in {@code file}. */
    public static SqliteTaskStore open(Path file) {
        createOwnerOnly(file);
        Connection connection;
        try {
            connection = DriverManager.getConnection("jdbc:sqlite:" + file);
        } catch (SQLException e) {
            throw new AceException(ErrorCode.IO_ERROR, "task_store " + file + " cannot be opened: " + e.getMessage(), e);
        }
        try (Statement statement = connection.createStatement()) {
            // Exclusive before the first access: the file is this process's alone while open, and
            // WAL then needs no shared-memory file next to it.
            statement.execute("PRAGMA locking_mode = EXCLUSIVE");
            statement.execute("PRAGMA busy_timeout = 2000");
            statement.execute("PRAGMA journal_mode = WAL");
            statement.execute("PRAGMA synchronous = NORMAL");
            statement.execute("CREATE TABLE IF NOT EXISTS tasks ("
                    + "id TEXT PRIMARY KEY, "
                    + "type TEXT NOT NULL, "
                    + "state TEXT NOT NULL, "
                    + "role TEXT, "                          // null: ACE's own user (CallerRole.SERVICE)
                    + "options TEXT NOT NULL, "
                    + "submitted_at INTEGER NOT NULL, "      // nanoseconds since 1970-01-01T00:00Z
                    + "started_at INTEGER, "
                    + "finished_at INTEGER, "
                    + "progress TEXT, "
                    + "result TEXT, "
                    + "error_code TEXT, "
                    + "error_message TEXT)");
            statement.execute("CREATE INDEX IF NOT EXISTS tasks_by_role ON tasks (role, submitted_at, id)");
            statement.execute("CREATE INDEX IF NOT EXISTS tasks_by_state ON tasks (state, finished_at)");
            // a write, so that the exclusive lock is taken now rather than at the first task
            statement.execute("PRAGMA user_version = 1");
        } catch (SQLException e) {
            close(connection);
            if (e.getMessage() != null && (e.getMessage().contains("SQLITE_BUSY") || e.getMessage().contains("locked"))) {
                throw new AceException(ErrorCode.IO_ERROR, "task_store " + file + " is in use by another ACE process "
                        + "(or another Ace instance of this one); give each its own task_store", e);
            }
            throw new AceException(ErrorCode.IO_ERROR, "task_store " + file + " cannot be used: " + e.getMessage(), e);
        }
        return new SqliteTaskStore(file, connection);
    }

    private static void createOwnerOnly(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            boolean posix = Files.getFileStore(parent == null ? file.toAbsolutePath() : parent)
                    .supportsFileAttributeView("posix");
            if (!Files.exists(file)) {
                try {
                    if (posix) {
                        Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
                    } else {
                        Files.createFile(file);
                    }
                } catch (FileAlreadyExistsException raced) {
                    // made meanwhile; its mode is checked below
                }
            }
            if (posix && !Files.getPosixFilePermissions(file).equals(OWNER_ONLY)) {
                Files.setPosixFilePermissions(file, OWNER_ONLY);
            }
        } catch (IOException e) {
            throw new AceException(ErrorCode.IO_ERROR, "task_store " + file + " cannot be created with mode 0600: "
                    + e.getMessage(), e);
        }
    }

    @Override
    public synchronized boolean insert(Task task) {
        return write("recording task " + task.id(), () -> {
            try (PreparedStatement statement = connection.prepareStatement("INSERT INTO tasks (" + COLUMNS
                    + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING")) {
                statement.setString(1, task.id());
                statement.setString(2, task.type().name());
                bindState(statement, 3, task);
                return statement.executeUpdate() == 1;
            }
        });
    }

    @Override
    public synchronized boolean update(Task task) {
        return write("recording task " + task.id(), () -> {
            try (PreparedStatement statement = connection.prepareStatement("UPDATE tasks SET state = ?, "
                    + "started_at = ?, finished_at = ?, progress = ?, result = ?, error_code = ?, error_message = ? "
                    + "WHERE id = ? AND state IN " + UNFINISHED)) {
                statement.setString(1, task.state().name());
                setInstant(statement, 2, task.startedAt());
                setInstant(statement, 3, task.finishedAt());
                statement.setString(4, TaskJson.progress(task.progress()));
                statement.setString(5, TaskJson.result(task.result()));
                statement.setString(6, task.errorCode() == null ? null : task.errorCode().name());
                statement.setString(7, task.errorMessage());
                statement.setString(8, task.id());
                return statement.executeUpdate() == 1;
            }
        });
    }

    @Override
    public synchronized void updateProgress(String id, TaskProgress progress) {
        write("recording the progress of task " + id, () -> {
            try (PreparedStatement statement = connection.prepareStatement(
                    "UPDATE tasks SET progress = ? WHERE id = ? AND state = 'RUNNING'")) {
                statement.setString(1, TaskJson.progress(progress));
                statement.setString(2, id);
                return statement.executeUpdate() == 1;
            }
        });
    }

    @Override
    public synchronized Optional<Task> find(String id) {
        List<Task> found = read("reading task " + id, "SELECT " + COLUMNS + " FROM tasks WHERE id = ?",
                statement -> statement.setString(1, id));
        return found.stream().findFirst();
    }

    @Override
    public synchronized TaskPage list(TaskQuery query) {
        StringBuilder where = new StringBuilder(" WHERE role IS ?");
        if (!query.states().isEmpty()) {
            where.append(" AND state IN (").append(query.states().stream().map(state -> "'" + state.name() + "'")
                    .sorted().collect(Collectors.joining(", "))).append(')');
        }
        if (!query.types().isEmpty()) {
            where.append(" AND type IN (").append(query.types().stream().map(type -> "'" + type.name() + "'")
                    .sorted().collect(Collectors.joining(", "))).append(')');
        }
        String role = query.role().name().orElse(null);
        List<Task> tasks = read("listing tasks", "SELECT " + COLUMNS + " FROM tasks" + where
                + " ORDER BY submitted_at DESC, id DESC LIMIT ? OFFSET ?", statement -> {
                    statement.setString(1, role);
                    statement.setInt(2, query.limit());
                    statement.setInt(3, query.offset());
                });
        long total = query("counting tasks", () -> {
            try (PreparedStatement statement = connection.prepareStatement("SELECT count(*) FROM tasks" + where)) {
                statement.setString(1, role);
                try (ResultSet rows = statement.executeQuery()) {
                    rows.next();
                    return rows.getLong(1);
                }
            }
        });
        return new TaskPage(tasks, total, query.offset(), query.limit());
    }

    @Override
    public synchronized List<Task> unfinished() {
        return read("reading unfinished tasks", "SELECT " + COLUMNS + " FROM tasks WHERE state IN " + UNFINISHED
                + " ORDER BY submitted_at, id", statement -> { });
    }

    @Override
    public synchronized List<Task> finishedBefore(Instant cutoff) {
        return read("reading finished tasks", "SELECT " + COLUMNS + " FROM tasks WHERE state IN " + FINISHED
                + " AND finished_at < ? ORDER BY finished_at, id", statement -> statement.setLong(1, nanos(cutoff)));
    }

    @Override
    public synchronized boolean delete(String id) {
        return write("deleting task " + id, () -> {
            try (PreparedStatement statement = connection.prepareStatement("DELETE FROM tasks WHERE id = ?")) {
                statement.setString(1, id);
                return statement.executeUpdate() == 1;
            }
        });
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            close(connection);
        }
    }

    // ------------------------------------------------------------------ rows

    private static void bindState(PreparedStatement statement, int first, Task task) throws SQLException {
        statement.setString(first, task.state().name());
        if (task.role().name().isPresent()) {
            statement.setString(first + 1, task.role().name().get());
        } else {
            statement.setNull(first + 1, Types.VARCHAR);
        }
        statement.setString(first + 2, TaskJson.options(task.options()));
        setInstant(statement, first + 3, task.submittedAt());
        setInstant(statement, first + 4, task.startedAt());
        setInstant(statement, first + 5, task.finishedAt());
        statement.setString(first + 6, TaskJson.progress(task.progress()));
        statement.setString(first + 7, TaskJson.result(task.result()));
        statement.setString(first + 8, task.errorCode() == null ? null : task.errorCode().name());
        statement.setString(first + 9, task.errorMessage());
    }

    private Task task(ResultSet row) throws SQLException {
        String id = row.getString("id");
        try {
            String role = row.getString("role");
            String code = row.getString("error_code");
            return new Task(id, TaskType.valueOf(row.getString("type")), TaskState.valueOf(row.getString("state")),
                    role == null ? CallerRole.SERVICE : CallerRole.of(role), TaskJson.options(row.getString("options")),
                    instant(row, "submitted_at"), instant(row, "started_at"), instant(row, "finished_at"),
                    TaskJson.progress(row.getString("progress")), TaskJson.result(row.getString("result")),
                    code == null ? null : dev.ace.core.error.ErrorCode.valueOf(code), row.getString("error_message"));
        } catch (RuntimeException e) {
            throw new AceException(ErrorCode.IO_ERROR, "task_store " + file + " holds task " + id
                    + " in a form this version cannot read: " + e.getMessage(), e);
        }
    }

    private static void setInstant(PreparedStatement statement, int index, Instant instant) throws SQLException {
        if (instant == null) {
            statement.setNull(index, Types.INTEGER);
        } else {
            statement.setLong(index, nanos(instant));
        }
    }

    private static Instant instant(ResultSet row, String column) throws SQLException {
        long nanos = row.getLong(column);
        return row.wasNull() ? null : Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L),
                Math.floorMod(nanos, 1_000_000_000L));
    }

    static long nanos(Instant instant) {
        return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000_000L), instant.getNano());
    }

    // ------------------------------------------------------------------ JDBC boundary

    private interface Work<T> {
        T run() throws SQLException;
    }

    private interface Binder {
        void bind(PreparedStatement statement) throws SQLException;
    }

    /** A write; after close it is ignored (a task ending while ACE closes has no store left to tell). */
    private boolean write(String what, Work<Boolean> work) {
        if (closed) {
            return false;
        }
        return query(what, work);
    }

    private List<Task> read(String what, String sql, Binder binder) {
        return query(what, () -> {
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                binder.bind(statement);
                List<Task> tasks = new ArrayList<>();
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        tasks.add(task(rows));
                    }
                }
                return tasks;
            }
        });
    }

    private <T> T query(String what, Work<T> work) {
        if (closed) {
            throw new IllegalStateException("the task store " + file + " is closed");
        }
        try {
            return work.run();
        } catch (SQLException e) {
            throw new AceException(ErrorCode.IO_ERROR, "task_store " + file + " failed while " + what + ": "
                    + e.getMessage(), e);
        }
    }

    private static void close(Connection connection) {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // nothing is left to keep: every write was its own transaction
        }
    }
}
