package dev.ace.cli;

import dev.ace.core.error.InvalidConfigurationException;
import dev.ace.http.AceServerMain;
import java.nio.file.Path;
import picocli.CommandLine.Command;

/** {@code ace server}: the HTTPS API of ace-http, with the configuration found as every command finds it. */
@Command(name = "server", mixinStandardHelpOptions = true,
        header = "Run the HTTPS API until stopped.", customSynopsis = "ace server [--config FILE]",
        description = {"Runs the HTTPS API of ACE (client certificates, the endpoints of the API text) until "
                + "SIGINT or SIGTERM; its settings are the http section of ace.yaml (docs/api.md).",
                "Exit code: 0 after a clean stop, 2 for a configuration the server cannot start with."})
final class ServerCommand extends CommandBase {

    ServerCommand(Console console, Interrupts interrupts) {
        super(console, interrupts, OptionTable.settingsOnly(java.util.List.of()));
    }

    @Override
    ExitCode run() {
        Path file = Configuration.file(console, common.config);
        if (file == null) {
            throw new InvalidConfigurationException("no ace.yaml found, and the server needs one with an http section: give it with "
                    + "--config, put it in the working directory, or name it in ACE_CONFIG (see docs/api.md)");
        }
        int status = AceServerMain.run(new String[] {"--config", file.toString()}, console.out(), console.err());
        return status == 0 ? ExitCode.OK : status == 2 ? ExitCode.USAGE : ExitCode.FAILURE;
    }
}
