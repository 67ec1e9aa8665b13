/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * ratelimit.h - per-source SYN rate limiting: GCRA (a token bucket kept as
 * one timestamp) in a per-CPU, 4-way set-associative table.
 *
 * The table is keyed by what an attacker chooses. Were every new source
 * inserted, a random-source flood would pay an insert per packet and evict
 * every real offender. So a source is admitted only once a per-CPU
 * count-min sketch has seen it send rl_admit SYNs in one window, with the
 * sketch's noise floor (every other source's share of a cell) subtracted;
 * and no more than rl_admit_budget sources are admitted per CPU per window.
 * One-shot spoofed sources never pass the sketch: they cost two cached cell
 * updates and nothing else. SYNs a source sent before admission are charged
 * to its bucket when it is admitted.
 *
 * Per CPU: a source whose SYNs RSS spreads over N queues gets up to N times
 * the rate. The control plane sums the CPUs when it reports and blocks.
 */
#ifndef SG_RATELIMIT_H
#define SG_RATELIMIT_H

#include "maps.h"
#include "parse.h"

/* The source as an IPv6 address, IPv4 mapped: the table's key. */
static __always_inline void source_key(const struct packet *pkt, __u32 *key)
{
	if (pkt->family == SG_FAMILY_V4) {
		key[0] = 0;
		key[1] = 0;
		key[2] = bpf_htonl(0xffff);
		key[3] = pkt->saddr[0];
		return;
	}
	__builtin_memcpy(key, pkt->saddr, 16);
}

/* Count one SYN in a cell; the count before it, in this window. */
static __always_inline __u32 sketch_touch(__u32 *cell, __u32 epoch)
{
	__u32 v = *cell;
	__u32 n = (v >> 24) == epoch ? v & SKETCH_COUNT_MAX : 0;

	*cell = epoch << 24 | (n < SKETCH_COUNT_MAX ? n + 1 : n);
	return n;
}

/* SYNs this source sent in this window beyond the noise floor, this one
 * included; 0 when it is lost in the noise. */
static __always_inline __u32 sketch_count(__u32 hash, struct cpu_state *st)
{
	__u32 col0 = hash & (SKETCH_WIDTH - 1);
	__u32 col1 = (hash >> SKETCH_WIDTH_BITS) & (SKETCH_WIDTH - 1);
	__u32 line0 = col0 / SKETCH_LINE_CELLS;
	__u32 line1 = (SKETCH_WIDTH + col1) / SKETCH_LINE_CELLS;
	struct sketch_line *l0 = bpf_map_lookup_elem(&sg_sketch, &line0);
	struct sketch_line *l1 = bpf_map_lookup_elem(&sg_sketch, &line1);
	__u32 epoch = st->window & 0xff, n0, n1, seen, noise;

	if (!l0 || !l1)
		return 0;
	n0 = sketch_touch(&l0->cell[col0 % SKETCH_LINE_CELLS], epoch);
	n1 = sketch_touch(&l1->cell[col1 % SKETCH_LINE_CELLS], epoch);
	seen = (n0 < n1 ? n0 : n1) + 1;
	/* count-mean-min: a cell holds syns / width of everyone else on
	 * average; an eighth more keeps random sources well under the bar */
	noise = st->syns >> SKETCH_WIDTH_BITS;
	noise += noise >> 3;
	return seen > noise ? seen - noise : 0;
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
rate_entry(const __u32 *key, __u32 hash, __u32 seen, __u64 now,
	   struct cpu_state *st, const struct sg_config *cfg,
	   struct sg_counters *cnt)
{
	__u32 set_idx = sg_hash_final(hash ^ 0x9e3779b9u) & cfg->rl_sets_mask;
	struct sg_rate_set *set = bpf_map_lookup_elem(&sg_rate, &set_idx);
	struct sg_rate_entry *victim;

	if (!set)
		return NULL;
	victim = &set->way[0];
#pragma unroll
	for (int i = 0; i < SG_RATE_WAYS; i++) {
		struct sg_rate_entry *e = &set->way[i];

		if (e->tat_ns && same_source(e, key))
			return e;
		if (e->tat_ns < victim->tat_ns)
			victim = e;
	}

	if (seen < cfg->rl_admit)
		return NULL;
	if (st->admitted >= cfg->rl_admit_budget) {
		cnt->c[SG_CNT_RL_REFUSED]++;
		return NULL;
	}
	if (victim->tat_ns)
		cnt->c[SG_CNT_RL_EVICTED]++;
	st->admitted++;
	cnt->c[SG_CNT_RL_ADMITTED]++;

	__builtin_memcpy(victim->addr, key, sizeof(victim->addr));
	victim->syns = seen - 1;
	victim->drops = 0;
	/* charge the SYNs it sent before admission */
	victim->tat_ns = now + (__u64)(seen - 1) * cfg->rl_interval_ns;
	return victim;
}

/* 1 when this SYN exceeds its source's rate. */
static __always_inline int rate_limited(const struct packet *pkt,
					const struct sg_config *cfg,
					struct sg_counters *cnt)
{
	__u64 interval = cfg->rl_interval_ns, now, window, tat;
	struct sg_rate_entry *e;
	struct cpu_state *st;
	__u32 key[4], zero = 0, hash, seen;

	if (!interval)
		return 0;
	st = bpf_map_lookup_elem(&sg_cpu, &zero);
	if (!st)
		return 0;
	now = bpf_ktime_get_coarse_ns();
	window = now >> SG_WINDOW_SHIFT;
	if (st->window != window) {
		st->window = window;
		st->syns = 0;
		st->admitted = 0;
		st->events = 0;
	}
	st->syns++;

	source_key(pkt, key);
	hash = sg_hash_step(cfg->rl_seed, key[0]);
	hash = sg_hash_step(hash, key[1]);
	hash = sg_hash_step(hash, key[2]);
	hash = sg_hash_final(sg_hash_step(hash, key[3]));

	/* a source seen once in this window is no offender yet: skip the
	 * table, the only cache miss a random-source flood could cause */
	seen = sketch_count(hash, st);
	if (seen < 2)
		return 0;
	e = rate_entry(key, hash, seen, now, st, cfg, cnt);
	if (!e)
		return 0;

	e->syns++;
	tat = e->tat_ns > now ? e->tat_ns : now;
	if (tat - now > cfg->rl_tolerance_ns) {
		if (!e->drops)
			report(key, now, st, cfg, cnt);
		e->drops++;
		return 1;
	}
	e->tat_ns = tat + interval;
	return 0;
}

#endif /* SG_RATELIMIT_H */
