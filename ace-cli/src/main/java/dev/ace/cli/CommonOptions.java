package dev.ace.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options every command shares: the configuration file, the role, JSON output, debugging. Not thread-safe. */
final class CommonOptions {

    @Option(names = "--config", paramLabel = "FILE",
            description = "the ace.yaml to read; default ./ace.yaml if it exists, else the file $ACE_CONFIG names")
    Path config;

    @Option(names = "--role", paramLabel = "ROLE",
            description = "act as this database role (SET ROLE on every node) instead of the user ACE logs in as")
    String role;

    @Option(names = "--json", description = "print the result as one JSON object on standard output, for scripts")
    boolean json;

    @Option(names = "--debug", description = "on an error also print its stack trace; log what ACE does on standard error")
    boolean debug;
}
