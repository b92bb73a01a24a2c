// SPDX-License-Identifier: GPL-2.0
/*
 * `sealjit jit`: the image of a filter, each BPF instruction printed above
 * the native code it became.  The native code is disassembled by objdump
 * when there is one on PATH (binutils knows x86 far better than anything
 * we would write here); otherwise it is shown as hex bytes.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "filter_file.h"
#include "listing.h"

#define HEX_PER_LINE	16

/**
 * struct listing - what is printed, and how far
 * @prog: the filter
 * @len: its length
 * @addrs: native offset of each instruction, @addrs[@len] the end
 * @next: first instruction whose heading is not printed yet
 */
struct listing {
	const struct sock_filter *prog;
	u32 len;
	const u32 *addrs;
	u32 next;
};

/* Headings of every instruction that starts at or before @off. */
static void headings_upto(struct listing *l, u64 off)
{
	char text[96];

	for (; l->next < l->len && l->addrs[l->next] <= off; l->next++) {
		sj_disasm_insn(text, sizeof(text), &l->prog[l->next], l->next,
			       l->len);
		printf("insn %u: %s\n", l->next, text);
	}
}

static void hex_range(const u8 *image, u32 from, u32 to)
{
	u32 i;

	for (i = from; i < to; i++)
		printf("%s%02x%s", (i - from) % HEX_PER_LINE ? " " : "",
		       image[i],
		       (i - from) % HEX_PER_LINE == HEX_PER_LINE - 1 ||
		       i + 1 == to ? "\n" : "");
}

static void hex_listing(struct listing *l, const u8 *image, u32 image_len)
{
	u32 from = 0, to, i;

	if (l->addrs[0])
		printf("prologue:\n");
	/* Each piece: up to the next instruction's start, or the end. */
	while (from < image_len) {
		headings_upto(l, from);
		to = image_len;
		for (i = l->next; i <= l->len; i++)
			if (l->addrs[i] > from) {
				to = min(l->addrs[i], image_len);
				break;
			}
		for (; from < to; from += HEX_PER_LINE) {
			printf("%4x:\t", from);
			hex_range(image, from, min(from + HEX_PER_LINE, to));
		}
		from = to;
	}
}

/* The first executable @name in $PATH, into @buf. */
static bool find_in_path(const char *name, char *buf, size_t size)
{
	const char *path = getenv("PATH"), *p, *colon;
	int n;

	if (!path)
		return false;
	for (p = path; ; p = colon + 1) {
		colon = strchr(p, ':');
		if (!colon)
			colon = p + strlen(p);
		/* An empty entry means the current directory, as for execvp. */
		n = snprintf(buf, size, "%.*s%s%s", (int)(colon - p), p,
			     colon == p ? "" : "/", name);
		if (n > 0 && (size_t)n < size && !access(buf, X_OK))
			return true;
		if (!*colon)
			return false;
	}
}

/* The native offset an objdump line starts with ("  1f:\t..."), if any. */
static bool native_offset(const char *line, u64 *off)
{
	const char *p = line;
	char *end;

	while (*p == ' ')
		p++;
	if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
		return false;
	*off = strtoull(p, &end, 16);
	return end[0] == ':' && end[1] == '\t';
}

static int run_objdump(struct listing *l, const char *objdump,
		       const char *file)
{
	char *const argv[] = {
		"objdump", "-D", "-z", "-b", "binary", "-m", "i386:x86-64",
		(char *)file, NULL,
	};
	char *line = NULL;
	size_t cap = 0;
	int fds[2], status;
	pid_t pid;
	FILE *f;
	u64 off;

	if (pipe(fds))
		return -errno;
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return -errno;
	}
	if (!pid) {
		close(fds[0]);
		if (dup2(fds[1], STDOUT_FILENO) >= 0) {
			close(fds[1]);
			execv(objdump, argv);
		}
		fprintf(stderr, "sealjit: %s: %s\n", objdump, strerror(errno));
		_exit(127);
	}
	close(fds[1]);
	f = fdopen(fds[0], "r");
	if (!f) {
		close(fds[0]);
		waitpid(pid, &status, 0);
		return -ENOMEM;
	}
	/* Only instruction lines: objdump's headers name our temporary file. */
	while (getline(&line, &cap, f) >= 0) {
		if (!native_offset(line, &off))
			continue;
		headings_upto(l, off);
		fputs(line, stdout);
	}
	free(line);
	fclose(f);
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "sealjit: %s failed (status 0x%x)\n", objdump,
			status);
		return -ECHILD;
	}
	return 0;
}

static int objdump_listing(struct listing *l, const char *objdump,
			   const u8 *image, u32 image_len)
{
	const char *tmp = getenv("TMPDIR");
	char file[PATH_MAX];
	int fd, ret;

	if (!tmp || !*tmp)
		tmp = "/tmp";
	ret = snprintf(file, sizeof(file), "%s/sealjit-jit-XXXXXX", tmp);
	if (ret < 0 || (size_t)ret >= sizeof(file))
		return -ENAMETOOLONG;
	fd = mkstemp(file);
	if (fd < 0) {
		ret = -errno;
		fprintf(stderr, "sealjit: %s: %s\n", file, strerror(errno));
		return ret;
	}
	close(fd);
	ret = sj_write_file(file, image, image_len);
	if (ret)
		fprintf(stderr, "sealjit: %s: %s\n", file, strerror(-ret));
	if (l->addrs[0])
		printf("prologue:\n");
	if (!ret)
		ret = run_objdump(l, objdump, file);
	unlink(file);
	return ret;
}

/**
 * sj_print_listing() - print a compiled filter against its image
 * @prog: the filter
 * @len: its length
 * @image: its image
 * @image_len: size of @image
 * @addrs: native offset of each instruction (struct sj_jit_work.addrs)
 * @hex: hex bytes even if objdump is available
 *
 * Return: 0, or a negative errno after a message on stderr.
 */
int sj_print_listing(const struct sock_filter *prog, u32 len,
		     const u8 *image, u32 image_len, const u32 *addrs,
		     bool hex)
{
	struct listing l = { .prog = prog, .len = len, .addrs = addrs };
	char objdump[PATH_MAX];
	int ret = 0;

	if (!hex && find_in_path("objdump", objdump, sizeof(objdump)))
		ret = objdump_listing(&l, objdump, image, image_len);
	else
		hex_listing(&l, image, image_len);
	/* Instructions that emitted nothing at the very end. */
	if (!ret)
		headings_upto(&l, UINT64_MAX);
	return ret;
}
