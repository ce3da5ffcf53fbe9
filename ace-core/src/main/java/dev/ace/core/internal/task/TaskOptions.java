package dev.ace.core.internal.task;

import dev.ace.core.diff.TableDiffRequest;
import dev.ace.core.diff.TableRerunRequest;
import dev.ace.core.repair.TableRepairRequest;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A request's options as a task records them: the API's snake_case names, the options that were
 * set, values as strings, numbers and booleans. Requests hold no secrets (the role is kept apart,
 * and passwords live in cluster definitions), so nothing needs hiding. Thread-safe (stateless).
 */
public final class TaskOptions {

    private TaskOptions() {
    }

    public static Map<String, Object> of(TableDiffRequest request) {
        Map<String, Object> options = new LinkedHashMap<>();
        put(options, "cluster_name", request.clusterName());
        put(options, "table_name", request.tableName());
        put(options, "dbname", request.dbname().orElse(null));
        put(options, "block_rows", request.blockRows().orElse(null));
        put(options, "max_cpu_ratio", request.maxCpuRatio().orElse(null));
        put(options, "output", request.output());
        put(options, "nodes", request.nodes());
        put(options, "batch_size", request.batchSize().orElse(null));
        put(options, "table_filter", request.tableFilter().orElse(null));
        put(options, "quiet", request.quiet());
        put(options, "max_diff_rows", request.maxDiffRows().orElse(null));
        return options;
    }

    public static Map<String, Object> of(TableRepairRequest request) {
        Map<String, Object> options = new LinkedHashMap<>();
        put(options, "cluster_name", request.clusterName());
        put(options, "table_name", request.tableName());
        put(options, "diff_file", request.diffFile() == null ? null : request.diffFile().toString());
        put(options, "source_of_truth", request.sourceOfTruth());
        put(options, "dbname", request.dbname());
        put(options, "dry_run", request.dryRun());
        put(options, "quiet", request.quiet());
        put(options, "generate_report", request.generateReport());
        put(options, "upsert_only", request.upsertOnly());
        put(options, "insert_only", request.insertOnly());
        put(options, "bidirectional", request.bidirectional());
        put(options, "fix_nulls", request.fixNulls());
        put(options, "fire_triggers", request.fireTriggers());
        put(options, "atomic", request.atomic());
        put(options, "lock_timeout", request.lockTimeout().toString());
        return options;
    }

    public static Map<String, Object> of(TableRerunRequest request) {
        Map<String, Object> options = new LinkedHashMap<>();
        put(options, "cluster_name", request.clusterName());
        put(options, "table_name", request.tableName());
        put(options, "diff_file", request.diffFile() == null ? null : request.diffFile().toString());
        put(options, "dbname", request.dbname());
        put(options, "quiet", request.quiet());
        put(options, "behavior", request.behavior());
        return options;
    }

    private static void put(Map<String, Object> options, String name, Object value) {
        if (value != null) {
            options.put(name, value);
        }
    }
}
