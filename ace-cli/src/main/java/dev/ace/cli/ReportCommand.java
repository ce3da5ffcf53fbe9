package dev.ace.cli;

import dev.ace.core.diff.DiffFile;
import dev.ace.core.diff.TableDiffRequest;
import dev.ace.core.error.AceException;
import dev.ace.core.error.ErrorCode;
import dev.ace.core.error.InvalidRequestException;
import dev.ace.core.option.Options;
import dev.ace.report.DiffRenderers;
import dev.ace.report.ReportFiles;
import dev.ace.report.ReportRenderer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ace report DIFF_FILE --format html|csv|json}: renders an existing diff file. */
@Command(name = "report", mixinStandardHelpOptions = true,
        header = "Render a diff file as HTML, CSV or JSON.",
        customSynopsis = "ace report DIFF_FILE [--format html|csv|json] [--to FILE|-] [options]",
        description = {"Renders a diff file written by table-diff or table-rerun as a report: a self-contained HTML "
                + "page, CSV (one line per differing row per node), or the JSON diff file itself. The report is "
                + "written under output_dir (reports/<date>/...) unless --to names a file, or - for standard output.",
                "Exit code: 0 the report was written, 2 bad usage (a missing or unreadable diff file), 3 it could not "
                        + "be written."},
        footerHeading = "%nExamples:%n",
        footer = {"  ace report diffs/2026-03-15/app_users_diffs-td_20260315_1425....json",
                "  ace report F --format csv --to users.csv",
                "  ace report F --format csv --to - | head"})
final class ReportCommand extends CommandBase {

    /** The formats, as the table of options names them ({@code output}). */
    static final class Formats implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Options.OUTPUT.choices().iterator();
        }
    }

    @Parameters(index = "0", paramLabel = "DIFF_FILE", description = "a diff file written by table-diff or table-rerun")
    Path diffFile;

    @Option(names = "--format", paramLabel = "FORMAT", completionCandidates = Formats.class,
            description = "html (default), csv or json")
    String format = "html";

    @Option(names = "--to", paramLabel = "FILE",
            description = "write the report to this file (- for standard output) instead of under output_dir")
    String to;

    ReportCommand(Console console, Interrupts interrupts) {
        super(console, interrupts, OptionTable.settingsOnly(List.of(Options.OUTPUT_DIR)));
    }

    @Override
    ExitCode run() {
        if (common.role != null) {
            throw new InvalidRequestException("--role does not apply to ace report: it reads a diff file, not the "
                    + "nodes");
        }
        TableDiffRequest.Output output = format();
        Path file = console.workingDirectory().resolve(diffFile);
        if (!Files.isRegularFile(file)) {
            throw new InvalidRequestException("the diff file " + diffFile + " does not exist");
        }
        DiffFile diff = DiffFile.open(file);
        ReportRenderer<DiffFile> renderer = DiffRenderers.standard().get(output);
        if ("-".equals(to)) {
            render(renderer, diff, console.out());
            console.out().flush();
            return ExitCode.OK;
        }
        Path written;
        if (to != null) {
            written = console.workingDirectory().resolve(to);
            try (OutputStream out = Files.newOutputStream(written)) {
                render(renderer, diff, out);
            } catch (IOException e) {
                throw new AceException(ErrorCode.IO_ERROR, "could not write the report " + to + ": " + e.getMessage(), e);
            }
            written = Path.of(to);
        } else {
            written = new ReportFiles(config().outputDirectory()).write(diff.summary().table(), "diff", renderer, diff);
        }
        Path report = written;
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("diff_file", diffFile.toString());
        json.put("format", output.toString());
        json.put("report", report.toString());
        return output().result(ExitCode.OK, () -> {
            StringBuilder text = new StringBuilder();
            Summaries.line(text, "report", console.shown(report));
            Summaries.line(text, "of", diffFile + " (" + diff.summary().table() + ", "
                    + diff.summary().diffCount().values().stream().mapToLong(Long::longValue).sum() + " differing rows)");
            return text.toString().stripTrailing();
        }, () -> json);
    }

    private TableDiffRequest.Output format() {
        for (TableDiffRequest.Output output : TableDiffRequest.Output.values()) {
            if (output.toString().equalsIgnoreCase(format.trim())) {
                return output;
            }
        }
        throw new InvalidRequestException("--format must be " + String.join(", ", Options.OUTPUT.choices())
                .replaceFirst(", ([^,]*)$", " or $1") + ", was " + format);
    }

    private static void render(ReportRenderer<DiffFile> renderer, DiffFile diff, OutputStream out) {
        try {
            renderer.render(diff, out);
        } catch (IOException e) {
            throw new AceException(ErrorCode.IO_ERROR, "could not write the report: " + e.getMessage(), e);
        }
    }
}
