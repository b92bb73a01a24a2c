// SPDX-License-Identifier: GPL-2.0
/*
 * Tests that need the debug build's switches (make module-debug; the VM
 * script runs this binary against that build only):
 *  - fail-closed inheritance: when a child's copy of the chain cannot be
 *    made, the child dies before it runs anything;
 *  - constant blinding, scanned in the sealed images themselves;
 *  - the SHA-256 check of sealed images notices a changed byte.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "sj_test.h"

#define FAIL_FORK "/sys/kernel/debug/sealjit/fail_fork"

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY), ok;

	if (fd < 0)
		return -1;
	ok = write(fd, text, strlen(text)) == (ssize_t)strlen(text);
	close(fd);
	return ok ? 0 : -1;
}

TEST(a_child_whose_chain_cannot_be_copied_never_runs)
{
	int fds[2], status, kills;
	pid_t pid;
	char c;

	ASSERT_EQ(0, access(FAIL_FORK, W_OK)) {
		TH_LOG("%s missing: load the SEALJIT_DEBUG=1 build", FAIL_FORK);
	}
	ASSERT_EQ(0, pipe(fds));
	ASSERT_EQ(0, sj_nnp());
	ASSERT_EQ(0, sj_load_for(__NR_getppid, SECCOMP_RET_ERRNO | 9));
	kills = sj_stat("fork_kills");
	ASSERT_EQ(0, write_file(FAIL_FORK, "1"));
	pid = fork();
	if (pid == 0) {
		/* Unfiltered code must never get here. */
		if (write(fds[1], "x", 1) != 1)
			_exit(3);
		_exit(0);
	}
	close(fds[1]);
	ASSERT_LT(0, pid);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFSIGNALED(status));
	EXPECT_EQ(SIGKILL, WTERMSIG(status));
	EXPECT_EQ(0, read(fds[0], &c, 1));
	EXPECT_EQ(kills + 1, sj_stat("fork_kills"));

	/* The switch is spent: the next child inherits normally. */
	pid = fork();
	if (pid == 0)
		_exit(syscall(__NR_getppid) == -1 && errno == 9 ? 0 : 1);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static char *read_all(const char *path, size_t *len)
{
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap);
	int fd = open(path, O_RDONLY);
	ssize_t r;

	if (fd < 0 || !buf)
		return NULL;
	while ((r = read(fd, buf + n, cap - n)) > 0) {
		n += r;
		if (n == cap) {
			cap *= 2;
			buf = realloc(buf, cap);
			if (!buf)
				return NULL;
		}
	}
	close(fd);
	*len = n;
	return buf;
}

static int holds(const char *buf, size_t len, __u32 v)
{
	size_t i;

	for (i = 0; i + 4 <= len; i++)
		if (!memcmp(buf + i, &v, 4))
			return 1;
	return 0;
}

/* Constants chosen as code never appear in sealed images. */
TEST(planted_constants_never_appear_in_sealed_images)
{
	static const __u32 planted[] = { 0xc3c3c3c3, 0x90909090 };
	size_t len;
	char *dump;
	int i;

	ASSERT_EQ(0, sj_nnp());
	for (i = 0; i < 2; i++) {
		__u32 k = planted[i];
		const struct sock_filter prog[] = {
			STMT(BPF_LD | BPF_IMM, k), STMT(BPF_LDX | BPF_IMM, k),
			STMT(BPF_ALU | BPF_ADD | BPF_K, k),
			STMT(BPF_ALU | BPF_MUL | BPF_K, k),
			STMT(BPF_ALU | BPF_DIV | BPF_K, k),
			STMT(BPF_ALU | BPF_XOR | BPF_K, k),
			JUMP(BPF_JMP | BPF_JEQ | BPF_K, k, 0, 0),
			JUMP(BPF_JMP | BPF_JSET | BPF_K, k, 0, 0),
			STMT(BPF_LD | BPF_W | BPF_ABS, 0),
			JUMP(BPF_JMP | BPF_JGT | BPF_K, 100000, 0, 1),
			STMT(BPF_RET | BPF_K, k),
			STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		};

		ASSERT_EQ(0, sj_load(prog, LEN(prog)));
	}
	dump = read_all("/sys/kernel/debug/sealjit/dump", &len);
	ASSERT_NE(NULL, dump);
	ASSERT_LE(2 * 4096, len);
	EXPECT_EQ(0, holds(dump, len, 0xc3c3c3c3));
	EXPECT_EQ(0, holds(dump, len, 0x90909090));
	/* Control: the scan does find what is there, such as the prologue. */
	EXPECT_EQ(1, holds(dump, len, 0xe5894855));	/* push %rbp; mov %rsp,%rbp */
	free(dump);
}

TEST(a_changed_byte_in_a_sealed_image_is_detected)
{
	size_t len;
	char *text;

	ASSERT_EQ(0, sj_nnp());
	ASSERT_EQ(0, sj_load_for(__NR_getppid, SECCOMP_RET_ERRNO | 9));
	text = read_all("/sys/kernel/debug/sealjit/verify", &len);
	ASSERT_NE(NULL, text);
	text[len - 1] = '\0';
	EXPECT_NE(NULL, strstr(text, ", 0 mismatches")) {
		TH_LOG("%s", text);
	}
	free(text);
	ASSERT_EQ(0, write_file("/sys/kernel/debug/sealjit/tamper", "1"));
	text = read_all("/sys/kernel/debug/sealjit/verify", &len);
	ASSERT_NE(NULL, text);
	text[len - 1] = '\0';
	EXPECT_NE(NULL, strstr(text, ", 1 mismatches")) {
		TH_LOG("%s", text);
	}
	EXPECT_NE(NULL, strstr(text, "mismatch "));
	free(text);
	/* The filter still works: only padding was changed. */
	EXPECT_EQ(-1, syscall(__NR_getppid));
}

TEST_HARNESS_MAIN
