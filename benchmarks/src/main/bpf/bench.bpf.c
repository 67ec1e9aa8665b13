// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * bench.bpf.c - benchmark-only programs around synguard's pipeline.
 *
 * BPF_PROG_TEST_RUN repeats one frame; a distributed attack does not. The
 * pool programs rewrite the frame's IPv4 source before every run with the
 * next address of sg_bench_pool, a random permutation the benchmark fills;
 * the spoof program makes up a new pseudo-random source every run. The same
 * prologue fronts synguard's pipeline (verdict.h, unchanged), a plain LPM
 * trie lookup, a bare drop and one_miss (references.h), so they compare
 * like for like.
 */
#include "verdict.h"
#include "references.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

struct bench_config {
	__u32 pool_size;	/* addresses in sg_bench_pool to cycle over */
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct bench_config);
} sg_bench_cfg SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} sg_bench_seq SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1 << 20);
	__type(key, __u32);
	__type(value, __u32);	/* IPv4 source, network order */
} sg_bench_pool SEC(".maps");

/* A plain hash map, only for the control plane's map-call benchmarks
 * (MapCallBench): keyed by an IPv4 address, valued like a rule, as an
 * exact-match blocklist would be. No program uses it. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1 << 16);
	__type(key, __u32);
	__type(value, struct sg_rule_meta);
} sg_bench_hash SEC(".maps");

static __always_inline struct iphdr *ipv4(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct iphdr *ip = data + sizeof(struct ethhdr);

	if ((void *)(ip + 1) > end)
		return NULL;
	return ip;
}

static __always_inline __u64 next_seq(void)
{
	__u32 zero = 0;
	__u64 *seq = bpf_map_lookup_elem(&sg_bench_seq, &zero);

	return seq ? (*seq)++ : 0;
}

/* The next pool address as the frame's source; -1 if there is none. */
static __always_inline int from_pool(struct xdp_md *ctx)
{
	struct iphdr *ip = ipv4(ctx);
	struct bench_config *cfg;
	__u32 zero = 0, i, *addr;

	cfg = bpf_map_lookup_elem(&sg_bench_cfg, &zero);
	if (!ip || !cfg || !cfg->pool_size)
		return -1;
	i = next_seq() % cfg->pool_size;
	addr = bpf_map_lookup_elem(&sg_bench_pool, &i);
	if (!addr)
		return -1;
	ip->saddr = *addr;
	return 0;
}

/* verdict behind the rotation prologue. Both are inlined (verdict is a
 * constant at every call): the pool programs compile to the instructions
 * they had with the prologue written out in each. */
static __always_inline int pooled(struct xdp_md *ctx,
				  int (*verdict)(struct xdp_md *ctx))
{
	if (from_pool(ctx))
		return XDP_ABORTED;
	return verdict(ctx);
}

SEC("xdp")
int bench_drop(struct xdp_md *ctx)
{
	return XDP_DROP;
}

SEC("xdp")
int bench_pool_drop(struct xdp_md *ctx)
{
	return pooled(ctx, ref_parse_drop);
}

SEC("xdp")
int bench_parse_drop(struct xdp_md *ctx)
{
	return ref_parse_drop(ctx);
}

SEC("xdp")
int bench_pool_miss(struct xdp_md *ctx)
{
	return pooled(ctx, ref_one_miss);
}

/* The previous packet's read, which the next one's index depends on. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} sg_bench_carry SEC(".maps");

/* one_miss with each packet's index depending on the line the previous
 * packet read: no two packets' misses can overlap, so this costs the whole
 * latency of a miss. A diagnostic beside one_miss, not a reference: one_miss
 * against it says how many packets' misses the CPU overlaps when a packet's
 * path is that short, and a path that costs as much as it overlaps none.
 * ref_table is all zeros; the CPU cannot know. */
static __always_inline int one_miss_chained(struct xdp_md *ctx)
{
	struct packet pkt = {};
	struct ref_line *line;
	__u32 zero = 0, slot;
	__u64 *carry;

	if (ref_parse(ctx, &pkt) != PARSE_SYN)
		return XDP_PASS;
	carry = bpf_map_lookup_elem(&sg_bench_carry, &zero);
	if (!carry)
		return XDP_ABORTED;
	slot = (sg_hash_final(pkt.saddr[0] ^ pkt.saddr[3]) ^ (__u32)*carry) &
	       ((1 << REF_LINES_BITS) - 1);
	line = bpf_map_lookup_elem(&ref_table, &slot);
	if (!line)
		return XDP_ABORTED;
	*carry = line->word[0];
	return line->word[0] == 1 ? XDP_PASS : XDP_DROP;
}

SEC("xdp")
int bench_pool_miss_chained(struct xdp_md *ctx)
{
	return pooled(ctx, one_miss_chained);
}

SEC("xdp.frags")
int bench_synguard(struct xdp_md *ctx)
{
	return sg_process(ctx);
}

SEC("xdp.frags")
int bench_pool_synguard(struct xdp_md *ctx)
{
	return pooled(ctx, sg_process);
}

SEC("xdp.frags")
int bench_spoof_synguard(struct xdp_md *ctx)
{
	struct iphdr *ip = ipv4(ctx);

	if (!ip)
		return XDP_ABORTED;
	ip->saddr = sg_hash_final((__u32)next_seq() * 0x9e3779b1u);
	return sg_process(ctx);
}

/* What a plain XDP blocklist does: one kernel LPM trie lookup per SYN. */
static __always_inline int lpm_verdict(struct xdp_md *ctx)
{
	struct iphdr *ip = ipv4(ctx);
	struct sg_lpm_v4_key key = { .prefixlen = 32 };

	if (!ip)
		return XDP_ABORTED;
	__builtin_memcpy(key.addr, &ip->saddr, 4);
	return bpf_map_lookup_elem(&sg_block_v4, &key) ? XDP_DROP : XDP_PASS;
}

SEC("xdp")
int bench_lpm(struct xdp_md *ctx)
{
	return lpm_verdict(ctx);
}

SEC("xdp")
int bench_pool_lpm(struct xdp_md *ctx)
{
	return pooled(ctx, lpm_verdict);
}
