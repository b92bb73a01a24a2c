// SPDX-License-Identifier: GPL-2.0
/*
 * Rendering of the checker's verdict as text.  The module writes this into
 * the caller's log buffer and `sealjit check` prints it, so the two can be
 * compared byte for byte.
 */
#include "check.h"

/* Appends like snprintf, but keeps counting past the end of @buf. */
struct sj_text {
	char *buf;
	u32 size;
	u32 len;	/* bytes wanted so far, without the NUL */
};

static __printf(2, 3) void text_add(struct sj_text *t, const char *fmt, ...)
{
	u32 at = min(t->len, t->size);
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(t->buf ? t->buf + at : NULL,
		      t->buf ? t->size - at : 0, fmt, ap);
	va_end(ap);
	if (n > 0)
		t->len += (u32)n;
}

static void reason_text(struct sj_text *t, const struct sj_diag *d)
{
	switch (d->reason) {
	case SEALJIT_E_OPCODE_UNKNOWN:
		text_add(t, "unknown opcode");
		break;
	case SEALJIT_E_OPCODE_REFUSED:
		text_add(t, "classic BPF opcode not allowed in seccomp filters");
		break;
	case SEALJIT_E_JUMP_RANGE:
		text_add(t, "jump offset %u goes past the end of the %u-instruction program",
			 d->value, d->len);
		break;
	case SEALJIT_E_NO_FINAL_RET:
		text_add(t, "last instruction is not ret: execution could fall off the end");
		break;
	case SEALJIT_E_LOAD_ALIGN:
		text_add(t, "load offset %u is not 4-byte aligned", d->value);
		break;
	case SEALJIT_E_LOAD_RANGE:
		text_add(t, "load offset %u is outside struct seccomp_data (%u bytes)",
			 d->value, SJ_DATA_SIZE);
		break;
	case SEALJIT_E_DIV_ZERO:
		text_add(t, "division by constant 0");
		break;
	case SEALJIT_E_SHIFT_RANGE:
		text_add(t, "shift by constant %u (must be below 32)", d->value);
		break;
	case SEALJIT_E_SCRATCH_INDEX:
		text_add(t, "scratch slot M[%u] does not exist (M[0] to M[%u])",
			 d->value, SJ_MEMWORDS - 1);
		break;
	case SEALJIT_E_SCRATCH_UNINIT:
		text_add(t, "M[%u] is read before it is written on every path to here",
			 d->value);
		break;
	case SEALJIT_E_JIT:
		text_add(t, "JIT failure (a bug of sealjit's, not the filter's): %.*s",
			 (int)sizeof(d->cause), d->cause);
		break;
	case SEALJIT_E_VALIDATE:
		text_add(t, "validator refusal (a bug of sealjit's JIT): %.*s",
			 (int)sizeof(d->cause), d->cause);
		break;
	default:
		text_add(t, "rejected for reason %u", d->reason);
		break;
	}
}

static void diag_text(struct sj_text *t, const struct sj_diag *d)
{
	const char *name = d->code < SJ_NCODES ? sj_ops[d->code].name : NULL;

	if (d->reason == SEALJIT_E_LEN_RANGE) {
		text_add(t, "filter: length %u is outside 1..%u\n", d->value,
			 SJ_MAXINSNS);
		return;
	}
	if (name)
		text_add(t, "insn %u: %s (code 0x%02x): ", d->insn, name, d->code);
	else
		text_add(t, "insn %u: code 0x%04x: ", d->insn, d->code);
	reason_text(t, d);
	text_add(t, "\n");
}

static void facts_text(struct sj_text *t, const struct sj_facts *f,
		       u32 image_size)
{
	static const char *const field[] = { "nr", "arch", "ip", "args", "len" };
	const char *sep = "";
	u32 i;

	text_add(t, "accepted: %u insns, longest path %u, scratch 0x%04x, reads ",
		 f->len, f->longest_path, f->scratch_mask);
	for (i = 0; i < ARRAY_SIZE(field); i++) {
		if (f->uses & (1U << i)) {
			text_add(t, "%s%s", sep, field[i]);
			sep = ",";
		}
	}
	if (!f->uses)
		text_add(t, "nothing");
	text_add(t, ", image %u bytes\n", image_size);
}

/**
 * sj_diag_format() - render one rejection as "insn N: op (code 0xCC): why"
 * @buf: destination, may be NULL when @size is 0
 * @size: its size
 * @diag: the rejection
 *
 * Return: the length of the full text plus its NUL, as sj_log_render().
 */
u32 sj_diag_format(char *buf, u32 size, const struct sj_diag *diag)
{
	struct sj_text t = { .buf = buf, .size = size, .len = 0 };

	diag_text(&t, diag);
	return t.len + 1;
}

/**
 * sj_log_render() - the text of a verdict at a SEALJIT_LOG_* level
 * @buf: destination, always NUL-terminated if @size > 0
 * @size: its size
 * @level: SEALJIT_LOG_*
 * @diag: the verdict; reason SEALJIT_OK means accepted
 * @facts: facts of an accepted program (unused if rejected)
 * @image_size: native image bytes of an accepted program
 *
 * Return: the bytes the full text needs, NUL included; more than @size
 * means the text was truncated.
 */
u32 sj_log_render(char *buf, u32 size, u32 level, const struct sj_diag *diag,
		  const struct sj_facts *facts, u32 image_size)
{
	struct sj_text t = { .buf = buf, .size = size, .len = 0 };

	if (buf && size)
		buf[0] = '\0';
	if (level >= SEALJIT_LOG_ERRORS && diag->reason != SEALJIT_OK)
		diag_text(&t, diag);
	if (level >= SEALJIT_LOG_FACTS && diag->reason == SEALJIT_OK)
		facts_text(&t, facts, image_size);
	return t.len + 1;
}
