package io.synguard.flowspec;

import apipb.Gobgp;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A speaker's table in memory, keyed by match as a router keys FlowSpec; counts what is sent; can be away. */
final class FakeSpeaker implements Speaker {
    private final PathCodec codec = new PathCodec(PathCodecTest.COMMUNITY);
    final Map<FlowRule.Match, Gobgp.Path> table = new LinkedHashMap<>();
    final List<String> sent = new ArrayList<>();
    boolean away;
    /** Run at every call, as the time a speaker takes would pass. */
    Runnable onCall = () -> {};

    @Override
    public synchronized List<Held> ours() {
        check();
        return table.values().stream().filter(codec::ours).map(p -> new Held(codec.rule(p), p)).toList();
    }

    @Override
    public synchronized void add(FlowRule rule) {
        check();
        table.put(rule.match(), codec.path(rule));
        sent.add("add " + rule.source());
    }

    @Override
    public synchronized void withdraw(Held held) {
        check();
        table.values().remove(held.path());
        sent.add("withdraw " + (held.rule() == null ? "?" : held.rule().source()));
    }

    /** A path put in by hand, as gobgp's CLI would. */
    synchronized void putByHand(FlowRule match, Gobgp.Path path) {
        table.put(match.match(), path);
    }

    private void check() {
        onCall.run();
        if (away) {
            throw new SpeakerException("connection refused", null);
        }
    }

    @Override
    public void close() {}
}
