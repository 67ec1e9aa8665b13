package io.synguard.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.synguard.net.Prefix;

import java.util.ArrayList;
import java.util.List;

/**
 * What the demo saw of synguard in one second: its status, the blocks that appeared, and the
 * legitimate clients' visits of that second.
 *
 * @param at        seconds since the traffic began
 * @param intoPhase seconds since the phase began
 */
record Second(Phase phase, long at, long intoPhase, Reading reading, List<Block> newBlocks, Tally visits) {

    /**
     * The figures of {@code GET /v1/status} the demo shows.
     *
     * @param cookies     whether SYNs are answered with cookies from XDP now
     * @param cookiesSent SYNs answered so, since the maps were made
     */
    record Reading(long packetsPps, long synPps, long droppedPps, boolean attack, boolean randomSources,
                   long thresholdPps, long autoBlocks, boolean cookies, long cookiesSent) {
        static Reading of(JsonNode status) {
            JsonNode rates = status.get("rates");
            JsonNode attack = status.get("attack");
            return new Reading(rates.get("packets_pps").asLong(), rates.get("syn_pps").asLong(),
                    rates.get("dropped_pps").asLong(), attack.get("active").asBoolean(),
                    "random_sources".equals(attack.path("kind").asText()), attack.get("threshold_pps").asLong(),
                    status.get("lists").get("blocks_auto").asLong(), status.get("cookies").get("active").asBoolean(),
                    status.get("totals").get("cookies_sent").asLong());
        }

        /** An attack is on and its SYN rate over the threshold: a flood synguard sees now, not its calm tail. */
        boolean flooded() {
            return attack && synPps > thresholdPps;
        }
    }

    /** A block of {@code GET /v1/blocks}. */
    record Block(Prefix prefix, String origin, String reason) {
        static List<Block> of(JsonNode blocks) {
            List<Block> all = new ArrayList<>();
            for (JsonNode b : blocks) {
                all.add(new Block(Prefix.parse(b.get("prefix").asText()), b.get("origin").asText(),
                        b.path("reason").asText("")));
            }
            return all;
        }

        boolean auto() {
            return origin.equals("auto");
        }
    }
}
