// SPDX-License-Identifier: GPL-2.0
/*
 * The text assembler behind `sealjit asm` (syntax: Documentation/asm.rst).
 *
 * It reads everything sj_disasm_insn() prints, so that any array of
 * struct sock_filter survives a disassemble/assemble round trip byte for
 * byte, and adds what people writing filters by hand want: labels,
 * symbolic constants and seccomp_data field names.  Mnemonics and operand
 * forms come from the shared opcode table (sj_ops), so the assembler and
 * the disassembler cannot disagree on an encoding.
 *
 * Two passes: the first only records labels and counts instructions, so
 * that the second can resolve forward jumps as it goes and thus report the
 * first error of the text, on its own line.  The text is never modified
 * and tokens are never copied: every token is a pointer into the text and
 * a length, so no input is too long for a buffer.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <linux/audit.h>

#include "asm.h"

/* Characters of an offending token shown in a message. */
#define QUOTE_MAX	32
#define QUOTE_SIZE	(QUOTE_MAX * 4 + 4)

/**
 * struct sym - a name the text may use for a number
 * @name: as written in the text
 * @value: what it stands for
 * @arg: true if it must be followed by "(n)", n in SECCOMP_RET_DATA
 */
struct sym {
	const char *name;
	u32 value;
	bool arg;
};

static const struct sym constants[] = {
	{ "ALLOW", SECCOMP_RET_ALLOW, false },
	{ "KILL", SECCOMP_RET_KILL, false },
	{ "KILL_PROCESS", SECCOMP_RET_KILL_PROCESS, false },
	{ "KILL_THREAD", SECCOMP_RET_KILL_THREAD, false },
	{ "TRAP", SECCOMP_RET_TRAP, false },
	{ "LOG", SECCOMP_RET_LOG, false },
	{ "ERRNO", SECCOMP_RET_ERRNO, true },
	{ "TRACE", SECCOMP_RET_TRACE, true },
	{ "USER_NOTIF", SECCOMP_RET_USER_NOTIF, false },
	{ "AUDIT_ARCH_X86_64", AUDIT_ARCH_X86_64, false },
	{ "AUDIT_ARCH_I386", AUDIT_ARCH_I386, false },
};

/* 64-bit members are little-endian on x86-64: the high half is at +4. */
#define SD_OFF(member)	offsetof(struct seccomp_data, member)

static const struct sym fields[] = {
	{ "nr", SD_OFF(nr), false },
	{ "arch", SD_OFF(arch), false },
	{ "ip", SD_OFF(instruction_pointer), false },
	{ "ip_hi", SD_OFF(instruction_pointer) + 4, false },
	{ "arg0", SD_OFF(args[0]), false },
	{ "arg0_hi", SD_OFF(args[0]) + 4, false },
	{ "arg1", SD_OFF(args[1]), false },
	{ "arg1_hi", SD_OFF(args[1]) + 4, false },
	{ "arg2", SD_OFF(args[2]), false },
	{ "arg2_hi", SD_OFF(args[2]) + 4, false },
	{ "arg3", SD_OFF(args[3]), false },
	{ "arg3_hi", SD_OFF(args[3]) + 4, false },
	{ "arg4", SD_OFF(args[4]), false },
	{ "arg4_hi", SD_OFF(args[4]) + 4, false },
	{ "arg5", SD_OFF(args[5]), false },
	{ "arg5_hi", SD_OFF(args[5]) + 4, false },
};

/* How each operand form is written, for "expected ..." in messages. */
static const char *const operand_text[] = {
	[SJ_OPND_NONE] = "no operand",
	[SJ_OPND_K] = "#k",
	[SJ_OPND_X] = "x",
	[SJ_OPND_A] = "a",
	[SJ_OPND_ABS] = "[k]",
	[SJ_OPND_IND] = "[x + k]",
	[SJ_OPND_MEM] = "M[k]",
	[SJ_OPND_LEN] = "#len",
	[SJ_OPND_MSH] = "4*([k]&0xf)",
};

/**
 * struct label - a "name:" definition
 * @name: points into the text
 * @len: length of @name
 * @insn: index of the instruction it names
 * @line: where it is defined
 */
struct label {
	const char *name;
	u32 len;
	u32 insn;
	u32 line;
};

/**
 * struct asm_ctx - the state of one sj_asm() call
 * @file: file name for messages, or NULL
 * @line: current line, from 1
 * @err: message buffer
 * @errsize: its size
 * @failed: a message has been written; later ones are dropped
 * @labels: every label, sorted by name after the first pass
 * @nlabels: how many
 * @cap: allocated entries of @labels
 * @count: instructions in the text, found by the first pass
 * @pc: index of the instruction being assembled
 * @max: room in @out
 * @out: the program
 */
struct asm_ctx {
	const char *file;
	u32 line;
	char *err;
	size_t errsize;
	bool failed;
	struct label *labels;
	u32 nlabels;
	u32 cap;
	u32 count;
	u32 pc;
	u32 max;
	struct sock_filter *out;
};

/* The unparsed rest of a line, comments removed. */
struct cur {
	const char *p;
	const char *end;
};

/* A parsed operand: its form (enum sj_operand) and its value. */
struct operand {
	u8 kind;
	u32 k;
};

static __printf(2, 3) int fail(struct asm_ctx *ctx, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (ctx->failed || !ctx->err || !ctx->errsize) {
		ctx->failed = true;
		return -EINVAL;
	}
	ctx->failed = true;
	if (ctx->file)
		n = snprintf(ctx->err, ctx->errsize, "%s:%u: ", ctx->file,
			     ctx->line);
	else
		n = snprintf(ctx->err, ctx->errsize, "%u: ", ctx->line);
	if (n >= 0 && (size_t)n < ctx->errsize) {
		va_start(ap, fmt);
		vsnprintf(ctx->err + n, ctx->errsize - n, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_word(char c)
{
	return is_alpha(c) || is_digit(c);
}

static void skip_blanks(struct cur *c)
{
	while (c->p < c->end && is_blank(*c->p))
		c->p++;
}

static bool at_end(struct cur *c)
{
	skip_blanks(c);
	return c->p == c->end;
}

/* Consumes @ch after optional blanks; false (and nothing eaten) if absent. */
static bool eat(struct cur *c, char ch)
{
	skip_blanks(c);
	if (c->p == c->end || *c->p != ch)
		return false;
	c->p++;
	return true;
}

/* Length of the word at @p: letters, digits and '_'. */
static u32 word_len(const char *p, const char *end)
{
	const char *q = p;

	while (q < end && is_word(*q))
		q++;
	return (u32)(q - p);
}

/* Length of the identifier at @p, 0 if there is none. */
static u32 ident_len(const char *p, const char *end)
{
	return p < end && is_alpha(*p) ? word_len(p, end) : 0;
}

/* True if the word at @c->p is exactly @word. */
static bool is_keyword(const struct cur *c, const char *word)
{
	size_t n = strlen(word);

	return word_len(c->p, c->end) == n && !memcmp(c->p, word, n);
}

/*
 * @s..@e made printable for a message: unprintable bytes as \xNN, cut
 * after QUOTE_MAX characters, since the text may be anything at all.
 */
static const char *quote(char *buf, const char *s, const char *e)
{
	size_t n = 0, i;

	for (i = 0; s + i < e && i < QUOTE_MAX; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch >= 0x20 && ch < 0x7f)
			buf[n++] = (char)ch;
		else
			n += snprintf(buf + n, QUOTE_SIZE - n, "\\x%02x", ch);
	}
	if (s + i < e) {
		memcpy(buf + n, "...", 3);
		n += 3;
	}
	buf[n] = '\0';
	return buf;
}

/* End of the token at @p for a message: up to a blank or a comma. */
static const char *token_end(const char *p, const char *end)
{
	while (p < end && !is_blank(*p) && *p != ',')
		p++;
	return p;
}

/* @end moved back over blanks, down to @p at most. */
static const char *trim_end(const char *p, const char *end)
{
	while (end > p && is_blank(end[-1]))
		end--;
	return end;
}

/* End of the operand at @p for a message: up to a comma, blanks trimmed. */
static const char *operand_end(const char *p, const char *end)
{
	const char *q = p;

	while (q < end && *q != ',')
		q++;
	return trim_end(p, q);
}

/*
 * A decimal or 0x hexadecimal number of at most 32 bits.  A leading zero
 * is an error rather than octal or decimal: either reading would surprise
 * someone.  The caller has seen a digit at @c->p.
 */
static int parse_number(struct asm_ctx *ctx, struct cur *c, u32 *val)
{
	const char *s = c->p, *e = s + word_len(s, c->end), *p = s;
	char q[QUOTE_SIZE];
	unsigned int base = 10, d;
	u64 v = 0;

	if (e - s >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		p = s + 2;
		if (p == e)
			return fail(ctx, "bad number '%s'", quote(q, s, e));
	} else if (e - s >= 2 && s[0] == '0') {
		return fail(ctx, "bad number '%s' (leading zero; octal is not supported)",
			    quote(q, s, e));
	}
	for (; p < e; p++) {
		if (is_digit(*p))
			d = *p - '0';
		else if (*p >= 'a' && *p <= 'f')
			d = *p - 'a' + 10;
		else if (*p >= 'A' && *p <= 'F')
			d = *p - 'A' + 10;
		else
			d = 16;
		if (d >= base)
			return fail(ctx, "bad number '%s'", quote(q, s, e));
		v = v * base + d;
		if (v > 0xffffffffULL)
			return fail(ctx, "number '%s' does not fit in 32 bits",
				    quote(q, s, e));
	}
	*val = (u32)v;
	c->p = e;
	return 0;
}

static const struct sym *find_sym(const struct sym *tab, size_t n,
				  const char *name, u32 len)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strlen(tab[i].name) == len && !memcmp(tab[i].name, name, len))
			return &tab[i];
	return NULL;
}

/*
 * The value after '#': a number, a constant, or ERRNO(n)/TRACE(n).
 * Return: 0, -EINVAL after a message, 1 if this is no value at all.
 */
static int parse_value(struct asm_ctx *ctx, struct cur *c, u32 *val)
{
	static const char prefix[] = "SECCOMP_RET_";
	const char *s = c->p;
	u32 n = ident_len(s, c->end), data;
	const struct sym *sym;
	char q[QUOTE_SIZE];
	int ret;

	if (c->p < c->end && is_digit(*c->p))
		return parse_number(ctx, c, val);
	if (!n)
		return 1;
	sym = find_sym(constants, ARRAY_SIZE(constants), s, n);
	/* The kernel's own spelling is accepted too. */
	if (!sym && n > sizeof(prefix) - 1 &&
	    !memcmp(s, prefix, sizeof(prefix) - 1))
		sym = find_sym(constants, ARRAY_SIZE(constants),
			       s + sizeof(prefix) - 1, n - (sizeof(prefix) - 1));
	if (!sym)
		return fail(ctx, "unknown constant '%s'", quote(q, s, s + n));
	c->p += n;
	*val = sym->value;
	if (!sym->arg)
		return 0;
	if (!eat(c, '('))
		return fail(ctx, "%s needs a value: %s(n)", sym->name,
			    sym->name);
	skip_blanks(c);
	if (c->p == c->end || !is_digit(*c->p))
		return fail(ctx, "bad value '%s' for %s(n): expected a number",
			    quote(q, c->p, token_end(c->p, c->end)), sym->name);
	ret = parse_number(ctx, c, &data);
	if (ret)
		return ret;
	if (data > SECCOMP_RET_DATA)
		return fail(ctx, "%s(%u): the value does not fit in 16 bits",
			    sym->name, data);
	if (!eat(c, ')'))
		return fail(ctx, "expected ')' after %s(%u", sym->name, data);
	*val |= data;
	return 0;
}

/* An offset into seccomp_data: a number or a field name. */
static int parse_offset(struct asm_ctx *ctx, struct cur *c, u32 *val)
{
	const struct sym *f;
	char q[QUOTE_SIZE];
	u32 n;

	skip_blanks(c);
	n = ident_len(c->p, c->end);
	if (c->p < c->end && is_digit(*c->p))
		return parse_number(ctx, c, val);
	if (!n)
		return fail(ctx, "bad offset '%s': expected a number or a seccomp_data field",
			    quote(q, c->p, token_end(c->p, c->end)));
	f = find_sym(fields, ARRAY_SIZE(fields), c->p, n);
	if (!f)
		return fail(ctx, "unknown seccomp_data field '%s'",
			    quote(q, c->p, c->p + n));
	c->p += n;
	*val = f->value;
	return 0;
}

static int expect_close(struct asm_ctx *ctx, struct cur *c, char ch,
			const char *s)
{
	char q[QUOTE_SIZE];

	if (eat(c, ch))
		return 0;
	return fail(ctx, "expected '%c' in '%s'", ch,
		    quote(q, s, operand_end(s, c->end)));
}

/* "[k]" or "[x + k]"; @c->p is at '['. */
static int parse_bracket(struct asm_ctx *ctx, struct cur *c,
			 struct operand *o)
{
	const char *s = c->p;
	int ret;

	c->p++;
	skip_blanks(c);
	o->kind = SJ_OPND_ABS;
	o->k = 0;
	if (c->p < c->end && (*c->p == 'x' || *c->p == 'X') &&
	    word_len(c->p, c->end) == 1) {
		c->p++;
		o->kind = SJ_OPND_IND;
		if (!eat(c, '+'))
			return expect_close(ctx, c, ']', s);
	}
	ret = parse_offset(ctx, c, &o->k);
	return ret ? ret : expect_close(ctx, c, ']', s);
}

/* "M[k]"; @c->p is at 'M'. */
static int parse_mem(struct asm_ctx *ctx, struct cur *c, struct operand *o)
{
	const char *s = c->p;
	int ret;

	c->p++;
	if (!eat(c, '['))
		return 1;
	skip_blanks(c);
	if (c->p == c->end || !is_digit(*c->p))
		return 1;
	ret = parse_number(ctx, c, &o->k);
	if (ret)
		return ret;
	o->kind = SJ_OPND_MEM;
	return expect_close(ctx, c, ']', s);
}

/* "4*([k]&0xf)", the msh load; @c->p is at '4'. */
static int parse_msh(struct asm_ctx *ctx, struct cur *c, struct operand *o)
{
	u32 mask;
	int ret;

	c->p++;
	if (!eat(c, '*') || !eat(c, '(') || !eat(c, '['))
		return 1;
	ret = parse_offset(ctx, c, &o->k);
	if (ret)
		return ret;
	if (!eat(c, ']') || !eat(c, '&'))
		return 1;
	skip_blanks(c);
	if (c->p == c->end || !is_digit(*c->p))
		return 1;
	ret = parse_number(ctx, c, &mask);
	if (ret)
		return ret;
	if (mask != 0xf || !eat(c, ')'))
		return 1;
	o->kind = SJ_OPND_MSH;
	return 0;
}

/*
 * One operand, any form.  Return: 0, -EINVAL after a message, 1 if the
 * text is no operand at all (the caller knows what was expected).
 */
static int parse_operand(struct asm_ctx *ctx, struct cur *c,
			 struct operand *o)
{
	u32 n = word_len(c->p, c->end);

	o->k = 0;
	switch (*c->p) {
	case '#':
		c->p++;
		if (is_keyword(c, "len")) {
			c->p += 3;
			o->kind = SJ_OPND_LEN;
			return 0;
		}
		o->kind = SJ_OPND_K;
		return parse_value(ctx, c, &o->k);
	case 'x':
	case 'X':
	case 'a':
	case 'A':
		if (n != 1)
			return 1;
		o->kind = (*c->p | 0x20) == 'x' ? SJ_OPND_X : SJ_OPND_A;
		c->p++;
		return 0;
	case '[':
		return parse_bracket(ctx, c, o);
	case 'M':
		return n == 1 ? parse_mem(ctx, c, o) : 1;
	case '4':
		if (n != 1)
			return 1;
		return parse_msh(ctx, c, o);
	default:
		return 1;
	}
}

/* The opcode named @name with operand form @kind, or -1. */
static int find_code(const char *name, u8 kind)
{
	int code;

	for (code = 0; code < SJ_NCODES; code++)
		if (sj_ops[code].name && sj_ops[code].operand == kind &&
		    !strcmp(sj_ops[code].name, name))
			return code;
	return -1;
}

/* The table's spelling of mnemonic @s (length @n), or NULL. */
static const char *find_mnemonic(const char *s, u32 n, u16 *flags)
{
	const char *name = NULL;
	int code;

	*flags = 0;
	for (code = 0; code < SJ_NCODES; code++) {
		if (!sj_ops[code].name || strlen(sj_ops[code].name) != n ||
		    memcmp(sj_ops[code].name, s, n))
			continue;
		name = sj_ops[code].name;
		*flags |= sj_ops[code].flags;
	}
	return name;
}

/* "#k, [k] or M[k]": the operand forms @name takes, in table order. */
static const char *expected(char *buf, size_t size, const char *name)
{
	u32 seen = 0, n = 0, i;
	u8 kinds[SJ_NCODES];
	size_t pos = 0;
	int code;

	for (code = 0; code < SJ_NCODES; code++) {
		u8 kind = sj_ops[code].operand;

		if (!sj_ops[code].name || strcmp(sj_ops[code].name, name) ||
		    (seen & BIT(kind)))
			continue;
		seen |= BIT(kind);
		kinds[n++] = kind;
	}
	buf[0] = '\0';
	for (i = 0; i < n && pos < size; i++)
		pos += snprintf(buf + pos, size - pos, "%s%s",
				!i ? "" : i + 1 == n ? " or " : ", ",
				operand_text[kinds[i]]);
	return buf;
}

static int bad_operand(struct asm_ctx *ctx, const char *name, const char *s,
		       const char *end)
{
	char q[QUOTE_SIZE], list[128];

	if (find_code(name, SJ_OPND_NONE) >= 0)
		return fail(ctx, "unexpected operand '%s' for %s",
			    quote(q, s, operand_end(s, end)), name);
	return fail(ctx, "bad operand '%s' for %s: expected %s",
		    quote(q, s, operand_end(s, end)), name,
		    expected(list, sizeof(list), name));
}

static int label_cmp(const void *a, const void *b)
{
	const struct label *x = a, *y = b;
	int d = memcmp(x->name, y->name, min(x->len, y->len));

	if (d)
		return d;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	/* The first definition of a name sorts first: it is the one used. */
	return x->name < y->name ? -1 : x->name > y->name;
}

/* The first definition of @name (length @n), or NULL. */
static const struct label *find_label(const struct asm_ctx *ctx,
				      const char *name, u32 n)
{
	u32 lo = 0, hi = ctx->nlabels, mid;
	int d;

	/* Lower bound on (name, len) alone: the pointer breaks no tie. */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		d = memcmp(ctx->labels[mid].name, name,
			   min(ctx->labels[mid].len, n));
		if (!d && ctx->labels[mid].len != n)
			d = ctx->labels[mid].len < n ? -1 : 1;
		if (d < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < ctx->nlabels && ctx->labels[lo].len == n &&
	    !memcmp(ctx->labels[lo].name, name, n))
		return &ctx->labels[lo];
	return NULL;
}

/*
 * A jump target: a label or an absolute instruction index, as disasm
 * prints it.  @off gets the offset from the next instruction, at most
 * @limit.
 */
static int parse_target(struct asm_ctx *ctx, struct cur *c, const char *name,
			u32 limit, u32 *off)
{
	const struct label *l;
	char q[QUOTE_SIZE], desc[QUOTE_SIZE + 32];
	const char *s;
	u32 target, n;
	int ret;

	skip_blanks(c);
	s = c->p;
	n = ident_len(s, c->end);
	if (s == c->end || *s == ',')
		return fail(ctx, "missing jump target for %s", name);
	if (is_digit(*s)) {
		ret = parse_number(ctx, c, &target);
		if (ret)
			return ret;
		snprintf(desc, sizeof(desc), "insn %u", target);
	} else if (n) {
		l = find_label(ctx, s, n);
		if (!l)
			return fail(ctx, "unknown label '%s'", quote(q, s, s + n));
		c->p += n;
		target = l->insn;
		snprintf(desc, sizeof(desc), "'%s' (insn %u)",
			 quote(q, s, s + n), target);
	} else {
		return fail(ctx, "bad jump target '%s'",
			    quote(q, s, token_end(s, c->end)));
	}
	if (target <= ctx->pc)
		return fail(ctx, "backward jump to %s (classic BPF jumps only go forward)",
			    desc);
	if (target >= ctx->count)
		return fail(ctx, "jump target %s is past the end of the program (%u instructions)",
			    desc, ctx->count);
	*off = target - ctx->pc - 1;
	if (*off > limit)
		return fail(ctx, "jump offset %u to %s is above 255, the most jt/jf can hold",
			    *off, desc);
	return 0;
}

/* Expects a comma before more text; the caller handles the end of line. */
static int comma(struct asm_ctx *ctx, struct cur *c)
{
	char q[QUOTE_SIZE];

	if (eat(c, ','))
		return 0;
	return fail(ctx, "expected ',' before '%s'",
		    quote(q, c->p, operand_end(c->p, c->end)));
}

/* ".insn CODE, JT, JF, K": any four fields, checked or not. */
static int assemble_raw(struct asm_ctx *ctx, struct cur *c,
			struct sock_filter *insn)
{
	static const char *const what[] = { "code", "jt", "jf", "k" };
	static const u32 limit[] = { 0xffff, 0xff, 0xff, 0xffffffff };
	char q[QUOTE_SIZE];
	u32 v[4], i;
	int ret;

	for (i = 0; i < 4; i++) {
		if (i && !at_end(c) && comma(ctx, c))
			return -EINVAL;
		if (at_end(c))
			return fail(ctx, "missing .insn field: .insn takes CODE, JT, JF, K");
		if (!is_digit(*c->p))
			return fail(ctx, "bad .insn %s '%s': expected a number",
				    what[i],
				    quote(q, c->p, operand_end(c->p, c->end)));
		ret = parse_number(ctx, c, &v[i]);
		if (ret)
			return ret;
		if (v[i] > limit[i])
			return fail(ctx, ".insn %s %u does not fit in %u bits",
				    what[i], v[i], i ? 8 : 16);
	}
	insn->code = (u16)v[0];
	insn->jt = (u8)v[1];
	insn->jf = (u8)v[2];
	insn->k = v[3];
	return 0;
}

/* One instruction, at @c->p, into @insn. */
static int assemble_insn(struct asm_ctx *ctx, struct cur *c,
			 struct sock_filter *insn)
{
	const char *s = c->p, *name;
	u32 n = ident_len(s, c->end), off = 0;
	struct operand o = { SJ_OPND_NONE, 0 };
	char q[QUOTE_SIZE], list[128];
	u16 flags = 0;
	int code, ret;

	memset(insn, 0, sizeof(*insn));
	if (*s == '.') {
		n = 1 + word_len(s + 1, c->end);
		if (n != 5 || memcmp(s, ".insn", 5) ||
		    (s + n < c->end && !is_blank(s[n])))
			return fail(ctx, "unknown directive '%s'",
				    quote(q, s, token_end(s, c->end)));
		c->p += n;
		ret = assemble_raw(ctx, c, insn);
		goto trailing;
	}
	name = n ? find_mnemonic(s, n, &flags) : NULL;
	if (!name || (s + n < c->end && !is_blank(s[n])))
		return fail(ctx, "unknown mnemonic '%s'",
			    quote(q, s, token_end(s, c->end)));
	c->p += n;

	if (flags & SJ_OP_JA) {
		ret = parse_target(ctx, c, name, 0xffffffff, &off);
		insn->code = BPF_JMP | BPF_JA;
		insn->k = off;
		goto trailing;
	}
	if (!at_end(c) && *c->p != ',') {
		s = c->p;
		ret = parse_operand(ctx, c, &o);
		if (ret > 0)
			return bad_operand(ctx, name, s, c->end);
		if (ret)
			return ret;
	}
	code = find_code(name, o.kind);
	if (code < 0 && o.kind == SJ_OPND_NONE)
		return fail(ctx, "missing operand for %s: expected %s", name,
			    expected(list, sizeof(list), name));
	if (code < 0)
		return bad_operand(ctx, name, s, c->end);
	insn->code = (u16)code;
	insn->k = o.k;
	ret = 0;
	if (flags & SJ_OP_JCOND) {
		/* "jeq #k, TRUE": FALSE is the next instruction. */
		if (at_end(c))
			return fail(ctx, "missing jump target for %s", name);
		ret = comma(ctx, c);
		if (!ret)
			ret = parse_target(ctx, c, name, 0xff, &off);
		insn->jt = (u8)off;
		if (!ret && eat(c, ',')) {
			ret = parse_target(ctx, c, name, 0xff, &off);
			insn->jf = (u8)off;
		}
	}
trailing:
	if (ret)
		return ret;
	if (!at_end(c))
		return fail(ctx, "unexpected text '%s'",
			    quote(q, c->p, trim_end(c->p, c->end)));
	return 0;
}

/* Stops @c at the comment, if any: ';', or '#' then a blank or the end. */
static void strip_comment(struct cur *c)
{
	const char *p;
	bool first = true;

	for (p = c->p; p < c->end; p++) {
		if (*p == ';')
			break;
		/* Elsewhere '#' begins a constant: "ret #0". */
		if (*p == '#' && (first || p + 1 == c->end || is_blank(p[1])))
			break;
		if (!is_blank(*p))
			first = false;
	}
	c->end = p;
}

/* "N:" as disasm prints it: skipped; true if there was one. */
static bool skip_index(struct cur *c, const char **num)
{
	const char *p;

	skip_blanks(c);
	*num = c->p;
	for (p = c->p; p < c->end && is_digit(*p); p++)
		;
	if (p == c->p)
		return false;
	c->p = p;
	if (!eat(c, ':')) {
		c->p = *num;
		return false;
	}
	return true;
}

/* A label definition at @c->p: its length, 0 if none. */
static u32 label_here(struct cur *c)
{
	u32 n;

	skip_blanks(c);
	n = ident_len(c->p, c->end);
	return n && c->p + n < c->end && c->p[n] == ':' ? n : 0;
}

/* Pass 1: records labels, counts instructions. */
static int collect_line(struct asm_ctx *ctx, struct cur c)
{
	const char *num;
	struct label *l;
	u32 n;

	skip_index(&c, &num);
	while ((n = label_here(&c))) {
		if (ctx->nlabels == ctx->cap) {
			size_t cap = ctx->cap ? 2 * (size_t)ctx->cap : 64;

			l = cap <= UINT32_MAX ?
				realloc(ctx->labels, cap * sizeof(*l)) : NULL;
			if (!l) {
				fail(ctx, "out of memory");
				return -ENOMEM;
			}
			ctx->labels = l;
			ctx->cap = (u32)cap;
		}
		ctx->labels[ctx->nlabels++] = (struct label){
			.name = c.p, .len = n, .insn = ctx->count,
			.line = ctx->line,
		};
		c.p += n + 1;
	}
	/* Saturated: pass 2 stops at @max instructions anyway. */
	if (!at_end(&c) && ctx->count < UINT32_MAX)
		ctx->count++;
	return 0;
}

/* Pass 2: assembles. */
static int assemble_line(struct asm_ctx *ctx, struct cur c)
{
	const struct label *l;
	char q[QUOTE_SIZE];
	const char *num;
	u32 n, index;
	int ret;

	if (skip_index(&c, &num)) {
		struct cur d = { num, c.end };

		ret = parse_number(ctx, &d, &index);
		if (ret)
			return ret;
		/* Absolute jump targets refer to these indices. */
		if (index != ctx->pc)
			return fail(ctx, "index %u does not match the instruction's position %u",
				    index, ctx->pc);
	}
	while ((n = label_here(&c))) {
		l = find_label(ctx, c.p, n);
		if (l && l->name != c.p)
			return fail(ctx, "duplicate label '%s' (first defined on line %u)",
				    quote(q, c.p, c.p + n), l->line);
		c.p += n + 1;
	}
	if (at_end(&c))
		return 0;
	if (ctx->pc >= ctx->max)
		return fail(ctx, "too many instructions (at most %u)", ctx->max);
	ret = assemble_insn(ctx, &c, &ctx->out[ctx->pc]);
	if (ret)
		return ret;
	ctx->pc++;
	return 0;
}

/* Pass 1 (collect_line) or pass 2 (assemble_line) over every line. */
static int scan_lines(struct asm_ctx *ctx, const char *text, bool pass2)
{
	const char *p = text, *e;
	struct cur c;
	int ret = 0;

	for (ctx->line = 1; !ret; ctx->line++) {
		for (e = p; *e && *e != '\n'; e++)
			;
		c.p = p;
		c.end = e;
		strip_comment(&c);
		ret = pass2 ? assemble_line(ctx, c) : collect_line(ctx, c);
		if (!*e)
			break;
		p = e + 1;
	}
	return ret;
}

/**
 * sj_asm() - assemble a filter from text
 * @text: the source, NUL-terminated
 * @filename: prefix of the message, or NULL for "LINE: message"
 * @out: the instructions
 * @max: room in @out
 * @len: out: how many instructions were written
 * @err: out: the first error, as "FILE:LINE: message", without a newline
 * @errsize: size of @err
 *
 * Return: 0; -EINVAL if the text has an error (described in @err);
 * -ENOMEM.
 */
int sj_asm(const char *text, const char *filename, struct sock_filter *out,
	   u32 max, u32 *len, char *err, size_t errsize)
{
	struct asm_ctx ctx = {
		.file = filename, .err = err, .errsize = errsize,
		.max = max, .out = out,
	};
	int ret;

	if (err && errsize)
		err[0] = '\0';
	ret = scan_lines(&ctx, text, false);
	if (!ret) {
		if (ctx.nlabels)
			qsort(ctx.labels, ctx.nlabels, sizeof(*ctx.labels),
			      label_cmp);
		ret = scan_lines(&ctx, text, true);
	}
	if (!ret)
		*len = ctx.pc;
	free(ctx.labels);
	return ret;
}
