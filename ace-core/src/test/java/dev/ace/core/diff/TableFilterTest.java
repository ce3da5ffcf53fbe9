package dev.ace.core.diff;

import dev.ace.core.diff.TableFilter;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The lexical check of a {@code table_filter}, which ACE wraps as {@code AND (\n<filter>\n)}: a
 * filter that could end that parenthesis (or the statement) early is refused, with a message
 * quoting it; a filter that stays one expression is let through. TableFilterContainmentTest
 * runs both lists against real nodes.
 */
class TableFilterTest {

    static final String PARENTHESES = "table_filter must be one SQL boolean expression: its parentheses do not "
            + "balance, was '";

    /** Filters that would end ACE's parenthesis or statement early, each with the message it gets. */
    static Stream<Arguments> escapes() {
        return Stream.of(
                Arguments.of("true) OR (true", PARENTHESES + "true) OR (true'"),
                Arguments.of("true)) OR ((true", PARENTHESES + "true)) OR ((true'"),
                Arguments.of(")", PARENTHESES + ")'"),
                Arguments.of("(", PARENTHESES + "('"),
                Arguments.of("(true", PARENTHESES + "(true'"),
                Arguments.of("1=1) --", PARENTHESES + "1=1) --'"),
                Arguments.of("true);DROP TABLE t;--", PARENTHESES + "true);DROP TABLE t;--'"),
                Arguments.of("true -- x\r) OR (true", PARENTHESES + "true -- x\r) OR (true'"),
                Arguments.of("x = 1 /*", "table_filter has an unclosed /* comment, was 'x = 1 /*'"),
                Arguments.of("x = 1 /* /* */", "table_filter has an unclosed /* comment, was 'x = 1 /* /* */'"),
                Arguments.of("x = 1 /* ) */ ) OR (true /* */", PARENTHESES + "x = 1 /* ) */ ) OR (true /* */'"),
                Arguments.of("$$", "table_filter has an unclosed dollar-quoted string, was '$$'"),
                Arguments.of("$a$ ) $a$ OR (", PARENTHESES + "$a$ ) $a$ OR ('"),
                Arguments.of("$a$ ) $A$ OR (true", "table_filter has an unclosed dollar-quoted string, "
                        + "was '$a$ ) $A$ OR (true'"),
                Arguments.of("$$ ) $$) OR ($$ ( $$", PARENTHESES + "$$ ) $$) OR ($$ ( $$'"),
                Arguments.of("'", "table_filter has an unclosed string literal, was '''"),
                Arguments.of("v = ')", "table_filter has an unclosed string literal, was 'v = ')'"),
                Arguments.of("\"", "table_filter has an unclosed quoted identifier, was '\"'"),
                Arguments.of("\"v) OR (true", "table_filter has an unclosed quoted identifier, was '\"v) OR (true'"),
                Arguments.of("E'\\'' ) OR (true", PARENTHESES + "E'\\'' ) OR (true'"),
                Arguments.of("v = E'\\\\' ) OR (true", PARENTHESES + "v = E'\\\\' ) OR (true'"),
                // the continuation of an escape string is an escape string too; a backslash before a
                // quote there is read two ways, so the filter is refused whatever follows
                Arguments.of("v = E'x'\n'\\' ( ') OR (true --' )", "table_filter has a backslash before a quote in "
                        + "a string literal, which PostgreSQL reads two ways (see standard_conforming_strings); write "
                        + "it as an E'...' string after a space, where \\\\ is a backslash and \\' a quote, "
                        + "was 'v = E'x'\n'\\' ( ') OR (true --' )'"),
                Arguments.of("v = 'C:\\' OR v = ') OR (true --'", "table_filter has a backslash before a quote in "
                        + "a string literal, which PostgreSQL reads two ways (see standard_conforming_strings); write "
                        + "it as an E'...' string after a space, where \\\\ is a backslash and \\' a quote, "
                        + "was 'v = 'C:\\' OR v = ') OR (true --''"),
                Arguments.of("v = 'a'E'\\'' ) OR (true --'", "table_filter has a backslash before a quote in "
                        + "a string literal, which PostgreSQL reads two ways (see standard_conforming_strings); write "
                        + "it as an E'...' string after a space, where \\\\ is a backslash and \\' a quote, "
                        + "was 'v = 'a'E'\\'' ) OR (true --''"),
                Arguments.of("1$$ ) $$ OR (true", "table_filter has a dollar quote right after a name or number, "
                        + "which PostgreSQL and the JDBC driver read differently; put a space before it, "
                        + "was '1$$ ) $$ OR (true'"),
                Arguments.of("id > 0 /*/ ) OR (true -- */", "table_filter has a comment that opens with /*/, "
                        + "which the JDBC driver reads differently from PostgreSQL; put a space after /*, "
                        + "was 'id > 0 /*/ ) OR (true -- */'"),
                Arguments.of("{fn ucase(v)} = 'A'", "table_filter must not contain { outside quotes and comments "
                        + "(the JDBC driver reads it as an escape), was '{fn ucase(v)} = 'A''"),
                Arguments.of("id > $1", "table_filter must not refer to a parameter such as $1 (ACE binds its "
                        + "own), was 'id > $1'"),
                Arguments.of("v <> $$x$$$2", "table_filter must not refer to a parameter such as $2 (ACE binds its "
                        + "own), was 'v <> $$x$$$2'"),
                Arguments.of("1=1; DROP TABLE victim",
                        "table_filter must be one SQL boolean expression without ';', was '1=1; DROP TABLE victim'"),
                Arguments.of("true\0) OR (true",
                        "table_filter must not contain a NUL character, was 'true\\0) OR (true'"));
    }

    /** Filters that stay one expression however they are written. */
    static Stream<String> legitimate() {
        return Stream.of(
                "id > 0",
                "((id > 0) AND (id < 100)) OR (v IS NULL AND (id = -1))",
                "v <> ')'",
                "v <> '('",
                "v <> ''')'''",
                "\")\" IS NULL OR v IS NOT NULL",
                "\"a\"\")\" IS NULL OR true",
                "v <> $$)$$",
                "v <> $tag$ ) $$ ( $tag$",
                "v <> $a$)$A$($a$",
                "id > 0 -- )\n AND id < 100",
                "id > 0 -- ) \r AND (id < 100)",
                "id > 0 /* ) */",
                "id > 0 /* /* ) */ ) */ AND (true)",
                "id > 0 /**/ AND true",
                "v <> E'it\\'s'",
                "v <> E'\\' ) OR (true '",
                "v <> E'\\\\' AND v <> e'('",
                "v <> E'a''\\\\)'",
                "v <> 'C:\\\\' AND v <> 'a\\_b'",
                "v <> 'x'\n')'",
                "v <> 'a' || $$b$$ AND id::text <> '1'",
                "col$1 IS NULL OR true",
                "id > 0 -- a comment",
                "'{\"a\":1}'::jsonb ? 'a' AND v <> 'a;b' AND v <> '{'",
                "id IN (SELECT 1 UNION SELECT 2)");
    }

    @ParameterizedTest
    @MethodSource("escapes")
    void aFilterThatCouldEndTheExpressionEarlyIsRefusedQuotingIt(String filter, String message) {
        assertThat(TableFilter.problem(filter)).isEqualTo(message);
    }

    @ParameterizedTest
    @MethodSource("legitimate")
    void aFilterThatStaysOneExpressionIsAccepted(String filter) {
        assertThat(TableFilter.problem(filter)).isNull();
    }

    @Test
    void questionMarksAreDoubledOnlyWhereTheJdbcDriverReadsAPlaceholder() {
        assertThat(TableFilter.forJdbc(
                "j ? 'a' AND j ?| array['?'] AND v <> $$?$$ /* ? */ -- ?\n AND \"?\" <> E'\\'?'"))
                .isEqualTo("j ?? 'a' AND j ??| array['?'] AND v <> $$?$$ /* ? */ -- ?\n AND \"?\" <> E'\\'?'");
        assertThat(TableFilter.forJdbc("a ?? b")).isEqualTo("a ???? b");
        assertThat(TableFilter.forJdbc("v <> $t$?$t$ AND v <> '?' /* /* ? */ ? */ AND j ?& '{a}'"))
                .isEqualTo("v <> $t$?$t$ AND v <> '?' /* /* ? */ ? */ AND j ??& '{a}'");
        assertThat(TableFilter.forJdbc("true) OR (j ? 'a'")).isEqualTo("true) OR (j ? 'a'");
    }
}
