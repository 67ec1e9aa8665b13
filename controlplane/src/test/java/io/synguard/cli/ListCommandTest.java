package io.synguard.cli;

import com.sun.net.httpserver.HttpServer;
import io.synguard.json.Json;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@code synguard block} with no prefix lists the blocks page by page, against a daemon served by hand. */
class ListCommandTest {
    private static final int BLOCKS = Rules.PAGE * 2 + 7;

    @TempDir
    Path dir;

    @Test
    void listsEveryBlockAPageAtATime() throws Exception {
        List<String> asked = Collections.synchronizedList(new ArrayList<>());
        HttpServer daemon = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        daemon.createContext("/v1/blocks", exchange -> {
            String query = URLDecoder.decode(exchange.getRequestURI().getRawQuery(), StandardCharsets.UTF_8);
            asked.add(query);
            Map<String, String> params = new LinkedHashMap<>();
            for (String p : query.split("&")) {
                params.put(p.substring(0, p.indexOf('=')), p.substring(p.indexOf('=') + 1));
            }
            int from = params.containsKey("after") ? indexOf(params.get("after")) + 1 : 0;
            List<Map<String, Object>> page = new ArrayList<>();
            for (int i = from; i < Math.min(BLOCKS, from + Integer.parseInt(params.get("limit"))); i++) {
                page.add(Map.of("prefix", prefix(i), "origin", "operator", "hits", i, "created", "2026-11-24T12:00:00Z"));
            }
            byte[] body = Json.mapper().writeValueAsBytes(page);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        daemon.start();
        try {
            Path token = Files.writeString(dir.resolve("token"), "list-command-token");
            StringWriter out = new StringWriter();
            CommandLine cli = Main.commandLine();
            cli.setOut(new PrintWriter(out));
            int code = cli.execute("block", "--json", "--listen", "127.0.0.1:" + daemon.getAddress().getPort(),
                    "--token-file", token.toString());
            assertEquals(0, code);
            List<String> listed = new ArrayList<>();
            Json.mapper().readTree(out.toString()).forEach(b -> listed.add(b.get("prefix").asText()));
            assertEquals(BLOCKS, listed.size());
            assertEquals(prefix(BLOCKS - 1), listed.getLast());
            assertEquals(List.of("limit=" + Rules.PAGE, "limit=" + Rules.PAGE + "&after=" + prefix(Rules.PAGE - 1),
                    "limit=" + Rules.PAGE + "&after=" + prefix(2 * Rules.PAGE - 1)), asked);
        } finally {
            daemon.stop(0);
        }
    }

    private static String prefix(int i) {
        return "10." + (i >> 16) + "." + (i >> 8 & 0xff) + "." + (i & 0xff) + "/32";
    }

    private static int indexOf(String prefix) {
        String[] octets = prefix.substring(0, prefix.indexOf('/')).split("\\.");
        return Integer.parseInt(octets[1]) << 16 | Integer.parseInt(octets[2]) << 8 | Integer.parseInt(octets[3]);
    }
}
