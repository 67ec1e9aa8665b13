package io.synguard.api;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RouterTest {
    private final Router.Endpoint listBlocks = r -> Response.empty(200);
    private final Router.Endpoint addBlock = r -> Response.empty(201);
    private final Router.Endpoint removeBlock = r -> Response.empty(204);
    private final Router.Endpoint health = r -> Response.empty(200);

    private final Router router = new Router()
            .add("GET", "/healthz", true, health)
            .add("GET", "/v1/blocks", false, listBlocks)
            .add("POST", "/v1/blocks", false, addBlock)
            .add("DELETE", "/v1/blocks/{}", false, removeBlock);

    @Test
    void matchesMethodAndPathToTheirEndpoint() {
        assertSame(listBlocks, router.match("GET", "/v1/blocks").route().endpoint());
        assertSame(addBlock, router.match("POST", "/v1/blocks").route().endpoint());
        assertSame(removeBlock, router.match("DELETE", "/v1/blocks/198.18.1.0").route().endpoint());
        assertEquals(List.of(), router.match("GET", "/v1/blocks").parameters());
    }

    @Test
    void tellsWhichRoutesAreOpen() {
        assertTrue(router.match("GET", "/healthz").route().open());
        assertFalse(router.match("GET", "/v1/blocks").route().open());
    }

    @ParameterizedTest
    @CsvSource({
            "198.18.1.0%2F24, 198.18.1.0/24",
            "198.18.1.0%2f24, 198.18.1.0/24",
            "2001%3Adb8%3A%3A%2F32, 2001:db8::/32",
            "198.18.1.7, 198.18.1.7",
    })
    void decodesPathParameters(String segment, String decoded) {
        assertEquals(List.of(decoded), router.match("DELETE", "/v1/blocks/" + segment).parameters());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "", "/v1", "/v1/nothing", "/v1/blocks/", "/v1/blocks/198.18.1.0/24", "/v1/blocks/x/y",
            "/v1/blocks//", "/healthz/", "/V1/blocks", "/v1/blocks%2F198.18.1.0"})
    void anUnknownPathIs404(String path) {
        ApiException e = assertThrows(ApiException.class, () -> router.match("GET", path));
        assertEquals(404, e.status());
        assertEquals("not_found", e.code());
    }

    @Test
    void aKnownPathWithAnotherMethodIs405NamingTheAllowedOnes() {
        Router.MethodNotAllowed e = assertThrows(Router.MethodNotAllowed.class, () -> router.match("PUT", "/v1/blocks"));
        assertEquals(Set.of("GET", "POST"), e.allowed);
        Router.MethodNotAllowed p = assertThrows(Router.MethodNotAllowed.class,
                () -> router.match("GET", "/v1/blocks/198.18.1.0%2F24"));
        assertEquals(Set.of("DELETE"), p.allowed);
        assertThrows(Router.MethodNotAllowed.class, () -> router.match("POST", "/healthz"));
    }

    @Test
    void aMalformedEscapeIsABadArgumentNotAMatch() {
        assertThrows(IllegalArgumentException.class, () -> router.match("DELETE", "/v1/blocks/%zz"));
    }
}
