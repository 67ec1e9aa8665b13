// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * flood.bpf.c - a SYN-flood generator for benchmarks, tests and the demo.
 *
 * Run with BPF_PROG_TEST_RUN and BPF_F_TEST_XDP_LIVE_FRAMES over a template
 * SYN (Ethernet, IPv4 without options or IPv6 without extension headers,
 * then TCP), it rewrites the frame's source address and port on every run,
 * as flood_config says, fixes both checksums and sends the frame out of the
 * interface it "arrived" on with XDP_TX. Nothing is derived from what the
 * frame held before: every run first copies the whole template over it, since
 * a frame comes back to the test run's page pool as its receiver left it (an
 * XDP program that answers a SYN in place, as synguard's cookie step does,
 * leaves a SYN-ACK there).
 *
 * Checksums: the control plane gives the ones' complement sums of the
 * template with source address, source port and checksum zeroed; the
 * program adds the new words and folds. Sums, addresses and ports are kept
 * as they lie in the frame (network order), so no byte swapping is needed:
 * a ones' complement sum is the same in either order, byte-swapped.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* The longest template: Ethernet, IPv6 and TCP headers without options. */
#define FLOOD_FRAME_MAX 74
#define FLOOD_FRAME_V4 60

/* Where the source addresses come from. */
enum flood_sources {
	FLOOD_FIXED = 0,	/* always base */
	FLOOD_BOTNET = 1,	/* base + one of [0, hosts) in the last word */
	FLOOD_SPOOFED = 2,	/* base with the bits of random_mask drawn at random */
};

struct flood_config {
	__u32 sources;		/* enum flood_sources */
	__u32 hosts;		/* FLOOD_BOTNET: how many */
	__u32 legit_share;	/* of 65536 frames, how many come from legit */
	__u16 ip_sum;		/* IPv4 header sum, source and check zeroed */
	__u16 tcp_sum;		/* pseudo header + TCP sum, source, port and check zeroed */
	__u32 base[4];		/* source address (IPv4: base[0]), network order */
	__u32 random_mask[4];	/* FLOOD_SPOOFED: the bits drawn at random */
	__u32 legit[4];		/* the legitimate source */
	__u8 frame[FLOOD_FRAME_MAX];	/* the template, its first frame_len bytes */
	__u32 frame_len;	/* 60 (IPv4) or 74 (IPv6) */
	__u64 gap_ns;		/* a rate-capped flood: nanoseconds between frames; 0 flat out */
};

/* A smooth flood's schedule, shared by every sender; zeroes before a flood. */
struct flood_pace {
	__u64 slot_ns;		/* the next frame's place in the schedule; 0: not begun */
	__u64 not_before_ns;	/* and the earliest it may leave: a late sender catches up at twice the rate */
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct flood_config);
} flood_cfg SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct flood_pace);
} flood_pace SEC(".maps");

/*
 * A sender that fell behind its schedule (descheduled, or between test runs)
 * catches up at twice the rate, never in a burst; lag older than this is
 * forgotten.
 */
#define FLOOD_MAX_LAG_NS 100000000ULL
#define FLOOD_SPINS (1 << 22)

static __always_inline __u32 fold(__u32 sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

static __always_inline __u32 sum_words(const __u32 *addr, int words)
{
	__u32 sum = 0;

	for (int i = 0; i < words; i++)
		sum += (addr[i] & 0xffff) + (addr[i] >> 16);
	return sum;
}

/* The next source address into src[0..words). */
static __always_inline void next_source(const struct flood_config *cfg, __u32 *src, int words)
{
	if (cfg->legit_share && (bpf_get_prandom_u32() & 0xffff) < cfg->legit_share) {
		for (int i = 0; i < words; i++)
			src[i] = cfg->legit[i];
		return;
	}
	for (int i = 0; i < words; i++)
		src[i] = cfg->base[i];
	if (cfg->sources == FLOOD_BOTNET && cfg->hosts) {
		__u32 last = bpf_ntohl(src[words - 1]);

		src[words - 1] = bpf_htonl(last + bpf_get_prandom_u32() % cfg->hosts);
	} else if (cfg->sources == FLOOD_SPOOFED) {
		for (int i = 0; i < words; i++)
			src[i] = (src[i] & ~cfg->random_mask[i]) | (bpf_get_prandom_u32() & cfg->random_mask[i]);
	}
}

/* A new source port, above the well-known ones. */
static __always_inline __u16 next_port(void)
{
	return bpf_htons((__u16)(bpf_get_prandom_u32() | 0x400));
}

static __always_inline int flood_ipv4(struct xdp_md *ctx, const struct flood_config *cfg)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct iphdr *ip = data + sizeof(struct ethhdr);
	struct tcphdr *tcp = (void *)(ip + 1);
	__u32 src, sum;
	__u16 port;

	if ((void *)(tcp + 1) > end || ip->ihl != 5)
		return XDP_ABORTED;
	next_source(cfg, &src, 1);
	port = next_port();
	ip->saddr = src;
	ip->check = ~fold(cfg->ip_sum + sum_words(&src, 1));
	tcp->source = port;
	sum = cfg->tcp_sum + sum_words(&src, 1) + port;
	tcp->check = ~fold(sum);
	return XDP_TX;
}

static __always_inline int flood_ipv6(struct xdp_md *ctx, const struct flood_config *cfg)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ipv6hdr *ip6 = data + sizeof(struct ethhdr);
	struct tcphdr *tcp = (void *)(ip6 + 1);
	__u32 src[4], sum;
	__u16 port;

	if ((void *)(tcp + 1) > end)
		return XDP_ABORTED;
	next_source(cfg, src, 4);
	port = next_port();
	__builtin_memcpy(&ip6->saddr, src, sizeof(src));
	tcp->source = port;
	sum = cfg->tcp_sum + sum_words(src, 4) + port;
	tcp->check = ~fold(sum);
	return XDP_TX;
}

static long wait_until(__u64 index, void *due)
{
	return bpf_ktime_get_ns() >= *(__u64 *)due;
}

/*
 * Waits, spinning, until this frame's time: one every gap_ns on the schedule,
 * and when behind it never sooner than gap_ns / 2 after the last, so that a
 * rate-capped flood reaches its receiver frame by frame rather than in bursts
 * (a receiver whose NAPI runs on another CPU would lose a burst longer than its
 * ring). The test run sends a batch with bottom halves off: the control plane
 * keeps a batch's frames to about a millisecond's worth.
 */
static __always_inline void pace(__u64 gap_ns)
{
	struct flood_pace *p;
	__u32 zero = 0;
	__u64 now, at;

	p = bpf_map_lookup_elem(&flood_pace, &zero);
	if (!p)
		return;
	now = bpf_ktime_get_ns();
	if (!p->slot_ns)
		p->slot_ns = now;
	at = p->slot_ns > p->not_before_ns ? p->slot_ns : p->not_before_ns;
	if (at > now)
		bpf_loop(FLOOD_SPINS, wait_until, &at, 0);
	else
		at = now;
	p->slot_ns += gap_ns;
	if (p->slot_ns + FLOOD_MAX_LAG_NS < at)
		p->slot_ns = at - FLOOD_MAX_LAG_NS;
	p->not_before_ns = at + gap_ns / 2;
}

static __always_inline struct flood_config *config(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&flood_cfg, &zero);
}

SEC("xdp")
int flood_xdp(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct flood_config *cfg = config();

	if (!cfg)
		return XDP_ABORTED;
	if (cfg->gap_ns)
		pace(cfg->gap_ns);
	if (cfg->frame_len == FLOOD_FRAME_MAX && data + FLOOD_FRAME_MAX <= end)
		__builtin_memcpy(data, cfg->frame, FLOOD_FRAME_MAX);
	else if (cfg->frame_len == FLOOD_FRAME_V4 && data + FLOOD_FRAME_V4 <= end)
		__builtin_memcpy(data, cfg->frame, FLOOD_FRAME_V4);
	else
		return XDP_ABORTED;
	if (eth->h_proto == bpf_htons(ETH_P_IP))
		return flood_ipv4(ctx, cfg);
	if (eth->h_proto == bpf_htons(ETH_P_IPV6))
		return flood_ipv6(ctx, cfg);
	return XDP_ABORTED;
}

/* Whether addr (words of it) lies where a spoofed flood draws its sources. */
static __always_inline int spoofed(const struct flood_config *cfg, const __u32 *addr, int words)
{
	for (int i = 0; i < words; i++)
		if ((addr[i] & ~cfg->random_mask[i]) != (cfg->base[i] & ~cfg->random_mask[i]))
			return 0;
	return 1;
}

/*
 * Attached to the flood's own end of a veth: a veth with an XDP program has
 * NAPI, which XDP_TX from its peer needs (SYN-ACKs answered in XDP at the
 * protected end are lost without it). It passes everything but the answers to
 * a spoofed flood's sources, which nobody would take in: those it drops, for
 * little, whichever way they were answered.
 */
SEC("xdp")
int flood_replies(struct xdp_md *ctx)
{
	struct ethhdr *eth = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct flood_config *cfg = config();

	if (!cfg || cfg->sources != FLOOD_SPOOFED || (void *)(eth + 1) > end)
		return XDP_PASS;
	if (eth->h_proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *ip = (void *)(eth + 1);

		if ((void *)(ip + 1) <= end && spoofed(cfg, &ip->daddr, 1))
			return XDP_DROP;
	} else if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = (void *)(eth + 1);

		if ((void *)(ip6 + 1) <= end && spoofed(cfg, (const __u32 *)&ip6->daddr, 4))
			return XDP_DROP;
	}
	return XDP_PASS;
}
