package dev.ace.core.internal.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.ace.core.AceConfig;
import dev.ace.core.error.InvalidConfigurationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads {@code ace.yaml} into an {@link AceConfig}, collecting every problem before failing. */
public final class ConfigFileReader {

    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    private ConfigFileReader() {
    }

    public static AceConfig read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new InvalidConfigurationException("configuration file " + file + " cannot be read: " + e.getMessage());
        }
        Object parsed;
        try {
            parsed = text.isBlank() ? Map.of() : new ObjectMapper(new YAMLFactory()).readValue(text, Object.class);
        } catch (JsonProcessingException e) {
            throw new InvalidConfigurationException("configuration file " + file + " is not valid YAML: "
                    + e.getOriginalMessage() + locationOf(e));
        }
        if (!(parsed instanceof Map)) {
            throw new InvalidConfigurationException("configuration file " + file
                    + " must hold settings as 'name: value' lines");
        }
        Path base = file.toAbsolutePath().getParent();
        AceConfig.Builder builder = AceConfig.builder();
        List<String> problems = new ArrayList<>();
        Map<String, BiConsumer<String, Object>> settings = settings(builder, base, problems);
        for (Map.Entry<?, ?> entry : ((Map<?, ?>) parsed).entrySet()) {
            String key = String.valueOf(entry.getKey());
            if (AceConfig.FRONT_END_SECTIONS.contains(key)) {
                continue;
            }
            BiConsumer<String, Object> setter = settings.get(key.toLowerCase(Locale.ROOT));
            if (setter == null) {
                problems.add("unknown setting '" + key + "'; the settings are: " + String.join(", ", settings.keySet()));
            } else if (entry.getValue() != null) {
                setter.accept(key, entry.getValue());
            }
        }
        if (problems.isEmpty()) {
            try {
                return builder.build();
            } catch (InvalidConfigurationException e) {
                problems.addAll(e.problems());
            }
        }
        throw new InvalidConfigurationException("configuration file " + file,
                problems.stream().map(problem -> problems.size() == 1 ? "configuration file " + file + ": " + problem
                        : problem).toList());
    }

    private static Map<String, BiConsumer<String, Object>> settings(AceConfig.Builder builder, Path base,
                                                                    List<String> problems) {
        Map<String, BiConsumer<String, Object>> settings = new LinkedHashMap<>();
        settings.put("cluster_dir", (key, value) -> builder.clusterDirectory(path(base, value)));
        settings.put("pg_service_file", (key, value) -> builder.pgServiceFile(path(base, value)));
        settings.put("output_dir", (key, value) -> builder.outputDirectory(path(base, value)));
        settings.put("use_cert_auth", (key, value) -> {
            Boolean flag = bool(key, value, problems);
            if (flag != null) {
                builder.useCertAuth(flag);
            }
        });
        settings.put("ace_user_cert_file", (key, value) -> builder.userCertFile(optionalPath(base, value)));
        settings.put("ace_user_key_file", (key, value) -> builder.userKeyFile(optionalPath(base, value)));
        settings.put("ace_user_key_password", (key, value) -> builder.userKeyPassword(String.valueOf(value)));
        settings.put("ca_cert_file", (key, value) -> builder.caCertFile(optionalPath(base, value)));
        settings.put("block_rows", (key, value) -> whole(key, value, problems, builder::blockRows));
        settings.put("max_cpu_ratio", (key, value) -> {
            if (value instanceof Number) {
                builder.maxCpuRatio(((Number) value).doubleValue());
            } else {
                problems.add(key + " must be a number such as 0.6, was '" + value + "'");
            }
        });
        settings.put("batch_size", (key, value) -> whole(key, value, problems, builder::batchSize));
        settings.put("max_diff_rows", (key, value) -> whole(key, value, problems, builder::maxDiffRows));
        settings.put("max_connections_per_node", (key, value) ->
                whole(key, value, problems, builder::maxConnectionsPerNode));
        settings.put("connect_timeout", (key, value) -> {
            Duration duration = duration(key, value, problems);
            if (duration != null) {
                builder.connectTimeout(duration);
            }
        });
        settings.put("statement_timeout", (key, value) -> {
            Duration duration = duration(key, value, problems);
            if (duration != null) {
                builder.statementTimeout(duration);
            }
        });
        settings.put("application_name", (key, value) -> builder.applicationName(String.valueOf(value)));
        settings.put("task_store", (key, value) -> builder.taskStore(path(base, value)));
        settings.put("max_running_tasks", (key, value) -> whole(key, value, problems, builder::maxRunningTasks));
        settings.put("max_queued_tasks", (key, value) -> whole(key, value, problems, builder::maxQueuedTasks));
        settings.put("task_retention", (key, value) -> {
            Duration duration = duration(key, value, problems);
            if (duration != null) {
                builder.taskRetention(duration);
            }
        });
        settings.put("purge_task_files", (key, value) -> {
            Boolean flag = bool(key, value, problems);
            if (flag != null) {
                builder.purgeTaskFiles(flag);
            }
        });
        return settings;
    }

    private static Path path(Path base, Object value) {
        return base.resolve(String.valueOf(value)).normalize();
    }

    private static Path optionalPath(Path base, Object value) {
        String text = String.valueOf(value);
        return text.isEmpty() ? null : path(base, text);
    }

    private static Boolean bool(String key, Object value, List<String> problems) {
        if (value instanceof Boolean) {
            return (Boolean) value;
        }
        problems.add(key + " must be true or false, was '" + value + "'");
        return null;
    }

    private static void whole(String key, Object value, List<String> problems, java.util.function.IntConsumer setter) {
        if (value instanceof Integer) {
            setter.accept((Integer) value);
        } else {
            problems.add(key + " must be a whole number, was '" + value + "'");
        }
    }

    /** {@code 500ms}, {@code 10s}, {@code 2m}, {@code 1h}, {@code 7d}, or ISO-8601 such as {@code PT10S}. */
    static Duration duration(String key, Object value, List<String> problems) {
        String text = String.valueOf(value).trim().toLowerCase(Locale.ROOT);
        Matcher matcher = DURATION.matcher(text);
        if (matcher.matches()) {
            long amount = Long.parseLong(matcher.group(1));
            switch (matcher.group(2)) {
                case "ms":
                    return Duration.ofMillis(amount);
                case "s":
                    return Duration.ofSeconds(amount);
                case "m":
                    return Duration.ofMinutes(amount);
                case "d":
                    return Duration.ofDays(amount);
                default:
                    return Duration.ofHours(amount);
            }
        }
        if (text.startsWith("pt")) {
            try {
                return Duration.parse(text.toUpperCase(Locale.ROOT));
            } catch (RuntimeException e) {
                // reported below
            }
        }
        problems.add(key + " must be a duration with a unit, such as 500ms, 10s, 2m or 1h, was '" + value + "'");
        return null;
    }

    private static String locationOf(JsonProcessingException e) {
        return e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
                + e.getLocation().getColumnNr() + ")";
    }
}
