// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * ceiling.bpf.c - the references of the live benchmarks (references.h) as
 * programs to attach, and a program that passes every frame (no filter).
 */
#include "references.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

SEC("xdp")
int ceiling_drop(struct xdp_md *ctx)
{
	return XDP_DROP;
}

SEC("xdp")
int ceiling_parse_drop(struct xdp_md *ctx)
{
	return ref_parse_drop(ctx);
}

SEC("xdp")
int ceiling_one_miss(struct xdp_md *ctx)
{
	return ref_one_miss(ctx);
}

SEC("xdp")
int ceiling_parse_tx(struct xdp_md *ctx)
{
	return ref_parse_tx(ctx);
}

SEC("xdp")
int ceiling_pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}
