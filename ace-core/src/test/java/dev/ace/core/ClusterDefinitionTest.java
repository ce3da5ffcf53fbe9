package dev.ace.core;

import dev.ace.core.cluster.ClusterDefinition;
import dev.ace.core.cluster.NodeDefinition;
import dev.ace.core.error.AceException;
import dev.ace.core.error.ClusterNotFoundException;
import dev.ace.core.error.InvalidClusterDefinitionException;
import dev.ace.core.error.InvalidRequestException;
import dev.ace.core.error.UnknownNodeException;
import dev.ace.core.internal.config.ClusterResolver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClusterDefinitionTest {

    @TempDir
    Path dir;

    private static final String CLUSTER_JSON = "{\n"
            + "  \"json_version\": \"1.0\", \"cluster_name\": \"prod\",\n"
            + "  \"pgedge\": {\"databases\": [\n"
            + "     {\"db_name\": \"shop\", \"db_user\": \"ace\", \"db_password\": \"s3cret\"},\n"
            + "     {\"db_name\": \"crm\", \"db_user\": \"ace_crm\", \"db_password\": \"\"}]},\n"
            + "  \"node_groups\": [\n"
            + "     {\"name\": \"n1\", \"is_active\": \"on\", \"public_ip\": \"10.0.0.1\", \"private_ip\": \"\", \"port\": \"5432\"},\n"
            + "     {\"name\": \"n2\", \"is_active\": \"on\", \"public_ip\": \"\", \"private_ip\": \"192.168.1.2\", \"port\": \"6432\"},\n"
            + "     {\"name\": \"n3\", \"is_active\": \"off\", \"public_ip\": \"10.0.0.3\", \"port\": \"5432\"}]\n"
            + "}\n";

    private ClusterResolver resolver(AceConfig config, Map<String, String> environment) {
        return new ClusterResolver(config, environment, dir.resolve("work"), dir.resolve("home"));
    }

    private ClusterResolver resolver() {
        return resolver(AceConfig.builder().clusterDirectory(dir.resolve("cluster")).build(), Map.of());
    }

    private Path writeJson(String name, String text) throws Exception {
        Path file = dir.resolve("cluster").resolve(name).resolve(name + ".json");
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
        return file;
    }

    @Test
    void clusterJsonPicksTheFirstDatabaseByDefaultAndConnectsToPublicIp() throws Exception {
        Path file = writeJson("prod", CLUSTER_JSON);
        ClusterDefinition cluster = resolver().resolve("prod", null);
        assertThat(cluster.database()).isEqualTo("shop");
        assertThat(cluster.source()).isEqualTo(file);
        assertThat(cluster.nodes()).extracting(NodeDefinition::name).containsExactly("n1", "n2", "n3");
        NodeDefinition n1 = cluster.node("n1");
        assertThat(n1.address()).isEqualTo("10.0.0.1:5432");
        assertThat(n1.user()).isEqualTo("ace");
        assertThat(n1.password()).contains("s3cret");
        assertThat(n1.toString()).doesNotContain("s3cret");
        assertThat(cluster.toString()).doesNotContain("s3cret");
        assertThat(cluster.node("n2").address()).isEqualTo("192.168.1.2:6432");
        assertThat(cluster.node("n3").active()).isFalse();
    }

    @Test
    void dbnamePicksTheDatabaseEntryAndAnUnknownOneListsTheChoices() throws Exception {
        writeJson("prod", CLUSTER_JSON);
        ClusterDefinition crm = resolver().resolve("prod", "crm");
        assertThat(crm.node("n1").database()).isEqualTo("crm");
        assertThat(crm.node("n1").user()).isEqualTo("ace_crm");
        assertThat(crm.node("n1").password()).isEmpty();
        assertThatThrownBy(() -> resolver().resolve("prod", "hr"))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("database hr is not defined for cluster prod in "
                        + dir.resolve("cluster/prod/prod.json") + "; it defines: shop, crm");
    }

    @Test
    void nodesOptionSelectsActiveNodesAndReportsEveryBadName() throws Exception {
        writeJson("prod", CLUSTER_JSON);
        ClusterDefinition cluster = resolver().resolve("prod", null);
        assertThat(cluster.select("all", 2)).extracting(NodeDefinition::name).containsExactly("n1", "n2");
        assertThat(cluster.select(null, 2)).extracting(NodeDefinition::name).containsExactly("n1", "n2");
        assertThat(cluster.select(" n2, n1 ", 2)).extracting(NodeDefinition::name).containsExactly("n2", "n1");
        assertThatThrownBy(() -> cluster.select("n1,n9,n1,n3", 2))
                .isInstanceOf(InvalidRequestException.class)
                .satisfies(e -> assertThat(((AceException) e).problems()).containsExactly(
                        "cluster prod has no node n9; its nodes are n1, n2, n3",
                        "nodes names n1 more than once",
                        "node n3 is marked inactive in " + dir.resolve("cluster/prod/prod.json")));
        assertThatThrownBy(() -> cluster.select("n1", 2)).hasMessage("nodes must name at least 2 nodes, was 'n1'");
        assertThatThrownBy(() -> cluster.node("n7"))
                .isInstanceOf(UnknownNodeException.class)
                .hasMessage("cluster prod has no node n7; its nodes are n1, n2, n3");
    }

    @Test
    void malformedClusterFilesNameTheFileAndEveryProblem() throws Exception {
        Path broken = writeJson("broken", "{\"cluster_name\": \"broken\", \"pgedge\": {\"databases\": [");
        assertThatThrownBy(() -> resolver().resolve("broken", null))
                .isInstanceOf(InvalidClusterDefinitionException.class)
                .hasMessageStartingWith("cluster file " + broken + " is not valid JSON: ");
        Path incomplete = writeJson("incomplete", "{\"cluster_name\": \"other\", \"pgedge\": {\"databases\": "
                + "[{\"db_name\": \"d\", \"db_user\": \"\"}]}, \"node_groups\": [{\"name\": \"n1\", \"port\": \"x\", "
                + "\"public_ip\": \"h\"}, {\"public_ip\": \"h\"}, {\"name\": \"n1\", \"public_ip\": \"h\"}, "
                + "{\"name\": \"n4\", \"port\": \"70000\"}]}");
        assertThatThrownBy(() -> resolver().resolve("incomplete", null))
                .isInstanceOf(InvalidClusterDefinitionException.class)
                .satisfies(e -> assertThat(((AceException) e).problems()).containsExactly(
                        "cluster_name is 'other' but the file is where cluster incomplete belongs",
                        "database d has no db_user",
                        "node n1 has port 'x'; it must be a number from 1 to 65535",
                        "node_groups[1] has no name",
                        "node n1 is defined more than once",
                        "node n4 has neither public_ip nor private_ip",
                        "node n4 has port '70000'; it must be a number from 1 to 65535"))
                .hasMessageStartingWith("cluster file " + incomplete + " has 7 problems:");
        writeJson("empty", "[]");
        assertThatThrownBy(() -> resolver().resolve("empty", null)).hasMessageEndingWith("must hold a JSON object");
    }

    @Test
    void aMissingClusterSaysWhereItLooked() {
        assertThatThrownBy(() -> resolver().resolve("ghost", null))
                .isInstanceOf(ClusterNotFoundException.class)
                .hasMessage("cluster ghost not found: there is no cluster file " + dir.resolve("cluster/ghost/ghost.json")
                        + " and no pg_service.conf (looked for $ACE_PGSERVICEFILE, $PGSERVICEFILE, ./pg_service.conf, "
                        + "~/.pg_service.conf, /etc/pg_service.conf)");
        assertThatThrownBy(() -> resolver().resolve("", null)).hasMessage("cluster_name is required");
        assertThatThrownBy(() -> resolver().resolve("../etc/passwd", null))
                .hasMessage("cluster_name may hold letters, digits, '_', '-' and '.', was '../etc/passwd'");
    }

    @Test
    void serviceFileSectionsShareSettingsAndNodesOverrideThem() throws Exception {
        Path service = dir.resolve("services.conf");
        Files.writeString(service, String.join("\n",
                "# shared by every node",
                "[other]",
                "host=elsewhere",
                "[prod]",
                "dbname=shop",
                "user=ace",
                "password=pw",
                "sslmode=require",
                "",
                "[prod.n1]",
                "host=10.0.0.1",
                "port=5432",
                "[prod.n2]",
                "host = 10.0.0.2",
                "port = 5433",
                "user = ace2",
                ""));
        ClusterResolver resolver = resolver(AceConfig.builder().clusterDirectory(dir.resolve("cluster"))
                .pgServiceFile(service).build(), Map.of());
        ClusterDefinition cluster = resolver.resolve("prod", null);
        assertThat(cluster.source()).isEqualTo(service);
        assertThat(cluster.nodes()).extracting(NodeDefinition::describe)
                .containsExactly("n1 (10.0.0.1:5432, database shop)", "n2 (10.0.0.2:5433, database shop)");
        assertThat(cluster.node("n2").user()).isEqualTo("ace2");
        assertThat(cluster.node("n1").password()).contains("pw");
        assertThat(cluster.node("n1").connectionOptions()).containsEntry("sslmode", "require");
        assertThat(resolver.resolve("prod", "crm").node("n1").database()).isEqualTo("crm");
    }

    @Test
    void serviceFileIsFoundInTheReferenceLookupOrder() throws Exception {
        String text = "[svc]\ndbname=d\nuser=u\n[svc.a]\nhost=h1\n[svc.b]\nhost=h2\n";
        Path fromAceVariable = Files.writeString(dir.resolve("ace.conf"), text);
        Path fromPgVariable = Files.writeString(dir.resolve("pg.conf"), text);
        Files.createDirectories(dir.resolve("work"));
        Path inWorkingDirectory = Files.writeString(dir.resolve("work").resolve("pg_service.conf"), text);
        Files.createDirectories(dir.resolve("home"));
        Path inHome = Files.writeString(dir.resolve("home").resolve(".pg_service.conf"), text);
        AceConfig config = AceConfig.builder().clusterDirectory(dir.resolve("cluster")).build();

        assertThat(resolver(config, Map.of("ACE_PGSERVICEFILE", fromAceVariable.toString(),
                "PGSERVICEFILE", fromPgVariable.toString())).resolve("svc", null).source()).isEqualTo(fromAceVariable);
        assertThat(resolver(config, Map.of("PGSERVICEFILE", fromPgVariable.toString())).resolve("svc", null).source())
                .isEqualTo(fromPgVariable);
        assertThat(resolver(config, Map.of()).resolve("svc", null).source()).isEqualTo(inWorkingDirectory);
        Files.delete(inWorkingDirectory);
        assertThat(resolver(config, Map.of()).resolve("svc", null).source()).isEqualTo(inHome);
        assertThat(resolver(config, Map.of()).resolve("svc", null).node("b").port()).isEqualTo(5432);
    }

    @Test
    void clusterFileWinsOverServiceFileAndServiceFileProblemsAreListed() throws Exception {
        writeJson("prod", CLUSTER_JSON);
        Path service = Files.writeString(dir.resolve("s.conf"), "[prod]\nuser=u\n[prod.x]\nhost=h\n"
                + "[bad]\nuser=u\nfoo=1\n[bad.n1]\nport=abc\n[bad.n2\n");
        AceConfig config = AceConfig.builder().clusterDirectory(dir.resolve("cluster")).pgServiceFile(service).build();
        assertThat(resolver(config, Map.of()).resolve("prod", null).source().toString()).endsWith("prod.json");
        assertThatThrownBy(() -> resolver(config, Map.of()).resolve("bad", null))
                .isInstanceOf(InvalidClusterDefinitionException.class)
                .satisfies(e -> assertThat(((AceException) e).problems()).containsExactly(
                        "line 10: a section header looks like [name], was '[bad.n2'",
                        "[bad.n1] has unknown setting 'foo'",
                        "[bad.n1] has no host",
                        "[bad.n1] has port 'abc'; it must be a number from 1 to 65535",
                        "[bad.n1] has no dbname (and the request named none)"));
        Path lonely = Files.writeString(dir.resolve("lonely.conf"), "[lonely]\ndbname=d\n");
        AceConfig lonelyConfig = AceConfig.builder().clusterDirectory(dir.resolve("cluster")).pgServiceFile(lonely).build();
        assertThatThrownBy(() -> resolver(lonelyConfig, Map.of()).resolve("lonely", null))
                .hasMessage("service file " + lonely + ": [lonely] has no node sections; add one [lonely.<node>] per node");
        AceConfig missing = AceConfig.builder().pgServiceFile(dir.resolve("nope.conf")).build();
        assertThatThrownBy(() -> resolver(missing, Map.of()).resolve("x", null))
                .hasMessage("pg_service_file " + dir.resolve("nope.conf") + " does not exist");
    }
}
