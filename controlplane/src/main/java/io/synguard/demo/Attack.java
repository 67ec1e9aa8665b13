package io.synguard.demo;

import io.synguard.flood.Sources;
import io.synguard.net.Prefix;

/**
 * The two floods the demo sends, rate-capped so that a small host keeps serving its clients: both
 * from the attackers' range, which replies never reach.
 */
enum Attack {
    /** Few sources, each far over the per-source rate: synguard rate-limits them and blocks them. */
    BOTNET("botnet flood", "a botnet of 400 hosts in 198.19.0.0/23", "botnet:198.19.0.1+400", "198.19.0.0/23", 150_000),
    /** A new random source every SYN: nothing to block per source; the server's SYN cookies answer. */
    SPOOFED("spoofed flood", "random spoofed sources in 198.19.128.0/17", "spoofed:198.19.128.0/17", "198.19.128.0/17",
            50_000);

    final String title;
    final String description;
    final Sources sources;
    /** Every address the flood comes from is inside. */
    final Prefix range;
    /** SYNs a second. */
    final long rate;

    Attack(String title, String description, String sources, String range, long rate) {
        this.title = title;
        this.description = description;
        this.sources = Sources.parse(sources);
        this.range = Prefix.parse(range);
        this.rate = rate;
    }
}
