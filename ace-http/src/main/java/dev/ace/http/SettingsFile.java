package dev.ace.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
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
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads one section of {@code ace.yaml} by setting name and type, keeping every problem (an
 * unknown setting, a value of the wrong type) in the setting's own name. Not thread-safe.
 */
final class SettingsFile {

    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");

    private final String section;
    private final Map<String, Object> values;
    private final Path base;
    private final List<String> problems = new ArrayList<>();

    SettingsFile(Path file, String section, Map<String, Object> values, List<String> known) {
        this.section = section;
        this.values = values;
        this.base = file.toAbsolutePath().getParent();
        for (String key : values.keySet()) {
            if (!known.contains(key)) {
                problems.add("unknown setting '" + section + "." + key + "'; the settings of " + section + " are: "
                        + String.join(", ", known));
            }
        }
    }

    /** The section's settings, empty when the file has no such section. */
    static Map<String, Object> section(Path file, String name) {
        Object parsed;
        try {
            String text = Files.readString(file);
            parsed = text.isBlank() ? Map.of() : new ObjectMapper(new YAMLFactory()).readValue(text, Object.class);
        } catch (JsonProcessingException e) {
            throw new InvalidConfigurationException("configuration file " + file + " is not valid YAML: "
                    + e.getOriginalMessage());
        } catch (IOException e) {
            throw new InvalidConfigurationException("configuration file " + file + " cannot be read: "
                    + e.getMessage());
        }
        if (!(parsed instanceof Map<?, ?> settings)) {
            throw new InvalidConfigurationException("configuration file " + file
                    + " must hold settings as 'name: value' lines");
        }
        Object section = settings.get(name);
        if (section == null) {
            return Map.of();
        }
        if (!(section instanceof Map<?, ?> map)) {
            throw new InvalidConfigurationException("configuration file " + file + ": " + name
                    + " must be a section of 'name: value' lines, was '" + section + "'");
        }
        Map<String, Object> values = new LinkedHashMap<>();
        map.forEach((key, value) -> values.put(String.valueOf(key), value));
        return values;
    }

    List<String> problems() {
        return problems;
    }

    Optional<String> text(String key) {
        Object value = values.get(key);
        return value == null || String.valueOf(value).isEmpty() ? Optional.empty() : Optional.of(String.valueOf(value));
    }

    Optional<Path> path(String key) {
        return text(key).map(text -> base.resolve(text).normalize());
    }

    Optional<Integer> whole(String key) {
        Object value = values.get(key);
        if (value == null) {
            return Optional.empty();
        }
        if (value instanceof Integer number) {
            return Optional.of(number);
        }
        problems.add(section + "." + key + " must be a whole number, was '" + value + "'");
        return Optional.empty();
    }

    Optional<Boolean> flag(String key) {
        Object value = values.get(key);
        if (value == null) {
            return Optional.empty();
        }
        if (value instanceof Boolean flag) {
            return Optional.of(flag);
        }
        problems.add(section + "." + key + " must be true or false, was '" + value + "'");
        return Optional.empty();
    }

    /** {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h}. */
    Optional<Duration> duration(String key) {
        Object value = values.get(key);
        if (value == null) {
            return Optional.empty();
        }
        Matcher matcher = DURATION.matcher(String.valueOf(value).trim().toLowerCase(Locale.ROOT));
        if (matcher.matches()) {
            long amount = Long.parseLong(matcher.group(1));
            return Optional.of(switch (matcher.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                default -> Duration.ofHours(amount);
            });
        }
        problems.add(section + "." + key + " must be a duration with a unit, such as 500ms, 30s, 2m or 1h, was '"
                + value + "'");
        return Optional.empty();
    }
}
