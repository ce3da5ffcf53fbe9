package dev.ace.core.option;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.ace.core.error.AceException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads a YAML file of options ({@code ace.yaml}) as {@link Options#parse} reads a JSON body,
 * with relative paths taken relative to the file's directory and every problem naming the file.
 */
final class YamlFile {

    private YamlFile() {
    }

    static OptionValues parse(Operation operation, Path file) {
        String subject = (operation.isSettings() ? "configuration file " : "options file ") + file
                + operation.section().map(section -> ", section " + section).orElse("");
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw OptionValues.invalid(operation, List.of(subject + " cannot be read: " + e.getMessage()));
        }
        Object parsed;
        try {
            parsed = text.isBlank() ? Map.of() : new ObjectMapper(new YAMLFactory()).readValue(text, Object.class);
        } catch (JsonProcessingException e) {
            throw OptionValues.invalid(operation, List.of(subject + " is not valid YAML: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ")")));
        }
        if (!(parsed instanceof Map)) {
            throw OptionValues.invalid(operation, List.of(subject + " must hold settings as 'name: value' lines"));
        }
        Map<?, ?> settings = (Map<?, ?>) parsed;
        if (operation.section().isPresent()) {
            Object section = settings.get(operation.section().get());
            if (section != null && !(section instanceof Map)) {
                throw OptionValues.invalid(operation, List.of(subject + " must hold settings as 'name: value' lines, "
                        + "was " + Show.raw(section)));
            }
            settings = section == null ? Map.of() : (Map<?, ?>) section;
        }
        Set<String> sections = Arrays.stream(Operation.values()).flatMap(other -> other.section().stream())
                .collect(Collectors.toSet());
        Path base = file.toAbsolutePath().getParent();
        Map<String, Object> values = new LinkedHashMap<>();
        settings.forEach((key, value) -> {
            if (operation.section().isEmpty() && sections.contains(String.valueOf(key))) {
                return;   // another operation's section: read by it
            }
            values.put(String.valueOf(key), relativeTo(operation, base, String.valueOf(key), value));
        });
        try {
            return Options.parse(operation, values);
        } catch (AceException e) {
            List<String> problems = e.problems();
            throw OptionValues.invalid(operation, subject, problems.size() == 1
                    ? List.of(subject + ": " + problems.get(0)) : problems);
        }
    }

    /** A path's text resolved against the file's directory; anything else as it is, for the table to check. */
    private static Object relativeTo(Operation operation, Path base, String key, Object value) {
        boolean isPath = Options.named(operation, key).map(option -> option.type() == OptionType.PATH).orElse(false);
        if (!isPath || !(value instanceof String text) || text.isBlank() || text.indexOf('\0') >= 0) {
            return value;
        }
        try {
            return base.resolve(text).normalize().toString();
        } catch (InvalidPathException e) {
            return value;
        }
    }
}
