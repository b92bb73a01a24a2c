// SPDX-License-Identifier: GPL-2.0
/*
 * The syscall hook: a raw_syscalls:sys_enter probe that runs the calling
 * task's chain and applies seccomp's verdict, plus the fork and exit probes
 * that keep chains attached to tasks.  The probes are registered with the
 * first filter and stay registered while filters come and go; they are
 * released only once the module has had no filter for hook_idle_ms.  Each
 * registration and release live-patches the tracepoint's jump label on
 * every CPU (text_poke_bp: three rounds of IPIs), walks every thread to
 * set or clear its syscall-work flag and, on release, waits for an RCU
 * grace period: paid on every start and exit of a lone short-lived
 * filtered process, that churn more than doubled their cost.  An idle
 * module with no filter for that long still costs the system nothing.
 *
 * The kernel calls sys_enter after its own seccomp (syscall_trace_enter()
 * in kernel/entry/common.c) and re-reads the syscall number afterwards: a
 * probe skips the syscall by setting orig_ax to -1, and ax is then what the
 * caller sees.  seccomp skips without touching orig_ax; skip_syscall()
 * puts the number back wherever something can read it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/ratelimit.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/task_stack.h>
#include <linux/tracepoint.h>
#include <asm/syscall.h>

#include "../verifier/interp.h"
#include "ksyms.h"
#include "sealjit.h"

#define CREATE_TRACE_POINTS
#include "trace.h"

/*
 * The errno of a syscall that does not exist: what seccomp returns for
 * TRACE with no tracer and USER_NOTIF with no listener.
 */
#define SJ_ERRNO_NO_SUCH_SYSCALL	38

/* seccomp's ACTION_ONLY(): precedence is a signed comparison. */
#define SJ_ACTION_ONLY(ret)	((s32)((ret) & SECCOMP_RET_ACTION_FULL))

/*
 * Skip the syscall.  What reads orig_ax after it (a tracer at its
 * syscall-exit stop, the restart of ERESTART* errnos when a signal is
 * pending, the core dump or signal frame of a forced SIGSYS) gets the
 * number back from a task work, which both ptrace_notify() and
 * get_signal() run before they look; @restore says one of them may.  A
 * plain denial of an untraced task needs none: nothing reads orig_ax
 * before the next syscall overwrites it.
 */
static void skip_syscall(struct sj_task *rec, struct pt_regs *regs,
			 bool restore)
{
	if (restore || current->ptrace)
		sj_task_restore_nr(rec, regs->orig_ax);
	regs->orig_ax = -1;
}

/* The ERESTART* errnos, which signal delivery may turn into a restart. */
static bool restarts(u32 err)
{
	return err >= ERESTARTSYS && err <= ERESTART_RESTARTBLOCK;
}

static void deny(struct sj_task *rec, struct pt_regs *regs, u32 err)
{
	syscall_set_return_value(current, regs, -(int)err, 0);
	skip_syscall(rec, regs, restarts(err));
}

#define SJ_LOG_FMT "pid=%d comm=%s syscall=%d arch=0x%x ip=0x%lx action=%s\n"

/* LOG has its own rate limit, so that kills cannot crowd it out. */
static void log_log(int nr, u32 arch)
{
	pr_info_ratelimited(SJ_LOG_FMT, task_pid_nr(current), current->comm,
			    nr, arch, KSTK_EIP(current), "log");
}

static void log_kill(int nr, u32 arch, const char *action)
{
	pr_info_ratelimited(SJ_LOG_FMT, task_pid_nr(current), current->comm,
			    nr, arch, KSTK_EIP(current), action);
}

/*
 * The seccomp_data of the syscall being filtered on this CPU.  Probes run
 * with preemption off and nothing between filling it and the last filter
 * reading it sleeps; off the stack, it needs no zeroing and no canary.
 */
static DEFINE_PER_CPU(struct seccomp_data, sj_data);

/*
 * As populate_seccomp_data() in kernel/seccomp.c; regs are the task's own
 * (task_pt_regs(current)), so their ip is seccomp's KSTK_EIP(current).
 */
static __always_inline struct seccomp_data *fill_data(struct pt_regs *regs,
						      int nr, u32 arch)
{
	struct seccomp_data *sd = this_cpu_ptr(&sj_data);

	BUILD_BUG_ON(sizeof(sd->args[0]) != sizeof(unsigned long));
	sd->nr = nr;
	sd->arch = arch;
	syscall_get_arguments(current, regs, (unsigned long *)sd->args);
	sd->instruction_pointer = instruction_pointer(regs);
	return sd;
}

/*
 * Which function of @f's image runs for entry (@row, @index): its residual
 * program if it has one, else the whole filter (function 0).
 */
static __always_inline u32 code_index(const struct sj_filter *f,
				      bool in_table, u32 row, u32 index)
{
	u8 e = in_table && f->spec ? f->spec->index[row][index] : SJ_SPEC_NONE;

	return e == SJ_SPEC_NONE ? 0 : e;
}

/*
 * The dispatcher out of line, for the paths that run several filters:
 * inlined in their loops it only made them save more registers.
 */
static noinline u32 run_entry(const struct sj_image *img, u32 k,
			      const struct seccomp_data *sd)
{
	return sj_image_run_entry(img, k, sd);
}

/* Filter @f's code for a syscall (see code_index()). */
static u32 run_code(const struct sj_filter *f, const struct seccomp_data *sd,
		    bool in_table, u32 row, u32 index)
{
	return run_entry(f->image, code_index(f, in_table, row, index), sd);
}

/* One filter's result: its own constant for this syscall, else its code. */
static u32 run_filter(const struct sj_filter *f, const struct seccomp_data *sd,
		      bool in_table, u32 row, u32 index)
{
	const struct sj_table *own = f->own;
	u8 e;

	if (in_table) {
		e = own->entry[row][index];
		if (e < own->nactions)
			return own->action[e];
	}
	return run_code(f, sd, in_table, row, index);
}

/*
 * As seccomp_run_filters(): newest first, the most severe action wins.
 * @in_table: the syscall has entry (@row, @index) in the filters' tables,
 * and the chain's table had no constant there.  A lone filter's own table
 * then has none either (the chain's is its own, combined with nothing),
 * so its code runs at once; were there one, the code gives it too.
 */
static u32 run_chain(const struct sj_filter *f, const struct seccomp_data *sd,
		     bool in_table, u32 row, u32 index)
{
	/* ALLOW is the least severe action: start from the newest's result. */
	u32 ret = f->prev ? run_filter(f, sd, in_table, row, index) :
			    run_code(f, sd, in_table, row, index);

	for (f = f->prev; f; f = f->prev) {
		u32 cur = run_filter(f, sd, in_table, row, index);

		if (SJ_ACTION_ONLY(cur) < SJ_ACTION_ONLY(ret))
			ret = cur;
	}
	return ret;
}

/*
 * KILL_PROCESS, and KILL_THREAD of the last thread: as seccomp, SIGSYS with
 * a core dump, after showing the dump the original registers.
 */
static void kill_process(struct sj_task *rec, struct pt_regs *regs, int nr,
			 u32 data)
{
	syscall_rollback(current, regs);
	sj_ksyms()->force_sig_seccomp(nr, data, true);
	skip_syscall(rec, regs, true);
}

/* As __seccomp_filter()'s switch, TRACE and USER_NOTIF excepted. */
static void apply(struct sj_task *rec, struct pt_regs *regs, int nr, u32 arch,
		  u32 ret)
{
	u32 data = ret & SECCOMP_RET_DATA;

	switch (ret & SECCOMP_RET_ACTION_FULL) {
	case SECCOMP_RET_ALLOW:
		return;
	case SECCOMP_RET_LOG:
		log_log(nr, arch);
		return;
	case SECCOMP_RET_ERRNO:
		deny(rec, regs, min_t(u32, data, MAX_ERRNO));
		return;
	case SECCOMP_RET_TRACE:
	case SECCOMP_RET_USER_NOTIF:
		/* What seccomp does with no tracer and no listener. */
		deny(rec, regs, SJ_ERRNO_NO_SUCH_SYSCALL);
		return;
	case SECCOMP_RET_TRAP:
		/* The handler sees, and returns to, the original registers. */
		syscall_rollback(current, regs);
		sj_ksyms()->force_sig_seccomp(nr, data, false);
		skip_syscall(rec, regs, true);
		return;
	case SECCOMP_RET_KILL_THREAD:
		sj_task_mark_dead(rec);
		log_kill(nr, arch, "kill_thread");
		if (atomic_read(&current->signal->live) != 1) {
			sj_task_kill_thread(rec);
			skip_syscall(rec, regs, false);
			return;
		}
		kill_process(rec, regs, nr, data);
		return;
	default:	/* KILL_PROCESS and every unknown action */
		sj_task_mark_dead(rec);
		log_kill(nr, arch, "kill_process");
		kill_process(rec, regs, nr, data);
		return;
	}
}

/*
 * events/sealjit/action is on: which filter of the chain gave @ret, by
 * seccomp's precedence (the most severe, the newest on a tie), and which
 * of its rets.  Each filter runs again, whole, on the full seccomp_data,
 * and its marked copy says which ret it reached: work done only for
 * actions other than ALLOW, and only while someone traces them.
 */
static noinline void trace_decision(const struct sj_filter *f,
				    struct pt_regs *regs, int nr, u32 arch,
				    u32 ret)
{
	const struct seccomp_data *sd = fill_data(regs, nr, arch);
	const struct sj_filter *by = f;
	u32 best = U32_MAX, cur;

	for (; f; f = f->prev) {
		cur = run_entry(f->image, 0, sd);
		if (best == U32_MAX ||
		    SJ_ACTION_ONLY(cur) < SJ_ACTION_ONLY(best)) {
			best = cur;
			by = f;
		}
	}
	trace_action(nr, arch, ret, by->id, sj_interp(by->marked, by->len, sd));
}

/* The index of @ret's action among the counters (enum sealjit_act). */
static u32 act_index(u32 ret)
{
	switch (ret & SECCOMP_RET_ACTION_FULL) {
	case SECCOMP_RET_ALLOW:
		return SEALJIT_ACT_ALLOW;
	case SECCOMP_RET_LOG:
		return SEALJIT_ACT_LOG;
	case SECCOMP_RET_TRACE:
		return SEALJIT_ACT_TRACE;
	case SECCOMP_RET_USER_NOTIF:
		return SEALJIT_ACT_USER_NOTIF;
	case SECCOMP_RET_ERRNO:
		return SEALJIT_ACT_ERRNO;
	case SECCOMP_RET_TRAP:
		return SEALJIT_ACT_TRAP;
	case SECCOMP_RET_KILL_THREAD:
		return SEALJIT_ACT_KILL_THREAD;
	default:
		return SEALJIT_ACT_KILL_PROCESS;
	}
}

/* The slow path's answer @ret, from the table (@cached) or from code. */
static __always_inline void count(const struct sj_filter *f, bool cached,
				  u32 ret)
{
	if (likely(ret == SECCOMP_RET_ALLOW)) {
		if (cached)
			this_cpu_inc(f->cnt->cached_allow);
		else
			this_cpu_inc(f->cnt->runs_allow);
		return;
	}
	if (cached)
		this_cpu_inc(f->cnt->cached);
	else
		this_cpu_inc(f->cnt->runs);
	this_cpu_inc(f->cnt->actions[act_index(ret)]);
}

/* A syscall with no table entry, or a task killed already. */
#define SJ_NO_ENTRY	U32_MAX

/*
 * What enforce() does not answer itself: a task killed already, a
 * syscall outside the tables, and a chain of several filters whose table
 * leaves the syscall to the arguments (run the filters).  Out of line, so
 * that the common path stays a few instructions.  @f is the task's chain as the caller read
 * it, @entry the syscall's table entry as row * SJ_TABLE_NR + index, or
 * SJ_NO_ENTRY, and @e what the chain's table holds there.
 */
static noinline void notrace filtered_syscall(struct sj_task *rec,
					      struct pt_regs *regs,
					      const struct sj_filter *f,
					      u32 entry, u8 e)
{
	int nr = syscall_get_nr(current, regs);
	u32 arch = syscall_get_arch(current), ret;
	bool in_table = entry != SJ_NO_ENTRY;

	if (unlikely(sj_task_is_dead(rec))) {
		/* Killed already: nothing more may run, as SECCOMP_MODE_DEAD. */
		kill_process(rec, regs, nr, 0);
		return;
	}
	if (in_table && e < f->table->nactions)
		ret = f->table->action[e];
	else
		ret = run_chain(f, fill_data(regs, nr, arch), in_table,
				entry / SJ_TABLE_NR, entry % SJ_TABLE_NR);
	count(f, in_table && e < f->table->nactions, ret);
	if (likely(ret == SECCOMP_RET_ALLOW))
		return;
	if (trace_action_enabled())
		trace_decision(f, regs, nr, arch, ret);
	apply(rec, regs, nr, arch, ret);
}

/* verdict() while events/sealjit/action is on. */
static noinline void notrace traced_apply(struct sj_task *rec,
					  struct pt_regs *regs,
					  const struct sj_filter *f, u32 ret)
{
	int nr = syscall_get_nr(current, regs);
	u32 arch = syscall_get_arch(current);

	trace_decision(f, regs, nr, arch, ret);
	apply(rec, regs, nr, arch, ret);
}

/*
 * An answer other than ALLOW, from the chain's table (@cached) or from a
 * lone filter's code: out of the way of the paths that allow, and with
 * only tail calls, so that it saves no register.
 */
static noinline void notrace verdict(struct sj_task *rec,
				     struct pt_regs *regs,
				     const struct sj_filter *f, u32 ret,
				     bool cached)
{
	count(f, cached, ret);
	if (trace_action_enabled())
		traced_apply(rec, regs, f, ret);
	else
		apply(rec, regs, syscall_get_nr(current, regs),
		      syscall_get_arch(current), ret);
}

/*
 * A lone filter's code, for a syscall its table leaves to the arguments:
 * the commonest case that runs code, on a path that keeps only @f and
 * @regs across the call into native code, so that it saves two
 * registers where filtered_syscall() saves six.  The task is not dead
 * (its caller checked).
 */
static noinline void notrace run_lone(struct pt_regs *regs,
				      const struct sj_filter *f, u32 row,
				      u32 index)
{
	const struct seccomp_data *sd;
	u32 ret;

	sd = fill_data(regs, syscall_get_nr(current, regs),
		       syscall_get_arch(current));
	ret = sj_image_run_entry(f->image, code_index(f, true, row, index), sd);
	if (likely(ret == SECCOMP_RET_ALLOW)) {
		this_cpu_inc(f->cnt->runs_allow);
		return;
	}
	verdict(sj_task_find(current), regs, f, ret, false);
}

/*
 * A filtered task's syscall: one table entry (decide.h) answers most
 * syscalls from their number and architecture alone, and one per-CPU
 * counter counts it.  No lock, no atomic operation, no indirect call.
 * A lone filter's code runs on a path of its own (run_lone()).
 */
static __always_inline void enforce(struct sj_task *rec, struct pt_regs *regs)
{
	const struct sj_filter *f = sj_task_filter(rec);
	const struct sj_table *t;
	u32 row, index;
	u8 e;

	if (unlikely(sj_task_is_dead(rec)) ||
	    !sj_table_row(syscall_get_arch(current),
			  (u32)syscall_get_nr(current, regs), &row, &index)) {
		filtered_syscall(rec, regs, f, SJ_NO_ENTRY, SJ_ENTRY_RUN);
		return;
	}
	t = f->table;
	e = t->entry[row][index];
	if (likely(e < t->nactions && t->action[e] == SECCOMP_RET_ALLOW)) {
		this_cpu_inc(f->cnt->cached_allow);
		return;
	}
	if (e < t->nactions) {
		verdict(rec, regs, f, t->action[e], true);
		return;
	}
	if (!f->prev) {
		run_lone(regs, f, row, index);
		return;
	}
	filtered_syscall(rec, regs, f, row * SJ_TABLE_NR + index, e);
}

/*
 * While a cgroup has a filter registered (cgroup.c): a task in it whose
 * chain lacks the filter joins first, and its syscall waits for that.
 */
static noinline void notrace enforce_cgroups(struct pt_regs *regs)
{
	struct sj_task *rec = sj_task_find(current);

	if (sj_cgroup_missing(rec))
		sj_cgroup_defer(regs);
	else if (rec)
		enforce(rec, regs);
}

/*
 * Every syscall of every task while the probes are registered: one
 * inlined lookup for an unfiltered task.  Every call here is a tail
 * call, so that no path saves a register, and the cgroup case is one
 * patched-out jump while no cgroup has a filter.
 */
static void notrace sj_sys_enter(void *data, struct pt_regs *regs, long id)
{
	struct sj_task *rec;

	if (static_branch_unlikely(&sj_cgroup_on)) {
		enforce_cgroups(regs);
		return;
	}
	/* sj_task_find(), testing once on each way out. */
	hash_for_each_possible_rcu(sj_tasks, rec, node, (unsigned long)current) {
		if (rec->task == current) {
			enforce(rec, regs);
			return;
		}
	}
}

struct sj_probe {
	const char *name;
	void *func;
	struct tracepoint *tp;
};

static struct sj_probe probes[] = {
	{ .name = "sched_process_fork", .func = sj_task_fork },
	{ .name = "sched_process_exit", .func = sj_task_exit },
	{ .name = "sys_enter", .func = sj_sys_enter },
	{ .name = "cgroup_rmdir", .func = sj_cgroup_rmdir },
};

static unsigned int hook_idle_ms = 5000;
module_param(hook_idle_ms, uint, 0644);
MODULE_PARM_DESC(hook_idle_ms,
		 "milliseconds the syscall hook stays registered after the last filter is gone (default 5000)");

static DEFINE_MUTEX(sj_hook_lock);
static unsigned int sj_hook_users;	/* live filters, under sj_hook_lock */
static bool sj_hook_registered;		/* under sj_hook_lock */

static void hook_release(struct work_struct *work);
static DECLARE_DELAYED_WORK(sj_hook_release_work, hook_release);

static void find_tracepoint(struct tracepoint *tp, void *priv)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(probes); i++)
		if (!strcmp(tp->name, probes[i].name))
			probes[i].tp = tp;
}

static void unregister_probes(unsigned int n)
{
	while (n-- > 0)
		tracepoint_probe_unregister(probes[n].tp, probes[n].func, NULL);
	tracepoint_synchronize_unregister();
}

/*
 * Fork and exit probes go first, so that by the time sys_enter can act on
 * a task, its children are already being given its chain.
 */
static int register_probes(void)
{
	unsigned int i;
	int err;

	for (i = 0; i < ARRAY_SIZE(probes); i++) {
		err = tracepoint_probe_register(probes[i].tp, probes[i].func,
						NULL);
		if (err) {
			pr_err("cannot attach to tracepoint %s: %d\n",
			       probes[i].name, err);
			unregister_probes(i);
			return err;
		}
	}
	return 0;
}

/**
 * sj_hook_get() - take a reference on the hook for a new filter
 *
 * Registers the probes unless they still are, and pins the module while
 * any filter exists.
 * Context: process context, may sleep.
 * Return: 0 or a negative errno from tracepoint registration.
 */
int sj_hook_get(void)
{
	int err = 0;

	mutex_lock(&sj_hook_lock);
	if (!sj_hook_registered) {
		err = register_probes();
		if (!err) {
			sj_hook_registered = true;
			atomic_set(&sj_stats.hooked, 1);
			atomic_inc(&sj_stats.hook_registrations);
		}
	}
	if (!err && sj_hook_users++ == 0)
		__module_get(THIS_MODULE);
	mutex_unlock(&sj_hook_lock);
	return err;
}

/**
 * sj_hook_put() - drop a filter's reference on the hook
 *
 * The last reference unpins the module and schedules the release of the
 * probes in hook_idle_ms; a filter loaded meanwhile keeps them.
 * Context: process context (the filter free work), may sleep.
 */
void sj_hook_put(void)
{
	mutex_lock(&sj_hook_lock);
	if (!WARN_ON(sj_hook_users == 0) && --sj_hook_users == 0) {
		mod_delayed_work(system_wq, &sj_hook_release_work,
				 msecs_to_jiffies(READ_ONCE(hook_idle_ms)));
		module_put(THIS_MODULE);
	}
	mutex_unlock(&sj_hook_lock);
}

/* Caller holds sj_hook_lock. */
static void release_probes(void)
{
	if (sj_hook_users || !sj_hook_registered)
		return;
	unregister_probes(ARRAY_SIZE(probes));
	sj_hook_registered = false;
	atomic_set(&sj_stats.hooked, 0);
}

static void hook_release(struct work_struct *work)
{
	mutex_lock(&sj_hook_lock);
	release_probes();
	mutex_unlock(&sj_hook_lock);
}

/**
 * sj_hook_exit() - release the probes at module unload
 *
 * Runs only when no filter exists (each pins the module).
 * Context: module exit, may sleep.
 */
void sj_hook_exit(void)
{
	cancel_delayed_work_sync(&sj_hook_release_work);
	mutex_lock(&sj_hook_lock);
	release_probes();
	mutex_unlock(&sj_hook_lock);
}

/* Return: 0, or -ENOENT naming the missing tracepoint. */
int __init sj_hook_init(void)
{
	unsigned int i;

	for_each_kernel_tracepoint(find_tracepoint, NULL);
	for (i = 0; i < ARRAY_SIZE(probes); i++) {
		if (!probes[i].tp) {
			pr_err("tracepoint %s not found: refusing to load\n",
			       probes[i].name);
			return -ENOENT;
		}
	}
	return 0;
}
