package dev.ace.core.internal.diff;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ace.core.OutputFiles;
import dev.ace.core.catalog.Column;
import dev.ace.core.diff.DiffFile;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Writes a diff file without holding the differences in memory: workers append each range's
 * differing rows to a spool file as they find them (in any order); {@link #finish} then writes
 * the summary and copies the rows pair by pair, node by node, range by range (so in key order)
 * into a temporary file that then takes its final name without replacing any file
 * ({@link OutputFiles}). A failure or crash never leaves a
 * file under the final name. Thread-safe.
 */
public final class DiffFileWriter implements AutoCloseable {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonFactory FACTORY = MAPPER.getFactory();

    private final List<Column> columns;
    private final Path target;
    private final Path spool;
    private final FileChannel channel;
    /**
     * pair -> node -> position (range, then group within the range) -> block; blocks of a range
     * and node are one contiguous run per group.
     */
    private final Map<String, Map<String, TreeMap<Long, long[]>>> index = new ConcurrentHashMap<>();

    /**
     * A writer of the diff file {@code target} ({@link DiffOutput#diffFile}) of a table with these columns.
     *
     * @param taskId the id of the task writing; the spool's name carries it, so that what a task that died left
     *        behind can be found and deleted
     */
    public DiffFileWriter(List<Column> columns, Path target, String taskId) throws IOException {
        this.columns = List.copyOf(columns);
        this.target = target;
        Path directory = target.getParent();
        Files.createDirectories(directory);
        this.spool = Files.createTempFile(directory, ".ace-spool-" + taskId + "-", ".tmp");
        this.channel = FileChannel.open(spool, StandardOpenOption.WRITE, StandardOpenOption.READ);
    }

    /** Where the file goes (it may take another free name, see {@link #finish}). */
    public Path target() {
        return target;
    }

    /** Serializes one row (values as PostgreSQL prints them) as a JSON object. */
    public byte[] rowJson(List<String> values) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + 16 * values.size());
        try (JsonGenerator generator = FACTORY.createGenerator(bytes)) {
            writeRow(generator, columns, values);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Writes one row of a table with {@code columns} as a diff file holds it: one JSON object. */
    public static void writeRow(JsonGenerator generator, List<Column> columns, List<String> values) throws IOException {
        generator.writeStartObject();
        for (int i = 0; i < columns.size(); i++) {
            Column column = columns.get(i);
            String text = values.get(i);
            generator.writeFieldName(column.name());
            if (text == null) {
                generator.writeNull();
            } else if (DiffFile.jsonKind(column) == DiffFile.JsonKind.BOOLEAN) {
                generator.writeBoolean(text.equals("t"));
            } else if (DiffFile.writesAsNumber(column, text)) {
                generator.writeNumber(text);
            } else {
                generator.writeString(text);
            }
        }
        generator.writeEndObject();
    }

    /** Appends the differing rows of one range for one pair and node (rows already in key order). */
    public void add(int range, String pair, String node, List<byte[]> rows) throws IOException {
        add(range, 0, pair, node, rows);
    }

    /**
     * Appends the differing rows of one group of a range's partitions for one pair and node (rows
     * in key order): the file lists a range's groups one after another.
     */
    public void add(int range, int group, String pair, String node, List<byte[]> rows) throws IOException {
        if (rows.isEmpty()) {
            return;
        }
        int size = rows.stream().mapToInt(row -> row.length + 1).sum() - 1;
        ByteBuffer buffer = ByteBuffer.allocate(size);
        for (int i = 0; i < rows.size(); i++) {
            if (i > 0) {
                buffer.put((byte) ',');
            }
            buffer.put(rows.get(i));
        }
        buffer.flip();
        long offset;
        synchronized (channel) {
            offset = channel.size();
            while (buffer.hasRemaining()) {
                channel.write(buffer, offset + buffer.position());
            }
        }
        TreeMap<Long, long[]> blocks = index.computeIfAbsent(pair, p -> new ConcurrentHashMap<>())
                .computeIfAbsent(node, n -> new TreeMap<>());
        synchronized (blocks) {
            blocks.put(((long) range << 32) | group, new long[] {offset, size});
        }
    }

    /**
     * Writes the final file: the summary, then every pair (in the nodes' order) with its two
     * nodes' rows; returns where it went ({@link #target()}, or the next free name if another
     * file took that one).
     */
    public Path finish(DiffOutput.Summary facts) throws IOException {
        ObjectNode summary = DiffOutput.summaryJson(facts);
        List<String> pairOrder = DiffCounts.pairsOf(facts.nodes());
        Path partial = OutputFiles.partial(target.getParent(), target.getFileName().toString());
        try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(partial), 1 << 16)) {
            out.write("{\"summary\":".getBytes(StandardCharsets.UTF_8));
            out.write(MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(summary));
            out.write(",\n\"diffs\":{".getBytes(StandardCharsets.UTF_8));
            boolean firstPair = true;
            for (String pair : pairOrder) {
                Map<String, TreeMap<Long, long[]>> nodes = index.get(pair);
                if (nodes == null) {
                    continue;
                }
                out.write(((firstPair ? "\n" : ",\n") + MAPPER.writeValueAsString(pair) + ":{")
                        .getBytes(StandardCharsets.UTF_8));
                firstPair = false;
                boolean firstNode = true;
                for (String node : DiffCounts.sides(pair)) {
                    TreeMap<Long, long[]> blocks = nodes.getOrDefault(node, new TreeMap<>());
                    out.write(((firstNode ? "\n " : ",\n ") + MAPPER.writeValueAsString(node) + ":[")
                            .getBytes(StandardCharsets.UTF_8));
                    firstNode = false;
                    boolean firstBlock = true;
                    for (long[] block : new ArrayList<>(blocks.values())) {
                        out.write((firstBlock ? "\n  " : ",\n  ").getBytes(StandardCharsets.UTF_8));
                        firstBlock = false;
                        copy(block, out);
                    }
                    out.write("]".getBytes(StandardCharsets.UTF_8));
                }
                out.write("}".getBytes(StandardCharsets.UTF_8));
            }
            out.write("}}\n".getBytes(StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(partial);
            throw e;
        }
        try {
            return OutputFiles.claimFree(partial, target);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(partial);
            throw e;
        }
    }

    private void copy(long[] block, OutputStream out) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(block[1], 1 << 16));
        long position = block[0];
        long end = block[0] + block[1];
        while (position < end) {
            buffer.clear();
            buffer.limit((int) Math.min(buffer.capacity(), end - position));
            int read = channel.read(buffer, position);
            if (read < 0) {
                throw new IOException("the diff spool " + spool + " ended early");
            }
            out.write(buffer.array(), 0, read);
            position += read;
        }
    }

    /** Deletes the spool. */
    @Override
    public void close() throws IOException {
        try {
            channel.close();
        } finally {
            Files.deleteIfExists(spool);
        }
    }
}
