package dev.ace.core.internal.diff;

import dev.ace.core.CallerRole;
import dev.ace.core.catalog.Column;
import dev.ace.core.catalog.TableName;
import dev.ace.core.catalog.TableSchema;
import dev.ace.core.cluster.ClusterDefinition;
import dev.ace.core.cluster.NodeDefinition;
import dev.ace.core.diff.DiffFile;
import dev.ace.core.diff.DiffSummary;
import dev.ace.core.error.AceException;
import dev.ace.core.error.InvalidRequestException;
import dev.ace.core.error.SchemaMismatchException;
import dev.ace.core.internal.catalog.TableChecker;
import dev.ace.core.internal.config.ClusterResolver;
import dev.ace.core.internal.diff.BoundDiff;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A diff file tied to the cluster, nodes and table it was taken on, after checking that it
 * belongs to the table and cluster a request names and that the table still has the shape the
 * file records. Shared by repair and rerun. Immutable.
 */
public record BoundDiff(DiffFile file, ClusterDefinition cluster, List<NodeDefinition> nodes, TableSchema schema) {

    /**
     * Opens the diff file and checks it against the request; adds every problem found to
     * {@code problems} and returns null when the file cannot be used.
     */
    public static DiffFile open(Path path, TableName table, String clusterName, String dbname, List<String> problems) {
        return open(path, table, clusterName, dbname, problems, false);
    }

    /**
     * As {@link #open(Path, TableName, String, String, List)}; with {@code summaryOnly}, only the
     * summary is read now, for a caller that reads every row anyway ({@link DiffFile#openSummary}).
     */
    public static DiffFile open(Path path, TableName table, String clusterName, String dbname, List<String> problems,
                         boolean summaryOnly) {
        if (path == null) {
            problems.add("diff_file is required");
            return null;
        }
        DiffFile file;
        try {
            file = summaryOnly ? DiffFile.openSummary(path) : DiffFile.open(path);
        } catch (InvalidRequestException e) {
            problems.addAll(e.problems());
            return null;
        }
        DiffSummary summary = file.summary();
        if (table != null && !summary.table().equals(table)) {
            problems.add("diff_file " + path + " is a diff of table " + summary.table() + ", not of " + table);
        }
        if (clusterName != null && !clusterName.isBlank() && !summary.clusterName().equals(clusterName)) {
            problems.add("diff_file " + path + " belongs to cluster " + summary.clusterName() + ", not to "
                    + clusterName);
        }
        if (dbname != null && !summary.dbname().isEmpty() && !summary.dbname().equals(dbname)) {
            problems.add("diff_file " + path + " was taken on database " + summary.dbname() + ", not on " + dbname);
        }
        return file;
    }

    /**
     * Resolves the file's cluster and nodes and checks the table on every node of the file as
     * {@code role}: it must have the columns (names, types, order) and primary key the file records.
     */
    public static BoundDiff bind(DiffFile file, ClusterResolver clusters, TableChecker checker, String dbname,
                          CallerRole role) {
        DiffSummary summary = file.summary();
        String database = dbname != null ? dbname : summary.dbname().isEmpty() ? null : summary.dbname();
        ClusterDefinition cluster = clusters.resolve(summary.clusterName(), database);
        List<NodeDefinition> nodes = new ArrayList<>();
        for (String name : summary.nodes()) {
            nodes.add(cluster.node(name));
        }
        TableSchema schema = checker.check(nodes, summary.table(), role);
        List<String> problems = new ArrayList<>();
        String now = describe(schema.columns());
        String then = describe(summary.columns());
        if (!now.equals(then)) {
            problems.add("table " + summary.table() + " changed since the diff: its columns are now (" + now
                    + ") but the diff file has (" + then + "); run table-diff again");
        }
        if (!schema.primaryKey().equals(summary.primaryKey())) {
            problems.add("table " + summary.table() + " changed since the diff: its primary key is now ("
                    + String.join(", ", schema.primaryKey()) + ") but the diff file has ("
                    + String.join(", ", summary.primaryKey()) + "); run table-diff again");
        }
        if (!problems.isEmpty()) {
            throw new SchemaMismatchException("table " + summary.table() + " changed since the diff", problems);
        }
        return new BoundDiff(file, cluster, List.copyOf(nodes), schema);
    }

    /**
     * Resolves the file's cluster and nodes as {@link #bind} does, without connecting to them; adds
     * every problem (cluster not found, a node the cluster no longer has) to {@code problems}.
     */
    public static void resolve(DiffFile file, ClusterResolver clusters, String dbname, List<String> problems) {
        DiffSummary summary = file.summary();
        String database = dbname != null ? dbname : summary.dbname().isEmpty() ? null : summary.dbname();
        ClusterDefinition cluster;
        try {
            cluster = clusters.resolve(summary.clusterName(), database);
        } catch (AceException e) {
            problems.addAll(e.problems());
            return;
        }
        for (String name : summary.nodes()) {
            try {
                cluster.node(name);
            } catch (AceException e) {
                problems.addAll(e.problems());
            }
        }
    }

    /**
     * The error for a diff file that lists a key twice for one node of a pair: a node holds one row
     * per key, so the file is damaged. Worded as the report renderers word it.
     */
    public static InvalidRequestException keyListedTwice(DiffFile file, String pair, String node, List<String> key) {
        return new InvalidRequestException("diff_file " + file.path() + " is not a usable ACE diff file: diffs." + pair
                + "." + node + " lists the key " + key + " more than once");
    }

    private static String describe(List<Column> columns) {
        return columns.stream().map(column -> column.name() + " " + column.type()).collect(Collectors.joining(", "));
    }

    public DiffSummary summary() {
        return file.summary();
    }
}
