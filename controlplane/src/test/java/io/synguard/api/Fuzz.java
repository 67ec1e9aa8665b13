package io.synguard.api;

import io.synguard.net.RawHttp;
import com.fasterxml.jackson.databind.JsonNode;
import io.synguard.json.Json;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Sends {@link HostileRequests} cases to a server, each on its own connection, many at once, and
 * judges every answer: one must come within the time allowed, none may be a 5xx, every error is
 * {@code {"error","detail"}}, a valid case gets its status, and (when asked to check it) the
 * server ends each connection in time after its last answer.
 */
public final class Fuzz {
    private Fuzz() {}

    /**
     * What came of a run.
     *
     * @param cases     cases sent
     * @param answers   answers read
     * @param statuses  answers by status
     * @param added     prefixes some case of the run was answered 201 for
     * @param failures  what went wrong, one line each, with the case's number
     */
    public record Report(int cases, int answers, Map<Integer, Integer> statuses, Set<String> added, List<String> failures) {
        @Override
        public String toString() {
            return cases + " cases, " + answers + " answers " + statuses + ", " + failures.size() + " failures"
                    + (failures.isEmpty() ? "" : ":\n" + String.join("\n", failures.subList(0, Math.min(30, failures.size()))));
        }
    }

    /**
     * Runs cases 0..count-1 of seed with threads clients, each connection from connect. A case's
     * answers must come within answerWithin; the server must then end the connection within
     * closeWithin, or, closeWithin null, the client ends it once nothing more came for half a second.
     */
    public static Report run(HostileRequests requests, long seed, int count, int threads, Supplier<Socket> connect,
                             Duration answerWithin, Duration closeWithin) {
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        Set<String> added = ConcurrentHashMap.newKeySet();
        Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        AtomicInteger answers = new AtomicInteger();
        try (ExecutorService clients = Executors.newFixedThreadPool(threads)) {
            for (int i = 0; i < count; i++) {
                int index = i;
                clients.execute(() -> {
                    HostileRequests.Case c = requests.next(seed, index);
                    try {
                        for (RawHttp.Response r : exchange(c, connect, answerWithin, closeWithin)) {
                            answers.incrementAndGet();
                            statuses.computeIfAbsent(r.status(), s -> new AtomicInteger()).incrementAndGet();
                            if (r.status() == 201 && c.prefix() != null) {
                                added.add(c.prefix());
                            }
                        }
                    } catch (IOException | RuntimeException | AssertionError e) {
                        failures.add("case " + index + " of seed " + seed + " (" + c.what() + "): " + e.getMessage());
                    }
                });
            }
        }
        Map<Integer, Integer> byStatus = new TreeMap<>();
        statuses.forEach((s, n) -> byStatus.put(s, n.get()));
        return new Report(count, answers.get(), byStatus, added, List.copyOf(failures));
    }

    private static List<RawHttp.Response> exchange(HostileRequests.Case c, Supplier<Socket> connect,
                                                   Duration within, Duration closeWithin) throws IOException {
        List<RawHttp.Response> got = new ArrayList<>();
        Socket socket = connect.get();
        try (RawHttp http = new RawHttp(socket, (int) within.toMillis())) {
            try {
                http.send(c.bytes());
            } catch (IOException closedWhileSending) {
                // a server may answer and close before it has read everything
            }
            for (int i = 0; i < c.answers(); i++) {
                try {
                    got.add(judge(http.read(i == 0 && c.bodiless()), c));
                } catch (SocketTimeoutException e) {
                    throw new AssertionError("no answer " + (i + 1) + " within " + within.toMillis() + " ms");
                }
            }
            socket.setSoTimeout(closeWithin == null ? 500 : (int) closeWithin.toMillis());
            while (true) {
                RawHttp.Response more;
                try {
                    more = http.next();
                } catch (SocketTimeoutException e) {
                    if (closeWithin == null) {
                        break;
                    }
                    throw new AssertionError("the connection stayed open " + closeWithin.toMillis()
                            + " ms after its answers " + statusesOf(got));
                }
                if (more == null) {
                    break;
                }
                got.add(judge(more, c));
            }
        }
        if (c.expected() != 0) {
            for (int i = 0; i < c.answers(); i++) {
                if (got.get(i).status() != c.expected()) {
                    throw new AssertionError("expected " + c.expected() + ", got " + statusesOf(got) + ": " + got.get(i).body());
                }
            }
        }
        return got;
    }

    private static RawHttp.Response judge(RawHttp.Response r, HostileRequests.Case c) throws IOException {
        if (r.status() >= 500) {
            throw new AssertionError("answered " + r.status() + ": " + r.body());
        }
        if (r.status() >= 400 && !r.body().isEmpty()) {
            JsonNode error = Json.mapper().readTree(r.body());
            if (error.size() != 2 || !error.path("error").isTextual() || !error.path("detail").isTextual()) {
                throw new AssertionError("an error of another shape: " + r.body());
            }
        }
        return r;
    }

    private static List<Integer> statusesOf(List<RawHttp.Response> got) {
        return got.stream().map(RawHttp.Response::status).toList();
    }
}
