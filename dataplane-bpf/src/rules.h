/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * rules.h - the allow- or blocklist rule that covers a source, if any.
 *
 * Why not bpf_map_lookup_elem() on the LPM tries: a trie lookup is a cache
 * miss per level, and a distributed attack rotating its sources over a
 * million-prefix blocklist makes every level miss: ~2 us a packet measured
 * here, against ~30 ns for a trivial program. The index in sg_rules (see the
 * ABI header) costs one probe per prefix length in use, and a probe is one
 * cache line: the slot holds key, verdict and hit counter together. A
 * DIR-24-8 table was measured too; its 64 MiB array loses to the hash on
 * TLB misses once sources rotate.
 *
 * The budget, per SYN of an attack rotating over a million prefixes: the
 * /16's sg_t16 entry (512 KiB for all), one sg_rules line per length
 * probed (a miss each: 64 MiB), and this CPU's hit byte (a 2 MiB stripe).
 * sg_t16 names the lengths in use inside the /16, so a source matched at
 * the /16's longest length costs one miss; one matched at a shorter length
 * pays a probe per longer length first. Variants of this path loaded side
 * by side over the same million rules, their runs interleaved, say what
 * each part costs (docs/benchmarks.md, "Where the rotating case's time
 * goes"): one read of sg_rules alone costs 1.05x one_miss, the whole SYN
 * path 2.3-2.7x. Of that, the hit byte 0.1-0.4x (its stripe is as large
 * as the L2 cache and does not stay there while sources rotate); the 10%
 * of sources matched at /24 0.1x (their /24 probe waits for the /32 one,
 * and a miss that waits on another costs ~450 ns of throughput here,
 * where one more issued beside it costs ~45 ns); sg_t16 and the victim
 * count nothing measurable; the rest, ~0.7x, this path's own work around
 * the probe (counters, config, the allow cover, the probe loop), where
 * one_miss does almost none. Measured and no faster: both lengths probed
 * at once with compares that do not branch on the line (a line more a
 * SYN costs more than the 10% save), homes on a line's first slot, and
 * hits on the rule's own line (a line made dirty a SYN costs what the
 * stripe does). An inlined home probe, no faster here either, is in for a
 * hot block's sake (find_v4). Summaries per /24, which would spare
 * the shorter-length probe, take 16 MiB at a byte each, and so a miss of
 * their own that the probe waits on. What bounds the whole is overlap:
 * one_miss's short path keeps ~1.65 packets' misses in flight, this one
 * none, so it costs a little more than one miss that nothing overlaps
 * (the one-miss-chained scenario): 2.3x one_miss, where 1.5x would be
 * less than that one miss alone on the machine measured.
 *
 * Allow always wins. The probes run longest length first, so the first rule
 * found is the longest match; if it is a block that some allow contains,
 * the control plane has put that allow's length in the block's cover field,
 * and the allow is looked up instead.
 */
#ifndef SG_RULES_H
#define SG_RULES_H

#include "maps.h"
#include "parse.h"

/* Whether r holds the rule (family, plen, addr) of kind `want` (0: any
 * kind): PROBE_FOUND; PROBE_END if r is empty, which ends a probe; else
 * PROBE_ON, to the next slot. */
enum probe_result { PROBE_FOUND, PROBE_END, PROBE_ON };

static __always_inline int probe(const struct sg_rule *r, __u8 family,
				 __u8 plen, __u8 want, const __u32 *addr)
{
	/* the serial is written last: read it first */
	__u32 serial = *(volatile __u32 *)&r->serial;

	if (serial == SG_RULE_EMPTY)
		return PROBE_END;
	if (serial == (__u32)SG_RULE_TOMBSTONE)
		return PROBE_ON;
	if (r->family != family || r->plen != plen || r->addr[0] != addr[0])
		return PROBE_ON;
	if (family == SG_FAMILY_V6 && (r->addr[1] != addr[1] ||
				       r->addr[2] != addr[2] ||
				       r->addr[3] != addr[3]))
		return PROBE_ON;
	if (want && r->kind != want)
		return PROBE_ON;
	return PROBE_FOUND;
}

/* Slot of the rule (family, plen, addr) of kind `want` (0: any kind), or
 * -1. key packs family | plen << 8 | want << 16. Global, not inlined: the
 * verifier then checks its probe loop once, not at every caller. */
__attribute__((noinline)) int sg_rule_find(__u32 a0, __u32 a1, __u32 a2,
					   __u32 a3, __u32 key)
{
	__u32 addr[4] = { a0, a1, a2, a3 };
	__u8 family = key & 0xff, plen = (key >> 8) & 0xff, want = key >> 16;
	struct sg_config *cfg;
	__u32 zero = 0, home;

	cfg = bpf_map_lookup_elem(&sg_config, &zero);
	if (!cfg)
		return -1;
	home = sg_rule_hash(cfg->rules_seed, family, plen, addr);

	for (__u32 i = 0; i < SG_RULE_MAX_PROBE; i++) {
		__u32 slot = (home + i) & cfg->rules_mask;
		struct sg_rule *r = bpf_map_lookup_elem(&sg_rules, &slot);

		if (!r)
			return -1;
		switch (probe(r, family, plen, want, addr)) {
		case PROBE_FOUND:
			return slot;
		case PROBE_END:
			return -1;
		}
	}
	return -1;
}

static __always_inline struct sg_rule *rule_at(int slot)
{
	__u32 key = slot;

	if (slot < 0)
		return NULL;
	return bpf_map_lookup_elem(&sg_rules, &key);
}

/* A rule's slot (-1: none) and the rule there, carried together so that
 * who found it need not look the slot up again. */
struct match {
	int slot;
	struct sg_rule *rule;
};

static __always_inline struct match match_at(int slot)
{
	struct match m = { slot, rule_at(slot) };

	return m;
}

/* Host-order mask of the top `bits` (0..32) bits. */
static __always_inline __u32 mask32(__u32 bits)
{
	return bits ? ~0u << (32 - bits) : 0;
}

/* As sg_rule_find for IPv4, but with the home slot probed inline: a rule
 * in its home slot, or an empty home, the common cases, cost no call. A
 * BPF-to-BPF call and its return cost ~2.4 ns of a hot block's ~16 here
 * (docs/benchmarks.md, "Where a hot block's time goes"), thunked as every
 * call and return is on this kernel; the verifier still checks the probe
 * loop once. */
static __always_inline struct match find_v4(const struct sg_config *cfg,
					    __u32 host, __u32 plen, __u32 want)
{
	__u32 addr[4] = { bpf_htonl(host & mask32(plen)) };
	__u32 home = sg_rule_hash(cfg->rules_seed, SG_FAMILY_V4, plen, addr) &
		     cfg->rules_mask;
	struct match m = match_at(home);

	if (!m.rule)
		return match_at(-1);
	switch (probe(m.rule, SG_FAMILY_V4, plen, want, addr)) {
	case PROBE_FOUND:
		return m;
	case PROBE_END:
		return match_at(-1);
	}
	return match_at(sg_rule_find(addr[0], 0, 0, 0,
				     SG_FAMILY_V4 | plen << 8 | want << 16));
}

/* IPv6 calls sg_rule_find outright: its home probe inlined at every length
 * match_v6 may try took the verifier past its 1M instructions. */
static __always_inline struct match find_v6(const __u32 *addr, __u32 plen,
					    __u32 want)
{
	__u32 m[4];

#pragma unroll
	for (int w = 0; w < 4; w++) {
		__u32 bits = plen > 32u * w ? plen - 32u * w : 0;

		m[w] = addr[w] & bpf_htonl(mask32(bits > 32 ? 32 : bits));
	}
	return match_at(sg_rule_find(m[0], m[1], m[2], m[3],
				     SG_FAMILY_V6 | plen << 8 | want << 16));
}

/* A block that an allow contains yields to that allow: the match that
 * decides. */
static __always_inline struct match resolve(const struct sg_config *cfg,
					    struct match m, __u32 family,
					    const __u32 *addr)
{
	struct sg_rule *r = m.rule;
	struct match allow;

	if (!r || r->kind != SG_KIND_BLOCK || !r->cover)
		return m;
	if (family == SG_FAMILY_V4)
		allow = find_v4(cfg, bpf_ntohl(addr[0]), r->cover - 1,
				SG_KIND_ALLOW);
	else
		allow = find_v6(addr, r->cover - 1, SG_KIND_ALLOW);
	return allow.slot >= 0 ? allow : m;
}

/* IPv4: sg_t16 names the lengths worth probing for this /16, and the
 * longest rule of length <= 16 that covers it. */
static __always_inline struct match match_v4(const struct sg_config *cfg,
					     const __u32 *addr)
{
	__u32 host = bpf_ntohl(addr[0]);
	__u32 key = host >> 16, entry, longs, shortlen;
	__u64 *t16 = bpf_map_lookup_elem(&sg_t16, &key);
	struct match m;

	if (!t16)
		return match_at(-1);
	entry = *t16;
	longs = entry & SG_T16_LONG_MASK;

	/* /32 apart from the loop: with its length a constant, its mask and
	 * the hash's first step fold, ~2 ns less for a source blocked as a
	 * host, most of a blocklist (BPF_PROG_TEST_RUN). */
	if (longs & 1) {
		m = find_v4(cfg, host, 32, 0);
		if (m.slot >= 0)
			return resolve(cfg, m, SG_FAMILY_V4, addr);
	}
	for (__u32 i = 1; i < 16 && longs >> i; i++) {
		if (!(longs & (1u << i)))
			continue;
		m = find_v4(cfg, host, 32 - i, 0);
		if (m.slot >= 0)
			return resolve(cfg, m, SG_FAMILY_V4, addr);
	}
	shortlen = (entry >> SG_T16_SHORT_SHIFT) & SG_T16_SHORT_MASK;
	if (!shortlen)
		return match_at(-1);
	m = find_v4(cfg, host, shortlen - 1, 0);
	return m.slot >= 0 ? resolve(cfg, m, SG_FAMILY_V4, addr) : m;
}

/* Index of the one bit set in `bit`, by de Bruijn multiplication: BPF has
 * no count-trailing-zeros instruction. */
static const __u8 debruijn64[64] = {
	0,  1,  2,  53, 3,  7,  54, 27, 4,  38, 41, 8,  34, 55, 48, 28,
	62, 5,  39, 46, 44, 42, 22, 9,  24, 35, 59, 56, 49, 18, 29, 11,
	63, 52, 6,  26, 37, 40, 33, 47, 61, 45, 43, 21, 23, 58, 17, 10,
	51, 25, 36, 32, 60, 20, 57, 16, 50, 31, 19, 15, 30, 14, 13, 12,
};

static __always_inline __u32 bit_index(__u64 bit)
{
	return debruijn64[(bit * 0x022fdd63cc95386dULL) >> 58];
}

/* IPv6: probe every length in use, longest first. */
static __always_inline struct match match_v6(const struct sg_config *cfg,
					     const __u32 *addr)
{
	for (__u32 w = 0; w < 3; w++) {
		__u64 lens = cfg->v6_lens[w];

		for (__u32 j = 0; j < 64 && lens; j++) {
			__u64 low = lens & -lens;
			__u32 from_top = w * 64 + bit_index(low);
			struct match m;

			lens ^= low;
			if (from_top > 128)
				return match_at(-1);
			m = find_v6(addr, 128 - from_top, 0);
			if (m.slot >= 0)
				return resolve(cfg, m, SG_FAMILY_V6, addr);
		}
	}
	return match_at(-1);
}

/* The rule that decides for pkt's source, if any: inlined where every SYN
 * goes, so no call stands in the way. */
static __always_inline struct match rules_match(const struct sg_config *cfg,
						const struct packet *pkt)
{
	if (pkt->family == SG_FAMILY_V4)
		return match_v4(cfg, pkt->saddr);
	return match_v6(cfg, pkt->saddr);
}

/* Counts a SYN for rule r in slot on this CPU's own stripe of byte
 * counters, and in the rule once in 256 (see the ABI header). An atomic add
 * on the rule at every SYN moved its line between every CPU that matched
 * it, and a locked add stalls the CPU until the rule's cache miss is
 * served, where a plain one lets the next packet's miss overlap it; a byte
 * rather than a __u64 keeps the stripe at 2 MiB, which still misses the
 * cache when sources rotate (the budget above). */
static __always_inline void rule_hit(struct sg_rule *r, int slot,
				     const struct sg_config *cfg)
{
	__u32 lines = cfg->rules_mask / SG_HIT_LINE + 1;
	__u32 key = bpf_get_smp_processor_id() * lines +
		    (__u32)slot / SG_HIT_LINE;
	struct sg_rule_hit_line *line = bpf_map_lookup_elem(&sg_rule_hits, &key);
	__u8 *count;

	if (!line)
		return;
	count = &line->count[slot & (SG_HIT_LINE - 1)];
	if (*count < 255) {
		(*count)++;
		return;
	}
	*count = 0;
	__sync_fetch_and_add(&r->hits, 256);
}

/* As rules_match, as a global function for the rare paths, which the
 * verifier then walks once rather than once more per caller. */
__attribute__((noinline)) int sg_rules_match(__u32 family, __u32 a0, __u32 a1,
					     __u32 a2, __u32 a3)
{
	__u32 addr[4] = { a0, a1, a2, a3 };
	struct sg_config *cfg;
	__u32 zero = 0;

	cfg = bpf_map_lookup_elem(&sg_config, &zero);
	if (!cfg)
		return -1;
	if (family == SG_FAMILY_V4)
		return match_v4(cfg, addr).slot;
	return match_v6(cfg, addr).slot;
}

#endif /* SG_RULES_H */
