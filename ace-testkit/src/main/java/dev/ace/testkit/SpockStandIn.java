package dev.ace.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A stand-in for what the Spock 5 extension (5.0.11) leaves on a node for exception review, for
 * tests: Spock itself is not packaged for our machines. {@link #install} creates schema
 * {@code spock} with {@code node} and {@code exception_log} as Spock 5 defines them (column names,
 * types, keys and {@code user_catalog_table}, as in {@code sql/spock--5.0.0.sql}), and registers
 * every node of the test database in {@code spock.node} with the id Spock derives from the node's
 * name. It creates no {@code exception_status} or {@code exception_status_detail}: Spock's apply
 * worker never writes them, and a node may not have them until a tool creates them.
 *
 * <p>{@link Exception#seed} records an exception the way Spock's apply worker does: one
 * {@code exception_log} row per logged command and nothing else; each row stamped with its own
 * {@code retry_errored_at} (Spock takes the clock each time it logs a command), its
 * {@code remote_origin} the origin node's {@code spock.node.node_id}, and {@code local_origin},
 * {@code local_commit_ts} and {@code local_tup} NULL unless a local row was found. Not thread-safe
 * (a builder); the static methods are.
 */
public final class SpockStandIn {

    private static final String[] DDL = {
        "CREATE SCHEMA spock",
        "CREATE TABLE spock.node (\n"
                + "  node_id oid NOT NULL PRIMARY KEY,\n"
                + "  node_name name NOT NULL UNIQUE,\n"
                + "  location text,\n"
                + "  country text,\n"
                + "  info jsonb\n"
                + ") WITH (user_catalog_table = true)",
        "CREATE TABLE spock.exception_log (\n"
                + "  remote_origin oid NOT NULL,\n"
                + "  remote_commit_ts timestamptz NOT NULL,\n"
                + "  command_counter integer NOT NULL,\n"
                + "  retry_errored_at timestamptz NOT NULL,\n"
                + "  remote_xid bigint NOT NULL,\n"
                + "  local_origin oid,\n"
                + "  local_commit_ts timestamptz,\n"
                + "  table_schema text,\n"
                + "  table_name text,\n"
                + "  operation text,\n"
                + "  local_tup jsonb,\n"
                + "  remote_old_tup jsonb,\n"
                + "  remote_new_tup jsonb,\n"
                + "  ddl_statement text,\n"
                + "  ddl_user text,\n"
                + "  error_message text NOT NULL,\n"
                + "  PRIMARY KEY (remote_origin, remote_commit_ts, command_counter, retry_errored_at)\n"
                + ") WITH (user_catalog_table = true)"
    };

    /**
     * Spock's node id: a 32-bit hash of the node name's bytes ({@code hash_any}, which is what
     * {@code hashtext} computes for text of a deterministic collation) kept to its low 16 bits,
     * as {@code create_node} in Spock's {@code src/spock_node.c} does.
     */
    private static final String NODE_ID = "(hashtext(%s) & 65535)::oid";

    private SpockStandIn() {
    }

    /**
     * Creates schema {@code spock} with {@code node} and {@code exception_log} on one node, and
     * registers every node of the test database in its {@code spock.node}, as on a Spock mesh
     * where each node subscribes to every other.
     */
    public static void install(TestDatabase db, String node) {
        install(db, node, db.nodes().stream().map(PgNode::name).toList());
    }

    /**
     * As {@link #install(TestDatabase, String)}, registering {@code nodeNames} in {@code spock.node}
     * instead of the test nodes' own names: for a cluster file that names its nodes otherwise
     * ({@code node1}, {@code origin1}).
     */
    public static void install(TestDatabase db, String node, List<String> nodeNames) {
        List<String> statements = new ArrayList<>(List.of(DDL));
        statements.add("INSERT INTO spock.node (node_id, node_name) SELECT " + String.format(NODE_ID, "n::text")
                + ", n FROM unnest(ARRAY[" + nodeNames.stream().map(SpockStandIn::literal)
                .collect(Collectors.joining(", ")) + "]::name[]) AS n");
        db.execute(node, statements.toArray(new String[0]));
    }

    /**
     * The {@code spock.node.node_id} that {@code node_name} has on {@code node}: what Spock writes
     * as {@code remote_origin} for a transaction from that node.
     */
    public static long nodeId(TestDatabase db, String node, String nodeName) {
        String id = db.queryValue(node, "SELECT node_id FROM spock.node WHERE node_name = ?", nodeName);
        if (id == null) {
            throw new TestKitException("spock.node on " + node + " has no node named " + nodeName
                    + "; its nodes are " + db.queryColumn(node, "SELECT node_name FROM spock.node ORDER BY node_name"));
        }
        return Long.parseLong(id);
    }

    /**
     * An exception to seed: a remote transaction from node {@code originNode} (a name in
     * {@code spock.node}) that failed to apply, with one or more logged commands.
     */
    public static Exception exception(String originNode, String remoteCommitTs, long remoteXid) {
        return new Exception(originNode, remoteCommitTs, remoteXid);
    }

    private static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    /** The exception to seed; a builder. */
    public static final class Exception {
        private final String originNode;
        private final String remoteCommitTs;
        private final long remoteXid;
        private String firstRetryErroredAt = "2026-01-01 00:00:00+00";
        private String tableSchema = "public";
        private String tableName = "t";
        private String operation = "UPDATE";
        private final List<Integer> commands = new ArrayList<>(List.of(1));
        private String error = "duplicate key value violates unique constraint";
        private String localOriginNode;
        private String localCommitTs;

        private Exception(String originNode, String remoteCommitTs, long remoteXid) {
            this.originNode = originNode;
            this.remoteCommitTs = remoteCommitTs;
            this.remoteXid = remoteXid;
        }

        public Exception table(String schema, String table) {
            this.tableSchema = schema;
            this.tableName = table;
            return this;
        }

        public Exception operation(String value) {
            this.operation = value;
            return this;
        }

        /** The command counters of the logged commands, in the order Spock logged them (default: 1). */
        public Exception commands(Integer... counters) {
            commands.clear();
            commands.addAll(List.of(counters));
            return this;
        }

        /**
         * When Spock logged the first command; each next one is logged 1 ms later, so every row
         * has its own {@code retry_errored_at} (default: 2026-01-01 00:00:00+00).
         */
        public Exception retryErroredAtFrom(String timestamp) {
            this.firstRetryErroredAt = timestamp;
            return this;
        }

        public Exception error(String message) {
            this.error = message;
            return this;
        }

        /**
         * The local row the commands found, last written on {@code originNode} (a name in
         * {@code spock.node}) at {@code commitTs}: sets {@code local_origin},
         * {@code local_commit_ts} and {@code local_tup}, which are NULL without it (an INSERT
         * that found no local row, for example).
         */
        public Exception localRow(String originNode, String commitTs) {
            this.localOriginNode = originNode;
            this.localCommitTs = commitTs;
            return this;
        }

        /** Records the exception on the node as Spock's apply worker would: {@code exception_log} rows only. */
        public void seed(TestDatabase db, String node) {
            long origin = nodeId(db, node, originNode);
            String local = localOriginNode == null ? "NULL, NULL, " : nodeId(db, node, localOriginNode) + ", '"
                    + localCommitTs + "'::timestamptz, ";
            List<String> statements = new ArrayList<>();
            for (int i = 0; i < commands.size(); i++) {
                int counter = commands.get(i);
                String tuple = "'[{\"attname\": \"id\", \"value\": " + counter + "}]'";
                statements.add("INSERT INTO spock.exception_log (remote_origin, remote_commit_ts, command_counter, "
                        + "retry_errored_at, remote_xid, local_origin, local_commit_ts, table_schema, table_name, "
                        + "operation, local_tup, remote_new_tup, error_message) VALUES (" + origin + ", '"
                        + remoteCommitTs + "'::timestamptz, " + counter + ", '" + firstRetryErroredAt
                        + "'::timestamptz + " + i + " * interval '1 millisecond', " + remoteXid + ", " + local
                        + literal(tableSchema) + ", " + literal(tableName) + ", " + literal(operation) + ", "
                        + (localOriginNode == null ? "NULL" : tuple) + ", " + tuple + ", " + literal(error) + ")");
            }
            db.execute(node, statements.toArray(new String[0]));
        }
    }
}
