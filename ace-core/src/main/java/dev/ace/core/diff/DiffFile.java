package dev.ace.core.diff;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ace.core.AceException;
import dev.ace.core.ErrorCode;
import dev.ace.core.InvalidRequestException;
import dev.ace.core.catalog.Column;
import dev.ace.core.catalog.TableName;
import dev.ace.core.internal.diff.ColumnRules;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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
 * an {@link InvalidRequestException} naming the file and the problem. Thread-safe (immutable;
 * each read opens the file anew).
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

    /** Reads and checks the summary of the diff file at {@code path}. */
    public static DiffFile open(Path path) {
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

    /** Streams every row, pair by pair and node by node, each list in key order. */
    public void forEachRow(RowVisitor visitor) {
        Map<String, Integer> positions = new HashMap<>();
        for (Column column : summary.columns()) {
            positions.put(column.name(), positions.size());
        }
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
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String pair = parser.currentName();
                    expect(pair.contains("/"), "diffs has a key '" + pair + "' that is not a node pair such as n1/n2");
                    expect(parser.nextToken() == JsonToken.START_OBJECT, "diffs." + pair + " must be an object");
                    while (parser.nextToken() == JsonToken.FIELD_NAME) {
                        String node = parser.currentName();
                        expect(summary.nodes().contains(node), "diffs." + pair + " names node " + node
                                + ", which the summary does not list");
                        expect(parser.nextToken() == JsonToken.START_ARRAY, "diffs." + pair + "." + node
                                + " must be a list of rows");
                        while (parser.nextToken() == JsonToken.START_OBJECT) {
                            visitor.visit(pair, node, readRow(parser, positions, pair, node));
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

    private DiffRow readRow(JsonParser parser, Map<String, Integer> positions, String pair, String node)
            throws IOException {
        String[] ordered = new String[positions.size()];
        boolean[] seen = new boolean[positions.size()];
        String unknown = null;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String column = parser.currentName();
            JsonToken token = parser.nextToken();
            String text;
            switch (token) {
                case VALUE_NULL:
                    text = null;
                    break;
                case VALUE_TRUE:
                    text = "t";
                    break;
                case VALUE_FALSE:
                    text = "f";
                    break;
                case VALUE_STRING:
                case VALUE_NUMBER_INT:
                case VALUE_NUMBER_FLOAT:
                    text = parser.getText();
                    break;
                default:
                    throw new Malformed("a row of diffs." + pair + "." + node + " has a value of column " + column
                            + " that is neither text, number, boolean nor null");
            }
            Integer position = positions.get(column);
            if (position == null) {
                unknown = unknown == null ? column : unknown;
            } else {
                ordered[position] = text;
                seen[position] = true;
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
        return DiffRow.wrapping(summary, ordered);
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
        if (!problems.isEmpty()) {
            throw invalid(path, String.join("; ", problems));
        }
        return new DiffSummary(format, node.path("task_id").asText(""), node.path("cluster_name").asText(),
                node.path("dbname").asText(""), new TableName(node.path("schema_name").asText(),
                node.path("table_name").asText()), nodes, columns, key, node.path("block_rows").asInt(),
                node.path("max_cpu_ratio").asDouble(), node.path("batch_size").asInt(),
                node.path("table_filter").isNull() ? null : node.path("table_filter").asText(null),
                node.path("start_time").asText(""), node.path("end_time").asText(""),
                node.path("time_taken").asDouble(), longs(node.path("rows_checked")), longs(node.path("diff_count")),
                node.path("ranges_planned").asInt(), node.path("ranges_mismatched").asInt(),
                node.path("truncated").asBoolean());
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

    /** Internal: the JSON value kind ACE writes for a column (used by the writer and renderers). */
    public static boolean writesAsNumber(Column column, String text) {
        ColumnRules.JsonKind kind = ColumnRules.jsonKind(column);
        return kind == ColumnRules.JsonKind.INTEGER || (kind == ColumnRules.JsonKind.DECIMAL
                && !(text.equals("NaN") || text.equals("Infinity") || text.equals("-Infinity")));
    }
}
