// SPDX-License-Identifier: GPL-2.0
/*
 * Checker parity: every filter the kernel's seccomp rejects, sealjit
 * rejects too, and the other way round: the checker table, mutants of a
 * real filter and random instruction arrays, each given to
 * seccomp(SECCOMP_SET_MODE_FILTER) in a throwaway child and to sealjit's
 * CHECK.  Documentation/conformance.rst lists where sealjit may differ
 * (nowhere, today).
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "sj_test.h"
#include "../check_table.h"

static struct sock_filter big[SEALJIT_MAXINSNS + 2];

/* 0 if the kernel's seccomp accepts @prog, else the errno it gave. */
static int kernel_verdict(const struct sock_filter *prog, u32 len)
{
	volatile int *result = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
				    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	struct sock_fprog fprog = { .len = (unsigned short)len,
				    .filter = (struct sock_filter *)prog };
	int status, r;
	pid_t pid;

	if (result == MAP_FAILED)
		return -1;
	*result = -1;
	pid = fork();
	if (pid == 0) {
		prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
		/* The result goes to shared memory: the filter may deny exit. */
		*result = syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER, 0,
				  &fprog) ? errno : 0;
		if (*result)
			_exit(0);
		/* Filtered now, exit_group may fail: end without a syscall. */
		__builtin_trap();
	}
	waitpid(pid, &status, 0);
	r = *result;
	munmap((void *)result, 4096);
	return r;
}

static int sealjit_verdict(int fd, const struct sock_filter *prog, u32 len)
{
	struct sock_fprog fprog = { .len = (unsigned short)len,
				    .filter = (struct sock_filter *)prog };
	struct sealjit_filter_args args = { .size = sizeof(args),
					    .fprog = (uintptr_t)&fprog };

	return ioctl(fd, SEALJIT_IOC_CHECK, &args) ? errno : 0;
}

FIXTURE(parity) {
	int fd;
};

FIXTURE_SETUP(parity)
{
	self->fd = open(SEALJIT_DEVICE, O_RDWR);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(parity)
{
	close(self->fd);
}

static void same_verdict(struct __test_metadata *_metadata, int fd,
			 const char *name, const struct sock_filter *prog,
			 u32 len)
{
	int k = kernel_verdict(prog, len), s = sealjit_verdict(fd, prog, len);

	ASSERT_EQ(k, s) {
		TH_LOG("%s: seccomp %s, sealjit %s", name,
		       k ? strerror(k) : "accepts", s ? strerror(s) : "accepts");
	}
}

TEST_F(parity, the_checker_table_gets_the_same_verdicts)
{
	unsigned int i;
	u32 len;

	for (i = 0; i < check_ncases; i++) {
		const struct sock_filter *prog =
			check_case_prog(&check_cases[i], big, &len);

		if (len > 65535)
			continue;	/* not expressible in a sock_fprog */
		same_verdict(_metadata, self->fd, check_cases[i].name, prog, len);
	}
}

TEST_F(parity, mutants_of_a_real_filter_get_the_same_verdicts)
{
	const struct sock_filter base[] = {
		STMT(BPF_LD | BPF_W | BPF_ABS, 4),
		JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
		STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		STMT(BPF_LD | BPF_W | BPF_ABS, 0),
		STMT(BPF_ST, 2),
		JUMP(BPF_JMP | BPF_JGE | BPF_K, 400, 2, 0),
		STMT(BPF_LDX | BPF_MEM, 2),
		STMT(BPF_RET | BPF_A, 0),
		STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | 1),
	};
	struct sock_filter prog[9];
	unsigned long long state = 0x9a7e;
	int i, rejected = 0;

	for (i = 0; i < 1500; i++) {
		unsigned long long r;
		int at;

		memcpy(prog, base, sizeof(prog));
		state = state * 6364136223846793005ULL + 1442695040888963407ULL;
		r = state >> 11;
		at = (int)(r % 9);
		switch ((r >> 8) % 5) {
		case 0:
			prog[at].code = (u16)(r >> 16) & 0xff;
			break;
		case 1:
			prog[at].k = (u32)(r >> 20) % 80;
			break;
		case 2:
			prog[at].jt = (u8)(r >> 20) % 10;
			prog[at].jf = (u8)(r >> 28) % 10;
			break;
		case 3:
			prog[at].k = (u32)(r >> 20);
			break;
		default:
			prog[at].code = (u16)(r >> 16);
			break;
		}
		if (kernel_verdict(prog, 9))
			rejected++;
		same_verdict(_metadata, self->fd, "mutant", prog, 9);
	}
	TH_LOG("1500 mutants, %d rejected by both", rejected);
}

TEST_F(parity, lengths_at_the_limits_get_the_same_verdicts)
{
	u32 len;

	for (len = 0; len < 4; len++) {
		big[len] = STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
		same_verdict(_metadata, self->fd, "short", big, len);
	}
	for (len = 0; len < SEALJIT_MAXINSNS + 1; len++)
		big[len] = STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	same_verdict(_metadata, self->fd, "4096", big, SEALJIT_MAXINSNS);
	same_verdict(_metadata, self->fd, "4097", big, SEALJIT_MAXINSNS + 1);
}

TEST_HARNESS_MAIN
