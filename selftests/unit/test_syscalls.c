// SPDX-License-Identifier: GPL-2.0
/*
 * The system-call tables generated from the kernel's own (tools/syscalls.h)
 * against libseccomp's, which come from elsewhere (libseccomp's own
 * generated tables): every name has the same number on each architecture,
 * except the i386 socket and IPC calls that libseccomp gives negative
 * pseudo-numbers (it filters them through socketcall and ipc, which the
 * kernel's table also has); plus rows pinned by hand from the ABI, and the
 * lookups.
 */
#include <seccomp.h>
#include <string.h>

#include "../../tools/syscalls.h"
#include "tap.h"

static const struct {
	enum sj_arch arch;
	const char *name;
	long nr;
} pinned[] = {
	{ SJ_ARCH_X86_64, "read", 0 },
	{ SJ_ARCH_X86_64, "getppid", 110 },
	{ SJ_ARCH_X86_64, "personality", 135 },
	{ SJ_ARCH_X86_64, "syslog", 103 },
	{ SJ_ARCH_X86_64, "rt_sigaction", 13 },
	{ SJ_ARCH_X86_64, "set_mempolicy_home_node", 450 },
	{ SJ_ARCH_X32, "read", 0x40000000 },
	{ SJ_ARCH_X32, "rt_sigaction", 0x40000000 + 512 },
	{ SJ_ARCH_I386, "restart_syscall", 0 },
	{ SJ_ARCH_I386, "exit", 1 },
	{ SJ_ARCH_I386, "socketcall", 102 },
	{ SJ_ARCH_I386, "getppid", 64 },
	{ SJ_ARCH_I386, "socket", 359 },
	{ SJ_ARCH_X86_64, "socketcall", -1 },	/* i386 only */
	{ SJ_ARCH_I386, "arch_prctl", 384 },
	{ SJ_ARCH_X86_64, "no_such_call", -1 },
};

static const uint32_t scmp_arch[SJ_NARCHES] = {
	[SJ_ARCH_X86_64] = SCMP_ARCH_X86_64,
	[SJ_ARCH_X32] = SCMP_ARCH_X32,
	[SJ_ARCH_I386] = SCMP_ARCH_X86,
};

int main(void)
{
	unsigned int i, a;

	for (i = 0; i < sizeof(pinned) / sizeof(pinned[0]); i++)
		tap_ok(sj_syscall_nr(pinned[i].arch, pinned[i].name) == pinned[i].nr,
		       "%s on %s is %ld", pinned[i].name,
		       sj_syscall_tables[pinned[i].arch].arch, pinned[i].nr);
	for (a = 0; a < SJ_NARCHES; a++) {
		const struct sj_syscall_table *t = &sj_syscall_tables[a];
		unsigned int same = 0, unknown = 0, pseudo = 0, differ = 0;
		unsigned int ordered = 1;

		for (i = 0; i < t->n; i++) {
			int theirs = seccomp_syscall_resolve_name_arch(scmp_arch[a],
								       t->calls[i].name);

			if (i && t->calls[i].nr <= t->calls[i - 1].nr)
				ordered = 0;
			if (theirs == __NR_SCMP_ERROR)
				unknown++;
			else if (theirs < 0)
				pseudo++;
			else if ((uint32_t)theirs == t->calls[i].nr)
				same++;
			else if (differ++ < 5)
				tap_diag("%s %s: ours %u, libseccomp's %d", t->arch,
					 t->calls[i].name, t->calls[i].nr, theirs);
		}
		tap_ok(t->n > 300 && ordered,
		       "%s: %u system calls, by increasing number", t->arch, t->n);
		tap_ok(!differ && !unknown &&
		       pseudo <= (a == SJ_ARCH_I386 ? 27u : 0u),
		       "%s: %u numbers equal libseccomp's, %u differ, %u pseudo-numbers there, %u names it does not know",
		       t->arch, same, differ, pseudo, unknown);
		tap_ok(sj_syscall_name(a, t->calls[t->n / 2].nr) == t->calls[t->n / 2].name &&
		       sj_syscall_max(a) == t->calls[t->n - 1].nr &&
		       sj_arch_by_name(t->arch) == (int)a,
		       "%s: lookups by number and name, the highest number %u",
		       t->arch, sj_syscall_max(a));
	}
	tap_ok(sj_arch_by_name("arm64") == -1, "an unknown architecture has no table");
	return tap_done();
}
