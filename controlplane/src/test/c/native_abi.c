// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * native_abi.c - prints what io.synguard.bpf assumes of this host's libbpf,
 * kernel and C library headers, for NativeAbiTest to hold the Java side
 * against:
 *   size STRUCT BYTES                 a struct Structs describes
 *   member STRUCT FIELD OFFSET BYTES  each field its layout names
 *   const CLASS.FIELD VALUE           a Java constant and the C it mirrors
 * Every field a layout names must be listed here; the test says which one is
 * not. A constant's path is a static field of the class (in io.synguard.bpf),
 * then fields of its value; an enum constant stands for its ordinal.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/mman.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <linux/btf.h>
#include <linux/if_link.h>

#define SIZE(s) printf("size %s %zu\n", #s, sizeof(struct s))
#define MEMBER(s, m)                                                  \
	printf("member %s %s %zu %zu\n", #s, #m, offsetof(struct s, m), \
	       sizeof(((struct s *)0)->m))
#define CONST(java, c) printf("const %s %lld\n", #java, (long long)(c))

static void structs(void);
static void constants(void);

static void structs(void)
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

	SIZE(sigaction);
	MEMBER(sigaction, sa_handler);
	MEMBER(sigaction, sa_flags);
}

static void constants(void)
{
	CONST(XdpLink.BPF_XDP, BPF_XDP);
	CONST(XdpLink.BPF_LINK_TYPE_XDP, BPF_LINK_TYPE_XDP);
	CONST(XdpMode.NATIVE.flags, XDP_FLAGS_DRV_MODE);
	CONST(XdpMode.GENERIC.flags, XDP_FLAGS_SKB_MODE);
	CONST(XdpStatus$Attached.NONE, XDP_ATTACHED_NONE);
	CONST(XdpStatus$Attached.NATIVE, XDP_ATTACHED_DRV);
	CONST(XdpStatus$Attached.GENERIC, XDP_ATTACHED_SKB);
	CONST(XdpStatus$Attached.OFFLOAD, XDP_ATTACHED_HW);
	CONST(XdpStatus$Attached.MULTIPLE, XDP_ATTACHED_MULTI);

	CONST(BpfProgram.XDP_ABORTED, XDP_ABORTED);
	CONST(BpfProgram.XDP_DROP, XDP_DROP);
	CONST(BpfProgram.XDP_PASS, XDP_PASS);
	CONST(BpfProgram.XDP_TX, XDP_TX);
	CONST(BpfProgram.XDP_REDIRECT, XDP_REDIRECT);
	CONST(BpfProgram.TEST_XDP_LIVE_FRAMES, BPF_F_TEST_XDP_LIVE_FRAMES);
	CONST(BpfObject.PROG_F_XDP_HAS_FRAGS, BPF_F_XDP_HAS_FRAGS);

	CONST(MapInfo.TYPE_HASH, BPF_MAP_TYPE_HASH);
	CONST(MapInfo.TYPE_ARRAY, BPF_MAP_TYPE_ARRAY);
	CONST(MapInfo.TYPE_PERCPU_HASH, BPF_MAP_TYPE_PERCPU_HASH);
	CONST(MapInfo.TYPE_PERCPU_ARRAY, BPF_MAP_TYPE_PERCPU_ARRAY);
	CONST(MapInfo.TYPE_LRU_PERCPU_HASH, BPF_MAP_TYPE_LRU_PERCPU_HASH);
	CONST(MapInfo.TYPE_LPM_TRIE, BPF_MAP_TYPE_LPM_TRIE);
	CONST(MapInfo.TYPE_RINGBUF, BPF_MAP_TYPE_RINGBUF);
	CONST(MapInfo.F_NO_PREALLOC, BPF_F_NO_PREALLOC);
	CONST(MapInfo.F_MMAPABLE, BPF_F_MMAPABLE);

	CONST(Btf.KIND_STRUCT, BTF_KIND_STRUCT);
	CONST(Btf.KIND_ENUM, BTF_KIND_ENUM);
	CONST(LibbpfLog.LIBBPF_WARN, LIBBPF_WARN);
	CONST(LibbpfLog.LIBBPF_INFO, LIBBPF_INFO);

	CONST(Cpus.CPU_SET_BYTES, sizeof(cpu_set_t));
	CONST(MappedRegion.PROT_READ_WRITE, PROT_READ | PROT_WRITE);
	CONST(MappedRegion.MAP_SHARED, MAP_SHARED);
	CONST(NetNamespace.O_RDONLY_CLOEXEC, O_RDONLY | O_CLOEXEC);
	CONST(NetNamespace.CLONE_NEWNET, CLONE_NEWNET);
	CONST(Hangups.SIGHUP, SIGHUP);
	CONST(Hangups.SIG_IGN, (long)SIG_IGN);

	CONST(Errno.EPERM, EPERM);
	CONST(Errno.ENOENT, ENOENT);
	CONST(Errno.EINTR, EINTR);
	CONST(Errno.E2BIG, E2BIG);
	CONST(Errno.EBADF, EBADF);
	CONST(Errno.EAGAIN, EAGAIN);
	CONST(Errno.ENOMEM, ENOMEM);
	CONST(Errno.EACCES, EACCES);
	CONST(Errno.EFAULT, EFAULT);
	CONST(Errno.EBUSY, EBUSY);
	CONST(Errno.EEXIST, EEXIST);
	CONST(Errno.ENODEV, ENODEV);
	CONST(Errno.EINVAL, EINVAL);
	CONST(Errno.ENOSPC, ENOSPC);
	CONST(Errno.ERANGE, ERANGE);
	CONST(Errno.ENOSYS, ENOSYS);
	CONST(Errno.EOPNOTSUPP, EOPNOTSUPP);
}

int main(void)
{
	structs();
	constants();
	return 0;
}
