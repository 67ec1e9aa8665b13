// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * synguard.bpf.c - the XDP program: counts every frame and drops initial
 * SYNs from blocked prefixes or over a source's rate. The pipeline is in
 * verdict.h; the ABI in include/synguard_abi.h.
 *
 * Frags-aware, so it attaches where the MTU exceeds a page; it reads only
 * the linear part, where drivers put the headers.
 */
#include "verdict.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

SEC("xdp.frags")
int synguard_xdp(struct xdp_md *ctx)
{
	return sg_process(ctx);
}
