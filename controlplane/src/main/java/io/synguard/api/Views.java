package io.synguard.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.synguard.dataplane.Abi.Counter;
import io.synguard.dataplane.Counters;
import io.synguard.detect.DestinationRates;
import io.synguard.detect.SourceRates;
import io.synguard.fleet.FleetStatus;
import io.synguard.flowspec.FlowRule;
import io.synguard.flowspec.FlowSpecStatus;
import io.synguard.net.Prefix;
import io.synguard.policy.Entry;
import io.synguard.policy.Origin;
import io.synguard.policy.Policy;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/** The JSON shapes of API.md: the contract other tools rely on. Times are RFC 3339, UTC, whole seconds. */
public final class Views {
    private Views() {}

    public static String time(Instant t) {
        return t == null ? null : t.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    /**
     * A block or an allow; host, the fleet member that made it: the one it was learnt from, or this
     * host (self) for its own entries while it is in a fleet; absent outside a fleet.
     */
    public record Rule(String prefix, Origin origin, String reason, String created, String expires, long hits,
                       @JsonInclude(JsonInclude.Include.NON_NULL) String host) {
        static Rule of(Entry e, long hits, String self) {
            return new Rule(e.prefix().toString(), e.origin(), e.reason(), time(e.created()), time(e.expires()), hits,
                    e.host() != null ? e.host() : self);
        }

        static Rule of(Policy.Listed l, String self) {
            return of(l.entry(), l.hits(), self);
        }
    }

    /** What a bulk import did. */
    public record Added(long added) {}

    /** One source of {@code GET /v1/top}. */
    public record Top(String address, long synPps, long droppedPps) {
        static Top of(SourceRates.SourceRate s) {
            // addressText: IPv6 as RFC 5952 writes it, like every prefix the API shows
            return new Top(Prefix.host(s.address()).addressText(), Math.round(s.synPps()), Math.round(s.droppedPps()));
        }
    }

    /** One destination of {@code GET /v1/top?by=destination}, and an attack's victim. */
    public record Destination(String address, int port, long synPps) {
        static Destination of(DestinationRates.DestinationRate d) {
            return d == null ? null : new Destination(Prefix.host(d.address()).addressText(), d.port(),
                    Math.round(d.synPps()));
        }
    }

    /**
     * {@code GET /v1/status}: the shape of API.md, which it extends by {@code attack.kind},
     * {@code attack.baseline_pps}, {@code attack.peak_syn_pps}, {@code attack.offenders},
     * {@code attack.learning}, {@code attack.learning_until}, {@code attack.victim} and {@code lists}.
     */
    public record Status(@JsonProperty("interface") String iface, String attachMode, String mode, long uptimeS, Attack attack, Totals totals,
                         Rates rates, Lists lists, Cookies cookies) {
        static Status of(io.synguard.detect.Status s) {
            io.synguard.detect.Status.Rates r = s.rates();
            io.synguard.detect.Status.Lists l = s.lists();
            return new Status(s.iface(), s.attachMode(), s.mode().text(), s.uptime().toSeconds(), Attack.of(s.attack()),
                    Totals.of(s.totals()), new Rates(r.packetsPps(), r.synPps(), r.droppedPps()),
                    new Lists(l.blocksOperator(), l.blocksAuto(), l.allows()), Cookies.of(s.cookies()));
        }
    }

    /**
     * @param kind "sources" when offenders can be blocked one by one, "random_sources" when the
     *             flood comes from sources too scattered for that; null without an attack
     * @param learning      whether the baseline is being learnt: only a rate over the hard threshold
     *                      is an attack meanwhile
     * @param learningUntil when learning ends; null once the baseline is learnt
     * @param victim        the destination the attack's SYNs go to most; null without an attack
     */
    public record Attack(boolean active, String since, long synPps, long thresholdPps, String kind, long baselinePps,
                         long peakSynPps, long offenders, boolean learning, String learningUntil, Destination victim) {
        static Attack of(io.synguard.detect.Status.Attack a) {
            return new Attack(a.active(), time(a.since()), a.synPps(), a.thresholdPps(),
                    !a.active() ? null : a.randomSources() ? "random_sources" : "sources", a.baselinePps(),
                    a.peakSynPps(), a.offenders(), a.learningUntil() != null, time(a.learningUntil()),
                    Destination.of(a.victim()));
        }
    }

    public record Totals(long packets, long tcp, long syn, long synPassed, long droppedBlocklist, long droppedRatelimit,
                         long passedAllowlist, long malformed, long cookiesSent, long cookiesValidated,
                         long cookiesRejected) {
        static Totals of(Counters.Snapshot c) {
            return new Totals(c.get(Counter.PACKETS), c.get(Counter.TCP), c.get(Counter.SYN), c.get(Counter.SYN_PASSED),
                    c.get(Counter.DROPPED_BLOCKLIST), c.get(Counter.DROPPED_RATELIMIT), c.get(Counter.PASSED_ALLOWLIST),
                    c.get(Counter.MALFORMED), c.get(Counter.COOKIES_SENT), c.get(Counter.COOKIES_VALIDATED),
                    c.get(Counter.COOKIES_REJECTED));
        }
    }

    /** The cookie step of API.md: {@code method} is kfunc, kernel or unavailable. */
    public record Cookies(String mode, boolean active, String since, String method) {
        static Cookies of(io.synguard.detect.Status.Cookies c) {
            return new Cookies(c.mode().text(), c.active(), time(c.since()), c.method());
        }
    }

    public record Rates(long packetsPps, long synPps, long droppedPps) {}

    public record Lists(long blocksOperator, long blocksAuto, long allows) {}

    /** {@code GET /v1/fleet}. */
    public record Fleet(String engine, String host, boolean connected, List<Member> members, long revision,
                        int pending, String lastSync, long published, long applied, long relists) {
        static Fleet of(FleetStatus f) {
            return new Fleet(f.engine(), f.host(), f.connected(),
                    f.members().stream().map(m -> new Member(m.host(), time(m.lastHeartbeat()))).toList(), f.revision(),
                    f.pending(), time(f.lastSync()), f.published(), f.applied(), f.relists());
        }
    }

    public record Member(String host, String lastHeartbeat) {}

    /** {@code GET /v1/flowspec}. */
    public record FlowSpec(String speaker, String target, boolean connected, String action, int max,
                           List<Announced> announced, int eligible, int localOnly, int excluded, String lastReconcile,
                           long added, long withdrawn, int failures, String lastError, String retryAt) {
        static FlowSpec of(FlowSpecStatus f) {
            return new FlowSpec(f.speaker(), f.target(), f.connected(), f.action(), f.max(),
                    f.announced().stream().map(Announced::of).toList(), f.eligible(), f.localOnly(), f.excluded(),
                    time(f.lastReconcile()), f.added(), f.withdrawn(), f.failures(), f.lastError(), time(f.retryAt()));
        }
    }

    /** One FlowSpec rule: TCP with SYN and not ACK from source to destination (null: any). */
    public record Announced(String source, String destination, String protocol, String tcpFlags, String action) {
        static Announced of(FlowRule r) {
            return new Announced(r.source().toString(), r.destination() == null ? null : r.destination().toString(),
                    "tcp", "syn&!ack", r.action().text());
        }
    }

    /** A body of {@code POST /v1/blocks} or {@code /v1/allows}. */
    public record RulePost(String prefix, Long ttlS, String reason) {}
}
