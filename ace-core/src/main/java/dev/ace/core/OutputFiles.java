package dev.ace.core;

import dev.ace.core.error.AceException;
import dev.ace.core.error.ErrorCode;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How ACE puts a finished file (a diff file, a report) in place: it is written whole under a
 * hidden temporary name of its own, then takes its final name with an operation that never
 * replaces an existing file. So a file under its final name is always complete, and two runs
 * that pick the same name (same millisecond, a task id given twice) both keep their files.
 */
public final class OutputFiles {

    private OutputFiles() {
    }

    /** A new, empty, hidden file in {@code directory} to write {@code name}'s content into. */
    public static Path partial(Path directory, String name) throws IOException {
        Files.createDirectories(directory);
        return Files.createTempFile(directory, "." + name + "-", ".partial");
    }

    /**
     * Gives the whole {@code partial} the name {@code target} unless that name exists: a hard link
     * (atomic, fails on an existing name), or where the file system has none, a move that does
     * not replace. False, with {@code partial} left as it is, when the name is taken.
     */
    public static boolean claim(Path partial, Path target) throws IOException {
        try {
            Files.createLink(target, partial);
        } catch (FileAlreadyExistsException taken) {
            return false;
        } catch (UnsupportedOperationException | IOException noHardLinks) {
            try {
                Files.move(partial, target);
                return true;
            } catch (FileAlreadyExistsException taken) {
                return false;
            }
        }
        Files.delete(partial);
        return true;
    }

    /**
     * Gives {@code partial} the name {@code wanted}, or if that is taken the first free one of
     * {@code <stem>-2.<ext>}, {@code <stem>-3.<ext>}, ... (which still sort after it); returns the
     * name it took.
     */
    public static Path claimFree(Path partial, Path wanted) throws IOException {
        String name = wanted.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        String extension = dot > 0 ? name.substring(dot) : "";
        Path target = wanted;
        for (int n = 2; !claim(partial, target); n++) {
            target = wanted.resolveSibling(stem + "-" + n + extension);
        }
        return target;
    }

    /**
     * The failure to write {@code what} ("the diff file /out/diffs/...") under the output
     * directory, in words: which directory, why (no space left on device, a read-only file
     * system, permission denied, a path that is not a directory), and what to do.
     */
    public static AceException writeFailure(String what, Path outputDirectory, IOException error) {
        String reason = reason(error);
        boolean full = reason.contains("no space left");
        return new AceException(ErrorCode.IO_ERROR, "could not write " + what + " in output_dir " + outputDirectory
                + ": " + reason + "; " + (full ? "make room there" : "make it writable") + " or set output_dir to "
                + "another directory", error);
    }

    /**
     * {@code failure} as the failure to write {@code what} under the output directory when it is
     * one (an I/O error of a file, on a worker thread say), else {@code failure} itself.
     */
    public static AceException named(AceException failure, String what, Path outputDirectory) {
        if (failure.code() == ErrorCode.IO_ERROR) {
            for (Throwable cause = failure.getCause(); cause != null; cause = cause.getCause()) {
                if (cause instanceof IOException) {
                    return writeFailure(what, outputDirectory, (IOException) cause);
                }
            }
        }
        return failure;
    }

    /** Why writing a file failed, in lower case: the system's reason, or what the exception's type says. */
    public static String reason(IOException error) {
        if (error instanceof FileSystemException) {
            FileSystemException failure = (FileSystemException) error;
            if (failure.getReason() != null) {
                return lower(failure.getReason()) + " (" + failure.getFile() + ")";
            }
            if (failure instanceof AccessDeniedException) {
                return "permission denied (" + failure.getFile() + ")";
            }
            if (failure instanceof FileAlreadyExistsException || failure instanceof NotDirectoryException) {
                return failure.getFile() + " is not a directory";
            }
        }
        return error.getMessage() == null ? error.getClass().getSimpleName() : lower(error.getMessage());
    }

    private static String lower(String text) {
        return text.isEmpty() ? text : Character.toLowerCase(text.charAt(0)) + text.substring(1);
    }
}
