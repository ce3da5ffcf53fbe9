package dev.ace.core.diff;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ace.core.catalog.Column;
import dev.ace.core.catalog.TableName;
import dev.ace.core.diff.TableFilter;
import dev.ace.core.error.AceException;
import dev.ace.core.error.ErrorCode;
import dev.ace.core.error.InvalidRequestException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A diff file read back: its {@link #summary()} at once, its rows streamed on demand so memory
 * does not grow with the number of differences.
 *
 * <pre>{@code
 * DiffFile file = DiffFile.open(result.diffFile());
 * file.forEachRow((pair, node, row) -> System.out.println(pair + " " + node + " " + row.key()));
 * }</pre>
 *
 * A file that is not JSON, not a diff file, written by another tool or damaged is rejected with
 * an {@link InvalidRequestException} naming the file and the problem; so is one whose
 * {@code table_filter} is not exactly one SQL boolean expression (see docs/diff.md), for rerun,
 * repair and reports alike. Thread-safe (immutable; each read opens the file anew).
 */
public final class DiffFile {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonFactory FACTORY = MAPPER.getFactory();

    private final Path path;
    private final DiffSummary summary;

    private DiffFile(Path path, DiffSummary summary) {
        this.path = path;
        this.summary = summary;
    }

    /** Reads and checks the summary of the diff file at {@code path}, and that the whole file is well-formed JSON. */
    public static DiffFile open(Path path) {
        return open(path, false);
    }

    /**
     * Reads and checks the summary of the diff file at {@code path}, but not the rest of the file
     * when the summary comes first (as table-diff writes it): for a caller that reads every row
     * anyway, where {@link #forEachRow} reports a damaged row section with the same messages.
     */
    public static DiffFile openSummary(Path path) {
        return open(path, true);
    }

    private static DiffFile open(Path path, boolean summaryOnly) {
        if (!Files.isRegularFile(path)) {
            throw new InvalidRequestException("diff_file " + path + " does not exist");
        }
        JsonNode summary = null;
        try (JsonParser parser = FACTORY.createParser(path.toFile())) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw invalid(path, "it is not a JSON object");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                parser.nextToken();
                if (field.equals("summary")) {
                    summary = parser.readValueAsTree();
                    if (summaryOnly) {
                        break;
                    }
                } else {
                    parser.skipChildren();
                }
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw invalid(path, "it is not valid JSON (" + e.getOriginalMessage() + ")");
        } catch (IOException e) {
            throw new AceException(ErrorCode.IO_ERROR, "diff_file " + path + " cannot be read: " + e.getMessage(), e);
        }
        if (summary == null || !summary.isObject()) {
            throw invalid(path, "it has no summary");
        }
        return new DiffFile(path, parseSummary(path, summary));
    }

    public Path path() {
        return path;
    }

    public DiffSummary summary() {
        return summary;
    }

    /** Receives the rows of a diff file: the node pair ({@code "n1/n2"}), the node whose values the row holds, the row. */
    @FunctionalInterface
    public interface RowVisitor {
        void visit(String pair, String node, DiffRow row);
    }

    /**
     * Builds rows of a form of its own from the values of a diff file, for a caller that keeps
     * many rows (a repair keeps them as COPY text). Values come in the file's order, each with its
     * column's position in the table; booleans come as {@code t} and {@code f}, as PostgreSQL
     * prints them. Used by one reading at a time.
     *
     * @param <R> the row type
     */
    public interface RowReader<R> {
        /** A row begins. */
        void begin();

        /** Column {@code position}'s value is {@code text[offset, offset + length)} (valid during the call only). */
        void value(int position, char[] text, int offset, int length);

        /** Column {@code position} is NULL. */
        void nullValue(int position);

        /** The row is complete (every column had one value): the row. */
        R end();
    }

    /** Receives rows made by a {@link RowReader}: the node pair, the node whose values the row holds, the row. */
    @FunctionalInterface
    public interface ReadRowVisitor<R> {
        void visit(String pair, String node, R row);
    }

    /**
     * Streams every row, pair by pair and node by node, each list in key order. The reading
     * holds one row at a time, so it does not find a key listed twice in one list (which a node,
     * holding one row per key, cannot have): a caller that must refuse such a file checks the
     * keys it is given (repair, rerun and the report renderers do).
     */
    public void forEachRow(RowVisitor visitor) {
        forEachRow(new StringsReader(), (pair, node, values) -> visitor.visit(pair, node,
                DiffRow.wrapping(summary, values)));
    }

    /** As {@link #forEachRow(RowVisitor)}, with each row made by {@code reader}. */
    public <R> void forEachRow(RowReader<R> reader, ReadRowVisitor<R> visitor) {
        Map<String, Integer> positions = new HashMap<>();
        for (Column column : summary.columns()) {
            positions.put(column.name(), positions.size());
        }
        boolean[] seen = new boolean[positions.size()];
        try (JsonParser parser = FACTORY.createParser(path.toFile())) {
            parser.nextToken();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                parser.nextToken();
                if (!field.equals("diffs")) {
                    parser.skipChildren();
                    continue;
                }
                expect(parser.currentToken() == JsonToken.START_OBJECT, "diffs must be an object");
                Set<String> pairs = new HashSet<>();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String pair = parser.currentName();
                    expect(pair.contains("/"), "diffs has a key '" + pair + "' that is not a node pair such as n1/n2");
                    String first = pair.substring(0, pair.indexOf('/'));
                    String second = pair.substring(pair.indexOf('/') + 1);
                    checkPair(pair, first, second);
                    expect(pairs.add(pair), "diffs lists pair " + pair + " more than once");
                    expect(parser.nextToken() == JsonToken.START_OBJECT, "diffs." + pair + " must be an object");
                    Set<String> lists = new HashSet<>();
                    while (parser.nextToken() == JsonToken.FIELD_NAME) {
                        String node = parser.currentName();
                        expect(summary.nodes().contains(node), "diffs." + pair + " names node " + node
                                + ", which the summary does not list");
                        expect(node.equals(first) || node.equals(second), "diffs." + pair + " lists rows of node "
                                + node + ", which is not in that pair");
                        expect(lists.add(node), "diffs." + pair + " lists node " + node + " more than once");
                        expect(parser.nextToken() == JsonToken.START_ARRAY, "diffs." + pair + "." + node
                                + " must be a list of rows");
                        while (parser.nextToken() == JsonToken.START_OBJECT) {
                            visitor.visit(pair, node, readRow(parser, positions, seen, pair, node, reader));
                        }
                    }
                }
            }
        } catch (Malformed e) {
            throw invalid(path, e.getMessage());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw invalid(path, "it is not valid JSON (" + e.getOriginalMessage() + ")");
        } catch (IOException e) {
            throw new AceException(ErrorCode.IO_ERROR, "diff_file " + path + " cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * A pair names two nodes of the summary, in the summary's order, as table-diff names them: a
     * pair named otherwise could list the rows of a pair named right a second time, or go unread.
     */
    private void checkPair(String pair, String first, String second) {
        for (String node : List.of(first, second)) {
            expect(summary.nodes().contains(node), "diffs." + pair + " names node " + node
                    + ", which the summary does not list");
        }
        expect(!first.equals(second), "diffs has pair " + pair + ", which does not name two different nodes");
        expect(summary.nodes().indexOf(first) < summary.nodes().indexOf(second), "diffs has pair " + pair
                + ", but a pair names its nodes in the order the summary lists them: " + second + "/" + first);
    }

    /** All rows of one pair and node, in key order: for small diffs and tests (memory grows with the list). */
    public List<DiffRow> rows(String pair, String node) {
        List<DiffRow> rows = new ArrayList<>();
        forEachRow((p, n, row) -> {
            if (p.equals(pair) && n.equals(node)) {
                rows.add(row);
            }
        });
        return rows;
    }

    /** Reads one row; {@code seen} is scratch space of one flag per column (whether it had a value). */
    private <R> R readRow(JsonParser parser, Map<String, Integer> positions, boolean[] seen, String pair, String node,
                          RowReader<R> reader) throws IOException {
        java.util.Arrays.fill(seen, false);
        String unknown = null;
        reader.begin();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String column = parser.currentName();
            JsonToken token = parser.nextToken();
            Integer position = positions.get(column);
            if (position == null) {
                unknown = unknown == null ? column : unknown;
            } else if (seen[position]) {
                throw new Malformed("a row of diffs." + pair + "." + node + " has column " + column + " more than once");
            } else {
                seen[position] = true;
            }
            switch (token) {
                case VALUE_NULL -> {
                    if (position != null) {
                        reader.nullValue(position);
                    }
                }
                case VALUE_TRUE, VALUE_FALSE -> {
                    if (position != null) {
                        reader.value(position, token == JsonToken.VALUE_TRUE ? TRUE : FALSE, 0, 1);
                    }
                }
                case VALUE_STRING, VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                    if (position != null) {
                        reader.value(position, parser.getTextCharacters(), parser.getTextOffset(),
                                parser.getTextLength());
                    }
                }
                default -> throw new Malformed("a row of diffs." + pair + "." + node + " has a value of column "
                        + column + " that is neither text, number, boolean nor null");
            }
        }
        for (int i = 0; i < seen.length; i++) {
            if (!seen[i]) {
                throw new Malformed("a row of diffs." + pair + "." + node + " lacks column "
                        + summary.columns().get(i).name());
            }
        }
        if (unknown != null) {
            throw new Malformed("a row of diffs." + pair + "." + node + " has column " + unknown
                    + ", which the table does not");
        }
        return reader.end();
    }

    private static final char[] TRUE = {'t'};
    private static final char[] FALSE = {'f'};

    /** Makes each row an array of its values as strings. */
    private final class StringsReader implements RowReader<String[]> {
        private String[] values;

        @Override
        public void begin() {
            values = new String[summary.columns().size()];
        }

        @Override
        public void value(int position, char[] text, int offset, int length) {
            values[position] = new String(text, offset, length);
        }

        @Override
        public void nullValue(int position) {
            values[position] = null;
        }

        @Override
        public String[] end() {
            return values;
        }
    }

    private static DiffSummary parseSummary(Path path, JsonNode node) {
        String format = node.path("format").asText("");
        if (!format.equals(DiffSummary.FORMAT)) {
            throw invalid(path, format.isEmpty()
                    ? "it was not written by this ACE (its summary has no format and no column types, so its values "
                    + "cannot be trusted to round-trip); run table-diff again to get a file repair can use"
                    : "its format is " + format + " but this ACE reads " + DiffSummary.FORMAT);
        }
        List<String> problems = new ArrayList<>();
        List<Column> columns = new ArrayList<>();
        for (JsonNode column : node.path("columns")) {
            columns.add(new Column(column.path("name").asText(), column.path("type").asText(),
                    column.path("category").asText("U"), false));
        }
        if (columns.isEmpty()) {
            problems.add("summary.columns is missing");
        }
        List<String> key = strings(node.path("primary_key"));
        if (key.isEmpty()) {
            problems.add("summary.primary_key is missing");
        }
        List<String> nodes = strings(node.path("nodes"));
        if (nodes.size() < 2) {
            problems.add("summary.nodes must list at least two nodes");
        }
        for (String field : new String[] {"schema_name", "table_name", "cluster_name"}) {
            if (node.path(field).asText("").isEmpty()) {
                problems.add("summary." + field + " is missing");
            }
        }
        for (String k : key) {
            if (columns.stream().noneMatch(c -> c.name().equals(k))) {
                problems.add("summary.primary_key names " + k + ", which summary.columns lacks");
            }
        }
        // a rerun applies the filter again, and rows found under one that escaped its parentheses
        // cannot be trusted for a repair or a report either
        String filter = node.path("table_filter").isNull() ? null : node.path("table_filter").asText(null);
        String filterProblem = filter == null ? null : TableFilter.problem(filter);
        if (filterProblem != null) {
            problems.add("summary." + filterProblem);
        }
        Instant started = time(node, "start_time", problems);
        Instant finished = time(node, "end_time", problems);
        if (!problems.isEmpty()) {
            throw invalid(path, String.join("; ", problems));
        }
        return new DiffSummary(format, node.path("task_id").asText(""), node.path("cluster_name").asText(),
                node.path("dbname").asText(""), new TableName(node.path("schema_name").asText(),
                node.path("table_name").asText()), nodes, columns, key, node.path("block_rows").asInt(),
                node.path("max_cpu_ratio").asDouble(), node.path("batch_size").asInt(),
                filter, started, finished,
                node.path("time_taken").asDouble(), longs(node.path("rows_checked")), longs(node.path("diff_count")),
                node.path("ranges_planned").asInt(), node.path("ranges_mismatched").asInt(),
                node.path("truncated").asBoolean());
    }

    /** A time of the summary (ISO-8601, as ACE writes it); null when the file has none. */
    private static Instant time(JsonNode summary, String field, List<String> problems) {
        JsonNode value = summary.path(field);
        if (value.isMissingNode() || value.isNull()) {
            return null;
        }
        try {
            return Instant.parse(value.asText());
        } catch (DateTimeParseException e) {
            problems.add("summary." + field + " must be a time such as 2024-03-15T12:34:56.789Z, was " + value);
            return null;
        }
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asText()));
        return values;
    }

    private static Map<String, Long> longs(JsonNode object) {
        Map<String, Long> values = new LinkedHashMap<>();
        object.fields().forEachRemaining(entry -> values.put(entry.getKey(), entry.getValue().asLong()));
        return values;
    }

    private static void expect(boolean condition, String problem) {
        if (!condition) {
            throw new Malformed(problem);
        }
    }

    private static InvalidRequestException invalid(Path path, String why) {
        return new InvalidRequestException("diff_file " + path + " is not a usable ACE diff file: " + why);
    }

    /** A structural problem found while streaming. */
    private static final class Malformed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Malformed(String message) {
            super(message, null, false, false);
        }
    }

    /** How a column's values are written as JSON in a diff file. */
    public enum JsonKind {
        /** JSON number written from the exact text (integers). */
        INTEGER,
        /** JSON number from the exact text when finite, a string for NaN and infinities (numeric, floats). */
        DECIMAL,
        /** true / false. */
        BOOLEAN,
        /** The PostgreSQL text output as a JSON string. */
        TEXT
    }

    /** How values of {@code column} are written as JSON in a diff file. */
    public static JsonKind jsonKind(Column column) {
        switch (column.type()) {
            case "smallint":
            case "integer":
            case "bigint":
            case "oid":
                return JsonKind.INTEGER;
            case "real":
            case "double precision":
                return JsonKind.DECIMAL;
            case "boolean":
                return JsonKind.BOOLEAN;
            default:
                return column.type().startsWith("numeric") ? JsonKind.DECIMAL : JsonKind.TEXT;
        }
    }

    /** Whether the value {@code text} of {@code column} is written as a JSON number (exactly as printed). */
    public static boolean writesAsNumber(Column column, String text) {
        JsonKind kind = jsonKind(column);
        return kind == JsonKind.INTEGER || (kind == JsonKind.DECIMAL
                && !(text.equals("NaN") || text.equals("Infinity") || text.equals("-Infinity")));
    }
}
