/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * references.h - the reference programs every benchmark measures synguard
 * against (BENCHMARKS.md), shared by the live peers filters (ceiling.bpf.c)
 * and the test-run benchmark (bench.bpf.c):
 *  - xdp_drop drops every frame unread;
 *  - parse_drop parses what synguard parses (parse.h) and drops;
 *  - one_miss parses, reads one line at a random index of a 64 MiB table
 *    keyed by the source, and drops;
 *  - parse_tx parses and sends the SYN back with XDP_TX, addressed as a
 *    SYN-ACK would be: what answering costs before any cookie is made.
 * With the generator on another CPU, xdp_drop never pays for the headers
 * crossing over: a filter that must read them is held against parse_drop,
 * one whose table cannot stay in cache against one_miss. Anything but an
 * initial SYN passes, as in synguard, so the parse cannot be left out.
 */
#ifndef SG_REFERENCES_H
#define SG_REFERENCES_H

#include "parse.h"

/* As large as sg_rules at a million rules (2^21 slots of 32 bytes): a
 * read at a random index misses the caches and, with 4 KiB pages, the
 * TLB. Users that never run one_miss shrink it before load. */
#define REF_LINES_BITS	21

struct ref_line {
	__u64 word[4];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1 << REF_LINES_BITS);
	__type(key, __u32);
	__type(value, struct ref_line);
} ref_table SEC(".maps");

static __always_inline int ref_parse(struct xdp_md *ctx, struct packet *pkt)
{
	struct cursor c = {
		.pos = (void *)(long)ctx->data,
		.end = (void *)(long)ctx->data_end,
	};

	return parse_packet(&c, pkt);
}

static __always_inline int ref_parse_drop(struct xdp_md *ctx)
{
	struct packet pkt = {};

	return ref_parse(ctx, &pkt) == PARSE_SYN ? XDP_DROP : XDP_PASS;
}

static __always_inline int ref_one_miss(struct xdp_md *ctx)
{
	struct packet pkt = {};
	struct ref_line *line;
	__u32 slot;

	if (ref_parse(ctx, &pkt) != PARSE_SYN)
		return XDP_PASS;
	slot = sg_hash_final(pkt.saddr[0] ^ pkt.saddr[3]) &
	       ((1 << REF_LINES_BITS) - 1);
	line = bpf_map_lookup_elem(&ref_table, &slot);
	return line && line->word[0] == 1 ? XDP_PASS : XDP_DROP;
}

#define REF_SWAP(a, b)					\
	do {						\
		__typeof__(a) tmp;			\
		__builtin_memcpy(&tmp, &(a), sizeof(tmp));	\
		__builtin_memcpy(&(a), &(b), sizeof(tmp));	\
		__builtin_memcpy(&(b), &tmp, sizeof(tmp));	\
	} while (0)

/* Swaps the Ethernet and IP addresses and the TCP ports of an initial SYN
 * and sends it back. A one's-complement sum does not depend on the order of
 * its words, so both checksums stay valid without being touched; the flags
 * stay SYN: the frame costs the way back, not the making of an answer. */
static __always_inline int ref_parse_tx(struct xdp_md *ctx)
{
	void *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = (void *)(long)ctx->data;
	struct cursor c = { .pos = eth, .end = end };
	struct packet pkt = {};
	struct tcphdr *tcp;
	void *l3;
	int proto = parse_eth(&c);

	l3 = c.pos;
	proto = parse_ip(&c, &pkt, proto);
	if (proto != IPPROTO_TCP || parse_tcp(&c, &pkt) != PARSE_SYN)
		return XDP_PASS;
	/* checked again where the verifier can see it */
	tcp = c.pos;
	if ((void *)(eth + 1) > end || (void *)(tcp + 1) > end)
		return XDP_PASS;
	if (pkt.family == SG_FAMILY_V4) {
		struct iphdr *ip = l3;

		if ((void *)(ip + 1) > end)
			return XDP_PASS;
		REF_SWAP(ip->saddr, ip->daddr);
	} else {
		struct ipv6hdr *ip6 = l3;

		if ((void *)(ip6 + 1) > end)
			return XDP_PASS;
		REF_SWAP(ip6->saddr, ip6->daddr);
	}
	REF_SWAP(eth->h_source, eth->h_dest);
	REF_SWAP(tcp->source, tcp->dest);
	return XDP_TX;
}

#endif /* SG_REFERENCES_H */
