package dev.ace.http;

import dev.ace.core.Ace;
import dev.ace.core.diff.TableDiffRequest;
import dev.ace.core.task.DiffFollowUp;
import dev.ace.core.task.Task;
import java.io.IOException;

/**
 * {@code /ace/table-diff}, {@code /ace/table-repair} and {@code /ace/table-rerun}: each validates
 * its body at once (every problem a 400), submits the operation as a task of the caller's role
 * and answers {@code {"task_id", "submitted_at"}}; a full queue is a 503. Thread-safe.
 */
final class TaskSubmissionEndpoints {

    private final Ace ace;
    private final RequestBodies bodies;
    private final DiffReports reports;

    TaskSubmissionEndpoints(Ace ace, RequestBodies bodies, DiffReports reports) {
        this.ace = ace;
        this.bodies = bodies;
        this.reports = reports;
    }

    /**
     * Besides the checks every submission makes, a diff checks the table on the nodes first (it
     * exists with the same columns and a primary key on each; a catalog read, as the caller's
     * role, that needs no privilege on the table): a table that is not there is a 400 now rather
     * than a failed task later. Whether the role may read the table is the task's to find out.
     */
    void diff(ApiExchange exchange) throws IOException {
        TableDiffRequest request = bodies.diff(exchange.jsonBody(), exchange.caller().role());
        ace.diff().validate(request);
        ace.catalog().checkTable(request.clusterName(), request.tableName(), request.dbname(),
                request.nodes().isEmpty() ? "all" : String.join(",", request.nodes()), request.role());
        DiffFollowUp report = reports.forOutput(request.output());
        answer(exchange, report == null ? ace.tasks().submit(request) : ace.tasks().submit(request, report));
    }

    void repair(ApiExchange exchange) throws IOException {
        answer(exchange, ace.tasks().submit(bodies.repair(exchange.jsonBody(), exchange.caller().role())));
    }

    void rerun(ApiExchange exchange) throws IOException {
        answer(exchange, ace.tasks().submit(bodies.rerun(exchange.jsonBody(), exchange.caller().role())));
    }

    private static void answer(ApiExchange exchange, Task task) throws IOException {
        exchange.taskId(task.id());
        exchange.respond(200, TaskResponses.submitted(task));
    }
}
