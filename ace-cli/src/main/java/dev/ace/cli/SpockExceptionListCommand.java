package dev.ace.cli;

import dev.ace.cli.Console.Style;
import dev.ace.core.option.Operation;
import dev.ace.core.spock.ExceptionListRequest;
import dev.ace.core.spock.ExceptionPage;
import dev.ace.core.spock.ExceptionRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;

/** {@code ace spock-exception list CLUSTER NODE}: the Spock replication exceptions recorded on a node. */
@Command(name = "list", mixinStandardHelpOptions = true,
        header = "List the Spock replication exceptions of a node.",
        customSynopsis = "ace spock-exception list CLUSTER NODE [--status STATUS] [--table-name SCHEMA.TABLE] [options]",
        description = {"Lists the Spock replication exceptions recorded on NODE, newest first, a page at a time, with "
                + "the keys update takes (origin, commit time, xid, command).",
                "Exit code: 0 listed, 2 bad usage or configuration, 3 Spock is not installed or a failure while "
                        + "running."},
        footerHeading = "%nExamples:%n",
        footer = {"  ace spock-exception list prod n2",
                "  ace spock-exception list prod n2 --status PENDING --table-name app.orders",
                "  ace spock-exception list prod n2 --limit 10 --offset 10 --json"})
final class SpockExceptionListCommand extends CommandBase {

    SpockExceptionListCommand(Console console, Interrupts interrupts) {
        super(console, interrupts, OptionTable.of(Operation.SPOCK_EXCEPTION_LIST,
                SpockExceptionUpdateCommand.positionals(), OptionTable.CONNECTION_SETTINGS));
    }

    @Override
    ExitCode run() {
        ExceptionListRequest request = ExceptionListRequest.builder(values())
                .role(role()).build();
        Output output = output();
        return withAce(ace -> {
            ExceptionPage page = ace.exceptions().list(request);
            return output.result(ExitCode.OK, () -> text(request, page), () -> json(page));
        });
    }

    private String text(ExceptionListRequest request, ExceptionPage page) {
        StringBuilder text = new StringBuilder();
        text.append(console.paint(page.total() + (page.total() == 1 ? " exception" : " exceptions"), Style.BOLD))
                .append(" on ").append(request.nodeName()).append(request.status() == null ? ""
                        : ", status " + request.status()).append(request.tableName() == null ? ""
                        : ", table " + request.tableName()).append('\n');
        for (ExceptionRecord record : page.exceptions()) {
            text.append(String.format(Locale.ROOT, "  %-10s origin %d  commit %s  xid %d  command %d  %s %s.%s%n",
                    record.status(), record.remoteOrigin(), record.remoteCommitTs(), record.remoteXid(),
                    record.commandCounter(), record.operation(), record.tableSchema(), record.tableName()));
            if (record.errorMessage() != null) {
                text.append("             ").append(console.paint(record.errorMessage(), Style.DIM)).append('\n');
            }
        }
        if (page.hasMore()) {
            text.append(console.paint("more: --offset " + (page.offset() + page.exceptions().size()), Style.DIM));
        }
        return text.toString().stripTrailing();
    }

    private static Map<String, Object> json(ExceptionPage page) {
        List<Map<String, Object>> exceptions = new ArrayList<>();
        for (ExceptionRecord record : page.exceptions()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("remote_origin", record.remoteOrigin());
            entry.put("remote_commit_ts", String.valueOf(record.remoteCommitTs()));
            entry.put("remote_xid", record.remoteXid());
            entry.put("command_counter", record.commandCounter());
            entry.put("retry_errored_at", record.retryErroredAt() == null ? null : record.retryErroredAt().toString());
            entry.put("table_schema", record.tableSchema());
            entry.put("table_name", record.tableName());
            entry.put("operation", record.operation());
            entry.put("status", record.status() == null ? null : record.status().name());
            entry.put("resolved_at", record.resolvedAt() == null ? null : record.resolvedAt().toString());
            entry.put("resolution_details", record.resolutionDetails());
            entry.put("error_message", record.errorMessage());
            entry.put("local_tuple", record.localTuple());
            entry.put("remote_old_tuple", record.remoteOldTuple());
            entry.put("remote_new_tuple", record.remoteNewTuple());
            exceptions.add(entry);
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("exceptions", exceptions);
        json.put("total", page.total());
        json.put("offset", page.offset());
        json.put("limit", page.limit());
        json.put("has_more", page.hasMore());
        return json;
    }
}
