/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * verdict.h - what happens to a frame: parse, then for an initial SYN the
 * allowlist, the blocklist, the rate limiter and, when cookies are on, a
 * SYN cookie (synack.h), in that order. Everything else passes, counted.
 */
#ifndef SG_VERDICT_H
#define SG_VERDICT_H

#include "maps.h"
#include "parse.h"
#include "ratelimit.h"
#include "rules.h"
#include "synack.h"
#include "victims.h"

/* XDP_DROP, or XDP_PASS in monitor mode; counted as a drop either way. */
static __always_inline int enforce(struct sg_counters *cnt,
				   const struct sg_config *cfg, int counter)
{
	cnt->c[counter]++;
	return cfg->mode == SG_MODE_MONITOR ? XDP_PASS : XDP_DROP;
}

/* A hidden TCP header might hide a SYN: blocked sources lose it, the rest
 * pass. */
static __always_inline int unreadable(const struct packet *pkt,
				      struct sg_counters *cnt)
{
	struct sg_rule *rule;
	struct sg_config *cfg;
	__u32 zero = 0;

	cnt->c[SG_CNT_UNREADABLE]++;
	cfg = bpf_map_lookup_elem(&sg_config, &zero);
	if (!cfg)
		return XDP_PASS;
	rule = rule_at(sg_rules_match(pkt->family, pkt->saddr[0], pkt->saddr[1],
				      pkt->saddr[2], pkt->saddr[3]));
	if (!rule || rule->kind != SG_KIND_BLOCK)
		return XDP_PASS;
	return enforce(cnt, cfg, SG_CNT_DROPPED_UNREADABLE);
}

static __always_inline int syn(struct xdp_md *ctx, const struct packet *pkt,
			       struct sg_counters *cnt)
{
	struct sg_config *cfg;
	struct match m;
	__u32 zero = 0;
	int action;

	cnt->c[SG_CNT_TCP]++;
	cnt->c[SG_CNT_SYN]++;
	cfg = bpf_map_lookup_elem(&sg_config, &zero);
	if (!cfg) {
		cnt->c[SG_CNT_SYN_PASSED]++;
		return XDP_PASS;
	}
	count_victim(pkt, cfg->rl_seed);

	m = rules_match(cfg, pkt);
	if (m.rule) {
		rule_hit(m.rule, m.slot, cfg);
		if (m.rule->kind == SG_KIND_ALLOW) {
			cnt->c[SG_CNT_PASSED_ALLOWLIST]++;
			cnt->c[SG_CNT_SYN_PASSED]++;
			return XDP_PASS;
		}
		action = enforce(cnt, cfg, SG_CNT_DROPPED_BLOCKLIST);
	} else if (cfg->rl_interval_ns && rate_limited(pkt)) {
		action = enforce(cnt, cfg, SG_CNT_DROPPED_RATELIMIT);
	} else if (cfg->cookie_mode != SG_COOKIES_OFF &&
		   cfg->mode == SG_MODE_ENFORCE) {
		action = sg_cookie_synack(ctx, cfg->cookie_mode);
		if (action == XDP_TX) {
			cnt->c[SG_CNT_COOKIES_SENT]++;
			return action;
		}
	} else {
		action = XDP_PASS;
	}
	if (action == XDP_PASS)
		cnt->c[SG_CNT_SYN_PASSED]++;
	return action;
}

static __always_inline int sg_process(struct xdp_md *ctx)
{
	struct cursor c = {
		.pos = (void *)(long)ctx->data,
		.end = (void *)(long)ctx->data_end,
	};
	struct packet pkt = {};
	struct sg_counters *cnt;
	__u32 zero = 0;

	cnt = bpf_map_lookup_elem(&sg_counters, &zero);
	if (!cnt)
		return XDP_PASS;
	cnt->c[SG_CNT_PACKETS]++;

	switch (parse_packet(&c, &pkt)) {
	case PARSE_SYN:
		return syn(ctx, &pkt, cnt);
	case PARSE_TCP:
		cnt->c[SG_CNT_TCP]++;
		return XDP_PASS;
	case PARSE_NON_IP:
		cnt->c[SG_CNT_NON_IP]++;
		return XDP_PASS;
	case PARSE_NON_TCP:
		cnt->c[SG_CNT_NON_TCP]++;
		return XDP_PASS;
	case PARSE_FRAGMENT:
		cnt->c[SG_CNT_FRAGMENTS]++;
		return XDP_PASS;
	case PARSE_UNREADABLE:
		return unreadable(&pkt, cnt);
	default:
		cnt->c[SG_CNT_MALFORMED]++;
		return XDP_PASS;
	}
}

#endif /* SG_VERDICT_H */
