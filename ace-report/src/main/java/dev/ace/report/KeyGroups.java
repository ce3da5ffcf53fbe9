package dev.ace.report;

import dev.ace.core.catalog.Column;
import dev.ace.core.diff.DiffFile;
import dev.ace.core.diff.DiffRow;
import dev.ace.core.diff.DiffSummary;
import dev.ace.core.error.InvalidRequestException;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.stream.Stream;

/**
 * A diff file's rows regrouped, per node pair, by primary key: for each key of a pair, the row
 * its first node lists and the row its second node lists (null where a node does not list it).
 * Both present: the row changed; one present: that node has a row the other lacks.
 *
 * <p>Keys are matched exactly, by their text, as the diff engine matched them. Memory does not
 * grow with the number of rows: an external merge sort. Rows are read in one pass and gathered
 * until about {@code runBytes} of them are held; that run is sorted by (pair, key, node) and
 * written to a temporary file. At the end the runs are merged (at most {@value #FAN_IN} at a
 * time, in passes if there are more), so each pair's rows come out grouped by key. A diff that
 * fits in one run never touches the disk. Key columns of a numeric type category are ordered by
 * value (then by text, so only equal text is the same key), others by text. The temporary files
 * live in one private directory that is deleted afterwards, also when rendering fails.
 * Immutable and thread-safe.
 */
final class KeyGroups {

    /** Bytes of rows (estimated as held in memory) sorted in memory before a run goes to disk. */
    static final long DEFAULT_RUN_BYTES = 8L << 20;
    /** Runs merged at once: one buffered reader each. */
    static final int FAN_IN = 64;

    /** One key of one pair: the rows of the pair's two nodes (null where a node lacks the key). */
    record Group(String pair, String leftNode, String rightNode, List<String> key, List<String> left,
                 List<String> right) {

        boolean changed() {
            return left != null && right != null;
        }
    }

    @FunctionalInterface
    interface Visitor {
        void visit(Group group) throws IOException;
    }

    private final long runBytes;
    private final Path temporaryParent;

    /** @param temporaryParent where the private directory of runs is made; null for {@code java.io.tmpdir} */
    KeyGroups(long runBytes, Path temporaryParent) {
        if (runBytes < 1) {
            throw new IllegalArgumentException("runBytes must be at least 1, was " + runBytes);
        }
        this.runBytes = runBytes;
        this.temporaryParent = temporaryParent;
    }

    static KeyGroups standard() {
        return new KeyGroups(DEFAULT_RUN_BYTES, null);
    }

    /** Visits every key of every pair: pairs in the file's order, keys in key order. */
    void forEach(DiffFile file, Visitor visitor) throws IOException {
        try (Sort sort = new Sort(file)) {
            try {
                file.forEachRow(sort::add);
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
            group(file, sort.sorted(), sort.pairs, visitor);
        }
    }

    private static void group(DiffFile file, Source source, List<String> pairs, Visitor visitor) throws IOException {
        DiffSummary summary = file.summary();
        int[] keyPositions = summary.keyPositions();
        Row next = source.next();
        while (next != null) {
            Row first = next;
            List<String>[] sides = sides();
            while (next != null && next.pair == first.pair && compareKeys(next, first) == 0) {
                if (sides[next.side] != null) {
                    String[] nodes = pairs.get(next.pair).split("/", 2);
                    throw new InvalidRequestException("diff_file " + file.path() + " is not a usable ACE diff file: diffs."
                            + pairs.get(next.pair) + "." + nodes[next.side] + " lists the key "
                            + key(next.values, keyPositions) + " more than once");
                }
                sides[next.side] = Arrays.asList(next.values);
                next = source.next();
            }
            String pair = pairs.get(first.pair);
            String[] nodes = pair.split("/", 2);
            visitor.visit(new Group(pair, nodes[0], nodes[1], key(first.values, keyPositions), sides[0], sides[1]));
        }
    }

    @SuppressWarnings("unchecked")
    private static List<String>[] sides() {
        return new List[2];
    }

    private static List<String> key(String[] values, int[] keyPositions) {
        List<String> key = new ArrayList<>(keyPositions.length);
        for (int position : keyPositions) {
            key.add(values[position]);
        }
        return key;
    }

    // ------------------------------------------------------------------ rows and their order

    /** A row as sorted: its pair (by order of appearance), its side (0 first node, 1 second), values, sort key. */
    private static final class Row {
        final int pair;
        final int side;
        final String[] values;
        final Object[] sortKey;

        Row(int pair, int side, String[] values, int[] keyPositions, boolean[] numeric) {
            this.pair = pair;
            this.side = side;
            this.values = values;
            this.sortKey = new Object[keyPositions.length];
            for (int i = 0; i < keyPositions.length; i++) {
                String text = values[keyPositions[i]];
                sortKey[i] = text == null ? null : numeric[i] ? Numeric.of(text) : text;
            }
        }

        /** What the row costs in memory, roughly (two bytes a character, object headers). */
        long estimatedBytes() {
            long bytes = 64 + 8L * values.length + 48L * sortKey.length;
            for (String value : values) {
                bytes += value == null ? 0 : 48 + 2L * value.length();
            }
            return bytes;
        }
    }

    /**
     * A key value of a numeric column: -Infinity, numbers by value, Infinity, NaN, then text that
     * is no number (money); ties broken by text, so only the same text compares equal.
     */
    private record Numeric(int rank, BigDecimal value, String text) implements Comparable<Numeric> {

        static Numeric of(String text) {
            switch (text) {
                case "-Infinity":
                    return new Numeric(0, null, text);
                case "Infinity":
                    return new Numeric(2, null, text);
                case "NaN":
                    return new Numeric(3, null, text);
                default:
                    try {
                        return new Numeric(1, new BigDecimal(text), text);
                    } catch (NumberFormatException | ArithmeticException notANumber) {
                        return new Numeric(4, null, text);
                    }
            }
        }

        @Override
        public int compareTo(Numeric other) {
            int order = Integer.compare(rank, other.rank);
            if (order == 0 && value != null) {
                order = value.compareTo(other.value);
            }
            return order != 0 ? order : text.compareTo(other.text);
        }
    }

    private static int compareKeys(Row a, Row b) {
        for (int i = 0; i < a.sortKey.length; i++) {
            Object x = a.sortKey[i];
            Object y = b.sortKey[i];
            if (x == null || y == null) {
                if (x != y) {
                    return x == null ? -1 : 1;
                }
                continue;
            }
            int order = x instanceof Numeric ? ((Numeric) x).compareTo((Numeric) y) : ((String) x).compareTo((String) y);
            if (order != 0) {
                return order;
            }
        }
        return 0;
    }

    private static final Comparator<Row> ORDER = (a, b) -> {
        int order = Integer.compare(a.pair, b.pair);
        if (order == 0) {
            order = compareKeys(a, b);
        }
        return order != 0 ? order : Integer.compare(a.side, b.side);
    };

    // ------------------------------------------------------------------ the sort

    /** Rows in order, then null. */
    @FunctionalInterface
    private interface Source {
        Row next() throws IOException;
    }

    /** One sort: gathers rows, spills sorted runs, merges them; deletes its files on close. */
    private final class Sort implements AutoCloseable {
        private final int[] keyPositions;
        private final boolean[] numeric;
        private final int columns;
        private final Path path;
        private final List<String> pairs = new ArrayList<>();
        private final List<String[]> pairNodes = new ArrayList<>();
        private final Map<String, Integer> pairIndex = new HashMap<>();
        private final List<Row> buffer = new ArrayList<>();
        private long bufferBytes;
        private final List<Path> runs = new ArrayList<>();
        private Path directory;
        private int runsWritten;
        private final List<RunReader> open = new ArrayList<>();

        Sort(DiffFile file) {
            this.path = file.path();
            DiffSummary summary = file.summary();
            this.keyPositions = summary.keyPositions();
            this.numeric = new boolean[keyPositions.length];
            for (int i = 0; i < keyPositions.length; i++) {
                Column column = summary.columns().get(keyPositions[i]);
                numeric[i] = column.category().equals("N");
            }
            this.columns = summary.columns().size();
        }

        void add(String pair, String node, DiffRow row) {
            int index = pairIndex.computeIfAbsent(pair, p -> {
                pairs.add(p);
                pairNodes.add(p.split("/", 2));
                return pairs.size() - 1;
            });
            String[] nodes = pairNodes.get(index);
            int side = node.equals(nodes[0]) ? 0 : node.equals(nodes[1]) ? 1 : -1;
            if (side < 0) {
                throw new InvalidRequestException("diff_file " + path + " is not a usable ACE diff file: diffs." + pair
                        + " lists rows of node " + node + ", which is not in that pair");
            }
            Row entry = new Row(index, side, row.values().toArray(new String[0]), keyPositions, numeric);
            buffer.add(entry);
            bufferBytes += entry.estimatedBytes();
            if (bufferBytes >= runBytes) {
                try {
                    spill();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }

        private void spill() throws IOException {
            buffer.sort(ORDER);
            Path run = newRun();
            try (DataOutputStream out = output(run)) {
                for (Row row : buffer) {
                    write(out, row);
                }
            }
            runs.add(run);
            buffer.clear();
            bufferBytes = 0;
        }

        private Path newRun() throws IOException {
            if (directory == null) {
                directory = temporaryParent == null ? Files.createTempDirectory("ace-report-sort-")
                        : Files.createTempDirectory(temporaryParent, "ace-report-sort-");
            }
            return directory.resolve("run-" + (runsWritten++));
        }

        Source sorted() throws IOException {
            if (runs.isEmpty()) {
                buffer.sort(ORDER);
                var rows = buffer.iterator();
                return () -> rows.hasNext() ? rows.next() : null;
            }
            if (!buffer.isEmpty()) {
                spill();
            }
            while (runs.size() > FAN_IN) {
                List<Path> batch = new ArrayList<>(runs.subList(0, FAN_IN));
                runs.subList(0, FAN_IN).clear();
                Path merged = newRun();
                try (DataOutputStream out = output(merged)) {
                    Source source = merge(batch);
                    for (Row row = source.next(); row != null; row = source.next()) {
                        write(out, row);
                    }
                }
                closeReaders();
                for (Path done : batch) {
                    Files.delete(done);
                }
                runs.add(merged);
            }
            return merge(runs);
        }

        private Source merge(List<Path> inputs) throws IOException {
            PriorityQueue<RunReader> heads = new PriorityQueue<>((a, b) -> ORDER.compare(a.head, b.head));
            for (Path input : inputs) {
                RunReader reader = new RunReader(input);
                open.add(reader);
                if (reader.advance()) {
                    heads.add(reader);
                }
            }
            return () -> {
                RunReader reader = heads.poll();
                if (reader == null) {
                    return null;
                }
                Row row = reader.head;
                if (reader.advance()) {
                    heads.add(reader);
                }
                return row;
            };
        }

        private DataOutputStream output(Path run) throws IOException {
            return new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(run), 1 << 16));
        }

        private void write(DataOutputStream out, Row row) throws IOException {
            out.writeInt(row.pair);
            out.writeByte(row.side);
            for (String value : row.values) {
                if (value == null) {
                    out.writeInt(-1);
                } else {
                    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
                    out.writeInt(bytes.length);
                    out.write(bytes);
                }
            }
        }

        /** Reads a run back, one row ahead. */
        private final class RunReader implements AutoCloseable {
            private final DataInputStream in;
            Row head;

            RunReader(Path run) throws IOException {
                this.in = new DataInputStream(new BufferedInputStream(Files.newInputStream(run), 1 << 14));
            }

            boolean advance() throws IOException {
                int pair;
                try {
                    pair = in.readInt();
                } catch (EOFException end) {
                    head = null;
                    return false;
                }
                int side = in.readByte();
                String[] values = new String[columns];
                for (int i = 0; i < columns; i++) {
                    int length = in.readInt();
                    if (length >= 0) {
                        byte[] bytes = new byte[length];
                        in.readFully(bytes);
                        values[i] = new String(bytes, StandardCharsets.UTF_8);
                    }
                }
                head = new Row(pair, side, values, keyPositions, numeric);
                return true;
            }

            @Override
            public void close() throws IOException {
                in.close();
            }
        }

        private void closeReaders() throws IOException {
            IOException first = null;
            for (RunReader reader : open) {
                try {
                    reader.close();
                } catch (IOException e) {
                    first = first == null ? e : first;
                }
            }
            open.clear();
            if (first != null) {
                throw first;
            }
        }

        /** Closes every reader and deletes the directory of runs, whatever happened. */
        @Override
        public void close() throws IOException {
            buffer.clear();
            try {
                closeReaders();
            } finally {
                if (directory != null) {
                    try (Stream<Path> files = Files.list(directory)) {
                        for (Path run : files.toList()) {
                            Files.deleteIfExists(run);
                        }
                    }
                    Files.deleteIfExists(directory);
                }
            }
        }
    }
}
