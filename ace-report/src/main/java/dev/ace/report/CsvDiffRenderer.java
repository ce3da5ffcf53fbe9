package dev.ace.report;

import dev.ace.core.catalog.Column;
import dev.ace.core.diff.DiffFile;
import dev.ace.core.diff.DiffSummary;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.QuoteMode;

/**
 * CSV: one line per differing row per node of each pair: {@code pair, node, kind}, the key
 * columns ({@code key:<name>}), then every column of the row as that node holds it. Lines come
 * pair by pair, in key order, the two nodes of a key together (first node of the pair first).
 *
 * <ul>
 *   <li>{@code changed}: both nodes hold the key with different values (two lines, one per node);</li>
 *   <li>{@code extra}: this node holds a row the other node of the pair lacks;</li>
 *   <li>{@code missing}: this node lacks the row the other node holds (key columns filled, row columns NULL).</li>
 * </ul>
 * Values are exactly as in the diff file. Every value is quoted except SQL NULL, which is
 * written as an unquoted {@code \N} (so NULL, {@code ""} and the text {@code \N} all read back
 * distinctly with {@link #FORMAT}). With {@code neutraliseFormulas}, text that a spreadsheet
 * would execute ({@code = + - @}, tab or CR first) gets a leading {@code '}; numbers are left
 * alone. The default is off, so the file holds the exact values. Thread-safe.
 */
public final class CsvDiffRenderer implements ReportRenderer<DiffFile> {

    /** The CSV dialect written (and to read it back with): RFC 4180, NULL as unquoted \N. */
    public static final CSVFormat FORMAT = CSVFormat.RFC4180.builder().setNullString("\\N")
            .setQuoteMode(QuoteMode.ALL_NON_NULL).setRecordSeparator("\r\n").get();

    private final boolean neutraliseFormulas;
    private final KeyGroups groups;

    public CsvDiffRenderer(boolean neutraliseFormulas) {
        this(neutraliseFormulas, KeyGroups.standard());
    }

    CsvDiffRenderer(boolean neutraliseFormulas, KeyGroups groups) {
        this.neutraliseFormulas = neutraliseFormulas;
        this.groups = groups;
    }

    @Override
    public void render(DiffFile source, OutputStream out) throws IOException {
        DiffSummary summary = source.summary();
        Writer writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
        CSVPrinter printer = new CSVPrinter(writer, FORMAT);
        List<String> header = new ArrayList<>(List.of("pair", "node", "kind"));
        summary.primaryKey().forEach(key -> header.add("key:" + key));
        summary.columns().forEach(column -> header.add(column.name()));
        printer.printRecord(header);
        List<String> absent = Collections.nCopies(summary.columns().size(), null);
        int[] keyPositions = summary.keyPositions();
        groups.forEach(source, group -> {
            String leftKind = group.changed() ? "changed" : group.left() != null ? "extra" : "missing";
            String rightKind = group.changed() ? "changed" : group.right() != null ? "extra" : "missing";
            print(printer, summary, keyPositions, group.pair(), group.leftNode(), leftKind, group.key(),
                    group.left() != null ? group.left() : absent);
            print(printer, summary, keyPositions, group.pair(), group.rightNode(), rightKind, group.key(),
                    group.right() != null ? group.right() : absent);
        });
        printer.flush();
    }

    private void print(CSVPrinter printer, DiffSummary summary, int[] keyPositions, String pair, String node, String kind,
                       List<String> key, List<String> values) throws IOException {
        List<String> record = new ArrayList<>(3 + key.size() + values.size());
        record.add(pair);
        record.add(node);
        record.add(kind);
        for (int i = 0; i < key.size(); i++) {
            record.add(safe(summary.columns().get(keyPositions[i]), key.get(i)));
        }
        for (int i = 0; i < values.size(); i++) {
            record.add(safe(summary.columns().get(i), values.get(i)));
        }
        printer.printRecord(record);
    }

    private String safe(Column column, String value) {
        if (!neutraliseFormulas || value == null || value.isEmpty() || DiffFile.writesAsNumber(column, value)) {
            return value;
        }
        char first = value.charAt(0);
        return first == '=' || first == '+' || first == '-' || first == '@' || first == '\t' || first == '\r'
                ? "'" + value : value;
    }

    @Override
    public String mediaType() {
        return "text/csv; charset=UTF-8";
    }

    @Override
    public String fileExtension() {
        return "csv";
    }
}
