package dev.ace.cli;

import dev.ace.core.AceConfig;
import dev.ace.core.error.InvalidConfigurationException;
import dev.ace.http.AceServerMain;
import dev.ace.http.ServerSettings;
import java.nio.file.Path;
import picocli.CommandLine.Command;

/**
 * {@code ace server}: the HTTPS API (module ace-http), as {@code java -jar ace-http-*-all.jar}
 * runs it. Its settings are the {@code http} section of {@code ace.yaml}; it runs until SIGINT or
 * SIGTERM and stops as the API's documentation says.
 */
@Command(name = "server", mixinStandardHelpOptions = true,
        header = "Run the HTTPS API until stopped (Ctrl-C or SIGTERM).", customSynopsis = "ace server [--config FILE]",
        description = {"Runs the HTTPS API of ACE: the endpoints of the API text, every request authenticated by a "
                + "client certificate whose CN is the database role it acts as. Its settings (listen_address, port, "
                + "server_cert_file, server_key_file, ca_cert_file, shutdown_grace, ...) are the http section of "
                + "ace.yaml; see docs/api.md. It prints where it listens and which CA it trusts; on Ctrl-C or SIGTERM "
                + "new requests get 503, running tasks have shutdown_grace to finish, then are cancelled.",
                "Exit code: once stopped, 130 after Ctrl-C (SIGINT) and 143 after SIGTERM, as for any program a "
                        + "signal ends (under systemd: SuccessExitStatus=143); 2 when the settings are wrong (it says what "
                        + "to set)."},
        footerHeading = "%nExamples:%n",
        footer = {"  ace server",
                "  ace server --config /etc/ace/ace.yaml",
                "  ACE_CONFIG=/etc/ace/ace.yaml ace server &",
                "  curl --cacert ca.crt --cert alice.crt --key alice.key https://localhost:5000/ace/health"})
final class ServerCommand extends CommandBase {

    ServerCommand(Console console, Interrupts interrupts) {
        super(console, interrupts, OptionTable.settingsOnly(java.util.List.of()));
    }

    @Override
    ExitCode run() {
        if (common.role != null) {
            throw new dev.ace.core.error.InvalidRequestException("--role does not apply to ace server: each request "
                    + "acts as the role its client certificate's CN names");
        }
        Path file = Configuration.file(console, common.config);
        if (file == null) {
            throw new InvalidConfigurationException("ace server needs an ace.yaml with the server's certificate, key "
                    + "and client CA (its http section and ca_cert_file): give it with --config FILE, put it in the "
                    + "working directory, or name it in ACE_CONFIG; see docs/api.md");
        }
        AceConfig config = config();
        AceServerMain.serve(config, ServerSettings.load(file, config), console.out());
        return ExitCode.OK;
    }
}
