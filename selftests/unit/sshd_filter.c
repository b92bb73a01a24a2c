// SPDX-License-Identifier: GPL-2.0
/*
 * sshd_filter SSHD OUT: the pre-authentication seccomp filter compiled into
 * an OpenSSH sshd binary (sandbox-seccomp-filter.c's preauth_insns, a
 * static array), written to OUT as a filter file.  It is found by its first
 * two instructions (ld [4]; jeq #AUDIT_ARCH_X86_64, 1, 0) and ends at the
 * first RET that no jump before it passes: the shortest prefix that is a
 * whole filter.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/audit.h>
#include <linux/filter.h>

#define MAX_FILE (64 << 20)

int main(int argc, char **argv)
{
	static const struct sock_filter head[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 4),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
	};
	const struct sock_filter *f;
	unsigned int n, far = 0, max;
	char *buf = malloc(MAX_FILE);
	FILE *in, *out;
	size_t size;
	char *at;

	if (argc != 3 || !buf || !(in = fopen(argv[1], "rb"))) {
		fprintf(stderr, "usage: sshd_filter SSHD OUT\n");
		return 2;
	}
	size = fread(buf, 1, MAX_FILE, in);
	fclose(in);
	at = memmem(buf, size, head, sizeof(head));
	if (!at) {
		fprintf(stderr, "sshd_filter: no filter in %s\n", argv[1]);
		return 1;
	}
	f = (const struct sock_filter *)at;
	max = (buf + size - at) / sizeof(*f);
	for (n = 0; n < max && n < BPF_MAXINSNS; n++) {
		unsigned int to = n + 1 + f[n].jt > n + 1 + f[n].jf ?
				  n + 1 + f[n].jt : n + 1 + f[n].jf;

		if (BPF_CLASS(f[n].code) == BPF_JMP)
			to = BPF_OP(f[n].code) == BPF_JA ? n + 1 + f[n].k : to;
		if (BPF_CLASS(f[n].code) == BPF_JMP && to > far)
			far = to;
		if (BPF_CLASS(f[n].code) == BPF_RET && far <= n)
			break;
	}
	if (n == max || n == BPF_MAXINSNS) {
		fprintf(stderr, "sshd_filter: no end to the filter in %s\n",
			argv[1]);
		return 1;
	}
	out = fopen(argv[2], "wb");
	if (!out || fwrite(f, sizeof(*f), n + 1, out) != n + 1 || fclose(out)) {
		perror(argv[2]);
		return 1;
	}
	return 0;
}
