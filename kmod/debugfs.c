// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs (root only): what is alive, for tests and for the curious.
 *
 *   sealjit/stats    counts of live filters, images, task records, whether
 *                    the probes are registered and how often they were,
 *                    children killed at fork,
 *                    images the validator refused, the time the last
 *                    validation took, and each phase of the last LOAD
 *   sealjit/images   each live image: address, size, offset, page flags
 *                    when it was written and now (and its constant pool's
 *                    now), where its returns jump (the return thunk in
 *                    force, or ret), start of its SHA-256
 *   sealjit/verify   reading it re-hashes every live image against the
 *                    digest taken when it was sealed
 *   sealjit/fail_fork   (debug builds only) fail the next N child records
 *   sealjit/fail_fork_alloc  (debug builds only) fail the next N atomic
 *                       allocations of child records (spares still serve)
 *   sealjit/fail_jit    (debug builds only) the JIT fails on the next N
 *                       programs it sizes (CHECK and LOAD say EIO, E_JIT)
 *   sealjit/fail_validate  (debug builds only) the next N programs emitted
 *                       get an int3 in their last instruction, which the
 *                       validator must refuse (LOAD says EIO, E_VALIDATE)
 *   sealjit/fail_certificate  (debug builds only) the next N LOADs get
 *                       every decision certificate made wrong before it is
 *                       checked: each row must be refused and decide
 *                       nothing (certificate_rejects in stats)
 *   sealjit/kill_companion  (debug builds only) writing N gives the next N
 *                       threads killed by KILL_THREAD a task work queued
 *                       ahead of the kill; reading: how many of them ran
 *   sealjit/tamper      (debug builds only) writing flips a padding byte of
 *                       the newest image, to prove verify notices
 *   sealjit/dump        (debug builds only) the raw executable pages of
 *                       every image
 *   sealjit/dump_pool   (debug builds only) the raw pages of their pools
 */
#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/task_work.h>

#include "sealjit.h"

struct sj_stats sj_stats;
static struct dentry *sj_dir;

static int stats_show(struct seq_file *m, void *v)
{
	static const char * const phase_name[SJ_NPHASES] = {
		[SJ_PH_CHECK] = "check", [SJ_PH_SIZE] = "size",
		[SJ_PH_TABLE] = "table", [SJ_PH_ALLOC] = "alloc",
		[SJ_PH_EMIT] = "emit", [SJ_PH_VALIDATE] = "validate",
		[SJ_PH_SEAL] = "seal", [SJ_PH_SPEC] = "spec",
	};
	int i;

	seq_printf(m, "filters %d\nimages %d\ntasks %d\nhooked %d\nfork_kills %d\n",
		   atomic_read(&sj_stats.filters), atomic_read(&sj_stats.images),
		   atomic_read(&sj_stats.tasks), atomic_read(&sj_stats.hooked),
		   atomic_read(&sj_stats.fork_kills));
	seq_printf(m, "fork_spares %d\n", atomic_read(&sj_stats.fork_spares));
	seq_printf(m, "hook_registrations %d\n",
		   atomic_read(&sj_stats.hook_registrations));
	seq_printf(m, "bad_entries %d\ndigest_mismatches %d\n",
		   atomic_read(&sj_stats.bad_entries),
		   atomic_read(&sj_stats.digest_mismatches));
	seq_printf(m, "residual_rejects %d\n",
		   atomic_read(&sj_stats.residual_rejects));
	seq_printf(m, "certificate_rejects %d\n",
		   atomic_read(&sj_stats.certificate_rejects));
	seq_printf(m, "image_bytes %ld\n",
		   atomic_long_read(&sj_stats.image_bytes));
	seq_printf(m, "packs %d\n", atomic_read(&sj_stats.packs));
	seq_printf(m, "cgroups %d\ncgroup_joins %d\n",
		   atomic_read(&sj_stats.cgroups),
		   atomic_read(&sj_stats.cgroup_joins));
	seq_printf(m, "perm_changes %ld\n",
		   atomic_long_read(&sj_stats.perm_changes));
	seq_printf(m, "validator_rejects %d\nvalidate_ns_last %lld\n",
		   atomic_read(&sj_stats.validator_rejects),
		   (long long)atomic64_read(&sj_stats.validate_ns_last));
	for (i = 0; i < SJ_NPHASES; i++)
		seq_printf(m, "load_ns_%s %lld\n", phase_name[i],
			   (long long)atomic64_read(&sj_stats.phase_ns_last[i]));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(stats);

static int images_show(struct seq_file *m, void *v)
{
	sj_image_show(m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(images);

static int verify_show(struct seq_file *m, void *v)
{
	sj_image_verify_all(m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(verify);

#ifdef SEALJIT_DEBUG
/*
 * The fault-injection switches: each an atomic_t counter of how many more
 * times to fail, read and written through one attribute (data: the
 * counter).
 */
static int counter_get(void *data, u64 *val)
{
	*val = atomic_read((atomic_t *)data);
	return 0;
}

static int counter_set(void *data, u64 val)
{
	atomic_set((atomic_t *)data, (int)min_t(u64, val, INT_MAX));
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(counter_fops, counter_get, counter_set, "%llu\n");

static atomic_t faults[SJ_FAULT_COUNT];
static const char * const fault_names[SJ_FAULT_COUNT] = {
	[SJ_FAULT_FORK] = "fail_fork",
	[SJ_FAULT_FORK_ALLOC] = "fail_fork_alloc",
	[SJ_FAULT_JIT] = "fail_jit",
	[SJ_FAULT_VALIDATE] = "fail_validate",
	[SJ_FAULT_CERTIFICATE] = "fail_certificate",
};

/* True while @fault's debugfs counter is above zero, which it decrements. */
bool sj_inject(enum sj_fault fault)
{
	return atomic_add_unless(&faults[fault], -1, 0);
}

/*
 * Fault injection for KILL_THREAD: while armed, a thread about to be
 * killed first gets a companion task work, queued before the kill's and so
 * run after it in the same batch -- the work do_exit() from a task work
 * would lose.  kill_companion reads as how many companions have run.
 */
static atomic_t kill_companion = ATOMIC_INIT(0);
static atomic_t kill_companion_runs = ATOMIC_INIT(0);

static void kill_companion_work(struct callback_head *cb)
{
	atomic_inc(&kill_companion_runs);
	kfree(cb);
}

void sj_inject_kill_companion(void)
{
	struct callback_head *cb;

	if (!atomic_add_unless(&kill_companion, -1, 0))
		return;
	cb = kmalloc(sizeof(*cb), GFP_ATOMIC);
	if (!cb)
		return;
	init_task_work(cb, kill_companion_work);
	if (task_work_add(current, cb, TWA_RESUME))
		kfree(cb);
}

static int kill_companion_get(void *data, u64 *val)
{
	*val = atomic_read(&kill_companion_runs);
	return 0;
}

static int kill_companion_set(void *data, u64 val)
{
	atomic_set(&kill_companion, (int)min_t(u64, val, INT_MAX));
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(kill_companion_fops, kill_companion_get,
			 kill_companion_set, "%llu\n");

static ssize_t tamper_write(struct file *file, const char __user *buf,
			    size_t count, loff_t *ppos)
{
	int err = sj_image_tamper();

	return err ? err : count;
}

static const struct file_operations tamper_fops = {
	.write = tamper_write,
	.llseek = noop_llseek,
};

static int dump_show(struct seq_file *m, void *v)
{
	sj_image_dump(m, false);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(dump);

static int dump_pool_show(struct seq_file *m, void *v)
{
	sj_image_dump(m, true);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(dump_pool);

static void create_debug_files(void)
{
	int i;

	for (i = 0; i < SJ_FAULT_COUNT; i++)
		debugfs_create_file_unsafe(fault_names[i], 0600, sj_dir,
					   &faults[i], &counter_fops);
	debugfs_create_file_unsafe("kill_companion", 0600, sj_dir, NULL,
				   &kill_companion_fops);
	debugfs_create_file("tamper", 0200, sj_dir, NULL, &tamper_fops);
	debugfs_create_file("dump", 0400, sj_dir, NULL, &dump_fops);
	debugfs_create_file("dump_pool", 0400, sj_dir, NULL, &dump_pool_fops);
}
#else
void sj_inject_kill_companion(void)
{
}

static void create_debug_files(void)
{
}
#endif

int __init sj_debugfs_init(void)
{
	sj_dir = debugfs_create_dir("sealjit", NULL);
	debugfs_create_file("stats", 0400, sj_dir, NULL, &stats_fops);
	debugfs_create_file("images", 0400, sj_dir, NULL, &images_fops);
	debugfs_create_file("verify", 0400, sj_dir, NULL, &verify_fops);
	create_debug_files();
	return 0;
}

void sj_debugfs_exit(void)
{
	debugfs_remove_recursive(sj_dir);
}
