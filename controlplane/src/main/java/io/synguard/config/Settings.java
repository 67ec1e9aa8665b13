package io.synguard.config;

import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.synguard.json.Json;

import java.io.IOException;
import java.util.Iterator;
import java.util.Map;

/**
 * What an operator sets, in the shape of {@code GET /v1/config}: the mode, the per-source rate limit,
 * the detector's knobs and when SYN cookies answer. Immutable; {@link #patched} makes a new one.
 *
 * @param mode      enforce drops; monitor only counts what it would drop
 * @param rateLimit per-source SYN rate limit
 * @param detection attack detection and automatic blocking
 * @param cookies   when synguard answers SYNs with SYN cookies; absent (an older journal) means auto
 */
public record Settings(Mode mode, RateLimit rateLimit, Detection detection, Cookies cookies) {
    public static final Settings DEFAULTS = new Settings(Mode.ENFORCE, new RateLimit(100, 200),
            new Detection(1000, 5000, true, 600, 3.0, 24, 64, 8, 300, 50_000), Cookies.AUTO);

    public Settings {
        if (mode == null || rateLimit == null || detection == null) {
            throw new IllegalArgumentException("mode, rate_limit and detection are all required");
        }
        if (cookies == null) {
            cookies = Cookies.AUTO;
        }
    }

    /** These settings in another mode. */
    public Settings withMode(Mode m) {
        return new Settings(m, rateLimit, detection, cookies);
    }

    /** The mode. */
    public enum Mode {
        ENFORCE, MONITOR;

        @JsonValue
        public String text() {
            return name().toLowerCase();
        }
    }

    /** When SYN cookies answer: never, while a random-source attack lasts, or always. */
    public enum Cookies {
        OFF, AUTO, ALWAYS;

        @JsonValue
        public String text() {
            return name().toLowerCase();
        }
    }

    /**
     * @param synPps SYNs a second one source may send; 0 turns per-source limiting off
     * @param burst  SYNs it may send at once
     */
    public record RateLimit(long synPps, long burst) {
        public RateLimit {
            check(synPps >= 0 && synPps <= 1_000_000, "rate_limit.syn_pps must be 0..1000000, was " + synPps);
            check(burst >= 1 && burst <= 1_000_000, "rate_limit.burst must be 1..1000000, was " + burst);
        }
    }

    /**
     * @param intervalMs       how often counters are read and the detector steps
     * @param minThresholdPps  the attack threshold never goes below this many SYNs a second
     * @param autoBlock        whether offenders are blocked automatically during an attack
     * @param autoBlockTtlS    how long an automatic block lasts
     * @param thresholdFactor  the threshold is this many times the baseline SYN rate
     * @param widenV4Len       offenders inside one IPv4 prefix of this length are blocked as a whole
     * @param widenV6Len       likewise for IPv6
     * @param widenMinSources  how many offenders of one prefix make it widen
     * @param learningS        how long a daemon without a kept baseline learns the normal SYN rate first;
     *                         while it does, only a rate over hardThresholdPps is an attack
     * @param hardThresholdPps the SYN rate that is an attack while learning
     */
    public record Detection(long intervalMs, long minThresholdPps, boolean autoBlock, long autoBlockTtlS,
                            double thresholdFactor, int widenV4Len, int widenV6Len, int widenMinSources,
                            long learningS, long hardThresholdPps) {
        public Detection {
            check(intervalMs >= 100 && intervalMs <= 60_000, "detection.interval_ms must be 100..60000, was " + intervalMs);
            check(minThresholdPps >= 1, "detection.min_threshold_pps must be >= 1, was " + minThresholdPps);
            check(autoBlockTtlS >= 1 && autoBlockTtlS <= 31_536_000,
                    "detection.auto_block_ttl_s must be 1..31536000, was " + autoBlockTtlS);
            check(thresholdFactor >= 1.1 && thresholdFactor <= 1000,
                    "detection.threshold_factor must be 1.1..1000, was " + thresholdFactor);
            check(widenV4Len >= 8 && widenV4Len <= 31, "detection.widen_v4_len must be 8..31, was " + widenV4Len);
            check(widenV6Len >= 16 && widenV6Len <= 127, "detection.widen_v6_len must be 16..127, was " + widenV6Len);
            check(widenMinSources >= 2, "detection.widen_min_sources must be >= 2, was " + widenMinSources);
            check(learningS >= 0 && learningS <= 604_800, "detection.learning_s must be 0..604800, was " + learningS);
            check(hardThresholdPps >= 1 && hardThresholdPps <= 1_000_000_000L,
                    "detection.hard_threshold_pps must be 1..1000000000, was " + hardThresholdPps);
        }
    }

    /** Reads a whole settings document, strictly. */
    public static Settings parse(JsonNode document) {
        try {
            return Json.mapper().treeToValue(document, Settings.class);
        } catch (IOException e) {
            throw new IllegalArgumentException(reason(e), e);
        }
    }

    /**
     * Settings journaled by this or an earlier version: a field added since it was written takes its
     * default.
     */
    public static Settings restore(JsonNode journaled) {
        return DEFAULTS.patched(journaled);
    }

    /**
     * These settings with patch merged over them (JSON merge patch: a field names what changes,
     * an object recurses); the same checks as a whole document.
     */
    public Settings patched(JsonNode patch) {
        if (!patch.isObject()) {
            throw new IllegalArgumentException("a config patch is a JSON object");
        }
        ObjectNode merged = Json.mapper().valueToTree(this);
        merge(merged, (ObjectNode) patch);
        return parse(merged);
    }

    public JsonNode toJson() {
        return Json.mapper().valueToTree(this);
    }

    private static void merge(ObjectNode target, ObjectNode patch) {
        for (Iterator<Map.Entry<String, JsonNode>> it = patch.properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode into = target.get(e.getKey());
            if (into instanceof ObjectNode o && e.getValue() instanceof ObjectNode p) {
                merge(o, p);
            } else {
                target.set(e.getKey(), e.getValue());
            }
        }
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    private static String path(com.fasterxml.jackson.databind.JsonMappingException m) {
        return String.join(".", m.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]").toList());
    }

    /** A sentence for a reading failure, without Jackson's source-location noise. */
    public static String reason(IOException e) {
        Throwable cause = e.getCause() instanceof IllegalArgumentException iae ? iae : e;
        if (cause instanceof IllegalArgumentException) {
            return cause.getMessage();
        }
        if (e instanceof com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException u) {
            return "unknown field '" + u.getPropertyName() + "'";
        }
        if (e instanceof com.fasterxml.jackson.databind.exc.InvalidFormatException f && f.getTargetType().isEnum()) {
            return "'" + f.getValue() + "' is not one of " + String.join(", ", java.util.Arrays.stream(
                    f.getTargetType().getEnumConstants()).map(c -> c.toString().toLowerCase()).toList())
                    + " at '" + path(f) + "'";
        }
        if (e instanceof com.fasterxml.jackson.databind.exc.MismatchedInputException m && !m.getPath().isEmpty()) {
            return "wrong type or missing value at '" + path(m) + "'";
        }
        String m = e.getMessage();
        int at = m == null ? -1 : m.indexOf("\n at [");
        return at < 0 ? String.valueOf(m) : m.substring(0, at);
    }
}
