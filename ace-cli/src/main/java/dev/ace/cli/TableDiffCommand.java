package dev.ace.cli;

import dev.ace.core.diff.DiffFile;
import dev.ace.core.diff.DiffResult;
import dev.ace.core.diff.TableDiffRequest;
import dev.ace.core.option.Operation;
import dev.ace.core.option.Option;
import dev.ace.core.option.OptionValues;
import dev.ace.core.option.Options;
import dev.ace.report.DiffRenderers;
import dev.ace.report.ReportFiles;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;

/** {@code ace table-diff CLUSTER SCHEMA.TABLE}: finds every row that differs between the nodes. */
@Command(name = "table-diff", mixinStandardHelpOptions = true,
        header = "Find the rows that differ between the nodes of a cluster.",
        customSynopsis = "ace table-diff CLUSTER SCHEMA.TABLE [options]",
        description = {"Finds every row of a table that differs between the nodes of a cluster and writes them to a "
                + "diff file (diffs/<date>/... under output_dir), also when nothing differs. With --output csv or html "
                + "it writes that report too.",
                "Exit code: 0 the nodes match, 1 differences found, 2 bad usage or configuration, 3 a failure while "
                        + "running, 130 cancelled (Ctrl-C)."},
        footerHeading = "%nExamples:%n",
        footer = {"  ace table-diff prod app.users",
                "  ace table-diff prod app.users --nodes n1,n3 --output html",
                "  ace table-diff prod app.orders --table-filter \"id > 1000000\"",
                "  ace table-diff prod app.users --json | jq .mismatched_rows"})
final class TableDiffCommand extends CommandBase {

    TableDiffCommand(Console console, Interrupts interrupts) {
        super(console, interrupts, OptionTable.of(Operation.TABLE_DIFF,
                positionals(), OptionTable.CONNECTION_SETTINGS));
    }

    static Map<Option<?>, String> positionals() {
        Map<Option<?>, String> positionals = new LinkedHashMap<>();
        positionals.put(Options.CLUSTER_NAME, "CLUSTER");
        positionals.put(Options.TABLE_NAME, "SCHEMA.TABLE");
        return positionals;
    }

    @Override
    ExitCode run() {
        OptionValues values = values();
        Output output = output();
        return withAce(ace -> {
            TableDiffRequest.Builder request = TableDiffRequest.builder(values).role(role());
            DiffResult result;
            try (ProgressBar progress = ProgressBar.start(console, output.quiet(),
                    "table-diff " + values.getOrDefault(Options.TABLE_NAME), "ranges")) {
                result = cancellable("table-diff", cancellation -> ace.diff().diff(request
                        .progress((done, total) -> progress.update(done, total)).cancellation(cancellation).build()));
            }
            Path report = report(ace.config().outputDirectory(), result, values.getOrDefault(Options.OUTPUT));
            return output.result(ExitCode.of(result), () -> Summaries.diff(console, "table-diff", result, report),
                    () -> JsonResults.diff(result, report == null ? Map.of()
                            : Map.of(values.getOrDefault(Options.OUTPUT).toString(), report)));
        });
    }

    /** The report of {@code --output csv} or {@code html} beside the diff file; null for json, the diff file itself. */
    private static Path report(Path outputDirectory, DiffResult result, TableDiffRequest.Output format) {
        if (format == TableDiffRequest.Output.JSON) {
            return null;
        }
        return new ReportFiles(outputDirectory).write(result.table(), "diff", DiffRenderers.standard().get(format),
                DiffFile.open(result.diffFile()));
    }
}
