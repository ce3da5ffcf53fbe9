package dev.ace.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ace.core.Ace;
import dev.ace.core.AceConfig;
import dev.ace.testkit.ClusterFiles;
import dev.ace.testkit.PgCluster;
import dev.ace.testkit.PgNode;
import dev.ace.testkit.SpockStandIn;
import dev.ace.testkit.TestDatabase;
import dev.ace.testkit.WithPgCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs docs/api.md as a user would: its {@code openssl} steps make the certificates, its
 * {@code ace.yaml} configures the server, and each of its {@code curl} commands, run by curl as a
 * separate process, must answer with the shape the page shows under it (an error with exactly
 * its text). The cluster is the API text's: {@code my_cluster} with nodes {@code primary},
 * {@code node1} and {@code origin1}, database {@code mydb}, table {@code public.users}, and a
 * Spock exception on {@code node1} from {@code origin1}. So every example of the API text runs,
 * from submission to a COMPLETED task whose diff file exists, then a repair and a rerun of that
 * file, then the exception update.
 */
@WithPgCluster(nodes = 3)
class CurlExamplesTest {

    private static final Path DOC = Path.of("../docs/api.md");
    private static final Pattern BLOCK = Pattern.compile("```(\\w*)\\n(.*?)```", Pattern.DOTALL);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path work;

    /** A fenced block of the page: its language and text. */
    private record Block(String language, String text) {
    }

    private static List<Block> blocks() throws Exception {
        List<Block> blocks = new ArrayList<>();
        Matcher matcher = BLOCK.matcher(Files.readString(DOC));
        while (matcher.find()) {
            blocks.add(new Block(matcher.group(1), matcher.group(2)));
        }
        return blocks;
    }

    @Test
    void everyCommandOfTheApiPageRunsAndAnswersAsShown(PgCluster cluster) throws Exception {
        assertThat(new ProcessBuilder("curl", "--version").start().waitFor()).as("curl is installed").isZero();
        List<Block> blocks = blocks();
        for (Block block : blocks) {
            if (block.language().equals("sh") && block.text().startsWith("openssl")) {
                run(List.of("bash", "-euo", "pipefail", "-c", block.text()), 0);
            }
        }
        assertThat(work.resolve("alice.crt")).exists();

        TestDatabase db = cluster.createDatabase("mydb");
        try {
            prepare(db);
            Block yaml = blocks.stream().filter(block -> block.language().equals("yaml")).findFirst().orElseThrow();
            Path config = Files.writeString(work.resolve("ace.yaml"), yaml.text()
                    .replace("/var/ace", work.resolve("out").toString()).replace("port: 5000", "port: 0"));
            AceConfig base = AceConfig.load(config);
            ServerSettings settings = ServerSettings.load(config, base);
            try (Ace ace = Ace.create(settings.applyTo(base)); AceServer server = AceServer.start(ace, settings)) {
                runCurlExamples(blocks, server.port());
            }
            // the repair made the nodes agree, the exception is resolved
            String primary = db.queryValue("n1", "SELECT md5(string_agg(u::text, ',' ORDER BY id)) FROM users u");
            assertThat(db.queryValue("n2", "SELECT md5(string_agg(u::text, ',' ORDER BY id)) FROM users u"))
                    .isEqualTo(primary);
            assertThat(db.queryValue("n3", "SELECT md5(string_agg(u::text, ',' ORDER BY id)) FROM users u"))
                    .isEqualTo(primary);
            assertThat(db.queryValue("n2", "SELECT string_agg(status || ' ' || coalesce(resolution_details::text, '-'), "
                    + "',') FROM spock.exception_status_detail")).isEqualTo("RESOLVED {\"details\": \"Issue fixed\"}");
        } finally {
            db.drop();
        }
    }

    /** The API text's cluster on the test nodes, a role for alice, the table's divergence, a Spock exception. */
    private void prepare(TestDatabase db) {
        List<PgNode> nodes = db.nodes();
        Map<String, PgNode> named = new LinkedHashMap<>();
        named.put("primary", nodes.get(0));
        named.put("node1", nodes.get(1));
        named.put("origin1", nodes.get(2));
        ClusterFiles.writeClusterJson(work.resolve("cluster"), "my_cluster", "mydb", named);
        db.executeOnAll("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'alice') THEN "
                        + "CREATE ROLE alice SUPERUSER; END IF; END $$",
                "CREATE TABLE public.users (id int PRIMARY KEY, name text NOT NULL, email text)",
                "INSERT INTO public.users SELECT i, 'user ' || i, 'u' || i || '@example.com' "
                        + "FROM generate_series(1, 10000) i");
        db.execute("n2", "DELETE FROM public.users WHERE id = 5");
        db.execute("n3", "UPDATE public.users SET email = 'changed@example.com' WHERE id = 7",
                "INSERT INTO public.users VALUES (20000, 'only on origin1', NULL)");
        SpockStandIn.install(db, "n2", List.of("primary", "node1", "origin1"));
        SpockStandIn.exception("origin1", "2024-03-15 12:34:56+00", 123456).table("public", "users").seed(db, "n2");
    }

    private void runCurlExamples(List<Block> blocks, int port) throws Exception {
        Map<String, String> replacements = new LinkedHashMap<>();
        replacements.put("localhost:5000", "localhost:" + port);
        int ran = 0;
        for (int i = 0; i < blocks.size(); i++) {
            Block block = blocks.get(i);
            if (!block.language().equals("sh") || !block.text().startsWith("curl")) {
                continue;
            }
            assertThat(i + 1 < blocks.size() && blocks.get(i + 1).language().equals("json"))
                    .as("the answer shown under: " + block.text()).isTrue();
            JsonNode shown = JSON.readTree(blocks.get(i + 1).text());
            String command = replace(block.text(), replacements);
            JsonNode answer = curl(command);
            ran++;
            if (shown.has("error")) {
                assertThat(answer.path("error").asText()).as(command).isEqualTo(shown.get("error").asText());
                continue;
            }
            assertThat(fields(answer)).as(command + "\nanswered " + answer).isEqualTo(fields(shown));
            if (shown.has("submitted_at")) {
                String id = answer.get("task_id").asText();
                assertThat(id).startsWith(shown.get("task_id").asText().substring(0, 3));
                replacements.put(shown.get("task_id").asText(), id);
                JsonNode done = awaitTask(id, port);
                assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("COMPLETED");
            }
            JsonNode result = shown.path("result");
            if (result.has("diff_file")) {
                assertThat(answer.path("status").asText()).isEqualTo("COMPLETED");
                Path diffFile = Path.of(answer.path("result").path("diff_file").asText());
                assertThat(diffFile).exists();
                replacements.put(result.get("diff_file").asText(), diffFile.toString());
                JsonNode summary = result.path("summary");
                if (summary.has("html_report")) {
                    assertThat(Path.of(answer.path("result").path("summary").path("html_report").asText())).exists();
                }
            }
        }
        assertThat(ran).as("curl commands on the page").isGreaterThanOrEqualTo(17);
    }

    private static List<String> fields(JsonNode json) {
        List<String> names = new ArrayList<>();
        json.fieldNames().forEachRemaining(names::add);
        names.sort(Comparator.naturalOrder());
        return names;
    }

    private static String replace(String text, Map<String, String> replacements) {
        String result = text;
        // longer first: a diff file's name holds its task's id
        List<Map.Entry<String, String>> entries = new ArrayList<>(replacements.entrySet());
        entries.sort(Comparator.comparingInt((Map.Entry<String, String> entry) -> entry.getKey().length()).reversed());
        for (Map.Entry<String, String> entry : entries) {
            result = result.replace(entry.getKey(), entry.getValue());
        }
        return result;
    }

    private JsonNode awaitTask(String id, int port) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        JsonNode status = null;
        while (System.nanoTime() < deadline) {
            status = curl("curl https://localhost:" + port + "/ace/task-status/" + id
                    + " --cacert ca.crt --cert alice.crt --key alice.key");
            if (List.of("COMPLETED", "FAILED", "CANCELLED").contains(status.path("status").asText())) {
                return status;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("task " + id + " did not finish: " + status);
    }

    /** Runs a curl command of the page, split as a shell would, in the directory of the certificates. */
    private JsonNode curl(String command) throws Exception {
        List<String> arguments = new ArrayList<>(words(command));
        arguments.addAll(List.of("--silent", "--show-error", "--max-time", "60"));
        String output = run(arguments, 0);
        return JSON.readTree(output);
    }

    private String run(List<String> command, int expectedExit) throws Exception {
        Process process = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(false).start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String errors = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(String.join(" ", command) + "\n" + errors + output).isEqualTo(expectedExit);
        return output;
    }

    /** The words of a command as a POSIX shell splits them: quotes, backslash escapes, line continuations. */
    static List<String> words(String command) {
        List<String> words = new ArrayList<>();
        StringBuilder word = null;
        for (Iterator<Character> chars = command.chars().mapToObj(c -> (char) c).iterator(); chars.hasNext(); ) {
            char c = chars.next();
            if (c == '\\' && chars.hasNext()) {
                char next = chars.next();
                if (next != '\n') {
                    word = word == null ? new StringBuilder() : word;
                    word.append(next);
                }
            } else if (c == '\'') {
                word = word == null ? new StringBuilder() : word;
                for (char quoted; chars.hasNext() && (quoted = chars.next()) != '\''; ) {
                    word.append(quoted);
                }
            } else if (c == '"') {
                word = word == null ? new StringBuilder() : word;
                while (chars.hasNext()) {
                    char quoted = chars.next();
                    if (quoted == '"') {
                        break;
                    }
                    if (quoted == '\\' && chars.hasNext()) {
                        char escaped = chars.next();
                        if (escaped != '"' && escaped != '\\' && escaped != '$' && escaped != '`') {
                            word.append('\\');
                        }
                        word.append(escaped);
                    } else {
                        word.append(quoted);
                    }
                }
            } else if (Character.isWhitespace(c)) {
                if (word != null) {
                    words.add(word.toString());
                    word = null;
                }
            } else {
                word = word == null ? new StringBuilder() : word;
                word.append(c);
            }
        }
        if (word != null) {
            words.add(word.toString());
        }
        return words;
    }
}
