package dev.ace.http;

import dev.ace.core.Ace;
import dev.ace.core.error.InvalidRequestException;
import dev.ace.core.task.Task;
import dev.ace.core.task.TaskQuery;
import dev.ace.core.task.TaskState;
import dev.ace.core.task.TaskType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reading and cancelling the caller's tasks: {@code GET /ace/task-status?task_id=ID},
 * {@code GET /ace/task-status/ID}, {@code GET /ace/tasks} (newest first, paged),
 * {@code POST /ace/task-cancel} and {@code DELETE /ace/task-status/ID}. Another caller's task is
 * answered exactly as an unknown id: 404 {@code task ID not found}. Thread-safe.
 */
final class TaskEndpoints {

    private final Ace ace;

    TaskEndpoints(Ace ace) {
        this.ace = ace;
    }

    void statusByQuery(ApiExchange exchange) throws IOException {
        Map<String, String> query = exchange.query();
        onlyParameters(query, Set.of("task_id"), "task-status");
        String id = query.get("task_id");
        if (id == null || id.isBlank()) {
            throw ApiError.badRequest("task_id is required: /ace/task-status?task_id=ID or /ace/task-status/ID");
        }
        status(exchange, id);
    }

    void statusByPath(ApiExchange exchange) throws IOException {
        onlyParameters(exchange.query(), Set.of(), "task-status");
        status(exchange, exchange.pathParameter("task_id"));
    }

    private void status(ApiExchange exchange, String id) throws IOException {
        exchange.taskId(id);
        Task task = ace.tasks().get(id, exchange.caller().role());
        exchange.respond(200, TaskResponses.status(task));
    }

    void cancelByBody(ApiExchange exchange) throws IOException {
        Map<String, Object> body = exchange.jsonBody();
        List<String> problems = new ArrayList<>();
        Object id = body.get("task_id");
        if (id == null) {
            problems.add("task_id is required");
        } else if (!(id instanceof String)) {
            problems.add("task_id must be a string, was " + id);
        }
        body.keySet().stream().filter(name -> !name.equals("task_id"))
                .forEach(name -> problems.add("unknown option " + ApiExchange.quote(name)
                        + "; the options of task-cancel are: task_id"));
        if (!problems.isEmpty()) {
            throw new InvalidRequestException("the task-cancel request", problems);
        }
        cancel(exchange, (String) id);
    }

    void cancelByPath(ApiExchange exchange) throws IOException {
        onlyParameters(exchange.query(), Set.of(), "task-status");
        cancel(exchange, exchange.pathParameter("task_id"));
    }

    private void cancel(ApiExchange exchange, String id) throws IOException {
        exchange.taskId(id);
        Task task = ace.tasks().cancel(id, exchange.caller().role());
        exchange.respond(200, TaskResponses.status(task));
    }

    /** {@code ?limit=50&offset=0&status=RUNNING,QUEUED&task_type=table-diff}. */
    void list(ApiExchange exchange) throws IOException {
        Map<String, String> query = exchange.query();
        onlyParameters(query, Set.of("limit", "offset", "status", "task_type"), "tasks");
        List<String> problems = new ArrayList<>();
        TaskQuery.Builder builder = TaskQuery.builder(exchange.caller().role());
        builder.limit(whole(query, "limit", TaskQuery.DEFAULT_LIMIT, problems));
        builder.offset(whole(query, "offset", 0, problems));
        for (String name : values(query.get("status"))) {
            TaskState state = TaskState.parse(name);
            if (state == null) {
                problems.add("status must be QUEUED, RUNNING, COMPLETED, FAILED or CANCELLED, was "
                        + ApiExchange.quote(name));
            } else {
                builder.states(state);
            }
        }
        for (String name : values(query.get("task_type"))) {
            TaskType type = TaskType.parse(name);
            if (type == null) {
                problems.add("task_type must be table-diff, table-repair or table-rerun, was "
                        + ApiExchange.quote(name));
            } else {
                builder.types(type);
            }
        }
        TaskQuery taskQuery;
        try {
            taskQuery = builder.build();
        } catch (InvalidRequestException e) {
            problems.addAll(e.problems());
            taskQuery = null;
        }
        if (!problems.isEmpty()) {
            throw new InvalidRequestException("the tasks request", problems);
        }
        exchange.respond(200, TaskResponses.page(ace.tasks().list(taskQuery)));
    }

    private static List<String> values(String text) {
        return text == null || text.isBlank() ? List.of() : List.of(text.split(","));
    }

    private static int whole(Map<String, String> query, String name, int fallback, List<String> problems) {
        String text = query.get(name);
        if (text == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            problems.add(name + " must be a whole number, was " + ApiExchange.quote(text));
            return fallback;
        }
    }

    private static void onlyParameters(Map<String, String> query, Set<String> allowed, String endpoint) {
        List<String> unknown = query.keySet().stream().filter(name -> !allowed.contains(name)).toList();
        if (!unknown.isEmpty()) {
            throw ApiError.badRequest("unknown query parameter " + ApiExchange.quote(unknown.get(0)) + " of "
                    + endpoint + (allowed.isEmpty() ? ", which takes none" : "; it takes " + String.join(", ",
                    allowed.stream().sorted().toList())));
        }
    }
}
