package io.synguard.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.PrintWriter;

import picocli.CommandLine.Command;

@Command(name = "status", description = "What synguard sees now: attack state, rates, totals, SYN cookies, list sizes.")
final class StatusCommand extends ViewCommand {
    StatusCommand() {
        super("/v1/status");
    }

    @Override
    void print(JsonNode s, PrintWriter out) {
        JsonNode a = s.get("attack");
        JsonNode r = s.get("rates");
        JsonNode t = s.get("totals");
        JsonNode l = s.get("lists");
        out.printf("interface  %s (%s mode), %s, up %ds%n", s.get("interface").asText(), s.get("attach_mode").asText(),
                s.get("mode").asText(), s.get("uptime_s").asLong());
        if (a.get("active").asBoolean()) {
            out.printf("attack     ACTIVE since %s: %d SYN/s (peak %d), threshold %d SYN/s, %d offenders%s%n",
                    a.get("since").asText(), a.get("syn_pps").asLong(), a.get("peak_syn_pps").asLong(),
                    a.get("threshold_pps").asLong(), a.get("offenders").asLong(),
                    "random_sources".equals(a.get("kind").asText()) ? " (random sources: blocking cannot help)" : "");
            JsonNode v = a.path("victim");
            if (v.isObject()) {
                out.printf("victim     %s port %d: %d SYN/s%n", v.get("address").asText(), v.get("port").asInt(),
                        v.get("syn_pps").asLong());
            }
        } else {
            out.printf("attack     none (threshold %d SYN/s, baseline %d SYN/s)%n", a.get("threshold_pps").asLong(),
                    a.get("baseline_pps").asLong());
        }
        if (a.path("learning").asBoolean()) {
            out.printf("learning   the normal SYN rate until %s: only a rate over the threshold above is an attack%n",
                    a.get("learning_until").asText());
        }
        out.printf("rates      %d packets/s, %d SYN/s, %d dropped/s%n", r.get("packets_pps").asLong(),
                r.get("syn_pps").asLong(), r.get("dropped_pps").asLong());
        out.printf("totals     %d packets, %d SYN, %d passed, dropped %d by blocklist and %d by rate limit,"
                        + " %d passed by allowlist, %d malformed%n", t.get("packets").asLong(), t.get("syn").asLong(),
                t.get("syn_passed").asLong(), t.get("dropped_blocklist").asLong(), t.get("dropped_ratelimit").asLong(),
                t.get("passed_allowlist").asLong(), t.get("malformed").asLong());
        out.println("cookies    " + cookies(s));
        out.printf("lists      %d blocks (%d operator, %d auto), %d allows%n",
                l.get("blocks_operator").asLong() + l.get("blocks_auto").asLong(), l.get("blocks_operator").asLong(),
                l.get("blocks_auto").asLong(), l.get("allows").asLong());
    }

    /** The cookie step of a status: on or off, setting, method, since when, and its three totals. */
    static String cookies(JsonNode status) {
        JsonNode c = status.get("cookies");
        JsonNode t = status.get("totals");
        return String.format("%s (%s, method %s%s): %d sent, %d validated, %d rejected",
                c.get("active").asBoolean() ? "ON" : "off", c.get("mode").asText(), c.get("method").asText(),
                c.get("since").isNull() ? "" : ", since " + c.get("since").asText(), t.get("cookies_sent").asLong(),
                t.get("cookies_validated").asLong(), t.get("cookies_rejected").asLong());
    }
}
