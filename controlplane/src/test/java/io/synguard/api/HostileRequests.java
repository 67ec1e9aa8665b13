package io.synguard.api;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

/**
 * Requests for a fuzz: each case made from its own seed, so that one case reproduces alone. A
 * case is valid (well formed, the main token, a known answer) or hostile (broken in its method,
 * path, encoding, headers, body, framing or token, alone or pipelined behind others). A case that
 * adds a rule adds only its own prefix: 198.18.x.y for a valid one, 198.19.x.y for a hostile one.
 */
public record HostileRequests(String token, String readToken) {

    /**
     * One case.
     *
     * @param bytes    what the client sends, all at once
     * @param expected the status a valid case must get; 0 for a hostile one, which may get any under 500
     * @param answers  answers a valid case must get; 1 for a hostile one (at least)
     * @param bodiless whether the first answer has no body (a HEAD)
     * @param prefix   the one prefix the case may add, or null
     * @param what     what it is, for a failure's message
     */
    public record Case(byte[] bytes, int expected, int answers, boolean bodiless, String prefix, String what) {}

    private static final String[] METHODS = {"GET", "POST", "DELETE", "PATCH", "PUT", "OPTIONS", "TRACE", "HEAD",
            "CONNECT", "FOO", "get", "G\u00e9T", "POST ", "", "\u0000"};
    private static final String[] PATHS = {"/v1/blocks", "/v1/allows", "/v1/status", "/v1/config", "/v1/top",
            "/healthz", "/metrics", "/v1/openapi.json", "/v1/blocks/198.19.255.1%2F32", "/", "*", "/v1/",
            "/v1/blocks/", "//v1//blocks", "/v1/../v1/blocks", "http://x/v1/blocks", "/v1/blocks/%", "/v1/blocks/%zz",
            "/v1/blocks/%c0%af", "/v1/blocks/%00", "/v1/blocks?x=%zz", "/v1/top?limit=%", "/v1/top?limit=-1",
            "/v1/top?limit=99999999999", "/v1/top?limit=1&limit=2", "/v1/status#frag", "/v1/blocks?\u00ff=\u00fe",
            "/v1/blocks/198.19.255.2%2f33", "/v1/\u00e9", "/ v1/blocks", "/v1/blocks\t"};
    private static final String[] TOKENS_OFFERED = {"wrong-token-0123456789", "", "Bearer", "\u00ff\u00fe"};

    public Case next(long seed, int index) {
        Random r = new Random(seed * 1_000_003L + index);
        String prefix = "198.19." + (index >> 8 & 0xff) + "." + (index & 0xff) + "/32";
        int kind = r.nextInt(20);
        if (kind < 5) {
            return valid(r, index);
        }
        return switch (kind) {
            case 5 -> hostile(head(r.nextBoolean() ? "POST" : "DELETE", r.nextBoolean() ? "/v1/blocks" : "/v1/allows",
                    offeredToken(r), body(r, prefix)), prefix, "a write without the main token");
            case 6 -> hostile(head(pick(r, METHODS), pick(r, PATHS), token, r.nextBoolean() ? body(r, prefix) : ""),
                    prefix, "a method and path from the lists");
            case 7 -> hostile(head("GET", randomPath(r), r.nextBoolean() ? token : null, ""), null, "a random path");
            case 8 -> hostile(headers(r, prefix), prefix, "odd headers");
            case 9, 10 -> hostile(head(r.nextBoolean() ? "POST" : "PATCH", r.nextBoolean() ? "/v1/blocks" : "/v1/config",
                    token, badBody(r, prefix)), prefix, "a bad body");
            case 11, 12 -> hostile(framing(r, prefix), prefix, "broken framing");
            case 13 -> hostile(garbage(r), null, "random bytes");
            case 14 -> hostile(pipeline(r, prefix), prefix, "a pipeline with a broken request in it");
            case 15 -> {
                String method = r.nextBoolean() ? "HEAD" : "OPTIONS";
                // a HEAD's answer has no body; so that the client knows, one the decoder can read
                byte[] bytes = head(method, PATHS[r.nextInt(9)], token, "");
                yield new Case(bytes, 0, 1, method.equals("HEAD"), null, method + " request");
            }
            case 16 -> hostile(head("POST", "/v1/blocks", readToken, body(r, prefix)), prefix, "a write with the read token");
            case 17 -> hostile(head("GET", "/v1/blocks?" + "q".repeat(8000 + r.nextInt(2000)), token, ""), null,
                    "a URI near 8 KiB");
            case 18 -> hostile(expectations(r, prefix), prefix, "an Expect header");
            default -> hostile(http10(r), null, "HTTP/1.0 or no Host");
        };
    }

    private Case valid(Random r, int index) {
        String prefix = "198.18." + (index >> 8 & 0xff) + "." + (index & 0xff) + "/32";
        return switch (r.nextInt(6)) {
            case 0 -> new Case(head("POST", "/v1/blocks", token, "{\"prefix\":\"" + prefix + "\",\"reason\":\"fuzz "
                    + index + "\"}"), 201, 1, false, prefix, "a valid block");
            case 1 -> new Case(head("GET", "/v1/status", token, ""), 200, 1, false, null, "GET /v1/status");
            case 2 -> new Case(head("GET", "/v1/top?limit=" + (1 + r.nextInt(1000)), readToken, ""), 200, 1, false, null,
                    "GET /v1/top with the read token");
            case 3 -> new Case(head("DELETE", "/v1/blocks/198.19.255." + r.nextInt(256) + "%2F32", token, ""), 404, 1,
                    false, null, "DELETE of no block");
            case 4 -> new Case(concat(head("GET", "/healthz", null, ""), head("GET", "/v1/config", token, ""),
                    head("GET", "/v1/allows", token, "")), 200, 3, false, null, "three pipelined GETs");
            default -> new Case(head("GET", "/healthz", null, ""), 200, 1, false, null, "GET /healthz");
        };
    }

    private static Case hostile(byte[] bytes, String prefix, String what) {
        return new Case(bytes, 0, 1, false, prefix, what);
    }

    private String offeredToken(Random r) {
        return switch (r.nextInt(5)) {
            case 0 -> null;
            case 1 -> readToken;
            case 2 -> token + "x";
            case 3 -> token.substring(1);
            default -> pick(r, TOKENS_OFFERED);
        };
    }

    private static String body(Random r, String prefix) {
        return r.nextBoolean() ? "{\"prefix\":\"" + prefix + "\"}" : "[{\"prefix\":\"" + prefix + "\",\"ttl_s\":60}]";
    }

    private static String badBody(Random r, String prefix) {
        String good = "{\"prefix\":\"" + prefix + "\"}";
        return switch (r.nextInt(12)) {
            case 0 -> good.substring(0, r.nextInt(good.length()));
            case 1 -> "[" + good + "," + good.substring(0, 5);
            case 2 -> "[".repeat(5000) + "]".repeat(5000);
            case 3 -> "{\"prefix\":\"" + prefix + "\",\"ttl_s\":1e999}";
            case 4 -> "{\"prefix\":\"" + prefix + "\",\"ttl_s\":\"soon\"}";
            case 5 -> "{\"prefix\":\"" + prefix + "\",\"colour\":1}";
            case 6 -> "{\"prefix\":\"300.1.1.1/8\"}";
            case 7 -> "[" + good + ",{\"prefix\":\"198.19.0.0/33\"}]";
            case 8 -> "{\"mode\":\"sleep\"}";
            case 9 -> "\u00ff\u00fe\u0000" + good;
            case 10 -> good + good;
            default -> "{\"prefix\":\"" + prefix + "\",\"reason\":\"" + "r".repeat(2000) + "\"}";
        };
    }

    private byte[] headers(Random r, String prefix) {
        String start = "POST /v1/blocks HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token + "\r\n";
        String body = "{\"prefix\":\"" + prefix + "\"}";
        String odd = switch (r.nextInt(9)) {
            case 0 -> ("X-Pad: " + "p".repeat(1000) + "\r\n").repeat(10 + r.nextInt(10));
            case 1 -> "X-Big: " + "b".repeat(15_000 + r.nextInt(3000)) + "\r\n";
            case 2 -> "No colon here\r\n";
            case 3 -> "X-Fold: a\r\n  folded\r\n";
            case 4 -> "X-Nul: a\u0000b\r\n";
            case 5 -> ": empty name\r\n";
            case 6 -> "X-\u00e9: 1\r\n";
            case 7 -> "Authorization: Bearer " + token + "\r\n";
            default -> "X-Many: 1\r\n".repeat(2000);
        };
        return latin1(start + odd + "Content-Length: " + body.length() + "\r\n\r\n" + body);
    }

    private byte[] framing(Random r, String prefix) {
        String start = "POST /v1/blocks HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token + "\r\n";
        String body = "{\"prefix\":\"" + prefix + "\"}";
        int n = body.length();
        String half = body.substring(0, n / 2);
        return latin1(start + switch (r.nextInt(14)) {
            case 0 -> "Content-Length: " + (n + 1 + r.nextInt(50)) + "\r\n\r\n" + body;
            case 1 -> "Content-Length: " + (n / 2) + "\r\n\r\n" + body;
            case 2 -> "Content-Length: -1\r\n\r\n" + body;
            case 3 -> "Content-Length: 1x\r\n\r\n" + body;
            case 4 -> "Content-Length: " + n + "\r\nContent-Length: " + (n + 1) + "\r\n\r\n" + body;
            case 5 -> "Content-Length: " + n + "\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked(body);
            case 6 -> "Transfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(half.length()) + "\r\n" + half + "\r\n";
            case 7 -> "Transfer-Encoding: chunked\r\n\r\nzz\r\n" + body + "\r\n0\r\n\r\n";
            case 8 -> "Transfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(n + 5) + "\r\n" + body + "\r\n0\r\n\r\n";
            case 9 -> "Transfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(n) + ";ext=1\r\n" + body
                    + "\r\n0\r\nX-Trailer: t\r\n\r\n";
            case 10 -> "Transfer-Encoding: gzip\r\n\r\n" + body;
            case 11 -> "Transfer-Encoding: chunked, chunked\r\n\r\n" + chunked(body);
            case 12 -> "Content-Length: 99999999999999999999\r\n\r\n" + body;
            default -> "Transfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\n" + body + "\r\n0\r\n\r\n";
        });
    }

    private byte[] expectations(Random r, String prefix) {
        String body = "{\"prefix\":\"" + prefix + "\"}";
        String expect = r.nextBoolean() ? "100-continue" : "teapot";
        String offered = r.nextBoolean() ? token : "wrong-token-0123456789";
        return latin1("POST /v1/blocks HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + offered + "\r\nExpect: " + expect
                + "\r\nContent-Length: " + (r.nextBoolean() ? body.length() : 70 << 20) + "\r\n\r\n");
    }

    private byte[] http10(Random r) {
        return latin1(switch (r.nextInt(3)) {
            case 0 -> "GET /v1/status HTTP/1.0\r\nAuthorization: Bearer " + token + "\r\n\r\n";
            case 1 -> "GET /v1/status HTTP/1.1\r\nAuthorization: Bearer " + token + "\r\n\r\n";
            default -> "GET /v1/status HTTP/2.0\r\nHost: x\r\n\r\n";
        });
    }

    private byte[] pipeline(Random r, String prefix) {
        List<byte[]> parts = new java.util.ArrayList<>();
        int n = 2 + r.nextInt(3);
        for (int i = 0; i < n; i++) {
            parts.add(switch (r.nextInt(4)) {
                case 0 -> head("GET", "/v1/blocks", token, "");
                case 1 -> head("GET", pick(r, PATHS), offeredToken(r), "");
                case 2 -> framing(r, prefix);
                default -> garbage(r);
            });
        }
        return concat(parts.toArray(byte[][]::new));
    }

    private static byte[] garbage(Random r) {
        byte[] b = new byte[1 + r.nextInt(2000)];
        r.nextBytes(b);
        return concat(b, latin1("\r\n\r\n"));
    }

    private static String randomPath(Random r) {
        StringBuilder p = new StringBuilder("/");
        int n = r.nextInt(80);
        for (int i = 0; i < n; i++) {
            p.append(switch (r.nextInt(6)) {
                case 0 -> '%';
                case 1 -> '/';
                case 2 -> (char) (0x80 + r.nextInt(0x80));
                case 3 -> "0123456789abcdefABCDEF".charAt(r.nextInt(22));
                case 4 -> "?&=#;+".charAt(r.nextInt(6));
                default -> (char) ('a' + r.nextInt(26));
            });
        }
        return p.toString();
    }

    private static String chunked(String body) {
        return Integer.toHexString(body.length()) + "\r\n" + body + "\r\n0\r\n\r\n";
    }

    static byte[] head(String method, String path, String bearer, String body) {
        StringBuilder h = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: x\r\n");
        if (bearer != null) {
            h.append("Authorization: Bearer ").append(bearer).append("\r\n");
        }
        byte[] content = body.getBytes(StandardCharsets.UTF_8);
        if (content.length > 0) {
            h.append("Content-Type: application/json\r\nContent-Length: ").append(content.length).append("\r\n");
        }
        return concat(latin1(h.append("\r\n").toString()), content);
    }

    private static byte[] latin1(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static <T> T pick(Random r, T[] from) {
        return from[r.nextInt(from.length)];
    }
}
