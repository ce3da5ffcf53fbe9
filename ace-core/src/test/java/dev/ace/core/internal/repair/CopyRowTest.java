package dev.ace.core.internal.repair;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class CopyRowTest {

    /** Values that COPY's text format must escape or that are easily confused. */
    private static final List<String> AWKWARD = Arrays.asList(null, "", "\\N", "NULL", "a\tb", "line\nbreak",
            "cr\rlf", "back\\slash", "\\.", "é 中 𝄞", "\t\n\r\\", " ", "1.0");

    @Test
    void keepsEveryValueExactlyAndWritesItAsCopyText() {
        CopyRow row = CopyRow.of(AWKWARD);
        assertThat(row).hasSize(AWKWARD.size()).containsExactlyElementsOf(AWKWARD);
        assertThat(row).isEqualTo(AWKWARD);
        assertThat(new ArrayList<>(AWKWARD)).isEqualTo(row);
        assertThat(row.hashCode()).isEqualTo(AWKWARD.hashCode());
        CopyRow.Line line = new CopyRow.Line(4);
        CopyRow.writeFields(row, line);
        assertThat(new String(line.bytes, 0, line.length, StandardCharsets.UTF_8)).isEqualTo(
                "\t\\N\t\t\\\\N\tNULL\ta\\tb\tline\\nbreak\tcr\\rlf\tback\\\\slash\t\\\\.\té 中 𝄞\t\\t\\n\\r\\\\\t \t1.0");
        assertThat(CopyRow.of(row)).isSameAs(row);
    }

    @Test
    void equalityIsExactAndIndexesAreChecked() {
        assertThat(CopyRow.of(Arrays.asList("1", null))).isNotEqualTo(CopyRow.of(Arrays.asList("1", "")))
                .isNotEqualTo(CopyRow.of(Arrays.asList("1", "\\N"))).isNotEqualTo(Arrays.asList("1"))
                .isEqualTo(CopyRow.of(Arrays.asList("1", null)));
        assertThat(CopyRow.of(List.of("1.0"))).isNotEqualTo(CopyRow.of(List.of("1.00")));
        assertThatThrownBy(() -> CopyRow.of(List.of("a")).get(1)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void theReaderMakesTheSameRowFromCharactersInAnyFieldOrderAndGivesItsKey() {
        CopyRowReader reader = new CopyRowReader(3, new int[] {2, 0});
        char[] buffer = "xx\t\\é中𝄞 yy".toCharArray();
        reader.begin();
        reader.value(2, buffer, 2, buffer.length - 4);
        reader.value(1, "a\ud800b".toCharArray(), 0, 3); // an unpaired surrogate becomes ?, as in String.getBytes
        reader.value(0, "42".toCharArray(), 0, 2);
        CopyRow row = reader.end();
        String third = "\t\\é中𝄞 ";
        assertThat(row).containsExactly("42", "a?b", third);
        assertThat(row).isEqualTo(CopyRow.of(Arrays.asList("42", "a\ud800b", third)));
        assertThat(reader.key()).containsExactly(third, "42");
        reader.begin();
        reader.value(0, "7".toCharArray(), 0, 1);
        reader.nullValue(1);
        reader.value(2, new char[0], 0, 0);
        assertThat(reader.end()).containsExactly("7", null, "");
        assertThat(reader.key()).containsExactly("", "7");
    }
}
