package dev.ace.report;

import dev.ace.core.OutputFiles;
import dev.ace.core.catalog.TableName;
import dev.ace.core.error.AceException;
import dev.ace.core.error.ErrorCode;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.function.IntSupplier;

/**
 * Writes reports beside the diffs: {@code <output dir>/reports/<YYYY-MM-DD>/<schema>_<table>_<kind>-
 * <yyyyMMdd_HHmmssSSS>-<random>.<ext>}. Names sort by time. The content is rendered into a hidden
 * temporary file, which then takes its final name with an operation that fails on an existing
 * name (a taken name draws another random part): two reports finished in the same millisecond
 * never collide, and a report under its final name is always whole. Thread-safe.
 */
public final class ReportFiles {

    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd_HHmmssSSS").withZone(ZoneOffset.UTC);

    private final Path outputDirectory;
    private final Clock clock;
    private final IntSupplier random;

    public ReportFiles(Path outputDirectory) {
        this(outputDirectory, Clock.systemUTC(), new SecureRandom()::nextInt);
    }

    /** For tests: a fixed clock and the random parts' source. */
    ReportFiles(Path outputDirectory, Clock clock, IntSupplier random) {
        this.outputDirectory = outputDirectory;
        this.clock = clock;
        this.random = random;
    }

    /** Renders {@code source} with {@code renderer} into a new report file; returns its path. */
    public <T> Path write(TableName table, String kind, ReportRenderer<T> renderer, T source) {
        java.time.Instant now = clock.instant();
        Path directory = outputDirectory.resolve("reports").resolve(DAY.format(now));
        String base = (table.schema() + "_" + table.table()).replaceAll("[^A-Za-z0-9_.-]", "_") + "_" + kind + "-"
                + STAMP.format(now) + "-";
        Path partial = null;
        try {
            Files.createDirectories(directory);
            while (partial == null) {
                try {
                    partial = Files.createFile(directory.resolve("." + base + hex() + ".partial"));
                } catch (FileAlreadyExistsException taken) {
                    // another report is being written under this name: draw again
                }
            }
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(partial), 1 << 16)) {
                renderer.render(source, out);
            }
            while (true) {
                Path target = directory.resolve(base + hex() + "." + renderer.fileExtension());
                if (OutputFiles.claim(partial, target)) {
                    return target;
                }
            }
        } catch (IOException | RuntimeException e) {
            try {
                if (partial != null) {
                    Files.deleteIfExists(partial);
                }
            } catch (IOException ignored) {
                // the original failure is what matters
            }
            if (e instanceof AceException) {
                throw (AceException) e;
            }
            throw new AceException(ErrorCode.IO_ERROR, "could not write the " + renderer.fileExtension()
                    + " report of " + table + " under " + directory + ": " + e.getMessage(), e);
        }
    }

    /**
     * Renders {@code source} into the report of a task: {@code <output dir>/reports/<YYYY-MM-DD>/
     * <schema>_<table>_<kind>-<taskId>.<ext>} (or {@code ...-2.<ext>} and so on if that is taken),
     * written under a hidden temporary name that carries the task id too, so that what a task that
     * died left half-written can be found. Returns its path.
     */
    public <T> Path writeForTask(TableName table, String kind, String taskId, ReportRenderer<T> renderer, T source) {
        Path directory = outputDirectory.resolve("reports").resolve(DAY.format(clock.instant()));
        String name = (table.schema() + "_" + table.table()).replaceAll("[^A-Za-z0-9_.-]", "_") + "_" + kind + "-"
                + taskId.replaceAll("[^A-Za-z0-9_.-]", "_") + "." + renderer.fileExtension();
        Path partial = null;
        try {
            partial = OutputFiles.partial(directory, name);
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(partial), 1 << 16)) {
                renderer.render(source, out);
            }
            return OutputFiles.claimFree(partial, directory.resolve(name));
        } catch (IOException | RuntimeException e) {
            try {
                if (partial != null) {
                    Files.deleteIfExists(partial);
                }
            } catch (IOException ignored) {
                // the original failure is what matters
            }
            if (e instanceof AceException) {
                throw (AceException) e;
            }
            throw new AceException(ErrorCode.IO_ERROR, "could not write the " + renderer.fileExtension()
                    + " report of " + table + " under " + directory + ": " + e.getMessage(), e);
        }
    }

    private String hex() {
        return String.format("%08x", random.getAsInt());
    }
}
