/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * parse.h - bounds-checked header parsing.
 *
 * Each parse_* moves a cursor over one header and checks the bytes it reads
 * right before it reads them, so the code reads top to bottom like the
 * packet. Results are enum parse_result: anything but PARSE_SYN and
 * PARSE_TCP leaves the packet to the stack untouched.
 */
#ifndef SG_PARSE_H
#define SG_PARSE_H

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "synguard_abi.h"

#define SG_MAX_VLAN	2	/* 802.1Q and 802.1ad (QinQ) */
#define SG_MAX_EXT	8	/* IPv6 extension headers walked */

#define TCP_FLAG_SYN_BIT 0x02
#define TCP_FLAG_ACK_BIT 0x10

enum parse_result {
	PARSE_SYN,		/* initial SYN: subject to mitigation */
	PARSE_TCP,		/* any other TCP segment */
	PARSE_NON_IP,
	PARSE_NON_TCP,
	PARSE_FRAGMENT,		/* non-first fragment: no TCP header */
	PARSE_MALFORMED,	/* cut short or inconsistent */
	PARSE_UNREADABLE,	/* TCP header hidden; the source is known */
};

struct cursor {
	void *pos;
	void *end;
};

struct packet {
	__u32 saddr[4];		/* network order; IPv4 in saddr[0] */
	__u32 daddr[4];		/* the same of the destination */
	__be16 dport;		/* TCP destination port, once TCP parsed */
	__u8 family;		/* enum sg_family, once an IP header parsed */
	__u8 first_fragment;	/* more fragments follow this one */
	void *l3_end;		/* end of the IP datagram as its header says */
};

struct vlan_tag {
	__be16 tci;
	__be16 encap_proto;
};

struct ipv6_frag {
	__u8 nexthdr;
	__u8 reserved;
	__be16 frag_off;	/* offset in 8-byte units << 3, M flag bit 0 */
	__be32 identification;
};

/* Ethernet and up to SG_MAX_VLAN tags; the inner ethertype, or -1.
 * XXX: a third tag hides the frame (PARSE_NON_IP); the stack delivers such
 * frames only where nested VLAN devices are configured. */
static __always_inline int parse_eth(struct cursor *c)
{
	struct ethhdr *eth = c->pos;
	__be16 proto;

	if ((void *)(eth + 1) > c->end)
		return -1;
	proto = eth->h_proto;
	c->pos = eth + 1;

#pragma unroll
	for (int i = 0; i < SG_MAX_VLAN; i++) {
		struct vlan_tag *tag = c->pos;

		if (proto != bpf_htons(ETH_P_8021Q) &&
		    proto != bpf_htons(ETH_P_8021AD))
			break;
		if ((void *)(tag + 1) > c->end)
			return -1;
		proto = tag->encap_proto;
		c->pos = tag + 1;
	}
	return bpf_ntohs(proto);
}

/* IPv4 with options; on success the L4 protocol and the cursor past the
 * header, else a negative enum parse_result. */
static __always_inline int parse_ipv4(struct cursor *c, struct packet *pkt)
{
	struct iphdr *ip = c->pos;
	__u32 hlen, tot_len;
	__u16 frag;

	if ((void *)(ip + 1) > c->end)
		return -PARSE_MALFORMED;
	hlen = ip->ihl * 4;
	if (hlen < sizeof(*ip))
		return -PARSE_MALFORMED;
	if ((void *)ip + hlen > c->end)
		return -PARSE_MALFORMED;
	/* the datagram may run on into XDP fragments: its length bounds what
	 * belongs to it, c->end what we may read */
	tot_len = bpf_ntohs(ip->tot_len);
	if (tot_len < hlen)
		return -PARSE_MALFORMED;

	pkt->family = SG_FAMILY_V4;
	pkt->saddr[0] = ip->saddr;
	pkt->daddr[0] = ip->daddr;
	pkt->l3_end = (void *)ip + tot_len;

	frag = bpf_ntohs(ip->frag_off);
	if (frag & 0x1fff)
		return -PARSE_FRAGMENT;
	pkt->first_fragment = !!(frag & 0x2000);
	c->pos = (void *)ip + hlen;
	return ip->protocol;
}

/* IPv6 and a bounded walk over hop-by-hop, routing, destination options,
 * fragment and AH headers; as parse_ipv4. */
static __always_inline int parse_ipv6(struct cursor *c, struct packet *pkt)
{
	struct ipv6hdr *ip6 = c->pos;
	__u32 payload;
	__u8 next;

	if ((void *)(ip6 + 1) > c->end)
		return -PARSE_MALFORMED;
	payload = bpf_ntohs(ip6->payload_len);
	/* 0 is a jumbogram's; its length sits in hop-by-hop options */
	pkt->l3_end = (void *)(ip6 + 1) + (payload ? payload : 0xffff);

	pkt->family = SG_FAMILY_V6;
	__builtin_memcpy(pkt->saddr, &ip6->saddr, sizeof(pkt->saddr));
	__builtin_memcpy(pkt->daddr, &ip6->daddr, sizeof(pkt->daddr));
	next = ip6->nexthdr;
	c->pos = ip6 + 1;

	for (int i = 0; i < SG_MAX_EXT; i++) {
		struct ipv6_opt_hdr *opt = c->pos;
		struct ipv6_frag *fh = c->pos;

		switch (next) {
		case IPPROTO_HOPOPTS:
		case IPPROTO_ROUTING:
		case IPPROTO_DSTOPTS:
			if ((void *)(opt + 1) > c->end)
				return -PARSE_MALFORMED;
			next = opt->nexthdr;
			c->pos += (opt->hdrlen + 1) * 8;
			break;
		case IPPROTO_AH:
			if ((void *)(opt + 1) > c->end)
				return -PARSE_MALFORMED;
			next = opt->nexthdr;
			c->pos += (opt->hdrlen + 2) * 4;
			break;
		case IPPROTO_FRAGMENT:
			if ((void *)(fh + 1) > c->end)
				return -PARSE_MALFORMED;
			if (bpf_ntohs(fh->frag_off) & 0xfff8)
				return -PARSE_FRAGMENT;
			pkt->first_fragment = !!(bpf_ntohs(fh->frag_off) & 1);
			next = fh->nexthdr;
			c->pos = fh + 1;
			break;
		default:
			return next;
		}
		if (c->pos > pkt->l3_end)
			return -PARSE_MALFORMED;
	}
	/* XXX: RFC 8200 allows each of these once (destination options
	 * twice), so a conforming chain fits SG_MAX_EXT; a longer one hides
	 * its TCP header from us but not from the stack. */
	switch (next) {
	case IPPROTO_HOPOPTS:
	case IPPROTO_ROUTING:
	case IPPROTO_DSTOPTS:
	case IPPROTO_AH:
	case IPPROTO_FRAGMENT:
		return -PARSE_UNREADABLE;
	}
	return next;
}

/* TCP; PARSE_SYN or PARSE_TCP, or why the header could not be read. A first
 * fragment too short for the TCP header is the RFC 1858 tiny-fragment
 * trick: its flags travel in a later fragment. */
static __always_inline int parse_tcp(struct cursor *c, struct packet *pkt)
{
	struct tcphdr *tcp = c->pos;
	__u32 hlen;
	__u8 flags;

	if ((void *)(tcp + 1) > pkt->l3_end)
		return pkt->first_fragment ? PARSE_UNREADABLE : PARSE_MALFORMED;
	if ((void *)(tcp + 1) > c->end)
		return PARSE_MALFORMED;
	hlen = tcp->doff * 4;
	if (hlen < sizeof(*tcp))
		return PARSE_MALFORMED;
	/* a first fragment may carry its options on into the next one */
	if (!pkt->first_fragment && (void *)tcp + hlen > pkt->l3_end)
		return PARSE_MALFORMED;

	pkt->dport = tcp->dest;
	flags = ((__u8 *)tcp)[13];
	if ((flags & (TCP_FLAG_SYN_BIT | TCP_FLAG_ACK_BIT)) == TCP_FLAG_SYN_BIT)
		return PARSE_SYN;
	return PARSE_TCP;
}

/* The IP header at the cursor, eth the ethertype parse_eth gave: as
 * parse_ipv4 and parse_ipv6. */
static __always_inline int parse_ip(struct cursor *c, struct packet *pkt,
				    int eth)
{
	switch (eth) {
	case ETH_P_IP:
		return parse_ipv4(c, pkt);
	case ETH_P_IPV6:
		return parse_ipv6(c, pkt);
	case -1:
		return -PARSE_MALFORMED;
	default:
		return -PARSE_NON_IP;
	}
}

static __always_inline int parse_packet(struct cursor *c, struct packet *pkt)
{
	int proto = parse_ip(c, pkt, parse_eth(c));

	if (proto < 0)
		return -proto;
	if (proto != IPPROTO_TCP)
		return PARSE_NON_TCP;
	return parse_tcp(c, pkt);
}

#endif /* SG_PARSE_H */
