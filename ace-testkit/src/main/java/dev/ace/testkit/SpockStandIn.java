package dev.ace.testkit;

import java.util.ArrayList;
import java.util.List;

/**
 * A stand-in for the Spock extension's exception tables, for tests: Spock itself is not packaged
 * for our machines. {@link #install} creates schema {@code spock} with {@code exception_log},
 * {@code exception_status} and {@code exception_status_detail} exactly as Spock 4.x/5.x define
 * them (column names, types, keys, the foreign key and {@code user_catalog_table}, as in
 * {@code spock--5.0.0.sql}); {@link Exception#seed} records an exception the way Spock's apply
 * worker does: one log row per failed command, a PENDING status row and a PENDING detail row per
 * command.
 */
public final class SpockStandIn {

    private static final String[] DDL = {
        "CREATE SCHEMA spock",
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
                + ") WITH (user_catalog_table = true)",
        "CREATE TABLE spock.exception_status (\n"
                + "  remote_origin oid NOT NULL,\n"
                + "  remote_commit_ts timestamptz NOT NULL,\n"
                + "  retry_errored_at timestamptz NOT NULL,\n"
                + "  remote_xid bigint NOT NULL,\n"
                + "  status text NOT NULL,\n"
                + "  resolved_at timestamptz,\n"
                + "  resolution_details jsonb,\n"
                + "  PRIMARY KEY (remote_origin, remote_commit_ts, retry_errored_at)\n"
                + ") WITH (user_catalog_table = true)",
        "CREATE TABLE spock.exception_status_detail (\n"
                + "  remote_origin oid NOT NULL,\n"
                + "  remote_commit_ts timestamptz NOT NULL,\n"
                + "  command_counter integer NOT NULL,\n"
                + "  retry_errored_at timestamptz NOT NULL,\n"
                + "  remote_xid bigint NOT NULL,\n"
                + "  status text NOT NULL,\n"
                + "  resolved_at timestamptz,\n"
                + "  resolution_details jsonb,\n"
                + "  PRIMARY KEY (remote_origin, remote_commit_ts, command_counter, retry_errored_at),\n"
                + "  FOREIGN KEY (remote_origin, remote_commit_ts, retry_errored_at)\n"
                + "    REFERENCES spock.exception_status\n"
                + ") WITH (user_catalog_table = true)"
    };

    private SpockStandIn() {
    }

    /** Creates the {@code spock} schema and its exception tables in the test database on one node. */
    public static void install(TestDatabase db, String node) {
        db.execute(node, DDL);
    }

    /** An exception to seed: a remote transaction that failed to apply, with one or more failed commands. */
    public static Exception exception(long remoteOrigin, String remoteCommitTs, long remoteXid) {
        return new Exception(remoteOrigin, remoteCommitTs, remoteXid);
    }

    /** The exception to seed; a builder. */
    public static final class Exception {
        private final long remoteOrigin;
        private final String remoteCommitTs;
        private final long remoteXid;
        private String retryErroredAt = "2026-01-01 00:00:00+00";
        private String tableSchema = "public";
        private String tableName = "t";
        private String operation = "UPDATE";
        private final List<Integer> commands = new ArrayList<>(List.of(1));
        private String error = "duplicate key value violates unique constraint";

        private Exception(long remoteOrigin, String remoteCommitTs, long remoteXid) {
            this.remoteOrigin = remoteOrigin;
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

        /** The command counters of the failed commands (default: 1). */
        public Exception commands(Integer... counters) {
            commands.clear();
            commands.addAll(List.of(counters));
            return this;
        }

        public Exception retryErroredAt(String timestamp) {
            this.retryErroredAt = timestamp;
            return this;
        }

        public Exception error(String message) {
            this.error = message;
            return this;
        }

        /** Records the exception on the node as Spock would: log rows, a PENDING status, PENDING details. */
        public void seed(TestDatabase db, String node) {
            List<String> statements = new ArrayList<>();
            String key = remoteOrigin + ", '" + remoteCommitTs + "'::timestamptz";
            String retry = "'" + retryErroredAt + "'::timestamptz";
            statements.add("INSERT INTO spock.exception_status (remote_origin, remote_commit_ts, retry_errored_at, "
                    + "remote_xid, status) VALUES (" + key + ", " + retry + ", " + remoteXid + ", 'PENDING')");
            for (int counter : commands) {
                statements.add("INSERT INTO spock.exception_log (remote_origin, remote_commit_ts, command_counter, "
                        + "retry_errored_at, remote_xid, local_origin, table_schema, table_name, operation, "
                        + "remote_new_tup, error_message) VALUES (" + key + ", " + counter + ", " + retry + ", "
                        + remoteXid + ", 0, '" + tableSchema + "', '" + tableName + "', '" + operation + "', "
                        + "'[{\"attname\": \"id\", \"value\": " + counter + "}]', '" + error.replace("'", "''") + "')");
                statements.add("INSERT INTO spock.exception_status_detail (remote_origin, remote_commit_ts, "
                        + "command_counter, retry_errored_at, remote_xid, status) VALUES (" + key + ", " + counter + ", "
                        + retry + ", " + remoteXid + ", 'PENDING')");
            }
            db.execute(node, statements.toArray(new String[0]));
        }
    }
}
