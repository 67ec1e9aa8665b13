package io.synguard.demo;

import io.synguard.net.Prefix;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The live view: once a second, synguard's status and new blocks from its API with the legitimate
 * clients' last second, printed as a line (and a line per new block), and kept for the summary.
 */
final class Watch {
    private final Api api;
    private final Scoreboard board;
    private final PrintWriter out;
    private final Set<Prefix> known = new HashSet<>();
    private final List<Second> seconds = new ArrayList<>();
    private List<Second.Block> standing = List.of();

    Watch(Api api, Scoreboard board, PrintWriter out) {
        this.api = api;
        this.board = board;
        this.out = out;
    }

    void header() {
        out.println(Lines.HEADER);
        out.flush();
    }

    /** Looks once: at seconds into the traffic, intoPhase into phase. */
    void look(Phase phase, long at, long intoPhase) {
        Second.Reading reading = Second.Reading.of(api.get("/v1/status"));
        List<Second.Block> fresh = new ArrayList<>();
        standing = Second.Block.of(api.get("/v1/blocks"));
        for (Second.Block b : standing) {
            if (known.add(b.prefix())) {
                fresh.add(b);
            }
        }
        Second s = new Second(phase, at, intoPhase, reading, fresh, board.takeRecent());
        boolean cookiesWere = !seconds.isEmpty() && seconds.getLast().reading().cookies();
        seconds.add(s);
        out.println(Lines.second(s));
        fresh.forEach(b -> out.println(Lines.block(b)));
        if (reading.cookies() != cookiesWere) {
            out.println(Lines.cookies(reading));
        }
        out.flush();
    }

    List<Second> seconds() {
        return List.copyOf(seconds);
    }

    /** The blocks as they were when it last looked. */
    List<Second.Block> standing() {
        return standing;
    }
}
