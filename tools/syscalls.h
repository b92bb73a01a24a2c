/* SPDX-License-Identifier: GPL-2.0 */
/*
 * System-call names by architecture, from the kernel's own tables
 * (scripts/gen-syscalls.sh writes the arrays at build time).
 */
#ifndef SJ_SYSCALLS_H
#define SJ_SYSCALLS_H

#include <stdint.h>

enum sj_arch { SJ_ARCH_X86_64, SJ_ARCH_X32, SJ_ARCH_I386, SJ_NARCHES };

struct sj_syscall {
	const char *name;
	uint32_t nr;		/* x32: with the x32 bit */
};

struct sj_syscall_table {
	const char *arch;	/* "x86_64", "x32", "i386" */
	const struct sj_syscall *calls;	/* by increasing number */
	unsigned int n;
};

extern const struct sj_syscall_table sj_syscall_tables[SJ_NARCHES];

int sj_arch_by_name(const char *name);
uint32_t sj_audit_arch(enum sj_arch arch);
long sj_syscall_nr(enum sj_arch arch, const char *name);
const char *sj_syscall_name(enum sj_arch arch, uint32_t nr);
uint32_t sj_syscall_max(enum sj_arch arch);

#endif /* SJ_SYSCALLS_H */
