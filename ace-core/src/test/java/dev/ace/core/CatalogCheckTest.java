package dev.ace.core;

import dev.ace.core.catalog.Column;
import dev.ace.core.catalog.TableName;
import dev.ace.core.catalog.TableSchema;
import dev.ace.core.error.AceException;
import dev.ace.core.error.ErrorCode;
import dev.ace.core.error.InvalidRequestException;
import dev.ace.core.error.MissingPrimaryKeyException;
import dev.ace.core.error.SchemaMismatchException;
import dev.ace.core.error.TableNotFoundException;
import dev.ace.testkit.TestDatabase;
import dev.ace.testkit.WithPgCluster;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@WithPgCluster(nodes = 3)
class CatalogCheckTest {

    @TempDir
    Path dir;

    private Ace ace(TestDatabase db) {
        db.writeClusterJson(dir);
        return Ace.create(AceConfig.builder().clusterDirectory(dir).build());
    }

    private String describe(TestDatabase db, String node) {
        return node + " (127.0.0.1:" + db.node(node).port() + ", database " + db.name() + ")";
    }

    @Test
    void agreesOnQuotedMixedCaseNamesAndCompositeKeysInKeyOrder(TestDatabase db) {
        db.executeOnAll("CREATE SCHEMA \"Sales.EU\"",
                "CREATE TYPE public.mood AS ENUM ('sad', 'happy')",
                "CREATE TABLE \"Sales.EU\".\"Order Items\" (\"Region\" text, note varchar(20), m public.mood, "
                        + "id bigint, amount numeric(10,2), PRIMARY KEY (id, \"Region\"))");
        try (Ace ace = ace(db)) {
            TableSchema schema = ace.catalog().checkTable("acetest", "\"Sales.EU\".\"Order Items\"", null, "all",
                    CallerRole.SERVICE);
            assertThat(schema.table()).isEqualTo(new TableName("Sales.EU", "Order Items"));
            assertThat(schema.columns()).extracting(Column::toString).containsExactly("Region text",
                    "note character varying(20)", "m mood", "id bigint", "amount numeric(10,2)");
            assertThat(schema.primaryKey()).containsExactly("id", "Region");
            assertThat(schema.keyColumns()).extracting(Column::category).containsExactly("N", "S");
        }
    }

    @Test
    void unquotedNamesAreMatchedAsWrittenWithAHintWhenOnlyTheCaseDiffers(TestDatabase db) {
        db.executeOnAll("CREATE TABLE public.\"Users\" (id int PRIMARY KEY)");
        try (Ace ace = ace(db)) {
            assertThat(ace.catalog().checkTable("acetest", "public.Users", null, "n1,n2", CallerRole.SERVICE).primaryKey())
                    .containsExactly("id");
            assertThatThrownBy(() -> ace.catalog().checkTable("acetest", "public.users", null, "all", CallerRole.SERVICE))
                    .isInstanceOf(TableNotFoundException.class)
                    .hasMessage("table public.users does not exist on node " + describe(db, "n1")
                            + "; names are matched exactly as written, did you mean public.Users?");
        }
    }

    @Test
    void aTableMissingOnOneNodeNamesThatNode(TestDatabase db) {
        db.execute("n1", "CREATE TABLE t (id int PRIMARY KEY)");
        db.execute("n2", "CREATE TABLE t (id int PRIMARY KEY)");
        try (Ace ace = ace(db)) {
            assertThatThrownBy(() -> ace.catalog().checkTable("acetest", "public.t", null, "all", CallerRole.SERVICE))
                    .isInstanceOf(TableNotFoundException.class)
                    .hasMessage("table public.t does not exist on node " + describe(db, "n3"))
                    .satisfies(e -> assertThat(((AceException) e).code()).isEqualTo(ErrorCode.TABLE_NOT_FOUND));
            assertThat(ace.catalog().checkTable("acetest", "public.t", null, "n1,n2", CallerRole.SERVICE).columns())
                    .hasSize(1);
        }
    }

    @Test
    void aTableWithoutPrimaryKeyIsRefused(TestDatabase db) {
        db.executeOnAll("CREATE TABLE t (id int PRIMARY KEY)");
        db.execute("n2", "ALTER TABLE t DROP CONSTRAINT t_pkey");
        try (Ace ace = ace(db)) {
            assertThatThrownBy(() -> ace.catalog().checkTable("acetest", "public.t", null, "all", CallerRole.SERVICE))
                    .isInstanceOf(MissingPrimaryKeyException.class)
                    .hasMessage("table public.t has no primary key on node " + describe(db, "n2")
                            + "; ACE matches rows by primary key, so add the same primary key on every node");
        }
    }

    @Test
    void everyColumnTypeOrderAndKeyDifferenceIsListed(TestDatabase db) {
        db.execute("n1", "CREATE TABLE t (id int, region text, v text, extra int, PRIMARY KEY (id, region))");
        db.execute("n2", "CREATE TABLE t (id int, region text, v varchar(10), other int, PRIMARY KEY (id))");
        db.execute("n3", "CREATE TABLE t (region text, id int, v text, extra int, PRIMARY KEY (id, region))");
        try (Ace ace = ace(db)) {
            assertThatThrownBy(() -> ace.catalog().checkTable("acetest", "public.t", null, "all", CallerRole.SERVICE))
                    .isInstanceOf(SchemaMismatchException.class)
                    .hasMessage("the definition of table public.t on the nodes has 5 problems:\n"
                            + "- column v is text on n1 but character varying(10) on n2\n"
                            + "- column extra exists on n1 but not on n2\n"
                            + "- column other exists on n2 but not on n1\n"
                            + "- primary key is (id, region) on n1 but (id) on n2\n"
                            + "- columns are in a different order: (id, region, v, extra) on n1 but "
                            + "(region, id, v, extra) on n3");
        }
    }

    @Test
    void viewsAreNotTables(TestDatabase db) {
        db.executeOnAll("CREATE VIEW v AS SELECT 1 AS id");
        try (Ace ace = ace(db)) {
            assertThatThrownBy(() -> ace.catalog().checkTable("acetest", "public.v", null, "all", CallerRole.SERVICE))
                    .isInstanceOf(TableNotFoundException.class)
                    .hasMessage("public.v on node " + describe(db, "n1") + " is a view, not a table");
        }
    }

    @Test
    void badRequestsListEveryProblemBeforeTouchingANode(TestDatabase db) {
        try (Ace ace = ace(db)) {
            assertThatThrownBy(() -> ace.catalog().checkTable("", "users", null, "all", null))
                    .isInstanceOf(InvalidRequestException.class)
                    .satisfies(e -> assertThat(((AceException) e).problems()).containsExactly(
                            "cluster_name is required",
                            "table_name must be schema.table (quote parts that hold a dot: \"my.schema\".\"my table\"), "
                                    + "was 'users': the schema is missing",
                            "the caller's role is required (CallerRole.SERVICE to act as ACE's own user)"));
            assertThatThrownBy(() -> ace.catalog().checkTable("acetest", "public.t", null, "n1,n5", CallerRole.SERVICE))
                    .isInstanceOf(InvalidRequestException.class)
                    .hasMessage("cluster acetest has no node n5; its nodes are n1, n2, n3");
        }
    }

    @Test
    void theCatalogIsReadAsTheCallersRole(TestDatabase db) {
        db.executeOnAll("CREATE SCHEMA private", "CREATE TABLE private.t (id int PRIMARY KEY)",
                "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'outsider') "
                        + "THEN CREATE ROLE outsider; END IF; END $$",
                "REVOKE ALL ON SCHEMA private FROM PUBLIC");
        try (Ace ace = ace(db)) {
            assertThat(ace.catalog().checkTable("acetest", "private.t", null, "all", CallerRole.of("outsider"))
                    .primaryKey()).containsExactly("id");
        }
    }
}
