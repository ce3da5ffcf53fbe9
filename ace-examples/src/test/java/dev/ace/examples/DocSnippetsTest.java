package dev.ace.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The Java code of the docs is this module's code, so it compiles and runs: a page marks a block
 * with {@code <!-- snippet: Class#name -->}, and the block must be the lines between
 * {@code // snippet:name} and {@code // end:name} of {@code src/main/java/dev/ace/examples/Class.java}
 * (less their common indentation). This test fails when they differ, and rewrites the pages' blocks
 * when run with {@code -Dace.docs.write=true}.
 */
class DocSnippetsTest {

    private static final Path SOURCES = Path.of("src/main/java/dev/ace/examples");
    private static final Pattern MARKER = Pattern.compile("<!-- snippet: (\\w+)#([\\w-]+) -->\\n```java\\n(.*?)```",
            Pattern.DOTALL);

    @Test
    void everySnippetOfTheDocsIsTheCodeOfItsExample() throws IOException {
        List<Path> pages = new ArrayList<>();
        try (Stream<Path> docs = Files.list(Path.of("..", "docs"))) {
            docs.filter(page -> page.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        pages.add(Path.of("..", "README.md"));
        int snippets = 0;
        for (Path page : pages) {
            String text = Files.readString(page);
            Matcher matcher = MARKER.matcher(text);
            StringBuilder rewritten = new StringBuilder();
            while (matcher.find()) {
                snippets++;
                String code = snippet(matcher.group(1), matcher.group(2));
                if (Boolean.getBoolean("ace.docs.write")) {
                    matcher.appendReplacement(rewritten, Matcher.quoteReplacement("<!-- snippet: " + matcher.group(1)
                            + "#" + matcher.group(2) + " -->\n```java\n" + code + "```"));
                } else {
                    assertThat(matcher.group(3)).as(page + ": snippet " + matcher.group(1) + "#" + matcher.group(2)
                            + " (run with -Dace.docs.write=true to rewrite)").isEqualTo(code);
                }
            }
            if (Boolean.getBoolean("ace.docs.write")) {
                matcher.appendTail(rewritten);
                Files.writeString(page, rewritten.toString());
            }
        }
        assertThat(snippets).as("snippets in the docs").isGreaterThanOrEqualTo(8);
    }

    /** The lines between {@code // snippet:name} and {@code // end:name}, without their common indentation. */
    static String snippet(String className, String name) throws IOException {
        List<String> lines = Files.readAllLines(SOURCES.resolve(className + ".java"));
        int start = -1;
        int end = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).strip().equals("// snippet:" + name)) {
                start = i + 1;
            } else if (lines.get(i).strip().equals("// end:" + name)) {
                end = i;
            }
        }
        assertThat(start).as("// snippet:" + name + " in " + className).isPositive();
        assertThat(end).as("// end:" + name + " in " + className).isGreaterThan(start);
        List<String> body = lines.subList(start, end);
        int indent = body.stream().filter(line -> !line.isBlank())
                .mapToInt(line -> line.length() - line.stripLeading().length()).min().orElse(0);
        StringBuilder code = new StringBuilder();
        body.forEach(line -> code.append(line.isBlank() ? "" : line.substring(indent)).append('\n'));
        return code.toString();
    }
}
