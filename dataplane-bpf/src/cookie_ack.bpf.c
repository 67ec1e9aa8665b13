// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * cookie_ack.bpf.c - the TC ingress half of synguard's own SYN cookies
 * (kernel >= 6.9): an ACK to a listening socket that carries no connection
 * is checked against the cookie the XDP step sent (cookie.h); a good one
 * hands the listener a request socket through bpf_sk_assign_tcp_reqsk(),
 * with the options the cookie encodes, and the stack completes the
 * handshake; a bad one is dropped and counted. Everything else passes.
 *
 * A separate object: it loads only where the kfunc exists, so loading it
 * is the probe. It shares synguard's maps (the loader re-uses them).
 */
#include <linux/pkt_cls.h>

#include "cookie.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* As this kernel's BTF declares them (6.11 and later): the kfunc's
 * argument is the kernel's struct sock, reached through
 * bpf_skc_to_tcp_sock(). */
struct sock {
	int _opaque;
};

struct bpf_tcp_req_attrs {
	__u32 rcv_tsval;
	__u32 rcv_tsecr;
	__u16 mss;
	__u8 rcv_wscale;
	__u8 snd_wscale;
	__u8 ecn_ok;
	__u8 wscale_ok;
	__u8 sack_ok;
	__u8 tstamp_ok;
	__u8 usec_ts_ok;
	__u8 reserved[3];
};

extern int bpf_sk_assign_tcp_reqsk(struct __sk_buff *skb, struct sock *sk,
				   struct bpf_tcp_req_attrs *attrs,
				   int attrs__sz) __ksym;

#define SG_TCP_LISTEN 10

/* Whether the source has ACKs with valid cookies left this window. */
static __always_inline int ack_allowed(const __u32 *saddr, __u32 family)
{
	struct sg_cookie_ack_count *n, fresh = {};
	__u32 key[4] = {};
	__u64 window = bpf_ktime_get_coarse_ns() >> SG_WINDOW_SHIFT;

	if (family == SG_FAMILY_V4) {
		key[2] = bpf_htonl(0xffff);
		key[3] = saddr[0];
	} else {
		__builtin_memcpy(key, saddr, sizeof(key));
	}
	n = bpf_map_lookup_elem(&sg_cookie_acks, key);
	if (!n) {
		fresh.window = window;
		fresh.acks = 1;
		bpf_map_update_elem(&sg_cookie_acks, key, &fresh, BPF_ANY);
		return 1;
	}
	if (n->window != window) {
		n->window = window;
		n->acks = 0;
	}
	return ++n->acks <= SG_COOKIE_ACK_BURST;
}

/* The listener for the ACK's 4-tuple, with a reference, or NULL when a
 * connection or request owns the tuple or nothing listens. */
static __always_inline struct bpf_sock *listener(struct __sk_buff *skb,
						 struct bpf_sock_tuple *tuple,
						 __u32 family)
{
	struct bpf_sock *sk;

	sk = bpf_skc_lookup_tcp(skb, tuple, family == SG_FAMILY_V4 ?
				sizeof(tuple->ipv4) : sizeof(tuple->ipv6),
				BPF_F_CURRENT_NETNS, 0);
	if (sk && sk->state != SG_TCP_LISTEN) {
		bpf_sk_release(sk);
		return NULL;
	}
	return sk;
}

SEC("tc")
int synguard_cookie_ack(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *end = (void *)(long)skb->data_end;
	struct cursor c = { .pos = data, .end = end };
	struct bpf_tcp_req_attrs attrs = {};
	struct bpf_sock_tuple tuple = {};
	struct cookie_tuple t = {};
	struct sg_cookie_keys *keys;
	struct sg_counters *cnt;
	struct sg_config *cfg;
	struct packet pkt = {};
	struct opt_walk w = {};
	struct tcp_sock *tp;
	struct bpf_sock *sk;
	struct tcphdr *th;
	__u32 zero = 0, l4, optlen, ws;
	void *l3;
	int info;
	__u8 flags;

	cfg = bpf_map_lookup_elem(&sg_config, &zero);
	keys = bpf_map_lookup_elem(&sg_cookie_keys, &zero);
	cnt = bpf_map_lookup_elem(&sg_counters, &zero);
	/* monitor mode answers no SYN with a cookie, so it has none to check */
	if (!cfg || !keys || !cnt || cfg->cookie_mode != SG_COOKIES_OWN ||
	    cfg->mode != SG_MODE_ENFORCE)
		return TC_ACT_OK;

	if (!parse_to_tcp(&c, &pkt, &l3))
		return TC_ACT_OK;
	th = c.pos;
	if ((void *)(th + 1) > end)
		return TC_ACT_OK;
	flags = ((__u8 *)th)[13];
	if ((flags & (TCP_FLAG_ACK_BIT | TCP_FLAG_SYN_BIT | TCP_FLAG_RST_BIT)) !=
	    TCP_FLAG_ACK_BIT)
		return TC_ACT_OK;

	if (pkt.family == SG_FAMILY_V4) {
		struct iphdr *ip = l3;

		if ((void *)(ip + 1) > end)
			return TC_ACT_OK;
		tuple.ipv4.saddr = ip->saddr;
		tuple.ipv4.daddr = ip->daddr;
		tuple.ipv4.sport = th->source;
		tuple.ipv4.dport = th->dest;
		t.saddr[0] = ip->saddr;
		t.daddr[0] = ip->daddr;
	} else {
		struct ipv6hdr *ip6 = l3;

		if ((void *)(ip6 + 1) > end)
			return TC_ACT_OK;
		__builtin_memcpy(tuple.ipv6.saddr, &ip6->saddr, 16);
		__builtin_memcpy(tuple.ipv6.daddr, &ip6->daddr, 16);
		tuple.ipv6.sport = th->source;
		tuple.ipv6.dport = th->dest;
		__builtin_memcpy(t.saddr, &ip6->saddr, 16);
		__builtin_memcpy(t.daddr, &ip6->daddr, 16);
	}
	t.sport = th->source;
	t.dport = th->dest;
	t.isn = bpf_ntohl(th->seq) - 1;
	optlen = th->doff * 4;
	optlen = optlen > sizeof(*th) ? optlen - sizeof(*th) : 0;
	if (optlen > 40)
		return TC_ACT_OK;
	l4 = (void *)th - data;

	sk = listener(skb, &tuple, pkt.family);
	if (!sk)
		return TC_ACT_OK;	/* a connection's, or nobody's: the stack's */

	info = cookie_check(keys, &t, bpf_ntohl(th->ack_seq) - 1);
	if (info < 0 || !ack_allowed(t.saddr, pkt.family)) {
		bpf_sk_release(sk);
		cnt->c[SG_CNT_COOKIES_REJECTED]++;
		return TC_ACT_SHOT;
	}
	cnt->c[SG_CNT_COOKIES_VALIDATED]++;

	if (optlen && bpf_skb_load_bytes(skb, l4 + sizeof(*th), w.buf, optlen) == 0) {
		w.len = optlen;
		parse_tcp_opts(&w);
	}
	ws = (info >> SG_INFO_WS_SHIFT) & 0xf;
	attrs.mss = mss_of(pkt.family, info & SG_INFO_MSS_MASK);
	attrs.wscale_ok = ws != SG_INFO_WS_NONE;
	attrs.snd_wscale = attrs.wscale_ok ? ws : 0;
	attrs.rcv_wscale = attrs.wscale_ok ?
		(cfg->cookie_wscale > SG_MAX_WSCALE ? SG_MAX_WSCALE : cfg->cookie_wscale) : 0;
	attrs.sack_ok = !!(info & SG_INFO_SACK);
	attrs.ecn_ok = !!(info & SG_INFO_ECN);
	attrs.tstamp_ok = w.o.ts_ok;
	attrs.rcv_tsval = w.o.tsval;
	attrs.rcv_tsecr = w.o.tsecr;

	tp = bpf_skc_to_tcp_sock(sk);
	if (!tp || bpf_sk_assign_tcp_reqsk(skb, (struct sock *)tp, &attrs, sizeof(attrs)))
		cnt->c[SG_CNT_COOKIES_UNASSIGNED]++;
	bpf_sk_release(sk);
	return TC_ACT_OK;
}
