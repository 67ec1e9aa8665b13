/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * victims.h - which of the host's (address, port) the initial SYNs go to,
 * so that an operator sees what is flooded, not only by whom.
 *
 * Counted per CPU in a small direct-mapped table (sg_victims, 256 slots of
 * 40 bytes: 10 KiB, cached like the sketch) rather than a hash map: one
 * array lookup per SYN, no insert, nothing a flood can fill. A destination's
 * slot is a hash of it, seeded per load so that no one picks a collision in
 * advance: two multiplications, not the rule table's murmur steps, which
 * cost twice as much here. One A/B run by hand, not kept in results/
 * (BPF_PROG_TEST_RUN of a SYN with no rule and no rate limit, medians of 15
 * runs of 1M): the count added ~3 ns, murmur would have added ~6. Two destinations that share a slot compete by a running majority
 * vote (Boyer-Moore's): a SYN to the holder adds a vote, a SYN to another
 * takes one away and counts in the slot's others, and a SYN that finds no
 * vote left takes the slot over. So a destination that gets most of its
 * slot's SYNs holds it, whatever the order they come in; votes are capped at
 * SG_VICTIM_VOTES_MAX so that one busy yesterday yields to today's flood
 * within that many SYNs.
 *
 * Every SYN counts once, in its holder's syns or in others: what the
 * control plane cannot attribute it reports as such, never to the wrong
 * destination. A flood to random ports spreads over every slot; a
 * destination holds its slot while it gets more than the flood's share of
 * it (1/256), and the rest of the flood shows as unattributed.
 */
#ifndef SG_VICTIMS_H
#define SG_VICTIMS_H

#include "maps.h"
#include "parse.h"

static __always_inline int same_victim(const struct sg_victim *v,
				       const __u32 *key, __be16 port)
{
	return v->port == port && v->addr[3] == key[3] &&
	       v->addr[2] == key[2] && v->addr[1] == key[1] &&
	       v->addr[0] == key[0];
}

/* Counts a SYN to (key, port); seed makes the slots' hash. */
static __always_inline void count_at(const __u32 *key, __be16 port, __u32 seed)
{
	struct sg_victim *v;
	__u32 h;

	h = (key[0] ^ key[1] ^ key[2] ^ key[3] ^ seed) * 0x9e3779b1u;
	h = ((h ^ port) * 0x85ebca6bu) >> (32 - SG_VICTIM_SLOT_BITS);
	v = bpf_map_lookup_elem(&sg_victims, &h);
	if (!v)
		return;
	if (same_victim(v, key, port)) {
		v->syns++;
		if (v->votes < SG_VICTIM_VOTES_MAX)
			v->votes++;
	} else if (v->votes) {
		v->votes--;
		v->others++;
	} else {
		__builtin_memcpy(v->addr, key, sizeof(v->addr));
		v->port = port;
		v->votes = 1;
		v->takes++;
		v->syns = 1;
	}
}

/* Counts pkt's SYN against its destination, IPv4 as ::ffff:a.b.c.d; seed
 * makes the slots' hash. count_at is inlined once per family so that an
 * IPv4 key's constant words fold into the hash and the compare: ~0.5 ns a
 * SYN less than one key built for both (BPF_PROG_TEST_RUN). */
static __always_inline void count_victim(const struct packet *pkt, __u32 seed)
{
	if (pkt->family == SG_FAMILY_V4) {
		__u32 key[4] = { 0, 0, bpf_htonl(0xffff), pkt->daddr[0] };

		count_at(key, pkt->dport, seed);
	} else {
		count_at(pkt->daddr, pkt->dport, seed);
	}
}

#endif /* SG_VICTIMS_H */
