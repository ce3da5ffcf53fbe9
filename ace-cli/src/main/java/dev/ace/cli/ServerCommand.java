package dev.ace.cli;

import dev.ace.core.error.AceException;
import dev.ace.core.error.ErrorCode;
import picocli.CommandLine.Command;

/** {@code ace server}: the HTTPS API. Its module, ace-http, is not part of this build yet. */
@Command(name = "server", mixinStandardHelpOptions = true,
        header = "Run the HTTPS API (not in this build yet).", customSynopsis = "ace server [--config FILE]",
        description = {"Runs the HTTPS API of ACE (client certificates, the endpoints of the API text) until "
                + "stopped. Not available yet: the HTTPS API module (ace-http) is not part of this build.",
                "Exit code: 3 (not available)."})
final class ServerCommand extends CommandBase {

    ServerCommand(Console console, Interrupts interrupts) {
        super(console, interrupts, OptionTable.settingsOnly(java.util.List.of()));
    }

    @Override
    ExitCode run() {
        throw new AceException(ErrorCode.INTERNAL, "the HTTPS API (module ace-http) is not part of this build of "
                + "ace yet; run table-diff, table-repair and the others from the command line");
    }
}
