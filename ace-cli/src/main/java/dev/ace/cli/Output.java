package dev.ace.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What a command prints at its end. With {@code --json}: one JSON object on standard output (its
 * {@code exit_code} included), whatever else is asked. Otherwise the summary for people, unless
 * {@code --quiet}. Thread-safe when its console's streams are.
 */
final class Output {

    private static final ObjectMapper JSON = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    private final Console console;
    private final String command;
    private final boolean json;
    private final boolean quiet;

    Output(Console console, String command, boolean json, boolean quiet) {
        this.console = console;
        this.command = command;
        this.json = json;
        this.quiet = quiet;
    }

    /** Prints the result: {@code json} with {@code --json}, else {@code text} unless quiet; returns {@code exit}. */
    ExitCode result(ExitCode exit, Supplier<String> text, Supplier<Map<String, Object>> object) {
        if (json) {
            Map<String, Object> printed = new LinkedHashMap<>();
            printed.put("command", command);
            printed.put("exit_code", exit.code());
            printed.putAll(object.get());
            console.out().println(write(printed));
        } else if (!quiet) {
            console.out().println(text.get());
        }
        console.out().flush();
        return exit;
    }

    boolean json() {
        return json;
    }

    boolean quiet() {
        return quiet;
    }

    /** One line of JSON. */
    static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a result that is not JSON: " + e.getMessage(), e);
        }
    }
}
