// SPDX-License-Identifier: GPL-2.0
/*
 * Filter files are raw arrays of struct sock_filter in native byte order,
 * exactly what libseccomp's seccomp_export_bpf() writes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

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

/* One instruction in bpf_asm's syntax, jump targets as absolute indices. */
void sj_disasm_insn(char *buf, size_t size, const struct sock_filter *insn,
		    u32 pc)
{
	u16 flags = sj_op_flags(insn->code);
	char opnd[32];

	if (!(flags & SJ_OP_CLASSIC)) {
		snprintf(buf, size, ".insn 0x%04x, %u, %u, 0x%08x", insn->code,
			 insn->jt, insn->jf, insn->k);
		return;
	}
	operand(opnd, sizeof(opnd), insn);
	if (flags & SJ_OP_JA)
		snprintf(buf, size, "ja %llu",
			 (unsigned long long)pc + 1 + insn->k);
	else if (flags & SJ_OP_JCOND)
		snprintf(buf, size, "%s %s, %u, %u", sj_ops[insn->code].name,
			 opnd, pc + 1 + insn->jt, pc + 1 + insn->jf);
	else
		snprintf(buf, size, "%s%s%s", sj_ops[insn->code].name,
			 opnd[0] ? " " : "", opnd);
}
