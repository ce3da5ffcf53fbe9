package dev.ace.core.internal.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.ace.core.error.InvalidConfigurationException;
import dev.ace.core.option.Operation;
import dev.ace.core.option.OptionType;
import dev.ace.core.option.Options;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads {@code ace.yaml} into the map of its settings, as a JSON decoder would give them, with
 * relative paths taken relative to the file's directory. The table of options
 * ({@link Options#parse} with {@link Operation#CONFIG}) reads the settings; this class only reads
 * the file.
 */
public final class ConfigFileReader {

    private ConfigFileReader() {
    }

    /** The file's settings by name; {@link InvalidConfigurationException} when the file cannot be read or is not YAML. */
    public static Map<String, Object> read(Path file) {
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
        Map<String, Object> settings = new LinkedHashMap<>();
        ((Map<?, ?>) parsed).forEach((key, value) -> settings.put(String.valueOf(key), relativeTo(base,
                String.valueOf(key), value)));
        return settings;
    }

    /** A path setting's text resolved against the file's directory; anything else as it is, for the table to check. */
    private static Object relativeTo(Path base, String key, Object value) {
        boolean isPath = Options.named(Operation.CONFIG, key).map(option -> option.type() == OptionType.PATH)
                .orElse(false);
        if (!isPath || !(value instanceof String text) || text.isBlank() || text.indexOf('\0') >= 0) {
            return value;
        }
        try {
            return base.resolve(text).normalize().toString();
        } catch (InvalidPathException e) {
            return value;
        }
    }

    private static String locationOf(JsonProcessingException e) {
        return e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
                + e.getLocation().getColumnNr() + ")";
    }
}
