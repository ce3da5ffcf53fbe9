package dev.ace.core.diff;

import dev.ace.core.error.InvalidRequestException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DiffFileTest {

    @TempDir
    Path dir;

    private static final String SUMMARY = "{\"format\": \"ace-diff/1\", \"cluster_name\": \"c\", \"schema_name\": \"public\", "
            + "\"table_name\": \"t\", \"nodes\": [\"n1\", \"n2\"], \"columns\": [{\"name\": \"id\", \"type\": \"bigint\"}, "
            + "{\"name\": \"v\", \"type\": \"text\"}, {\"name\": \"n\", \"type\": \"numeric\"}], \"primary_key\": [\"id\"]}";

    private Path write(String text) throws Exception {
        return Files.writeString(dir.resolve("d.json"), text);
    }

    @Test
    void readsRowsExactlyInWhicheverOrderTheTopLevelKeysCome() throws Exception {
        Path file = write("{\"diffs\": {\"n1/n2\": {\"n1\": [{\"id\": 9223372036854775807, \"v\": \"\", \"n\": 1.50}], "
                + "\"n2\": [{\"id\": 9223372036854775807, \"v\": null, \"n\": \"NaN\"}]}}, \"summary\": " + SUMMARY + "}");
        DiffFile diff = DiffFile.open(file);
        assertThat(diff.summary().table().toString()).isEqualTo("public.t");
        assertThat(diff.rows("n1/n2", "n1").get(0).values()).containsExactly("9223372036854775807", "", "1.50");
        assertThat(diff.rows("n1/n2", "n2").get(0).values()).containsExactly("9223372036854775807", null, "NaN");
    }

    @Test
    void rejectsWhatIsNotAnAceDiffFileNamingTheProblem() throws Exception {
        String prefix = "diff_file " + dir.resolve("d.json") + " is not a usable ACE diff file: ";
        assertThatThrownBy(() -> DiffFile.open(write("not json")))
                .isInstanceOf(InvalidRequestException.class).hasMessageStartingWith(prefix + "it is not valid JSON");
        assertThatThrownBy(() -> DiffFile.open(write("[1, 2]"))).hasMessage(prefix + "it is not a JSON object");
        assertThatThrownBy(() -> DiffFile.open(write("{\"diffs\": {}}"))).hasMessage(prefix + "it has no summary");
        assertThatThrownBy(() -> DiffFile.open(write("{\"diffs\": {}, \"summary\": {\"table_name\": \"t\"}}")))
                .hasMessageStartingWith(prefix + "it was not written by this ACE");
        assertThatThrownBy(() -> DiffFile.open(write("{\"summary\": {\"format\": \"ace-diff/9\"}}")))
                .hasMessage(prefix + "its format is ace-diff/9 but this ACE reads ace-diff/1");
        assertThatThrownBy(() -> DiffFile.open(write("{\"summary\": {\"format\": \"ace-diff/1\", \"nodes\": [\"n1\"]}}")))
                .hasMessage(prefix + "summary.columns is missing; summary.primary_key is missing; summary.nodes must list "
                        + "at least two nodes; summary.schema_name is missing; summary.table_name is missing; "
                        + "summary.cluster_name is missing");
        DiffFile badRow = DiffFile.open(write("{\"summary\": " + SUMMARY + ", \"diffs\": {\"n1/n2\": {\"n1\": "
                + "[{\"id\": 1, \"v\": \"x\"}]}}}"));
        assertThatThrownBy(() -> badRow.forEachRow((pair, node, row) -> { }))
                .hasMessage(prefix + "a row of diffs.n1/n2.n1 lacks column n");
        DiffFile strangeNode = DiffFile.open(write("{\"summary\": " + SUMMARY + ", \"diffs\": {\"n1/n9\": {\"n9\": []}}}"));
        assertThatThrownBy(() -> strangeNode.forEachRow((pair, node, row) -> { }))
                .hasMessage(prefix + "diffs.n1/n9 names node n9, which the summary does not list");
        assertThatThrownBy(() -> DiffFile.open(dir.resolve("missing.json")))
                .hasMessage("diff_file " + dir.resolve("missing.json") + " does not exist");
    }

    @Test
    void theSummarysTimesAreInstantsAndATimeThatIsNotOneIsAProblemOfTheFile() throws Exception {
        String timed = SUMMARY.substring(0, SUMMARY.length() - 1)
                + ", \"start_time\": \"2026-11-24T01:02:03.456Z\", \"end_time\": \"2026-11-24T01:02:04Z\"}";
        DiffSummary summary = DiffFile.open(write("{\"summary\": " + timed + ", \"diffs\": {}}")).summary();
        assertThat(summary.startedAt()).isEqualTo(java.time.Instant.parse("2026-11-24T01:02:03.456Z"));
        assertThat(summary.finishedAt()).isEqualTo(java.time.Instant.parse("2026-11-24T01:02:04Z"));
        assertThat(DiffFile.open(write("{\"summary\": " + SUMMARY + "}")).summary().startedAt()).isNull();
        assertThatThrownBy(() -> DiffFile.open(write("{\"summary\": " + timed.replace("2026-11-24T01:02:04Z",
                "yesterday") + "}")))
                .hasMessage("diff_file " + dir.resolve("d.json") + " is not a usable ACE diff file: summary.end_time "
                        + "must be a time such as 2024-03-15T12:34:56.789Z, was \"yesterday\"");
    }

    @Test
    void aSummaryWhoseFilterIsNotOneExpressionIsRefusedQuotingTheFilter() throws Exception {
        String prefix = "diff_file " + dir.resolve("d.json") + " is not a usable ACE diff file: ";
        Path escaping = write("{\"summary\": " + SUMMARY.replace("}]", "}], \"table_filter\": \"true) OR (true\"")
                + ", \"diffs\": {}}");
        String message = prefix + "summary.table_filter must be one SQL boolean expression: its parentheses do not "
                + "balance, was 'true) OR (true'";
        assertThatThrownBy(() -> DiffFile.open(escaping)).isInstanceOf(InvalidRequestException.class)
                .hasMessage(message);
        assertThatThrownBy(() -> DiffFile.openSummary(escaping)).isInstanceOf(InvalidRequestException.class)
                .hasMessage(message);
        Path open = write("{\"summary\": " + SUMMARY.replace("}]", "}], \"table_filter\": \"id > 0 /* x\"")
                + ", \"diffs\": {}}");
        assertThatThrownBy(() -> DiffFile.open(open))
                .hasMessage(prefix + "summary.table_filter has an unclosed /* comment, was 'id > 0 /* x'");
        Path fine = write("{\"summary\": " + SUMMARY.replace("}]", "}], \"table_filter\": \"v <> ')' -- (\"")
                + ", \"diffs\": {}}");
        assertThat(DiffFile.open(fine).summary().tableFilter()).isEqualTo("v <> ')' -- (");
    }

    @Test
    void rejectsAFileThatCouldGiveANodesRowsOfAPairTwiceOrWhereNoReaderLooks() throws Exception {
        String prefix = "diff_file " + dir.resolve("d.json") + " is not a usable ACE diff file: ";
        String three = SUMMARY.replace("[\"n1\", \"n2\"]", "[\"n1\", \"n2\", \"n3\"]");
        String row7 = "{\"id\": 7, \"v\": \"a\", \"n\": 1}";
        String row8 = "{\"id\": 8, \"v\": \"b\", \"n\": 2}";
        Map<String, String> malformed = new LinkedHashMap<>();
        malformed.put("{\"n1/n2\": {\"n2\": [" + row7 + "], \"n2\": [" + row8 + "]}}",
                "diffs.n1/n2 lists node n2 more than once");
        malformed.put("{\"n1/n2\": {\"n2\": [" + row7 + "]}, \"n1/n2\": {\"n2\": [" + row8 + "]}}",
                "diffs lists pair n1/n2 more than once");
        malformed.put("{\"n2/n1\": {\"n2\": [" + row7 + "]}}",
                "diffs has pair n2/n1, but a pair names its nodes in the order the summary lists them: n1/n2");
        malformed.put("{\"n1/n1\": {\"n1\": [" + row7 + "]}}",
                "diffs has pair n1/n1, which does not name two different nodes");
        malformed.put("{\"n1/n2\": {\"n3\": [" + row7 + "]}}",
                "diffs.n1/n2 lists rows of node n3, which is not in that pair");
        malformed.put("{\"n1/n2\": {\"n1\": [{\"id\": 7, \"v\": \"a\", \"id\": 8, \"n\": 1}]}}",
                "a row of diffs.n1/n2.n1 has column id more than once");
        for (Map.Entry<String, String> file : malformed.entrySet()) {
            DiffFile diff = DiffFile.openSummary(write("{\"summary\": " + three + ", \"diffs\": " + file.getKey() + "}"));
            List<String> visited = new ArrayList<>();
            assertThatThrownBy(() -> diff.forEachRow((pair, node, row) -> visited.add(pair + " " + node + " "
                    + row.key())))
                    .as(file.getKey()).isInstanceOf(InvalidRequestException.class)
                    .hasMessage(prefix + file.getValue());
            // no second list of one node of a pair reaches the visitor
            assertThat(visited).as(file.getKey()).doesNotHaveDuplicates();
        }
        // the same key in both lists of a pair, and in another pair, is what a diff file holds; a key listed
        // twice in one list is left to the callers, which need memory for it (repair, rerun, the renderers)
        DiffFile fine = DiffFile.open(write("{\"summary\": " + three + ", \"diffs\": {\"n1/n2\": {\"n1\": [" + row7
                + "], \"n2\": [" + row7 + "]}, \"n1/n3\": {\"n1\": [" + row7 + "], \"n3\": []}}}"));
        assertThat(fine.rows("n1/n2", "n2")).hasSize(1);
        assertThat(fine.rows("n1/n3", "n1")).hasSize(1);
    }

    @Test
    void openSummaryLeavesADamagedRowSectionToTheReadingWhichRejectsItWithTheSameMessage() throws Exception {
        String prefix = "diff_file " + dir.resolve("d.json") + " is not a usable ACE diff file: ";
        Path cut = write("{\"summary\": " + SUMMARY + ", \"diffs\": {\"n1/n2\": {\"n1\": [{\"id\": 1, \"v\": \"x\", "
                + "\"n\": 1}, {\"id\": 2, \"v\": \"y");
        assertThatThrownBy(() -> DiffFile.open(cut)).hasMessageStartingWith(prefix + "it is not valid JSON");
        DiffFile lazily = DiffFile.openSummary(cut);
        assertThat(lazily.summary().nodes()).containsExactly("n1", "n2");
        java.util.List<String> seen = new java.util.ArrayList<>();
        assertThatThrownBy(() -> lazily.forEachRow((pair, node, row) -> seen.add(row.values().get(0))))
                .isInstanceOf(InvalidRequestException.class).hasMessageStartingWith(prefix + "it is not valid JSON");
        assertThat(seen).containsExactly("1");
    }

    @Test
    void aRowReaderGetsEveryValueWithItsColumnPositionWhateverTheOrderOfTheFields() throws Exception {
        Path file = write("{\"summary\": " + SUMMARY + ", \"diffs\": {\"n1/n2\": {\"n1\": [{\"n\": -0.0, \"v\": null, "
                + "\"id\": 7}, {\"v\": true, \"id\": 8, \"n\": 1e3}]}}}");
        // the calls in the order they come: field order, not column order
        java.util.List<String> calls = new java.util.ArrayList<>();
        DiffFile.openSummary(file).forEachRow(new DiffFile.RowReader<Integer>() {
            @Override
            public void begin() {
                calls.add("begin");
            }

            @Override
            public void value(int position, char[] text, int offset, int length) {
                calls.add(position + "=" + String.valueOf(text, offset, length));
            }

            @Override
            public void nullValue(int position) {
                calls.add(position + " null");
            }

            @Override
            public Integer end() {
                calls.add("end");
                return calls.size();
            }
        }, (pair, node, row) -> calls.add(pair + " " + node + " after " + row + " calls"));
        assertThat(calls).containsExactly("begin", "2=-0.0", "1 null", "0=7", "end", "n1/n2 n1 after 5 calls",
                "begin", "1=t", "0=8", "2=1e3", "end", "n1/n2 n1 after 11 calls");
    }
}
