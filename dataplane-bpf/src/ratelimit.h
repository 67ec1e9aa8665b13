/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * ratelimit.h - per-source SYN rate limiting: GCRA (a token bucket kept as
 * one timestamp) in a per-CPU, 4-way set-associative table.
 *
 * The table is keyed by what an attacker chooses. Were every new source
 * inserted, a random-source flood would pay an insert per packet and evict
 * every real offender. So every SYN first counts in a per-CPU count-min
 * sketch (32 KiB, always cached), whose estimate is never below a source's
 * true count:
 *  - a source seen once in this window never touches the table: one-shot
 *    spoofed sources cost two cell updates and nothing else;
 *  - a source is a candidate once its estimate reaches rl_admit; a real
 *    offender always does;
 *  - a candidate whose estimate stands out of the noise every other source
 *    puts in a cell (lambda = SYNs / width: the gate lambda + 3 sqrt(lambda)
 *    + 2, which is 2 in a quiet window) is admitted at once, charged what it
 *    showed beyond the gate plus 2: exact in a quiet window, lenient in a
 *    flood;
 *  - one that might be noise is admitted one time in eight, charged 2.
 *    Botnet noise is lumpy (a cell holds a Poisson number of bots), so a
 *    mean-based gate alone would never admit a bot whose cells hold fewer
 *    bots than average; sampling admits it within a few SYNs, and keeps a
 *    random flood's admissions to an eighth;
 *  - no more than rl_admit_budget sources are admitted per CPU per window;
 *  - a full set gives up the entry that matters least: never one being
 *    limited now if another will do, else the one with the fewest SYNs.
 * So a random flood that passes the sketch churns only its own entries and
 * those of sources at rest, not the offenders'. A burst of 1 can drop the
 * first SYN of a source admitted by chance; its retry a second later
 * passes.
 *
 * Across CPUs: RSS spreads one source's SYNs over as many queues as their
 * ports hash to, so per-CPU buckets alone would give it N times its rate.
 * An admitted source's bucket (its GCRA time) therefore lives in
 * sg_rate_shared, one table for all CPUs, set for set like sg_rate; the
 * per-CPU entry keeps the counts and a copy of the time for victims. Only
 * admitted offenders reach the shared table, and a source being limited
 * only reads it (its time moves on a pass, by compare-and-swap), so its
 * line stays in every CPU's cache; the sketch, the common path, stays per
 * CPU. A shared way is taken only from a source at rest (time <= now),
 * whose state is the same as none; when all four are busy the SYN falls
 * back on the per-CPU bucket. What still leaks: the first SYN each CPU
 * sees of a source in a window (the sketch lets it by), and a moment's
 * double entry when two CPUs take a way for the same source at once.
 *
 * The control plane sums the per-CPU counts when it reports and blocks.
 */
#ifndef SG_RATELIMIT_H
#define SG_RATELIMIT_H

#include "maps.h"
#include "parse.h"

/* Count one SYN in a cell; the count before it, in this window. */
static __always_inline __u32 sketch_touch(__u32 *cell, __u32 epoch)
{
	__u32 v = *cell;
	__u32 n = (v >> 24) == epoch ? v & SKETCH_COUNT_MAX : 0;

	*cell = epoch << 24 | (n < SKETCH_COUNT_MAX ? n + 1 : n);
	return n;
}

/* Integer square root, bit by bit, and without a branch: a branch on data
 * would make the verifier walk all 2^16 ways through the loop. */
static __always_inline __u32 isqrt(__u32 x)
{
	__u32 root = 0, bit = 1u << 30;

	for (int i = 0; i < 16; i++) {
		__u32 trial = root + bit;
		/* all ones when x >= trial */
		__u32 take = (__u32)((((__u64)x - trial) >> 63) ^ 1) * 0xffffffffu;

		x -= trial & take;
		root = (root >> 1) + (bit & take);
		bit >>= 2;
	}
	return root;
}

/* lambda + 3 sqrt(lambda) + 2, rounded up, for lambda = syns / width;
 * worked in sixteenths so that the sub-1 lambdas of a mild flood count. */
static __always_inline __u32 admission_gate(__u32 syns)
{
	__u32 lambda16 = syns >> (SKETCH_WIDTH_BITS - 4);

	return (lambda16 + 12 * isqrt(lambda16) + 32 + 15) >> 4;
}

/* SYNs this source sent in this window as the sketch estimates them (an
 * overestimate: other sources share its cells), this one included. */
static __always_inline __u32 sketch_count(__u32 hash, struct cpu_state *st)
{
	__u32 col0 = hash & (SKETCH_WIDTH - 1);
	__u32 col1 = (hash >> SKETCH_WIDTH_BITS) & (SKETCH_WIDTH - 1);
	__u32 line0 = col0 / SKETCH_LINE_CELLS;
	__u32 line1 = (SKETCH_WIDTH + col1) / SKETCH_LINE_CELLS;
	struct sketch_line *l0 = bpf_map_lookup_elem(&sg_sketch, &line0);
	struct sketch_line *l1 = bpf_map_lookup_elem(&sg_sketch, &line1);
	__u32 epoch = st->window & 0xff, n0, n1;

	if (!l0 || !l1)
		return 0;
	n0 = sketch_touch(&l0->cell[col0 % SKETCH_LINE_CELLS], epoch);
	n1 = sketch_touch(&l1->cell[col1 % SKETCH_LINE_CELLS], epoch);
	return (n0 < n1 ? n0 : n1) + 1;
}

static __always_inline void report(const __u32 *key, __u64 now,
				   struct cpu_state *st,
				   const struct sg_config *cfg,
				   struct sg_counters *cnt)
{
	struct sg_event ev = {
		.time_ns = now,
		.kind = SG_EVENT_RATE_LIMITED,
		.cpu = bpf_get_smp_processor_id(),
	};

	if (st->events >= cfg->event_budget) {
		cnt->c[SG_CNT_EVENTS_SUPPRESSED]++;
		return;
	}
	__builtin_memcpy(ev.addr, key, sizeof(ev.addr));
	if (bpf_ringbuf_output(&sg_events, &ev, sizeof(ev), 0)) {
		cnt->c[SG_CNT_EVENTS_SUPPRESSED]++;
		return;
	}
	st->events++;
	cnt->c[SG_CNT_EVENTS]++;
}

static __always_inline int same_source(const struct sg_rate_entry *e,
				       const __u32 *key)
{
	return e->addr[3] == key[3] && e->addr[2] == key[2] &&
	       e->addr[1] == key[1] && e->addr[0] == key[0];
}

/* The source's entry, or one admitted for it; NULL to let the SYN pass. */
static __always_inline struct sg_rate_entry *
rate_entry(const __u32 *key, __u32 set_idx, __u32 seen, __u64 now,
	   struct cpu_state *st, const struct sg_config *cfg,
	   struct sg_counters *cnt)
{
	struct sg_rate_set *set = bpf_map_lookup_elem(&sg_rate, &set_idx);
	struct sg_rate_entry *victim;
	__u64 worth;
	__u32 own;

	if (!set)
		return NULL;
	victim = &set->way[0];
	worth = ~0ULL;
#pragma unroll
	for (int i = 0; i < SG_RATE_WAYS; i++) {
		struct sg_rate_entry *e = &set->way[i];
		__u64 w;

		if (e->tat_ns && same_source(e, key))
			return e;
		/* free < at rest, fewest SYNs first < being limited now */
		w = !e->tat_ns ? 0 : (e->tat_ns > now ? 1ULL << 32 : 0) + e->syns + 1;
		if (w < worth) {
			worth = w;
			victim = e;
		}
	}

	if (seen < cfg->rl_admit)
		return NULL;
	if (seen >= st->gate)
		own = seen - st->gate + 2;
	else if (bpf_get_prandom_u32() & 7)
		return NULL;
	else
		own = 2;
	if (st->admitted >= cfg->rl_admit_budget) {
		cnt->c[SG_CNT_RL_REFUSED]++;
		return NULL;
	}
	if (victim->tat_ns)
		cnt->c[SG_CNT_RL_EVICTED]++;
	st->admitted++;
	cnt->c[SG_CNT_RL_ADMITTED]++;

	__builtin_memcpy(victim->addr, key, sizeof(victim->addr));
	victim->syns = own - 1;
	victim->drops = 0;
	/* charge the SYNs it sent before admission */
	victim->tat_ns = now + (__u64)(own - 1) * cfg->rl_interval_ns;
	return victim;
}

/* The source's GCRA time in the shared table, taking a way of a source at
 * rest (set to init) if it has none there; NULL when every way is busy. */
static __always_inline __u64 *shared_tat(const __u32 *key, __u32 set_idx,
					 __u64 now, __u64 init)
{
	struct sg_rate_set *set = bpf_map_lookup_elem(&sg_rate_shared, &set_idx);
	struct sg_rate_entry *victim = NULL;
	__u64 old = 0;

	if (!set)
		return NULL;
#pragma unroll
	for (int i = 0; i < SG_RATE_WAYS; i++) {
		struct sg_rate_entry *e = &set->way[i];
		__u64 tat = *(volatile __u64 *)&e->tat_ns;

		if (tat && same_source(e, key))
			return &e->tat_ns;
		if (!victim && tat <= now) {
			victim = e;
			old = tat;
		}
	}
	if (!victim)
		return NULL;
	/* the time first: a reader that still sees the old source finds it
	 * at rest or, in a race, one SYN early out of rest */
	if (__sync_val_compare_and_swap(&victim->tat_ns, old, init) != old)
		return NULL;
	__builtin_memcpy(victim->addr, key, sizeof(victim->addr));
	return &victim->tat_ns;
}

/* One GCRA step on the shared time: 1 to drop, 0 to pass having moved it
 * on by compare-and-swap; *time: the time it leaves. Another CPU moving it
 * first costs a retry; a second loss drops, so concurrent CPUs never pass
 * more than the rate. */
static __always_inline int shared_step(__u64 *shared, __u64 now,
				       const struct sg_config *cfg,
				       __u64 *time)
{
	for (int i = 0; i < 2; i++) {
		__u64 old = *(volatile __u64 *)shared;
		__u64 tat = old > now ? old : now;

		*time = old;
		if (tat - now > cfg->rl_tolerance_ns)
			return 1;
		if (__sync_val_compare_and_swap(shared, old,
						tat + cfg->rl_interval_ns) == old) {
			*time = tat + cfg->rl_interval_ns;
			return 0;
		}
	}
	return 1;
}

/* 1 when a SYN from source k0..k3 (IPv6, IPv4 mapped) exceeds its rate.
 * Global: verified once, apart from the rest of the program. */
__attribute__((noinline)) int sg_rate_limited(__u32 k0, __u32 k1, __u32 k2,
					      __u32 k3)
{
	__u32 key[4] = { k0, k1, k2, k3 }, zero = 0, hash, seen, set_idx;
	struct sg_counters *cnt;
	struct sg_config *cfg;
	struct sg_rate_entry *e;
	struct cpu_state *st;
	__u64 interval, now, window, tat, *shared;

	cfg = bpf_map_lookup_elem(&sg_config, &zero);
	cnt = bpf_map_lookup_elem(&sg_counters, &zero);
	st = bpf_map_lookup_elem(&sg_cpu, &zero);
	if (!cfg || !cnt || !st)
		return 0;
	interval = cfg->rl_interval_ns;
	if (!interval)
		return 0;
	now = bpf_ktime_get_coarse_ns();
	window = now >> SG_WINDOW_SHIFT;
	if (st->window != window) {
		st->window = window;
		st->syns = 0;
		st->admitted = 0;
		st->events = 0;
		st->gate = admission_gate(0);
	}
	st->syns++;
	if (!(st->syns & 255))
		st->gate = admission_gate(st->syns);

	hash = sg_hash_step(cfg->rl_seed, key[0]);
	hash = sg_hash_step(hash, key[1]);
	hash = sg_hash_step(hash, key[2]);
	hash = sg_hash_final(sg_hash_step(hash, key[3]));

	/* a source seen once in this window is no offender yet: skip the
	 * table, the only cache miss a random-source flood could cause */
	seen = sketch_count(hash, st);
	if (seen < 2)
		return 0;
	set_idx = sg_hash_final(hash ^ 0x9e3779b9u) & cfg->rl_sets_mask;
	e = rate_entry(key, set_idx, seen, now, st, cfg, cnt);
	if (!e)
		return 0;

	e->syns++;
	shared = shared_tat(key, set_idx, now, e->tat_ns);
	if (shared) {
		int drop = shared_step(shared, now, cfg, &tat);

		/* the copy tells rate_entry this entry is being limited */
		e->tat_ns = tat;
		if (!drop)
			return 0;
	} else {
		tat = e->tat_ns > now ? e->tat_ns : now;
		if (tat - now <= cfg->rl_tolerance_ns) {
			e->tat_ns = tat + interval;
			return 0;
		}
	}
	if (!e->drops)
		report(key, now, st, cfg, cnt);
	e->drops++;
	return 1;
}

/* Whether pkt's SYN exceeds its source's rate; the table keys sources as
 * IPv6 addresses, IPv4 mapped. */
static __always_inline int rate_limited(const struct packet *pkt)
{
	if (pkt->family == SG_FAMILY_V4)
		return sg_rate_limited(0, 0, bpf_htonl(0xffff), pkt->saddr[0]);
	return sg_rate_limited(pkt->saddr[0], pkt->saddr[1], pkt->saddr[2],
			       pkt->saddr[3]);
}

#endif /* SG_RATELIMIT_H */
