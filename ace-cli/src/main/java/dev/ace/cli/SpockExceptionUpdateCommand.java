package dev.ace.cli;

import dev.ace.core.option.Operation;
import dev.ace.core.option.Option;
import dev.ace.core.option.Options;
import dev.ace.core.spock.ExceptionUpdateRequest;
import dev.ace.core.spock.ExceptionUpdateResult;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;

/** {@code ace spock-exception update CLUSTER NODE ...}: sets the status of a Spock replication exception. */
@Command(name = "update", mixinStandardHelpOptions = true,
        header = "Set the status of a Spock replication exception.",
        customSynopsis = "ace spock-exception update CLUSTER NODE --remote-origin NODE --remote-commit-ts TIMESTAMP "
                + "--remote-xid XID --status STATUS [options]",
        description = {"Sets the status of a Spock replication exception recorded on NODE (the API's "
                + "update-spock-exception): of the whole exception, or of one failed command with --command-counter. "
                + "Nothing matching is an error, not a success. --remote-origin is the origin's spock.node.node_id, or "
                + "its node name, looked up in spock.node on NODE.",
                "Exit code: 0 updated, 2 bad usage or configuration, 3 nothing matched, Spock is not installed, or a "
                        + "failure while running."},
        footerHeading = "%nExamples:%n",
        footer = {"  ace spock-exception update prod n2 --remote-origin 49708 \\",
                "      --remote-commit-ts 2026-03-15T12:34:56Z --remote-xid 771 \\",
                "      --status RESOLVED --resolution-details '{\"details\": \"fixed by hand\"}'",
                "  ace spock-exception update prod n2 --remote-origin 49708 \\",
                "      --remote-commit-ts 2026-03-15T12:34:56Z --remote-xid 771 \\",
                "      --command-counter 2 --status UNRESOLVED",
                "  ace spock-exception update prod n2 --remote-origin n1 \\",
                "      --remote-commit-ts 2026-03-15T12:34:56Z --remote-xid 771 --status RESOLVED"})
final class SpockExceptionUpdateCommand extends CommandBase {

    SpockExceptionUpdateCommand(Console console, Interrupts interrupts) {
        super(console, interrupts, OptionTable.of(Operation.SPOCK_EXCEPTION_UPDATE, positionals(),
                OptionTable.CONNECTION_SETTINGS));
    }

    static Map<Option<?>, String> positionals() {
        Map<Option<?>, String> positionals = new LinkedHashMap<>();
        positionals.put(Options.CLUSTER_NAME, "CLUSTER");
        positionals.put(Options.NODE_NAME, "NODE");
        return positionals;
    }

    @Override
    ExitCode run() {
        ExceptionUpdateRequest request = ExceptionUpdateRequest.builder(values())
                .role(role()).build();
        Output output = output();
        return withAce(ace -> {
            ExceptionUpdateResult result = ace.exceptions().update(request);
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("message", result.message());
            json.put("node_name", result.node());
            json.put("status", result.status().name());
            json.put("status_rows", result.statusRows());
            json.put("detail_rows", result.detailRows());
            json.put("resolved_at", result.resolvedAt() == null ? null : result.resolvedAt().toString());
            return output.result(ExitCode.OK, () -> {
                StringBuilder text = new StringBuilder(result.message()).append(" on ").append(result.node())
                        .append(": ").append(result.status()).append('\n');
                Summaries.line(text, "rows", result.statusRows() + " exception_status, " + result.detailRows()
                        + " exception_status_detail");
                if (result.resolvedAt() != null) {
                    Summaries.line(text, "resolved at", result.resolvedAt().toString());
                }
                return text.toString().stripTrailing();
            }, () -> json);
        });
    }
}
