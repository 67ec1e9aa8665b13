package io.synguard.api;

import io.netty.handler.codec.http.QueryStringDecoder;

import java.util.List;
import java.util.Map;

/**
 * Who may do what: a request's route and its token, judged from its head alone, so that the
 * {@link Gate} can refuse it before its body is read and the {@link ApiHandler} can serve it after.
 */
final class Access {
    private final Router router;
    private final Tokens tokens;

    Access(Router router, Tokens tokens) {
        this.router = router;
        this.tokens = tokens;
    }

    /**
     * A request its head admits: what serves it, its path parameters and query (decoded), and the id
     * of its token (null on an open route).
     */
    record Admitted(Router.Match match, String path, Map<String, List<String>> query, String tokenId) {}

    /**
     * The route, query and token of a request; throws 404, 405 ({@link Router.MethodNotAllowed}),
     * 400 for a path or query that does not decode, 401 for a missing or wrong token, 403 for a
     * write with the read-only one.
     */
    Admitted check(String method, String uri, String authorization) {
        String path = pathOf(uri);
        Router.Match match;
        Map<String, List<String>> query;
        try {
            match = router.match(method, path);
            query = new QueryStringDecoder(uri).parameters();
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("the path or query does not decode: " + e.getMessage());
        }
        String tokenId = match.route().open() ? null : tokens.authenticate(authorization, !method.equals("GET"));
        return new Admitted(match, path, query, tokenId);
    }

    /** The path of a request's URI, undecoded. */
    static String pathOf(String uri) {
        int end = uri.indexOf('?');
        return end < 0 ? uri : uri.substring(0, end);
    }
}
