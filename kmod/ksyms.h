/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel functions sealjit needs that Linux does not export to modules.
 * They are resolved once, at load, by kmod/ksyms.c: nothing else in the
 * module looks symbols up.
 */
#ifndef SJ_KSYMS_H
#define SJ_KSYMS_H

struct task_struct;

/**
 * struct sj_ksyms - resolved addresses
 * @module_alloc: allocates memory in the module area (near kernel text)
 * @set_memory_ro: makes pages read-only
 * @set_memory_rw: makes pages writable
 * @set_memory_x: makes pages executable
 * @set_memory_nx: makes pages non-executable
 * @text_poke_copy: writes into read-only executable pages through a
 *	temporary writable, non-executable alias (the kernel's BPF JIT packs)
 * @text_poke_set: fills such pages the same way
 * @force_sig_seccomp: delivers seccomp's SIGSYS (siginfo, forced delivery)
 * @do_exit: ends the calling thread only (seccomp's KILL_THREAD)
 * @ptrace_may_access: may the caller read another task's state as
 *	ptrace(2) would (SEALJIT_IOC_STATS of another thread)
 * @return_thunk: the return thunk the kernel chose at boot (the value of
 *	x86_return_thunk: retbleed_return_thunk, srso_return_thunk,
 *	its_return_thunk...); 0 on a kernel without CONFIG_RETHUNK
 */
struct sj_ksyms {
	void *(*module_alloc)(unsigned long size);
	int (*set_memory_ro)(unsigned long addr, int numpages);
	int (*set_memory_rw)(unsigned long addr, int numpages);
	int (*set_memory_x)(unsigned long addr, int numpages);
	int (*set_memory_nx)(unsigned long addr, int numpages);
	void *(*text_poke_copy)(void *addr, const void *src, size_t len);
	void *(*text_poke_set)(void *addr, int c, size_t len);
	int (*force_sig_seccomp)(int syscall, int reason, bool force_coredump);
	void (*do_exit)(long code);	/* does not return */
	bool (*ptrace_may_access)(struct task_struct *task, unsigned int mode);
	unsigned long return_thunk;
};

int sj_ksyms_init(void);
const struct sj_ksyms *sj_ksyms(void);

#endif /* SJ_KSYMS_H */
