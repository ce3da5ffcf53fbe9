package dev.ace.core.mtree;

import dev.ace.core.CallerRole;
import dev.ace.core.option.Operation;
import dev.ace.core.option.OptionValues;
import dev.ace.core.option.Options;
import java.util.List;
import java.util.Objects;

/**
 * Which table's trees to build, update or remove, and where. Options are named as in the API
 * ({@code cluster_name}, {@code table_name}, {@code dbname}, {@code nodes}, {@code leaf_rows});
 * building checks them against the table of options and lists every problem at once. Immutable
 * and thread-safe.
 *
 * @param clusterName {@code cluster_name}; required
 * @param tableName {@code table_name}, {@code schema.table}; required
 * @param dbname {@code dbname}; null: the cluster's first database
 * @param nodes {@code nodes}; empty: all the cluster's active nodes
 * @param leafRows {@code leaf_rows}: rows per leaf when building (default 64)
 * @param role the role every statement runs as; it must own the table (it creates triggers on it)
 */
public record TreeRequest(String clusterName, String tableName, String dbname, List<String> nodes, int leafRows,
                          CallerRole role) {

    public TreeRequest {
        Objects.requireNonNull(role, "role");
        dbname = dbname == null || dbname.isBlank() ? null : dbname;
        nodes = nodes == null ? List.of() : List.copyOf(nodes);
        OptionValues.builder(Operation.MTREE).set(Options.CLUSTER_NAME, clusterName)
                .set(Options.TABLE_NAME, tableName).set(Options.DBNAME, dbname).set(Options.NODES, nodes)
                .set(Options.LEAF_ROWS, leafRows).build();
    }

    public static Builder builder(String clusterName, String tableName) {
        return new Builder(clusterName, tableName);
    }

    /** A request of parsed options ({@link Options#parse} with {@link Operation#MTREE}). */
    public static Builder builder(OptionValues values) {
        if (values.operation() != Operation.MTREE) {
            throw new IllegalArgumentException("options of " + values.operation().apiName() + ", not of mtree");
        }
        Builder builder = new Builder(values.get(Options.CLUSTER_NAME).orElse(null),
                values.get(Options.TABLE_NAME).orElse(null));
        builder.dbname = values.get(Options.DBNAME).orElse(null);
        builder.nodes = values.getOrDefault(Options.NODES);
        builder.leafRows = values.getOrDefault(Options.LEAF_ROWS);
        return builder;
    }

    /** The {@code nodes} option as cluster definitions select by it. */
    public String nodesOption() {
        return nodes.isEmpty() ? "all" : String.join(",", nodes);
    }

    /** Options of a tree request; not thread-safe. */
    public static final class Builder {
        private final String clusterName;
        private final String tableName;
        private String dbname;
        private List<String> nodes = List.of();
        private int leafRows = Options.LEAF_ROWS.defaultValue().orElse(64);
        private CallerRole role = CallerRole.SERVICE;

        private Builder(String clusterName, String tableName) {
            this.clusterName = clusterName;
            this.tableName = tableName;
        }

        public Builder dbname(String value) {
            this.dbname = value;
            return this;
        }

        /** {@code "all"} (or null) or a comma-separated list of node names. */
        public Builder nodes(String value) {
            this.nodes = value == null ? List.of() : Options.NODES.valueOf(value);
            return this;
        }

        /** Rows per leaf when building, 16 to 100,000. */
        public Builder leafRows(int value) {
            this.leafRows = value;
            return this;
        }

        public Builder role(CallerRole value) {
            this.role = Objects.requireNonNull(value, "role");
            return this;
        }

        /** @throws dev.ace.core.error.InvalidRequestException listing every problem of the options */
        public TreeRequest build() {
            return new TreeRequest(clusterName, tableName, dbname, nodes, leafRows, role);
        }
    }
}
