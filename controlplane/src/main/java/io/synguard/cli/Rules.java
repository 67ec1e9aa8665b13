package io.synguard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.synguard.json.Json;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the block/allow commands share: listing, adding (one or a file of them), removing. */
final class Rules {
    /** Entries a listing asks the daemon for at a time. */
    static final int PAGE = 10_000;

    private Rules() {}

    /**
     * Prints a list, asked for {@value #PAGE} entries at a time (each page after the last one's
     * prefix), so no answer of the daemon's is larger than a page.
     */
    static void list(ClientOptions client, String path, PrintWriter out) {
        ArrayNode rules = Json.mapper().createArrayNode();
        for (String after = null; ; ) {
            JsonNode page = client.client().get("/v1/" + path + "?limit=" + PAGE
                    + (after == null ? "" : "&after=" + ApiClient.encode(after)));
            page.forEach(rules::add);
            if (page.size() < PAGE) {
                break;
            }
            after = page.get(PAGE - 1).get("prefix").asText();
        }
        if (client.json) {
            out.println(rules.toPrettyString());
            return;
        }
        Table t = new Table("PREFIX", "ORIGIN", "HITS", "EXPIRES", "REASON").numeric(2);
        rules.forEach(r -> t.row(r.get("prefix").asText(), r.get("origin").asText(), r.get("hits").asLong(),
                r.get("expires").isNull() ? "never" : r.get("expires").asText(),
                r.get("reason").isNull() ? "" : r.get("reason").asText()));
        t.print(out);
    }

    static void add(ClientOptions client, String path, String prefix, Path file, String ttl, String reason,
                    PrintWriter out) {
        Long ttlS = ttl == null ? null : Durations.seconds(ttl);
        if (file != null) {
            List<Map<String, Object>> entries = new ArrayList<>();
            for (String p : prefixes(file)) {
                entries.add(entry(p, ttlS, reason));
            }
            JsonNode added = client.client().post("/v1/" + path, entries);
            out.println(client.json ? added.toPrettyString() : "added " + added.get("added").asLong() + " from " + file);
            return;
        }
        JsonNode r = client.client().post("/v1/" + path, entry(prefix, ttlS, reason));
        out.println(client.json ? r.toPrettyString() : r.get("prefix").asText() + (r.get("expires").isNull()
                ? " until removed" : " until " + r.get("expires").asText()));
    }

    static void remove(ClientOptions client, String path, String prefix, PrintWriter out) {
        client.client().delete("/v1/" + path + "/" + ApiClient.encode(prefix));
        out.println("removed " + prefix);
    }

    /** One prefix a line; blank lines and # comments skipped. */
    static List<String> prefixes(Path file) {
        try {
            return Files.readAllLines(file).stream().map(l -> l.replaceFirst("#.*", "").strip())
                    .filter(l -> !l.isEmpty()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static Map<String, Object> entry(String prefix, Long ttlS, String reason) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("prefix", prefix);
        if (ttlS != null) {
            m.put("ttl_s", ttlS);
        }
        if (reason != null) {
            m.put("reason", reason);
        }
        return m;
    }
}
