// SPDX-License-Identifier: GPL-2.0
/* Lookups in the generated system-call tables (tools/syscalls.h). */
#include <string.h>
#include <linux/audit.h>

#include "syscalls.h"

/* The architecture called @name ("x86_64", "x32", "i386"), or -1. */
int sj_arch_by_name(const char *name)
{
	int a;

	for (a = 0; a < SJ_NARCHES; a++)
		if (!strcmp(name, sj_syscall_tables[a].arch))
			return a;
	return -1;
}

/* What seccomp_data.arch holds for @arch (x32 shares x86-64's). */
uint32_t sj_audit_arch(enum sj_arch arch)
{
	return arch == SJ_ARCH_I386 ? AUDIT_ARCH_I386 : AUDIT_ARCH_X86_64;
}

/* The number of @name on @arch, or -1 if it has none there. */
long sj_syscall_nr(enum sj_arch arch, const char *name)
{
	const struct sj_syscall_table *t = &sj_syscall_tables[arch];
	unsigned int i;

	for (i = 0; i < t->n; i++)
		if (!strcmp(t->calls[i].name, name))
			return t->calls[i].nr;
	return -1;
}

/* The name of @nr on @arch, or NULL. */
const char *sj_syscall_name(enum sj_arch arch, uint32_t nr)
{
	const struct sj_syscall_table *t = &sj_syscall_tables[arch];
	unsigned int i;

	for (i = 0; i < t->n; i++)
		if (t->calls[i].nr == nr)
			return t->calls[i].name;
	return NULL;
}

/* The highest number @arch's table knows. */
uint32_t sj_syscall_max(enum sj_arch arch)
{
	const struct sj_syscall_table *t = &sj_syscall_tables[arch];

	return t->calls[t->n - 1].nr;
}
