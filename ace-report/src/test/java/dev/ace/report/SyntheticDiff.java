package dev.ace.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.ace.core.catalog.Column;
import dev.ace.core.diff.DiffFile;
import dev.ace.core.diff.DiffSummary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Writes a diff file in the format of docs/diff.md without a database, row by row, for tests of
 * sizes and orders a real diff would take long to produce. Not thread-safe.
 */
final class SyntheticDiff implements AutoCloseable {

    private final JsonGenerator json;
    private final List<Column> columns;
    private boolean inPair;
    private boolean inNode;

    /** Starts {@code file}: the summary of table public.t on {@code nodes}, then the diffs. */
    SyntheticDiff(Path file, List<Column> columns, List<String> primaryKey, List<String> nodes,
                  Map<String, Long> rowsChecked, Map<String, Long> diffCount) throws IOException {
        this.columns = columns;
        this.json = new JsonFactory().createGenerator(Files.newOutputStream(file));
        json.writeStartObject();
        json.writeObjectFieldStart("summary");
        json.writeStringField("format", DiffSummary.FORMAT);
        json.writeStringField("task_id", "td_synthetic");
        json.writeStringField("cluster_name", "synthetic");
        json.writeStringField("dbname", "db");
        json.writeStringField("schema_name", "public");
        json.writeStringField("table_name", "t");
        json.writeArrayFieldStart("nodes");
        for (String node : nodes) {
            json.writeString(node);
        }
        json.writeEndArray();
        json.writeArrayFieldStart("columns");
        for (Column column : columns) {
            json.writeStartObject();
            json.writeStringField("name", column.name());
            json.writeStringField("type", column.type());
            json.writeStringField("category", column.category());
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeArrayFieldStart("primary_key");
        for (String key : primaryKey) {
            json.writeString(key);
        }
        json.writeEndArray();
        json.writeNumberField("block_rows", 10000);
        json.writeNumberField("max_cpu_ratio", 0.6);
        json.writeNumberField("batch_size", 1);
        json.writeNullField("table_filter");
        json.writeStringField("start_time", "2026-11-24T01:02:03Z");
        json.writeStringField("end_time", "2026-11-24T01:02:04Z");
        json.writeNumberField("time_taken", 1.0);
        json.writeObjectFieldStart("rows_checked");
        for (Map.Entry<String, Long> entry : rowsChecked.entrySet()) {
            json.writeNumberField(entry.getKey(), entry.getValue());
        }
        json.writeEndObject();
        json.writeObjectFieldStart("diff_count");
        for (Map.Entry<String, Long> entry : diffCount.entrySet()) {
            json.writeNumberField(entry.getKey(), entry.getValue());
        }
        json.writeEndObject();
        json.writeBooleanField("truncated", false);
        json.writeEndObject();
        json.writeObjectFieldStart("diffs");
    }

    /** Starts a node pair such as {@code n1/n2}, closing the previous one. */
    SyntheticDiff pair(String pair) throws IOException {
        closeNode();
        if (inPair) {
            json.writeEndObject();
        }
        json.writeObjectFieldStart(pair);
        inPair = true;
        return this;
    }

    /** Starts the rows that {@code node} holds within the current pair. */
    SyntheticDiff node(String node) throws IOException {
        closeNode();
        json.writeArrayFieldStart(node);
        inNode = true;
        return this;
    }

    private void closeNode() throws IOException {
        if (inNode) {
            json.writeEndArray();
            inNode = false;
        }
    }

    /** One row, values in column order, as PostgreSQL prints them (null for NULL). */
    SyntheticDiff row(String... values) throws IOException {
        json.writeStartObject();
        for (int i = 0; i < columns.size(); i++) {
            json.writeFieldName(columns.get(i).name());
            if (values[i] == null) {
                json.writeNull();
            } else if (DiffFile.writesAsNumber(columns.get(i), values[i])) {
                json.writeNumber(values[i]);
            } else {
                json.writeString(values[i]);
            }
        }
        json.writeEndObject();
        return this;
    }

    @Override
    public void close() throws IOException {
        closeNode();
        if (inPair) {
            json.writeEndObject();
        }
        json.writeEndObject();
        json.writeEndObject();
        json.close();
    }
}
