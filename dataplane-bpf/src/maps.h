/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * maps.h - synguard's maps. Sizes here are small defaults; the control plane
 * sets the real ones before load (or takes them from the pinned maps).
 */
#ifndef SG_MAPS_H
#define SG_MAPS_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "synguard_abi.h"
#include "ratelimit_types.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct sg_config);
} sg_config SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sg_counters);
} sg_counters SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1 << 12);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct sg_rule);
} sg_rules SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1 << 16);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, __u64);
} sg_t16 SEC(".maps");

/* A stripe of a byte per sg_rules slot per possible CPU (see the ABI
 * header). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1 << 6);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct sg_rule_hit_line);
} sg_rule_hits SEC(".maps");

#define SG_TRIE(name, keytype)					\
	struct {						\
		__uint(type, BPF_MAP_TYPE_LPM_TRIE);		\
		__uint(max_entries, 1 << 10);			\
		__uint(map_flags, BPF_F_NO_PREALLOC);		\
		__type(key, keytype);				\
		__type(value, struct sg_rule_meta);		\
	} name SEC(".maps")

SG_TRIE(sg_block_v4, struct sg_lpm_v4_key);
SG_TRIE(sg_block_v6, struct sg_lpm_v6_key);
SG_TRIE(sg_allow_v4, struct sg_lpm_v4_key);
SG_TRIE(sg_allow_v6, struct sg_lpm_v6_key);

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1 << 10);
	__type(key, __u32);
	__type(value, struct sg_rate_set);
} sg_rate SEC(".maps");

/* Admitted sources' GCRA times for all CPUs together (ratelimit.h); as
 * many sets as sg_rate. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1 << 10);
	__type(key, __u32);
	__type(value, struct sg_rate_set);
} sg_rate_shared SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, SKETCH_LINES);
	__type(key, __u32);
	__type(value, struct sketch_line);
} sg_sketch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct cpu_state);
} sg_cpu SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} sg_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, SG_VICTIM_SLOTS);
	__type(key, __u32);
	__type(value, struct sg_victim);
} sg_victims SEC(".maps");

/* The cookie secret: never mmap-able, never pinned readable by others. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sg_cookie_keys);
} sg_cookie_keys SEC(".maps");

/* Valid-cookie ACKs per source (IPv4 as ::ffff:a.b.c.d) in the current rate
 * window, per CPU; the least recently seen sources make room. */
struct sg_cookie_ack_count {
	__u64 window;		/* coarse monotonic ns >> SG_WINDOW_SHIFT */
	__u32 acks;
	__u32 _pad0;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_PERCPU_HASH);
	__uint(max_entries, 1 << 12);
	__type(key, __u32[4]);
	__type(value, struct sg_cookie_ack_count);
} sg_cookie_acks SEC(".maps");

/* ABI types no map names, anchored in BTF for the control plane's mirror
 * check: every object built on these maps carries them. Never read. */
struct sg_abi_anchor {
	enum sg_abi_const abi_const;
	enum sg_mode mode;
	enum sg_cookie_mode cookie_mode;
	enum sg_counter counter;
	enum sg_family family;
	enum sg_rule_kind kind;
	enum sg_rule_serial serial;
	enum sg_event_kind event_kind;
	struct sg_event event;
	struct sg_cookie_keys cookie_keys;
};
const volatile struct sg_abi_anchor sg_abi_anchor;

#endif /* SG_MAPS_H */
