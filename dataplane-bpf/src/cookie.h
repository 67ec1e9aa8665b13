/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * cookie.h - synguard's SYN cookie, shared by the XDP step that sends it
 * (synack.h) and the TC step that checks the returning ACK (cookie_ack.bpf.c).
 *
 * A cookie is the SYN-ACK's sequence number:
 *
 *   bits 31..9  MAC: the top 23 bits of SipHash-1-3, keyed by one of the two
 *               secrets in sg_cookie_keys, over the 4-tuple, the client's
 *               ISN, the time counter and the info byte
 *   bit  8      the time counter's parity
 *   bits 7..0   info: MSS index (2 bits), the client's window scale (4 bits,
 *               15: none), SACK permitted, ECN
 *
 * The time counter is the monotonic clock >> SG_COOKIE_COUNT_SHIFT (~69 s);
 * the parity says which of the current and the previous counter the ACK's
 * cookie was made under, so a cookie lives one to two counters and costs at
 * most two hashes (one per key slot) to check. The Java tests recompute it
 * (SynCookies, in the control plane's tests).
 */
#ifndef SG_COOKIE_H
#define SG_COOKIE_H

#include "maps.h"
#include "parse.h"

#define SG_INFO_MSS_MASK	0x3
#define SG_INFO_WS_SHIFT	2
#define SG_INFO_WS_NONE		0xf
#define SG_INFO_SACK		0x40
#define SG_INFO_ECN		0x80
#define SG_MAX_WSCALE		14

#define TCP_FLAG_FIN_BIT 0x01
#define TCP_FLAG_RST_BIT 0x04
#define TCP_FLAG_ECE_BIT 0x40
#define TCP_FLAG_CWR_BIT 0x80


/* What a cookie is made of, as the client's segment carries it: addresses
 * and ports in network order, isn in host order. */
struct cookie_tuple {
	__u32 saddr[4];
	__u32 daddr[4];
	__u16 sport;
	__u16 dport;
	__u32 isn;
};

/* TCP options of a SYN or an ACK, as far as cookies care. */
struct tcp_opts {
	__u16 mss;		/* 0: none */
	__u8 wscale;		/* SG_INFO_WS_NONE: none */
	__u8 sack_ok;
	__u8 ts_ok;
	__u32 tsval;
	__u32 tsecr;
};

/* Option bytes copied from the packet, zero-padded, and the walk over
 * them: a fixed-size buffer indexed under a mask keeps every read provably
 * in bounds. */
#define SG_OPT_BUF 64

struct opt_walk {
	__u8 buf[SG_OPT_BUF];
	__u32 len;		/* option bytes, <= 40 */
	__u32 i;		/* the next option's offset */
	struct tcp_opts o;
};

static __always_inline __u16 opt16(const __u8 *b, __u32 i)
{
	return (__u16)b[i & (SG_OPT_BUF - 1)] << 8 | b[(i + 1) & (SG_OPT_BUF - 1)];
}

static __always_inline __u32 opt32(const __u8 *b, __u32 i)
{
	return (__u32)opt16(b, i) << 16 | opt16(b, i + 2);
}

/* Reads one option; 0 once the walk is over (the end, or a malformed
 * option). Global, so the verifier checks one step once rather than every
 * path through 40 of them. */
__attribute__((noinline)) int sg_tcp_opt_next(struct opt_walk *w)
{
	__u32 i;
	__u8 kind, olen;

	if (!w || w->i >= w->len || w->len > 40)
		return 0;
	i = w->i;
	kind = w->buf[i & (SG_OPT_BUF - 1)];
	if (kind == 0)
		return 0;
	if (kind == 1) {
		w->i = i + 1;
		return 1;
	}
	olen = w->buf[(i + 1) & (SG_OPT_BUF - 1)];
	if (olen < 2 || i + olen > w->len)
		return 0;
	if (kind == 2 && olen == 4) {
		w->o.mss = opt16(w->buf, i + 2);
	} else if (kind == 3 && olen == 3) {
		w->o.wscale = w->buf[(i + 2) & (SG_OPT_BUF - 1)];
	} else if (kind == 4 && olen == 2) {
		w->o.sack_ok = 1;
	} else if (kind == 8 && olen == 10) {
		w->o.ts_ok = 1;
		w->o.tsval = opt32(w->buf, i + 2);
		w->o.tsecr = opt32(w->buf, i + 6);
	}
	w->i = i + olen;
	return 1;
}

/* Walks w->len option bytes in w->buf into w->o. */
static __always_inline void parse_tcp_opts(struct opt_walk *w)
{
	w->i = 0;
	w->o.mss = 0;
	w->o.wscale = SG_INFO_WS_NONE;
	w->o.sack_ok = 0;
	w->o.ts_ok = 0;
	w->o.tsval = 0;
	w->o.tsecr = 0;
	for (int n = 0; n < 40; n++)
		if (!sg_tcp_opt_next(w))
			break;
	if (w->o.wscale != SG_INFO_WS_NONE && w->o.wscale > SG_MAX_WSCALE)
		w->o.wscale = SG_MAX_WSCALE;
}

/* Ethernet, VLAN tags, the IP header: whether a TCP header follows, with
 * the cursor on it and *l3 on the IP header. */
static __always_inline int parse_to_tcp(struct cursor *c, struct packet *pkt,
					void **l3)
{
	int eth = parse_eth(c);

	*l3 = c->pos;
	return parse_ip(c, pkt, eth) == IPPROTO_TCP;
}

static __always_inline __u64 rotl64(__u64 x, int r)
{
	return (x << r) | (x >> (64 - r));
}

#define SIPROUND(v0, v1, v2, v3)					\
	do {								\
		v0 += v1; v1 = rotl64(v1, 13); v1 ^= v0;		\
		v0 = rotl64(v0, 32);					\
		v2 += v3; v3 = rotl64(v3, 16); v3 ^= v2;		\
		v0 += v3; v3 = rotl64(v3, 21); v3 ^= v0;		\
		v2 += v1; v1 = rotl64(v1, 17); v1 ^= v2;		\
		v2 = rotl64(v2, 32);					\
	} while (0)

/* SipHash-1-3 of six 64-bit words (a 48-byte message). */
static __always_inline __u64 siphash13_6(__u64 k0, __u64 k1, const __u64 *m)
{
	__u64 v0 = k0 ^ 0x736f6d6570736575ULL;
	__u64 v1 = k1 ^ 0x646f72616e646f6dULL;
	__u64 v2 = k0 ^ 0x6c7967656e657261ULL;
	__u64 v3 = k1 ^ 0x7465646279746573ULL;
	__u64 b = 48ULL << 56;

#pragma unroll
	for (int i = 0; i < 6; i++) {
		v3 ^= m[i];
		SIPROUND(v0, v1, v2, v3);
		v0 ^= m[i];
	}
	v3 ^= b;
	SIPROUND(v0, v1, v2, v3);
	v0 ^= b;
	v2 ^= 0xff;
	SIPROUND(v0, v1, v2, v3);
	SIPROUND(v0, v1, v2, v3);
	SIPROUND(v0, v1, v2, v3);
	return v0 ^ v1 ^ v2 ^ v3;
}

/* The 23-bit MAC of a cookie under key slot `slot`: the top bits of the
 * hash of six 64-bit words, addresses and ports read from the packet as
 * host integers (IPv4 in word 0 of each address, the rest 0):
 * saddr[0] | saddr[1] << 32, saddr[2] | saddr[3] << 32, the same of daddr,
 * sport | dport << 16 | isn << 32, count | info << 32. Global: one copy of
 * the hash, whose temporaries stay off the callers' stacks. */
__attribute__((noinline)) __u32 sg_cookie_mac(const struct sg_cookie_keys *keys,
					      __u32 slot,
					      const struct cookie_tuple *t,
					      __u32 count, __u32 info)
{
	__u64 m[6];
	__u32 k = (slot & 1) * 2;

	if (!keys || !t)
		return 0;
	m[0] = (__u64)t->saddr[0] | (__u64)t->saddr[1] << 32;
	m[1] = (__u64)t->saddr[2] | (__u64)t->saddr[3] << 32;
	m[2] = (__u64)t->daddr[0] | (__u64)t->daddr[1] << 32;
	m[3] = (__u64)t->daddr[2] | (__u64)t->daddr[3] << 32;
	m[4] = (__u64)t->sport | (__u64)t->dport << 16 | (__u64)t->isn << 32;
	m[5] = (__u64)count | (__u64)info << 32;
	return siphash13_6(keys->key[k], keys->key[k + 1], m) >> 41;
}

static __always_inline __u32 cookie_count(void)
{
	return bpf_ktime_get_ns() >> SG_COOKIE_COUNT_SHIFT;
}

/* The cookie for t and info at monotonic time now_ns. */
static __always_inline __u32 cookie_make(const struct sg_cookie_keys *keys,
					 const struct cookie_tuple *t, __u32 info,
					 __u64 now_ns)
{
	__u32 count = now_ns >> SG_COOKIE_COUNT_SHIFT;

	return sg_cookie_mac(keys, keys->current, t, count, info) << 9 |
	       (count & 1) << 8 | (info & 0xff);
}

/* The cookie's info byte if it checks out under either key, else -1. */
static __always_inline int cookie_check(const struct sg_cookie_keys *keys,
					const struct cookie_tuple *t,
					__u32 cookie)
{
	__u32 now = cookie_count(), info = cookie & 0xff;
	__u32 count = now - ((now ^ (cookie >> 8)) & 1);
	__u32 mac = cookie >> 9;

	if (sg_cookie_mac(keys, keys->current, t, count, info) == mac)
		return info;
	if (sg_cookie_mac(keys, keys->current ^ 1, t, count, info) == mac)
		return info;
	return -1;
}

/* The MSS values the stack's own cookies encode: v4 {536, 1300, 1440,
 * 1460}, v6 {1220, 1420, 1440, 8940}. Code, not a table: a static array in
 * .rodata trips libbpf 1.1's BTF fix-up. */
static __always_inline __u32 mss_of(__u32 family, __u32 index)
{
	switch (index & 3) {
	case 0:
		return family == SG_FAMILY_V4 ? 536 : 1220;
	case 1:
		return family == SG_FAMILY_V4 ? 1300 : 1420;
	case 2:
		return 1440;
	default:
		return family == SG_FAMILY_V4 ? 1460 : 8940;
	}
}

/* Index of the largest table MSS the client's MSS allows. */
static __always_inline __u32 mss_index(__u32 family, __u32 client_mss)
{
	__u32 i;

	for (i = 3; i > 0; i--)
		if (client_mss >= mss_of(family, i))
			break;
	return i;
}

#endif /* SG_COOKIE_H */
