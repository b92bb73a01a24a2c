// SPDX-License-Identifier: GPL-2.0
/*
 * Writes the longest linear allow-list libseccomp makes for x86-64: every
 * syscall libseccomp knows, allowed one by one, anything else ERRNO(EPERM),
 * in its linear layout (SCMP_FLTATR_CTL_OPTIMIZE 1).
 *
 *   allow_list FILE
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#include <seccomp.h>

int main(int argc, char **argv)
{
	scmp_filter_ctx ctx;
	int fd, nr, n = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: allow_list FILE\n");
		return 2;
	}
	ctx = seccomp_init(SCMP_ACT_ERRNO(EPERM));
	if (!ctx || seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 1))
		return 1;
	for (nr = 0; nr < 1024; nr++) {
		char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_X86_64, nr);

		if (!name)
			continue;
		if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0))
			return 1;
		n++;
	}
	fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || seccomp_export_bpf(ctx, fd) || close(fd)) {
		perror(argv[1]);
		return 1;
	}
	fprintf(stderr, "allow_list: %d syscalls\n", n);
	seccomp_release(ctx);
	return 0;
}
