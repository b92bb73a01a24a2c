// SPDX-License-Identifier: GPL-2.0
/*
 * From a user's struct sock_fprog to a checked program and its native code
 * in a scratch buffer: the common front half of CHECK and LOAD.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/compat.h>
#include <linux/cred.h>
#include <linux/filter.h>
#include <linux/ktime.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "../jit/jit.h"
#include "../validator/validate.h"
#include "sealjit.h"

static int validate_args(const struct sealjit_filter_args *args)
{
	if (args->flags || args->reserved)
		return -EINVAL;
	if (args->log_level == SEALJIT_LOG_NONE)
		return args->log_buf || args->log_size ? -EINVAL : 0;
	if (args->log_level > SEALJIT_LOG_FACTS || !args->log_buf ||
	    args->log_size < SEALJIT_LOG_MIN || args->log_size > SEALJIT_LOG_MAX)
		return -EINVAL;
	return 0;
}

/* As seccomp_prepare_user_filter(): a 32-bit caller passes its own layout. */
static int copy_fprog(u64 uptr, struct sock_fprog *fprog)
{
	void __user *user = u64_to_user_ptr(uptr);

#ifdef CONFIG_COMPAT
	if (in_compat_syscall()) {
		struct compat_sock_fprog fprog32;

		if (copy_from_user(&fprog32, user, sizeof(fprog32)))
			return -EFAULT;
		fprog->len = fprog32.len;
		fprog->filter = compat_ptr(fprog32.filter);
		return 0;
	}
#endif
	if (copy_from_user(fprog, user, sizeof(*fprog)))
		return -EFAULT;
	return 0;
}

static int write_log(struct sealjit_filter_args *args,
		     const struct sj_prepared *prep)
{
	u32 need, size;
	char *text;
	int err = 0;

	need = sj_log_render(NULL, 0, args->log_level, &prep->diag,
			     &prep->facts, prep->image_len);
	args->log_true_size = need;
	if (args->log_level == SEALJIT_LOG_NONE)
		return 0;
	size = min(need, args->log_size);
	text = kmalloc(size, GFP_KERNEL);
	if (!text)
		return -ENOMEM;
	sj_log_render(text, size, args->log_level, &prep->diag, &prep->facts,
		      prep->image_len);
	if (copy_to_user(u64_to_user_ptr(args->log_buf), text, size))
		err = -EFAULT;
	kfree(text);
	return err;
}

static int check_insns(struct sj_prepared *prep)
{
	struct sj_check_work *work;
	int ret;

	work = kvmalloc(sizeof(*work), GFP_KERNEL);
	if (!work)
		return -ENOMEM;
	ret = sj_check(prep->insns, prep->len, work, &prep->facts, &prep->diag);
	kvfree(work);
	return ret ? -EINVAL : 0;
}

/* The image size, in the form LOAD will emit (see sj_jit_opts_for()). */
static int size_image(struct sj_prepared *prep)
{
	struct sj_jit_opts opts;
	struct sj_jit_work *work;
	int ret = 0;

	work = kvmalloc(sizeof(*work), GFP_KERNEL);
	if (!work)
		return -ENOMEM;
	sj_jit_opts_for(&opts, 0);
	if (sj_jit_compile(prep->insns, prep->len, &opts, NULL, 0,
			   &prep->image_len, work)) {
		/* The checker accepted it, so this is our bug: fail closed. */
		pr_warn("JIT could not translate a checked %u-instruction filter\n",
			prep->len);
		prep->diag.reason = SEALJIT_E_JIT;
		ret = -EINVAL;
	}
	kvfree(work);
	return ret;
}

static void fill_facts(struct sealjit_filter_args *args,
		       const struct sj_prepared *prep)
{
	bool ok = prep->diag.reason == SEALJIT_OK;

	args->insn_count = prep->len;
	args->longest_path = ok ? prep->facts.longest_path : 0;
	args->image_size = ok ? prep->image_len : 0;
	args->scratch_mask = ok ? prep->facts.scratch_mask : 0;
	args->uses = ok ? prep->facts.uses : 0;
	args->err_reason = prep->diag.reason;
	args->err_insn = prep->diag.insn;
}

/**
 * sj_filter_prepare() - copy in, check and compile a user's filter
 * @args: the request, already copied from userspace; its output members
 *	and the user's log buffer are filled in here
 * @prep: the result; release it with sj_filter_release() whatever the
 *	return value
 * @gate: apply seccomp's privilege rule (LOAD)
 *
 * Context: process context, may sleep.
 * Return: 0 if the filter was accepted and compiled; -EINVAL for a bad
 * request or a rejected filter (the reason is in @args->err_reason and the
 * log); -EACCES if @gate and the caller has neither no_new_privs nor
 * CAP_SYS_ADMIN in its user namespace; -EFAULT for a bad pointer; -ENOMEM.
 */
int sj_filter_prepare(struct sealjit_filter_args *args,
		      struct sj_prepared *prep, bool gate)
{
	struct sock_fprog fprog;
	int err, log_err;
	ktime_t start;

	memset(prep, 0, sizeof(*prep));
	err = validate_args(args);
	if (err)
		return err;
	err = copy_fprog(args->fprog, &fprog);
	if (err)
		return err;

	prep->len = fprog.len;
	/*
	 * As seccomp_prepare_filter(): a bad length is EINVAL before the
	 * privilege check, without it a task could escalate through setuid
	 * programs that run under its filter.
	 */
	if (gate && fprog.len > 0 && fprog.len <= SEALJIT_MAXINSNS &&
	    !task_no_new_privs(current) &&
	    !ns_capable_noaudit(current_user_ns(), CAP_SYS_ADMIN))
		return -EACCES;
	if (fprog.len > 0 && fprog.len <= SEALJIT_MAXINSNS) {
		prep->insns = memdup_user(fprog.filter,
					  fprog.len * sizeof(*prep->insns));
		if (IS_ERR(prep->insns)) {
			err = PTR_ERR(prep->insns);
			prep->insns = NULL;
			return err;
		}
	}
	start = ktime_get();
	err = check_insns(prep);
	sj_phase_done(SJ_PH_CHECK, start);
	if (!err) {
		start = ktime_get();
		err = size_image(prep);
		sj_phase_done(SJ_PH_SIZE, start);
	}
	if (err && err != -EINVAL)
		return err;

	fill_facts(args, prep);
	log_err = write_log(args, prep);
	return err ? err : log_err;
}

void sj_filter_release(struct sj_prepared *prep)
{
	kfree(prep->insns);
	prep->insns = NULL;
}

static void filter_free(struct sj_filter *f)
{
	sj_image_destroy(f->image);
	kfree(f->table);
	kfree(f);
	atomic_dec(&sj_stats.filters);
	sj_hook_put();
}

/*
 * A grace period has passed since @f became unreachable, and a reader could
 * only reach an older filter through @f: older filters that @f held the
 * last reference to can go at once, without a grace period each.
 */
static void filter_free_work(struct work_struct *work)
{
	struct sj_filter *f = container_of(to_rcu_work(work), struct sj_filter,
					   free_work);

	do {
		struct sj_filter *prev = f->prev;

		filter_free(f);
		f = prev;
	} while (f && refcount_dec_and_test(&f->ref));
}

/**
 * sj_filter_put() - drop a reference to a filter
 * @f: the filter, or NULL
 *
 * The last reference frees the filter, its image and then its reference to
 * the filter before it, after an RCU grace period, so that no task can
 * still be running the image.
 * Context: any, including tracepoint probes (the free is deferred).
 */
void sj_filter_put(struct sj_filter *f)
{
	if (f && refcount_dec_and_test(&f->ref)) {
		INIT_RCU_WORK(&f->free_work, filter_free_work);
		queue_rcu_work(sj_wq, &f->free_work);
	}
}

/*
 * The independent validator (validator/) on the emitted image, before it
 * can become executable: a JIT bug that makes unsafe code, or code that
 * is not the checked program, fails the load instead of being sealed.
 */
static int validate_image(const struct sj_prepared *prep, const u8 *code,
			  u32 len, const struct sj_jit_opts *opts)
{
	const struct sj_validate_opts vopts = {
		/* the module always blinds (sj_jit_opts_for()) */
		.blind = true,
		.base = opts->base,
		.ret_thunk = opts->ret_thunk,
		.endbr = opts->endbr,
	};
	struct sj_validate_result res;
	struct sj_validate_work *work;
	ktime_t start;
	int ret;

	work = kvmalloc(sizeof(*work), GFP_KERNEL);
	if (!work)
		return -ENOMEM;
	start = ktime_get();
	ret = sj_validate(prep->insns, prep->len, code, len, &vopts, work, &res);
	atomic64_set(&sj_stats.validate_ns_last,
		     ktime_to_ns(ktime_sub(ktime_get(), start)));
	kvfree(work);
	if (!ret)
		return 0;
	atomic_inc(&sj_stats.validator_rejects);
	pr_err("validator refused the image of a %u-instruction filter: %s at native offset %u, insn %d\n",
	       prep->len, sj_validate_reason(res.reason), res.offset,
	       (int)res.insn);
	return -EINVAL;
}

/*
 * Native code for a checked filter: emitted into a scratch buffer for the
 * address the image will run at, with a fresh blinding key, validated,
 * then sealed.  The scratch buffer never becomes executable.
 */
static struct sj_image *build_image(struct sj_prepared *prep)
{
	struct sj_jit_opts opts;
	struct sj_jit_work *work;
	struct sj_image *img;
	ktime_t start = ktime_get();
	u32 len;
	u8 *code;
	int err = -ENOMEM;

	img = sj_image_alloc(prep->image_len);
	sj_phase_done(SJ_PH_ALLOC, start);
	if (IS_ERR(img))
		return img;
	work = kvmalloc(sizeof(*work), GFP_KERNEL);
	code = kvmalloc(prep->image_len, GFP_KERNEL);
	if (!work || !code)
		goto fail;
	start = ktime_get();
	sj_jit_opts_for(&opts, (unsigned long)img->entry);
	err = -EINVAL;
	if (sj_jit_compile(prep->insns, prep->len, &opts, code, prep->image_len,
			   &len, work) || len != prep->image_len) {
		pr_warn("JIT output changed between sizing and emitting\n");
		goto fail;
	}
	sj_phase_done(SJ_PH_EMIT, start);
	start = ktime_get();
	err = validate_image(prep, code, len, &opts);
	sj_phase_done(SJ_PH_VALIDATE, start);
	if (err)
		goto fail;
	img->ret_thunk = opts.ret_thunk;
	start = ktime_get();
	err = sj_image_seal(img, code);
	sj_phase_done(SJ_PH_SEAL, start);
	if (err)
		goto fail;
	kvfree(code);
	kvfree(work);
	return img;

fail:
	kvfree(code);
	kvfree(work);
	sj_image_destroy(img);
	return ERR_PTR(err);
}

/*
 * The chain's decisions: this filter's, combined with those of the chain
 * it joins (decide.h), so that a syscall whose result is a constant for
 * the whole chain never runs a filter.
 */
static struct sj_table *build_table(const struct sj_prepared *prep,
				    const struct sj_filter *prev)
{
	struct sj_decide_work *work;
	struct sj_table *own, *chain;

	work = kvmalloc(sizeof(*work), GFP_KERNEL);
	own = kmalloc(sizeof(*own), GFP_KERNEL);
	chain = kmalloc(sizeof(*chain), GFP_KERNEL);
	if (!work || !own || !chain) {
		kfree(chain);
		chain = ERR_PTR(-ENOMEM);
		goto out;
	}
	sj_decide_table(prep->insns, prep->len, own, work);
	sj_table_combine(chain, own, prev ? prev->table : NULL);
out:
	kfree(own);
	kvfree(work);
	return chain;
}

static struct sj_filter *filter_create(struct sj_prepared *prep,
				       struct sj_filter *prev)
{
	struct sj_filter *f;
	ktime_t start;
	int err;

	f = kzalloc(sizeof(*f), GFP_KERNEL);
	if (!f)
		return ERR_PTR(-ENOMEM);
	start = ktime_get();
	f->table = build_table(prep, prev);
	sj_phase_done(SJ_PH_TABLE, start);
	if (IS_ERR(f->table)) {
		err = PTR_ERR(f->table);
		goto fail_table;
	}
	err = sj_hook_get();
	if (err)
		goto fail_hook;
	f->image = build_image(prep);
	if (IS_ERR(f->image)) {
		err = PTR_ERR(f->image);
		goto fail_image;
	}
	refcount_set(&f->ref, 1);
	f->prev = prev;
	f->len = prep->len;
	f->path_insns = f->len + SJ_FILTER_PENALTY +
			(prev ? prev->path_insns : 0);
	atomic_inc(&sj_stats.filters);
	return f;

fail_image:
	sj_hook_put();
fail_hook:
	kfree(f->table);
fail_table:
	kfree(f);
	return ERR_PTR(err);
}

/**
 * sj_filter_load() - check, compile, seal and attach a filter to current
 * @args: the LOAD request, copied from userspace; its output members and
 *	the log are filled in as for CHECK
 *
 * Context: process context, may sleep.
 * Return: 0 when attached; the errors of sj_filter_prepare(); -ENOMEM if the
 * chain would exceed seccomp's limit of 32768 instructions (with 4 per
 * filter) or memory runs out; -EIO if the image could not be sealed.
 */
int sj_filter_load(struct sealjit_filter_args *args)
{
	struct sj_filter *prev, *f;
	struct sj_prepared prep;
	int err;

	err = sj_filter_prepare(args, &prep, true);
	if (err)
		goto out;
	/* Only the task itself changes its chain, so prev stays put. */
	prev = sj_task_current_filter();
	if (prep.len + (prev ? prev->path_insns : 0) > SJ_MAX_INSNS_PER_PATH) {
		err = -ENOMEM;
		goto out;
	}
	f = filter_create(&prep, prev);
	if (IS_ERR(f)) {
		err = PTR_ERR(f);
		goto out;
	}
	err = sj_task_attach(f);
	if (err) {
		f->prev = NULL;		/* the task keeps its reference */
		sj_filter_put(f);
	}
out:
	sj_filter_release(&prep);
	return err;
}
