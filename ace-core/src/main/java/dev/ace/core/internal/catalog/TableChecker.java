package dev.ace.core.internal.catalog;

import dev.ace.core.CallerRole;
import dev.ace.core.catalog.Column;
import dev.ace.core.catalog.TableName;
import dev.ace.core.catalog.TableSchema;
import dev.ace.core.cluster.NodeDefinition;
import dev.ace.core.error.InvalidRequestException;
import dev.ace.core.error.MissingPrimaryKeyException;
import dev.ace.core.error.SchemaMismatchException;
import dev.ace.core.error.TableNotFoundException;
import dev.ace.core.internal.db.NodePools;
import dev.ace.core.internal.db.NodeSession;
import dev.ace.core.internal.db.NodeWork;
import dev.ace.core.internal.db.SqlErrors;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Checks that a table exists on every chosen node with a primary key and the same columns
 * (names, types, order) and key, reading the catalogs as the caller's role. Thread-safe.
 */
public final class TableChecker {

    private final NodePools pools;

    public TableChecker(NodePools pools) {
        this.pools = Objects.requireNonNull(pools);
    }

    /** The shape every node agrees on; the first node is the reference the others are compared to. */
    public TableSchema check(List<NodeDefinition> nodes, TableName table, CallerRole role) {
        if (nodes.isEmpty()) {
            throw new InvalidRequestException("at least one node is needed to check table " + table);
        }
        Map<NodeDefinition, TableSchema> schemas = new LinkedHashMap<>();
        for (NodeDefinition node : nodes) {
            String what = "checking table " + table;
            try (NodeSession session = pools.open(node, role, what)) {
                schemas.put(node, read(session.connection(), node, table));
            } catch (SQLException e) {
                throw SqlErrors.wrap(e, node, what);
            }
        }
        return agreed(nodes, table, schemas);
    }

    /**
     * As {@link #check(List, TableName, CallerRole)}, in the sessions of {@code work} the caller
     * already holds (one per node, as its role), on all nodes at once; the first failure in the
     * nodes' order is thrown.
     */
    public TableSchema check(NodeWork work, Map<NodeDefinition, NodeSession> sessions, List<NodeDefinition> nodes,
                             TableName table) {
        if (nodes.isEmpty()) {
            throw new InvalidRequestException("at least one node is needed to check table " + table);
        }
        return agreed(nodes, table, work.onEach(nodes, node -> read(sessions.get(node).connection(), node, table)));
    }

    private static TableSchema agreed(List<NodeDefinition> nodes, TableName table,
                                      Map<NodeDefinition, TableSchema> schemas) {
        NodeDefinition first = nodes.get(0);
        TableSchema reference = schemas.get(first);
        List<String> problems = new ArrayList<>();
        for (NodeDefinition node : nodes.subList(1, nodes.size())) {
            compare(table, first, reference, node, schemas.get(node), problems);
        }
        if (!problems.isEmpty()) {
            throw new SchemaMismatchException("the definition of table " + table + " on the nodes", problems);
        }
        return reference;
    }

    private static TableSchema read(Connection connection, NodeDefinition node, TableName table) throws SQLException {
        long oid = findTable(connection, node, table);
        List<Column> columns = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), t.typcategory, a.attnotnull "
                        + "FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_type t ON t.oid = a.atttypid "
                        + "WHERE a.attrelid = ?::oid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum")) {
            statement.setLong(1, oid);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    columns.add(new Column(rows.getString(1), rows.getString(2), rows.getString(3), rows.getBoolean(4)));
                }
            }
        }
        List<String> key = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT a.attname FROM pg_catalog.pg_index i "
                        + "CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, position) "
                        + "JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum "
                        + "WHERE i.indrelid = ?::oid AND i.indisprimary ORDER BY k.position")) {
            statement.setLong(1, oid);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    key.add(rows.getString(1));
                }
            }
        }
        if (key.isEmpty()) {
            throw new MissingPrimaryKeyException("table " + table + " has no primary key on node " + node.describe()
                    + "; ACE matches rows by primary key, so add the same primary key on every node");
        }
        return new TableSchema(table, columns, key);
    }

    private static long findTable(Connection connection, NodeDefinition node, TableName table) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT c.oid, c.relkind FROM pg_catalog.pg_class c "
                        + "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                        + "WHERE n.nspname = ? AND c.relname = ?")) {
            statement.setString(1, table.schema());
            statement.setString(2, table.table());
            try (ResultSet rows = statement.executeQuery()) {
                if (rows.next()) {
                    String kind = rows.getString(2);
                    if (!kind.equals("r") && !kind.equals("p")) {
                        throw new TableNotFoundException(table + " on node " + node.describe() + " is "
                                + describeKind(kind) + ", not a table", null);
                    }
                    return rows.getLong(1);
                }
            }
        }
        String hint = "";
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT n.nspname, c.relname FROM pg_catalog.pg_class c "
                        + "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                        + "WHERE lower(n.nspname) = lower(?) AND lower(c.relname) = lower(?) AND c.relkind IN ('r', 'p') "
                        + "LIMIT 1")) {
            statement.setString(1, table.schema());
            statement.setString(2, table.table());
            try (ResultSet rows = statement.executeQuery()) {
                if (rows.next()) {
                    hint = "; names are matched exactly as written, did you mean "
                            + new TableName(rows.getString(1), rows.getString(2)) + "?";
                }
            }
        }
        throw new TableNotFoundException("table " + table + " does not exist on node " + node.describe() + hint, null);
    }

    private static String describeKind(String kind) {
        switch (kind) {
            case "v":
                return "a view";
            case "m":
                return "a materialized view";
            case "f":
                return "a foreign table";
            case "S":
                return "a sequence";
            case "i":
            case "I":
                return "an index";
            default:
                return "not an ordinary table (relkind " + kind + ")";
        }
    }

    private static void compare(TableName table, NodeDefinition first, TableSchema reference, NodeDefinition node,
                                TableSchema other, List<String> problems) {
        Map<String, Column> mine = byName(reference.columns());
        Map<String, Column> theirs = byName(other.columns());
        boolean columnSetsDiffer = false;
        for (Column column : reference.columns()) {
            Column match = theirs.get(column.name());
            if (match == null) {
                problems.add("column " + column.name() + " exists on " + first.name() + " but not on " + node.name());
                columnSetsDiffer = true;
            } else if (!match.type().equals(column.type())) {
                problems.add("column " + column.name() + " is " + column.type() + " on " + first.name() + " but "
                        + match.type() + " on " + node.name());
            }
        }
        for (Column column : other.columns()) {
            if (!mine.containsKey(column.name())) {
                problems.add("column " + column.name() + " exists on " + node.name() + " but not on " + first.name());
                columnSetsDiffer = true;
            }
        }
        if (!columnSetsDiffer && !names(reference.columns()).equals(names(other.columns()))) {
            problems.add("columns are in a different order: (" + String.join(", ", names(reference.columns())) + ") on "
                    + first.name() + " but (" + String.join(", ", names(other.columns())) + ") on " + node.name());
        }
        if (!reference.primaryKey().equals(other.primaryKey())) {
            problems.add("primary key is (" + String.join(", ", reference.primaryKey()) + ") on " + first.name()
                    + " but (" + String.join(", ", other.primaryKey()) + ") on " + node.name());
        }
    }

    private static Map<String, Column> byName(List<Column> columns) {
        return columns.stream().collect(Collectors.toMap(Column::name, column -> column, (a, b) -> a, LinkedHashMap::new));
    }

    private static List<String> names(List<Column> columns) {
        return columns.stream().map(Column::name).collect(Collectors.toList());
    }
}
