// SPDX-License-Identifier: GPL-2.0
/*
 * Per-task chains.  A record ties one task_struct to the newest filter of
 * its chain; older filters hang off ->prev, shared and reference-counted
 * exactly like seccomp's.  Records are keyed by the task_struct pointer, not
 * by pid, so execve from a non-leader thread (which takes over the leader's
 * pid) keeps the right chain.
 *
 * Who changes a record: the task itself (LOAD, and its exit), or its parent
 * while the task is being created and cannot run yet (fork).  So a record's
 * ->filter never changes under a reader that is the task itself; the hash
 * table is RCU-protected for lookups and sj_tasks_lock serialises inserts
 * and deletions.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hashtable.h>
#include <linux/pid.h>
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

static void kill_thread_work(struct callback_head *cb)
{
	sj_ksyms()->do_exit(SIGSYS);
}

/*
 * seccomp's KILL_THREAD calls do_exit(SIGSYS) from the syscall path; a
 * tracepoint probe runs with preemption off and cannot, so the exit runs as
 * task work, before the thread returns to user mode.
 */
void sj_task_kill_thread(struct sj_task *rec)
{
	init_task_work(&rec->kill_work, kill_thread_work);
	if (task_work_add(current, &rec->kill_work, TWA_RESUME))
		force_sig(SIGKILL);	/* already exiting: make sure */
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

static void insert(struct sj_task *rec)
{
	spin_lock(&sj_tasks_lock);
	hash_add_rcu(sj_tasks, &rec->node, (unsigned long)rec->task);
	spin_unlock(&sj_tasks_lock);
	atomic_inc(&sj_stats.tasks);
}

/**
 * sj_task_attach() - make @f the newest filter of the calling task
 * @f: a new filter whose ->prev is the caller's current newest filter (or
 *	NULL); the caller's reference to @f passes to the task, and the
 *	task's reference to ->prev passes to @f
 *
 * Context: process context (LOAD).
 * Return: 0, or -ENOMEM (then @f is untouched and ->prev keeps its owner).
 */
int sj_task_attach(struct sj_filter *f)
{
	struct sj_task *rec;

	rcu_read_lock();
	rec = sj_task_find(current);
	rcu_read_unlock();
	if (rec) {
		rcu_assign_pointer(rec->filter, f);
		return 0;
	}
	rec = kmem_cache_zalloc(sj_task_cache, GFP_KERNEL);
	if (!rec)
		return -ENOMEM;
	rec->task = current;
	RCU_INIT_POINTER(rec->filter, f);
	insert(rec);
	return 0;
}

/**
 * sj_task_fork() - sched_process_fork probe: the child inherits the chain
 * @data: unused
 * @parent: the forking task (current)
 * @child: the new task, not yet running
 *
 * Context: tracepoint probe, preemption disabled: no sleeping allocation.
 * Fails closed: if the child's record cannot be made, the child is killed
 * before it runs a single instruction, so a filtered task never gives rise
 * to an unfiltered one.
 */
void sj_task_fork(void *data, struct task_struct *parent,
		  struct task_struct *child)
{
	struct sj_task *prec = sj_task_find(parent), *rec = NULL;
	struct sj_filter *f;

	if (!prec)
		return;
	if (!sj_inject_fork_failure())
		rec = kmem_cache_zalloc(sj_task_cache, GFP_NOWAIT | __GFP_NOWARN);
	if (!rec) {
		send_sig(SIGKILL, child, 1);
		atomic_inc(&sj_stats.fork_kills);
		pr_warn_ratelimited("no memory for the chain of pid %d's child %d: killed it\n",
				    task_pid_nr(parent), task_pid_nr(child));
		return;
	}
	f = rcu_dereference(prec->filter);
	refcount_inc(&f->ref);
	rec->task = child;
	rec->dead = READ_ONCE(prec->dead);
	RCU_INIT_POINTER(rec->filter, f);
	insert(rec);
}

static void free_record(struct rcu_head *head)
{
	kmem_cache_free(sj_task_cache, container_of(head, struct sj_task, rcu));
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

	if (!rec)
		return;
	spin_lock(&sj_tasks_lock);
	hash_del_rcu(&rec->node);
	spin_unlock(&sj_tasks_lock);
	sj_filter_put(rcu_dereference_protected(rec->filter, true));
	call_rcu(&rec->rcu, free_record);
	atomic_dec(&sj_stats.tasks);
}

int __init sj_task_init(void)
{
	sj_task_cache = KMEM_CACHE(sj_task, 0);
	return sj_task_cache ? 0 : -ENOMEM;
}

/* Every record is gone when the module can be unloaded; wait for frees. */
void sj_task_exit_module(void)
{
	rcu_barrier();
	kmem_cache_destroy(sj_task_cache);
}
