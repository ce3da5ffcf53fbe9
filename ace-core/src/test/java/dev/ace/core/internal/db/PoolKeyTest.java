package dev.ace.core.internal.db;

import com.zaxxer.hikari.HikariConfig;
import dev.ace.core.AceConfig;
import dev.ace.core.cluster.NodeDefinition;
import dev.ace.testkit.TestCertificates;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** The key that decides which definitions share a pool: the whole credential counts, and no secret is kept in it. */
class PoolKeyTest {

    private static final String PASSWORD = "Pool-Key-Pw-4b9e";

    @TempDir
    Path dir;

    private AceConfig.Builder config() {
        return AceConfig.builder().clusterDirectory(dir.resolve("cluster")).outputDirectory(dir.resolve("out"));
    }

    private static NodeDefinition node(String name, String password, Map<String, String> options) {
        return new NodeDefinition(name, "127.0.0.1", 5432, "shop", "ace", password, true, options);
    }

    /** No field of the key, nor its string form, holds the secret as text or as its UTF-8 bytes. */
    private static void assertKeepsNo(NodePools.PoolKey key, String secret) throws Exception {
        assertThat(key.toString()).doesNotContain(secret);
        byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
        for (Field field : NodePools.PoolKey.class.getDeclaredFields()) {
            field.setAccessible(true);
            Object value = field.get(key);
            if (value instanceof byte[]) {
                assertThat(new String((byte[]) value, StandardCharsets.ISO_8859_1))
                        .doesNotContain(new String(bytes, StandardCharsets.ISO_8859_1));
            } else {
                assertThat(String.valueOf(value)).as(field.getName()).doesNotContain(secret);
            }
        }
    }

    @Test
    void definitionsShareAPoolOnlyWithTheSamePassword() {
        try (NodePools pools = new NodePools(config().build())) {
            NodePools.PoolKey right = pools.keyOf(node("n1", PASSWORD, Map.of()));
            assertThat(pools.keyOf(node("n1", PASSWORD, Map.of()))).isEqualTo(right).hasSameHashCodeAs(right);
            // another cluster's name for the same login and password shares the pool
            assertThat(pools.keyOf(node("east", PASSWORD, Map.of()))).isEqualTo(right);
            assertThat(pools.keyOf(node("n1", PASSWORD + "x", Map.of()))).isNotEqualTo(right);
            assertThat(pools.keyOf(node("n1", null, Map.of()))).isNotEqualTo(right);
        }
    }

    @Test
    void theSameSecretGivesUnequalKeysInTwoInstances() {
        try (NodePools one = new NodePools(config().build()); NodePools two = new NodePools(config().build())) {
            assertThat(one.keyOf(node("n1", PASSWORD, Map.of()))).isNotEqualTo(two.keyOf(node("n1", PASSWORD, Map.of())));
        }
    }

    @Test
    void theKeyPasswordAndTheCertificateFilesOfTheDefinitionCount() {
        try (NodePools pools = new NodePools(config().build())) {
            Map<String, String> certificate = Map.of("sslcert", "/etc/ace/a.crt", "sslkey", "/etc/ace/a.key",
                    "sslpassword", PASSWORD);
            NodePools.PoolKey key = pools.keyOf(node("n1", null, certificate));
            assertThat(pools.keyOf(node("n1", null, certificate))).isEqualTo(key);
            assertThat(pools.keyOf(node("n1", null, Map.of("sslcert", "/etc/ace/a.crt", "sslkey", "/etc/ace/a.key",
                    "sslpassword", PASSWORD + "x")))).isNotEqualTo(key);
            assertThat(pools.keyOf(node("n1", null, Map.of("sslcert", "/etc/ace/b.crt", "sslkey", "/etc/ace/a.key",
                    "sslpassword", PASSWORD)))).isNotEqualTo(key);
            assertThat(pools.keyOf(node("n1", null, Map.of("sslcert", "/etc/ace/a.crt", "sslkey", "/etc/ace/b.key",
                    "sslpassword", PASSWORD)))).isNotEqualTo(key);
            // an option the pool does not use does not split it
            assertThat(pools.keyOf(node("n1", null, Map.of("sslcert", "/etc/ace/a.crt", "sslkey", "/etc/ace/a.key",
                    "sslpassword", PASSWORD, "application_name", "other")))).isEqualTo(key);
        }
    }

    @Test
    void theKeyKeepsNeitherThePasswordNorTheKeyPassword() throws Exception {
        TestCertificates.Authority authority = TestCertificates.authority("ACE key test CA");
        TestCertificates.Issued client = authority.issueClient("ace");
        AceConfig certificates = config().useCertAuth(true)
                .userCertFile(client.writeCertificate(dir.resolve("ace.crt")))
                .userKeyFile(client.writePrivateKey(dir.resolve("ace.key")))
                .caCertFile(authority.writeCertificate(dir.resolve("root.crt")))
                .userKeyPassword(PASSWORD + "-key").build();
        try (NodePools pools = new NodePools(certificates)) {
            NodePools.PoolKey key = pools.keyOf(node("n1", PASSWORD, Map.of("sslpassword", PASSWORD + "-option")));
            assertKeepsNo(key, PASSWORD);
            assertThat(key.toString()).isEqualTo("pool key ace@127.0.0.1:5432/shop {sslmode=verify-full, sslrootcert="
                    + dir.resolve("root.crt") + "}");
        }
    }

    /**
     * HikariCP prints every property of a pool's configuration at DEBUG level, masking only those
     * named {@code password}: none of them may hold the login's password or the key's.
     */
    @Test
    void nothingHikariCpCanLogHoldsAPassword() throws Exception {
        TestCertificates.Authority authority = TestCertificates.authority("ACE log test CA");
        TestCertificates.Issued client = authority.issueClient("ace");
        AceConfig certificates = config().useCertAuth(true)
                .userCertFile(client.writeCertificate(dir.resolve("ace.crt")))
                .userKeyFile(client.writePrivateKey(dir.resolve("ace.key")))
                .caCertFile(authority.writeCertificate(dir.resolve("root.crt")))
                .userKeyPassword(PASSWORD + "-key").build();
        try (NodePools pools = new NodePools(certificates)) {
            HikariConfig pool = pools.poolConfig(node("n1", PASSWORD, Map.of("sslpassword", PASSWORD + "-option")));
            int read = 0;
            for (Method getter : HikariConfig.class.getMethods()) {
                boolean property = getter.getParameterCount() == 0 && getter.getDeclaringClass() != Object.class
                        && (getter.getName().startsWith("get") || getter.getName().startsWith("is"));
                if (property && !getter.getName().toLowerCase(Locale.ROOT).endsWith("password")) {
                    assertThat(String.valueOf(getter.invoke(pool))).as(getter.getName()).doesNotContain(PASSWORD);
                    read++;
                }
            }
            assertThat(read).isGreaterThan(30);
            assertThat(pool.getPassword()).isNull();
            assertThat(pool.getJdbcUrl()).isNull();
            assertThat(pool.getDataSourceProperties()).isEmpty();
        }
    }

    @Test
    void withoutAPasswordInTheDefinitionThePgpassEntryCounts() throws Exception {
        Path pgpass = dir.resolve("pgpass");
        String previous = System.getProperty("org.postgresql.pgpassfile");
        System.setProperty("org.postgresql.pgpassfile", pgpass.toString());
        try (NodePools pools = new NodePools(config().build())) {
            Files.writeString(pgpass, "127.0.0.1:5432:shop:ace:" + PASSWORD + "\n");
            NodePools.PoolKey fromPgpass = pools.keyOf(node("n1", null, Map.of()));
            assertThat(fromPgpass).isEqualTo(pools.keyOf(node("n1", PASSWORD, Map.of())));
            assertKeepsNo(fromPgpass, PASSWORD);
            Files.writeString(pgpass, "127.0.0.1:5432:shop:ace:" + PASSWORD + "x\n");
            assertThat(pools.keyOf(node("n1", null, Map.of()))).isNotEqualTo(fromPgpass);
        } finally {
            if (previous == null) {
                System.clearProperty("org.postgresql.pgpassfile");
            } else {
                System.setProperty("org.postgresql.pgpassfile", previous);
            }
        }
    }
}
