package io.synguard.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import io.synguard.config.Settings;
import io.synguard.dataplane.RuleKind;
import io.synguard.json.Json;
import io.synguard.metrics.Metrics;
import io.synguard.net.Prefix;
import io.synguard.policy.Entry;
import io.synguard.policy.Listing;
import io.synguard.policy.Policy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The endpoints of API.md. Each validates everything before it changes anything. */
final class Endpoints {
    /** Entries one bulk import takes at most. */
    static final int MAX_BULK = 1_000_000;
    static final long MAX_TTL_S = 10L * 365 * 24 * 3600;
    static final int MAX_REASON = 1024;
    static final int MAX_TOP = 1000;
    /** Entries one page of a listing holds at most. */
    static final int MAX_LIST = 1_000_000;

    /** Reads one object where the parser stands; what follows is the caller's to check. */
    private static final ObjectReader RULE_POST = Json.mapper().readerFor(Views.RulePost.class)
            .without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** These endpoints in OpenAPI 3: {@code openapi.json} beside this class, written by hand. */
    private static final byte[] OPENAPI = readResource("openapi.json");

    private final Service service;
    private final Metrics metrics;
    private final Audit audit;

    Endpoints(Service service, Metrics metrics, Audit audit) {
        this.service = service;
        this.metrics = metrics;
        this.audit = audit;
    }

    Router router(boolean metricsPublic) {
        return new Router()
                .add("GET", "/healthz", true, r -> health())
                .add("GET", "/v1/status", false, r -> Response.json(200, Views.Status.of(service.status())))
                .add("GET", "/v1/blocks", false, r -> list(RuleKind.BLOCK, r))
                .add("POST", "/v1/blocks", false, r -> post(RuleKind.BLOCK, r))
                .add("DELETE", "/v1/blocks/{}", false, r -> delete(RuleKind.BLOCK, r))
                .add("GET", "/v1/allows", false, r -> list(RuleKind.ALLOW, r))
                .add("POST", "/v1/allows", false, r -> post(RuleKind.ALLOW, r))
                .add("DELETE", "/v1/allows/{}", false, r -> delete(RuleKind.ALLOW, r))
                .add("GET", "/v1/config", false, r -> Response.json(200, service.settings()))
                .add("PATCH", "/v1/config", false, this::configure)
                .add("GET", "/v1/top", false, this::top)
                .add("GET", "/v1/fleet", false, r -> Response.json(200, Views.Fleet.of(service.fleet())))
                .add("GET", "/v1/flowspec", false, r -> Response.json(200, Views.FlowSpec.of(service.flowspec())))
                .add("GET", "/metrics", metricsPublic, r -> Response.prometheus(200, metrics.snapshot()))
                .add("GET", "/v1/openapi.json", false, r -> new Response(200, Response.JSON, OPENAPI));
    }

    private Response health() {
        if (!service.attached()) {
            throw new ApiException(503, "not_attached", "the XDP program is not attached yet");
        }
        return Response.json(200, Map.of("status", "ok"));
    }

    /**
     * A list in {@link Prefix}'s order, streamed: all of it, or a page of {@code limit} entries after
     * the prefix {@code after}; a page that does not reach the end says where the next begins in a
     * {@code Link} header (RFC 8288, rel "next").
     */
    private Response list(RuleKind kind, Request r) {
        String limitText = single(r, "limit");
        int limit = limitText == null ? Integer.MAX_VALUE : whole("limit", limitText, 1, MAX_LIST);
        String afterText = single(r, "after");
        Prefix after = afterText == null ? null : prefix(afterText);
        Listing listing = service.lists().listing(kind, after, limit);
        Map<String, String> headers = listing.continuesAfter()
                .map(last -> Map.of("Link", "<" + r.path() + "?limit=" + limit + "&after="
                        + URLEncoder.encode(last.toString(), StandardCharsets.UTF_8) + ">; rel=\"next\""))
                .orElse(Map.of());
        return Response.streamed(Response.JSON, headers, new RuleArray(listing, service.fleet().host()));
    }

    /** A query parameter given at most once; null when absent. */
    private static String single(Request r, String name) {
        List<String> values = r.query().getOrDefault(name, List.of());
        if (values.size() > 1) {
            throw ApiException.badRequest(name + " is given " + values.size() + " times");
        }
        return values.isEmpty() ? null : values.getFirst();
    }

    /** A whole number in min..max, or 400 naming the parameter. */
    private static int whole(String name, String text, int min, int max) {
        int n;
        try {
            n = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest(name + " must be a whole number, was '" + text + "'");
        }
        if (n < min || n > max) {
            throw ApiException.badRequest(name + " must be " + min + ".." + max + ", was " + n);
        }
        return n;
    }

    private Response post(RuleKind kind, Request r) {
        byte[] body = r.body();
        try (JsonParser parser = Json.mapper().createParser(body)) {
            JsonToken first = parser.nextToken();
            if (first == JsonToken.START_OBJECT) {
                Policy.Request one = validate(RULE_POST.readValue(parser, Views.RulePost.class));
                requireEnd(parser);
                Policy.Change change = service.lists().put(kind, one);
                String self = service.fleet().host();
                audit.record(r, 201, change.before() == null ? null : Views.Rule.of(change.before(), 0, self),
                        Views.Rule.of(change.after(), 0, self));
                return Response.json(201, Views.Rule.of(change.after(), service.lists().hitsOf(kind, one.prefix()), self));
            }
            if (first == JsonToken.START_ARRAY) {
                List<Policy.Request> all = bulk(parser);
                requireEnd(parser);
                int added = service.lists().putAll(kind, all);
                audit.record(r, 201, null, new Views.Added(added));
                return Response.json(201, new Views.Added(added));
            }
            throw ApiException.badRequest("the body must be a JSON object, or an array of them");
        } catch (IOException e) {
            throw ApiException.badRequest("malformed JSON: " + Settings.reason(e));
        }
    }

    /**
     * The entries of a bulk import, validated, the parser standing on the array's start; it stops on
     * the array's end. Equal reasons become one string: a million entries of one reason hold it once.
     * {@link BulkImport#decode} takes the same path.
     */
    static List<Policy.Request> bulk(JsonParser parser) throws IOException {
        List<Policy.Request> all = new ArrayList<>();
        Map<String, String> reasons = new HashMap<>();
        for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
            if (t != JsonToken.START_OBJECT) {
                throw ApiException.badRequest("entry " + all.size() + ": not a JSON object");
            }
            if (all.size() == MAX_BULK) {
                throw new ApiException(413, "too_many", "a bulk import takes at most " + MAX_BULK + " entries");
            }
            Policy.Request r = validate(RULE_POST.readValue(parser, Views.RulePost.class), all.size());
            all.add(r.reason() == null ? r
                    : new Policy.Request(r.prefix(), r.ttl(), reasons.computeIfAbsent(r.reason(), k -> k)));
        }
        return all;
    }

    private Response delete(RuleKind kind, Request r) {
        Prefix p = prefix(r.parameter(0));
        Optional<Entry> removed = service.lists().remove(kind, p);
        if (removed.isEmpty()) {
            throw ApiException.notFound("no " + (kind == RuleKind.BLOCK ? "block" : "allow") + " for " + p);
        }
        audit.record(r, 204, Views.Rule.of(removed.get(), 0, service.fleet().host()), null);
        return Response.empty(204);
    }

    private Response configure(Request r) {
        JsonNode patch;
        try {
            patch = Json.mapper().readTree(r.body());
        } catch (IOException e) {
            throw ApiException.badRequest("malformed JSON: " + Settings.reason(e));
        }
        if (patch == null || !patch.isObject()) {
            throw ApiException.badRequest("the body must be a JSON object with the settings to change");
        }
        Settings before = service.settings();
        Settings after = service.configure(patch);
        audit.record(r, 200, before, after);
        return Response.json(200, after);
    }

    private Response top(Request r) {
        int limit = whole("limit", r.query("limit", "10"), 1, MAX_TOP);
        String by = r.query("by", "source");
        return switch (by) {
            case "source" -> Response.json(200, service.top(limit).stream().map(Views.Top::of).toList());
            case "destination" -> Response.json(200,
                    service.topDestinations(limit).stream().map(Views.Destination::of).toList());
            default -> throw ApiException.badRequest("by must be source or destination, was '" + by + "'");
        };
    }

    private static Policy.Request validate(Views.RulePost post) {
        return validate(post, -1);
    }

    private static Policy.Request validate(Views.RulePost post, int index) {
        String where = index < 0 ? "" : "entry " + index + ": ";
        if (post.prefix() == null) {
            throw ApiException.badRequest(where + "prefix is required");
        }
        Prefix p;
        try {
            p = Prefix.parse(post.prefix());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(where + e.getMessage());
        }
        if (post.ttlS() != null && (post.ttlS() < 1 || post.ttlS() > MAX_TTL_S)) {
            throw ApiException.badRequest(where + "ttl_s must be 1.." + MAX_TTL_S + ", was " + post.ttlS());
        }
        if (post.reason() != null && post.reason().length() > MAX_REASON) {
            throw ApiException.badRequest(where + "reason is longer than " + MAX_REASON + " characters");
        }
        return new Policy.Request(p, post.ttlS() == null ? null : Duration.ofSeconds(post.ttlS()), post.reason());
    }

    private static Prefix prefix(String text) {
        try {
            return Prefix.parse(text);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    private static byte[] readResource(String name) {
        try (InputStream in = Endpoints.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void requireEnd(JsonParser parser) throws IOException {
        if (parser.nextToken() != null) {
            throw ApiException.badRequest("malformed JSON: trailing content after the object");
        }
    }
}
