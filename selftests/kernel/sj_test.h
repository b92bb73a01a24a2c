/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers for the kselftest tests that drive /dev/sealjit. */
#ifndef SJ_TEST_H
#define SJ_TEST_H

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <linux/sealjit.h>

/*
 * Every test bounds its work, not its time: the harness's 30 s default
 * failed a test on a busy machine.  The kselftest macros read this where
 * each TEST() is written, after this header.  (The VM run has its own,
 * generous, watchdog.)
 */
#ifdef TEST_TIMEOUT_DEFAULT
#undef TEST_TIMEOUT_DEFAULT
#define TEST_TIMEOUT_DEFAULT	900
#endif

#define STMT(code, k)		((struct sock_filter)BPF_STMT(code, k))
#define JUMP(code, k, t, f)	((struct sock_filter)BPF_JUMP(code, k, t, f))
#define LEN(arr)		((unsigned short)(sizeof(arr) / sizeof((arr)[0])))

/* Attach @len instructions to the calling thread; 0 or an errno. */
static inline int sj_load(const struct sock_filter *prog, unsigned short len)
{
	struct sock_fprog fprog = { .len = len,
				    .filter = (struct sock_filter *)prog };
	struct sealjit_filter_args args = { .size = sizeof(args),
					    .fprog = (uintptr_t)&fprog };
	int fd = open(SEALJIT_DEVICE, O_RDWR | O_CLOEXEC), ret;

	if (fd < 0)
		return errno;
	ret = ioctl(fd, SEALJIT_IOC_LOAD, &args) ? errno : 0;
	close(fd);
	return ret;
}

static inline int sj_nnp(void)
{
	return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
}

/* A filter that gives @action to syscall @nr and allows everything else. */
static inline int sj_load_for(int nr, unsigned int action)
{
	const struct sock_filter prog[] = {
		STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned int)nr, 0, 1),
		STMT(BPF_RET | BPF_K, action),
		STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};

	return sj_load(prog, LEN(prog));
}

/* The number a file (debugfs, cgroupfs) holds, or -1. */
static inline long sj_read_number(const char *path)
{
	char buf[32] = "";
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return n > 0 ? strtol(buf, NULL, 10) : -1;
}

/* Write @text to @path in one write(); 0 or -1. */
static inline int sj_write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY), ok;

	if (fd < 0)
		return -1;
	ok = write(fd, text, strlen(text)) == (ssize_t)strlen(text);
	close(fd);
	return ok ? 0 : -1;
}

/* One counter from /sys/kernel/debug/sealjit/stats, or -1. */
static inline int sj_stat(const char *name)
{
	FILE *f = fopen("/sys/kernel/debug/sealjit/stats", "r");
	char key[32];
	int val, ret = -1;

	if (!f)
		return -1;
	while (fscanf(f, "%31s %d", key, &val) == 2)
		if (!strcmp(key, name))
			ret = val;
	fclose(f);
	return ret;
}

/* Frees are deferred past an RCU grace period: wait up to 5 s for zero. */
static inline int sj_stat_settles(const char *name, int want)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	int i, v = -1;

	for (i = 0; i < 500; i++) {
		v = sj_stat(name);
		if (v == want)
			return v;
		nanosleep(&ts, NULL);
	}
	return v;
}

#endif /* SJ_TEST_H */
