package dev.ace.report;

import dev.ace.core.AceException;
import dev.ace.core.ErrorCode;
import dev.ace.core.catalog.TableName;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.time.ZoneOffset;

/**
 * Writes reports beside the diffs: {@code <output dir>/reports/<YYYY-MM-DD>/<schema>_<table>_<kind>-
 * <yyyyMMdd_HHmmssSSS>-<random>.<ext>}. Names sort by time; the random part is reserved with an
 * exclusive create, so two reports finished in the same millisecond never collide. The content is
 * written to a hidden temporary file and moved into place atomically. Thread-safe.
 */
public final class ReportFiles {

    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd_HHmmssSSS").withZone(ZoneOffset.UTC);

    private final Path outputDirectory;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public ReportFiles(Path outputDirectory) {
        this(outputDirectory, Clock.systemUTC());
    }

    ReportFiles(Path outputDirectory, Clock clock) {
        this.outputDirectory = outputDirectory;
        this.clock = clock;
    }

    /** Renders {@code source} with {@code renderer} into a new report file; returns its path. */
    public <T> Path write(TableName table, String kind, ReportRenderer<T> renderer, T source) {
        java.time.Instant now = clock.instant();
        Path directory = outputDirectory.resolve("reports").resolve(DAY.format(now));
        String base = (table.schema() + "_" + table.table()).replaceAll("[^A-Za-z0-9_.-]", "_") + "_" + kind + "-"
                + STAMP.format(now) + "-";
        Path target = null;
        Path partial = null;
        try {
            Files.createDirectories(directory);
            while (target == null) {
                Path candidate = directory.resolve(base + String.format("%08x", random.nextInt()) + "."
                        + renderer.fileExtension());
                try {
                    Files.createFile(candidate);
                    target = candidate;
                } catch (FileAlreadyExistsException taken) {
                    // another report took this name in the same millisecond: draw again
                }
            }
            partial = directory.resolve("." + target.getFileName() + ".partial");
            try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(partial), 1 << 16)) {
                renderer.render(source, out);
            }
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return target;
        } catch (IOException | RuntimeException e) {
            try {
                if (partial != null) {
                    Files.deleteIfExists(partial);
                }
                if (target != null) {
                    Files.deleteIfExists(target);
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
}
