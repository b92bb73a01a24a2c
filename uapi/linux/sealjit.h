/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * sealjit: seccomp-format classic-BPF filters, checked, JIT-compiled to
 * sealed native code and enforced by a kernel module (/dev/sealjit).
 *
 * Every request struct is extensible the way openat2(2) and clone3(2) are:
 * its first member is @size, set by userspace to sizeof() the struct it was
 * built against.  The kernel accepts a smaller struct down to the first
 * published version (..._SIZE_VER0), and a larger one only if every byte it
 * does not know is zero (otherwise E2BIG).  Output members that lie beyond
 * the caller's @size are not written.  Unknown @flags bits give EINVAL.
 *
 * The size bits of the ioctl numbers below encode ..._SIZE_VER0 and are
 * ignored by the kernel: @size is authoritative, so a binary built against a
 * later, larger struct keeps working on an older module and vice versa.
 */
#ifndef _UAPI_LINUX_SEALJIT_H
#define _UAPI_LINUX_SEALJIT_H

#include <linux/const.h>
#include <linux/types.h>
#include <linux/ioctl.h>
#include <linux/filter.h>	/* struct sock_fprog, struct sock_filter */
#include <linux/seccomp.h>	/* struct seccomp_data, SECCOMP_RET_* */

#define SEALJIT_DEVICE		"/dev/sealjit"
#define SEALJIT_ABI_MAJOR	1
#define SEALJIT_ABI_MINOR	4

/* Limits, identical to seccomp's. */
#define SEALJIT_MAXINSNS	4096	/* BPF_MAXINSNS */
#define SEALJIT_LOG_MIN		128	/* smallest accepted log buffer */
#define SEALJIT_LOG_MAX		_BITUL(20)

/**
 * struct sealjit_version - answer to %SEALJIT_IOC_VERSION
 * @size: in: sizeof(struct sealjit_version) as userspace knows it
 * @flags: in: must be 0
 * @abi_major: out: %SEALJIT_ABI_MAJOR of the module
 * @abi_minor: out: %SEALJIT_ABI_MINOR of the module
 * @max_insns: out: longest filter accepted
 * @features: out: %SEALJIT_FEAT_* bits
 * @release: out: NUL-terminated module version string
 */
struct sealjit_version {
	__u32 size;
	__u32 flags;
	__u32 abi_major;
	__u32 abi_minor;
	__u32 max_insns;
	__u32 features;
	char release[32];
};

#define SEALJIT_VERSION_SIZE_VER0	56

/* Feature bits reported in sealjit_version.features. */
#define SEALJIT_FEAT_CHECK	_BITUL(0)	/* SEALJIT_IOC_CHECK */
#define SEALJIT_FEAT_JIT_X86_64	_BITUL(1)	/* native x86-64 images */
#define SEALJIT_FEAT_LOAD	_BITUL(2)	/* SEALJIT_IOC_LOAD enforces */
#define SEALJIT_FEAT_STATUS	_BITUL(3)	/* SEALJIT_IOC_STATUS */
#define SEALJIT_FEAT_TSYNC	_BITUL(4)	/* SEALJIT_LOAD_TSYNC */
#define SEALJIT_FEAT_STATS	_BITUL(5)	/* SEALJIT_IOC_STATS */
#define SEALJIT_FEAT_ATTACH_PID	_BITUL(6)	/* SEALJIT_LOAD_PID */
#define SEALJIT_FEAT_ATTACH_CGROUP _BITUL(7)	/* SEALJIT_LOAD_CGROUP */

/* Log levels for sealjit_filter_args.log_level. */
#define SEALJIT_LOG_NONE	0
#define SEALJIT_LOG_ERRORS	1	/* the rejection, if any */
#define SEALJIT_LOG_FACTS	2	/* ... and the facts of an accepted filter */

/* Bits of sealjit_filter_args.uses: which seccomp_data fields are read. */
#define SEALJIT_USES_NR		_BITUL(0)
#define SEALJIT_USES_ARCH	_BITUL(1)
#define SEALJIT_USES_IP		_BITUL(2)
#define SEALJIT_USES_ARGS	_BITUL(3)
#define SEALJIT_USES_LEN	_BITUL(4)

/**
 * enum sealjit_reason - why the checker rejected a filter
 * @SEALJIT_OK: accepted
 * @SEALJIT_E_LEN_RANGE: length 0 or above %SEALJIT_MAXINSNS
 * @SEALJIT_E_OPCODE_UNKNOWN: not a classic BPF opcode at all
 * @SEALJIT_E_OPCODE_REFUSED: classic BPF, but refused by seccomp (MOD,
 *	byte and half-word loads, IND and MSH loads)
 * @SEALJIT_E_JUMP_RANGE: a jump target past the last instruction
 * @SEALJIT_E_NO_FINAL_RET: the last instruction is not RET
 * @SEALJIT_E_LOAD_ALIGN: an LD ABS offset not 4-byte aligned
 * @SEALJIT_E_LOAD_RANGE: an LD ABS offset outside struct seccomp_data
 *	(ancillary loads included)
 * @SEALJIT_E_DIV_ZERO: DIV by constant 0
 * @SEALJIT_E_SHIFT_RANGE: a shift by constant 32 or more
 * @SEALJIT_E_SCRATCH_INDEX: a scratch slot M[k] with k >= 16
 * @SEALJIT_E_SCRATCH_UNINIT: M[k] read where some path has not written it
 * @SEALJIT_E_JIT: the JIT could not translate a checked filter (a bug in
 *	the module, not in the filter)
 * @SEALJIT_E_VALIDATE: the independent validator refused the native code
 *	of a checked filter (a bug in the module's JIT; nothing was sealed)
 * @SEALJIT_E_MAX: one past the last reason
 *
 * Reported in sealjit_filter_args.err_reason together with the index of
 * the offending instruction in err_insn.  The ioctl itself returns EINVAL
 * for the filter's faults, as seccomp(2) does, and EIO for the module's
 * own (%SEALJIT_E_JIT, %SEALJIT_E_VALIDATE), whose log line says what
 * failed.
 */
enum sealjit_reason {
	SEALJIT_OK = 0,
	SEALJIT_E_LEN_RANGE,
	SEALJIT_E_OPCODE_UNKNOWN,
	SEALJIT_E_OPCODE_REFUSED,
	SEALJIT_E_JUMP_RANGE,
	SEALJIT_E_NO_FINAL_RET,
	SEALJIT_E_LOAD_ALIGN,
	SEALJIT_E_LOAD_RANGE,
	SEALJIT_E_DIV_ZERO,
	SEALJIT_E_SHIFT_RANGE,
	SEALJIT_E_SCRATCH_INDEX,
	SEALJIT_E_SCRATCH_UNINIT,
	SEALJIT_E_JIT,
	SEALJIT_E_VALIDATE,
	SEALJIT_E_MAX,
};

/**
 * struct sealjit_filter_args - argument of %SEALJIT_IOC_CHECK and
 *	%SEALJIT_IOC_LOAD
 * @size: in: sizeof(struct sealjit_filter_args) as userspace knows it
 * @flags: in: 0, or for LOAD %SEALJIT_LOAD_* bits
 * @fprog: in: pointer to a struct sock_fprog, as for seccomp(2)
 * @log_buf: in: user buffer for diagnostics text, or 0
 * @log_size: in: size of @log_buf (%SEALJIT_LOG_MIN..%SEALJIT_LOG_MAX),
 *	0 if @log_buf is 0
 * @log_level: in: %SEALJIT_LOG_*; must be %SEALJIT_LOG_NONE iff no @log_buf
 * @insn_count: out: number of instructions
 * @longest_path: out: most instructions any run can execute
 * @image_size: out: bytes of native code (0 if rejected)
 * @scratch_mask: out: bit i set if M[i] is used
 * @uses: out: %SEALJIT_USES_* bits
 * @err_reason: out: enum sealjit_reason, %SEALJIT_OK if accepted
 * @err_insn: out: index of the rejected instruction (0 if none applies)
 * @log_true_size: out: bytes the full log needs including its NUL; larger
 *	than @log_size when the text was truncated
 * @reserved: must be 0
 * @pid: in, LOAD with %SEALJIT_LOAD_PID: the process to attach to, by a
 *	thread id in the caller's pid namespace; else 0 (ABI 1.3)
 * @cgroup_fd: in, LOAD with %SEALJIT_LOAD_CGROUP: an open cgroup v2
 *	directory; else 0 (ABI 1.4; before, a reserved member that had to be 0)
 *
 * The log is always NUL-terminated; truncation is not an error.
 */
struct sealjit_filter_args {
	__u32 size;
	__u32 flags;
	__aligned_u64 fprog;
	__aligned_u64 log_buf;
	__u32 log_size;
	__u32 log_level;
	__u32 insn_count;
	__u32 longest_path;
	__u32 image_size;
	__u32 scratch_mask;
	__u32 uses;
	__u32 err_reason;
	__u32 err_insn;
	__u32 log_true_size;
	__u64 reserved;
	__s32 pid;
	__s32 cgroup_fd;
};

#define SEALJIT_FILTER_ARGS_SIZE_VER0	72
#define SEALJIT_FILTER_ARGS_SIZE_VER1	80	/* @pid */

/*
 * sealjit_filter_args.flags of LOAD.  TSYNC, as seccomp's
 * SECCOMP_FILTER_FLAG_TSYNC: the filter becomes the newest of every
 * thread of the caller's process, provided each one's chain is the
 * caller's or one before it; otherwise nothing is attached and LOAD
 * returns the id of the first thread that is not (a positive value, as
 * seccomp(2) does).  With the caller's no_new_privs, every thread gets it.
 */
#define SEALJIT_LOAD_TSYNC	_BITUL(0)
/*
 * PID: an administrator confines a running process.  The filter is
 * added to every thread of the process @pid names, each thread's own
 * chain extended (filters are only ever added), and each gets
 * no_new_privs.  The caller needs CAP_SYS_ADMIN in the user namespace of
 * the process and ptrace(2) attach rights over each of its threads.
 * Processes it forked before the attach keep their chains.
 */
#define SEALJIT_LOAD_PID	_BITUL(1)
/*
 * CGROUP: an administrator confines a cgroup v2 and everything in it, now
 * and later: every task in it or in a cgroup below it, whether there
 * already or arriving later (by fork, by migration, by clone3's
 * CLONE_INTO_CGROUP), gets the filter added to its chain before its next
 * syscall runs, and no_new_privs.  A task keeps the filter if it leaves.
 * The registration lasts until the cgroup is removed; the root cgroup is
 * refused (EINVAL).  The caller needs
 * CAP_SYS_ADMIN and CAP_SYS_PTRACE in the initial user namespace, since
 * whoever joins later is confined without being asked.
 */
#define SEALJIT_LOAD_CGROUP	_BITUL(2)

/* sealjit_status.mode: the numbers of prctl(PR_GET_SECCOMP). */
#define SEALJIT_MODE_NONE	0	/* no sealjit filter */
#define SEALJIT_MODE_FILTER	2	/* as SECCOMP_MODE_FILTER */

/**
 * struct sealjit_status - argument of %SEALJIT_IOC_STATUS: is a thread
 *	filtered by sealjit?
 * @size: in: sizeof(struct sealjit_status) as userspace knows it
 * @flags: in: must be 0
 * @pid: in: a thread id in the caller's pid namespace, 0 for the caller
 * @mode: out: %SEALJIT_MODE_NONE or %SEALJIT_MODE_FILTER
 * @filters: out: sealjit filters in the thread's chain (what
 *	/proc/PID/status reports as Seccomp_filters for seccomp's)
 * @reserved: must be 0
 *
 * A thread filtered by sealjit is not in seccomp's filter mode: seccomp's
 * own answers (prctl(PR_GET_SECCOMP), /proc/PID/status) say 0 for it.
 * This asks sealjit the same question.  Anyone who can see the thread may
 * ask, as anyone may read /proc/PID/status.  ESRCH if there is no such
 * thread.
 */
struct sealjit_status {
	__u32 size;
	__u32 flags;
	__s32 pid;
	__u32 mode;
	__u32 filters;
	__u32 reserved;
};

#define SEALJIT_STATUS_SIZE_VER0	24

/* Indices of sealjit_stats.actions: one per seccomp action. */
enum sealjit_act {
	SEALJIT_ACT_KILL_PROCESS,	/* and every unknown action */
	SEALJIT_ACT_KILL_THREAD,
	SEALJIT_ACT_TRAP,
	SEALJIT_ACT_ERRNO,
	SEALJIT_ACT_USER_NOTIF,
	SEALJIT_ACT_TRACE,
	SEALJIT_ACT_LOG,
	SEALJIT_ACT_ALLOW,
	SEALJIT_NR_ACTS,
};

/**
 * struct sealjit_stats - argument of %SEALJIT_IOC_STATS: what a thread's
 *	chain has answered
 * @size: in: sizeof(struct sealjit_stats) as userspace knows it
 * @flags: in: must be 0
 * @pid: in: a thread id in the caller's pid namespace, 0 for the caller
 * @filters: out: filters in its chain, 0 if it has none (then every
 *	count is 0)
 * @filter: out: the id of the chain's newest filter, as the tracepoint
 *	names it
 * @cached: out: syscalls the chain's decision table answered, no code run
 * @runs: out: syscalls for which filter code ran
 * @actions: out: syscalls answered with each action (enum sealjit_act)
 * @reserved: must be 0
 *
 * The counts are those of the chain whose newest filter is @filter, since
 * it was loaded, over every task that has had it.  The caller must be
 * allowed to read the thread's state as ptrace(2) reads it
 * (PTRACE_MODE_READ), else EPERM; ESRCH if there is no such thread.
 */
struct sealjit_stats {
	__u32 size;
	__u32 flags;
	__s32 pid;
	__u32 filters;
	__aligned_u64 filter;
	__aligned_u64 cached;
	__aligned_u64 runs;
	__aligned_u64 actions[SEALJIT_NR_ACTS];
	__aligned_u64 reserved;
};

#define SEALJIT_STATS_SIZE_VER0	112

#define SEALJIT_IOC_MAGIC	0xEF
/* Ask the module for its ABI version and features. */
#define SEALJIT_IOC_VERSION	_IOWR(SEALJIT_IOC_MAGIC, 0x00, struct sealjit_version)
/* Check and compile a filter without attaching it (a dry run). */
#define SEALJIT_IOC_CHECK	_IOWR(SEALJIT_IOC_MAGIC, 0x01, struct sealjit_filter_args)
/* Check, compile, seal and attach a filter to the calling thread. */
#define SEALJIT_IOC_LOAD	_IOWR(SEALJIT_IOC_MAGIC, 0x02, struct sealjit_filter_args)
/* Ask whether a thread is filtered by sealjit, and by how many filters. */
#define SEALJIT_IOC_STATUS	_IOWR(SEALJIT_IOC_MAGIC, 0x03, struct sealjit_status)
/* What a thread's chain has answered, by action. */
#define SEALJIT_IOC_STATS	_IOWR(SEALJIT_IOC_MAGIC, 0x04, struct sealjit_stats)

#endif /* _UAPI_LINUX_SEALJIT_H */
