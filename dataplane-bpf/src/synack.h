/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * synack.h - the ladder's cookie step: an initial SYN to a listening socket
 * is answered from XDP with a SYN-ACK whose sequence number is a SYN cookie,
 * built in place and sent back out with XDP_TX.
 *
 * The SYN-ACK keeps the frame's Ethernet header (MACs swapped) and its VLAN
 * tags; after them the IP header is rebuilt without options or extension
 * headers, and the TCP header always takes 40 bytes: MSS, then timestamps
 * (with SACK permitted in front, as the kernel lays them out) or NOPs, then
 * window scale or NOPs. The frame is cut or grown to fit.
 *
 * The cookie is synguard's own (cookie.h) or, in SG_COOKIES_KERNEL mode, the
 * listener's own from bpf_tcp_gen_syncookie(), which the stack then checks
 * itself; that path needs net.ipv4.tcp_syncookies=2, and tcp_timestamps=2
 * for timestamps, and carries window scale, SACK and ECN only in the
 * timestamp, as the kernel does. Either way the timestamp's low six bits
 * carry them as the kernel's cookies do.
 */
#ifndef SG_SYNACK_H
#define SG_SYNACK_H

#include <linux/if_ether.h>

#include "cookie.h"

#define SG_TCP_LISTEN	10	/* enum tcp_states' TCP_LISTEN */
#define SG_SYNACK_TCP	40	/* TCP header and options sent */

struct synack_tcp {
	struct tcphdr th;
	__u8 opt[SG_SYNACK_TCP - sizeof(struct tcphdr)];
};

/* The SYN's TCP header and options, contiguous for bpf_tcp_gen_syncookie;
 * the walk's buffer holds the options. */
struct syn_copy {
	struct tcphdr th;
	struct opt_walk w;
};

/* What a SYN-ACK is built from, off the stack (512 bytes for the program
 * and its calls together): per CPU, so never shared mid-packet. */
struct synack_scratch {
	struct syn_copy syn;
	struct synack_tcp out;
	__u8 iph[sizeof(struct ipv6hdr)];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct synack_scratch);
} sg_synack_scratch SEC(".maps");

static __always_inline __u32 csum_add16(__u32 sum, const void *p, int words)
{
	const __u16 *w = p;

#pragma unroll
	for (int i = 0; i < words; i++)
		sum += w[i];
	return sum;
}

static __always_inline __u16 csum_fold(__u32 sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return ~sum;
}

/* TCP checksum of the SYN-ACK given the sum of the pseudo-header's
 * addresses. */
static __always_inline __u16 synack_csum(__u32 addr_sum,
					 const struct synack_tcp *tcp)
{
	__u32 sum = addr_sum + bpf_htons(IPPROTO_TCP) + bpf_htons(SG_SYNACK_TCP);

	return csum_fold(csum_add16(sum, tcp, SG_SYNACK_TCP / 2));
}

static __always_inline void swap_macs(struct ethhdr *eth)
{
	__u8 mac[ETH_ALEN];

	__builtin_memcpy(mac, eth->h_source, ETH_ALEN);
	__builtin_memcpy(eth->h_source, eth->h_dest, ETH_ALEN);
	__builtin_memcpy(eth->h_dest, mac, ETH_ALEN);
}

static __always_inline void put32(__u8 *p, __u32 v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

/* The 20 option bytes: MSS, [SACK-permitted|NOP NOP] timestamps or NOPs
 * (with SACK-permitted after two NOPs when there are no timestamps), window
 * scale or NOPs. */
static __always_inline void synack_options(__u8 *o, __u32 mss,
					   const struct tcp_opts *syn,
					   __u32 sack, __u32 ws_ok,
					   __u32 wscale, __u32 tsval)
{
	__builtin_memset(o, 1, 20);
	o[0] = 2;
	o[1] = 4;
	o[2] = mss >> 8;
	o[3] = mss;
	if (syn->ts_ok) {
		if (sack) {
			o[4] = 4;
			o[5] = 2;
		}
		o[6] = 8;
		o[7] = 10;
		put32(o + 8, tsval);
		put32(o + 12, syn->tsval);
	} else if (sack) {
		o[6] = 4;
		o[7] = 2;
	}
	if (ws_ok) {
		o[17] = 3;
		o[18] = 3;
		o[19] = wscale;
	}
}

/* The initial SYN in ctx answered with a cookie: XDP_TX, or XDP_PASS when
 * it is not for us to answer (no listener, the kernel refused a cookie, a
 * frame we cannot rewrite). Global, so the verifier walks it once on its
 * own; it parses the headers again rather than have the caller keep their
 * offsets, which would cost the caller's verification its pruning. */
__attribute__((noinline)) int sg_cookie_synack(struct xdp_md *ctx, __u32 mode)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct cursor c = { .pos = data, .end = end };
	struct packet pkt = {};
	__u32 l3, l4, family;
	void *l3p;
	struct bpf_sock_tuple tuple = {};
	struct cookie_tuple t = {};
	struct synack_scratch *sc;
	struct sg_cookie_keys *keys;
	struct sg_config *cfg;
	struct tcp_opts *o;
	struct bpf_sock *sk;
	__u32 zero = 0, optlen, l3len, info, cookie, mssind, mss_adv, ws_ok;
	__u32 sack, ecn, sum, tsval = 0, now_ms, eff, win, wscale;
	__u64 now_ns = bpf_ktime_get_ns();
	__u8 flags;
	__s64 gen;
	int delta;

	/* a first fragment's SYN-ACK would leave its other fragments behind */
	if (!parse_to_tcp(&c, &pkt, &l3p) || pkt.first_fragment)
		return XDP_PASS;
	l3 = l3p - data;
	l4 = c.pos - data;
	family = pkt.family;
	cfg = bpf_map_lookup_elem(&sg_config, &zero);
	keys = bpf_map_lookup_elem(&sg_cookie_keys, &zero);
	sc = bpf_map_lookup_elem(&sg_synack_scratch, &zero);
	if (!cfg || !keys || !sc || l3 > 22 || l4 > 255)
		return XDP_PASS;
	/* every byte sent is written below but the TCP header's spare ones */
	__builtin_memset(&sc->out.th, 0, sizeof(sc->out.th));
	o = &sc->syn.w.o;
	l3len = family == SG_FAMILY_V4 ? sizeof(struct iphdr) : sizeof(struct ipv6hdr);

	/* read everything the answer needs; the frame is rewritten after */
	if (bpf_xdp_load_bytes(ctx, l4, &sc->syn.th, sizeof(sc->syn.th)))
		return XDP_PASS;
	flags = ((__u8 *)&sc->syn.th)[13];
	if (flags & (TCP_FLAG_FIN_BIT | TCP_FLAG_RST_BIT))
		return XDP_PASS;	/* the stack drops these: so do not answer */
	optlen = sc->syn.th.doff * 4 - sizeof(sc->syn.th);
	if (optlen > 40)
		return XDP_PASS;
	if (optlen && bpf_xdp_load_bytes(ctx, l4 + sizeof(sc->syn.th), sc->syn.w.buf, optlen))
		return XDP_PASS;
	sc->syn.w.len = optlen;
	parse_tcp_opts(&sc->syn.w);
	if (bpf_xdp_load_bytes(ctx, l3, sc->iph, l3len))
		return XDP_PASS;

	if (family == SG_FAMILY_V4) {
		struct iphdr *ip = (void *)sc->iph;

		/* the datagram must end in this buffer: no fragments to lose */
		if (data + l3 + bpf_ntohs(ip->tot_len) > end)
			return XDP_PASS;
		t.saddr[0] = ip->saddr;
		t.daddr[0] = ip->daddr;
		tuple.ipv4.saddr = ip->saddr;
		tuple.ipv4.daddr = ip->daddr;
		tuple.ipv4.sport = sc->syn.th.source;
		tuple.ipv4.dport = sc->syn.th.dest;
	} else {
		struct ipv6hdr *ip6 = (void *)sc->iph;

		if (data + l3 + l3len + bpf_ntohs(ip6->payload_len) > end)
			return XDP_PASS;
		__builtin_memcpy(t.saddr, &ip6->saddr, 16);
		__builtin_memcpy(t.daddr, &ip6->daddr, 16);
		__builtin_memcpy(tuple.ipv6.saddr, &ip6->saddr, 16);
		__builtin_memcpy(tuple.ipv6.daddr, &ip6->daddr, 16);
		tuple.ipv6.sport = sc->syn.th.source;
		tuple.ipv6.dport = sc->syn.th.dest;
	}
	t.sport = sc->syn.th.source;
	t.dport = sc->syn.th.dest;
	t.isn = bpf_ntohl(sc->syn.th.seq);

	/* only a listener's SYNs: an existing connection, a request the
	 * stack already holds, or a closed port stay the stack's */
	sk = bpf_skc_lookup_tcp(ctx, &tuple, family == SG_FAMILY_V4 ?
				sizeof(tuple.ipv4) : sizeof(tuple.ipv6),
				BPF_F_CURRENT_NETNS, 0);
	if (!sk)
		return XDP_PASS;
	if (sk->state != SG_TCP_LISTEN) {
		bpf_sk_release(sk);
		return XDP_PASS;
	}

	mssind = mss_index(family, o->mss ? o->mss : mss_of(family, 0));
	ws_ok = o->wscale != SG_INFO_WS_NONE;
	sack = o->sack_ok;
	ecn = (flags & (TCP_FLAG_ECE_BIT | TCP_FLAG_CWR_BIT)) ==
	      (TCP_FLAG_ECE_BIT | TCP_FLAG_CWR_BIT);
	if (mode == SG_COOKIES_KERNEL) {
		/* the kernel's cookie keeps only the MSS; the rest rides in
		 * the timestamp, or is given up without one */
		if (!o->ts_ok)
			ws_ok = sack = ecn = 0;
		gen = bpf_tcp_gen_syncookie(sk, sc->iph, l3len, &sc->syn.th,
					    sizeof(sc->syn.th) + (optlen & 0x3c));
		bpf_sk_release(sk);
		if (gen < 0)
			return XDP_PASS;
		cookie = (__u32)gen;
	} else {
		bpf_sk_release(sk);
		info = mssind | (ws_ok ? o->wscale : SG_INFO_WS_NONE) << SG_INFO_WS_SHIFT |
		       (sack ? SG_INFO_SACK : 0) | (ecn ? SG_INFO_ECN : 0);
		cookie = cookie_make(keys, &t, info, now_ns);
	}

	if (o->ts_ok) {
		now_ms = now_ns / 1000000;
		tsval = (now_ms & ~0x3fu) | (ws_ok ? o->wscale : SG_INFO_WS_NONE) |
			(sack ? 0x10 : 0) | (ecn ? 0x20 : 0);
		if ((__s32)(tsval - now_ms) > 0)
			tsval -= 64;
	}
	mss_adv = cfg->cookie_mss ? cfg->cookie_mss : 1460;
	if (family == SG_FAMILY_V6)
		mss_adv -= 20;
	wscale = cfg->cookie_wscale > SG_MAX_WSCALE ? SG_MAX_WSCALE : cfg->cookie_wscale;
	/* what the kernel's window will be: 64 KiB in whole segments */
	eff = mss_of(family, mssind) - (o->ts_ok ? 12 : 0);
	win = 65535 - 65535 % eff;

	sc->out.th.source = sc->syn.th.dest;
	sc->out.th.dest = sc->syn.th.source;
	sc->out.th.seq = bpf_htonl(cookie);
	sc->out.th.ack_seq = bpf_htonl(t.isn + 1);
	sc->out.th.doff = SG_SYNACK_TCP / 4;
	sc->out.th.syn = 1;
	sc->out.th.ack = 1;
	sc->out.th.ece = ecn;
	sc->out.th.window = bpf_htons(win);
	synack_options(sc->out.opt, mss_adv, o, sack, ws_ok, wscale, tsval);

	/* cut or grow the frame to L2 + IP + 40, then write it */
	delta = (int)(l3 + l3len + SG_SYNACK_TCP) - (int)(end - data);
	if (delta && bpf_xdp_adjust_tail(ctx, delta))
		return XDP_PASS;
	data = (void *)(long)ctx->data;
	end = (void *)(long)ctx->data_end;
	l3 &= 0x1f;	/* <= 22 as checked; said again for the verifier */
	if (family == SG_FAMILY_V4) {
		struct ethhdr *eth = data;
		struct iphdr *ip = data + l3;
		struct synack_tcp *tcp = (void *)(ip + 1);
		struct iphdr h = {
			.version = 4,
			.ihl = 5,
			.tot_len = bpf_htons(sizeof(h) + SG_SYNACK_TCP),
			.frag_off = bpf_htons(0x4000),	/* DF */
			.ttl = 64,
			.protocol = IPPROTO_TCP,
			.saddr = t.daddr[0],
			.daddr = t.saddr[0],
		};

		if ((void *)(tcp + 1) > end || (void *)(eth + 1) > end)
			return XDP_ABORTED;
		swap_macs(eth);
		h.check = csum_fold(csum_add16(0, &h, sizeof(h) / 2));
		sum = csum_add16(0, &h.saddr, 4);
		sc->out.th.check = synack_csum(sum, &sc->out);
		__builtin_memcpy(ip, &h, sizeof(h));
		__builtin_memcpy(tcp, &sc->out, sizeof(sc->out));
	} else {
		struct ethhdr *eth = data;
		struct ipv6hdr *ip6 = data + l3;
		struct synack_tcp *tcp = (void *)(ip6 + 1);
		struct ipv6hdr h = {
			.version = 6,
			.payload_len = bpf_htons(SG_SYNACK_TCP),
			.nexthdr = IPPROTO_TCP,
			.hop_limit = 64,
		};

		if ((void *)(tcp + 1) > end || (void *)(eth + 1) > end)
			return XDP_ABORTED;
		swap_macs(eth);
		__builtin_memcpy(&h.saddr, t.daddr, 16);
		__builtin_memcpy(&h.daddr, t.saddr, 16);
		sum = csum_add16(0, &h.saddr, 16);
		sc->out.th.check = synack_csum(sum, &sc->out);
		__builtin_memcpy(ip6, &h, sizeof(h));
		__builtin_memcpy(tcp, &sc->out, sizeof(sc->out));
	}
	return XDP_TX;
}

#endif /* SG_SYNACK_H */
