// SPDX-License-Identifier: GPL-2.0
/*
 * LD_PRELOAD shim for the OpenSSH VM test.  sshd's pre-authentication
 * child chroots to /run/sshd, drops to the sshd user, lowers its rlimits
 * (no file may grow, one descriptor at most) and installs its sandbox with
 * prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &its_filter).  This shim
 * takes that one call and attaches instead, through /dev/sealjit, the
 * filter compiled from examples/openssh-sandbox.policy: the child then
 * runs under sealjit and that policy alone, and the kernel's seccomp is
 * never asked.  Then it tries one thing the policy forbids (opening a
 * file: EACCES) and says what happened on /shim.fifo.  The files it needs
 * are opened at the child's first setrlimit(), inside the chroot (the only
 * place that has /shim.fifo: the test put it, /dev/sealjit and
 * /openssh.bpf in /run/sshd) and before the rlimits forbid it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <linux/sealjit.h>

static int log_fd = -1, filter_fd = -1, dev_fd = -1;

static void say(const char *what, long v)
{
	char line[128];
	int n = snprintf(line, sizeof(line), "%s %ld\n", what, v);

	if (log_fd >= 0 && n > 0 && write(log_fd, line, n) != n)
		return;
}

int setrlimit(__rlimit_resource_t resource, const struct rlimit *rl)
{
	if (log_fd < 0 && !access("/shim.fifo", F_OK)) {
		log_fd = open("/shim.fifo", O_WRONLY | O_NONBLOCK | O_CLOEXEC);
		filter_fd = open("/openssh.bpf", O_RDONLY | O_CLOEXEC);
		dev_fd = open(SEALJIT_DEVICE, O_RDWR | O_CLOEXEC);
	}
	return syscall(SYS_prlimit64, 0, resource, rl, NULL) ? -1 : 0;
}

static int load_policy(void)
{
	static struct sock_filter prog[SEALJIT_MAXINSNS];
	struct sock_fprog fprog = { .filter = prog };
	struct sealjit_filter_args args = { .size = sizeof(args),
					    .fprog = (unsigned long)&fprog };
	ssize_t n = filter_fd < 0 ? -1 : read(filter_fd, prog, sizeof(prog));
	int ret, fd;

	if (n <= 0 || n % sizeof(prog[0]) || dev_fd < 0) {
		say("setup-failed", n);
		errno = EINVAL;
		return -1;
	}
	fprog.len = n / sizeof(prog[0]);
	ret = ioctl(dev_fd, SEALJIT_IOC_LOAD, &args);
	say("sealjit-load", ret ? -errno : 0);
	if (ret)
		return -1;
	/* Forbidden by the policy, with EACCES: nothing opened. */
	fd = open("/openssh.bpf", O_RDONLY);
	say("open-after-load", fd < 0 ? -errno : fd);
	return 0;
}

int prctl(int option, ...)
{
	unsigned long a[4];
	va_list ap;
	int i;

	va_start(ap, option);
	for (i = 0; i < 4; i++)
		a[i] = va_arg(ap, unsigned long);
	va_end(ap);
	if (option == PR_SET_SECCOMP && a[0] == SECCOMP_MODE_FILTER)
		return load_policy();
	return syscall(SYS_prctl, option, a[0], a[1], a[2], a[3]);
}
