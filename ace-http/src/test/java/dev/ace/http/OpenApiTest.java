package dev.ace.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ace.core.Ace;
import dev.ace.core.AceConfig;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** docs/openapi.json describes exactly the routes the server has: a route or a document that changes alone fails here. */
class OpenApiTest {

    private static final Set<String> METHODS = Set.of("get", "post", "put", "delete", "patch", "head", "options");

    @TempDir
    Path dir;

    @Test
    void everyRouteIsDocumentedAndEveryDocumentedOperationIsARoute() throws Exception {
        Set<String> routed = new TreeSet<>();
        try (Ace ace = Ace.create(AceConfig.builder().clusterDirectory(dir).outputDirectory(dir).build())) {
            DiffFilePaths paths = new DiffFilePaths(dir);
            for (Router.Route route : AceServer.routes(ace, new RequestBodies(paths), new DiffReports(dir)).routes()) {
                route.methods().keySet().forEach(method -> routed.add(method + " " + route.template()));
            }
        }
        JsonNode document = new ObjectMapper().readTree(Path.of("../docs/openapi.json").toFile());
        assertThat(document.path("openapi").asText()).startsWith("3.");
        Set<String> documented = new TreeSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = document.path("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            for (Iterator<String> keys = path.getValue().fieldNames(); keys.hasNext(); ) {
                String key = keys.next();
                if (METHODS.contains(key)) {
                    documented.add(key.toUpperCase(Locale.ROOT) + " " + path.getKey());
                    JsonNode responses = path.getValue().path(key).path("responses");
                    assertThat(responses.has("200")).as(key + " " + path.getKey()).isTrue();
                    for (String status : new String[] {"401", "500", "503"}) {
                        assertThat(responses.has(status)).as(key + " " + path.getKey() + " documents " + status)
                                .isTrue();
                    }
                }
            }
        }
        assertThat(documented).isEqualTo(routed);
    }

    @Test
    void theDocumentsReferencesAllResolve() throws Exception {
        String text = java.nio.file.Files.readString(Path.of("../docs/openapi.json"));
        JsonNode document = new ObjectMapper().readTree(text);
        java.util.regex.Matcher refs = java.util.regex.Pattern.compile("\"\\$ref\" ?: ?\"#/([^\"]+)\"").matcher(text);
        int count = 0;
        while (refs.find()) {
            JsonNode target = document.at("/" + refs.group(1));
            assertThat(target.isMissingNode()).as(refs.group(1)).isFalse();
            count++;
        }
        assertThat(count).isGreaterThan(20);
    }
}
