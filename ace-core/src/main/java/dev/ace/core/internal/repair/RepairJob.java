package dev.ace.core.internal.repair;

import dev.ace.core.catalog.TableName;
import dev.ace.core.cluster.NodeDefinition;
import dev.ace.core.error.AceException;
import dev.ace.core.error.ErrorCode;
import dev.ace.core.internal.db.NodeWork;
import dev.ace.core.internal.diff.BoundDiff;
import dev.ace.core.repair.TableRepairRequest;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What every part of one repair shares: the request, the diff file bound to its cluster and
 * table, the task id, the feed of planned units, the node work (sessions, threads, errors,
 * cancelling) and the table's statements, known once the first session is open. Thread-safe:
 * {@link #sql} is set once, by the thread that opens the sessions, before any worker starts.
 */
final class RepairJob {

    final TableRepairRequest request;
    final BoundDiff bound;
    final String taskId;
    final Instant started;
    final UnitFeed feed;
    final NodeWork work;
    final Map<String, NodeDefinition> nodes = new LinkedHashMap<>();
    private volatile RowSql sql;

    RepairJob(TableRepairRequest request, BoundDiff bound, String taskId, Instant started, UnitFeed feed,
              NodeWork work) {
        this.request = request;
        this.bound = bound;
        this.taskId = taskId;
        this.started = started;
        this.feed = feed;
        this.work = work;
        bound.nodes().forEach(node -> nodes.put(node.name(), node));
    }

    /** "repairing table public.t": what the repair does, for error messages. */
    static String what(TableName table) {
        return "repairing table " + table;
    }

    /** The failure of a statement cancelled, or of a step stopped, because the caller cancelled the repair. */
    static AceException cancelled(TableName table) {
        return new AceException(ErrorCode.CANCELLED, "table-repair of " + table + " was cancelled");
    }

    TableName table() {
        return bound.schema().table();
    }

    RowSql sql() {
        return sql;
    }

    void sql(RowSql value) {
        this.sql = value;
    }

    /** Between steps: stops when the caller cancelled. */
    void stopIfCancelled() {
        if (request.cancellation().isCancelled()) {
            throw cancelled(table());
        }
    }
}
