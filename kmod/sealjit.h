/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Declarations shared by the files of the module.
 *
 * Who owns what:
 *   filter.c   copying a user's filter in, checking, compiling; filter objects
 *   image.c    executable memory: packs, and images written into them
 *   task.c     per-task chains: attach, fork, exit
 *   hook.c     the sys_enter probe and seccomp's actions; probe registration
 *   dev.c      /dev/sealjit and its ioctls
 *   cgroup.c   filters registered on cgroups, and their members joining
 *   debugfs.c  counters and the live images, for tests
 *   ksyms.c    unexported kernel symbols
 *
 * Lock order: sj_cgroups_lock (mutex) > sj_hook_lock (mutex) > sj_images_lock (mutex) >
 * sj_tasks_lock (spinlock); sj_images_lock > the kernel's text_mutex
 * (taken inside text_poke_copy()).  The syscall path takes no lock.
 */
#ifndef SJ_SEALJIT_H
#define SJ_SEALJIT_H

#include <linux/ktime.h>
#include <linux/hashtable.h>
#include <linux/jump_label.h>
#include <linux/list.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/task_work.h>
#include <linux/refcount.h>
#include <linux/types.h>
#include <linux/workqueue.h>
#include <linux/sealjit.h>

#include "../jit/jit.h"
#include "../verifier/check.h"
#include "../verifier/decide.h"

/* seccomp's limit on the instructions of a chain (kernel/seccomp.c). */
#define SJ_MAX_INSNS_PER_PATH	((1 << 18) / sizeof(struct sock_filter))
/* LOAD builds on the caller's chain again when a TSYNC replaced it. */
#define SJ_LOAD_TRIES		8
#define SJ_FILTER_PENALTY	4

/**
 * struct sj_prepared - a filter copied in, checked and compiled
 * @insns: the instructions (kernel copy)
 * @len: their number
 * @facts: what the checker learnt, valid if accepted
 * @diag: why it was rejected, reason SEALJIT_OK if accepted
 * @image_len: size of its native code
 * @sized: the JIT's offsets from sizing it, so that emitting takes one pass
 */
struct sj_prepared {
	struct sock_filter *insns;
	u32 len;
	struct sj_facts facts;
	struct sj_diag diag;
	u32 image_len;
	struct sj_jit_work *sized;
};

/* Residual programs per filter, at most (specialised syscalls). */
#define SJ_MAX_SPEC	16
#define SJ_SPEC_NONE	0xff

/**
 * struct sj_image - one filter's sealed native code, in a pack (image.c)
 * @pack: the pack that holds it
 * @mem: its code's room in the pack: 64-byte chunks, int3 around the code
 * @code_size: bytes of that room
 * @pool_mem: its constants' room in the pack's pool pages
 * @pool_size: bytes of that room
 * @offset: where the code starts, from the pack's start (random)
 * @len: bytes of code
 * @entry: the function, at @mem plus a random 16-byte-aligned slack
 * @cookie: @entry ^ a per-boot secret, checked by the dispatcher
 * @written: its room may hold its bytes (int3 goes back when destroyed)
 * @sealed: written, compared and checked read-only and executable
 * @pte_before: page flags seen just before the code was written
 * @digest: SHA-256 of its room and pool slots, taken when sealed
 * @ret_thunk: where its returns jump (the validator checked every one), 0
 *	for ret
 * @nentries: functions in the image: 1, or several packed one after the
 *	other (a filter's residual programs), each validated on its own
 * @sub: where functions 1.. start, from @entry
 * @sub_cookie: each one's address ^ the per-boot secret
 * @pool: its constant pool slots, at @pool_mem
 * @pool_len: its 4-byte slots: each function's program has one per
 *	instruction, the functions' one after the other
 * @node: in the list of live images (debugfs), under sj_images_lock
 */
struct sj_image {
	struct sj_pack *pack;
	u8 *mem;
	u32 code_size;
	u8 *pool_mem;
	u32 pool_size;
	u32 offset;
	u32 len;
	sj_image_fn entry;
	unsigned long cookie;
	bool written;
	bool sealed;
	unsigned long pte_before;
	u8 digest[32];
	unsigned long ret_thunk;
	u32 nentries;
	u32 sub[SJ_MAX_SPEC];
	unsigned long sub_cookie[SJ_MAX_SPEC];
	u32 *pool;
	u32 pool_len;
	struct list_head node;
};

/**
 * struct sj_spec - a filter's code specialised to syscall numbers
 * @index: per table entry whose result depends on the arguments, the
 *	function of the filter's image to run: one of its residual programs
 *	(verifier/residual.c), each validated against its residual program,
 *	0 for the whole filter, or SJ_SPEC_NONE (run the whole filter)
 */
struct sj_spec {
	u8 index[SJ_NROWS][SJ_TABLE_NR];
};

/*
 * What a chain answered, per CPU.  ALLOW, from the table or from code, has
 * a counter of its own for each, so that counting it is one increment;
 * the other actions count where they came from and what they were.
 */
struct sj_counters {
	u64 cached_allow;
	u64 runs_allow;
	u64 cached;		/* other answers from the table */
	u64 runs;		/* other answers for which code ran */
	u64 actions[SEALJIT_NR_ACTS];	/* the other answers */
};

/**
 * struct sj_filter - one attached filter, shared by every task that has it
 * @ref: tasks and newer filters that point here
 * @prev: the filter attached before this one, or NULL; immutable
 * @image: its native code: the filter, then its residual programs
 * @table: the decisions of the chain from here down (this filter and
 *	every older one), computed at LOAD; immutable
 * @own: this filter's own decisions
 * @spec: which function of @image runs for the entries of @own that are
 *	no constant, or NULL
 * @len: its instructions
 * @path_insns: instructions of the chain from here down, with seccomp's
 *	penalty of 4 per filter
 * @id: its number, unique while the module is loaded, for the tracepoint
 * @cnt: per CPU, what the chain from here down answered while this was
 *	its newest filter (SEALJIT_IOC_STATS)
 * @marked: the filter with every ret replaced by "ret #its index": run by
 *	the interpreter, it says which ret the filter reaches (the tracepoint)
 * @cgroup: the id of the cgroup registration it was built for
 *	(SEALJIT_LOAD_CGROUP, cgroup.c), 0 for any other filter
 * @free_work: frees the filter after an RCU grace period
 */
struct sj_filter {
	refcount_t ref;
	struct sj_filter *prev;
	struct sj_image *image;
	struct sj_table *table;
	struct sj_table *own;
	struct sj_spec *spec;
	u32 len;
	u32 path_insns;
	u64 id;
	struct sj_counters __percpu *cnt;
	struct sock_filter *marked;
	u64 cgroup;
	struct rcu_work free_work;
};

/* The phases of a LOAD, timed for the benchmark (debugfs stats). */
enum sj_phase {
	SJ_PH_CHECK, SJ_PH_SIZE, SJ_PH_TABLE, SJ_PH_ALLOC, SJ_PH_EMIT,
	SJ_PH_VALIDATE, SJ_PH_SEAL, SJ_PH_SPEC, SJ_NPHASES
};

/* Live objects, for debugfs and the tests that must see them return to 0. */
struct sj_stats {
	atomic_t filters;
	atomic_t images;
	atomic_t tasks;
	atomic_t hooked;
	atomic_t hook_registrations;
	atomic_t fork_kills;
	atomic_t fork_spares;
	atomic_t bad_entries;
	atomic_t digest_mismatches;
	atomic_t validator_rejects;
	atomic_t residual_rejects;
	atomic_t certificate_rejects;
	atomic_long_t image_bytes;	/* module memory held, see image_limit */
	atomic_long_t perm_changes;	/* set_memory_*() calls, each a TLB flush */
	atomic_t packs;
	atomic_t cgroups;
	atomic_t cgroup_joins;
	atomic64_t validate_ns_last;
	atomic64_t phase_ns_last[SJ_NPHASES];
};

extern struct sj_stats sj_stats;

/* Record how long @phase of the current LOAD took since @start. */
static inline void sj_phase_done(enum sj_phase phase, ktime_t start)
{
	atomic64_set(&sj_stats.phase_ns_last[phase],
		     ktime_to_ns(ktime_sub(ktime_get(), start)));
}

extern struct workqueue_struct *sj_wq;

int sj_filter_prepare(struct sealjit_filter_args *args,
		      struct sj_prepared *prep, bool gate);
void sj_filter_release(struct sj_prepared *prep);
int sj_filter_load(struct sealjit_filter_args *args);
struct sj_filter *sj_filter_create(struct sj_prepared *prep,
				   struct sj_filter *prev);
void sj_filter_put(struct sj_filter *f);
void sj_filter_exit(void);

struct sj_image *sj_image_alloc(u32 len, u32 pool_len);
int sj_image_seal(struct sj_image *img, const u8 *code, const u32 *pool);
void sj_image_destroy(struct sj_image *img);
void sj_image_show(struct seq_file *m);
int sj_image_verify_all(struct seq_file *m);
int sj_image_tamper(void);
void sj_image_dump(struct seq_file *m, bool pool);
int sj_image_set_entries(struct sj_image *img, const u32 *offsets, u32 n);
u32 sj_image_bad_entry(void);
void sj_jit_opts_for(struct sj_jit_opts *opts, unsigned long base,
		     unsigned long pool);
void sj_image_init(void);
void sj_image_exit(void);

extern unsigned long sj_entry_secret;

/**
 * sj_image_run_entry() - the dispatcher: the only way into native code
 * @img: a sealed image
 * @k: which of its functions: 0 for the image's entry, else a function of
 *	a packed image, below img->nentries
 * @sd: the syscall
 *
 * Calls the function only if the address about to be called, xored with
 * the per-boot secret, is the cookie written when the image was sealed:
 * an image struct corrupted by a stray write (or an attacker who does not
 * know the secret) cannot steer the call anywhere else, whatever else in
 * it is wrong.  A mismatch kills the syscall's task rather than run it.
 * Inline: it is on the path of every syscall that runs filter code.
 * Context: the syscall path: no locks, no allocation.
 */
static __always_inline u32 sj_image_run_entry(const struct sj_image *img,
					      u32 k,
					      const struct seccomp_data *sd)
{
	unsigned long entry = (unsigned long)img->entry, cookie = img->cookie;

	if (k) {
		if (unlikely(k >= img->nentries))
			return sj_image_bad_entry();
		entry += img->sub[k - 1];
		cookie = img->sub_cookie[k - 1];
	}
	if (unlikely(!img->sealed || (entry ^ sj_entry_secret) != cookie))
		return sj_image_bad_entry();
	return ((sj_image_fn)entry)(sd);
}

#define SJ_TASK_HASH_BITS 10

/**
 * struct sj_task - the sealjit state of one filtered task (task.c)
 * @node: in sj_tasks
 * @task: the task; not a counted reference: the record goes away in the
 *	task's own exit path, before the task_struct can be freed
 * @filter: newest filter of the chain; the record holds one reference
 * @dead: a kill action was taken; any later syscall kills again
 * @restore_work: gives a skipped syscall its number back (orig_ax)
 * @restore_queued: @restore_work is queued
 * @skipped_nr: that number
 * @kill_work: runs do_exit() for KILL_THREAD on the way back to user mode
 * @spare: a record allocated ahead, in process context, for the task's
 *	next child, so that the fork probe (atomic context) need not allocate
 * @refill_work: allocates @spare again on the way back to user mode
 * @refill_queued: @refill_work is queued
 * @works: task works queued that live in this record (@kill_work,
 *	@refill_work, @restore_work): the record outlives them
 * @exited: the task's exit probe has run; the last of @works frees it
 * @rcu: deferred free
 *
 * Only the task itself touches these after it starts running (its
 * syscalls, its task works, its exit), and its parent before that.
 */
struct sj_task {
	struct hlist_node node;
	struct task_struct *task;
	struct sj_filter __rcu *filter;
	bool dead;
	struct callback_head restore_work;
	bool restore_queued;
	long skipped_nr;
	struct callback_head kill_work;
	struct sj_task *spare;
	struct callback_head refill_work;
	bool refill_queued;
	u8 works;
	bool exited;
	struct rcu_head rcu;
};

/* Records by task_struct pointer; RCU for lookups (task.c changes them). */
extern struct hlist_head sj_tasks[1 << SJ_TASK_HASH_BITS];

/**
 * sj_task_find() - the record of @t, or NULL
 * @t: a task
 *
 * Inline: every syscall of every task on the machine asks, while a filter
 * exists, and nearly all of them get NULL from an empty bucket.
 * Context: inside an RCU read-side section (tracepoint probes are: with
 * preemption disabled, an RCU-sched one).
 */
static inline struct sj_task *sj_task_find(struct task_struct *t)
{
	struct sj_task *rec;

	hash_for_each_possible_rcu(sj_tasks, rec, node, (unsigned long)t)
		if (rec->task == t)
			return rec;
	return NULL;
}

/* The newest filter of @rec's chain; the task's own probes only. */
static inline struct sj_filter *sj_task_filter(struct sj_task *rec)
{
	return rcu_dereference_sched(rec->filter);
}

/* After a kill action: any further syscall of the task kills again. */
static inline void sj_task_mark_dead(struct sj_task *rec)
{
	WRITE_ONCE(rec->dead, true);
}

static inline bool sj_task_is_dead(struct sj_task *rec)
{
	return READ_ONCE(rec->dead);
}

void sj_task_kill_thread(struct sj_task *rec);
void sj_task_restore_nr(struct sj_task *rec, long nr);
struct sj_filter *sj_task_current_filter(void);
struct sj_filter *sj_task_get_current_filter(void);
int sj_task_status(pid_t pid, u32 *filters);
int sj_task_stats(struct sealjit_stats *st);
int sj_task_attach(struct sj_filter *f, struct sj_filter *prev, bool tsync);

/* Most distinct chains among one process's threads that LOAD_PID takes. */
#define SJ_MAX_CHAINS	16

/**
 * struct sj_chains - a process's chains, for LOAD with SEALJIT_LOAD_PID
 * @n: how many distinct ones its live threads have
 * @prev: each, referenced (NULL: threads without a filter)
 * @f: the new filter built on each
 */
struct sj_chains {
	unsigned int n;
	struct sj_filter *prev[SJ_MAX_CHAINS];
	struct sj_filter *f[SJ_MAX_CHAINS];
};

int sj_task_get_process(pid_t pid, struct task_struct **p);
int sj_task_chains(struct task_struct *p, struct sj_chains *ch);
int sj_task_attach_process(struct task_struct *p, struct sj_chains *ch);
void sj_task_fork(void *data, struct task_struct *parent,
		  struct task_struct *child);
void sj_task_exit(void *data, struct task_struct *p);
int sj_task_kill_all(void);
int sj_task_init(void);
void sj_task_exit_module(void);

int sj_hook_get(void);
void sj_hook_put(void);
int sj_hook_init(void);
void sj_hook_exit(void);

/*
 * Fault injection (debug builds only): each a debugfs counter of how many
 * more times sj_inject() says "fail here" (debugfs.c has the names).
 */
enum sj_fault {
	SJ_FAULT_FORK,		/* a fork finds no spare record and no memory */
	SJ_FAULT_FORK_ALLOC,	/* a fork's atomic allocation fails */
	SJ_FAULT_JIT,		/* sizing a program fails in the JIT */
	SJ_FAULT_VALIDATE,	/* an emitted program is corrupted */
	SJ_FAULT_CERTIFICATE,	/* the decision certificates are made wrong */
	SJ_FAULT_COUNT,
};

#ifdef SEALJIT_DEBUG
bool sj_inject(enum sj_fault fault);
#else
static inline bool sj_inject(enum sj_fault fault)
{
	return false;
}
#endif
void sj_inject_kill_companion(void);
int sj_debugfs_init(void);
void sj_debugfs_exit(void);

int sj_dev_init(void);
void sj_dev_exit(void);

/* cgroup.c: SEALJIT_LOAD_CGROUP. */
struct cgroup;
struct pt_regs;
DECLARE_STATIC_KEY_FALSE(sj_cgroup_on);
int sj_cgroup_register(int fd, struct sj_prepared *prep);
bool sj_cgroup_missing(struct sj_task *rec);
void sj_cgroup_defer(struct pt_regs *regs);
void sj_cgroup_rmdir(void *data, struct cgroup *cgrp, const char *path);
void sj_cgroup_exit(void);

#endif /* SJ_SEALJIT_H */
