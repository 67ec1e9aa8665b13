package io.synguard.api;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Routes by method and path. A pattern's {@code {}} segments capture one path segment each, decoded
 * (so {@code 198.18.1.0%2F24} is {@code 198.18.1.0/24}). A path no pattern fits is 404; a path that
 * fits with another method is 405.
 */
final class Router {
    private final List<Route> routes = new ArrayList<>();

    /** Adds a route; authenticated unless open. */
    Router add(String method, String pattern, boolean open, Endpoint endpoint) {
        routes.add(new Route(method, pattern.split("/", -1), open, endpoint));
        return this;
    }

    /** The route for method and path (undecoded); throws 404 or 405. */
    Match match(String method, String path) {
        String[] segments = path.split("/", -1);
        Set<String> allowed = new LinkedHashSet<>();
        for (Route r : routes) {
            List<String> params = r.capture(segments);
            if (params == null) {
                continue;
            }
            if (r.method.equals(method)) {
                return new Match(r, params);
            }
            allowed.add(r.method);
        }
        if (allowed.isEmpty()) {
            throw ApiException.notFound("no such path: " + path);
        }
        throw new MethodNotAllowed(allowed);
    }

    /** The routes, in the order they were added. */
    List<Route> routes() {
        return List.copyOf(routes);
    }

    /** The methods a path allows, for the Allow header. */
    static final class MethodNotAllowed extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient Set<String> allowed;

        MethodNotAllowed(Set<String> allowed) {
            super("method not allowed here; allowed: " + String.join(", ", allowed));
            this.allowed = allowed;
        }
    }

    /** What serves one request. */
    @FunctionalInterface
    interface Endpoint {
        Response serve(Request request);
    }

    record Match(Route route, List<String> parameters) {}

    record Route(String method, String[] segments, boolean open, Endpoint endpoint) {
        /** The pattern it was added with, such as {@code /v1/blocks/{}}. */
        String pattern() {
            return String.join("/", segments);
        }

        List<String> capture(String[] path) {
            if (path.length != segments.length) {
                return null;
            }
            List<String> params = new ArrayList<>();
            for (int i = 0; i < path.length; i++) {
                if (segments[i].equals("{}")) {
                    if (path[i].isEmpty()) {
                        return null;
                    }
                    params.add(URLDecoder.decode(path[i], StandardCharsets.UTF_8));
                } else if (!segments[i].equals(path[i])) {
                    return null;
                }
            }
            return params;
        }
    }
}
