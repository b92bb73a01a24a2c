// SPDX-License-Identifier: GPL-2.0
/*
 * Filters registered on a cgroup v2 (LOAD with SEALJIT_LOAD_CGROUP): every
 * task in the cgroup or below it is to have the filter in its chain.
 *
 * Members join lazily, at their next syscall, whichever way they came: the
 * ones there at registration, children created into the cgroup, tasks
 * migrated in.  A syscall filters only syscalls, so a task that has made
 * none since it arrived has had nothing to filter yet.  The sys_enter
 * probe asks sj_cgroup_missing(): is the task in a registered cgroup whose
 * filter its chain lacks?  If so the syscall is skipped, answered
 * -ERESTARTNOINTR, and a task work, run before the task can reach user
 * mode (get_signal() or ptrace_notify() run it, TWA_SIGNAL), builds the
 * filter on the task's chain, attaches it, sets no_new_privs and gives the
 * syscall its number back; the kernel's restart logic then runs the
 * syscall again, this time through the new chain.  No syscall of a member
 * ever runs without the filter, and nothing waits in the probe.
 *
 * Threads of one process, and children forked before the registration,
 * usually share a chain: each registration keeps the filters it built,
 * by the chain they were built on, so that they go on sharing one (a later
 * TSYNC needs that) and the filter is compiled once per chain.
 *
 * The registration lives until its cgroup is removed (the cgroup_rmdir
 * tracepoint, registered with the hook's probes) and pins the module
 * meanwhile: a filter a cgroup was given is never taken back.  A task
 * that leaves the cgroup keeps the filter, as it keeps any other.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/cgroup.h>
#include <linux/ptrace.h>
#include <linux/sched/task_stack.h>
#include <linux/slab.h>
#include <asm/syscall.h>

#include "sealjit.h"

/* Registrations at once: bounds what every member's syscall walks. */
#define SJ_MAX_CGROUPS	64
/* Filters a registration keeps for the chains its members had. */
#define SJ_CG_CACHE	16

/**
 * struct sj_cgroup - a filter registered on a cgroup
 * @node: in sj_cgroups (RCU; changed under sj_cgroups_lock)
 * @cgrp: the cgroup, referenced
 * @id: unique while the module is loaded; the filters built for it
 *	carry it (sj_filter.cgroup)
 * @prep: the checked program, which members' filters are built from
 * @cache: filters built for it, each referenced, found by their ->prev
 * @next: the slot of @cache to replace next
 * @dead: the cgroup was removed, or the module is going: whoever sets it
 *	(xchg) frees the registration
 * @free_work: unlinks and frees the registration once @dead
 * @rcu: the walk in sj_cgroup_missing() is done with it
 *
 * @prep, @cache and @next are under sj_cgroups_lock.
 */
struct sj_cgroup {
	struct list_head node;
	struct cgroup *cgrp;
	u64 id;
	struct sj_prepared prep;
	struct sj_filter *cache[SJ_CG_CACHE];
	unsigned int next;
	bool dead;
	struct work_struct free_work;
	struct rcu_head rcu;
};

DEFINE_STATIC_KEY_FALSE(sj_cgroup_on);
static LIST_HEAD(sj_cgroups);
static DEFINE_MUTEX(sj_cgroups_lock);
static unsigned int sj_ncgroups;	/* under sj_cgroups_lock */
static u64 sj_cgroup_ids;		/* under sj_cgroups_lock */

/* Whether the chain @f contains a filter built for registration @id. */
static bool chain_has(const struct sj_filter *f, u64 id)
{
	for (; f; f = f->prev)
		if (f->cgroup == id)
			return true;
	return false;
}

/**
 * sj_cgroup_missing() - is the calling task to join a registration?
 * @rec: its record, or NULL
 *
 * Context: the sys_enter probe (RCU-sched), while any registration exists.
 * Return: true if it is in a registered cgroup (or below one) whose
 * filter its chain does not have.
 */
bool sj_cgroup_missing(struct sj_task *rec)
{
	const struct sj_filter *f = rec ? sj_task_filter(rec) : NULL;
	struct sj_cgroup *r;
	struct cgroup *cg;
	bool missing = false;

	/* task_dfl_cgroup() asks for RCU proper, not just no preemption. */
	rcu_read_lock();
	cg = task_dfl_cgroup(current);
	list_for_each_entry_rcu(r, &sj_cgroups, node) {
		if (cgroup_is_descendant(cg, r->cgrp) && !chain_has(f, r->id)) {
			missing = true;
			break;
		}
	}
	rcu_read_unlock();
	return missing;
}

/* A syscall waiting for its task to join: what join_work() gives back. */
struct sj_join {
	struct callback_head work;
	long nr;
};

/* The filter @r built on @prev, referenced, or NULL. */
static struct sj_filter *cache_get(struct sj_cgroup *r, struct sj_filter *prev)
{
	unsigned int i;

	for (i = 0; i < SJ_CG_CACHE; i++) {
		if (r->cache[i] && r->cache[i]->prev == prev) {
			refcount_inc(&r->cache[i]->ref);
			return r->cache[i];
		}
	}
	return NULL;
}

/* Keeps @f (the cache's own reference), dropping the oldest if full. */
static void cache_put(struct sj_cgroup *r, struct sj_filter *f)
{
	struct sj_filter *old = r->cache[r->next];

	refcount_inc(&f->ref);
	r->cache[r->next] = f;
	r->next = (r->next + 1) % SJ_CG_CACHE;
	sj_filter_put(old);
}

/*
 * The calling task's chain gets @r's filter, unless it has it already.
 * Under sj_cgroups_lock.  Return: 0, or as sj_filter_create() and
 * sj_task_attach() fail; -ENOMEM past seccomp's instruction limit.
 */
static int join_one(struct sj_cgroup *r)
{
	struct sj_filter *prev, *f;
	int err = -EAGAIN, tries;

	for (tries = 0; err == -EAGAIN && tries < SJ_LOAD_TRIES; tries++) {
		/* Ours: a sibling's TSYNC may replace the task's meanwhile. */
		prev = sj_task_get_current_filter();
		if (chain_has(prev, r->id)) {
			sj_filter_put(prev);
			return 0;
		}
		if (r->prep.len + (prev ? prev->path_insns : 0) >
		    SJ_MAX_INSNS_PER_PATH) {
			sj_filter_put(prev);
			return -ENOMEM;
		}
		f = cache_get(r, prev);
		if (!f) {
			f = sj_filter_create(&r->prep, prev);
			if (IS_ERR(f)) {
				sj_filter_put(prev);
				return PTR_ERR(f);
			}
			if (prev)	/* the new filter's own */
				refcount_inc(&prev->ref);
			f->cgroup = r->id;
			cache_put(r, f);
		}
		/* On success the task's reference passes to @f. */
		err = sj_task_attach(f, prev, false);
		if (err)
			sj_filter_put(f);
		else
			/* The one the task held: @f holds its own. */
			sj_filter_put(prev);
		sj_filter_put(prev);
	}
	return err;
}

/*
 * Every registration the calling task is a member of, in the order they
 * were made: its chain gets each filter it lacks, and no_new_privs.
 */
static int join(void)
{
	struct sj_cgroup *r;
	bool member;
	int err = 0;

	/* A member killed while another builds its filter need not wait. */
	if (mutex_lock_killable(&sj_cgroups_lock))
		return -EINTR;
	list_for_each_entry(r, &sj_cgroups, node) {
		rcu_read_lock();
		member = cgroup_is_descendant(task_dfl_cgroup(current),
					      r->cgrp);
		rcu_read_unlock();
		if (!member)
			continue;
		task_set_no_new_privs(current);
		err = join_one(r);
		if (err)
			break;
		atomic_inc(&sj_stats.cgroup_joins);
	}
	mutex_unlock(&sj_cgroups_lock);
	return err;
}

/*
 * Before the task reaches user mode again.  Joined, its syscall has its
 * number back and is restarted (-ERESTARTNOINTR); if the filter could not
 * be had, the syscall fails with why, and the next one tries again.  A
 * task already exiting (do_exit() runs the works left) has nothing left
 * to filter, and its exit probe has run: no record may be made for it.
 */
static void join_work(struct callback_head *cb)
{
	struct sj_join *j = container_of(cb, struct sj_join, work);
	struct pt_regs *regs = current_pt_regs();
	int err;

	if (!(current->flags & PF_EXITING)) {
		regs->orig_ax = j->nr;
		err = join();
		if (err) {
			pr_warn_ratelimited("pid %d cannot join its cgroup's filter: %d\n",
					    task_pid_nr(current), err);
			syscall_set_return_value(current, regs, err, 0);
		}
	}
	kfree(j);
}

/**
 * sj_cgroup_defer() - hold the calling task's syscall until it has joined
 * @regs: its registers
 *
 * Context: the sys_enter probe, preemption disabled.  Without memory for
 * the work, the syscall fails with -ENOMEM: it does not run unfiltered.
 */
void sj_cgroup_defer(struct pt_regs *regs)
{
	struct sj_join *j = kmalloc(sizeof(*j), GFP_ATOMIC | __GFP_NOWARN);
	int err = -ERESTARTNOINTR;

	if (j) {
		j->nr = regs->orig_ax;
		init_task_work(&j->work, join_work);
		if (task_work_add(current, &j->work, TWA_SIGNAL)) {
			kfree(j);
			err = -ENOMEM;
		}
	} else {
		err = -ENOMEM;
	}
	syscall_set_return_value(current, regs, err, 0);
	regs->orig_ax = -1;
}

static void registration_free(struct sj_cgroup *r)
{
	unsigned int i;

	for (i = 0; i < SJ_CG_CACHE; i++)
		sj_filter_put(r->cache[i]);
	sj_filter_release(&r->prep);
	cgroup_put(r->cgrp);
	kfree_rcu(r, rcu);
	atomic_dec(&sj_stats.cgroups);
	sj_hook_put();
}

/* Caller holds sj_cgroups_lock. */
static void registration_unlink(struct sj_cgroup *r)
{
	list_del_rcu(&r->node);
	sj_ncgroups--;
	static_branch_dec(&sj_cgroup_on);
}

static void free_work(struct work_struct *work)
{
	struct sj_cgroup *r = container_of(work, struct sj_cgroup, free_work);

	mutex_lock(&sj_cgroups_lock);
	registration_unlink(r);
	mutex_unlock(&sj_cgroups_lock);
	/* No syscall still walking the list looks at its cgroup now. */
	synchronize_rcu();
	registration_free(r);
}

/**
 * sj_cgroup_rmdir() - cgroup_rmdir probe: its registrations go
 * @data: unused
 * @cgrp: the cgroup removed; it had no task and no child cgroup left
 * @path: unused
 *
 * Context: tracepoint probe, under a spinlock: the freeing is a work.
 */
void sj_cgroup_rmdir(void *data, struct cgroup *cgrp, const char *path)
{
	struct sj_cgroup *r;

	rcu_read_lock();
	list_for_each_entry_rcu(r, &sj_cgroups, node) {
		if (r->cgrp == cgrp && !xchg(&r->dead, true))
			queue_work(sj_wq, &r->free_work);
	}
	rcu_read_unlock();
}

/**
 * sj_cgroup_register() - LOAD with SEALJIT_LOAD_CGROUP
 * @fd: an open directory of the cgroup v2 hierarchy
 * @prep: the checked program; taken over (released on failure)
 *
 * Context: process context (LOAD).
 * Return: 0; -EPERM without CAP_SYS_ADMIN and CAP_SYS_PTRACE in the
 * initial user namespace; -EBADF if @fd is no cgroup v2 directory;
 * -EINVAL for the root cgroup;
 * -ENOSPC with %SJ_MAX_CGROUPS registrations already; -ENOMEM; as
 * sj_hook_get() fails.
 */
int sj_cgroup_register(int fd, struct sj_prepared *prep)
{
	struct sj_cgroup *r = NULL;
	struct cgroup *cgrp;
	int err;

	if (!capable(CAP_SYS_ADMIN) || !capable(CAP_SYS_PTRACE)) {
		err = -EPERM;
		goto fail;
	}
	cgrp = cgroup_get_from_fd(fd);
	if (IS_ERR(cgrp)) {
		err = PTR_ERR(cgrp);
		goto fail;
	}
	/*
	 * The root holds init, the caller and every system daemon, and is
	 * never removed: a filter for the whole machine is not a cgroup's.
	 */
	if (!cgroup_parent(cgrp)) {
		err = -EINVAL;
		goto fail_cgroup;
	}
	r = kzalloc(sizeof(*r), GFP_KERNEL_ACCOUNT);
	if (!r) {
		err = -ENOMEM;
		goto fail_cgroup;
	}
	err = sj_hook_get();
	if (err)
		goto fail_cgroup;
	r->cgrp = cgrp;
	r->prep = *prep;
	prep->insns = NULL;
	prep->sized = NULL;
	INIT_WORK(&r->free_work, free_work);
	mutex_lock(&sj_cgroups_lock);
	if (sj_ncgroups == SJ_MAX_CGROUPS) {
		mutex_unlock(&sj_cgroups_lock);
		r->cgrp = NULL;
		sj_filter_release(&r->prep);
		sj_hook_put();
		err = -ENOSPC;
		goto fail_cgroup;
	}
	r->id = ++sj_cgroup_ids;
	sj_ncgroups++;
	static_branch_inc(&sj_cgroup_on);
	list_add_tail_rcu(&r->node, &sj_cgroups);
	atomic_inc(&sj_stats.cgroups);
	mutex_unlock(&sj_cgroups_lock);
	return 0;

fail_cgroup:
	cgroup_put(cgrp);
fail:
	kfree(r);
	sj_filter_release(prep);
	return err;
}

/*
 * Module exit: normally there is no registration left (each pins the
 * module); after rmmod -f the filtered tasks are killed next, and
 * members that never joined are left as they are, as with no module.
 */
void sj_cgroup_exit(void)
{
	struct sj_cgroup *r, *tmp;

	mutex_lock(&sj_cgroups_lock);
	list_for_each_entry_safe(r, tmp, &sj_cgroups, node) {
		if (xchg(&r->dead, true))
			continue;	/* its free work is queued */
		registration_unlink(r);
		synchronize_rcu();
		registration_free(r);
	}
	mutex_unlock(&sj_cgroups_lock);
	flush_workqueue(sj_wq);
}
