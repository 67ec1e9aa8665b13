// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * libbpf_structs.c - prints the layout of every libbpf and kernel struct that
 * io.synguard.bpf.Structs describes, as this host's headers have it, for
 * LibbpfStructsTest to hold the Java side against:
 *   size STRUCT BYTES
 *   member STRUCT FIELD OFFSET BYTES
 * Every field the Java side names must be listed here; the test says which
 * one is not.
 */
#include <stddef.h>
#include <stdio.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <linux/btf.h>

#define SIZE(s) printf("size %s %zu\n", #s, sizeof(struct s))
#define MEMBER(s, m)                                                \
	printf("member %s %s %zu %zu\n", #s, #m, offsetof(struct s, m), \
	       sizeof(((struct s *)0)->m))

int main(void)
{
	SIZE(bpf_object_open_opts);
	MEMBER(bpf_object_open_opts, sz);
	MEMBER(bpf_object_open_opts, object_name);
	MEMBER(bpf_object_open_opts, kernel_log_buf);
	MEMBER(bpf_object_open_opts, kernel_log_size);

	SIZE(bpf_xdp_query_opts);
	MEMBER(bpf_xdp_query_opts, sz);
	MEMBER(bpf_xdp_query_opts, prog_id);
	MEMBER(bpf_xdp_query_opts, drv_prog_id);
	MEMBER(bpf_xdp_query_opts, hw_prog_id);
	MEMBER(bpf_xdp_query_opts, skb_prog_id);
	MEMBER(bpf_xdp_query_opts, attach_mode);

	SIZE(bpf_map_batch_opts);
	MEMBER(bpf_map_batch_opts, sz);
	MEMBER(bpf_map_batch_opts, elem_flags);
	MEMBER(bpf_map_batch_opts, flags);

	SIZE(bpf_test_run_opts);
	MEMBER(bpf_test_run_opts, sz);
	MEMBER(bpf_test_run_opts, data_in);
	MEMBER(bpf_test_run_opts, data_out);
	MEMBER(bpf_test_run_opts, data_size_in);
	MEMBER(bpf_test_run_opts, data_size_out);
	MEMBER(bpf_test_run_opts, ctx_in);
	MEMBER(bpf_test_run_opts, ctx_out);
	MEMBER(bpf_test_run_opts, ctx_size_in);
	MEMBER(bpf_test_run_opts, ctx_size_out);
	MEMBER(bpf_test_run_opts, retval);
	MEMBER(bpf_test_run_opts, repeat);
	MEMBER(bpf_test_run_opts, duration);
	MEMBER(bpf_test_run_opts, flags);
	MEMBER(bpf_test_run_opts, cpu);
	MEMBER(bpf_test_run_opts, batch_size);

	SIZE(bpf_link_create_opts);
	MEMBER(bpf_link_create_opts, sz);
	MEMBER(bpf_link_create_opts, flags);

	SIZE(bpf_link_update_opts);
	MEMBER(bpf_link_update_opts, sz);
	MEMBER(bpf_link_update_opts, flags);
	MEMBER(bpf_link_update_opts, old_prog_fd);

	SIZE(bpf_prog_info);
	MEMBER(bpf_prog_info, type);
	MEMBER(bpf_prog_info, id);

	SIZE(bpf_map_info);
	MEMBER(bpf_map_info, type);
	MEMBER(bpf_map_info, id);
	MEMBER(bpf_map_info, key_size);
	MEMBER(bpf_map_info, value_size);
	MEMBER(bpf_map_info, max_entries);
	MEMBER(bpf_map_info, map_flags);
	MEMBER(bpf_map_info, name);

	SIZE(bpf_link_info);
	MEMBER(bpf_link_info, type);
	MEMBER(bpf_link_info, id);
	MEMBER(bpf_link_info, prog_id);
	MEMBER(bpf_link_info, xdp.ifindex);

	SIZE(xdp_md);
	MEMBER(xdp_md, data);
	MEMBER(xdp_md, data_end);
	MEMBER(xdp_md, data_meta);
	MEMBER(xdp_md, ingress_ifindex);
	MEMBER(xdp_md, rx_queue_index);
	MEMBER(xdp_md, egress_ifindex);

	SIZE(btf_type);
	MEMBER(btf_type, name_off);
	MEMBER(btf_type, info);
	MEMBER(btf_type, size);

	SIZE(btf_member);
	MEMBER(btf_member, name_off);
	MEMBER(btf_member, type);
	MEMBER(btf_member, offset);

	SIZE(btf_enum);
	MEMBER(btf_enum, name_off);
	MEMBER(btf_enum, val);
	return 0;
}
