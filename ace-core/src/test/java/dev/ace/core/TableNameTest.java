package dev.ace.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ace.core.catalog.TableName;
import org.junit.jupiter.api.Test;

class TableNameTest {

    @Test
    void parsesPlainQuotedAndMixedCaseNames() {
        assertThat(TableName.parse("public.users")).isEqualTo(new TableName("public", "users"));
        assertThat(TableName.parse("public.Users")).isEqualTo(new TableName("public", "Users"));
        assertThat(TableName.parse("\"my.schema\".\"Order \"\"Items\"\"\"")).isEqualTo(new TableName("my.schema", "Order \"Items\""));
        assertThat(TableName.parse(" s . t ")).isEqualTo(new TableName("s", "t"));
        assertThat(new TableName("my.schema", "t x").quoted()).isEqualTo("\"my.schema\".\"t x\"");
        assertThat(new TableName("my.schema", "Users").toString()).isEqualTo("\"my.schema\".Users");
    }

    @Test
    void rejectsWhatIsNotSchemaDotTableQuotingTheInput() {
        String prefix = "table_name must be schema.table (quote parts that hold a dot: \"my.schema\".\"my table\"), was ";
        assertThatThrownBy(() -> TableName.parse("users")).hasMessage(prefix + "'users': the schema is missing");
        assertThatThrownBy(() -> TableName.parse("a.b.c")).hasMessage(prefix + "'a.b.c': it has more than two parts");
        assertThatThrownBy(() -> TableName.parse("\"a.b")).hasMessage(prefix + "'\"a.b': a quote is not closed");
        assertThatThrownBy(() -> TableName.parse("a.")).hasMessage(prefix + "'a.': a part is empty");
        assertThatThrownBy(() -> TableName.parse("\"a\"x.b")).hasMessage(prefix
                + "'\"a\"x.b': nothing may follow a closing quote but a dot");
        assertThatThrownBy(() -> TableName.parse(" ")).hasMessage("table_name is required, as schema.table");
    }
}
