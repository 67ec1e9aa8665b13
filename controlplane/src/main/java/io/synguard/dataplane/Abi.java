package io.synguard.dataplane;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * The Java mirror of {@code dataplane-bpf/include/synguard_abi.h}: constants, and layouts whose
 * member names are the C field names. AbiMirrorTest holds every one of them against the BTF of the
 * compiled object, and {@link Dataplane} checks the layouts again before it loads anything.
 */
public final class Abi {
    public static final int ABI_VERSION = 3;
    public static final int WINDOW_SHIFT = 30;
    public static final int RULE_MAX_PROBE = 64;
    public static final int RATE_WAYS = 4;
    public static final int HIT_LINE = 64;
    public static final int T16_LONG_MASK = 0xffff;
    public static final int T16_SHORT_SHIFT = 16;
    public static final int T16_SHORT_MASK = 0x3f;
    public static final int META_AUTO = 0x1;
    public static final int COOKIE_COUNT_SHIFT = 36;
    public static final int COOKIE_ACK_BURST = 16;
    public static final int VICTIM_SLOT_BITS = 8;
    public static final int VICTIM_SLOTS = 256;
    public static final int VICTIM_VOTES_MAX = 1024;

    public static final int COOKIES_OFF = 0;
    public static final int COOKIES_OWN = 1;
    public static final int COOKIES_KERNEL = 2;

    public static final int MODE_ENFORCE = 0;
    public static final int MODE_MONITOR = 1;

    public static final int RULE_EMPTY = 0;
    public static final int RULE_TOMBSTONE = -1;

    public static final int FAMILY_V4 = 4;
    public static final int FAMILY_V6 = 6;

    public static final int KIND_BLOCK = 1;
    public static final int KIND_ALLOW = 2;

    public static final int EVENT_RATE_LIMITED = 1;

    /** enum sg_counter, in id order: {@code SG_CNT_<name>}. */
    public enum Counter {
        PACKETS, NON_IP, NON_TCP, FRAGMENTS, MALFORMED, UNREADABLE, DROPPED_UNREADABLE, TCP, SYN, SYN_PASSED,
        PASSED_ALLOWLIST, DROPPED_BLOCKLIST, DROPPED_RATELIMIT, RL_ADMITTED, RL_EVICTED, RL_REFUSED, EVENTS,
        EVENTS_SUPPRESSED, COOKIES_SENT, COOKIES_VALIDATED, COOKIES_REJECTED, COOKIES_UNASSIGNED;

        public int id() {
            return ordinal();
        }
    }

    public static final StructLayout CONFIG = MemoryLayout.structLayout(
            JAVA_INT.withName("abi_version"),
            JAVA_INT.withName("mode"),
            JAVA_LONG.withName("rl_interval_ns"),
            JAVA_LONG.withName("rl_tolerance_ns"),
            JAVA_INT.withName("rl_admit"),
            JAVA_INT.withName("rl_admit_budget"),
            JAVA_INT.withName("event_budget"),
            JAVA_INT.withName("rules_mask"),
            JAVA_INT.withName("rules_seed"),
            JAVA_INT.withName("rl_seed"),
            JAVA_INT.withName("rl_sets_mask"),
            JAVA_BYTE.withName("cookie_mode"),
            JAVA_BYTE.withName("cookie_wscale"),
            JAVA_SHORT.withName("cookie_mss"),
            MemoryLayout.sequenceLayout(3, JAVA_LONG).withName("v6_lens")).withName("sg_config");

    public static final StructLayout COUNTERS = MemoryLayout.structLayout(
            MemoryLayout.sequenceLayout(Counter.values().length, JAVA_LONG).withName("c")).withName("sg_counters");

    public static final StructLayout RULE = MemoryLayout.structLayout(
            MemoryLayout.sequenceLayout(16, JAVA_BYTE).withName("addr"),
            JAVA_LONG.withName("hits"),
            JAVA_INT.withName("serial"),
            JAVA_BYTE.withName("family"),
            JAVA_BYTE.withName("plen"),
            JAVA_BYTE.withName("kind"),
            JAVA_BYTE.withName("cover")).withName("sg_rule");

    public static final StructLayout RULE_HIT_LINE = MemoryLayout.structLayout(
            MemoryLayout.sequenceLayout(HIT_LINE, JAVA_BYTE).withName("count")).withName("sg_rule_hit_line");

    public static final StructLayout LPM_V4_KEY = MemoryLayout.structLayout(
            JAVA_INT.withName("prefixlen"),
            MemoryLayout.sequenceLayout(4, JAVA_BYTE).withName("addr")).withName("sg_lpm_v4_key");

    public static final StructLayout LPM_V6_KEY = MemoryLayout.structLayout(
            JAVA_INT.withName("prefixlen"),
            MemoryLayout.sequenceLayout(16, JAVA_BYTE).withName("addr")).withName("sg_lpm_v6_key");

    public static final StructLayout RULE_META = MemoryLayout.structLayout(
            JAVA_INT.withName("serial"),
            JAVA_INT.withName("flags"),
            JAVA_LONG.withName("expires_s")).withName("sg_rule_meta");

    public static final StructLayout RATE_ENTRY = MemoryLayout.structLayout(
            MemoryLayout.sequenceLayout(16, JAVA_BYTE).withName("addr"),
            JAVA_LONG.withName("tat_ns"),
            JAVA_INT.withName("syns"),
            JAVA_INT.withName("drops")).withName("sg_rate_entry");

    public static final StructLayout RATE_SET = MemoryLayout.structLayout(
            MemoryLayout.sequenceLayout(RATE_WAYS, RATE_ENTRY).withName("way")).withName("sg_rate_set");

    public static final StructLayout EVENT = MemoryLayout.structLayout(
            MemoryLayout.sequenceLayout(16, JAVA_BYTE).withName("addr"),
            JAVA_LONG.withName("time_ns"),
            JAVA_INT.withName("kind"),
            JAVA_INT.withName("cpu")).withName("sg_event");

    /** A slot of the victim table: the destination holding it and its counts. */
    public static final StructLayout VICTIM = MemoryLayout.structLayout(
            MemoryLayout.sequenceLayout(16, JAVA_BYTE).withName("addr"),
            JAVA_SHORT.withName("port"),
            JAVA_SHORT.withName("votes"),
            JAVA_INT.withName("takes"),
            JAVA_LONG.withName("syns"),
            JAVA_LONG.withName("others")).withName("sg_victim");

    /** The cookie secret: two SipHash keys and the slot new cookies use. */
    public static final StructLayout COOKIE_KEYS = MemoryLayout.structLayout(
            JAVA_INT.withName("current"),
            JAVA_INT.withName("_pad0"),
            MemoryLayout.sequenceLayout(4, JAVA_LONG).withName("key")).withName("sg_cookie_keys");

    /** Every mirrored struct, for the checks. */
    public static final StructLayout[] STRUCTS = {CONFIG, COUNTERS, RULE, RULE_HIT_LINE, LPM_V4_KEY, LPM_V6_KEY,
            RULE_META, RATE_ENTRY, RATE_SET, EVENT, COOKIE_KEYS, VICTIM};

    private Abi() {}

    /** A VarHandle for a scalar member, taking (segment, base offset). */
    static VarHandle field(StructLayout layout, String name) {
        return layout.varHandle(groupElement(name));
    }

    /** Byte offset of a member. */
    static long offset(StructLayout layout, String name) {
        return layout.byteOffset(groupElement(name));
    }
}
