package dev.ace.report;

import dev.ace.core.catalog.Column;
import dev.ace.core.diff.DiffFile;
import dev.ace.core.error.InvalidRequestException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KeyGroupsTest {

    @TempDir
    Path dir;

    private static final List<String> NODES = List.of("n1", "n2");

    private static List<KeyGroups.Group> groups(KeyGroups sorter, DiffFile file) throws IOException {
        List<KeyGroups.Group> groups = new ArrayList<>();
        sorter.forEach(file, groups::add);
        return groups;
    }

    private static String describe(KeyGroups.Group group) {
        return group.pair() + " " + group.key() + (group.changed() ? " both" : group.left() != null ? " left" : " right");
    }

    private List<String> temporaryFiles() throws IOException {
        try (Stream<Path> files = Files.walk(dir.resolve("tmp"))) {
            return files.filter(path -> !path.equals(dir.resolve("tmp"))).map(Path::toString).toList();
        }
    }

    @Test
    void numericKeysAreOrderedByValueAndMatchedByExactText() throws IOException {
        Path path = dir.resolve("numeric.json");
        try (SyntheticDiff diff = new SyntheticDiff(path, List.of(new Column("k", "numeric", "N", true),
                new Column("v", "text", "S", false)), List.of("k"), NODES, Map.of(), Map.of("n1/n2", 8L))) {
            diff.pair("n1/n2").node("n1");
            for (String key : List.of("10", "2", "1.5", "1.50", "-Infinity", "NaN", "Infinity")) {
                diff.row(key, "left " + key);
            }
            diff.node("n2");
            for (String key : List.of("2", "1.50", "10.0", "NaN")) {
                diff.row(key, "right " + key);
            }
        }
        assertThat(groups(KeyGroups.standard(), DiffFile.open(path))).map(KeyGroupsTest::describe).containsExactly(
                "n1/n2 [-Infinity] left", "n1/n2 [1.5] left", "n1/n2 [1.50] both", "n1/n2 [2] both",
                "n1/n2 [10] left", "n1/n2 [10.0] right", "n1/n2 [Infinity] left", "n1/n2 [NaN] both");
    }

    @Test
    void compositeTextKeysWithAnyCharacterAreMatchedExactlyPairByPair() throws IOException {
        Path path = dir.resolve("text.json");
        List<Column> columns = List.of(new Column("region", "text", "S", true), new Column("id", "integer", "N", true),
                new Column("v", "text", "S", false));
        try (SyntheticDiff diff = new SyntheticDiff(path, columns, List.of("region", "id"), List.of("n1", "n2", "n3"),
                Map.of(), Map.of("n1/n2", 4L, "n2/n3", 1L))) {
            diff.pair("n1/n2").node("n1").row("a\nb", "10", "x").row("a\nb", "2", "x").row("a,\"b\"", "1", "x")
                    .row("ü ✓ 日本", "1", "x");
            diff.node("n2").row("a\nb", "2", "y").row("ü ✓ 日本", "1", "y").row("a", "1", null);
            diff.pair("n2/n3").node("n2").row("a", "1", null);
            diff.node("n3").row("a", "1", "");
        }
        List<KeyGroups.Group> groups = groups(KeyGroups.standard(), DiffFile.open(path));
        assertThat(groups).map(KeyGroupsTest::describe).containsExactly("n1/n2 [a, 1] right",
                "n1/n2 [a\nb, 2] both", "n1/n2 [a\nb, 10] left", "n1/n2 [a,\"b\", 1] left", "n1/n2 [ü ✓ 日本, 1] both",
                "n2/n3 [a, 1] both");
        assertThat(groups.get(1).left()).containsExactly("a\nb", "2", "x");
        assertThat(groups.get(1).right()).containsExactly("a\nb", "2", "y");
        assertThat(groups.get(5).left()).containsExactly("a", "1", null);
        assertThat(groups.get(5).right()).containsExactly("a", "1", "");
    }

    /** 1,000 keys in random order per node, sorted in memory and in one-row runs merged in several passes. */
    @Test
    void runsOnDiskGiveTheSameGroupsAsMemoryAndAreDeletedAfterwards() throws IOException {
        Path path = dir.resolve("shuffled.json");
        List<Integer> keys = new ArrayList<>();
        for (int i = 1; i <= 1000; i++) {
            keys.add(i);
        }
        Random random = new Random(42);
        try (SyntheticDiff diff = new SyntheticDiff(path, List.of(new Column("id", "bigint", "N", true),
                new Column("v", "text", "S", false)), List.of("id"), NODES, Map.of(), Map.of("n1/n2", 1000L))) {
            diff.pair("n1/n2").node("n1");
            Collections.shuffle(keys, random);
            for (int key : keys) {
                if (key % 3 != 0) {
                    diff.row(String.valueOf(key), "v" + key);
                }
            }
            diff.node("n2");
            Collections.shuffle(keys, random);
            for (int key : keys) {
                if (key % 5 != 0) {
                    diff.row(String.valueOf(key), "w\n" + key);
                }
            }
        }
        DiffFile file = DiffFile.open(path);
        Files.createDirectories(dir.resolve("tmp"));
        List<KeyGroups.Group> inMemory = groups(KeyGroups.standard(), file);
        List<KeyGroups.Group> onDisk = groups(new KeyGroups(1, dir.resolve("tmp")), file);
        assertThat(inMemory).hasSize(1000 - 1000 / 15);
        assertThat(inMemory).map(group -> group.key().get(0)).isEqualTo(keys.stream().sorted()
                .filter(key -> key % 15 != 0).map(String::valueOf).toList());
        assertThat(inMemory.get(0).left()).isEqualTo(Arrays.asList("1", "v1"));
        assertThat(inMemory.get(0).right()).isEqualTo(Arrays.asList("1", "w\n1"));
        assertThat(onDisk).isEqualTo(inMemory);
        assertThat(temporaryFiles()).isEmpty();
    }

    @Test
    void aFailureWhileRenderingStillDeletesTheRuns() throws IOException {
        Path path = dir.resolve("fail.json");
        try (SyntheticDiff diff = new SyntheticDiff(path, List.of(new Column("id", "integer", "N", true)),
                List.of("id"), NODES, Map.of(), Map.of("n1/n2", 100L))) {
            diff.pair("n1/n2").node("n1");
            for (int i = 1; i <= 100; i++) {
                diff.row(String.valueOf(i));
            }
        }
        Files.createDirectories(dir.resolve("tmp"));
        KeyGroups tiny = new KeyGroups(1, dir.resolve("tmp"));
        int[] seen = {0};
        assertThatThrownBy(() -> tiny.forEach(DiffFile.open(path), group -> {
            if (++seen[0] == 10) {
                throw new IOException("disk full");
            }
        })).isInstanceOf(IOException.class).hasMessage("disk full");
        assertThat(temporaryFiles()).isEmpty();
    }

    @Test
    void aKeyListedTwiceForOneNodeIsAClearError() throws IOException {
        Path path = dir.resolve("twice.json");
        try (SyntheticDiff diff = new SyntheticDiff(path, List.of(new Column("id", "integer", "N", true),
                new Column("v", "text", "S", false)), List.of("id"), NODES, Map.of(), Map.of("n1/n2", 1L))) {
            diff.pair("n1/n2").node("n1").row("7", "a").row("7", "b");
        }
        assertThatThrownBy(() -> groups(KeyGroups.standard(), DiffFile.open(path)))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("diff_file " + path + " is not a usable ACE diff file: diffs.n1/n2.n1 lists the key [7] "
                        + "more than once");
    }

    @Test
    void rowsOfANodeOutsideTheirPairAreAClearError() throws IOException {
        Path path = dir.resolve("stray.json");
        try (SyntheticDiff diff = new SyntheticDiff(path, List.of(new Column("id", "integer", "N", true)),
                List.of("id"), List.of("n1", "n2", "n3"), Map.of(), Map.of("n1/n2", 1L))) {
            diff.pair("n1/n2").node("n3").row("7");
        }
        assertThatThrownBy(() -> groups(KeyGroups.standard(), DiffFile.open(path)))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("diff_file " + path + " is not a usable ACE diff file: diffs.n1/n2 lists rows of node n3, "
                        + "which is not in that pair");
    }
}
