/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What attach_test (SEALJIT_LOAD_PID) and cgroup_test
 * (SEALJIT_LOAD_CGROUP) share: targets that run until they see their
 * syscalls filtered, and the races they run meanwhile (threads coming and
 * going, execve over and over).  The filters the tests attach answer
 * ERRNO(GETPPID_ERRNO) to getppid and ERRNO(GETPID_ERRNO) to getpid.
 */
#ifndef SJ_ATTACH_COMMON_H
#define SJ_ATTACH_COMMON_H

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "sj_test.h"

#define GETPPID_ERRNO	77
#define GETPID_ERRNO	55
#define SPINS		2000000	/* bounded: a target that is never filtered fails */

static inline long try(long nr)
{
	long r = syscall(nr);

	return r < 0 ? -errno : r;
}

/*
 * Spins until getppid is denied: 0 with no_new_privs set, 1 if never,
 * 2 without no_new_privs, 3 if any call saw an errno other than the
 * filter's (a syscall held while a task joins its cgroup's filter must
 * never show its -ERESTARTNOINTR).
 */
static inline int wait_filtered(void)
{
	long i, r;

	for (i = 0; i < SPINS; i++) {
		r = try(SYS_getppid);
		if (r == -GETPPID_ERRNO)
			return prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1 ? 0 : 2;
		if (r < 0)
			return 3;
		sched_yield();
	}
	return 1;
}

/* A child that has told us it runs (a byte on a pipe) and then runs @body. */
static inline pid_t spawn(int (*body)(void))
{
	int p[2];
	pid_t pid;
	char c;

	if (pipe(p))
		return -1;
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		if (write(p[1], "x", 1) != 1)
			_exit(3);
		_exit(body());
	}
	close(p[1]);
	if (pid < 0 || read(p[0], &c, 1) != 1)
		pid = -1;
	close(p[0]);
	return pid;
}

static inline int exit_code(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/*
 * LOAD with @flags of a filter answering ERRNO(@err) to syscall @nr and
 * allowing the rest, with @pid and with the cgroup directory @dir opened
 * (-1 if NULL) as cgroup_fd: 0 or -errno.
 */
static inline int attach_load(unsigned int flags, pid_t pid, const char *dir,
			      int nr, int err)
{
	const struct sock_filter prog[] = {
		STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned int)nr, 0, 1),
		STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | err),
		STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog fprog = { .len = LEN(prog),
				    .filter = (struct sock_filter *)prog };
	struct sealjit_filter_args args = { .size = sizeof(args),
					    .flags = flags, .pid = pid,
					    .fprog = (uintptr_t)&fprog };
	int fd = open(SEALJIT_DEVICE, O_RDWR | O_CLOEXEC), ret;

	if (fd < 0)
		return -errno;
	if (dir)
		args.cgroup_fd = open(dir, O_RDONLY | O_DIRECTORY);
	else if (flags & SEALJIT_LOAD_CGROUP)
		args.cgroup_fd = -1;
	ret = ioctl(fd, SEALJIT_IOC_LOAD, &args) ? -errno : 0;
	if (dir && args.cgroup_fd >= 0)
		close(args.cgroup_fd);
	close(fd);
	return ret;
}

/* Threads of a target that each wait to be filtered. */
static atomic_int threads_done;

static inline void *thread_body(void *arg)
{
	if (!wait_filtered())
		atomic_fetch_add(&threads_done, 1);
	return NULL;
}

/*
 * Threads come and go in batches while the filter is attached: once any
 * thread has seen a filtered syscall, every syscall that starts after
 * that, in an old thread or a new one, must be filtered too.
 */
static atomic_int seen_filtered, escaped;

static inline void *churn_thread(void *arg)
{
	int before = atomic_load(&seen_filtered);

	if (try(SYS_getppid) == -GETPPID_ERRNO)
		atomic_store(&seen_filtered, 1);
	else if (before)
		atomic_store(&escaped, 1);
	return NULL;
}

/* 0: filtered and nothing escaped; 1: a syscall escaped; 2: never. */
static inline int churn_body(void)
{
	long round, after = 0;
	pthread_t t[4];
	int i;

	for (round = 0; round < 20000 && after < 50; round++) {
		for (i = 0; i < 4; i++)
			if (pthread_create(&t[i], NULL, churn_thread, NULL))
				return 4;
		churn_thread(NULL);
		for (i = 0; i < 4; i++)
			pthread_join(t[i], NULL);
		if (atomic_load(&seen_filtered))
			after++;
	}
	if (atomic_load(&escaped))
		return 1;
	return after ? 0 : 2;
}

/*
 * Exec race: the target execs itself over and over while it is attached
 * to.  Once an image is filtered, every image after it must be too (the
 * filter and no_new_privs survive execve): it ends after EXEC_AFTER
 * filtered images, or fails after EXEC_MAX unfiltered ones.
 */
#define EXEC_MAX	5000
#define EXEC_AFTER	20

static char self_exe[4096];

static inline int exec_round(int round, int seen)
{
	char r[16], s[16];

	if (try(SYS_getppid) == -GETPPID_ERRNO)
		seen++;
	else if (seen)
		return 1;	/* escaped */
	if (seen == EXEC_AFTER)
		return 0;
	if (round == EXEC_MAX)
		return 2;
	snprintf(r, sizeof(r), "%d", round + 1);
	snprintf(s, sizeof(s), "%d", seen);
	execl(self_exe, self_exe, "--exec-round", r, s, (char *)NULL);
	return 3;
}

static inline int exec_loop_body(void)
{
	return exec_round(0, 0);
}

/* For main(): -1 unless this process is an image of the exec race. */
static inline int exec_round_main(int argc, char **argv)
{
	if (argc != 4 || strcmp(argv[1], "--exec-round"))
		return -1;
	if (readlink("/proc/self/exe", self_exe, sizeof(self_exe) - 1) < 0)
		return 4;
	return exec_round(atoi(argv[2]), atoi(argv[3]));
}

#endif /* SJ_ATTACH_COMMON_H */
