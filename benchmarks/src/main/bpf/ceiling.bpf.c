// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * ceiling.bpf.c - the two bounds of the peers benchmark: drop every frame
 * (the most any XDP filter can do) and pass every frame (no filter at all).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

SEC("xdp")
int ceiling_drop(struct xdp_md *ctx)
{
	return XDP_DROP;
}

SEC("xdp")
int ceiling_pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}
