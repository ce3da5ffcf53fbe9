package dev.ace.core.spock;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ace.core.Ace;
import dev.ace.core.AceConfig;
import dev.ace.core.CallerRole;
import dev.ace.core.error.AceException;
import dev.ace.core.error.ErrorCode;
import dev.ace.core.error.InvalidRequestException;
import dev.ace.core.error.NotFoundException;
import dev.ace.core.error.PermissionDeniedException;
import dev.ace.core.error.SpockNotInstalledException;
import dev.ace.core.error.UnknownNodeException;
import dev.ace.core.option.Operation;
import dev.ace.core.option.Options;
import dev.ace.testkit.SpockStandIn;
import dev.ace.testkit.TestDatabase;
import dev.ace.testkit.WithPgCluster;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@WithPgCluster(nodes = 2)
class ExceptionServiceTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TS_A = "2024-03-15 12:34:56.123456+00";
    private static final String TS_B = "2024-03-16 08:00:00+00";
    /** n2's {@code spock.node.node_id}, from its name, as Spock computes it (Spock's own docs show n2 as 26863). */
    private static final long N2 = 26863;

    @TempDir
    Path dir;

    private Ace ace(TestDatabase db) {
        db.writeClusterJson(dir);
        return Ace.create(AceConfig.builder().clusterDirectory(dir).build());
    }

    /**
     * Logged on n1, from n2: exception A (xid 1001, commands 1 and 2, logged twice: Spock replayed
     * the transaction again) and B (xid 1002, one command). Each of the 5 log rows has its own
     * retry_errored_at; no status table exists yet.
     */
    private static void seed(TestDatabase db) {
        SpockStandIn.install(db, "n1");
        SpockStandIn.exception("n2", TS_A, 1001).table("public", "orders").commands(1, 2).seed(db, "n1");
        SpockStandIn.exception("n2", TS_A, 1001).table("public", "orders").commands(1, 2)
                .retryErroredAtFrom("2026-01-01 00:05:00+00").seed(db, "n1");
        SpockStandIn.exception("n2", TS_B, 1002).table("public", "customers").seed(db, "n1");
    }

    private static String statuses(TestDatabase db) {
        if ("f".equals(db.queryValue("n1", "SELECT to_regclass('spock.exception_status') IS NOT NULL "
                + "OR to_regclass('spock.exception_status_detail') IS NOT NULL"))) {
            return "no status tables";
        }
        return db.queryValue("n1", "SELECT string_agg(remote_xid || ':' || status || ':' || (resolved_at IS NOT NULL) "
                + "|| ':' || coalesce(resolution_details::text, 'null'), ' ' ORDER BY remote_xid, retry_errored_at) "
                + "FROM spock.exception_status") + " | " + db.queryValue("n1", "SELECT string_agg(remote_xid || '.'"
                + " || command_counter || ':' || status || ':' || (resolved_at IS NOT NULL), ' ' ORDER BY remote_xid, "
                + "retry_errored_at, command_counter) FROM spock.exception_status_detail");
    }

    /** Exception A's update as the API's JSON body gives it: the key as text, the status as written. */
    private static ExceptionUpdateRequest.Builder update(String status) {
        return ExceptionUpdateRequest.builder(Options.parse(Operation.SPOCK_EXCEPTION_UPDATE, Map.of(
                "cluster_name", "acetest", "node_name", "n1", "exception_details", Map.of("remote_origin", "" + N2,
                        "remote_commit_ts", "2024-03-15T12:34:56.123456Z", "remote_xid", "1001", "status", status))));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> details(String json) throws Exception {
        return JSON.readValue(json, Map.class);
    }

    @Test
    void withoutCommandCounterTheStatusAndEveryDetailOfTheExceptionAreResolved(TestDatabase db) throws Exception {
        seed(db);
        try (Ace ace = ace(db)) {
            ExceptionUpdateResult result = ace.exceptions().update(update("RESOLVED")
                    .resolutionDetails(details("{\"details\": \"Issue fixed\", \"by\": [\"alice\"]}")).build());
            assertThat(result.statusRows()).isEqualTo(4);
            assertThat(result.detailRows()).isEqualTo(4);
            assertThat(result.message()).isEqualTo("Exception status updated successfully");
            assertThat(result.resolvedAt()).isNotNull();
            String resolved = "1001:RESOLVED:true:{\"by\": [\"alice\"], \"details\": \"Issue fixed\"} ";
            assertThat(statuses(db)).isEqualTo(resolved.repeat(4).trim()
                    + " | 1001.1:RESOLVED:true 1001.2:RESOLVED:true 1001.1:RESOLVED:true 1001.2:RESOLVED:true");
            assertThat(db.queryValue("n1", "SELECT bool_and(resolved_at = (SELECT min(resolved_at) FROM "
                    + "spock.exception_status WHERE remote_xid = 1001)) FROM spock.exception_status_detail "
                    + "WHERE remote_xid = 1001")).isEqualTo("t");
            assertThat(db.queryValue("n1", "SELECT resolution_details->>'details' FROM spock.exception_status "
                    + "WHERE remote_xid = 1001 LIMIT 1")).isEqualTo("Issue fixed");
        }
    }

    @Test
    void theStatusTablesSpockNeverCreatesAreCreatedByTheFirstUpdateWithSpocksDefinitions(TestDatabase db) {
        seed(db);
        String absent = "SELECT to_regclass('spock.exception_status') IS NULL AND "
                + "to_regclass('spock.exception_status_detail') IS NULL";
        assertThat(db.queryValue("n1", absent)).isEqualTo("t");
        try (Ace ace = ace(db)) {
            ExceptionPage before = ace.exceptions().list(ExceptionListRequest.builder("acetest", "n1").build());
            assertThat(before.exceptions()).extracting(ExceptionRecord::status).containsOnly(ExceptionStatus.PENDING)
                    .hasSize(5);
            assertThat(db.queryValue("n1", absent)).as("listing creates nothing").isEqualTo("t");

            ExceptionUpdateResult result = ace.exceptions().update(ExceptionUpdateRequest.builder("acetest", "n1")
                    .exception(N2, Instant.parse("2024-03-16T08:00:00Z"), 1002)
                    .status(ExceptionStatus.RESOLVED).build());
            assertThat(result.statusRows()).isEqualTo(1);
            assertThat(result.detailRows()).isEqualTo(1);
            assertThat(statuses(db)).isEqualTo("1002:RESOLVED:true:null | 1002.1:RESOLVED:true");
            assertThat(db.queryColumn("n1", "SELECT c.relname || ' ' || array_to_string(c.reloptions, ',') || ' ' "
                    + "|| string_agg(pg_get_constraintdef(k.oid), '; ' ORDER BY k.contype DESC) FROM pg_class c "
                    + "JOIN pg_constraint k ON k.conrelid = c.oid AND k.contype IN ('p', 'f') "
                    + "WHERE c.relnamespace = 'spock'::regnamespace AND c.relname LIKE 'exception_status%' "
                    + "GROUP BY c.relname, c.reloptions ORDER BY c.relname"))
                    .containsExactly("exception_status user_catalog_table=true "
                                    + "PRIMARY KEY (remote_origin, remote_commit_ts, retry_errored_at)",
                            "exception_status_detail user_catalog_table=true "
                                    + "PRIMARY KEY (remote_origin, remote_commit_ts, command_counter, retry_errored_at); "
                                    + "FOREIGN KEY (remote_origin, remote_commit_ts, retry_errored_at) REFERENCES "
                                    + "spock.exception_status(remote_origin, remote_commit_ts, retry_errored_at)");
            assertThat(db.queryValue("n1", "SELECT string_agg(attname || ' ' || format_type(atttypid, atttypmod) "
                    + "|| CASE WHEN attnotnull THEN ' not null' ELSE '' END, ', ' ORDER BY attnum) FROM pg_attribute "
                    + "WHERE attrelid = 'spock.exception_status_detail'::regclass AND attnum > 0"))
                    .isEqualTo("remote_origin oid not null, remote_commit_ts timestamp with time zone not null, "
                            + "command_counter integer not null, retry_errored_at timestamp with time zone not null, "
                            + "remote_xid bigint not null, status text not null, resolved_at timestamp with time zone, "
                            + "resolution_details jsonb");

            ace.exceptions().update(update("RESOLVED").commandCounter(1).build());
            assertThat(statuses(db)).isEqualTo("1001:PENDING:false:null 1001:PENDING:false:null "
                    + "1001:PENDING:false:null 1001:PENDING:false:null 1002:RESOLVED:true:null | 1001.1:RESOLVED:true "
                    + "1001.2:PENDING:false 1001.1:RESOLVED:true 1001.2:PENDING:false 1002.1:RESOLVED:true");
        }
    }

    @Test
    void oneTransactionOfThreeFailedCommandsIsThreeLogRowsAndAnUpdateWithoutCommandCounterResolvesAllThree(
            TestDatabase db) {
        SpockStandIn.install(db, "n1");
        SpockStandIn.exception("n2", "2024-03-17 00:00:00+00", 1003).operation("INSERT").commands(1, 2, 3)
                .error("new row for relation \"t\" violates check constraint \"t_v_check\"").seed(db, "n1");
        assertThat(db.queryValue("n1", "SELECT count(*) || ' rows, ' || count(DISTINCT retry_errored_at) "
                + "|| ' retry_errored_at' FROM spock.exception_log WHERE remote_xid = 1003"))
                .isEqualTo("3 rows, 3 retry_errored_at");
        String details = "SELECT string_agg(command_counter || ':' || status, ' ' ORDER BY command_counter) "
                + "FROM spock.exception_status_detail WHERE remote_xid = 1003";
        String statusRows = "SELECT count(*) || ' ' || string_agg(DISTINCT status, ',') FROM spock.exception_status "
                + "WHERE remote_xid = 1003";
        try (Ace ace = ace(db)) {
            ExceptionUpdateRequest.Builder command2 = ExceptionUpdateRequest.builder("acetest", "n1")
                    .exception(N2, Instant.parse("2024-03-17T00:00:00Z"), 1003)
                    .status(ExceptionStatus.RESOLVED).commandCounter(2);
            ExceptionUpdateResult one = ace.exceptions().update(command2.build());
            assertThat(one.statusRows()).isZero();
            assertThat(one.detailRows()).isEqualTo(1);
            assertThat(db.queryValue("n1", details)).isEqualTo("1:PENDING 2:RESOLVED 3:PENDING");
            assertThat(db.queryValue("n1", statusRows)).isEqualTo("3 PENDING");

            ExceptionUpdateResult all = ace.exceptions().update(ExceptionUpdateRequest.builder("acetest", "n1")
                    .exception(N2, Instant.parse("2024-03-17T00:00:00Z"), 1003)
                    .status(ExceptionStatus.RESOLVED).build());
            assertThat(all.statusRows()).isEqualTo(3);
            assertThat(all.detailRows()).isEqualTo(3);
            assertThat(db.queryValue("n1", details)).isEqualTo("1:RESOLVED 2:RESOLVED 3:RESOLVED");
            assertThat(db.queryValue("n1", statusRows)).isEqualTo("3 RESOLVED");
            assertThat(db.queryValue("n1", "SELECT count(*) FROM spock.exception_log l JOIN spock.exception_status s "
                    + "USING (remote_origin, remote_commit_ts, retry_errored_at) WHERE l.remote_xid = 1003"))
                    .as("one status row per logged command, keyed by its retry_errored_at").isEqualTo("3");
            assertThat(ace.exceptions().list(ExceptionListRequest.builder("acetest", "n1").build()).exceptions())
                    .extracting(ExceptionRecord::status).containsOnly(ExceptionStatus.RESOLVED).hasSize(3);
        }
    }

    @Test
    void anInsertThatFoundNoLocalRowIsLoggedWithoutLocalOrigin(TestDatabase db) {
        SpockStandIn.install(db, "n1");
        SpockStandIn.exception("n2", TS_A, 1001).operation("INSERT").seed(db, "n1");
        SpockStandIn.exception("n2", TS_B, 1002).operation("UPDATE").localRow("n1", "2024-03-16 07:00:00+00")
                .seed(db, "n1");
        assertThat(db.queryColumn("n1", "SELECT operation || ' ' || coalesce(local_origin::text, 'NULL') || ' ' "
                + "|| coalesce(local_commit_ts::text, 'NULL') || ' ' || coalesce(local_tup::text, 'NULL') "
                + "FROM spock.exception_log ORDER BY remote_xid"))
                .containsExactly("INSERT NULL NULL NULL",
                        "UPDATE 49708 2024-03-16 07:00:00+00 [{\"value\": 1, \"attname\": \"id\"}]");
        try (Ace ace = ace(db)) {
            List<ExceptionRecord> logged = ace.exceptions().list(ExceptionListRequest.builder("acetest", "n1")
                    .build()).exceptions();
            assertThat(logged).extracting(ExceptionRecord::operation).containsExactly("UPDATE", "INSERT");
            assertThat(logged.get(1).localOrigin()).isNull();
            assertThat(logged.get(1).localCommitTs()).isNull();
            assertThat(logged.get(1).localTuple()).isNull();
            assertThat(logged.get(0).localOrigin()).isEqualTo(49708L);
        }
    }

    @Test
    void remoteOriginIsTheOriginNodesSpockNodeIdDerivedFromItsName(TestDatabase db) {
        seed(db);
        assertThat(db.queryColumn("n1", "SELECT node_name || ' ' || node_id FROM spock.node ORDER BY node_name"))
                .as("the ids Spock's own docs show for n1 and n2").containsExactly("n1 49708", "n2 26863");
        assertThat(SpockStandIn.nodeId(db, "n1", "n2")).isEqualTo(26863L);
        assertThat(db.queryValue("n1", "SELECT string_agg(DISTINCT remote_origin::text, ',') FROM spock.exception_log"))
                .isEqualTo(db.queryValue("n1", "SELECT node_id::text FROM spock.node WHERE node_name = 'n2'"));
        try (Ace ace = ace(db)) {
            assertThat(ace.exceptions().list(ExceptionListRequest.builder("acetest", "n1").build()).exceptions())
                    .extracting(ExceptionRecord::remoteOrigin).containsOnly(26863L);
            assertThat(ace.exceptions().update(ExceptionUpdateRequest.builder("acetest", "n1")
                    .exception(SpockStandIn.nodeId(db, "n1", "n2"), Instant.parse("2024-03-16T08:00:00Z"), 1002)
                    .status(ExceptionStatus.RESOLVED).build()).detailRows()).isEqualTo(1);
        }
    }

    @Test
    void anOriginGivenByNodeNameIsResolvedInSpockNodeAndAnUnknownNameListsTheNamesThatWould(TestDatabase db) {
        seed(db);
        try (Ace ace = ace(db)) {
            // as the API text's example sends it: "remote_origin": "origin1", a node name
            ExceptionUpdateResult result = ace.exceptions().update(ExceptionUpdateRequest.builder(Options.parse(
                    Operation.SPOCK_EXCEPTION_UPDATE, Map.of("cluster_name", "acetest", "node_name", "n1",
                            "exception_details", Map.of("remote_origin", "n2", "remote_commit_ts",
                                    "2024-03-16T08:00:00Z", "remote_xid", "1002", "status", "RESOLVED")))).build());
            assertThat(result.detailRows()).isEqualTo(1);
            assertThat(db.queryValue("n1", "SELECT remote_origin::text || ' ' || status FROM "
                    + "spock.exception_status_detail WHERE remote_xid = 1002")).isEqualTo(N2 + " RESOLVED");

            String before = statuses(db);
            assertThatThrownBy(() -> ace.exceptions().update(ExceptionUpdateRequest.builder("acetest", "n1")
                    .exception("origin1", Instant.parse("2024-03-16T08:00:00Z"), 1002).status(ExceptionStatus.PENDING)
                    .build())).isInstanceOf(InvalidRequestException.class)
                    .hasMessage("exception_details.remote_origin 'origin1' names no node in spock.node on node n1 "
                            + "(127.0.0.1:" + db.node("n1").port() + ", database " + db.name() + "); the node names "
                            + "there are: n1, n2");
            assertThat(statuses(db)).isEqualTo(before);
            // digits are a node_id, never a name
            assertThat(ExceptionUpdateRequest.builder(Options.parse(Operation.SPOCK_EXCEPTION_UPDATE, Map.of(
                    "cluster_name", "acetest", "node_name", "n1", "exception_details", Map.of("remote_origin", "26863",
                            "remote_commit_ts", "2024-03-16T08:00:00Z", "remote_xid", 1002, "status", "RESOLVED"))))
                    .build().remoteOrigin()).isEqualTo(RemoteOrigin.id(N2));
        }
    }

    @Test
    void withCommandCounterOnlyThatDetailRowChanges(TestDatabase db) {
        seed(db);
        try (Ace ace = ace(db)) {
            ExceptionUpdateResult result = ace.exceptions().update(update("resolved").commandCounter(2).build());
            assertThat(result.statusRows()).isZero();
            assertThat(result.detailRows()).isEqualTo(2);
            assertThat(statuses(db)).isEqualTo("1001:PENDING:false:null ".repeat(4).trim()
                    + " | 1001.1:PENDING:false 1001.2:RESOLVED:true 1001.1:PENDING:false 1001.2:RESOLVED:true");
        }
    }

    @Test
    void resolvedThenUnresolvedAgainClearsResolvedAtAndStoresOmittedDetailsAsNull(TestDatabase db) throws Exception {
        seed(db);
        try (Ace ace = ace(db)) {
            ace.exceptions().update(update("RESOLVED").resolutionDetails(details("{\"details\": \"x\"}")).build());
            ExceptionUpdateResult again = ace.exceptions().update(update("UNRESOLVED").build());
            assertThat(again.resolvedAt()).isNull();
            assertThat(statuses(db)).isEqualTo("1001:UNRESOLVED:false:null ".repeat(4).trim() + " | "
                    + "1001.1:UNRESOLVED:false 1001.2:UNRESOLVED:false 1001.1:UNRESOLVED:false 1001.2:UNRESOLVED:false");
        }
    }

    @Test
    void noMatchingExceptionIsNotFoundNamingNodeAndKeyAndChangesNothing(TestDatabase db) {
        seed(db);
        try (Ace ace = ace(db)) {
            Runnable[] misses = {
                () -> ace.exceptions().update(ExceptionUpdateRequest.builder("acetest", "n1")
                        .exception(N2, Instant.parse("2024-03-15T12:34:56Z"), 1001)
                        .status(ExceptionStatus.RESOLVED).build()),
                () -> ace.exceptions().update(update("RESOLVED").commandCounter(9).build()),
                () -> ace.exceptions().update(ExceptionUpdateRequest.builder("acetest", "n1")
                        .exception(16385, Instant.parse("2024-03-15T12:34:56.123456Z"), 1001)
                        .status(ExceptionStatus.RESOLVED).build())};
            for (int round = 0; round < 2; round++) {
                String before = statuses(db);
                assertThatThrownBy(misses[0]::run).isInstanceOf(NotFoundException.class)
                        .hasMessage("no Spock exception with remote_origin " + N2 + ", remote_commit_ts "
                                + "2024-03-15T12:34:56Z, remote_xid 1001 on node n1 (127.0.0.1:" + db.node("n1").port()
                                + ", database " + db.name() + "); nothing was changed");
                assertThatThrownBy(misses[1]::run).isInstanceOf(NotFoundException.class)
                        .hasMessageContaining("remote_xid 1001, command_counter 9 on node n1");
                assertThatThrownBy(misses[2]::run).as("a pg_replication_origin-like id is not Spock's node id")
                        .isInstanceOf(NotFoundException.class).hasMessageContaining("remote_origin 16385,");
                assertThat(statuses(db)).isEqualTo(before);
                if (round == 0) {
                    assertThat(before).as("a miss creates no table").isEqualTo("no status tables");
                    ace.exceptions().update(ExceptionUpdateRequest.builder("acetest", "n1")
                            .exception(N2, Instant.parse("2024-03-16T08:00:00Z"), 1002)
                            .status(ExceptionStatus.RESOLVED).build());
                }
            }
        }
    }

    @Test
    void everyInvalidFieldIsListedInOneError(TestDatabase db) throws Exception {
        try (Ace ace = ace(db)) {
            Map<String, Object> body = Map.of("cluster_name", "acetest", "node_name", "", "exception_details", Map.of(
                    "remote_origin", -5, "remote_commit_ts", "yesterday", "remote_xid", "12a",
                    "command_counter", "-1", "status", "DONE", "resolution_details", List.of("not", "an object")));
            assertThatThrownBy(() -> ace.exceptions().update(ExceptionUpdateRequest.from(
                    Options.parse(Operation.SPOCK_EXCEPTION_UPDATE, body))))
                    .isInstanceOf(InvalidRequestException.class)
                    .satisfies(e -> assertThat(((AceException) e).problems()).containsExactly(
                            "node_name is required",
                            "exception_details.remote_origin must be the origin node's spock.node.node_id (0 to "
                                    + "4294967295) or its node name, was -5",
                            "exception_details.remote_commit_ts must be a timestamp with a time zone such as "
                                    + "2024-03-15T12:34:56Z or 2024-03-15 12:34:56.123456+00, was \"yesterday\"",
                            "exception_details.remote_xid must be a transaction id (a whole number of 0 or more), "
                                    + "was \"12a\"",
                            "exception_details.command_counter must be a whole number of 0 or more, was -1",
                            "exception_details.status must be PENDING, RESOLVED or UNRESOLVED, was \"DONE\"",
                            "exception_details.resolution_details must be a JSON object such as {\"details\": \"...\"}, "
                                    + "was [\"not\",\"an object\"]"));
            assertThatThrownBy(() -> ace.exceptions().update(ExceptionUpdateRequest.builder("acetest", "n1").build()))
                    .satisfies(e -> assertThat(((AceException) e).problems()).containsExactly(
                            "exception_details.remote_origin is required",
                            "exception_details.remote_commit_ts is required",
                            "exception_details.remote_xid is required",
                            "exception_details.status is required (PENDING, RESOLVED or UNRESOLVED)"));
            assertThatThrownBy(() -> Options.parse(Operation.SPOCK_EXCEPTION_UPDATE, Map.of("cluster_name", "acetest",
                    "node_name", "n1", "exception_details", Map.of("remote_origin", "16385", "remote_commit_ts",
                            "2024-03-15T12:34:56", "remote_xid", "1", "status", "RESOLVED"))))
                    .hasMessageContaining("remote_commit_ts must be a timestamp with a time zone");
            assertThatThrownBy(() -> ace.exceptions().update(ExceptionUpdateRequest.builder("acetest", "n7")
                    .exception(1, Instant.parse("2024-03-15T12:34:56Z"), 1).status(ExceptionStatus.RESOLVED).build()))
                    .isInstanceOf(UnknownNodeException.class).hasMessage("cluster acetest has no node n7; its nodes are n1, n2");
        }
    }

    @Test
    void aNodeWithoutSpockSaysSo(TestDatabase db) {
        try (Ace ace = ace(db)) {
            assertThatThrownBy(() -> ace.exceptions().update(ExceptionUpdateRequest.builder("acetest", "n2")
                    .exception(1, Instant.parse("2024-03-15T12:34:56Z"), 1).status(ExceptionStatus.RESOLVED).build()))
                    .isInstanceOf(SpockNotInstalledException.class)
                    .satisfies(e -> assertThat(((AceException) e).code()).isEqualTo(ErrorCode.SPOCK_NOT_INSTALLED))
                    .hasMessage("Spock is not installed on node n2 (127.0.0.1:" + db.node("n2").port() + ", database "
                            + db.name() + "): the spock schema with exception_log is missing");
            assertThatThrownBy(() -> ace.exceptions().list(ExceptionListRequest.builder("acetest", "n2").build()))
                    .isInstanceOf(SpockNotInstalledException.class);
        }
    }

    private static void auditor(TestDatabase db) {
        db.execute("n1", "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'auditor') "
                + "THEN CREATE ROLE auditor; END IF; END $$", "GRANT USAGE ON SCHEMA spock TO auditor",
                "GRANT SELECT ON ALL TABLES IN SCHEMA spock TO auditor");
    }

    @Test
    void aRoleThatMayNotCreateTheMissingStatusTablesIsToldWhatToGrantAndNothingChanges(TestDatabase db) {
        seed(db);
        auditor(db);
        try (Ace ace = ace(db)) {
            assertThatThrownBy(() -> ace.exceptions().update(update("RESOLVED").role(CallerRole.of("auditor")).build()))
                    .isInstanceOf(PermissionDeniedException.class)
                    .hasMessage("role auditor may not create spock.exception_status and spock.exception_status_detail "
                            + "on node n1 (127.0.0.1:" + db.node("n1").port() + ", database " + db.name() + "), which "
                            + "Spock's apply worker does not create and the first update of an exception does; GRANT "
                            + "CREATE ON SCHEMA spock TO \"auditor\", or run that first update as a role that may; "
                            + "nothing was changed");
            assertThat(statuses(db)).isEqualTo("no status tables");
            assertThat(ace.exceptions().list(ExceptionListRequest.builder("acetest", "n1")
                    .role(CallerRole.of("auditor")).build())
                    .total()).isEqualTo(5);

            db.execute("n1", "GRANT CREATE ON SCHEMA spock TO auditor");
            assertThat(ace.exceptions().update(update("RESOLVED").role(CallerRole.of("auditor")).build()).statusRows())
                    .isEqualTo(4);
            assertThat(db.queryColumn("n1", "SELECT tableowner FROM pg_tables WHERE schemaname = 'spock' "
                    + "AND tablename LIKE 'exception_status%'")).containsOnly("auditor").hasSize(2);
        }
    }

    @Test
    void aRoleWithoutUpdatePrivilegeGetsAPermissionErrorAndNothingChanges(TestDatabase db) {
        seed(db);
        try (Ace ace = ace(db)) {
            ace.exceptions().update(ExceptionUpdateRequest.builder("acetest", "n1")
                    .exception(N2, Instant.parse("2024-03-16T08:00:00Z"), 1002)
                    .status(ExceptionStatus.RESOLVED).build());
        }
        auditor(db);
        String before = statuses(db);
        try (Ace ace = ace(db)) {
            assertThatThrownBy(() -> ace.exceptions().update(update("RESOLVED").role(CallerRole.of("auditor")).build()))
                    .isInstanceOf(PermissionDeniedException.class)
                    .hasMessage("permission denied on node n1 (127.0.0.1:" + db.node("n1").port() + ", database "
                            + db.name() + ") while updating a Spock exception: permission denied for table "
                            + "exception_status [SQLSTATE 42501]");
            assertThat(ace.exceptions().list(ExceptionListRequest.builder("acetest", "n1")
                    .role(CallerRole.of("auditor")).build())
                    .total()).isEqualTo(5);
        }
        assertThat(statuses(db)).isEqualTo(before);
    }

    @Test
    void listShowsNewestFirstFiltersByStatusAndTableAndPages(TestDatabase db) {
        seed(db);
        try (Ace ace = ace(db)) {
            ace.exceptions().update(update("RESOLVED").commandCounter(1).build());
            ExceptionPage all = ace.exceptions().list(ExceptionListRequest.builder("acetest", "n1").build());
            assertThat(all.total()).isEqualTo(5);
            assertThat(all.hasMore()).isFalse();
            assertThat(all.exceptions()).extracting(ExceptionRecord::remoteXid).containsExactly(1002L, 1001L, 1001L,
                    1001L, 1001L);
            ExceptionRecord first = all.exceptions().get(0);
            assertThat(first.tableName()).isEqualTo("customers");
            assertThat(first.status()).isEqualTo(ExceptionStatus.PENDING);
            assertThat(first.remoteCommitTs().toString()).isEqualTo("2024-03-16T08:00Z");
            assertThat(first.errorMessage()).isEqualTo("duplicate key value violates unique constraint");
            assertThat(first.remoteNewTuple()).isEqualTo("[{\"value\": 1, \"attname\": \"id\"}]");

            ExceptionPage resolved = ace.exceptions().list(ExceptionListRequest.builder("acetest", "n1")
                    .status(ExceptionStatus.RESOLVED).build());
            assertThat(resolved.exceptions()).extracting(ExceptionRecord::commandCounter).containsExactly(1, 1);
            assertThat(resolved.exceptions()).allSatisfy(r -> assertThat(r.resolvedAt()).isNotNull());

            ExceptionPage orders = ace.exceptions().list(ExceptionListRequest.builder("acetest", "n1")
                    .tableName("public.orders").status(ExceptionStatus.PENDING).build());
            assertThat(orders.total()).isEqualTo(2);
            assertThat(orders.exceptions()).extracting(ExceptionRecord::commandCounter).containsExactly(2, 2);

            ExceptionPage second = ace.exceptions().list(ExceptionListRequest.builder("acetest", "n1").page(2, 2)
                    .build());
            assertThat(second.exceptions()).hasSize(2);
            assertThat(second.hasMore()).isTrue();
            ExceptionPage beyond = ace.exceptions().list(ExceptionListRequest.builder("acetest", "n1").page(2, 10)
                    .build());
            assertThat(beyond.exceptions()).isEmpty();
            assertThat(beyond.total()).isEqualTo(5);

            assertThatThrownBy(() -> ace.exceptions().list(ExceptionListRequest.from(Options.parse(
                    Operation.SPOCK_EXCEPTION_LIST, Map.of("cluster_name", "acetest", "node_name", "n1", "status", "gone",
                            "table_name", "orders", "limit", 0, "offset", -1)))))
                    .satisfies(e -> assertThat(((AceException) e).problems()).containsExactly(
                            "table_name must be schema.table (quote parts that hold a dot: \"my.schema\".\"my table\"), "
                                    + "was 'orders': the schema is missing",
                            "status must be PENDING, RESOLVED or UNRESOLVED, was \"gone\"",
                            "limit must be between 1 and 1000, was 0",
                            "offset must be 0 or more, was -1"));
        }
    }

    @Test
    void timestampsAreAcceptedInIsoAndPostgresFormsToTheMicrosecond() {
        assertThat(Options.REMOTE_COMMIT_TS.valueOf("2024-03-15T12:34:56Z")).isEqualTo("2024-03-15T12:34:56Z");
        assertThat(Options.REMOTE_COMMIT_TS.valueOf("2024-03-15 12:34:56.123456+05:30").getNano()).isEqualTo(123_456_000);
        assertThat(Options.REMOTE_COMMIT_TS.valueOf("2024-03-15 12:34:56-08")).isEqualTo("2024-03-15T20:34:56Z");
        assertThatThrownBy(() -> Options.REMOTE_COMMIT_TS.valueOf("2024-03-15 12:34:56.1234567+00"))
                .isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> Options.REMOTE_COMMIT_TS.valueOf("2024-03-15 12:34:56"))
                .isInstanceOf(InvalidRequestException.class);
        assertThat(List.of(ExceptionStatus.values())).hasSize(3);
    }
}
