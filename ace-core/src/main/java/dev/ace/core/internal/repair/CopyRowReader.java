package dev.ace.core.internal.repair;

import dev.ace.core.diff.DiffFile;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Reads the rows of a diff file straight into {@link CopyRow}s, from the parser's characters,
 * without a string per value; after each row, {@link #key} gives that row's key values. Not
 * thread-safe: one reading at a time.
 */
final class CopyRowReader implements DiffFile.RowReader<CopyRow> {

    private final int[] keyPositions;
    private final int[] start;
    private final int[] length;
    private char[] chars = new char[1024];
    private int used;
    private final CopyRow.Line line = new CopyRow.Line(1024);

    CopyRowReader(int columns, int[] keyPositions) {
        this.keyPositions = keyPositions.clone();
        this.start = new int[columns];
        this.length = new int[columns];
    }

    @Override
    public void begin() {
        used = 0;
    }

    @Override
    public void value(int position, char[] text, int offset, int count) {
        if (used + count > chars.length) {
            chars = java.util.Arrays.copyOf(chars, Math.max(2 * chars.length, used + count));
        }
        System.arraycopy(text, offset, chars, used, count);
        start[position] = used;
        length[position] = count;
        used += count;
    }

    @Override
    public void nullValue(int position) {
        length[position] = -1;
    }

    @Override
    public CopyRow end() {
        line.length = 0;
        for (int c = 0; c < start.length; c++) {
            if (c > 0) {
                line.add((byte) '\t');
            }
            if (length[c] < 0) {
                line.add((byte) '\\', (byte) 'N');
            } else {
                CopyRow.escape(chars, start[c], start[c] + length[c], line);
            }
        }
        return CopyRow.of(line, start.length);
    }

    /** The key values of the row last read, in key order. */
    List<String> key() {
        if (keyPositions.length == 1) {
            return Collections.singletonList(value(keyPositions[0]));
        }
        List<String> key = new ArrayList<>(keyPositions.length);
        for (int position : keyPositions) {
            key.add(value(position));
        }
        return key;
    }

    private String value(int position) {
        return length[position] < 0 ? null : new String(chars, start[position], length[position]);
    }
}
