// SPDX-License-Identifier: GPL-2.0
/*
 * Per-task chains.  A record ties one task_struct to the newest filter of
 * its chain; older filters hang off ->prev, shared and reference-counted
 * exactly like seccomp's.  Records are keyed by the task_struct pointer, not
 * by pid, so execve from a non-leader thread (which takes over the leader's
 * pid) keeps the right chain.
 *
 * Who changes a record's ->filter: the task itself (LOAD), a thread of its
 * process attaching a filter to all of them (LOAD with SEALJIT_LOAD_TSYNC),
 * or, for a thread, its creator while it cannot run yet (fork).  All three
 * hold the process's siglock, as seccomp's attach, sync and copy_seccomp()
 * do, so a chain read under it is the chain.  The hook reads ->filter
 * without the lock, once per syscall, and takes whichever chain it sees:
 * as with seccomp, a filter another thread attaches applies from the next
 * syscall on.  A task's exit drops its record.  The hash table is
 * RCU-protected for lookups and sj_tasks_lock (taken inside siglock)
 * serialises inserts and deletions.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cred.h>
#include <linux/hashtable.h>
#include <linux/pid.h>
#include <linux/ptrace.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/task_work.h>

#include "ksyms.h"
#include "sealjit.h"

/* Read on every syscall by the hook (sj_task_find() in sealjit.h). */
DEFINE_HASHTABLE(sj_tasks, SJ_TASK_HASH_BITS);
static DEFINE_SPINLOCK(sj_tasks_lock);
static struct kmem_cache *sj_task_cache;

static void free_record(struct rcu_head *head)
{
	struct sj_task *rec = container_of(head, struct sj_task, rcu);

	if (rec->spare)
		kmem_cache_free(sj_task_cache, rec->spare);
	kmem_cache_free(sj_task_cache, rec);
}

/*
 * The end of a record whose task has exited: its chain's reference goes
 * last, since the filter pins the module whose code is running.
 */
static void release(struct sj_task *rec)
{
	/* Unreachable by now: nothing can change or free the chain. */
	struct sj_filter *f = rcu_dereference_protected(rec->filter, true);

	call_rcu(&rec->rcu, free_record);
	sj_filter_put(f);
}

/*
 * A task work of @rec's has run (or will not).  The exit probe runs before
 * do_exit() runs the task works still queued (exit_task_work()), so the
 * record of a task that has exited goes with its last work.
 */
static void work_done(struct sj_task *rec)
{
	if (!--rec->works && rec->exited)
		release(rec);
}

/*
 * do_exit() does not return, and task_work_run() holds the works that
 * came in the same batch after this one only in a local variable: ending
 * the thread while one follows (@cb->next, which task_work_run() has
 * already read) would lose it -- an ____fput() leaking a file, an io_uring
 * completion leaving its exit waiting forever.  So this work goes to the
 * back of the queue until it is the last of its batch; whatever is queued
 * after that, do_exit() runs itself (exit_task_work()).
 */
static void kill_thread_work(struct callback_head *cb)
{
	struct sj_task *rec = container_of(cb, struct sj_task, kill_work);

	/* Exiting already (another thread's exit_group(), a signal). */
	if (current->flags & PF_EXITING) {
		work_done(rec);
		return;
	}
	if (cb->next && !task_work_add(current, cb, TWA_RESUME))
		return;
	work_done(rec);		/* the exit probe frees the record */
	sj_ksyms()->do_exit(SIGSYS);
}

/*
 * seccomp's KILL_THREAD calls do_exit(SIGSYS) from the syscall path; a
 * tracepoint probe runs with preemption off and cannot, so the exit runs as
 * task work, before the thread returns to user mode.
 */
void sj_task_kill_thread(struct sj_task *rec)
{
	sj_inject_kill_companion();
	init_task_work(&rec->kill_work, kill_thread_work);
	if (task_work_add(current, &rec->kill_work, TWA_RESUME))
		force_sig(SIGKILL);	/* already exiting: make sure */
	else
		rec->works++;
}

/* The newest filter of the calling task, or NULL. */
struct sj_filter *sj_task_current_filter(void)
{
	struct sj_task *rec;
	struct sj_filter *f = NULL;

	rcu_read_lock();
	rec = sj_task_find(current);
	if (rec)
		f = rcu_dereference(rec->filter);
	rcu_read_unlock();
	return f;
}

/*
 * The calling task's chain with a reference of the caller's, or NULL.
 * While the task points at a filter that filter cannot reach zero: a
 * sibling's TSYNC that replaces it puts a newer filter holding it there.
 */
struct sj_filter *sj_task_get_current_filter(void)
{
	struct sj_filter *f;

	rcu_read_lock();
	f = sj_task_current_filter();
	if (f)
		refcount_inc(&f->ref);
	rcu_read_unlock();
	return f;
}

/**
 * sj_task_status() - how many sealjit filters a thread has
 * @pid: a thread id in the caller's pid namespace, 0 for the caller
 * @filters: out: the length of its chain, 0 if it has none
 *
 * Context: process context.
 * Return: 0, or -ESRCH if no such thread is visible to the caller.
 */
int sj_task_status(pid_t pid, u32 *filters)
{
	struct task_struct *t;
	struct sj_filter *f;
	struct sj_task *rec;
	int err = 0;

	*filters = 0;
	rcu_read_lock();
	t = pid ? pid_task(find_vpid(pid), PIDTYPE_PID) : current;
	if (!t) {
		err = -ESRCH;
		goto out;
	}
	rec = sj_task_find(t);
	/* A filter is freed a grace period after it became unreachable. */
	for (f = rec ? rcu_dereference(rec->filter) : NULL; f; f = f->prev)
		(*filters)++;
out:
	rcu_read_unlock();
	return err;
}

/* Sums @f's per-CPU counters into @st. */
static void sum_counters(const struct sj_filter *f, struct sealjit_stats *st)
{
	const struct sj_counters *c;
	int cpu, i;

	for_each_possible_cpu(cpu) {
		c = per_cpu_ptr(f->cnt, cpu);
		st->cached += c->cached_allow + c->cached;
		st->runs += c->runs_allow + c->runs;
		st->actions[SEALJIT_ACT_ALLOW] += c->cached_allow +
						  c->runs_allow;
		for (i = 0; i < SEALJIT_NR_ACTS; i++)
			st->actions[i] += c->actions[i];
	}
}

/**
 * sj_task_stats() - what a thread's chain has answered
 * @st: the request; @st->pid in, the counts out
 *
 * Context: process context.
 * Return: 0; -ESRCH if no such thread is visible to the caller; -EPERM
 * if the caller may not read its state as ptrace(2) would.
 */
int sj_task_stats(struct sealjit_stats *st)
{
	struct task_struct *t;
	struct sj_filter *f, *g;
	struct sj_task *rec;
	int err = 0;

	rcu_read_lock();
	t = st->pid ? pid_task(find_vpid(st->pid), PIDTYPE_PID) : current;
	if (t)
		get_task_struct(t);
	rcu_read_unlock();
	if (!t)
		return -ESRCH;
	/* ptrace_may_access() takes the task lock: not under RCU. */
	if (t != current &&
	    !sj_ksyms()->ptrace_may_access(t, PTRACE_MODE_READ_REALCREDS)) {
		err = -EPERM;
		goto out;
	}
	rcu_read_lock();
	rec = sj_task_find(t);
	f = rec ? rcu_dereference(rec->filter) : NULL;
	if (f) {
		st->filter = f->id;
		sum_counters(f, st);
	}
	for (g = f; g; g = g->prev)
		st->filters++;
	rcu_read_unlock();
out:
	put_task_struct(t);
	return err;
}

/*
 * Queue @cb (@fn) on @t, current or a child not running yet, unless it is
 * queued already (@queued); @rec outlives it (work_done()).  A task that
 * is exiting runs no more works: nothing is queued then.
 */
static void queue_work_once(struct sj_task *rec, struct task_struct *t,
			    struct callback_head *cb, bool *queued,
			    task_work_func_t fn)
{
	if (*queued)
		return;
	init_task_work(cb, fn);
	if (task_work_add(t, cb, TWA_RESUME))
		return;
	*queued = true;
	rec->works++;
}

/*
 * The calling task's syscall was skipped (orig_ax -1): its number goes
 * back before anything that reads it after the syscall can look.
 */
static void restore_nr(struct callback_head *cb)
{
	struct sj_task *rec = container_of(cb, struct sj_task, restore_work);
	struct pt_regs *regs = current_pt_regs();

	if (regs->orig_ax == -1)
		regs->orig_ax = rec->skipped_nr;
	rec->restore_queued = false;
	work_done(rec);
}

/**
 * sj_task_restore_nr() - give a skipped syscall its number back
 * @rec: the calling task's record
 * @nr: the syscall's number
 *
 * As task work: ptrace_notify() runs it before a tracer's syscall-exit stop
 * and get_signal() before the restart logic, a core dump or a signal
 * frame, whichever comes first; without either, on the way back to user
 * mode.
 * Context: the task's sys_enter probe, preemption disabled.
 */
void sj_task_restore_nr(struct sj_task *rec, long nr)
{
	if (rec->restore_queued)
		return;
	rec->skipped_nr = nr;
	queue_work_once(rec, current, &rec->restore_work, &rec->restore_queued,
			restore_nr);
}

/*
 * The spare record of the calling task, allocated now if it has none: in
 * process context, so that its next fork takes it instead of allocating.
 */
static void refill(struct callback_head *cb)
{
	struct sj_task *rec = container_of(cb, struct sj_task, refill_work);

	rec->refill_queued = false;
	if (!rec->spare && !rec->exited)
		rec->spare = kmem_cache_zalloc(sj_task_cache, GFP_KERNEL);
	work_done(rec);
}

/*
 * Have @rec's task (@t, current or a child not running yet) refill its
 * spare on its way back to user mode: before it can fork again.
 */
static void queue_refill(struct sj_task *rec, struct task_struct *t)
{
	queue_work_once(rec, t, &rec->refill_work, &rec->refill_queued,
			refill);
}

/*
 * sj_tasks_lock is taken inside siglock, which interrupts take: so it
 * must never be held with interrupts on.
 */
static void insert(struct sj_task *rec)
{
	unsigned long flags;

	spin_lock_irqsave(&sj_tasks_lock, flags);
	hash_add_rcu(sj_tasks, &rec->node, (unsigned long)rec->task);
	spin_unlock_irqrestore(&sj_tasks_lock, flags);
	atomic_inc(&sj_stats.tasks);
}

/*
 * The calling task's siglock, its process's: a task's sighand changes only
 * in its own execve.
 */
static spinlock_t *own_siglock(void)
{
	return &rcu_dereference_protected(current->sighand, true)->siglock;
}

/* Whether @a is @b or one of the filters before it (NULL is before all). */
static bool is_ancestor(const struct sj_filter *a, const struct sj_filter *b)
{
	for (; b; b = b->prev)
		if (b == a)
			return true;
	return !a;
}

/* The chain of @rec; the caller holds its process's siglock. */
static struct sj_filter *locked_filter(struct sj_task *rec)
{
	return rec ? rcu_dereference_protected(rec->filter, true) : NULL;
}

/* A record for @t (with a spare), newly taken from @pool. */
static struct sj_task *new_record(struct task_struct *t, struct sj_filter *f,
				  struct sj_task **pool)
{
	struct sj_task *rec = *pool;

	*pool = rec->spare;
	rec->spare = NULL;
	rec->task = t;
	RCU_INIT_POINTER(rec->filter, f);
	insert(rec);
	return rec;
}

/*
 * Records enough for every thread of the caller's process that may need
 * one (the caller, and with @tsync the others), each but the caller's
 * taken later with a spare; chained through ->spare.  Allocated before
 * siglock is taken; if threads came meanwhile, the caller asks again.
 */
static struct sj_task *alloc_pool(unsigned int n)
{
	struct sj_task *pool = NULL, *rec;

	while (n--) {
		rec = kmem_cache_zalloc(sj_task_cache, GFP_KERNEL);
		if (!rec)
			break;
		rec->spare = pool;
		pool = rec;
	}
	return pool;
}

static void free_pool(struct sj_task *pool)
{
	struct sj_task *next;

	for (; pool; pool = next) {
		next = pool->spare;
		kmem_cache_free(sj_task_cache, pool);
	}
}

static unsigned int pool_size(struct sj_task *pool)
{
	unsigned int n = 0;

	for (; pool; pool = pool->spare)
		n++;
	return n;
}

/*
 * As seccomp_can_sync_threads(): every other live thread's chain must be
 * the caller's or one before it, or the id of the first that is not.
 * Also counts the records the threads without one will take.
 */
static pid_t can_sync(struct sj_filter *prev, unsigned int *need)
{
	struct task_struct *t;
	struct sj_task *rec;

	for_each_thread(current, t) {
		if (t == current || (t->flags & PF_EXITING))
			continue;
		rec = sj_task_find(t);
		if (!is_ancestor(locked_filter(rec), prev))
			return task_pid_vnr(t) ?: -ESRCH;
		*need += rec ? 0 : 2;	/* its record and its spare */
	}
	return 0;
}

/* As seccomp_sync_threads(): @f, the caller's new chain, on every thread. */
static void sync_threads(struct sj_filter *f, struct sj_task **pool)
{
	struct task_struct *t;
	struct sj_filter *old;
	struct sj_task *rec;

	for_each_thread(current, t) {
		if (t == current || (t->flags & PF_EXITING))
			continue;
		refcount_inc(&f->ref);
		rec = sj_task_find(t);
		if (!rec) {
			rec = new_record(t, f, pool);
			rec->spare = *pool;
			*pool = rec->spare->spare;
			rec->spare->spare = NULL;
		} else {
			old = locked_filter(rec);
			rcu_assign_pointer(rec->filter, f);
			/* An ancestor of @f: never the last reference. */
			sj_filter_put(old);
		}
		if (task_no_new_privs(current))
			task_set_no_new_privs(t);
	}
}

/**
 * sj_task_attach() - make @f the newest filter of the calling task
 * @f: a new filter whose ->prev is @prev; the caller's reference to @f
 *	passes to the task, and the task's reference to @prev passes to @f
 * @prev: the chain @f was built on: the caller's, when it read it
 * @tsync: also make @f the chain of every other thread of the process, as
 *	seccomp's SECCOMP_FILTER_FLAG_TSYNC does
 *
 * Also makes sure each task given a record has a spare for its next child.
 * Context: process context (LOAD).
 * Return: 0; the id of the first thread whose chain is not @prev or one
 * before it (@tsync; nothing is attached then); -EAGAIN if the caller's
 * chain is no longer @prev (another thread's TSYNC changed it: build again
 * on the new one); -ENOMEM; -EINTR.  On any error @f is untouched and
 * @prev keeps its owner.
 */
int sj_task_attach(struct sj_filter *f, struct sj_filter *prev, bool tsync)
{
	struct sj_task *rec, *pool = NULL;
	unsigned int need = 0;
	int err = 0;

	/* Nor may a thread execve meanwhile, as for seccomp's TSYNC. */
	if (tsync && mutex_lock_killable(&current->signal->cred_guard_mutex))
		return -EINTR;
	for (;;) {
		if (pool_size(pool) < need + 2) {
			free_pool(pool);
			pool = alloc_pool(need + 2);
			if (pool_size(pool) < need + 2) {
				err = -ENOMEM;
				break;
			}
		}
		need = 0;
		spin_lock_irq(own_siglock());
		rcu_read_lock();
		rec = sj_task_find(current);
		if (locked_filter(rec) != prev)
			err = -EAGAIN;
		else if (tsync)
			err = can_sync(prev, &need);
		/* Threads came since the pool was made: make it bigger. */
		if (!err && pool_size(pool) < need + 2) {
			rcu_read_unlock();
			spin_unlock_irq(own_siglock());
			continue;
		}
		if (!err) {
			if (!rec)
				rec = new_record(current, f, &pool);
			else
				rcu_assign_pointer(rec->filter, f);
			if (!rec->spare) {
				rec->spare = pool;
				pool = pool->spare;
				rec->spare->spare = NULL;
			}
			if (tsync)
				sync_threads(f, &pool);
		}
		rcu_read_unlock();
		spin_unlock_irq(own_siglock());
		break;
	}
	if (tsync)
		mutex_unlock(&current->signal->cred_guard_mutex);
	free_pool(pool);
	return err;
}

/*
 * sj_task_fork(): @child takes @parent's chain, if it has one.  False if
 * it has one but no record could be had for the child.
 */
static bool inherit(struct task_struct *parent, struct task_struct *child)
{
	struct sj_task *prec = sj_task_find(parent), *rec = NULL;
	struct sj_filter *f;
	bool fail;

	if (!prec)
		return true;
	fail = sj_inject(SJ_FAULT_FORK);
	if (!fail) {
		rec = prec->spare;
		prec->spare = NULL;
		if (rec)
			atomic_inc(&sj_stats.fork_spares);
	}
	if (!rec && !fail && !sj_inject(SJ_FAULT_FORK_ALLOC))
		rec = kmem_cache_zalloc(sj_task_cache, GFP_NOWAIT | __GFP_NOWARN);
	queue_refill(prec, parent);
	if (!rec)
		return false;
	f = sj_task_filter(prec);
	refcount_inc(&f->ref);
	rec->task = child;
	rec->dead = READ_ONCE(prec->dead);
	RCU_INIT_POINTER(rec->filter, f);
	insert(rec);
	queue_refill(rec, child);
	return true;
}

/*
 * Under the creator's siglock, so that a TSYNC or an attach to its
 * process (LOAD_PID) is wholly before or after: a new thread joined the
 * thread list before this probe, and such a LOAD since may have given it
 * a record, newer than its creator's chain as read here; and a child
 * process takes either the chain its creator had before the LOAD, or the
 * one it has after.
 */
static bool inherit_locked(struct task_struct *parent,
			   struct task_struct *child)
{
	unsigned long flags;
	bool ok = true;

	spin_lock_irqsave(own_siglock(), flags);
	if (!sj_task_find(child))
		ok = inherit(parent, child);
	spin_unlock_irqrestore(own_siglock(), flags);
	return ok;
}

/*
 * Runs @fn(@p, @arg) under the siglock of @p's process (and RCU), taken
 * as lock_task_sighand() (not exported) takes it: a sighand_struct is
 * freed by RCU, and a process's may change in execve or go at its last
 * exit, so it is checked again once locked.
 * Return: what @fn returns, or -ESRCH if the process has gone.
 */
static int under_siglock(struct task_struct *p,
			 int (*fn)(struct task_struct *p, void *arg),
			 void *arg)
{
	struct sighand_struct *sh;
	unsigned long flags;
	int ret = -ESRCH;

	rcu_read_lock();
	while ((sh = rcu_dereference(p->sighand))) {
		spin_lock_irqsave(&sh->siglock, flags);
		if (likely(sh == rcu_access_pointer(p->sighand))) {
			ret = fn(p, arg);
			spin_unlock_irqrestore(&sh->siglock, flags);
			break;
		}
		spin_unlock_irqrestore(&sh->siglock, flags);
	}
	rcu_read_unlock();
	return ret;
}

/**
 * sj_task_get_process() - the process LOAD_PID is to confine
 * @pid: a thread id in the caller's pid namespace
 * @p: out: that thread, referenced
 *
 * As an administrator's act on another process: CAP_SYS_ADMIN in the
 * user namespace of the process, and ptrace attach rights over each of
 * its threads.
 * Context: process context.
 * Return: 0; -ESRCH if there is no such thread; -EINVAL for a kernel
 * thread; -EPERM if the caller lacks either right.
 */
int sj_task_get_process(pid_t pid, struct task_struct **p)
{
	const struct cred *cred;
	struct task_struct *t;
	bool ok;

	rcu_read_lock();
	*p = pid_task(find_vpid(pid), PIDTYPE_PID);
	if (*p)
		get_task_struct(*p);
	rcu_read_unlock();
	if (!*p)
		return -ESRCH;
	if ((*p)->flags & PF_KTHREAD) {
		put_task_struct(*p);
		return -EINVAL;
	}
	cred = get_task_cred(*p);
	ok = ns_capable(cred->user_ns, CAP_SYS_ADMIN);
	put_cred(cred);
	rcu_read_lock();
	for_each_thread(*p, t)
		ok &= sj_ksyms()->ptrace_may_access(t, PTRACE_MODE_ATTACH_REALCREDS);
	rcu_read_unlock();
	if (!ok) {
		put_task_struct(*p);
		return -EPERM;
	}
	return 0;
}

static void put_chains(struct sj_chains *ch)
{
	while (ch->n)
		sj_filter_put(ch->prev[--ch->n]);
}

/* sj_task_chains(), under the process's siglock. */
static int chains_locked(struct task_struct *p, void *arg)
{
	struct sj_chains *ch = arg;
	struct task_struct *t;
	struct sj_filter *f;
	unsigned int i;

	for_each_thread(p, t) {
		if (t->flags & PF_EXITING)
			continue;
		f = locked_filter(sj_task_find(t));
		for (i = 0; i < ch->n && ch->prev[i] != f; i++)
			;
		if (i < ch->n)
			continue;
		if (ch->n == SJ_MAX_CHAINS)
			return -EBUSY;
		if (f)
			refcount_inc(&f->ref);
		ch->prev[ch->n++] = f;
	}
	return ch->n ? 0 : -ESRCH;
}

/**
 * sj_task_chains() - the distinct chains of @p's live threads
 * @p: a thread of the process
 * @ch: out: @ch->n chains in @ch->prev, each referenced
 *
 * Context: process context.
 * Return: 0; -ESRCH if every thread has exited; -EBUSY past
 * %SJ_MAX_CHAINS distinct chains.
 */
int sj_task_chains(struct task_struct *p, struct sj_chains *ch)
{
	int err;

	ch->n = 0;
	err = under_siglock(p, chains_locked, ch);
	if (err)
		put_chains(ch);
	return err;
}

static unsigned int count_threads(struct task_struct *p)
{
	struct task_struct *t;
	unsigned int n = 0;

	rcu_read_lock();
	for_each_thread(p, t)
		n++;
	rcu_read_unlock();
	return n;
}

/*
 * Every live thread of @p: its chain is one of @ch's, or -EAGAIN.  @need:
 * records the threads without one will take, each with a spare.
 */
static int same_chains(struct task_struct *p, const struct sj_chains *ch,
		       unsigned int *need)
{
	struct task_struct *t;
	struct sj_filter *f;
	unsigned int i;

	*need = 0;
	for_each_thread(p, t) {
		if (t->flags & PF_EXITING)
			continue;
		f = locked_filter(sj_task_find(t));
		for (i = 0; i < ch->n && ch->prev[i] != f; i++)
			;
		if (i == ch->n)
			return -EAGAIN;
		*need += f ? 0 : 2;
	}
	return 0;
}

struct attach_ctx {
	struct sj_chains *ch;
	struct sj_task *pool;
	unsigned int room;
};

/* sj_task_attach_process(), under the process's siglock. */
static int attach_locked(struct task_struct *p, void *arg)
{
	struct attach_ctx *ctx = arg;
	struct sj_filter *f, *old;
	struct task_struct *t;
	unsigned int i, need;
	struct sj_task *rec;
	int err;

	err = same_chains(p, ctx->ch, &need);
	if (err)
		return err;
	if (need > ctx->room)
		return -EAGAIN;	/* threads came: build again */
	for_each_thread(p, t) {
		if (t->flags & PF_EXITING)
			continue;
		rec = sj_task_find(t);
		old = locked_filter(rec);
		for (i = 0; ctx->ch->prev[i] != old; i++)
			;
		f = ctx->ch->f[i];
		refcount_inc(&f->ref);
		if (!rec) {
			rec = new_record(t, f, &ctx->pool);
			rec->spare = ctx->pool;
			ctx->pool = ctx->pool->spare;
			rec->spare->spare = NULL;
		} else {
			rcu_assign_pointer(rec->filter, f);
			/* @f's prev: never the last reference. */
			sj_filter_put(old);
		}
		task_set_no_new_privs(t);
	}
	return 0;
}

/**
 * sj_task_attach_process() - extend every chain of @p's threads
 * @p: a thread of the process
 * @ch: its chains as sj_task_chains() found them, and a new filter on
 *	each (the caller's references stay the caller's)
 *
 * Each live thread's chain becomes the new filter built on it, and each
 * gets no_new_privs.
 * Context: process context; the caller holds the process's
 * cred_guard_mutex.
 * Return: 0; -EAGAIN if a thread's chain is no longer one of @ch's (build
 * again); -ESRCH if the process has gone; -ENOMEM.
 */
int sj_task_attach_process(struct task_struct *p, struct sj_chains *ch)
{
	struct attach_ctx ctx = { .ch = ch,
				  .room = 2 * count_threads(p) + 8 };
	int err;

	ctx.pool = alloc_pool(ctx.room);
	if (pool_size(ctx.pool) < ctx.room) {
		free_pool(ctx.pool);
		return -ENOMEM;
	}
	err = under_siglock(p, attach_locked, &ctx);
	free_pool(ctx.pool);
	return err;
}

/**
 * sj_task_fork() - sched_process_fork probe: the child inherits the chain
 * @data: unused
 * @parent: the forking task (current)
 * @child: the new task, not yet running
 *
 * Context: tracepoint probe, preemption disabled: no sleeping allocation.
 * The child's record is the parent's spare, allocated ahead in process
 * context; both then refill theirs on their way back to user mode, before
 * either can fork again.  Only without a spare (the refill found no
 * memory) is a record allocated here, atomically.  Fails closed: if the
 * child's record cannot be had, the child is killed before it runs a
 * single instruction, so a filtered task never gives rise to an
 * unfiltered one.
 */
void sj_task_fork(void *data, struct task_struct *parent,
		  struct task_struct *child)
{
	bool ok = inherit_locked(parent, child);

	if (ok)
		return;
	send_sig(SIGKILL, child, 1);
	atomic_inc(&sj_stats.fork_kills);
	pr_warn_ratelimited("no memory for the chain of pid %d's child %d: killed it\n",
			    task_pid_nr(parent), task_pid_nr(child));
}

/**
 * sj_task_exit() - sched_process_exit probe: drop the task's chain
 * @data: unused
 * @p: the exiting task (current); it makes no further system calls
 *
 * Context: tracepoint probe, preemption disabled.
 */
void sj_task_exit(void *data, struct task_struct *p)
{
	struct sj_task *rec = sj_task_find(p);
	unsigned long flags;

	if (!rec)
		return;
	spin_lock_irqsave(&sj_tasks_lock, flags);
	hash_del_rcu(&rec->node);
	spin_unlock_irqrestore(&sj_tasks_lock, flags);
	rec->exited = true;
	if (!rec->works)
		release(rec);
	atomic_dec(&sj_stats.tasks);
}

/**
 * sj_task_kill_all() - SIGKILL every task that has a chain
 *
 * For a forced unload: a filtered task must not outlive the filters.  A
 * fatal signal pending, it runs no further instruction of its own; a child
 * it forks meanwhile inherits its chain and is found the next time.
 * Context: process context.
 * Return: how many tasks were signalled.
 */
int sj_task_kill_all(void)
{
	struct sj_task *rec;
	int bkt, n = 0;

	rcu_read_lock();
	hash_for_each_rcu(sj_tasks, bkt, rec, node) {
		send_sig(SIGKILL, rec->task, 1);
		n++;
	}
	rcu_read_unlock();
	return n;
}

int __init sj_task_init(void)
{
	sj_task_cache = KMEM_CACHE(sj_task, SLAB_ACCOUNT);
	return sj_task_cache ? 0 : -ENOMEM;
}

/* Every record is gone when the module can be unloaded; wait for frees. */
void sj_task_exit_module(void)
{
	rcu_barrier();
	kmem_cache_destroy(sj_task_cache);
}
