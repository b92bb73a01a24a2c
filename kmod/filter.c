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
#include "../verifier/residual.h"
#include "sealjit.h"

static int validate_args(const struct sealjit_filter_args *args, bool load)
{
	u32 flags = load ? SEALJIT_LOAD_TSYNC | SEALJIT_LOAD_PID |
			   SEALJIT_LOAD_CGROUP : 0;
	bool pid = args->flags & SEALJIT_LOAD_PID;
	bool cgroup = args->flags & SEALJIT_LOAD_CGROUP;

	if ((args->flags & ~flags) || args->reserved)
		return -EINVAL;
	/* A pid with PID alone: all the threads of a process, always. */
	if (pid != !!args->pid || args->pid < 0 ||
	    (pid && (args->flags & SEALJIT_LOAD_TSYNC)))
		return -EINVAL;
	/* A cgroup with CGROUP alone: neither the caller nor a process. */
	if ((!cgroup && args->cgroup_fd) ||
	    (cgroup && (args->flags & ~SEALJIT_LOAD_CGROUP)))
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
	text = kmalloc(size, GFP_KERNEL_ACCOUNT);
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

	work = kvmalloc(sizeof(*work), GFP_KERNEL_ACCOUNT);
	if (!work)
		return -ENOMEM;
	ret = sj_check(prep->insns, prep->len, work, &prep->facts, &prep->diag);
	kvfree(work);
	return ret ? -EINVAL : 0;
}

/*
 * The JIT or the validator failed on a checked program: a bug of ours, so
 * the LOAD fails closed with EIO, not EINVAL, and @diag (the filter's,
 * whichever of its programs failed) says where and what.  @pc: the
 * instruction of @prep; @what: the failure, printed after @fmt.
 */
static __printf(5, 6) int internal_failure(struct sj_diag *diag, u32 reason,
					   const struct sj_prepared *prep,
					   u32 pc, const char *fmt, ...)
{
	va_list ap;

	memset(diag, 0, sizeof(*diag));
	diag->reason = reason;
	diag->insn = pc;
	diag->code = pc < prep->len ? prep->insns[pc].code : 0;
	diag->len = prep->len;
	va_start(ap, fmt);
	vscnprintf(diag->cause, sizeof(diag->cause), fmt, ap);
	va_end(ap);
	pr_err("%s on a checked %u-instruction program, insn %u: %s\n",
	       reason == SEALJIT_E_JIT ? "JIT failure" : "validator refusal",
	       prep->len, pc, diag->cause);
	return -EIO;
}

/*
 * The image size, in the form LOAD will emit (see sj_jit_opts_for()); the
 * offsets are kept in prep->sized for emitting.
 */
static int size_image(struct sj_prepared *prep)
{
	struct sj_jit_opts opts;

	prep->sized = kvmalloc(sizeof(*prep->sized), GFP_KERNEL_ACCOUNT);
	if (!prep->sized)
		return -ENOMEM;
	sj_jit_opts_for(&opts, 0, 0);
	/* Fault injection: a length the JIT refuses, as a bug would look. */
	if (sj_jit_compile(prep->insns,
			   sj_inject(SJ_FAULT_JIT) ? 0 : prep->len, &opts,
			   NULL, 0, &prep->image_len, prep->sized))
		return internal_failure(&prep->diag, SEALJIT_E_JIT, prep,
					prep->sized->err_pc, "%s",
					sj_jit_err_text(prep->sized->err));
	return 0;
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
 * @gate: a LOAD: apply seccomp's privilege rule, allow its flags
 *
 * Context: process context, may sleep.
 * Return: 0 if the filter was accepted and compiled; -EINVAL for a bad
 * request or a rejected filter (the reason is in @args->err_reason and the
 * log); -EIO if the JIT failed on it (our bug: %SEALJIT_E_JIT); -EACCES
 * if @gate, the filter is for the caller itself (not LOAD_PID nor
 * LOAD_CGROUP, which check their own rights) and the caller has neither
 * no_new_privs nor CAP_SYS_ADMIN in its user namespace; -EFAULT for a bad pointer; -ENOMEM.
 */
int sj_filter_prepare(struct sealjit_filter_args *args,
		      struct sj_prepared *prep, bool gate)
{
	struct sock_fprog fprog;
	int err, log_err;
	ktime_t start;

	memset(prep, 0, sizeof(*prep));
	err = validate_args(args, gate);
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
	    !(args->flags & (SEALJIT_LOAD_PID | SEALJIT_LOAD_CGROUP)) &&
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
	if (err && err != -EINVAL && err != -EIO)
		return err;

	fill_facts(args, prep);
	log_err = write_log(args, prep);
	return err ? err : log_err;
}

void sj_filter_release(struct sj_prepared *prep)
{
	kfree(prep->insns);
	prep->insns = NULL;
	kvfree(prep->sized);
	prep->sized = NULL;
}

static void filter_free(struct sj_filter *f)
{
	free_percpu(f->cnt);
	kfree(f->marked);
	sj_image_destroy(f->image);
	kfree(f->spec);
	kfree(f->table);
	kfree(f->own);
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
 * @pool: the program's slots of the pool as they will be sealed; @work:
 * the validator's scratch memory.
 * Return: 0, or -1 with @res saying why.
 */
static int validate_image(const struct sj_prepared *prep, const u8 *code,
			  u32 len, const struct sj_jit_opts *opts,
			  const u32 *pool, struct sj_validate_work *work,
			  struct sj_validate_result *res)
{
	const struct sj_validate_opts vopts = {
		.pool = opts->pool,
		.pool_addr = opts->pool_addr,
		.pool_k = pool,
		.base = opts->base,
		.ret_thunk = opts->ret_thunk,
		.endbr = opts->endbr,
	};
	ktime_t start;
	int ret;

	start = ktime_get();
	ret = sj_validate(prep->insns, prep->len, code, len, &vopts, work, res);
	atomic64_set(&sj_stats.validate_ns_last,
		     ktime_to_ns(ktime_sub(ktime_get(), start)));
	if (ret)
		atomic_inc(&sj_stats.validator_rejects);
	return ret;
}

/* Where build_image_of() puts one program: its code and its pool slots. */
struct sj_place {
	u32 code;	/* offset from the image's entry */
	u32 pool;	/* first slot */
};

/*
 * Program @k of @preps (0: the filter, else a residual program) for image
 * @img at @at, into @buf (@cap bytes, int3 after the code), then validated
 * against it with its pool slots @pool (@work: scratch).  The buffer never
 * becomes executable.  @ns: emitting and validating time.  A failure is
 * the module's bug, reported in @diag, the filter's: a residual program's
 * instruction is named in the text, as the filter has no such index.
 */
static int emit_validated(struct sj_prepared *preps, u32 k,
			  struct sj_image *img, const struct sj_place *at,
			  u8 *buf, u32 cap, const u32 *pool,
			  struct sj_validate_work *work, s64 *ns,
			  struct sj_diag *diag)
{
	struct sj_prepared *prep = &preps[k];
	struct sj_validate_result res;
	struct sj_jit_opts opts;
	ktime_t start = ktime_get();
	u32 len, pc;
	int err;

	sj_jit_opts_for(&opts, (unsigned long)img->entry + at->code,
			(unsigned long)(img->pool + at->pool));
	err = sj_jit_emit(prep->insns, prep->len, &opts, buf, cap, &len,
			  prep->sized);
	if (!err && len != prep->image_len)
		prep->sized->err = SJ_JIT_E_LAYOUT;
	if (err || len != prep->image_len) {
		pc = k ? preps[0].len : prep->sized->err_pc;
		return internal_failure(diag, SEALJIT_E_JIT, &preps[0], pc,
					"%s while emitting (program %u, insn %u)",
					sj_jit_err_text(prep->sized->err), k,
					prep->sized->err_pc);
	}
	ns[0] += ktime_to_ns(ktime_sub(ktime_get(), start));
	/* Fault injection: the last instruction's code becomes int3. */
	if (sj_inject(SJ_FAULT_VALIDATE))
		buf[prep->sized->addrs[prep->len - 1]] = 0xcc;
	start = ktime_get();
	err = validate_image(prep, buf, len, &opts, pool, work, &res);
	ns[1] += ktime_to_ns(ktime_sub(ktime_get(), start));
	img->ret_thunk = opts.ret_thunk;
	if (!err)
		return 0;
	pc = res.insn == SJ_VAL_NO_INSN ? prep->len : res.insn;
	return internal_failure(diag, SEALJIT_E_VALIDATE, &preps[0],
				k ? preps[0].len : pc,
				"%s at native offset %u (program %u, insn %u)",
				sj_validate_reason(res.reason), res.offset, k,
				pc);
}

/*
 * One image holding the code of @n checked and sized programs, packed one
 * after the other at 16-byte boundaries with their constants one after
 * the other in its pool, each emitted for its own address and validated
 * on its own, then sealed once: preps[0] is the filter, the others its
 * residual programs.  A failure of the JIT or the validator is described
 * in @diag.
 */
static struct sj_image *build_image_of(struct sj_prepared *preps, u32 n,
				       struct sj_diag *diag)
{
	u32 offsets[1 + SJ_MAX_SPEC], total = 0, slots = 0, k;
	struct sj_place at[1 + SJ_MAX_SPEC];
	struct sj_validate_work *work = NULL;
	struct sj_image *img;
	s64 ns[2] = { 0, 0 };
	u32 *pool = NULL;
	ktime_t start;
	u8 *code;
	int err = -ENOMEM;

	for (k = 0; k < n; k++) {
		at[k].code = total;
		at[k].pool = slots;
		offsets[k] = total;
		total += ALIGN(preps[k].image_len, 16);
		slots += preps[k].len;
	}
	start = ktime_get();
	img = sj_image_alloc(total, slots);
	sj_phase_done(SJ_PH_ALLOC, start);
	if (IS_ERR(img))
		return img;
	code = kvmalloc(total, GFP_KERNEL_ACCOUNT);
	pool = kvmalloc_array(slots, sizeof(*pool), GFP_KERNEL_ACCOUNT);
	work = kvmalloc(sizeof(*work), GFP_KERNEL_ACCOUNT);
	if (!code || !pool || !work)
		goto fail;
	err = sj_image_set_entries(img, offsets, n);
	for (k = 0; k < n && !err; k++) {
		sj_jit_fill_pool(preps[k].insns, preps[k].len,
				 pool + at[k].pool);
		err = emit_validated(preps, k, img, &at[k], code + at[k].code,
				     (k + 1 < n ? at[k + 1].code : total) -
				     at[k].code, pool + at[k].pool, work, ns,
				     diag);
	}
	atomic64_set(&sj_stats.phase_ns_last[SJ_PH_EMIT], ns[0]);
	atomic64_set(&sj_stats.phase_ns_last[SJ_PH_VALIDATE], ns[1]);
	if (err)
		goto fail;
	start = ktime_get();
	err = sj_image_seal(img, code, pool);
	sj_phase_done(SJ_PH_SEAL, start);
	if (err)
		goto fail;
	kvfree(work);
	kvfree(pool);
	kvfree(code);
	return img;

fail:
	kvfree(work);
	kvfree(pool);
	kvfree(code);
	sj_image_destroy(img);
	return ERR_PTR(err);
}

/*
 * The filter's decisions and the chain's: this filter's combined with
 * those of the chain it joins (decide.h), so that a syscall whose result
 * is a constant for the whole chain never runs a filter.
 */
static int build_tables(struct sj_filter *f, const struct sj_prepared *prep,
			const struct sj_filter *prev)
{
	struct sj_decide_work *work;
	u32 refused;

	work = kvmalloc(sj_decide_work_size(prep->len), GFP_KERNEL_ACCOUNT);
	f->own = kmalloc(sizeof(*f->own), GFP_KERNEL_ACCOUNT);
	f->table = kmalloc(sizeof(*f->table), GFP_KERNEL_ACCOUNT);
	if (!work || !f->own || !f->table) {
		kvfree(work);
		return -ENOMEM;
	}
	/*
	 * A refused certificate is the analysis's bug, not the filter's: that
	 * row runs the filter at every call, which is always correct.
	 */
	refused = sj_decide_table(prep->insns, prep->len, f->own, work,
				  sj_inject(SJ_FAULT_CERTIFICATE));
	if (refused) {
		atomic_add(refused, &sj_stats.certificate_rejects);
		pr_warn_once("a decision certificate was refused; those syscalls run their filter\n");
	}
	sj_table_combine(f->table, f->own, prev ? prev->table : NULL);
	kvfree(work);
	return 0;
}

/* The index of a program of @preps (@n of them) equal to @res, or NONE. */
static u32 same_program(const struct sj_prepared *preps, u32 n,
			const struct sock_filter *res, u32 len)
{
	u32 k;

	for (k = 0; k < n; k++)
		if (preps[k].len == len &&
		    !memcmp(preps[k].insns, res, len * sizeof(*res)))
			return k;
	return SJ_SPEC_NONE;
}

/*
 * Residual @res (@len instructions) as a new program of @preps (*@n of
 * them, the filter itself first, fewer than 1 + SJ_MAX_SPEC): its index,
 * or SJ_SPEC_NONE if the checker refuses it (seccomp's scratch check is a
 * linear pass, and dropping unreachable code can change it) or memory is
 * short.
 */
static u32 add_program(struct sj_prepared *preps, u32 *n,
		       const struct sock_filter *res, u32 len)
{
	struct sj_prepared *rp = &preps[*n];

	memset(rp, 0, sizeof(*rp));
	rp->insns = kmemdup(res, len * sizeof(*res), GFP_KERNEL_ACCOUNT);
	rp->len = len;
	if (!rp->insns || check_insns(rp) || size_image(rp)) {
		sj_filter_release(rp);
		return SJ_SPEC_NONE;
	}
	return (*n)++;
}

/*
 * sj_residual()'s scratch memory (360 KiB, so vmalloc()ed), allocated by
 * the first LOAD that needs it and reused under a mutex until the module
 * goes: a vmalloc() and vfree() per LOAD cost more than computing every
 * residual program of Docker's profile.
 */
static struct sj_residual_work *sj_rwork;
static DEFINE_MUTEX(sj_rwork_lock);

/* Module exit: no LOAD can be running. */
void sj_filter_exit(void)
{
	kvfree(sj_rwork);
	sj_rwork = NULL;
}

/*
 * The residual programs of the syscalls whose result depends on their
 * arguments: once nr and arch are known, a filter in libseccomp's linear
 * layout leaves a few argument tests of its hundreds of instructions
 * (verifier/residual.c), each confirmed equal to the filter for its
 * syscall (verifier/residual_check.c).  Each is checked and sized like any
 * filter, into preps[1..], and goes in the filter's own image as one more
 * function, validated against its residual program.  Best effort: an
 * entry without one (a residual the checker or the confirmation refuses,
 * no memory, or any entry after the table's first SJ_MAX_SPEC distinct
 * residual programs: a filter that tests the arguments differently for
 * every syscall would otherwise cost a residual and its confirmation per
 * table entry, 1,500 of them, for nothing) runs the whole filter.
 * Return: how many residual programs (0 if none, f->spec then unset).
 */
static u32 build_spec(struct sj_filter *f, const struct sj_prepared *prep,
		      struct sj_prepared *preps)
{
	u32 row, i, arch, nr, len, k, n = 1;
	struct sock_filter *res;
	struct sj_spec *spec;

	if (f->own->constant == SJ_NROWS * SJ_TABLE_NR)
		return 0;
	mutex_lock(&sj_rwork_lock);
	if (!sj_rwork)
		/* The module's own, not the caller's: not accounted. */
		sj_rwork = kvmalloc(sizeof(*sj_rwork), GFP_KERNEL);
	spec = kzalloc(sizeof(*spec), GFP_KERNEL_ACCOUNT);
	res = kmalloc_array(prep->len, sizeof(*res), GFP_KERNEL_ACCOUNT);
	if (!spec || !sj_rwork || !res)
		goto out;
	memset(spec->index, SJ_SPEC_NONE, sizeof(spec->index));
	for (row = 0; row < SJ_NROWS && n < 1 + SJ_MAX_SPEC; row++) {
		for (i = 0; i < SJ_TABLE_NR && n < 1 + SJ_MAX_SPEC; i++) {
			if (f->own->entry[row][i] < f->own->nactions)
				continue;
			sj_table_syscall(row, i, &arch, &nr);
			len = sj_residual(prep->insns, prep->len, arch, nr, res,
					  sj_rwork);
			if (!len)
				continue;
			k = same_program(preps, n, res, len);
			if (!sj_residual_check(prep->insns, prep->len, arch, nr,
					       res, len, sj_rwork)) {
				/* Our bug: that syscall runs the whole filter. */
				atomic_inc(&sj_stats.residual_rejects);
				pr_warn_ratelimited("a residual program for syscall %u (arch 0x%x) is not the filter: not used\n",
						    nr, arch);
				continue;
			}
			if (k == SJ_SPEC_NONE)
				k = add_program(preps, &n, res, len);
			spec->index[row][i] = (u8)k;
		}
	}
	if (n > 1) {
		f->spec = spec;
		spec = NULL;
	}
out:
	mutex_unlock(&sj_rwork_lock);
	kfree(spec);
	kfree(res);
	return n - 1;
}

/*
 * The program with each ret turned into "ret #its index": its path is the
 * program's, so run it says which ret the program reaches.
 */
static struct sock_filter *mark_rets(const struct sj_prepared *prep)
{
	struct sock_filter *m;
	u32 pc;

	m = kmemdup(prep->insns, prep->len * sizeof(*m), GFP_KERNEL_ACCOUNT);
	for (pc = 0; m && pc < prep->len; pc++)
		if (BPF_CLASS(m[pc].code) == BPF_RET)
			m[pc] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, pc);
	return m;
}

static atomic64_t sj_filter_ids = ATOMIC64_INIT(0);

/**
 * sj_filter_create() - a new filter from a prepared program, on @prev
 * @prep: the program, checked and sized; it stays the caller's
 * @prev: the chain it goes on, or NULL; @prev's reference for the new
 *	filter is the caller's to provide
 *
 * Context: process context, may sleep; memory is charged to the caller.
 * Return: the filter with one reference, or an ERR_PTR().
 */
struct sj_filter *sj_filter_create(struct sj_prepared *prep,
				   struct sj_filter *prev)
{
	struct sj_prepared *preps;
	struct sj_filter *f;
	ktime_t start;
	u32 n, k;
	int err;

	f = kzalloc(sizeof(*f), GFP_KERNEL_ACCOUNT);
	preps = kcalloc(1 + SJ_MAX_SPEC, sizeof(*preps), GFP_KERNEL_ACCOUNT);
	if (f) {
		f->marked = mark_rets(prep);
		f->cnt = alloc_percpu_gfp(struct sj_counters,
					  GFP_KERNEL_ACCOUNT);
	}
	if (!f || !preps || !f->marked || !f->cnt) {
		err = -ENOMEM;
		goto fail_table;
	}
	start = ktime_get();
	err = build_tables(f, prep, prev);
	sj_phase_done(SJ_PH_TABLE, start);
	if (err)
		goto fail_table;
	err = sj_hook_get();
	if (err)
		goto fail_table;
	start = ktime_get();
	preps[0] = *prep;
	n = build_spec(f, prep, preps);
	sj_phase_done(SJ_PH_SPEC, start);
	f->image = build_image_of(preps, 1 + n, &prep->diag);
	for (k = 1; k <= n; k++)
		sj_filter_release(&preps[k]);
	if (IS_ERR(f->image)) {
		err = PTR_ERR(f->image);
		goto fail_image;
	}
	kfree(preps);
	refcount_set(&f->ref, 1);
	f->prev = prev;
	f->len = prep->len;
	f->id = atomic64_inc_return(&sj_filter_ids);
	f->path_insns = f->len + SJ_FILTER_PENALTY +
			(prev ? prev->path_insns : 0);
	atomic_inc(&sj_stats.filters);
	return f;

fail_image:
	sj_hook_put();
fail_table:
	kfree(preps);
	if (f) {
		kfree(f->spec);
		kfree(f->table);
		kfree(f->own);
		kfree(f->marked);
		free_percpu(f->cnt);
	}
	kfree(f);
	return ERR_PTR(err);
}

/*
 * LOAD with SEALJIT_LOAD_PID: one new filter per distinct chain among the
 * process's threads, built outside any lock, then attached under its
 * siglock if the chains are still those; else built again.
 */
static int load_into_process(struct sealjit_filter_args *args,
			     struct sj_prepared *prep)
{
	struct sj_chains ch = { 0 };
	struct task_struct *p;
	int err, tries = 0;
	unsigned int i;

	err = sj_task_get_process(args->pid, &p);
	if (err)
		return err;
	/* No execve in the process meanwhile, as for seccomp's TSYNC. */
	if (mutex_lock_killable(&p->signal->cred_guard_mutex)) {
		put_task_struct(p);
		return -EINTR;
	}
	do {
		err = sj_task_chains(p, &ch);
		for (i = 0; !err && i < ch.n; i++) {
			if (prep->len + (ch.prev[i] ? ch.prev[i]->path_insns : 0) >
			    SJ_MAX_INSNS_PER_PATH) {
				err = -ENOMEM;
				break;
			}
			ch.f[i] = sj_filter_create(prep, ch.prev[i]);
			if (IS_ERR(ch.f[i])) {
				err = PTR_ERR(ch.f[i]);
				ch.f[i] = NULL;
			}
		}
		if (!err)
			err = sj_task_attach_process(p, &ch);
		/* Each new filter holds its prev now; theirs go with them. */
		for (i = 0; i < ch.n; i++) {
			if (ch.f[i])
				sj_filter_put(ch.f[i]);
			else
				sj_filter_put(ch.prev[i]);
			ch.f[i] = NULL;
		}
	} while (err == -EAGAIN && ++tries < SJ_LOAD_TRIES);
	mutex_unlock(&p->signal->cred_guard_mutex);
	put_task_struct(p);
	return err;
}

/**
 * sj_filter_load() - check, compile, seal and attach a filter to current
 * @args: the LOAD request, copied from userspace; its output members and
 *	the log are filled in as for CHECK
 *
 * Context: process context, may sleep.
 * Return: 0 when attached; the errors of sj_filter_prepare(); -ENOMEM if the
 * chain would exceed seccomp's limit of 32768 instructions (with 4 per
 * filter) or memory runs out (what a filter holds is charged to the
 * caller's memory cgroup); -ENOSPC if its image would take the images past
 * the module's image_limit; -EIO if the image could not be sealed, or
 * the JIT or the validator failed (%SEALJIT_E_JIT, %SEALJIT_E_VALIDATE in
 * @args->err_reason and the log).  With %SEALJIT_LOAD_TSYNC: the id of
 * the first thread whose chain is neither the caller's nor one before it
 * (nothing attached), as seccomp(2) returns it; -EINTR if a fatal signal
 * came while waiting for an execve in the process; -EAGAIN if other
 * threads' TSYNCs kept replacing the caller's chain while this one was
 * built, %SJ_LOAD_TRIES times.  With %SEALJIT_LOAD_PID, as
 * sj_task_get_process(), sj_task_chains() and sj_task_attach_process()
 * fail, and -EINTR if a fatal signal came while waiting for an execve in
 * that process.  With %SEALJIT_LOAD_CGROUP, as sj_cgroup_register().
 */
int sj_filter_load(struct sealjit_filter_args *args)
{
	bool tsync = args->flags & SEALJIT_LOAD_TSYNC;
	struct sj_filter *prev, *f;
	struct sj_prepared prep;
	int err, tries = 0;

	err = sj_filter_prepare(args, &prep, true);
	if (err)
		goto out;
	if (args->flags & SEALJIT_LOAD_PID) {
		err = load_into_process(args, &prep);
		goto out;
	}
	if (args->flags & SEALJIT_LOAD_CGROUP) {
		/* A registration takes @prep over, on success or not. */
		return sj_cgroup_register(args->cgroup_fd, &prep);
	}
again:
	/*
	 * The chain it is built on: sj_task_attach() checks that it is still
	 * the caller's, since another thread's TSYNC may replace it.
	 */
	prev = sj_task_current_filter();
	if (prep.len + (prev ? prev->path_insns : 0) > SJ_MAX_INSNS_PER_PATH) {
		err = -ENOMEM;
		goto out;
	}
	f = sj_filter_create(&prep, prev);
	if (IS_ERR(f)) {
		err = PTR_ERR(f);
		/* The JIT or the validator failed: the caller learns why. */
		if (prep.diag.reason != SEALJIT_OK) {
			fill_facts(args, &prep);
			write_log(args, &prep);
		}
		goto out;
	}
	err = sj_task_attach(f, prev, tsync);
	if (err) {
		f->prev = NULL;		/* the task keeps its reference */
		sj_filter_put(f);
	}
	/* A sibling's TSYNC came between: build on the new chain. */
	if (err == -EAGAIN && ++tries < SJ_LOAD_TRIES)
		goto again;
out:
	sj_filter_release(&prep);
	return err;
}
