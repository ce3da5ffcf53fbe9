package dev.ace.http;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Keeps {@code diff_file} inside the server's output directory: a client may name only diff files
 * the server wrote (or that were put there for it), never another file of the machine. The path
 * is taken as absolute or relative to the output directory, then its symbolic links are resolved
 * (of the file, or of the nearest directory above it that exists); what ends outside is refused
 * with one message, whether or not it exists, so the answer tells nothing about other files. The
 * {@code diff_file} that task-status returns (absolute, inside) is accepted as it is.
 * Thread-safe (immutable).
 */
final class DiffFilePaths {

    private final Path root;

    /** @param outputDirectory the server's output directory; created if missing */
    DiffFilePaths(Path outputDirectory) {
        try {
            Files.createDirectories(outputDirectory);
            this.root = outputDirectory.toRealPath();
        } catch (IOException e) {
            throw new IllegalStateException("the output directory " + outputDirectory + " cannot be used: "
                    + e.getMessage(), e);
        }
    }

    Path root() {
        return root;
    }

    /**
     * The real path of the file {@code given} names, or null with the problem added to
     * {@code problems} when it is outside the output directory.
     */
    Path resolve(String given, java.util.List<String> problems) {
        Path resolved = realPath(given);
        if (resolved == null || !resolved.startsWith(root) || resolved.equals(root)) {
            problems.add("diff_file must name a diff file inside the server's output directory " + root
                    + " (an absolute path there, or a path relative to it)");
            return null;
        }
        return resolved;
    }

    private Path realPath(String given) {
        try {
            Path path = root.resolve(Path.of(given)).normalize();
            Path existing = path;
            Path rest = Path.of("");
            while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
                rest = existing.getFileName().resolve(rest);
                existing = existing.getParent();
            }
            if (existing == null) {
                return null;
            }
            return existing.toRealPath().resolve(rest).normalize();
        } catch (InvalidPathException | IOException e) {
            return null;
        }
    }
}
