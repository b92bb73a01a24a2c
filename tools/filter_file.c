// SPDX-License-Identifier: GPL-2.0
/*
 * Filter files are raw arrays of struct sock_filter in native byte order,
 * exactly what libseccomp's seccomp_export_bpf() writes.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "filter_file.h"

/* Return: 0, or a negative errno (-EINVAL: size not a multiple of 8). */
int sj_read_filter(const char *path, struct sock_filter **prog, u32 *len)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	size_t n;
	int err = 0;

	if (!f)
		return -errno;
	if (fstat(fileno(f), &st)) {
		err = -errno;
		goto out;
	}
	if (st.st_size % sizeof(struct sock_filter) ||
	    st.st_size / sizeof(struct sock_filter) > SJ_FILE_MAXINSNS) {
		err = -EINVAL;
		goto out;
	}
	n = st.st_size / sizeof(struct sock_filter);
	*prog = calloc(n ? n : 1, sizeof(struct sock_filter));
	if (!*prog) {
		err = -ENOMEM;
		goto out;
	}
	if (fread(*prog, sizeof(struct sock_filter), n, f) != n) {
		err = -EIO;
		free(*prog);
		goto out;
	}
	*len = (u32)n;
out:
	fclose(f);
	return err;
}

/*
 * A text file, or stdin for "-", NUL-terminated in *@text.  At most
 * SJ_TEXT_MAX bytes, so that /dev/zero cannot exhaust memory.
 * Return: 0, or a negative errno (-EFBIG: too large).
 */
int sj_read_text(const char *path, char **text, size_t *size)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	size_t n = 0, cap = 0, got;
	char *buf = NULL, *p;
	int err = 0;

	if (!f)
		return -errno;
	errno = 0;
	for (;;) {
		if (n == cap) {
			if (cap > SJ_TEXT_MAX) {
				err = -EFBIG;
				break;
			}
			cap = cap ? min(2 * cap, (size_t)SJ_TEXT_MAX + 1) : 65536;
			p = realloc(buf, cap + 1);
			if (!p) {
				err = -ENOMEM;
				break;
			}
			buf = p;
		}
		got = fread(buf + n, 1, cap - n, f);
		if (!got)
			break;
		n += got;
	}
	/* fread() leaves the cause in errno, as read(2) gave it (EISDIR). */
	if (!err && ferror(f))
		err = errno ? -errno : -EIO;
	if (f != stdin)
		fclose(f);
	if (err) {
		free(buf);
		return err;
	}
	buf[n] = '\0';
	*text = buf;
	*size = n;
	return 0;
}

/* Replaces @path with @size bytes of @data.  Return: 0 or -errno. */
int sj_write_file(const char *path, const void *data, size_t size)
{
	const char *p = data;
	int fd, err = 0;
	ssize_t n;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	while (size) {
		n = write(fd, p, size);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			err = n < 0 ? -errno : -EIO;
			break;
		}
		p += n;
		size -= n;
	}
	if (close(fd) && !err)
		err = -errno;
	return err;
}

static void operand(char *buf, size_t size, const struct sock_filter *insn)
{
	u8 kind = insn->code < SJ_NCODES ? sj_ops[insn->code].operand : 0;

	switch (kind) {
	case SJ_OPND_K:
		snprintf(buf, size, "#0x%x", insn->k);
		break;
	case SJ_OPND_X:
		snprintf(buf, size, "x");
		break;
	case SJ_OPND_A:
		snprintf(buf, size, "a");
		break;
	case SJ_OPND_ABS:
		snprintf(buf, size, "[%u]", insn->k);
		break;
	case SJ_OPND_IND:
		snprintf(buf, size, "[x + %u]", insn->k);
		break;
	case SJ_OPND_MEM:
		snprintf(buf, size, "M[%u]", insn->k);
		break;
	case SJ_OPND_LEN:
		snprintf(buf, size, "#len");
		break;
	case SJ_OPND_MSH:
		snprintf(buf, size, "4*([%u]&0xf)", insn->k);
		break;
	default:
		buf[0] = '\0';
	}
}

/*
 * Whether the mnemonic form of @insn says everything about it.  It does
 * not if a field the form does not print is set (jt of "ld [4]", k of
 * "tax") or if a jump target lies past the end, which absolute targets
 * cannot express and the assembler refuses; such instructions print as
 * ".insn", so that assembling the text always gives back the same bytes.
 */
static bool has_mnemonic_form(const struct sock_filter *insn, u32 pc, u32 len)
{
	u16 flags = sj_op_flags(insn->code);
	u64 next = (u64)pc + 1;

	if (!(flags & SJ_OP_CLASSIC) || pc >= len)
		return false;
	if (flags & SJ_OP_JA)
		return !insn->jt && !insn->jf && next + insn->k < len;
	if (flags & SJ_OP_JCOND) {
		if (next + insn->jt >= len || next + insn->jf >= len)
			return false;
	} else if (insn->jt || insn->jf) {
		return false;
	}
	switch (sj_ops[insn->code].operand) {
	case SJ_OPND_NONE:
	case SJ_OPND_X:
	case SJ_OPND_A:
	case SJ_OPND_LEN:
		return !insn->k;
	default:
		return true;
	}
}

/*
 * One instruction of a @len-instruction program in bpf_asm's syntax, jump
 * targets as absolute indices; `sealjit asm` reads it back.
 */
void sj_disasm_insn(char *buf, size_t size, const struct sock_filter *insn,
		    u32 pc, u32 len)
{
	u16 flags = sj_op_flags(insn->code);
	char opnd[32];

	if (!has_mnemonic_form(insn, pc, len)) {
		snprintf(buf, size, ".insn 0x%04x, %u, %u, 0x%08x", insn->code,
			 insn->jt, insn->jf, insn->k);
		return;
	}
	operand(opnd, sizeof(opnd), insn);
	if (flags & SJ_OP_JA)
		snprintf(buf, size, "ja %u", pc + 1 + insn->k);
	else if (flags & SJ_OP_JCOND)
		snprintf(buf, size, "%s %s, %u, %u", sj_ops[insn->code].name,
			 opnd, pc + 1 + insn->jt, pc + 1 + insn->jf);
	else
		snprintf(buf, size, "%s%s%s", sj_ops[insn->code].name,
			 opnd[0] ? " " : "", opnd);
}
