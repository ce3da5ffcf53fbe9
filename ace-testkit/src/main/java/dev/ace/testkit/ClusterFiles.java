package dev.ace.testkit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Writes a cluster's description in the two formats ACE reads: pgEdge cluster JSON and pg_service.conf. */
public final class ClusterFiles {

    private ClusterFiles() {
    }

    /** {@code <clusterDirectory>/<clusterName>/<clusterName>.json}, pgEdge "json_version 1.0". */
    public static Path writeClusterJson(Path clusterDirectory, String clusterName, String database, List<PgNode> nodes) {
        Map<String, PgNode> named = new LinkedHashMap<>();
        nodes.forEach(node -> named.put(node.name(), node));
        return writeClusterJson(clusterDirectory, clusterName, database, named);
    }

    /**
     * As {@link #writeClusterJson(Path, String, String, List)}, with the nodes under names of the
     * test's choosing (the keys, in order): a cluster whose nodes are called {@code primary} and
     * {@code node1}, as in the API text's examples.
     */
    public static Path writeClusterJson(Path clusterDirectory, String clusterName, String database,
                                        Map<String, PgNode> nodesByName) {
        List<PgNode> nodes = List.copyOf(nodesByName.values());
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        root.put("json_version", "1.0");
        root.put("cluster_name", clusterName);
        root.put("log_level", "debug");
        root.put("update_date", "2026-01-01T00:00:00Z");
        ObjectNode pgedge = root.putObject("pgedge");
        pgedge.put("pg_version", "17");
        pgedge.put("auto_start", "off");
        pgedge.putObject("spock").put("spock_version", "").put("auto_ddl", "off");
        ArrayNode databases = pgedge.putArray("databases");
        ObjectNode db = databases.addObject();
        db.put("db_name", database);
        db.put("db_user", nodes.get(0).superuser());
        db.put("db_password", nodes.get(0).password().orElse(""));
        ArrayNode groups = root.putArray("node_groups");
        for (Map.Entry<String, PgNode> entry : nodesByName.entrySet()) {
            PgNode node = entry.getValue();
            ObjectNode group = groups.addObject();
            group.put("ssh", "");
            group.put("name", entry.getKey());
            group.put("is_active", "on");
            group.put("public_ip", node.host());
            group.put("private_ip", node.host());
            group.put("port", String.valueOf(node.port()));
            group.put("path", node.dataDirectory().map(Path::toString).orElse(""));
        }
        Path file = clusterDirectory.resolve(clusterName).resolve(clusterName + ".json");
        try {
            Files.createDirectories(file.getParent());
            mapper.writeValue(file.toFile(), root);
        } catch (IOException e) {
            throw new TestKitException("could not write " + file + ": " + e.getMessage(), e);
        }
        return file;
    }

    /**
     * A {@code pg_service.conf} with a {@code [clusterName]} section holding what the nodes share
     * and one {@code [clusterName.nX]} section per node.
     */
    public static Path writePgServiceConf(Path file, String clusterName, String database, List<PgNode> nodes) {
        StringBuilder text = new StringBuilder();
        text.append("# written by the ACE test kit\n");
        text.append('[').append(clusterName).append("]\n");
        text.append("dbname=").append(database).append('\n');
        text.append("user=").append(nodes.get(0).superuser()).append('\n');
        nodes.get(0).password().ifPresent(password -> text.append("password=").append(password).append('\n'));
        for (PgNode node : nodes) {
            text.append('\n').append('[').append(clusterName).append('.').append(node.name()).append("]\n");
            text.append("host=").append(node.host()).append('\n');
            text.append("port=").append(node.port()).append('\n');
        }
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new TestKitException("could not write " + file + ": " + e.getMessage(), e);
        }
        return file;
    }
}
