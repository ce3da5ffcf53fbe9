package dev.ace.cli;

import dev.ace.core.diff.DiffResult;
import dev.ace.core.diff.TableRerunRequest;
import dev.ace.core.option.Operation;
import dev.ace.core.option.OptionValues;
import dev.ace.core.option.Options;
import picocli.CommandLine.Command;

/** {@code ace table-rerun CLUSTER SCHEMA.TABLE --diff-file F}: re-checks only the rows an earlier diff listed. */
@Command(name = "table-rerun", mixinStandardHelpOptions = true,
        header = "Re-check only the rows an earlier diff file lists.",
        customSynopsis = "ace table-rerun CLUSTER SCHEMA.TABLE --diff-file FILE [options]",
        description = {"Re-checks only the keys an earlier diff file lists and writes a new diff file of what still "
                + "differs: after a repair, or to tell replication lag (gone by now) from real divergence.",
                "Exit code: 0 the rows match now, 1 some still differ, 2 bad usage or configuration, 3 a failure "
                        + "while running, 130 cancelled (Ctrl-C)."},
        footerHeading = "%nExamples:%n",
        footer = {"  F: the diff file table-diff printed, diffs/<date>/app_users_diffs-....json",
                "  ace table-rerun prod app.users --diff-file F",
                "  ace table-rerun prod app.users --diff-file F --behavior hostdb"})
final class TableRerunCommand extends CommandBase {

    TableRerunCommand(Console console, Interrupts interrupts) {
        super(console, interrupts, OptionTable.of(Operation.TABLE_RERUN, TableDiffCommand.positionals(),
                OptionTable.CONNECTION_SETTINGS));
    }

    @Override
    ExitCode run() {
        OptionValues values = values();
        Output output = output();
        return withAce(ace -> {
            TableRerunRequest.Builder request = TableRerunRequest.builder(values).role(role());
            DiffResult result;
            try (ProgressBar progress = ProgressBar.start(console, output.quiet(),
                    "table-rerun " + values.getOrDefault(Options.TABLE_NAME), "batches")) {
                result = cancellable("table-rerun", cancellation -> ace.rerun().rerun(request
                        .progress((done, total) -> progress.update(done, total)).cancellation(cancellation).build()));
            }
            return output.result(ExitCode.of(result), () -> Summaries.diff(console, "table-rerun", result, null),
                    () -> JsonResults.diff(result, java.util.Map.of()));
        });
    }
}
