package dev.ace.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ace.testkit.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Runs the {@code ace} command line in this JVM as a user would from a shell in {@code directory}:
 * its {@code ./ace.yaml} is found there, what it prints is captured. {@link #at} writes the
 * cluster file of a test database and an {@code ace.yaml} pointing at it.
 */
final class AceRun {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path directory;
    private final Map<String, String> environment = new HashMap<>();
    private boolean outTerminal;
    private boolean errTerminal;
    private Interrupts interrupts = new Interrupts();

    private AceRun(Path directory) {
        this.directory = directory;
    }

    /** A shell in {@code directory}, with no ace.yaml. */
    static AceRun in(Path directory) {
        return new AceRun(directory);
    }

    /** A shell in {@code directory} with the cluster file of {@code db} (cluster acetest) and an ace.yaml naming it. */
    static AceRun at(Path directory, TestDatabase db) {
        db.writeClusterJson(directory.resolve("cluster"));
        try {
            Files.writeString(directory.resolve("ace.yaml"), "cluster_dir: cluster\noutput_dir: out\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new AceRun(directory);
    }

    AceRun env(String name, String value) {
        environment.put(name, value);
        return this;
    }

    /** As if standard output and error were a terminal. */
    AceRun terminal() {
        return terminal(true, true);
    }

    /** As if standard output, standard error, were a terminal or not ({@code ace ... 2>errors.log}: true, false). */
    AceRun terminal(boolean out, boolean err) {
        outTerminal = out;
        errTerminal = err;
        return this;
    }

    /** Ctrl-C for the next run: {@link Interrupts#interrupt()} is what the signal does. */
    AceRun interrupts(Interrupts value) {
        interrupts = value;
        return this;
    }

    Path directory() {
        return directory;
    }

    Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Console console = Console.of(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), outTerminal, errTerminal, environment, directory);
        int exit = new Cli(console, interrupts).run(args);
        interrupts = new Interrupts();
        return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** What a run printed, and its exit code. */
    record Result(int exit, String out, String err) {

        /** Standard output read as the one JSON object of {@code --json}. */
        JsonNode json() {
            try {
                return JSON.readTree(out);
            } catch (IOException e) {
                throw new AssertionError("not one JSON object: " + out, e);
            }
        }

        @Override
        public String toString() {
            return "exit " + exit + "\n--- out\n" + out + "--- err\n" + err;
        }
    }
}
