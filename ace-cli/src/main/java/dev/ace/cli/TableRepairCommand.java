package dev.ace.cli;

import dev.ace.core.option.Operation;
import dev.ace.core.option.OptionValues;
import dev.ace.core.option.Options;
import dev.ace.core.repair.RepairResult;
import dev.ace.core.repair.TableRepairRequest;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import picocli.CommandLine.Command;

/** {@code ace table-repair CLUSTER SCHEMA.TABLE --diff-file F --source-of-truth N}: makes the nodes agree again. */
@Command(name = "table-repair", mixinStandardHelpOptions = true,
        header = "Repair a table from a diff file and a source of truth.",
        customSynopsis = "ace table-repair CLUSTER SCHEMA.TABLE --diff-file FILE --source-of-truth NODE [options]",
        description = {"Repairs a table from a diff file: each target node is made to hold what the source of truth "
                + "holds, in one transaction per node, without replicating the repair and without firing triggers "
                + "(unless --fire-triggers). Rows that changed on either side since the diff are left alone and "
                + "reported as conflicts. Run it with --dry-run first: that changes nothing and tells what a live "
                + "run would do.",
                "Exit code: 0 repaired (or a dry run), 1 rows were skipped as conflicts, 2 bad usage or "
                        + "configuration, 3 a failure while running (a node that failed is rolled back), 130 "
                        + "cancelled (Ctrl-C; nodes that had not committed are rolled back)."},
        footerHeading = "%nExamples:%n",
        footer = {"  F: the diff file table-diff printed, diffs/<date>/app_users_diffs-....json",
                "  ace table-repair prod app.users --diff-file F --source-of-truth n1 --dry-run",
                "  ace table-repair prod app.users --diff-file F --source-of-truth n1",
                "  ace table-repair prod app.users --diff-file F --source-of-truth n1 --atomic",
                "  ace table-repair prod app.users --diff-file F --insert-only --bidirectional",
                "  ace table-repair prod app.users --diff-file F --fix-nulls"})
final class TableRepairCommand extends CommandBase {

    TableRepairCommand(Console console, Interrupts interrupts) {
        super(console, interrupts, OptionTable.of(Operation.TABLE_REPAIR, TableDiffCommand.positionals(),
                OptionTable.CONNECTION_SETTINGS));
    }

    @Override
    ExitCode run() {
        OptionValues values = values();
        Output output = output();
        return withAce(ace -> {
            TableRepairRequest.Builder request = TableRepairRequest.builder(values).role(role());
            boolean dryRun = values.getOrDefault(Options.DRY_RUN);
            Map<String, long[]> nodes = new ConcurrentHashMap<>();
            RepairResult result;
            try (ProgressBar progress = ProgressBar.start(console, output.quiet(), "table-repair "
                    + values.getOrDefault(Options.TABLE_NAME) + (dryRun ? " (dry run)" : ""),
                    dryRun ? "rows planned" : "rows")) {
                result = cancellable("table-repair", cancellation -> ace.repair().repair(request
                        .progress((node, planned, applied) -> {
                            nodes.put(node, new long[] {planned, applied});
                            long plannedAll = nodes.values().stream().mapToLong(counts -> counts[0]).sum();
                            long appliedAll = nodes.values().stream().mapToLong(counts -> counts[1]).sum();
                            if (dryRun) {
                                progress.update(plannedAll, 0);
                            } else {
                                progress.update(appliedAll, plannedAll);
                            }
                        }).cancellation(cancellation).build()));
            }
            ExitCode exit = output.result(ExitCode.of(result), () -> Summaries.repair(console, result),
                    () -> JsonResults.repair(result));
            if (exit == ExitCode.CANCELLED) {
                console.err().println("ace table-repair: cancelled: rolled back on " + String.join(", ",
                        result.unrepairedNodes()) + (result.repairedNodes().isEmpty() ? ""
                        : "; committed before the cancel on " + String.join(", ", result.repairedNodes())));
            }
            return exit;
        });
    }
}
