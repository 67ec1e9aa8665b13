package io.synguard.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.handler.codec.http.HttpHeaderNames;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code GET /v1/openapi.json} against the router's own table: every route the server answers is
 * in the document, with the auth it really needs, and the document names no route the server lacks.
 */
class OpenApiTest {
    private static final String TOKEN = "openapi-test-token-0123456789";
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");

    @TempDir
    Path dir;

    private FakeService service;
    private Router router;
    private Exchange api;

    @BeforeEach
    void start() {
        service = new FakeService(dir);
        router = service.router();
        api = new Exchange(router, TOKEN);
    }

    @AfterEach
    void stop() {
        api.close();
        service.close();
    }

    @Test
    void isServedAsOpenApi3Json() {
        Exchange.Reply reply = api.get("/v1/openapi.json");
        assertEquals(200, reply.status(), reply.body());
        assertEquals("application/json", reply.headers().get(HttpHeaderNames.CONTENT_TYPE));
        String version = reply.json().path("openapi").asText();
        assertTrue(version.startsWith("3."), "openapi: " + version);
    }

    @Test
    void describesEveryRouteTheServerAnswersAndNoOther() {
        Set<String> served = routesOpen().keySet();
        Set<String> described = operationsOpen().keySet();
        assertEquals(Set.of(), difference(served, described), "served but missing from openapi.json");
        assertEquals(Set.of(), difference(described, served), "in openapi.json but not served");
    }

    @Test
    void saysWhichRoutesNeedTheToken() {
        assertEquals(routesOpen(), operationsOpen());
    }

    @Test
    void theStatusSettingsAndPatchSchemasNameEveryFieldServedAndNoOther() {
        JsonNode schemas = api.get("/v1/openapi.json").json().get("components").get("schemas");
        assertSameFields(schemas, schemas.get("Status"), api.getJson("/v1/status"), "status");
        assertSameFields(schemas, schemas.get("Settings"), api.getJson("/v1/config"), "config");
        assertSameFields(schemas, schemas.get("SettingsPatch"), api.getJson("/v1/config"), "a patch of config");
    }

    /** The fields of served are the schema's properties, and so on down every object. */
    private static void assertSameFields(JsonNode schemas, JsonNode schema, JsonNode served, String at) {
        if (schema.has("$ref")) {
            schema = schemas.get(schema.get("$ref").asText().replace("#/components/schemas/", ""));
        }
        if (!served.isObject()) {
            return;
        }
        Set<String> fields = new TreeSet<>();
        served.fieldNames().forEachRemaining(fields::add);
        Set<String> properties = new TreeSet<>();
        schema.get("properties").fieldNames().forEachRemaining(properties::add);
        assertEquals(properties, fields, at);
        for (String f : fields) {
            assertSameFields(schemas, schema.get("properties").get(f), served.get(f), at + "." + f);
        }
    }

    /** "METHOD /pattern" of each route, to whether it is open. */
    private Map<String, Boolean> routesOpen() {
        Map<String, Boolean> routes = new TreeMap<>();
        for (Router.Route r : router.routes()) {
            routes.put(r.method() + " " + r.pattern(), r.open());
        }
        return routes;
    }

    /** "METHOD /pattern" of each operation of the served document (a {name} is {}), to whether it is open. */
    private Map<String, Boolean> operationsOpen() {
        JsonNode document = api.get("/v1/openapi.json").json();
        Map<String, Boolean> operations = new TreeMap<>();
        document.get("paths").properties().forEach(path -> path.getValue().properties().forEach(operation -> {
            if (METHODS.contains(operation.getKey())) {
                JsonNode security = operation.getValue().has("security") ? operation.getValue().get("security")
                        : document.path("security");
                String pattern = path.getKey().replaceAll("\\{[^}]*}", "{}");
                operations.put(operation.getKey().toUpperCase(Locale.ROOT) + " " + pattern, security.isEmpty());
            }
        }));
        return operations;
    }

    private static Set<String> difference(Set<String> a, Set<String> b) {
        Set<String> d = new TreeSet<>(a);
        d.removeAll(b);
        return d;
    }
}
