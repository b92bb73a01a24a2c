/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The module's own tracepoint, events/sealjit/action: every syscall a
 * filter answers with anything but ALLOW, with the filter that decided
 * (its id, as LOAD numbered it) and the index of the ret instruction that
 * gave the answer, for perf, trace-cmd, bpftrace and `sealjit trace`.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM sealjit

#if !defined(SJ_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define SJ_TRACE_H

#include <linux/sched.h>
#include <linux/seccomp.h>
#include <linux/tracepoint.h>

TRACE_EVENT(action,
	    TP_PROTO(int nr, u32 arch, u32 ret, u64 filter, u32 insn),
	    TP_ARGS(nr, arch, ret, filter, insn),
	    TP_STRUCT__entry(__field(pid_t, pid)
			     __array(char, comm, TASK_COMM_LEN)
			     __field(int, nr)
			     __field(u32, arch)
			     __field(u32, ret)
			     __field(u64, filter)
			     __field(u32, insn)),
	    TP_fast_assign(__entry->pid = task_pid_nr(current);
			   memcpy(__entry->comm, current->comm, TASK_COMM_LEN);
			   __entry->nr = nr;
			   __entry->arch = arch;
			   __entry->ret = ret;
			   __entry->filter = filter;
			   __entry->insn = insn;),
	    TP_printk("pid=%d comm=%s nr=%d arch=0x%x action=%s data=%u ret=0x%08x filter=%llu insn=%u",
		      __entry->pid, __entry->comm, __entry->nr, __entry->arch,
		      __print_symbolic(__entry->ret & SECCOMP_RET_ACTION_FULL,
				       { SECCOMP_RET_KILL_PROCESS, "kill_process" },
				       { SECCOMP_RET_KILL_THREAD, "kill_thread" },
				       { SECCOMP_RET_TRAP, "trap" },
				       { SECCOMP_RET_ERRNO, "errno" },
				       { SECCOMP_RET_USER_NOTIF, "user_notif" },
				       { SECCOMP_RET_TRACE, "trace" },
				       { SECCOMP_RET_LOG, "log" }),
		      __entry->ret & SECCOMP_RET_DATA, __entry->ret,
		      __entry->filter, __entry->insn)
);

#endif /* SJ_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
