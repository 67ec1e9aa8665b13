package io.synguard.bench;

import io.synguard.config.Settings;
import io.synguard.flood.Sources;
import io.synguard.net.Prefix;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The attacks of the peers benchmark: what the generator sends and what each filter is told to
 * stop. Attack sources lie in 198.19.0.0/16; the device under test is 198.18.0.1.
 */
enum PeerScenario {
    /** One attacking address, blocked. */
    SINGLE_SOURCE("single-source", "fixed:198.19.0.66"),
    /** A large blocklist; the attack rotates over 65,536 of its entries, all of 198.19.0.0/16. */
    BLOCKLIST("blocklist-1m", "botnet:198.19.0.0+65536"),
    /**
     * Random sources from a /24, each well over the per-source SYN limit. (With many more sources,
     * each sends under the limit what the device under test manages to take in, and no per-source
     * limiter of any of the filters drops a thing: measured with a /20.)
     */
    RANDOM_SOURCE("random-source", "spoofed:198.19.0.0/24");

    /** synguard's default per-source limit, which every filter is given. */
    static final long RATE_LIMIT_PPS = Settings.DEFAULTS.rateLimit().synPps();
    static final long RATE_LIMIT_BURST = Settings.DEFAULTS.rateLimit().burst();
    /** The benchmark's own addresses: kept out of the synthetic part of the blocklist. */
    private static final Prefix BENCHMARK_RANGE = Prefix.parse("198.18.0.0/15");

    final String id;
    final Sources sources;

    PeerScenario(String id, String sources) {
        this.id = id;
        this.sources = Sources.parse(sources);
    }

    /** The attacking addresses, as IPv4 integers: every one a frame may come from. */
    int[] attackers() {
        return switch (this) {
            case SINGLE_SOURCE -> new int[]{address(198, 19, 0, 66)};
            case BLOCKLIST -> range(address(198, 19, 0, 0), 65536);
            case RANDOM_SOURCE -> range(address(198, 19, 0, 0), 256);
        };
    }

    /**
     * What a filter blocks, of size entries for the blocklist scenario: every attacker as a /32, the
     * rest synthetic (90% hosts, 10% /24s, outside the benchmark's range). None for the rate limiter.
     */
    List<Prefix> blocklist(int size) {
        return switch (this) {
            case SINGLE_SOURCE -> List.of(Prefix.parse("198.19.0.66"));
            case RANDOM_SOURCE -> List.of();
            case BLOCKLIST -> {
                int[] attackers = attackers();
                List<Prefix> list = new ArrayList<>(Math.max(size, attackers.length));
                for (int a : attackers) {
                    list.add(Prefix.parse(Blocklists.text(a)));
                }
                for (Prefix p : Blocklists.generate(Math.max(0, size - attackers.length) + 1000, 11).prefixes()) {
                    if (list.size() >= size) {
                        break;
                    }
                    if (!BENCHMARK_RANGE.contains(p)) {
                        list.add(p);
                    }
                }
                yield list;
            }
        };
    }

    /**
     * The reference doing the least work synguard must do against this attack: a parse and a
     * probe that stays in cache, or for a table far larger than the cache one random read.
     */
    String reference() {
        return this == BLOCKLIST ? "one_miss" : "parse_drop";
    }

    static PeerScenario of(String id) {
        return Arrays.stream(values()).filter(s -> s.id.equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no scenario " + id));
    }

    boolean rateLimited() {
        return this == RANDOM_SOURCE;
    }

    static int address(int a, int b, int c, int d) {
        return a << 24 | b << 16 | c << 8 | d;
    }

    private static int[] range(int first, int n) {
        int[] r = new int[n];
        for (int i = 0; i < n; i++) {
            r[i] = first + i;
        }
        return r;
    }
}
