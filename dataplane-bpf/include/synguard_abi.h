/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * synguard_abi.h - everything that crosses the kernel/user boundary.
 *
 * The one source of truth: the control plane mirrors this file in Java
 * (io.synguard.dataplane.Abi) and AbiMirrorTest checks that mirror against
 * the BTF of the compiled object. Change a layout and bump SG_ABI_VERSION;
 * pinned maps written under another version are never reused as they are.
 *
 * Byte order: addresses are in network order, as on the wire. Every other
 * field is in host order.
 */
#ifndef SYNGUARD_ABI_H
#define SYNGUARD_ABI_H

#include <linux/types.h>

/* Constants both sides share; enums rather than macros so that they reach
 * the object's BTF, where the mirror test reads them. */
enum sg_abi_const {
	SG_ABI_VERSION = 3,		/* 2: cookie fields, counters, keys;
					 * 3: hits per CPU in sg_rule_hits */
	SG_HIT_LINE = 64,		/* sg_rule_hits: slots per line */
	SG_WINDOW_SHIFT = 30,		/* rate limiter windows: 2^30 ns */
	SG_RULE_MAX_PROBE = 64,		/* rule table: slots from home, at most */
	SG_RATE_WAYS = 4,		/* rate table: entries per set */
	SG_T16_LONG_MASK = 0xffff,	/* sg_t16: see below */
	SG_T16_SHORT_SHIFT = 16,
	SG_T16_SHORT_MASK = 0x3f,
	SG_META_AUTO = 0x1,		/* sg_rule_meta.flags: placed by detection */
	SG_COOKIE_COUNT_SHIFT = 36,	/* cookie time counter: 2^36 ns (~69 s);
					 * a cookie is good for its counter and
					 * the next one */
	SG_COOKIE_ACK_BURST = 16,	/* valid-cookie ACKs a source may show
					 * per CPU per rate window */
	SG_VICTIM_SLOT_BITS = 8,	/* victim table: 2^8 slots per CPU */
	SG_VICTIM_SLOTS = 256,
	SG_VICTIM_VOTES_MAX = 1024,	/* victim table: a holder's lead, at
					 * most (see struct sg_victim) */
};

/* The maps themselves are declared in src/maps.h and pinned under
 * /sys/fs/bpf/synguard/IF/ by their names; the mirror test checks the key
 * and value sizes the control plane expects of each against the object. */

/* ---- config: one entry, mmap-able; the control plane writes it ---------- */

/* Whether and how initial SYNs that pass the ladder are answered with a
 * SYN cookie from XDP (see src/cookie.h). */
enum sg_cookie_mode {
	SG_COOKIES_OFF = 0,
	SG_COOKIES_OWN = 1,	/* synguard's cookie; the ACK is validated at
				 * TC ingress (bpf_sk_assign_tcp_reqsk) */
	SG_COOKIES_KERNEL = 2,	/* the kernel's cookie (bpf_tcp_gen_syncookie);
				 * the stack validates the ACK */
};

enum sg_mode {
	SG_MODE_ENFORCE = 0,
	SG_MODE_MONITOR = 1,	/* count what would be dropped, drop nothing */
};

struct sg_config {
	__u32 abi_version;	/* SG_ABI_VERSION of whoever created the maps */
	__u32 mode;		/* enum sg_mode */
	__u64 rl_interval_ns;	/* GCRA emission interval, 1e9 / rate;
				 * 0 turns the rate limiter off */
	__u64 rl_tolerance_ns;	/* GCRA tolerance, (burst - 1) * interval */
	__u32 rl_admit;		/* SYNs a source shows in one window before
				 * it takes a rate table entry */
	__u32 rl_admit_budget;	/* rate table admissions per CPU per window */
	__u32 event_budget;	/* ring buffer events per CPU per window */
	__u32 rules_mask;	/* rule table slots - 1; slots a power of 2 */
	__u32 rules_seed;	/* rule table hash seed, fixed for its life */
	__u32 rl_seed;		/* rate limiter hash seed */
	__u32 rl_sets_mask;	/* rate table sets - 1; sets a power of 2 */
	__u8 cookie_mode;	/* enum sg_cookie_mode */
	__u8 cookie_wscale;	/* window scale the SYN-ACK offers: what the
				 * kernel would choose for the listener */
	__u16 cookie_mss;	/* MSS the SYN-ACK offers for IPv4 (IPv6: 20
				 * less); 0: 1460 */
	__u64 v6_lens[3];	/* bit i (of 192): an IPv6 rule of length
				 * 128 - i exists */
};
_Static_assert(sizeof(struct sg_config) == 80, "sg_config layout");

/* ---- counters: per-CPU, one entry; user space sums the CPUs ------------- */

enum sg_counter {
	SG_CNT_PACKETS = 0,		/* every frame the program saw */
	SG_CNT_NON_IP = 1,		/* neither IPv4 nor IPv6: passed */
	SG_CNT_NON_TCP = 2,		/* IP but not TCP: passed */
	SG_CNT_FRAGMENTS = 3,		/* non-first fragments: passed */
	SG_CNT_MALFORMED = 4,		/* a header cut short or inconsistent:
					 * passed, the stack drops it */
	SG_CNT_UNREADABLE = 5,		/* TCP header hidden by a tiny first
					 * fragment or an over-long IPv6
					 * extension chain */
	SG_CNT_DROPPED_UNREADABLE = 6,	/* of those, from a blocked source */
	SG_CNT_TCP = 7,			/* TCP with a readable header */
	SG_CNT_SYN = 8,			/* initial SYNs: SYN set, ACK clear */
	SG_CNT_SYN_PASSED = 9,		/* SYNs passed; monitor mode: all */
	SG_CNT_PASSED_ALLOWLIST = 10,	/* SYNs passed by the allowlist */
	SG_CNT_DROPPED_BLOCKLIST = 11,	/* SYNs dropped by the blocklist */
	SG_CNT_DROPPED_RATELIMIT = 12,	/* SYNs dropped by the rate limiter */
	SG_CNT_RL_ADMITTED = 13,	/* sources taken into the rate table */
	SG_CNT_RL_EVICTED = 14,		/* entries replaced to admit one */
	SG_CNT_RL_REFUSED = 15,		/* admissions over the window budget */
	SG_CNT_EVENTS = 16,		/* events sent to the ring buffer */
	SG_CNT_EVENTS_SUPPRESSED = 17,	/* events over budget or ring full */
	SG_CNT_COOKIES_SENT = 18,	/* SYNs answered with a SYN cookie */
	SG_CNT_COOKIES_VALIDATED = 19,	/* ACKs whose cookie checked out */
	SG_CNT_COOKIES_REJECTED = 20,	/* ACKs to a listener with no valid
					 * cookie, or over their source's
					 * burst: dropped */
	SG_CNT_COOKIES_UNASSIGNED = 21,	/* of the validated, ACKs the listener
					 * took no request socket for (the
					 * kfunc refused: its queue full, say);
					 * the stack answers those with a RST */
	SG_CNT__COUNT = 22,
};

/* Monitor mode counts would-be drops in the DROPPED_* counters, and sends
 * no cookies. In enforce mode SYN == SYN_PASSED + DROPPED_BLOCKLIST +
 * DROPPED_RATELIMIT + COOKIES_SENT. */
struct sg_counters {
	__u64 c[SG_CNT__COUNT];
};

/* ---- rules: the fast index of the allow- and blocklists ------------------
 *
 * The LPM tries (sg_block_v4 ... sg_allow_v6) are the source of truth. The
 * data plane reads a derived index instead, because a trie costs a cache
 * miss per level: with a million prefixes and rotating sources a lookup
 * takes ~2 us. The index is
 *  - sg_rules: an open-addressed hash table (linear probing, tombstones,
 *    SG_RULE_MAX_PROBE slots at most from home) keyed by (family, length,
 *    masked address), one probe per prefix length in use;
 *  - sg_t16: for every IPv4 /16, which lengths 17..32 occur inside it and
 *    the longest rule of length <= 16 that covers it;
 *  - sg_config.v6_lens: which IPv6 lengths occur.
 * Both tables are mmap-able. The control plane writes an entry's fields
 * first and its serial last, so a reader never sees half an entry.
 *
 * A rule's hits are its slot's hits plus what each CPU has counted since
 * in sg_rule_hits (mmap-able): a stripe per possible CPU of one byte per
 * slot, SG_HIT_LINE slots to an element. CPU c counts slot s in element
 * c * lines + s / SG_HIT_LINE, byte s % SG_HIT_LINE, where lines is
 * rules_mask / SG_HIT_LINE + 1; a byte that would pass 255 goes back to 0 and
 * adds 256 to the slot's hits. So every CPU writes its own lines, and the
 * rule's line once in 256 matches; and a stripe is 2 MiB at 2^21 slots,
 * where __u64 counters would take 16 MiB (as large as the L2 cache all the
 * same: with sources rotating, src/rules.h says what it costs).
 */

enum sg_rule_serial {
	SG_RULE_EMPTY = 0,	/* a never-used slot */
	SG_RULE_TOMBSTONE = -1,	/* a deleted slot: 0xffffffff as a __u32 */
};

enum sg_family {
	SG_FAMILY_V4 = 4,
	SG_FAMILY_V6 = 6,
};

enum sg_rule_kind {
	SG_KIND_BLOCK = 1,
	SG_KIND_ALLOW = 2,
};

struct sg_rule {
	__u32 addr[4];		/* network order, IPv4 in addr[0]; bits past
				 * plen are zero */
	__u64 hits;		/* SYNs matched, but for those still counted
				 * in sg_rule_hits; the data plane adds 256
				 * at a time, atomically */
	__u32 serial;		/* SG_RULE_EMPTY, SG_RULE_TOMBSTONE, or the
				 * rule's serial; written last */
	__u8 family;		/* enum sg_family */
	__u8 plen;		/* prefix length */
	__u8 kind;		/* enum sg_rule_kind */
	__u8 cover;		/* blocks: 1 + length of the longest allow
				 * containing this prefix; 0: none */
};
_Static_assert(sizeof(struct sg_rule) == 32, "sg_rule layout");

struct sg_rule_hit_line {
	__u8 count[SG_HIT_LINE];	/* per slot: hits not yet in the slot */
};

/* sg_t16 entry, a __u64 (array elements are 8-byte aligned anyway, mmap'd
 * too): bit i of SG_T16_LONG_MASK says a rule of length 32 - i lies
 * inside the /16; (entry >> SG_T16_SHORT_SHIFT) & SG_T16_SHORT_MASK holds
 * 1 + the longest length <= 16 covering the /16, or 0. */

/* The rule table's hash, murmur3's 32-bit mixing: the control plane places
 * rules with the same function (io.synguard.dataplane.RuleHash). */
static inline __u32 sg_rotl32(__u32 x, int r)
{
	return (x << r) | (x >> (32 - r));
}

static inline __u32 sg_hash_step(__u32 h, __u32 k)
{
	k *= 0xcc9e2d51u;
	k = sg_rotl32(k, 15);
	k *= 0x1b873593u;
	h ^= k;
	h = sg_rotl32(h, 13);
	return h * 5 + 0xe6546b64u;
}

static inline __u32 sg_hash_final(__u32 h)
{
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	h ^= h >> 16;
	return h;
}

/* Home slot hash of a rule key. addr words are taken as stored (network
 * order) and read as host-order integers. */
static inline __u32 sg_rule_hash(__u32 seed, __u8 family, __u8 plen,
				 const __u32 *addr)
{
	__u32 h = sg_hash_step(seed, ((__u32)family << 8) | plen);

	h = sg_hash_step(h, addr[0]);
	if (family == SG_FAMILY_V6) {
		h = sg_hash_step(h, addr[1]);
		h = sg_hash_step(h, addr[2]);
		h = sg_hash_step(h, addr[3]);
	}
	return sg_hash_final(h);
}

/* Trie keys and values. */
struct sg_lpm_v4_key {
	__u32 prefixlen;
	__u8 addr[4];
};

struct sg_lpm_v6_key {
	__u32 prefixlen;
	__u8 addr[16];
};

struct sg_rule_meta {
	__u32 serial;		/* the rule's serial in sg_rules */
	__u32 flags;		/* SG_META_* */
	__u64 expires_s;	/* Unix seconds; 0: never */
};
_Static_assert(sizeof(struct sg_rule_meta) == 16, "sg_rule_meta layout");

/* ---- rate limiter: per-CPU, set-associative, GCRA ------------------------
 *
 * A source first shows up in a per-CPU count-min sketch; only one that sends
 * rl_admit SYNs in a window takes an entry here, so a random-source flood
 * neither evicts the table nor pays an insert per packet.
 */

struct sg_rate_entry {
	__u32 addr[4];		/* source; IPv4 as ::ffff:a.b.c.d */
	__u64 tat_ns;		/* GCRA theoretical arrival time, coarse
				 * monotonic clock; 0: free way */
	__u32 syns;		/* SYNs since admission (wraps) */
	__u32 drops;		/* of which dropped (wraps) */
};
_Static_assert(sizeof(struct sg_rate_entry) == 32, "sg_rate_entry layout");

struct sg_rate_set {
	struct sg_rate_entry way[SG_RATE_WAYS];
};

/* ---- SYN cookies: the secret -------------------------------------------
 *
 * One entry, written by the control plane and never read back by it: two
 * SipHash keys, and which one new cookies use. A cookie is accepted under
 * either, so a handshake survives one rotation. */
struct sg_cookie_keys {
	__u32 current;		/* 0 or 1: the slot new cookies use */
	__u32 _pad0;
	__u64 key[4];		/* slot i: key[2 i], key[2 i + 1] */
};
_Static_assert(sizeof(struct sg_cookie_keys) == 40, "sg_cookie_keys layout");

/* ---- victims: SYNs by local address and port ---------------------------
 *
 * sg_victims, per CPU: SG_VICTIM_SLOTS slots, a destination's slot a hash of
 * it (src/victims.h). One destination holds a slot at a time, by a running
 * majority vote: a SYN to the holder adds a vote (up to SG_VICTIM_VOTES_MAX),
 * one to another destination takes a vote away and counts in others, and one
 * that finds no vote left takes the slot. Every SYN counts once, in syns or
 * in others. User space sums the CPUs and reads rates from the differences:
 * the same holder with the same takes counted on; any other restarted.
 */
struct sg_victim {
	__u32 addr[4];		/* local address; IPv4 as ::ffff:a.b.c.d */
	__u16 port;		/* local port, network order */
	__u16 votes;		/* the holder's lead; 0: the next SYN takes
				 * the slot */
	__u32 takes;		/* times the slot changed hands (wraps) */
	__u64 syns;		/* SYNs to the holder since it took the slot */
	__u64 others;		/* SYNs to other destinations that found the
				 * slot held */
};
_Static_assert(sizeof(struct sg_victim) == 40, "sg_victim layout");
_Static_assert(SG_VICTIM_SLOTS == 1 << SG_VICTIM_SLOT_BITS, "victim slots");

/* ---- events: ring buffer to user space ---------------------------------- */

enum sg_event_kind {
	SG_EVENT_RATE_LIMITED = 1,	/* a source's first drop by the limiter */
};

struct sg_event {
	__u32 addr[4];		/* source; IPv4 as ::ffff:a.b.c.d */
	__u64 time_ns;		/* coarse monotonic clock */
	__u32 kind;		/* enum sg_event_kind */
	__u32 cpu;
};
_Static_assert(sizeof(struct sg_event) == 32, "sg_event layout");

#endif /* SYNGUARD_ABI_H */
