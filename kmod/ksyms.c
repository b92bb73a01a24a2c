// SPDX-License-Identifier: GPL-2.0
/*
 * The one place that resolves unexported kernel symbols.
 *
 * Since v5.7 (commit 0bd476e6c671, "kallsyms: unexport
 * kallsyms_lookup_name() and kallsyms_on_each_symbol()") modules cannot
 * call kallsyms_lookup_name() directly; a kprobe on it still reports its
 * address.  Every symbol is required: if one is missing the module logs
 * its name and refuses to load, rather than run with a hole in W^X.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kprobes.h>
#include <linux/module.h>

#include "compat.h"
#include "ksyms.h"

static struct sj_ksyms ksyms __ro_after_init;

/* Test hook: name a symbol that must also resolve (see ksyms tests). */
static char *require_ksym;
module_param(require_ksym, charp, 0);
MODULE_PARM_DESC(require_ksym,
		 "testing: an extra symbol that must resolve for the load to succeed");

typedef unsigned long (*lookup_fn)(const char *name);

static lookup_fn find_kallsyms_lookup_name(void)
{
	struct kprobe kp = { .symbol_name = "kallsyms_lookup_name" };
	lookup_fn fn;

	if (register_kprobe(&kp) < 0)
		return NULL;
	fn = (lookup_fn)kp.addr;
	unregister_kprobe(&kp);
	return fn;
}

static int resolve(lookup_fn lookup, const char *name, void *slot)
{
	unsigned long addr = lookup(name);

	if (!addr) {
		pr_err("kernel symbol %s not found: refusing to load\n", name);
		return -ENOENT;
	}
	memcpy(slot, &addr, sizeof(addr));
	return 0;
}

/*
 * The thunk in force is the value of the pointer x86_return_thunk, set
 * once at boot (__ro_after_init) from the CPU's vulnerabilities; the
 * exported __x86_return_thunk is only its default, a bare ret.  Read once:
 * it cannot change after boot.
 */
static int resolve_return_thunk(lookup_fn lookup)
{
	unsigned long *ptr;

	if (!sj_kernel_has_return_thunk_ptr())
		return 0;
	if (resolve(lookup, "x86_return_thunk", &ptr))
		return -ENOENT;
	ksyms.return_thunk = READ_ONCE(*ptr);
	if (!ksyms.return_thunk) {
		pr_err("x86_return_thunk is not set: refusing to load\n");
		return -ENOENT;
	}
	return 0;
}

/**
 * sj_ksyms_init() - resolve every symbol in struct sj_ksyms
 *
 * Context: module init, process context.
 * Return: 0, or -ENOENT after logging the first missing symbol.
 */
int __init sj_ksyms_init(void)
{
	lookup_fn lookup = find_kallsyms_lookup_name();

	if (!lookup) {
		pr_err("kernel symbol kallsyms_lookup_name not found: refusing to load\n");
		return -ENOENT;
	}
	if (resolve(lookup, "module_alloc", &ksyms.module_alloc) ||
	    resolve(lookup, "set_memory_ro", &ksyms.set_memory_ro) ||
	    resolve(lookup, "set_memory_rw", &ksyms.set_memory_rw) ||
	    resolve(lookup, "set_memory_x", &ksyms.set_memory_x) ||
	    resolve(lookup, "set_memory_nx", &ksyms.set_memory_nx) ||
	    resolve(lookup, "text_poke_copy", &ksyms.text_poke_copy) ||
	    resolve(lookup, "text_poke_set", &ksyms.text_poke_set) ||
	    resolve(lookup, "force_sig_seccomp", &ksyms.force_sig_seccomp) ||
	    resolve(lookup, "do_exit", &ksyms.do_exit) ||
	    resolve(lookup, "ptrace_may_access", &ksyms.ptrace_may_access))
		return -ENOENT;
	if (resolve_return_thunk(lookup))
		return -ENOENT;
	if (require_ksym && !lookup(require_ksym)) {
		pr_err("kernel symbol %s not found: refusing to load\n",
		       require_ksym);
		return -ENOENT;
	}
	return 0;
}

/* sj_ksyms() - the resolved symbols; valid once sj_ksyms_init() succeeded. */
const struct sj_ksyms *sj_ksyms(void)
{
	return &ksyms;
}
