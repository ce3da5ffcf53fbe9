package dev.ace.http;

import dev.ace.core.diff.DiffFile;
import dev.ace.core.diff.DiffResult;
import dev.ace.core.diff.TableDiffRequest;
import dev.ace.core.task.DiffFollowUp;
import dev.ace.report.DiffRenderers;
import dev.ace.report.ReportFiles;
import java.nio.file.Path;
import java.util.Map;

/**
 * What {@code output: csv} or {@code output: html} adds to a table-diff task: once the diff file is
 * written, the task renders that report with ace-report's renderers into
 * {@code <output_dir>/reports/<day>/<schema>_<table>_diffs-<task id>.<csv|html>}; its path is in
 * the task's result ({@code summary.csv_report} or {@code summary.html_report}). {@code json} adds
 * nothing: the diff file is the JSON report. Thread-safe (immutable).
 */
final class DiffReports {

    private final DiffRenderers renderers = DiffRenderers.standard();
    private final ReportFiles files;

    DiffReports(Path outputDirectory) {
        this.files = new ReportFiles(outputDirectory);
    }

    /** The follow-up for {@code output}, or null when it asks for no report beside the diff file. */
    DiffFollowUp forOutput(TableDiffRequest.Output output) {
        if (output == null || output == TableDiffRequest.Output.JSON) {
            return null;
        }
        return result -> Map.of(output.toString(), render(result, output));
    }

    private Path render(DiffResult result, TableDiffRequest.Output output) {
        DiffFile diff = DiffFile.open(result.diffFile());
        return files.writeForTask(result.table(), "diffs", result.taskId(), renderers.get(output), diff);
    }
}
