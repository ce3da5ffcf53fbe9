package dev.ace.core.internal.repair;

import dev.ace.core.repair.RowValues;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;

/**
 * A row's values held as one line of COPY's text format (UTF-8, tab-separated, {@code \N} for
 * NULL, backslash, tab, newline and carriage return escaped): two objects however many columns the
 * row has, where a list of strings holds two per value. A repair keeps every row of its diff file
 * until it ends, and so many fewer live objects keep the garbage collector's work small; the line
 * also goes into a stage table as it is. {@link #get} decodes a value on each call. Equal to any
 * list with the same values. Immutable and thread-safe, so {@link dev.ace.core.repair.RowChange}
 * keeps one as it is rather than copying it.
 */
public final class CopyRow extends RowValues {

    private final byte[] line;
    private final int size;

    private CopyRow(byte[] line, int size) {
        this.line = line;
        this.size = size;
    }

    /** The row of {@code values} (null for SQL NULL); a CopyRow is returned as it is. */
    static CopyRow of(List<String> values) {
        if (values instanceof CopyRow row) {
            return row;
        }
        Line line = new Line(64);
        writeValues(values, line);
        return new CopyRow(Arrays.copyOf(line.bytes, line.length), values.size());
    }

    /**
     * The row of the current result row's columns {@code first..first+count-1}, from the text
     * PostgreSQL sent (the connection must not use binary transfer), without decoding it to strings.
     */
    static CopyRow read(ResultSet result, int first, int count, boolean[] bytea, Line scratch) throws SQLException {
        scratch.length = 0;
        for (int c = 0; c < count; c++) {
            if (c > 0) {
                scratch.add((byte) '\t');
            }
            // getBytes gives a text column's bytes as sent, but decodes bytea: take bytea's text instead
            byte[] bytes = bytea[c] ? textBytes(result.getString(first + c)) : result.getBytes(first + c);
            if (bytes == null) {
                scratch.add((byte) '\\', (byte) 'N');
            } else {
                escape(bytes, scratch);
            }
        }
        return new CopyRow(Arrays.copyOf(scratch.bytes, scratch.length), count);
    }

    private static byte[] textBytes(String value) {
        return value == null ? null : value.getBytes(StandardCharsets.UTF_8);
    }

    /** Appends {@code values} to {@code out} as COPY text fields, each after a tab. */
    static void writeFields(List<String> values, Line out) {
        out.add((byte) '\t');
        if (values instanceof CopyRow row) {
            out.add(row.line, 0, row.line.length);
        } else {
            writeValues(values, out);
        }
    }

    private static void writeValues(List<String> values, Line out) {
        for (int v = 0; v < values.size(); v++) {
            if (v > 0) {
                out.add((byte) '\t');
            }
            String value = values.get(v);
            if (value == null) {
                out.add((byte) '\\');
                out.add((byte) 'N');
                continue;
            }
            escape(value.getBytes(StandardCharsets.UTF_8), out);
        }
    }

    /** The row whose fields {@code line} holds (its first {@code line.length} bytes). */
    static CopyRow of(Line line, int size) {
        return new CopyRow(Arrays.copyOf(line.bytes, line.length), size);
    }

    /**
     * Appends {@code chars[from, to)} to {@code out} as UTF-8, escaped for COPY text; an unpaired
     * surrogate becomes {@code ?}, as {@link String#getBytes} makes it.
     */
    static void escape(char[] chars, int from, int to, Line out) {
        // at most 3 bytes per char (a surrogate pair is 2 chars for 4 bytes)
        out.reserve(3 * (to - from));
        byte[] bytes = out.bytes;
        int at = out.length;
        for (int i = from; i < to; i++) {
            char c = chars[i];
            if (c < 0x80) {
                switch (c) {
                    case '\\' -> {
                        bytes[at++] = '\\';
                        bytes[at++] = '\\';
                    }
                    case '\t' -> {
                        bytes[at++] = '\\';
                        bytes[at++] = 't';
                    }
                    case '\n' -> {
                        bytes[at++] = '\\';
                        bytes[at++] = 'n';
                    }
                    case '\r' -> {
                        bytes[at++] = '\\';
                        bytes[at++] = 'r';
                    }
                    default -> bytes[at++] = (byte) c;
                }
            } else if (c < 0x800) {
                bytes[at++] = (byte) (0xC0 | c >> 6);
                bytes[at++] = (byte) (0x80 | c & 0x3F);
            } else if (Character.isHighSurrogate(c) && i + 1 < to && Character.isLowSurrogate(chars[i + 1])) {
                int point = Character.toCodePoint(c, chars[++i]);
                bytes[at++] = (byte) (0xF0 | point >> 18);
                bytes[at++] = (byte) (0x80 | point >> 12 & 0x3F);
                bytes[at++] = (byte) (0x80 | point >> 6 & 0x3F);
                bytes[at++] = (byte) (0x80 | point & 0x3F);
            } else if (Character.isSurrogate(c)) {
                bytes[at++] = '?';
            } else {
                bytes[at++] = (byte) (0xE0 | c >> 12);
                bytes[at++] = (byte) (0x80 | c >> 6 & 0x3F);
                bytes[at++] = (byte) (0x80 | c & 0x3F);
            }
        }
        out.length = at;
    }

    /** Appends UTF-8 {@code bytes} escaped for COPY text (no UTF-8 character uses these byte values). */
    private static void escape(byte[] bytes, Line out) {
        int plain = 0;
        for (int i = 0; i < bytes.length; i++) {
            byte b = bytes[i];
            byte escaped = b == '\\' ? (byte) '\\' : b == '\t' ? (byte) 't' : b == '\n' ? (byte) 'n'
                    : b == '\r' ? (byte) 'r' : 0;
            if (escaped != 0) {
                out.add(bytes, plain, i - plain);
                out.add((byte) '\\', escaped);
                plain = i + 1;
            }
        }
        out.add(bytes, plain, bytes.length - plain);
    }

    @Override
    public String get(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("index " + index + " of a row of " + size + " values");
        }
        int start = 0;
        for (int field = 0; field < index; field++) {
            while (line[start] != '\t') {
                start++;
            }
            start++;
        }
        int end = start;
        while (end < line.length && line[end] != '\t') {
            end++;
        }
        if (end - start == 2 && line[start] == '\\' && line[start + 1] == 'N') {
            return null;
        }
        byte[] value = new byte[end - start];
        int length = 0;
        for (int i = start; i < end; i++) {
            byte b = line[i];
            if (b == '\\') {
                b = switch (line[++i]) {
                    case 't' -> '\t';
                    case 'n' -> '\n';
                    case 'r' -> '\r';
                    default -> line[i];
                };
            }
            value[length++] = b;
        }
        return new String(value, 0, length, StandardCharsets.UTF_8);
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public boolean equals(Object other) {
        if (other instanceof CopyRow row) {
            return size == row.size && Arrays.equals(line, row.line);
        }
        return super.equals(other);
    }

    @Override
    public int hashCode() {
        return super.hashCode();
    }

    /** A growable byte buffer that lines are written into. Not thread-safe. */
    static final class Line {
        byte[] bytes;
        int length;

        Line(int capacity) {
            bytes = new byte[capacity];
        }

        void add(byte b) {
            if (length == bytes.length) {
                bytes = Arrays.copyOf(bytes, bytes.length * 2);
            }
            bytes[length++] = b;
        }

        void add(byte first, byte second) {
            add(first);
            add(second);
        }

        /** Makes room for {@code count} more bytes, so that they can be written to {@link #bytes} directly. */
        void reserve(int count) {
            if (length + count > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + count));
            }
        }

        void add(byte[] from, int offset, int count) {
            if (length + count > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + count));
            }
            System.arraycopy(from, offset, bytes, length, count);
            length += count;
        }

        /** Appends a non-negative number in decimal. */
        void addNumber(int number) {
            if (number >= 10) {
                addNumber(number / 10);
            }
            add((byte) ('0' + number % 10));
        }
    }
}
