package dev.ace.cli;

import dev.ace.core.AceConfig;
import dev.ace.core.error.InvalidConfigurationException;
import dev.ace.core.error.InvalidRequestException;
import dev.ace.core.option.Option;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Finds and reads {@code ace.yaml}, then lays the settings given on the command line over it.
 * The file is {@code --config FILE} when given, else {@code ./ace.yaml} when it exists, else the
 * file {@code $ACE_CONFIG} names; without any, every setting takes its default. Stateless.
 */
final class Configuration {

    private Configuration() {
    }

    /** The file to read, or null when there is none; a file named explicitly must exist. */
    static Path file(Console console, Path explicit) {
        if (explicit != null) {
            Path file = console.workingDirectory().resolve(explicit);
            if (!Files.isRegularFile(file)) {
                throw new InvalidConfigurationException("the configuration file " + explicit + " does not exist");
            }
            return file;
        }
        Path local = console.workingDirectory().resolve("ace.yaml");
        if (Files.isRegularFile(local)) {
            return local;
        }
        String named = console.env("ACE_CONFIG");
        if (named != null && !named.isBlank()) {
            Path file = console.workingDirectory().resolve(named);
            if (!Files.isRegularFile(file)) {
                throw new InvalidConfigurationException("ACE_CONFIG names " + named + ", which does not exist");
            }
            return file;
        }
        return null;
    }

    /**
     * The configuration: the file's settings with the command line's over them.
     *
     * @throws InvalidConfigurationException listing every problem of the file, or of the command line's settings
     */
    static AceConfig load(Console console, Path explicit, Map<Option<?>, String> overrides) {
        Path file = file(console, explicit);
        AceConfig.Builder builder = file == null ? AceConfig.builder() : AceConfig.load(file).toBuilder();
        List<String> problems = new ArrayList<>();
        overrides.forEach((setting, text) -> set(builder, setting, text, problems));
        if (!problems.isEmpty()) {
            throw new InvalidConfigurationException("the command line", problems);
        }
        return builder.build();
    }

    private static <T> void set(AceConfig.Builder builder, Option<T> setting, String text, List<String> problems) {
        try {
            builder.set(setting, setting.valueOf(text));
        } catch (InvalidRequestException e) {
            problems.addAll(e.problems());
        }
    }
}
