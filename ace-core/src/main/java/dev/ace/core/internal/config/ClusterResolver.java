package dev.ace.core.internal.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ace.core.AceConfig;
import dev.ace.core.cluster.ClusterDefinition;
import dev.ace.core.cluster.NodeDefinition;
import dev.ace.core.error.ClusterNotFoundException;
import dev.ace.core.error.InvalidClusterDefinitionException;
import dev.ace.core.error.InvalidRequestException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Finds a cluster definition by name: first the pgEdge cluster file
 * {@code <cluster_dir>/<name>/<name>.json}, then a {@code [name]} section of
 * {@code pg_service.conf} (the configured file, or the first that exists of
 * {@code $ACE_PGSERVICEFILE}, {@code $PGSERVICEFILE}, {@code ./pg_service.conf},
 * {@code ~/.pg_service.conf}, {@code /etc/pg_service.conf}). Thread-safe (stateless).
 */
public final class ClusterResolver {

    private static final Pattern CLUSTER_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
    private static final Set<String> SERVICE_OPTIONS = Set.of("sslmode", "sslcert", "sslkey", "sslrootcert",
            "sslpassword", "connect_timeout", "options", "application_name", "target_session_attrs",
            "sslcrl", "gssencmode", "channel_binding");

    private final AceConfig config;
    private final Map<String, String> environment;
    private final Path workingDirectory;
    private final Path homeDirectory;

    public ClusterResolver(AceConfig config, Map<String, String> environment, Path workingDirectory, Path homeDirectory) {
        this.config = config;
        this.environment = Map.copyOf(environment);
        this.workingDirectory = workingDirectory;
        this.homeDirectory = homeDirectory;
    }

    /** The definition of {@code clusterName} for {@code dbname} (null or blank: the definition's default). */
    public ClusterDefinition resolve(String clusterName, String dbname) {
        if (clusterName == null || clusterName.isBlank()) {
            throw new InvalidRequestException("cluster_name is required");
        }
        if (!CLUSTER_NAME.matcher(clusterName).matches()) {
            throw new InvalidRequestException("cluster_name may hold letters, digits, '_', '-' and '.', was '"
                    + clusterName + "'");
        }
        String database = dbname == null || dbname.isBlank() ? null : dbname;
        Path json = config.clusterDirectory().resolve(clusterName).resolve(clusterName + ".json");
        if (Files.exists(json)) {
            return readClusterJson(json, clusterName, database);
        }
        Optional<Path> serviceFile = serviceFile();
        if (serviceFile.isPresent()) {
            Optional<ClusterDefinition> fromService = readServiceFile(serviceFile.get(), clusterName, database);
            if (fromService.isPresent()) {
                return fromService.get();
            }
        }
        throw new ClusterNotFoundException("cluster " + clusterName + " not found: there is no cluster file " + json
                + (serviceFile.map(file -> " and no [" + clusterName + "] section in " + file)
                        .orElse(" and no pg_service.conf (looked for $ACE_PGSERVICEFILE, $PGSERVICEFILE, "
                                + "./pg_service.conf, ~/.pg_service.conf, /etc/pg_service.conf)")));
    }

    /**
     * Resolves the cluster and picks the nodes as a run does (reading definitions, never connecting),
     * adding every problem to {@code problems} instead of throwing; null when there is one.
     */
    public List<NodeDefinition> select(String clusterName, String dbname, String nodes, int minimum,
                                       List<String> problems) {
        try {
            return resolve(clusterName, dbname).select(nodes, minimum);
        } catch (dev.ace.core.error.AceException e) {
            problems.addAll(e.problems());
            return null;
        }
    }

    /** The service file to read: the configured one (which must exist), else the first of the lookup order. */
    Optional<Path> serviceFile() {
        if (config.pgServiceFile().isPresent()) {
            Path configured = config.pgServiceFile().get();
            if (!Files.isRegularFile(configured)) {
                throw new InvalidClusterDefinitionException("pg_service_file " + configured + " does not exist");
            }
            return Optional.of(configured);
        }
        List<Path> candidates = new ArrayList<>();
        for (String variable : List.of("ACE_PGSERVICEFILE", "PGSERVICEFILE")) {
            String value = environment.get(variable);
            if (value != null && !value.isBlank()) {
                candidates.add(Path.of(value));
            }
        }
        candidates.add(workingDirectory.resolve("pg_service.conf"));
        if (homeDirectory != null) {
            candidates.add(homeDirectory.resolve(".pg_service.conf"));
        }
        candidates.add(Path.of("/etc/pg_service.conf"));
        return candidates.stream().filter(Files::isRegularFile).findFirst();
    }

    // ---------------------------------------------------------------- pgEdge cluster JSON

    private static ClusterDefinition readClusterJson(Path file, String clusterName, String dbname) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw new InvalidClusterDefinitionException("cluster file " + file + " is not valid JSON: "
                    + e.getOriginalMessage() + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr() + ")"));
        } catch (IOException e) {
            throw new InvalidClusterDefinitionException("cluster file " + file + " cannot be read: " + e.getMessage());
        }
        List<String> problems = new ArrayList<>();
        if (root == null || !root.isObject()) {
            throw new InvalidClusterDefinitionException("cluster file " + file + " must hold a JSON object");
        }
        String declared = root.path("cluster_name").asText("");
        if (!declared.isEmpty() && !declared.equals(clusterName)) {
            problems.add("cluster_name is '" + declared + "' but the file is where cluster " + clusterName + " belongs");
        }
        JsonNode databases = root.path("pgedge").path("databases");
        String database = null;
        String user = null;
        String password = null;
        if (!databases.isArray() || databases.isEmpty()) {
            problems.add("pgedge.databases must list at least one database");
        } else {
            List<String> names = new ArrayList<>();
            JsonNode picked = null;
            for (JsonNode entry : databases) {
                String name = entry.path("db_name").asText("");
                names.add(name);
                if (picked == null && (dbname == null || dbname.equals(name))) {
                    picked = entry;
                }
            }
            if (picked == null) {
                throw new InvalidRequestException("database " + dbname + " is not defined for cluster " + clusterName
                        + " in " + file + "; it defines: " + String.join(", ", names));
            }
            database = picked.path("db_name").asText("");
            user = picked.path("db_user").asText("");
            password = picked.path("db_password").asText("");
            if (database.isEmpty()) {
                problems.add("pgedge.databases[" + names.indexOf(database) + "] has no db_name");
            }
            if (user.isEmpty()) {
                problems.add("database " + database + " has no db_user");
            }
        }
        JsonNode groups = root.path("node_groups");
        List<NodeDefinition> nodes = new ArrayList<>();
        if (!groups.isArray() || groups.isEmpty()) {
            problems.add("node_groups must list at least one node");
        } else {
            Set<String> names = new HashSet<>();
            int index = 0;
            for (JsonNode group : groups) {
                String where = "node_groups[" + index++ + "]";
                String name = group.path("name").asText("");
                if (name.isEmpty()) {
                    problems.add(where + " has no name");
                    continue;
                }
                where = "node " + name;
                if (!names.add(name)) {
                    problems.add(where + " is defined more than once");
                }
                String host = group.path("public_ip").asText("");
                if (host.isEmpty()) {
                    host = group.path("private_ip").asText("");
                }
                if (host.isEmpty()) {
                    problems.add(where + " has neither public_ip nor private_ip");
                }
                Integer port = port(group.path("port").isMissingNode() ? "5432" : group.path("port").asText(""),
                        where, problems);
                if (problems.isEmpty()) {
                    nodes.add(new NodeDefinition(name, host, port, database, user, password,
                            isActive(group.path("is_active")), Map.of()));
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidClusterDefinitionException("cluster file " + file, prefix(problems, "cluster file " + file));
        }
        return new ClusterDefinition(clusterName, database, nodes, file);
    }

    private static boolean isActive(JsonNode value) {
        if (value.isMissingNode() || value.isNull()) {
            return true;
        }
        if (value.isBoolean()) {
            return value.asBoolean();
        }
        String text = value.asText("").trim().toLowerCase(Locale.ROOT);
        return !(text.equals("off") || text.equals("no") || text.equals("false") || text.equals("0"));
    }

    private static Integer port(String text, String where, List<String> problems) {
        try {
            int port = Integer.parseInt(text.trim());
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problems.add(where + " has port '" + text + "'; it must be a number from 1 to 65535");
        return null;
    }

    // ---------------------------------------------------------------- pg_service.conf

    private Optional<ClusterDefinition> readServiceFile(Path file, String clusterName, String dbname) {
        Map<String, Map<String, String>> sections = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new InvalidClusterDefinitionException("service file " + file + " cannot be read: " + e.getMessage());
        }
        Map<String, String> current = null;
        boolean relevant = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("[")) {
                if (!line.endsWith("]") || line.length() < 3) {
                    problems.add("line " + (i + 1) + ": a section header looks like [name], was '" + line + "'");
                    current = null;
                    continue;
                }
                String section = line.substring(1, line.length() - 1).trim();
                relevant = section.equals(clusterName) || section.startsWith(clusterName + ".");
                current = relevant ? sections.computeIfAbsent(section, key -> new LinkedHashMap<>()) : null;
                continue;
            }
            if (!relevant) {
                continue;
            }
            int equals = line.indexOf('=');
            if (equals <= 0) {
                problems.add("line " + (i + 1) + ": settings look like key=value, was '" + redactLine(line) + "'");
                continue;
            }
            String key = line.substring(0, equals).trim().toLowerCase(Locale.ROOT);
            String value = line.substring(equals + 1).trim();
            if (current == null) {
                continue;
            }
            current.put(key, value);
        }
        if (sections.isEmpty()) {
            if (!problems.isEmpty()) {
                throw new InvalidClusterDefinitionException("service file " + file, prefix(problems, "service file " + file));
            }
            return Optional.empty();
        }
        Map<String, String> shared = sections.getOrDefault(clusterName, Map.of());
        List<NodeDefinition> nodes = new ArrayList<>();
        String database = null;
        for (Map.Entry<String, Map<String, String>> section : sections.entrySet()) {
            if (section.getKey().equals(clusterName)) {
                continue;
            }
            String nodeName = section.getKey().substring(clusterName.length() + 1);
            String where = "[" + section.getKey() + "]";
            Map<String, String> settings = new LinkedHashMap<>(shared);
            settings.putAll(section.getValue());
            Map<String, String> options = new LinkedHashMap<>();
            for (String key : settings.keySet()) {
                if (SERVICE_OPTIONS.contains(key)) {
                    options.put(key, settings.get(key));
                } else if (!Set.of("host", "hostaddr", "port", "dbname", "user", "password").contains(key)) {
                    problems.add(where + " has unknown setting '" + key + "'");
                }
            }
            String host = settings.getOrDefault("host", settings.get("hostaddr"));
            if (host == null || host.isEmpty()) {
                problems.add(where + " has no host");
            }
            Integer port = port(settings.getOrDefault("port", "5432"), where, problems);
            database = dbname != null ? dbname : settings.get("dbname");
            if (database == null || database.isEmpty()) {
                problems.add(where + " has no dbname (and the request named none)");
            }
            String user = settings.get("user");
            if (user == null || user.isEmpty()) {
                problems.add(where + " has no user");
            }
            if (problems.isEmpty()) {
                nodes.add(new NodeDefinition(nodeName, host, port, database, user, settings.get("password"), true, options));
            }
        }
        if (problems.isEmpty() && nodes.isEmpty()) {
            problems.add("[" + clusterName + "] has no node sections; add one [" + clusterName + ".<node>] per node");
        }
        if (!problems.isEmpty()) {
            throw new InvalidClusterDefinitionException("service file " + file, prefix(problems, "service file " + file));
        }
        return Optional.of(new ClusterDefinition(clusterName, database, nodes, file));
    }

    private static String redactLine(String line) {
        return line.toLowerCase(Locale.ROOT).contains("password") ? "password…" : line;
    }

    private static List<String> prefix(List<String> problems, String subject) {
        return problems.size() == 1 ? List.of(subject + ": " + problems.get(0)) : problems;
    }
}
