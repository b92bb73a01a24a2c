// SPDX-License-Identifier: GPL-2.0
/*
 * Seeded random requests to /dev/sealjit while processes come and go.
 *
 *   lifecycle_fuzz [-s SEED] [-t SECONDS] [-f FILTER]
 *
 * For a fixed time, a supervisor keeps WORKERS processes alive.  Each one
 * has a few threads that send random and mutated requests (CHECK, LOAD,
 * VERSION, STATUS and unknown commands; sizes, pointers, lengths and
 * flags drawn from the edges: NULL, unmapped, kernel addresses, short and
 * long structures, non-zero tails; programs random or mutated from
 * FILTER), while other threads fork children that exec, exit, fork again
 * or are killed, some of them under the filters their parent attached.
 * The supervisor kills workers at random and starts new ones.  A filter
 * may kill its own worker or deny it anything: that is part of the load.
 *
 * It checks nothing itself beyond its own progress: the kernel must stay
 * healthy (the VM run scans the console for oopses, KASAN, lockdep and
 * warnings), every object the module holds must be released afterwards
 * and kmemleak must find nothing (the guest script checks those).
 * Prints TAP: one line with the counts and the seed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <linux/sealjit.h>

#define WORKERS		6
#define REQUESTERS	3	/* threads per worker sending requests */
#define MAX_PROG	4200

/* Counters every process adds to, in shared memory. */
struct counts {
	long requests, attached, forks, execs, kills;
};

static struct counts *counts;
static struct sock_filter *base;	/* FILTER, if given */
static unsigned int base_len;
static void *unmapped;

static uint64_t rnd_next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static uint32_t rnd(uint64_t *s, uint32_t n)
{
	return (uint32_t)(rnd_next(s) >> 11) % n;
}

/* An address to hand the kernel: mostly good, sometimes anything but. */
static uint64_t some_pointer(uint64_t *s, void *good)
{
	switch (rnd(s, 12)) {
	case 0:
		return 0;
	case 1:
		return (uintptr_t)unmapped;
	case 2:
		return 0xffffffff81000000ULL;	/* kernel text */
	case 3:
		return (uintptr_t)good + 1;	/* misaligned */
	case 4:
		return rnd_next(s);
	default:
		return (uintptr_t)good;
	}
}

static const uint16_t codes[] = {
	BPF_LD | BPF_W | BPF_ABS, BPF_LD | BPF_H | BPF_ABS,
	BPF_LD | BPF_W | BPF_LEN, BPF_LD | BPF_IMM, BPF_LD | BPF_MEM,
	BPF_LDX | BPF_IMM, BPF_LDX | BPF_MEM, BPF_LDX | BPF_W | BPF_LEN,
	BPF_ST, BPF_STX, BPF_ALU | BPF_ADD | BPF_K, BPF_ALU | BPF_DIV | BPF_X,
	BPF_ALU | BPF_LSH | BPF_K, BPF_ALU | BPF_NEG, BPF_JMP | BPF_JA,
	BPF_JMP | BPF_JEQ | BPF_K, BPF_JMP | BPF_JGT | BPF_X,
	BPF_JMP | BPF_JSET | BPF_K, BPF_RET | BPF_K, BPF_RET | BPF_A,
	BPF_MISC | BPF_TAX, BPF_MISC | BPF_TXA,
};

static const uint32_t actions[] = {
	SECCOMP_RET_ALLOW, SECCOMP_RET_LOG, SECCOMP_RET_ERRNO | 1,
	SECCOMP_RET_TRAP, SECCOMP_RET_TRACE, SECCOMP_RET_USER_NOTIF,
	SECCOMP_RET_KILL_THREAD, SECCOMP_RET_KILL_PROCESS,
};

/*
 * A program: FILTER mutated, or random instructions; usually ending in a
 * return, so that some get past the checker and are compiled and run.
 */
static unsigned int some_program(uint64_t *s, struct sock_filter *p)
{
	unsigned int len, i, n;

	if (base && rnd(s, 2)) {
		len = base_len;
		memcpy(p, base, len * sizeof(*p));
		for (n = rnd(s, 4); n; n--) {
			i = rnd(s, len);
			switch (rnd(s, 4)) {
			case 0:
				p[i].k = rnd(s, 3) ? p[i].k ^ (1u << rnd(s, 32)) :
					 (uint32_t)rnd_next(s);
				break;
			case 1:
				p[i].jt = rnd(s, 256);
				break;
			case 2:
				p[i].jf = rnd(s, 256);
				break;
			default:
				p[i].code = codes[rnd(s, sizeof(codes) / sizeof(codes[0]))];
			}
		}
		return len;
	}
	len = 1 + rnd(s, rnd(s, 20) ? 40 : MAX_PROG);
	for (i = 0; i < len; i++) {
		p[i].code = codes[rnd(s, sizeof(codes) / sizeof(codes[0]))];
		p[i].jt = rnd(s, 4);
		p[i].jf = rnd(s, 4);
		p[i].k = rnd(s, 2) ? rnd(s, 64) & ~3u : (uint32_t)rnd_next(s);
		if (p[i].code == (BPF_RET | BPF_K))
			p[i].k = actions[rnd(s, sizeof(actions) / sizeof(actions[0]))];
	}
	if (rnd(s, 8)) {
		p[len - 1].code = BPF_RET | BPF_K;
		p[len - 1].k = actions[rnd(s, 3) ? 0 : rnd(s, 8)];
	}
	return len;
}

static uint32_t some_size(uint64_t *s, uint32_t ver0)
{
	static const int32_t delta[] = { 0, 0, 0, 0, -1, 8 };

	if (!rnd(s, 16))
		return rnd(s, 3) ? rnd(s, 2) * 4096 : (uint32_t)rnd_next(s);
	return ver0 + delta[rnd(s, sizeof(delta) / sizeof(delta[0]))];
}

/* One random request on @fd. */
static void one_request(uint64_t *s, int fd, struct sock_filter *prog,
			char *log)
{
	static const unsigned long cmds[] = {
		SEALJIT_IOC_CHECK, SEALJIT_IOC_CHECK, SEALJIT_IOC_LOAD,
		SEALJIT_IOC_LOAD, SEALJIT_IOC_VERSION, SEALJIT_IOC_STATUS,
		_IOWR(SEALJIT_IOC_MAGIC, 0x07, struct sealjit_filter_args),
		_IOW(SEALJIT_IOC_MAGIC, 0x02, struct sealjit_filter_args),
	};
	union {
		struct sealjit_filter_args f;
		struct sealjit_version v;
		struct sealjit_status st;
		unsigned char raw[256];
	} u;
	struct sock_fprog fprog;
	unsigned long cmd = cmds[rnd(s, sizeof(cmds) / sizeof(cmds[0]))];
	void *arg = &u;

	memset(&u, 0, sizeof(u));
	if (!rnd(s, 8))
		u.raw[rnd(s, sizeof(u.raw))] = rnd(s, 256);
	if (cmd == SEALJIT_IOC_VERSION) {
		u.v.size = some_size(s, SEALJIT_VERSION_SIZE_VER0);
	} else if (cmd == SEALJIT_IOC_STATUS) {
		u.st.size = some_size(s, SEALJIT_STATUS_SIZE_VER0);
		u.st.pid = rnd(s, 2) ? 0 : (int32_t)rnd(s, 400);
	} else {
		fprog.len = some_program(s, prog);
		if (!rnd(s, 16))
			fprog.len = rnd(s, 2) ? 0 : 65535;
		fprog.filter = (struct sock_filter *)(uintptr_t)
			       some_pointer(s, prog);
		u.f.size = some_size(s, SEALJIT_FILTER_ARGS_SIZE_VER0);
		u.f.flags = rnd(s, 8) ? 0 : (uint32_t)rnd_next(s);
		u.f.fprog = some_pointer(s, &fprog);
		u.f.log_buf = rnd(s, 2) ? some_pointer(s, log) : 0;
		u.f.log_size = rnd(s, 4) ? 4096 : (uint32_t)rnd_next(s);
		u.f.log_level = rnd(s, 3);
	}
	if (!rnd(s, 16))
		arg = (void *)(uintptr_t)some_pointer(s, &u);
	if (ioctl(fd, cmd, arg) == 0 && cmd == SEALJIT_IOC_LOAD)
		__atomic_add_fetch(&counts->attached, 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&counts->requests, 1, __ATOMIC_RELAXED);
}

struct requester {
	uint64_t seed;
	int fd;
};

static void *requester(void *arg)
{
	struct requester *r = arg;
	static __thread struct sock_filter prog[MAX_PROG];
	static __thread char log[4096];

	for (;;)
		one_request(&r->seed, r->fd, prog, log);
	return NULL;
}

/*
 * Processes come and go under filters: now and then this thread attaches
 * one more (mutated or random: it may kill the thread or the worker),
 * then forks; the child forks again, execs, or just exits; sometimes the
 * parent kills the child first.
 */
static void lifecycle(uint64_t s, int fd)
{
	static struct sock_filter prog[MAX_PROG];
	int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);

	for (;;) {
		pid_t pid;

		if (!rnd(&s, 8)) {
			struct sock_fprog fprog = {
				.len = some_program(&s, prog), .filter = prog,
			};
			struct sealjit_filter_args a = {
				.size = sizeof(a), .fprog = (uintptr_t)&fprog,
			};

			if (!ioctl(fd, SEALJIT_IOC_LOAD, &a))
				__atomic_add_fetch(&counts->attached, 1,
						   __ATOMIC_RELAXED);
		}
		pid = fork();

		if (pid < 0) {
			usleep(1000);
			continue;
		}
		if (pid == 0) {
			switch (rnd(&s, 4)) {
			case 0:
				__atomic_add_fetch(&counts->execs, 1,
						   __ATOMIC_RELAXED);
				/*
				 * Under a random filter the new program's
				 * libc may complain (a denied arch_prctl):
				 * not into the TAP stream.
				 */
				dup2(devnull, STDERR_FILENO);
				execl("/bin/true", "true", (char *)NULL);
				_exit(1);
			case 1:
				if (fork() == 0)
					_exit(0);
				_exit(0);
			case 2:
				syscall(__NR_getppid);
				_exit(0);
			default:
				usleep(rnd(&s, 2000));
				_exit(0);
			}
		}
		__atomic_add_fetch(&counts->forks, 1, __ATOMIC_RELAXED);
		if (!rnd(&s, 4)) {
			kill(pid, SIGKILL);
			__atomic_add_fetch(&counts->kills, 1, __ATOMIC_RELAXED);
		}
		waitpid(pid, NULL, 0);
	}
}

static void worker(uint64_t seed)
{
	struct requester r[REQUESTERS];
	pthread_t t;
	int i, fd = open("/dev/sealjit", O_RDWR);

	if (fd < 0)
		_exit(2);
	if (seed % 8)
		prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	for (i = 0; i < REQUESTERS; i++) {
		r[i].seed = seed * (i + 2) + 1;
		r[i].fd = fd;
		if (pthread_create(&t, NULL, requester, &r[i]))
			_exit(3);
	}
	lifecycle(seed ^ 0x9e3779b97f4a7c15ULL, fd);
}

int main(int argc, char **argv)
{
	uint64_t seed = 1, s;
	long seconds = 30, started = 0;
	pid_t workers[WORKERS] = { 0 };
	struct timespec t0, now;
	int c, i, status;

	while ((c = getopt(argc, argv, "s:t:f:")) != -1) {
		if (c == 's') {
			seed = strtoull(optarg, NULL, 0);
		} else if (c == 't') {
			seconds = strtol(optarg, NULL, 0);
		} else if (c == 'f') {
			FILE *f = fopen(optarg, "r");

			base = calloc(MAX_PROG, sizeof(*base));
			if (!f || !base)
				return 2;
			base_len = fread(base, sizeof(*base), MAX_PROG, f);
			fclose(f);
			if (!base_len)
				return 2;
		} else {
			fprintf(stderr, "usage: lifecycle_fuzz [-s SEED] [-t SECONDS] [-f FILTER]\n");
			return 2;
		}
	}
	s = seed | 1;
	counts = mmap(NULL, sizeof(*counts), PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	unmapped = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
			-1, 0);
	if (counts == MAP_FAILED || unmapped == MAP_FAILED)
		return 2;
	munmap(unmapped, 4096);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	printf("# lifecycle_fuzz: seed %llu, %ld s\n",
	       (unsigned long long)seed, seconds);
	fflush(stdout);
	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - t0.tv_sec >= seconds)
			break;
		for (i = 0; i < WORKERS; i++) {
			if (workers[i] && waitpid(workers[i], &status, WNOHANG) == 0)
				continue;
			workers[i] = fork();
			if (workers[i] == 0)
				worker(rnd_next(&s));
			started++;
		}
		usleep(20000 + rnd(&s, 200000));
		i = rnd(&s, WORKERS);
		if (workers[i] > 0 && !rnd(&s, 2))
			kill(workers[i], SIGKILL);
	}
	for (i = 0; i < WORKERS; i++)
		if (workers[i] > 0)
			kill(workers[i], SIGKILL);
	while (wait(NULL) > 0 || errno == EINTR)
		;
	printf("%sok 1 - lifecycle fuzz: %ld requests, %ld filters attached, %ld forks, %ld execs, %ld children killed, %ld workers in %ld s (seed %llu)\n",
	       counts->requests && counts->attached && counts->forks ? "" : "not ",
	       counts->requests, counts->attached, counts->forks, counts->execs,
	       counts->kills, started, seconds, (unsigned long long)seed);
	printf("1..1\n");
	return 0;
}
