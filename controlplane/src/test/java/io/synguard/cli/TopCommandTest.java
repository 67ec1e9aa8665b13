package io.synguard.cli;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code synguard top} against a stand-in for the daemon's API that answers as API.md says. */
class TopCommandTest {
    private static final String SOURCES = "[{\"address\":\"198.18.1.7\",\"syn_pps\":120000,\"dropped_pps\":119900}]";
    private static final String DESTINATIONS = "[{\"address\":\"198.18.0.1\",\"port\":80,\"syn_pps\":120000},"
            + "{\"address\":\"2001:2::1\",\"port\":443,\"syn_pps\":11}]";
    private static final String STATUS = "{\"cookies\":{\"active\":false}}";

    @TempDir
    Path dir;

    private HttpServer server;
    private final List<String> asked = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String uri = exchange.getRequestURI().toString();
            asked.add(uri);
            String query = exchange.getRequestURI().getQuery();
            byte[] body = (uri.startsWith("/v1/status") ? STATUS
                    : query.contains("by=destination") ? DESTINATIONS : SOURCES).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        Files.writeString(dir.resolve("token"), "cli-test-token\n");
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    /** What the command printed; it must succeed. */
    private String top(String... args) {
        StringWriter out = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out));
        List<String> all = new ArrayList<>(List.of("top", "--listen", "127.0.0.1:" + server.getAddress().getPort(),
                "--token-file", dir.resolve("token").toString()));
        all.addAll(List.of(args));
        assertEquals(0, cli.execute(all.toArray(String[]::new)), out.toString());
        return out.toString();
    }

    @Test
    void byDestinationAsksForDestinationsAndShowsTheirPorts() {
        String out = top("--by", "destination", "-n", "5");
        assertEquals("/v1/top?limit=5&by=destination", asked.getFirst());
        List<String> lines = out.lines().toList();
        assertTrue(lines.get(0).matches("ADDRESS\\s+PORT\\s+SYN/S"), out);
        assertTrue(lines.get(1).matches("198\\.18\\.0\\.1\\s+80\\s+120000"), out);
        assertTrue(lines.get(2).matches("2001:2::1\\s+443\\s+11"), out);
    }

    @Test
    void sourcesAreTheDefault() {
        String out = top();
        assertEquals("/v1/top?limit=10", asked.getFirst());
        assertTrue(out.lines().findFirst().orElseThrow().matches("ADDRESS\\s+SYN/S\\s+DROPPED/S"), out);
    }
}
