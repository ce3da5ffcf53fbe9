package dev.ace.core.internal.repair;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ace.core.catalog.Column;
import dev.ace.core.diff.DiffFile;
import dev.ace.core.error.AceException;
import dev.ace.core.error.ErrorCode;
import dev.ace.core.internal.diff.DiffFileWriter;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A diff file cut into parts a repair (or a rerun) works through one after another, so that its
 * memory does not grow with the number of differences. A file of at most {@code partRows} differences
 * is its own single part. A larger one is read once, streaming, and every row is written to the
 * part its key's hash chooses: every version of a key, on every node of every pair, lands in the
 * same part, so each part is a complete diff file of its own keys (same summary, same pair and
 * node order, each list in the file's order) and is planned exactly as the whole file would be.
 * The parts are temporary files in a directory of their own under the output directory, deleted
 * by {@link #close}. Not thread-safe: one thread of one operation uses it.
 */
public final class RepairParts implements AutoCloseable {

    /** Differences per part, unless the system property {@link #PART_ROWS_PROPERTY} says otherwise. */
    public static final long PART_ROWS = 100_000;
    /** The system property that sets another part size, for tests (at least 1). */
    public static final String PART_ROWS_PROPERTY = "ace.repair.partRows";

    /** At most this many part files, whatever the part size. */
    private static final int MAX_PARTS = 1024;
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonFactory FACTORY = MAPPER.getFactory();

    private final List<DiffFile> parts;
    private final Path directory;

    private RepairParts(List<DiffFile> parts, Path directory) {
        this.parts = parts;
        this.directory = directory;
    }

    /** Differences per part: {@link #PART_ROWS}, or the system property {@link #PART_ROWS_PROPERTY}. */
    public static long partRows() {
        return Math.max(1, Long.getLong(PART_ROWS_PROPERTY, PART_ROWS));
    }

    /** The differences {@code file} lists (its summary's diff counts, summed over the pairs). */
    static long differences(DiffFile file) {
        return file.summary().diffCount().values().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * The parts of {@code file}: the file itself when it lists at most {@code partRows}
     * differences, else the parts written under {@code outputDirectory}. {@code stop} is called
     * every few thousand rows and throws to abandon the cutting.
     */
    public static RepairParts of(DiffFile file, long partRows, Path outputDirectory, String taskId, Runnable stop) {
        long differences = differences(file);
        if (differences <= partRows) {
            return new RepairParts(List.of(file), null);
        }
        int count = (int) Math.min(MAX_PARTS, (differences + partRows - 1) / partRows);
        Path directory = null;
        try {
            Files.createDirectories(outputDirectory);
            directory = Files.createTempDirectory(outputDirectory, ".ace-repair-" + taskId.replaceAll("[^A-Za-z0-9_-]",
                    "_") + "-");
            List<Path> paths = write(file, count, directory, stop);
            List<DiffFile> parts = new ArrayList<>(count);
            for (Path path : paths) {
                parts.add(DiffFile.openSummary(path));
            }
            return new RepairParts(parts, directory);
        } catch (IOException | RuntimeException e) {
            delete(directory);
            if (e instanceof IOException io) {
                throw new AceException(ErrorCode.IO_ERROR, "could not cut the diff file " + file.path()
                        + " into parts in " + outputDirectory + ": " + io.getMessage(), io);
            }
            throw e instanceof UncheckedIOException io ? new AceException(ErrorCode.IO_ERROR, "could not cut the diff "
                    + "file " + file.path() + " into parts in " + outputDirectory + ": " + io.getCause().getMessage(),
                    io) : (RuntimeException) e;
        }
    }

    /** The parts, in order; the file itself when it is one part. */
    public List<DiffFile> parts() {
        return parts;
    }

    /** Deletes the part files, if any. */
    @Override
    public void close() {
        delete(directory);
    }

    /** One part file being written: its generator and the pair and node whose list is open. */
    private static final class Part {
        final JsonGenerator generator;
        String pair;
        String node;

        Part(JsonGenerator generator) {
            this.generator = generator;
        }

        void row(String rowPair, String rowNode, List<Column> columns, List<String> values) throws IOException {
            if (!rowPair.equals(pair)) {
                if (pair != null) {
                    generator.writeEndArray();
                    generator.writeEndObject();
                }
                generator.writeFieldName(rowPair);
                generator.writeStartObject();
                pair = rowPair;
                node = null;
            }
            if (!rowNode.equals(node)) {
                if (node != null) {
                    generator.writeEndArray();
                }
                generator.writeFieldName(rowNode);
                generator.writeStartArray();
                node = rowNode;
            }
            DiffFileWriter.writeRow(generator, columns, values);
        }

        void end() throws IOException {
            if (pair != null) {
                generator.writeEndArray();
                generator.writeEndObject();
            }
            generator.writeEndObject();
            generator.writeEndObject();
        }
    }

    private static List<Path> write(DiffFile file, int count, Path directory, Runnable stop) throws IOException {
        ObjectNode summary = summaryOf(file);
        // a part's diff counts are an estimate (the planner sizes its tables from them)
        ObjectNode counts = summary.putObject("diff_count");
        for (Map.Entry<String, Long> entry : file.summary().diffCount().entrySet()) {
            counts.put(entry.getKey(), (entry.getValue() + count - 1) / count);
        }
        List<Column> columns = file.summary().columns();
        int[] keyPositions = file.summary().keyPositions();
        List<Path> paths = new ArrayList<>(count);
        List<Part> parts = new ArrayList<>(count);
        try {
            for (int i = 0; i < count; i++) {
                Path path = directory.resolve("part-" + i + ".json");
                paths.add(path);
                JsonGenerator generator = FACTORY.createGenerator(new BufferedOutputStream(Files.newOutputStream(path),
                        1 << 15));
                parts.add(new Part(generator));
                generator.writeStartObject();
                generator.writeFieldName("summary");
                MAPPER.writeTree(generator, summary);
                generator.writeFieldName("diffs");
                generator.writeStartObject();
            }
            long[] read = {0};
            file.forEachRow((pair, node, row) -> {
                if (++read[0] % 4096 == 0) {
                    stop.run();
                }
                List<String> values = row.values();
                List<String> key = new ArrayList<>(keyPositions.length);
                for (int position : keyPositions) {
                    key.add(values.get(position));
                }
                try {
                    parts.get(part(RowSql.keyId(key), count)).row(pair, node, columns, values);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            for (Part part : parts) {
                part.end();
            }
        } finally {
            IOException failure = null;
            for (Part part : parts) {
                try {
                    part.generator.close();
                } catch (IOException e) {
                    failure = failure == null ? e : failure;
                }
            }
            if (failure != null) {
                throw failure;
            }
        }
        return paths;
    }

    /** The part of a key: its id's hash, spread, modulo the number of parts. */
    static int part(String keyId, int count) {
        int hash = keyId.hashCode() * 0x9E3779B9;
        return Math.floorMod(hash ^ (hash >>> 16), count);
    }

    /** The summary object of {@code file}, as the file holds it. */
    private static ObjectNode summaryOf(DiffFile file) throws IOException {
        try (JsonParser parser = FACTORY.createParser(file.path().toFile())) {
            parser.nextToken();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                parser.nextToken();
                if (field.equals("summary")) {
                    return (ObjectNode) MAPPER.readTree(parser);
                }
                parser.skipChildren();
            }
        }
        throw new IOException("the diff file " + file.path() + " has no summary");
    }

    private static void delete(Path directory) {
        if (directory == null) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory left behind is harmless; the repair's own outcome is what counts
        }
    }
}
