// SPDX-License-Identifier: GPL-2.0
/*
 * The benchmark, run in a VM booted with QEMU's -icount shift=0,sleep=off:
 * the guest clock counts guest instructions, so one nanosecond of
 * CLOCK_MONOTONIC is one instruction and every figure is exact and
 * repeatable.  The same filters run under the kernel's seccomp and under
 * sealjit in the same boot.
 *
 *   bench [-n CALLS] [-l LOADS] [-c CHURN] DIR
 *
 * DIR holds the corpus (docker-linear.bpf, docker-tree.bpf,
 * allow-list.bpf, no-network.bpf, allow-all.bpf).  Prints one line per
 * figure,
 *
 *   bench: FILTER | CASE | ENGINE | VALUE
 *
 * (instructions per call, per load, bytes or pages), then the same as a
 * table.  Exits non-zero if a syscall did not get the outcome its filter
 * gives it, so that a broken engine cannot produce a fast figure.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <linux/sealjit.h>

#include "../kernel/sj_test.h"

#define MAX_PROG	4096
#define MAX_STACK	3
#define IDLE_PARAM	"/sys/module/sealjit/parameters/hook_idle_ms"

enum engine { NONE, SECCOMP, SEALJIT, NENGINES };
static const char *const engine_name[NENGINES] = {
	"none", "seccomp", "sealjit"
};

struct prog {
	struct sock_filter insns[MAX_PROG];
	unsigned short len;
};

/*
 * A syscall to time, what it returns when it runs (-errno, or 0 for any
 * value >= 0) and whether Docker's profile denies it (with EPERM).
 */
struct syscase {
	const char *name;
	long nr;
	long a0;
	long ran;
	int docker_denies;
};

static const struct syscase cases[] = {
	{ "getppid", __NR_getppid, 0, 0, 0 },
	{ "fstat(-1)", __NR_fstat, -1, -EBADF, 0 },
	{ "personality(0xffffffff)", __NR_personality, 0xffffffff, 0, 0 },
	{ "syslog", __NR_syslog, 10 /* SIZE_BUFFER */, 0, 1 },
};

#define NCASES (sizeof(cases) / sizeof(cases[0]))

static const char *dir;
static long ncalls = 20000, nloads = 20, nchurn = 40;
static int failures;

/* Shared with the children that measure. */
static struct shared {
	long value[8];
	int bad;
} *shm;

static long now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000000L + t.tv_nsec;
}

static long raw(long nr, long a0)
{
	long ret;

	asm volatile("syscall" : "=a"(ret)
		     : "a"(nr), "D"(a0), "S"(0L), "d"(0L)
		     : "rcx", "r11", "memory");
	return ret;
}

static int read_prog(const char *name, struct prog *p)
{
	char path[512];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_RDONLY);
	if (fd < 0) {
		fprintf(stderr, "bench error: %s: %s\n", path, strerror(errno));
		return -1;
	}
	n = read(fd, p->insns, sizeof(p->insns));
	close(fd);
	if (n <= 0 || n % sizeof(struct sock_filter)) {
		fprintf(stderr, "bench error: %s: not a filter\n", path);
		return -1;
	}
	p->len = n / sizeof(struct sock_filter);
	return 0;
}

/* Attach @p with @engine to the calling thread; 0 or -1. */
static int attach(enum engine engine, const struct prog *p, int devfd,
		  unsigned int *image_size)
{
	struct sock_fprog fprog = { .len = p->len,
				    .filter = (struct sock_filter *)p->insns };
	struct sealjit_filter_args args = { .size = sizeof(args),
					    .fprog = (uintptr_t)&fprog };

	if (engine == SECCOMP)
		return syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fprog);
	if (ioctl(devfd, SEALJIT_IOC_LOAD, &args))
		return -1;
	if (image_size)
		*image_size = args.image_size;
	return 0;
}

static int attach_stack(enum engine engine, struct prog *const *stack, int n)
{
	int fd = -1, i;

	if (engine == NONE)
		return 0;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -1;
	if (engine == SEALJIT) {
		fd = open(SEALJIT_DEVICE, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			return -1;
	}
	for (i = 0; i < n; i++)
		if (attach(engine, stack[i], fd, NULL))
			return -1;
	if (fd >= 0)
		close(fd);
	return 0;
}

static void report(const char *filter, const char *what, const char *engine,
		   long value)
{
	printf("bench: %s | %s | %s | %ld\n", filter, what, engine, value);
	fflush(stdout);
}

/* Did case @c get what it should under a Docker-based stack (@docker)? */
static int right_outcome(size_t c, long ret, int docker)
{
	if (docker && cases[c].docker_denies)
		return ret == -EPERM;
	return cases[c].ran ? ret == cases[c].ran : ret >= 0;
}

static int write_param(const char *path, long v)
{
	FILE *f = fopen(path, "w");
	int ok;

	if (!f)
		return -1;
	ok = fprintf(f, "%ld\n", v) > 0;
	return fclose(f) || !ok ? -1 : 0;
}

/*
 * Before timing the kernel's seccomp (or no filter): sealjit's probes,
 * which stay registered for a while after the last filter, must be gone,
 * or every figure would carry their cost.
 */
static void hook_quiesce(void)
{
	int i;

	write_param(IDLE_PARAM, 0);
	for (i = 0; i < 500 && sj_stat("hooked") != 0; i++)
		usleep(10000);
	write_param(IDLE_PARAM, 5000);
	if (sj_stat("hooked") != 0) {
		fprintf(stderr, "bench error: sealjit's probes stay registered\n");
		failures++;
	}
}

/* Instructions per call of each case, in a child holding @stack. */
static void time_cases(const char *label, enum engine engine,
		       struct prog *const *stack, int n, int docker)
{
	size_t c;
	pid_t pid;
	int status;

	if (engine != SEALJIT)
		hook_quiesce();
	memset(shm, 0, sizeof(*shm));
	pid = fork();
	if (pid == 0) {
		if (attach_stack(engine, stack, n))
			_exit(2);
		for (c = 0; c < NCASES; c++) {
			long i, t0, ret = raw(cases[c].nr, cases[c].a0);

			if (!right_outcome(c, ret, docker))
				shm->bad = 1 + c;
			t0 = now_ns();
			for (i = 0; i < ncalls; i++)
				raw(cases[c].nr, cases[c].a0);
			shm->value[c] = (now_ns() - t0) / ncalls;
		}
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status)) {
		fprintf(stderr, "bench error: %s under %s: child failed\n", label,
			engine_name[engine]);
		failures++;
		return;
	}
	if (shm->bad) {
		fprintf(stderr, "bench error: %s under %s: %s got the wrong outcome\n",
			label, engine_name[engine], cases[shm->bad - 1].name);
		failures++;
	}
	for (c = 0; c < NCASES; c++)
		report(label, cases[c].name, engine_name[engine],
		       shm->value[c]);
}

/* getppid of an unfiltered process while another holds @p. */
static void time_bystander(const char *label, enum engine engine,
			   struct prog *p)
{
	pid_t holder, pid;
	int status;

	if (engine != SEALJIT)
		hook_quiesce();
	holder = fork();
	if (holder == 0) {
		if (attach_stack(engine, &p, 1))
			_exit(2);
		pause();
		_exit(0);
	}
	usleep(100000);
	pid = fork();
	if (pid == 0) {
		long i, t0 = now_ns();

		for (i = 0; i < ncalls; i++)
			raw(__NR_getppid, 0);
		shm->value[0] = (now_ns() - t0) / ncalls;
		_exit(0);
	}
	waitpid(pid, &status, 0);
	kill(holder, SIGKILL);
	waitpid(holder, &status, 0);
	report(label, "getppid, unfiltered process beside a filtered one",
	       engine_name[engine], shm->value[0]);
}

/* Where the last LOAD's instructions went, from the module's own clock. */
static void report_phases(const char *label)
{
	FILE *f = fopen("/sys/kernel/debug/sealjit/stats", "r");
	char key[64], what[96];
	long long val;

	if (!f)
		return;
	while (fscanf(f, "%63s %lld", key, &val) == 2) {
		if (strncmp(key, "load_ns_", 8))
			continue;
		snprintf(what, sizeof(what), "LOAD phase: %s", key + 8);
		report(label, what, "sealjit", val);
	}
	fclose(f);
}

/* LOAD (or seccomp() attach) cost of @p, the mean of nloads fresh children. */
static void time_load(const char *label, enum engine engine, struct prog *p)
{
	long total = 0, i;
	unsigned int size = 0;

	if (engine != SEALJIT)
		hook_quiesce();
	for (i = 0; i < nloads; i++) {
		pid_t pid = fork();
		int status;

		if (pid == 0) {
			int fd = open(SEALJIT_DEVICE, O_RDWR | O_CLOEXEC);
			long t0;

			if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
			    (engine == SEALJIT && fd < 0))
				_exit(2);
			t0 = now_ns();
			if (attach(engine, p, fd, &size))
				_exit(3);
			shm->value[0] = now_ns() - t0;
			shm->value[1] = size;
			_exit(0);
		}
		if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
		    WEXITSTATUS(status)) {
			fprintf(stderr, "bench error: LOAD of %s failed\n", label);
			failures++;
			return;
		}
		total += shm->value[0];
	}
	report(label, "LOAD (instructions)", engine_name[engine],
	       total / nloads);
	if (engine == SEALJIT)
		report_phases(label);
	if (engine == SEALJIT) {
		report(label, "native bytes", "sealjit", shm->value[1]);
		/* Its code's room in a pack (kmod/image.c), pool apart. */
		report(label, "code room in a pack (bytes)", "sealjit",
		       (shm->value[1] + 128 + 63) / 64 * 64);
	}
}

/*
 * Start and end of a short-lived sandbox: fork, LOAD a one-instruction
 * filter, exit, reap, nchurn times; the mean per process and of the LOAD
 * alone.  With hook_idle_ms=0 the probes are registered and released
 * around every process (what every start and exit cost before they were
 * kept); @holder keeps one filter alive meanwhile.
 */
static void time_churn(long idle_ms, int holder)
{
	static const struct prog allow = {
		.insns = { BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW) },
		.len = 1,
	};
	pid_t hold = 0;
	long total = 0, load = 0, i, t0;
	char what[128];
	int status;

	if (write_param(IDLE_PARAM, idle_ms)) {
		fprintf(stderr, "bench error: cannot set %s\n", IDLE_PARAM);
		failures++;
		return;
	}
	usleep(200000);
	if (holder) {
		hold = fork();
		if (hold == 0) {
			const struct prog *p = &allow;

			if (attach_stack(SEALJIT, (struct prog *const *)&p, 1))
				_exit(2);
			pause();
			_exit(0);
		}
		usleep(100000);
	}
	for (i = 0; i < nchurn; i++) {
		pid_t pid;

		t0 = now_ns();
		pid = fork();
		if (pid == 0) {
			int fd = open(SEALJIT_DEVICE, O_RDWR | O_CLOEXEC);
			long l0;

			if (fd < 0 || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
				_exit(2);
			l0 = now_ns();
			if (attach(SEALJIT, &allow, fd, NULL))
				_exit(3);
			shm->value[0] = now_ns() - l0;
			_exit(0);
		}
		if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
		    WEXITSTATUS(status))
			failures++;
		total += now_ns() - t0;
		load += shm->value[0];
		/* Let an asynchronous release happen between processes. */
		usleep(idle_ms ? 1000 : 20000);
	}
	if (hold) {
		kill(hold, SIGKILL);
		waitpid(hold, &status, 0);
	}
	snprintf(what, sizeof(what), "hook_idle_ms=%ld%s", idle_ms,
		 holder ? ", another filter alive" : ", no other filter");
	report("sandbox start+exit", what, "sealjit", total / nchurn);
	report("sandbox LOAD", what, "sealjit", load / nchurn);
}

int main(int argc, char **argv)
{
	static struct prog linear, tree, list, nonet, allow;
	struct prog *stack3[MAX_STACK] = { &allow, &nonet, &tree };
	struct { const char *label; struct prog *p; } single[] = {
		{ "docker-linear", &linear }, { "docker-tree", &tree },
		{ "allow-list", &list },
	};
	enum engine e;
	size_t i;
	int opt;

	while ((opt = getopt(argc, argv, "n:l:c:")) != -1) {
		if (opt == 'n')
			ncalls = atol(optarg);
		else if (opt == 'l')
			nloads = atol(optarg);
		else if (opt == 'c')
			nchurn = atol(optarg);
		else
			return 2;
	}
	if (optind + 1 != argc || ncalls < 1 || nloads < 1 || nchurn < 1) {
		fprintf(stderr, "usage: bench [-n CALLS] [-l LOADS] [-c CHURN] DIR\n");
		return 2;
	}
	dir = argv[optind];
	shm = mmap(NULL, sizeof(*shm), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shm == MAP_FAILED || read_prog("docker-linear.bpf", &linear) ||
	    read_prog("docker-tree.bpf", &tree) ||
	    read_prog("allow-list.bpf", &list) ||
	    read_prog("no-network.bpf", &nonet) ||
	    read_prog("allow-all.bpf", &allow))
		return 2;

	time_cases("no filter", NONE, NULL, 0, 0);
	for (i = 0; i < sizeof(single) / sizeof(single[0]); i++)
		for (e = SECCOMP; e <= SEALJIT; e++)
			time_cases(single[i].label, e, &single[i].p, 1,
				   single[i].p != &list);
	for (e = SECCOMP; e <= SEALJIT; e++)
		time_cases("stack of 3", e, stack3, MAX_STACK, 1);
	for (e = SECCOMP; e <= SEALJIT; e++)
		time_bystander("docker-linear", e, &linear);
	for (i = 0; i < sizeof(single) / sizeof(single[0]); i++)
		for (e = SECCOMP; e <= SEALJIT; e++)
			time_load(single[i].label, e, single[i].p);
	time_churn(0, 0);
	time_churn(0, 1);
	time_churn(5000, 0);
	time_churn(5000, 1);
	write_param(IDLE_PARAM, 5000);
	if (failures)
		fprintf(stderr, "bench error: %d failures\n", failures);
	return failures ? 1 : 0;
}
