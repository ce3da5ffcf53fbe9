package dev.ace.core.internal.repair;

import dev.ace.core.OutputFiles;
import dev.ace.core.error.AceException;
import dev.ace.core.error.ErrorCode;
import dev.ace.core.internal.diff.DiffOutput;
import dev.ace.core.repair.RepairReportJson;
import dev.ace.core.repair.RepairResult;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Puts the JSON repair report of {@code generate_report} in place: {@code <output>/reports/<day>/
 * <schema>_<table>_repair-<taskId>.json}, written by {@link RepairReportJson} under a temporary
 * name that then takes its final name without replacing another file
 * ({@link OutputFiles}). Thread-safe (stateless).
 */
final class RepairReportWriter {

    private RepairReportWriter() {
    }

    /**
     * Before a repair that must write its report changes anything: that a file can be made where
     * the report will go (a read-only or missing output directory fails the repair at once).
     */
    static void checkWritable(Path outputDirectory, java.time.Instant started) {
        Path directory = DiffOutput.directory(outputDirectory, "reports", started);
        try {
            Files.delete(OutputFiles.partial(directory, "write-check"));
        } catch (IOException e) {
            throw new AceException(ErrorCode.IO_ERROR, "generate_report: cannot write the repair report in output_dir "
                    + outputDirectory + ": " + OutputFiles.reason(e) + "; nothing was repaired", e);
        }
    }

    static Path write(Path outputDirectory, RepairResult result, boolean fireTriggers) {
        Path directory = DiffOutput.directory(outputDirectory, "reports", result.startedAt());
        Path target = directory.resolve(DiffOutput.fileName(result.table(), "repair", result.taskId()));
        Path partial = null;
        try {
            partial = OutputFiles.partial(directory, target.getFileName().toString());
            try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(partial), 1 << 16)) {
                RepairReportJson.write(result, fireTriggers, out);
            }
            return OutputFiles.claimFree(partial, target);
        } catch (IOException e) {
            try {
                if (partial != null) {
                    Files.deleteIfExists(partial);
                }
            } catch (IOException ignored) {
                // the first error is the one to report
            }
            throw new AceException(ErrorCode.IO_ERROR, "could not write the repair report " + target + ": "
                    + e.getMessage(), e);
        }
    }
}
