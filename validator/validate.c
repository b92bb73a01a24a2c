// SPDX-License-Identifier: GPL-2.0
/*
 * Validation of a JIT image against the checked program it was made from,
 * in two passes over the native code, both of which must pass:
 *
 * Translation validation (lift_program).  The program and the native
 * code are walked in lockstep.  At BPF instruction i the native
 * instructions at the cursor are lifted to one BPF instruction -- opcode
 * from the native opcodes and condition codes, constant from the
 * immediates (a blinded constant is mov $a; xor $key: k = a ^ key), jump
 * targets as native offsets -- and the lift must equal prog[i].  Once
 * every instruction's native start is known, each lifted target must be
 * the start of the BPF instruction prog[i] names.  The program is only
 * consulted where the native code alone is ambiguous:
 *
 *   - ja 0 emits nothing: an empty native sequence lifts to ja 0 only
 *     where the program has ja 0;
 *   - mov $k, %eax followed by a return sequence is ret #k where the
 *     program has a ret, else ld #k (then ret a);
 *   - ld #len and ld #64 (ldx alike) are the same mov $64: the program's
 *     spelling is accepted; blinded, only #len may be a plain mov;
 *   - how many native branches a conditional jump has (0, 1 or 2) is
 *     taken from its jt and jf; a cmp with no jcc (jt == jf) lifts to
 *     any of jeq, jgt, jge, whichever the program has.
 *
 * Safety (safety_pass), from the decoded stream alone, not from the
 * program: the image is the prologue (endbr64 first exactly when the
 * options ask for it, and nowhere else), then instructions of the known
 * forms, every return being leave; ret (or jmp to the return thunk);
 * int3, and it ends with one.  Branches go strictly forward to the start
 * of an instruction inside the image, never into the prologue or into a
 * return sequence; loads only from 0..60(%rdi) and the frame, stores only
 * to the frame, 4-byte slots at -64..-4(%rbp), and the frame only if the
 * prologue made it.
 *
 * The lifted semantics, derived from the Intel SDM: cmp %src, %eax sets
 * ZF = (A == src) and CF = (A < src) unsigned, so jeq is je (ZF), jgt is
 * ja (!CF && !ZF), jge is jae (!CF); test %src, %eax sets ZF = !(A & src),
 * so jset is jne.  Each condition code's negation is the pair's other
 * member: jne, jbe, jb and je after test.  A jcc to the true branch
 * goes on to the false one when not taken, and vice versa; with both
 * branches elsewhere, jcc then jmp.  The validator accepts either form of a choice that does
 * not change the meaning (imm8 or imm32, rel8 or rel32, jcc or its
 * negation with the targets swapped): it checks meaning, not the
 * emitter's choices.
 */
#include "validate.h"

/* The program instruction, its don't-care fields cleared. */
struct bpf_want {
	u16 code;
	u32 k;
	u32 jt;
	u32 jf;
	bool len;	/* ld/ldx #len, spelt as ld/ldx #64 here */
	u8 branches;	/* native branches of a conditional jump: 0 to 2 */
};

/* The instruction lifted from native code. */
struct bpf_lifted {
	u16 code;
	u32 k;
	bool any_cmp;	/* cmp and no jcc: jeq, jgt and jge lift alike */
	bool plain;	/* a constant of the filter seen as an immediate */
	u32 t;		/* native target of jt (of ja) */
	u32 f;		/* native target of jf */
};

struct vctx {
	const struct sock_filter *prog;
	u32 len;
	const u8 *code;
	u32 code_len;
	const struct sj_validate_opts *opts;
	struct sj_validate_work *w;
	struct sj_validate_result *res;
	u32 pos;	/* native cursor */
	u32 insn;	/* BPF instruction being lifted */
	bool frame;	/* the prologue made the 64-byte frame */
	bool have_key;
	u32 key;
	bool pool;		/* opts->pool, pool_addr and pool_k, copied */
	u64 pool_addr;
	const u32 *pool_k;
};

/*
 * ACSL (Frama-C WP, -wp-rte) for the safety pass: a context whose image is
 * readable, whose work and result are writable and separate from it.
 */
/*@ predicate img(struct vctx *c) = rd(c->code, c->code_len) && c->code_len <= SJ_VAL_MAX_IMAGE; */
/*@ predicate out(struct vctx *c) = \valid(c->res) && \valid(c->w) && \valid_read(c->opts); */
/*@ predicate ok(struct vctx *c) = \valid(c) && img(c) && out(c) && \separated(c, c->res, c->w); */
/*@ predicate has_res(struct vctx *c) = \valid(c) && \valid(c->res) && \separated(c, c->res); */
/*@ predicate in(integer len, integer o, integer n) = 0 < len && o + len <= n; */
/*@ predicate at(struct vctx *c, integer end) = ok(c) && end == c->code_len; */
/*
 * ...and for the lift: a program readable for its length, whatever its
 * instructions; scratch instructions (d) and lifts (l) of the caller's that
 * nothing else aliases.
 */
/*@
 * predicate prg(struct vctx *c) = 0 < c->len <= SJ_VAL_MAXINSNS &&
 *	\valid_read(c->prog + (0 .. c->len - 1)) &&
 *	(c->pool ==> \valid_read(c->pool_k + (0 .. c->len - 1)));
 */
/*@ predicate lifting(struct vctx *c) = ok(c) && prg(c); */
/*@
 * predicate scratch(struct vctx *c, struct sj_vx_insn *d) =
 *	\valid(d) && \separated(d, c, c->res, c->w);
 */
/*@
 * predicate lout(struct vctx *c, struct bpf_lifted *l) =
 *	\valid(l) && \separated(l, c, c->res, c->w);
 */
/*@
 * predicate wout(struct vctx *c, struct bpf_want *w) =
 *	\valid(w) && \separated(w, c, c->res, c->w);
 */

/*@ requires has_res(c); assigns *c->res; ensures \result == -1; */
static int fail(struct vctx *c, u32 reason, u32 off)
{
	c->res->reason = reason;
	c->res->offset = off;
	c->res->insn = c->insn;
	return -1;
}

/* --- the program side ----------------------------------------------------- */

/* The opcodes seccomp knows, by what want_of() makes of them. */
enum want_form { W_BAD, W_PLAIN, W_LEN, W_MEM, W_X, W_JA, W_COND };

/*@
 * assigns \nothing;
 * ensures \result == W_JA <==> code == (BPF_JMP | BPF_JA);
 */
static enum want_form want_form(u16 code)
{
	switch (code) {
	case BPF_LD | BPF_W | BPF_ABS:
	case BPF_LD | BPF_IMM:
	case BPF_LDX | BPF_IMM:
	case BPF_ALU | BPF_ADD | BPF_K:
	case BPF_ALU | BPF_SUB | BPF_K:
	case BPF_ALU | BPF_MUL | BPF_K:
	case BPF_ALU | BPF_DIV | BPF_K:
	case BPF_ALU | BPF_AND | BPF_K:
	case BPF_ALU | BPF_OR | BPF_K:
	case BPF_ALU | BPF_XOR | BPF_K:
	case BPF_ALU | BPF_LSH | BPF_K:
	case BPF_ALU | BPF_RSH | BPF_K:
	case BPF_RET | BPF_K:
		return W_PLAIN;
	case BPF_LD | BPF_W | BPF_LEN:
	case BPF_LDX | BPF_W | BPF_LEN:
		return W_LEN;
	case BPF_LD | BPF_MEM:
	case BPF_LDX | BPF_MEM:
	case BPF_ST:
	case BPF_STX:
		return W_MEM;
	case BPF_ALU | BPF_ADD | BPF_X:
	case BPF_ALU | BPF_SUB | BPF_X:
	case BPF_ALU | BPF_MUL | BPF_X:
	case BPF_ALU | BPF_DIV | BPF_X:
	case BPF_ALU | BPF_AND | BPF_X:
	case BPF_ALU | BPF_OR | BPF_X:
	case BPF_ALU | BPF_XOR | BPF_X:
	case BPF_ALU | BPF_LSH | BPF_X:
	case BPF_ALU | BPF_RSH | BPF_X:
	case BPF_ALU | BPF_NEG:
	case BPF_RET | BPF_A:
	case BPF_MISC | BPF_TAX:
	case BPF_MISC | BPF_TXA:
		return W_X;
	case BPF_JMP | BPF_JA:
		return W_JA;
	case BPF_JMP | BPF_JEQ | BPF_K:
	case BPF_JMP | BPF_JGT | BPF_K:
	case BPF_JMP | BPF_JGE | BPF_K:
	case BPF_JMP | BPF_JSET | BPF_K:
	case BPF_JMP | BPF_JEQ | BPF_X:
	case BPF_JMP | BPF_JGT | BPF_X:
	case BPF_JMP | BPF_JGE | BPF_X:
	case BPF_JMP | BPF_JSET | BPF_X:
		return W_COND;
	default:
		return W_BAD;
	}
}

/*
 * prog[i] as the lift will be compared with it.  Only seccomp's opcodes are
 * known; jumps must stay in the program and M[] indices below 16, so that
 * every index used later is in range even for a program nobody checked.
 */
/*@
 * requires lifting(c) && i < c->len && wout(c, w);
 * assigns *w, *c->res;
 * ensures !\result ==> i + 1 + w->jt <= c->len;
 * ensures !\result ==> i + 1 + w->jf <= c->len;
 * ensures !\result && w->code == (BPF_JMP | BPF_JA) ==>
 *	i + 1 + w->k < c->len;
 */
static int want_of(struct vctx *c, u32 i, struct bpf_want *w)
{
	u16 code = c->prog[i].code;
	u32 k = c->prog[i].k;
	u8 jt = c->prog[i].jt, jf = c->prog[i].jf;
	u32 room = c->len - i - 1;	/* instructions after i */
	enum want_form form = want_form(code);
	bool known = true;

	w->code = code;
	w->k = k;
	w->jt = 0;
	w->jf = 0;
	w->len = false;
	w->branches = 0;
	if (form == W_LEN) {
		w->code = code == (BPF_LD | BPF_W | BPF_LEN) ?
			  BPF_LD | BPF_IMM : BPF_LDX | BPF_IMM;
		w->k = 64;	/* sizeof(struct seccomp_data) */
		w->len = true;
	} else if (form == W_MEM) {
		known = k < 16;
	} else if (form == W_X) {
		w->k = 0;
	} else if (form == W_JA) {
		known = k < room;
	} else if (form == W_COND) {
		known = jt < room && jf < room;
		if (BPF_SRC(code) == BPF_X)
			w->k = 0;
		w->jt = jt;
		w->jf = jf;
		if (jt == jf)
			w->branches = jt ? 1 : 0;
		else
			w->branches = jt && jf ? 2 : 1;
	} else if (form == W_BAD) {
		known = false;
	}
	return known ? 0 : fail(c, SJ_VAL_E_PROG, c->pos);
}

/* --- reading native code ------------------------------------------------- */

/*@ requires ok(c) && scratch(c, d); assigns *d; */
static int peek(struct vctx *c, struct sj_vx_insn *d)
{
	if (c->pos >= c->code_len) {
		d->kind = SJ_VX_BAD;
		return -1;
	}
	return sj_vx_decode(c->code, c->code_len, c->pos, d);
}

/* The instruction at the cursor, which moves past it. */
/*@ requires ok(c) && scratch(c, d); assigns *d, c->pos, *c->res; */
static int take(struct vctx *c, struct sj_vx_insn *d)
{
	if (c->pos >= c->code_len)
		return fail(c, SJ_VAL_E_END, c->pos);
	if (sj_vx_decode(c->code, c->code_len, c->pos, d))
		return fail(c, SJ_VAL_E_DECODE, c->pos);
	c->pos += d->len;
	return 0;
}

/* take(), and the instruction must be @kind. */
/*@ requires ok(c) && scratch(c, d); assigns *d, c->pos, *c->res; */
static int take_kind(struct vctx *c, struct sj_vx_insn *d, u8 kind, u32 reason)
{
	u32 at = c->pos;

	if (take(c, d))
		return -1;
	return d->kind == kind ? 0 : fail(c, reason, at);
}

/* xor %reg, %reg */
/*@ requires \valid_read(d); assigns \nothing; */
static bool is_clear(const struct sj_vx_insn *d, u8 reg)
{
	return d->kind == SJ_VX_ALU_RR && d->op == SJ_VX_XOR &&
	       d->dst == reg && d->src == reg;
}

/*
 * Where the branch @d at @at lands: forward (displacement >= 0, so beyond
 * the branch itself) and inside the image.
 */
/*@
 * requires has_res(c) && \valid_read(d) && \valid(target);
 * assigns *target, *c->res;
 */
static int branch_target(struct vctx *c, const struct sj_vx_insn *d, u32 at,
			 u32 *target)
{
	u32 end = at + d->len;

	if (d->disp < 0 || (u32)d->disp >= c->code_len - end)
		return fail(c, SJ_VAL_E_BRANCH, at);
	*target = end + (u32)d->disp;
	return 0;
}

/* The absolute address a jmp ending at @end goes to, for the return thunk. */
/*@ requires \valid_read(c) && \valid_read(c->opts); assigns \nothing; */
static u64 thunk_dest(const struct vctx *c, u32 end, s32 disp)
{
	return c->opts->base + end + (u64)(s64)disp;
}

/*
 * The constant a rip-relative operand @d at @at reads: the pool slot of the
 * instruction being lifted, and no other address, or the image is refused.
 */
/*@
 * requires lifting(c) && \valid_read(d) && \valid(k) && \separated(k, c, c->res);
 * assigns *c->res, *k;
 */
static int pool_const(struct vctx *c, const struct sj_vx_insn *d, u32 at,
		      u32 *k)
{
	u64 addr = c->opts->base + at + d->len + (u64)(s64)d->disp;

	if (!c->pool || c->insn >= c->len ||
	    addr != c->pool_addr + 4 * (u64)c->insn)
		return fail(c, SJ_VAL_E_POOL, at);
	*k = c->pool_k[c->insn];
	return 0;
}

/* --- lifting --------------------------------------------------------------- */

/*
 * [endbr64;] push %rbp; mov %rsp, %rbp; [sub $64, %rsp];
 * xor %eax, %eax; xor %ecx, %ecx
 */
/*@ requires ok(c); assigns c->pos, c->frame, *c->res; */
static int lift_prologue(struct vctx *c)
{
	struct sj_vx_insn d;
	u32 at;

	if (c->opts->endbr &&
	    take_kind(c, &d, SJ_VX_ENDBR64, SJ_VAL_E_PROLOGUE))
		return -1;
	if (take_kind(c, &d, SJ_VX_PUSH_RBP, SJ_VAL_E_PROLOGUE) ||
	    take_kind(c, &d, SJ_VX_MOV_RSP_RBP, SJ_VAL_E_PROLOGUE))
		return -1;
	if (!peek(c, &d) && d.kind == SJ_VX_SUB_RSP) {
		if (d.imm != 64)
			return fail(c, SJ_VAL_E_STACK, c->pos);
		c->pos += d.len;
		c->frame = true;
	}
	/* A = 0 and X = 0 on entry, as the kernel's classic BPF has them. */
	at = c->pos;
	if (take(c, &d) || !is_clear(&d, SJ_VX_EAX))
		return fail(c, SJ_VAL_E_PROLOGUE, at);
	at = c->pos;
	if (take(c, &d) || !is_clear(&d, SJ_VX_ECX))
		return fail(c, SJ_VAL_E_PROLOGUE, at);
	return 0;
}

/* leave; ret; int3 -- or leave; jmp <the return thunk>; int3 */
/*@ requires ok(c); assigns c->pos, *c->res; */
static int lift_exit(struct vctx *c)
{
	struct sj_vx_insn d;
	u32 at;

	if (take_kind(c, &d, SJ_VX_LEAVE, SJ_VAL_E_EXIT))
		return -1;
	at = c->pos;
	if (take(c, &d))
		return -1;
	if (c->opts->ret_thunk) {
		if (d.kind != SJ_VX_JMP || !d.wide ||
		    thunk_dest(c, at + d.len, d.disp) != c->opts->ret_thunk)
			return fail(c, SJ_VAL_E_THUNK, at);
	} else if (d.kind != SJ_VX_RET) {
		return fail(c, SJ_VAL_E_EXIT, at);
	}
	return take_kind(c, &d, SJ_VX_INT3, SJ_VAL_E_EXIT);
}

/*
 * The constant of mov $a, %reg at the cursor's left: a; or, when blinding,
 * a ^ key if xor $key, %reg follows.  Every key must be the same non-zero
 * value: a zero key would leave the filter's constant in the image.
 */
/*@
 * requires ok(c) && \valid_read(mov) && \valid(k) && \valid(plain);
 * requires \separated(k, plain, c, c->res, c->w);
 * assigns c->pos, c->have_key, c->key, *c->res, *k, *plain;
 */
static int lift_const(struct vctx *c, const struct sj_vx_insn *mov, u32 *k,
		      bool *plain)
{
	struct sj_vx_insn x;

	*k = mov->imm;
	*plain = true;
	if (!c->opts->blind || peek(c, &x) || x.kind != SJ_VX_ALU_IMM ||
	    x.op != SJ_VX_XOR || !x.wide || x.dst != mov->dst)
		return 0;
	if (!x.imm || (c->have_key && x.imm != c->key))
		return fail(c, SJ_VAL_E_KEY, c->pos);
	c->have_key = true;
	c->key = x.imm;
	c->pos += x.len;
	*k ^= x.imm;
	*plain = false;
	return 0;
}

/*
 * @l as the BPF_ALU instruction of x86 ALU /digit @op at @at, with operand
 * @src (BPF_K or BPF_X).  cmp is not one, nor any /digit the decoder may
 * learn later: those fail rather than read as some operation.
 */
/*@
 * requires has_res(c) && \valid(l) && \separated(l, c->res);
 * assigns *c->res, l->code;
 */
static int lift_alu(struct vctx *c, u8 op, u16 src, u32 at,
		    struct bpf_lifted *l)
{
	switch (op) {
	case SJ_VX_ADD:
		l->code = BPF_ALU | BPF_ADD | src;
		return 0;
	case SJ_VX_OR:
		l->code = BPF_ALU | BPF_OR | src;
		return 0;
	case SJ_VX_AND:
		l->code = BPF_ALU | BPF_AND | src;
		return 0;
	case SJ_VX_SUB:
		l->code = BPF_ALU | BPF_SUB | src;
		return 0;
	case SJ_VX_XOR:
		l->code = BPF_ALU | BPF_XOR | src;
		return 0;
	}
	return fail(c, SJ_VAL_E_SHAPE, at);
}

/*
 * The BPF condition a jcc tests after cmp (@test false) or test, and
 * whether it jumps when that condition holds (@taken) or when it does not.
 * Return: 0, or -1 for a condition code that is neither.
 */
/*@ requires \valid(op) && \valid(taken); assigns *op, *taken; */
static int cond_of(bool test, u8 cc, u16 *op, bool *taken)
{
	if (test) {
		*op = BPF_JSET;
		*taken = cc == SJ_VX_CC_NE;
		return cc == SJ_VX_CC_NE || cc == SJ_VX_CC_E ? 0 : -1;
	}
	switch (cc) {
	case SJ_VX_CC_E:
	case SJ_VX_CC_NE:
		*op = BPF_JEQ;
		*taken = cc == SJ_VX_CC_E;
		return 0;
	case SJ_VX_CC_A:
	case SJ_VX_CC_BE:
		*op = BPF_JGT;
		*taken = cc == SJ_VX_CC_A;
		return 0;
	case SJ_VX_CC_AE:
	case SJ_VX_CC_B:
		*op = BPF_JGE;
		*taken = cc == SJ_VX_CC_AE;
		return 0;
	default:
		return -1;
	}
}

/*
 * The branches after cmp (@test false) or test, @src_x if the operand is
 * X: as many as the program's jt and jf need (struct bpf_want).  None: both
 * targets are the next instruction.  One: jmp (jt == jf), or jcc with the
 * next instruction on the other side.  Two: jcc, then jmp for the other
 * side.
 */
/*@
 * requires ok(c) && \valid_read(w) && lout(c, l);
 * assigns c->pos, *c->res, *l;
 */
static int lift_cond(struct vctx *c, const struct bpf_want *w, bool test,
		     bool src_x, struct bpf_lifted *l)
{
	struct sj_vx_insn d;
	u32 at, t = 0, f = 0;
	bool taken = true, jcc = false;
	u16 op = test ? BPF_JSET : BPF_JEQ;

	if (w->branches >= 1) {
		at = c->pos;
		if (take(c, &d))
			return -1;
		if (d.kind == SJ_VX_JCC) {
			if (cond_of(test, d.op, &op, &taken))
				return fail(c, SJ_VAL_E_OPCODE, at);
			jcc = true;
		} else if (d.kind != SJ_VX_JMP || w->branches != 1) {
			return fail(c, SJ_VAL_E_SHAPE, at);
		}
		if (branch_target(c, &d, at, &t))
			return -1;
		f = t;
	}
	if (w->branches == 2) {
		at = c->pos;
		if (take_kind(c, &d, SJ_VX_JMP, SJ_VAL_E_SHAPE) ||
		    branch_target(c, &d, at, &f))
			return -1;
	} else if (jcc) {
		f = c->pos;	/* not taken, the jcc goes on to the next insn */
	}
	if (w->branches == 0) {
		t = c->pos;
		f = c->pos;
	}
	l->code = BPF_JMP | op | (src_x ? BPF_X : BPF_K);
	l->any_cmp = !test && !jcc;
	l->t = taken ? t : f;
	l->f = taken ? f : t;
	return 0;
}

/*
 * div x: the kernel's classic BPF returns 0 when X is 0, so
 *	test %ecx, %ecx; jne 1f; xor %eax, %eax; <return>;
 *	1: xor %edx, %edx; div %ecx
 * (the test at the cursor's left).  %edx cleared makes the quotient fit.
 */
/*@ requires ok(c) && lout(c, l); assigns c->pos, *c->res, *l; */
static int lift_div_x(struct vctx *c, struct bpf_lifted *l)
{
	struct sj_vx_insn d;
	u32 at = c->pos, skip;

	if (take(c, &d))
		return -1;
	if (d.kind != SJ_VX_JCC || d.op != SJ_VX_CC_NE)
		return fail(c, SJ_VAL_E_SHAPE, at);
	if (branch_target(c, &d, at, &skip))
		return -1;
	if (take(c, &d) || !is_clear(&d, SJ_VX_EAX))
		return fail(c, SJ_VAL_E_SHAPE, c->pos);
	if (lift_exit(c))
		return -1;
	if (c->pos != skip)
		return fail(c, SJ_VAL_E_TARGET, at);
	at = c->pos;
	if (take(c, &d) || !is_clear(&d, SJ_VX_EDX))
		return fail(c, SJ_VAL_E_SHAPE, at);
	at = c->pos;
	if (take(c, &d) || d.kind != SJ_VX_DIV || d.src != SJ_VX_ECX)
		return fail(c, SJ_VAL_E_SHAPE, at);
	l->code = BPF_ALU | BPF_DIV | BPF_X;
	return 0;
}

/* What uses a constant held in %esi (the mov at the cursor's left). */
/*@
 * requires ok(c) && \valid_read(w) && lout(c, l);
 * assigns c->pos, *c->res, *l;
 */
static int lift_esi_use(struct vctx *c, const struct bpf_want *w,
			struct bpf_lifted *l)
{
	struct sj_vx_insn d;
	u32 at = c->pos;

	if (take(c, &d))
		return -1;
	if (d.kind == SJ_VX_ALU_RR && d.dst == SJ_VX_EAX &&
	    d.src == SJ_VX_ESI) {
		if (d.op == SJ_VX_CMP)
			return lift_cond(c, w, false, false, l);
		return lift_alu(c, d.op, BPF_K, at, l);
	}
	if (d.kind == SJ_VX_IMUL_RR && d.src == SJ_VX_ESI) {
		l->code = BPF_ALU | BPF_MUL | BPF_K;
		return 0;
	}
	if (d.kind == SJ_VX_TEST_RR && d.dst == SJ_VX_EAX &&
	    d.src == SJ_VX_ESI)
		return lift_cond(c, w, true, false, l);
	if (is_clear(&d, SJ_VX_EDX)) {
		at = c->pos;
		if (take(c, &d) || d.kind != SJ_VX_DIV || d.src != SJ_VX_ESI)
			return fail(c, SJ_VAL_E_SHAPE, at);
		/* prog[i] was checked; a zero divisor here would fault */
		if (!l->k)
			return fail(c, SJ_VAL_E_DIV_ZERO, at);
		l->code = BPF_ALU | BPF_DIV | BPF_K;
		return 0;
	}
	return fail(c, SJ_VAL_E_SHAPE, at);
}

/*
 * A constant (in l->k) just moved into A (@dst %eax) or X (%ecx): ld #k,
 * ldx #k, or, followed by a return sequence where the program has a
 * return, ret #k.
 */
/*@
 * requires ok(c) && \valid_read(w) && lout(c, l);
 * assigns c->pos, *c->res, *l;
 */
static int lift_k_into(struct vctx *c, const struct bpf_want *w, u8 dst,
		       struct bpf_lifted *l)
{
	struct sj_vx_insn d;

	if (dst == SJ_VX_EAX) {
		/* ret #k, or ld #k followed by ret a: the program says which */
		if (BPF_CLASS(w->code) == BPF_RET && !peek(c, &d) &&
		    d.kind == SJ_VX_LEAVE) {
			l->code = BPF_RET | BPF_K;
			return lift_exit(c);
		}
		l->code = BPF_LD | BPF_IMM;
		return 0;
	}
	l->code = BPF_LDX | BPF_IMM;
	return 0;
}

/* mov $imm, %reg (at the cursor's left) and what follows it. */
/*@
 * requires ok(c) && \valid_read(w) && \valid_read(mov) && lout(c, l);
 * assigns c->pos, c->have_key, c->key, *c->res, *l;
 */
static int lift_mov_imm(struct vctx *c, const struct bpf_want *w,
			const struct sj_vx_insn *mov, struct bpf_lifted *l)
{
	if (lift_const(c, mov, &l->k, &l->plain))
		return -1;
	if (mov->dst == SJ_VX_EAX || mov->dst == SJ_VX_ECX)
		return lift_k_into(c, w, mov->dst, l);
	return lift_esi_use(c, w, l);
}

/* mov d8(%rdi), %eax: ld [d8]; mov d8(%rbp), %eax / %ecx: ld / ldx M[]. */
/*@ requires has_res(c) && \valid_read(d) && lout(c, l); assigns *c->res, *l; */
static int lift_load(struct vctx *c, const struct sj_vx_insn *d, u32 at,
		     struct bpf_lifted *l)
{
	if (d->src == SJ_VX_EDI) {
		/* seccomp_data is 64 bytes: 4 bytes at 0..60 */
		if (d->disp < 0 || d->disp > 60)
			return fail(c, SJ_VAL_E_MEM, at);
		l->code = BPF_LD | BPF_W | BPF_ABS;
		l->k = (u32)d->disp;
		return 0;
	}
	if (!c->frame)
		return fail(c, SJ_VAL_E_STACK, at);
	if (d->disp < -64 || d->disp > -4 || d->disp % 4)
		return fail(c, SJ_VAL_E_MEM, at);
	l->code = d->dst == SJ_VX_EAX ? BPF_LD | BPF_MEM : BPF_LDX | BPF_MEM;
	l->k = (u32)(d->disp + 64) / 4;
	return 0;
}

/* mov %eax / %ecx, d8(%rbp): st / stx M[]. */
/*@ requires has_res(c) && \valid_read(d) && lout(c, l); assigns *c->res, *l; */
static int lift_store(struct vctx *c, const struct sj_vx_insn *d, u32 at,
		      struct bpf_lifted *l)
{
	if (!c->frame)
		return fail(c, SJ_VAL_E_STACK, at);
	if (d->disp < -64 || d->disp > -4 || d->disp % 4)
		return fail(c, SJ_VAL_E_MEM, at);
	l->code = d->src == SJ_VX_EAX ? BPF_ST : BPF_STX;
	l->k = (u32)(d->disp + 64) / 4;
	return 0;
}

/*
 * divl d32(%rip) after the xor %edx, %edx at the cursor's left: div #k
 * with k from the pool.
 */
/*@ requires lifting(c) && lout(c, l); assigns c->pos, *c->res, *l; */
static int lift_div_rip(struct vctx *c, struct bpf_lifted *l)
{
	struct sj_vx_insn d;
	u32 at = c->pos;

	if (take(c, &d) || d.kind != SJ_VX_DIV_RIP)
		return fail(c, SJ_VAL_E_SHAPE, at);
	if (pool_const(c, &d, at, &l->k))
		return -1;
	/* prog[i] was checked; a zero divisor here would fault */
	if (!l->k)
		return fail(c, SJ_VAL_E_DIV_ZERO, at);
	l->code = BPF_ALU | BPF_DIV | BPF_K;
	return 0;
}

/* An instruction @d at @at whose operand is its constant in the pool. */
/*@
 * requires lifting(c) && \valid_read(w) && \valid_read(d) && lout(c, l);
 * assigns c->pos, *c->res, *l;
 */
static int lift_rip(struct vctx *c, const struct bpf_want *w,
		    const struct sj_vx_insn *d, u32 at, struct bpf_lifted *l)
{
	if (pool_const(c, d, at, &l->k))
		return -1;
	switch (d->kind) {
	case SJ_VX_LOAD_RIP:
		return lift_k_into(c, w, d->dst, l);
	case SJ_VX_ALU_RIP:
		if (d->op == SJ_VX_CMP)
			return lift_cond(c, w, false, false, l);
		return lift_alu(c, d->op, BPF_K, at, l);
	case SJ_VX_IMUL_RIP:
		l->code = BPF_ALU | BPF_MUL | BPF_K;
		return 0;
	case SJ_VX_TEST_RIP:
		return lift_cond(c, w, true, false, l);
	default:
		break;
	}
	/* divl only after xor %edx, %edx (lift_div_rip()) */
	return fail(c, SJ_VAL_E_SHAPE, at);
}

/*
 * One BPF instruction from the native code at the cursor.  The opcode of
 * the first native instruction decides the BPF class; @w is consulted only
 * for the ambiguities listed at the top of this file.
 */
/*@
 * requires lifting(c) && \valid_read(w) && lout(c, l);
 * assigns c->pos, c->have_key, c->key, *c->res, *l;
 */
static int lift_insn(struct vctx *c, const struct bpf_want *w,
		     struct bpf_lifted *l)
{
	struct sj_vx_insn d;
	u32 at = c->pos;

	if (w->code == (BPF_JMP | BPF_JA) && !w->k) {
		l->code = BPF_JMP | BPF_JA;	/* emits nothing */
		l->t = at;
		return 0;
	}
	if (take(c, &d))
		return -1;
	switch (d.kind) {
	case SJ_VX_MOV_IMM:
		return lift_mov_imm(c, w, &d, l);
	case SJ_VX_LOAD:
		return lift_load(c, &d, at, l);
	case SJ_VX_STORE:
		return lift_store(c, &d, at, l);
	case SJ_VX_MOV_RR:
		l->code = BPF_MISC | (d.dst == SJ_VX_ECX ? BPF_TAX : BPF_TXA);
		return 0;
	case SJ_VX_LOAD_RIP:
	case SJ_VX_ALU_RIP:
	case SJ_VX_IMUL_RIP:
	case SJ_VX_TEST_RIP:
	case SJ_VX_DIV_RIP:
		return lift_rip(c, w, &d, at, l);
	case SJ_VX_ALU_RR:
		if (is_clear(&d, SJ_VX_EDX))
			return lift_div_rip(c, l);
		if (d.dst != SJ_VX_EAX || d.src != SJ_VX_ECX)
			break;
		if (d.op == SJ_VX_CMP)
			return lift_cond(c, w, false, true, l);
		return lift_alu(c, d.op, BPF_X, at, l);
	case SJ_VX_ALU_IMM:
		if (d.dst != SJ_VX_EAX)
			break;
		l->k = d.imm;
		l->plain = true;
		if (d.op == SJ_VX_CMP)
			return lift_cond(c, w, false, false, l);
		return lift_alu(c, d.op, BPF_K, at, l);
	case SJ_VX_IMUL_RR:
		if (d.src != SJ_VX_ECX)
			break;
		l->code = BPF_ALU | BPF_MUL | BPF_X;
		return 0;
	case SJ_VX_IMUL_IMM:
		l->code = BPF_ALU | BPF_MUL | BPF_K;
		l->k = d.imm;
		l->plain = true;
		return 0;
	case SJ_VX_TEST_RR:
		if (d.dst == SJ_VX_ECX)
			return lift_div_x(c, l);
		if (d.src != SJ_VX_ECX)
			break;
		return lift_cond(c, w, true, true, l);
	case SJ_VX_TEST_IMM:
		l->k = d.imm;
		l->plain = true;
		return lift_cond(c, w, true, false, l);
	case SJ_VX_SHIFT_IMM:
	case SJ_VX_SHIFT_CL:
		/* shift counts below 32 are not blinded: not a "plain" k */
		l->code = BPF_ALU | (d.op == SJ_VX_SHL ? BPF_LSH : BPF_RSH) |
			  (d.kind == SJ_VX_SHIFT_CL ? BPF_X : BPF_K);
		l->k = d.imm;
		return 0;
	case SJ_VX_NEG:
		l->code = BPF_ALU | BPF_NEG;
		return 0;
	case SJ_VX_LEAVE:
		c->pos = at;
		l->code = BPF_RET | BPF_A;
		return lift_exit(c);
	case SJ_VX_JMP:
		l->code = BPF_JMP | BPF_JA;
		return branch_target(c, &d, at, &l->t);
	default:
		break;
	}
	return fail(c, SJ_VAL_E_SHAPE, at);
}

/* Lifted and wanted must be the same instruction; keep the targets. */
/*@
 * requires lifting(c) && c->insn < c->len;
 * requires \valid_read(w) && \valid_read(l);
 * assigns *c->res, c->w->target[c->insn][0 .. 1];
 */
static int compare(struct vctx *c, const struct bpf_want *w,
		   const struct bpf_lifted *l, u32 at)
{
	u16 op = BPF_OP(w->code);
	bool same = l->code == w->code;

	if (!same && l->any_cmp && BPF_CLASS(w->code) == BPF_JMP &&
	    BPF_SRC(w->code) == BPF_SRC(l->code) &&
	    (op == BPF_JEQ || op == BPF_JGT || op == BPF_JGE))
		same = true;
	if (!same)
		return fail(c, SJ_VAL_E_OPCODE, at);
	if (l->plain && (c->opts->blind || c->pool) && !w->len)
		return fail(c, c->pool ? SJ_VAL_E_POOL : SJ_VAL_E_BLIND, at);
	/* ja's k is its target, checked with the others in check_targets() */
	if (l->k != w->k && w->code != (BPF_JMP | BPF_JA))
		return fail(c, SJ_VAL_E_CONST, at);
	c->w->target[c->insn][0] = l->t;
	c->w->target[c->insn][1] = l->f;
	return 0;
}

/* Every lifted target must be where the program's target starts. */
/*@ requires lifting(c); assigns c->insn, *c->res; */
static int check_targets(struct vctx *c)
{
	struct bpf_want w;
	u32 i;

	/*@
	 * loop invariant 0 <= i <= c->len;
	 * loop assigns i, w, c->insn, *c->res;
	 * loop variant c->len - i;
	 */
	for (i = 0; i < c->len; i++) {
		c->insn = i;
		if (want_of(c, i, &w))
			return -1;
		if (w.code == (BPF_JMP | BPF_JA) &&
		    c->w->start[i + 1 + w.k] != c->w->target[i][0])
			return fail(c, SJ_VAL_E_TARGET, c->w->start[i]);
		if (BPF_CLASS(w.code) == BPF_JMP && BPF_OP(w.code) != BPF_JA &&
		    (c->w->start[i + 1 + w.jt] != c->w->target[i][0] ||
		     c->w->start[i + 1 + w.jf] != c->w->target[i][1]))
			return fail(c, SJ_VAL_E_TARGET, c->w->start[i]);
	}
	return 0;
}

/*@
 * requires lifting(c);
 * assigns c->insn, c->pos, c->frame, c->have_key, c->key, *c->res, *c->w;
 */
static int lift_program(struct vctx *c)
{
	struct bpf_want w;
	struct bpf_lifted l;
	u32 i, at;

	c->insn = SJ_VAL_NO_INSN;
	if (lift_prologue(c))
		return -1;
	/*@
	 * loop invariant 0 <= i <= c->len;
	 * loop assigns i, at, w, l, c->insn, c->pos, c->have_key, c->key,
	 *	*c->res, *c->w;
	 * loop variant c->len - i;
	 */
	for (i = 0; i < c->len; i++) {
		c->insn = i;
		if (want_of(c, i, &w))
			return -1;
		at = c->pos;
		c->w->start[i] = at;
		l = (struct bpf_lifted){ 0 };
		if (lift_insn(c, &w, &l) || compare(c, &w, &l, at))
			return -1;
	}
	c->w->start[c->len] = c->pos;
	c->insn = SJ_VAL_NO_INSN;
	if (c->pos != c->code_len)
		return fail(c, SJ_VAL_E_TRAILING, c->pos);
	return check_targets(c);
}

/* --- safety ---------------------------------------------------------------- */

/*@ predicate bitmap(u8 *m) = \valid(m + (0 .. SJ_VAL_MAP_BYTES - 1)); */

/*@ requires bitmap(map) && off < SJ_VAL_MAX_IMAGE; assigns map[0 .. SJ_VAL_MAP_BYTES - 1]; */
static void mark(u8 *map, u32 off)
{
	map[off / 8] |= (u8)(1U << (off % 8));
}

/* A memory operand: the 16 slots of the frame, 4 bytes each. */
/*@ assigns \nothing; */
static bool frame_slot(s32 disp)
{
	return disp >= -64 && disp <= -4 && !(disp % 4);
}

/*
 * A rip-relative operand ending at @end: a 4-byte slot of the pool, which
 * is outside the image (sj_validate() checks).
 */
/*@ requires ok(c); assigns \nothing; */
static bool pool_slot(const struct vctx *c, u32 end, s32 disp)
{
	u64 addr = c->opts->base + end + (u64)(s64)disp;

	return c->pool && addr >= c->pool_addr &&
	       addr - c->pool_addr < 4 * (u64)c->len &&
	       !((addr - c->pool_addr) % 4);
}

/*
 * One instruction after the prologue and outside a return sequence.
 * Return: 0, or the reason it is refused.
 */
/*@ requires ok(c) && in(d.len, off, c->code_len); assigns *c->w; */
static u32 safe_body(struct vctx *c, struct sj_vx_insn d, u32 off, bool frame)
{
	u32 end = off + d.len;

	switch (d.kind) {
	case SJ_VX_PUSH_RBP:
	case SJ_VX_MOV_RSP_RBP:
	case SJ_VX_SUB_RSP:
		return SJ_VAL_E_STACK;
	case SJ_VX_RET:
	case SJ_VX_INT3:
		return SJ_VAL_E_EXIT;
	case SJ_VX_LOAD:
	case SJ_VX_STORE:
		if (d.kind == SJ_VX_LOAD && d.src == SJ_VX_EDI)
			return d.disp >= 0 && d.disp <= 64 - 4 ? 0 : SJ_VAL_E_MEM;
		if (!frame)
			return SJ_VAL_E_STACK;
		return frame_slot(d.disp) ? 0 : SJ_VAL_E_MEM;
	case SJ_VX_LOAD_RIP:
	case SJ_VX_ALU_RIP:
	case SJ_VX_IMUL_RIP:
	case SJ_VX_DIV_RIP:
	case SJ_VX_TEST_RIP:
		return pool_slot(c, end, d.disp) ? 0 : SJ_VAL_E_POOL;
	case SJ_VX_JCC:
	case SJ_VX_JMP:
		if (d.disp < 0 || (u32)d.disp >= c->code_len - end)
			return SJ_VAL_E_BRANCH;
		mark(c->w->branched, end + (u32)d.disp);
		return 0;
	default:
		return 0;
	}
}

enum safety_state { S_ENDBR, S_PUSH, S_MOV, S_SUB, S_BODY, S_RET, S_INT3 };

/* The branch targets marked in branched[] must all be in landing[]. */
/*@ requires ok(c); assigns *c->res; */
static int check_landings(struct vctx *c)
{
	u32 i, b, n = c->code_len / 8 + 1;
	u8 stray;

	/*@ loop invariant 0 <= i <= n; loop assigns i, stray, b; loop variant n - i; */
	for (i = 0; i < n; i++) {
		stray = c->w->branched[i] & (u8)~c->w->landing[i];
		if (!stray)
			continue;
		/*@ loop invariant 0 <= b <= 8; loop assigns b; loop variant 8 - b; */
		for (b = 0; b < 8; b++)
			if (stray & (1U << b))
				break;
		return fail(c, SJ_VAL_E_LANDING, i * 8 + b);
	}
	return 0;
}

/* Where the walk of safety_pass() is: state, last kind, frame made. */
struct walk {
	enum safety_state state;
	u8 last;
	bool frame;
};

/*@ predicate own(struct vctx *c, struct walk *s) = \valid(s) && \separated(s, c, c->w); */

/*
 * One decoded instruction @d (a copy: nothing aliases it) at @off.
 * Return: 0, or the reason it is refused.
 */
/*@ requires ok(c) && in(d.len, off, c->code_len) && own(c, s); assigns *c->w, *s; */
static u32 safe_step(struct vctx *c, struct sj_vx_insn d, u32 off,
		     struct walk *s)
{
	if (s->state == S_SUB && d.kind != SJ_VX_SUB_RSP)
		s->state = S_BODY;		/* the frame is optional */
	s->last = d.kind;
	/* A landing pad anywhere but the entry would be a gadget for IBT. */
	if (d.kind == SJ_VX_ENDBR64 && s->state != S_ENDBR)
		return SJ_VAL_E_PROLOGUE;
	switch (s->state) {
	case S_ENDBR:
		if (d.kind != SJ_VX_ENDBR64)
			return SJ_VAL_E_PROLOGUE;
		s->state = S_PUSH;
		return 0;
	case S_PUSH:
		if (d.kind != SJ_VX_PUSH_RBP)
			return SJ_VAL_E_PROLOGUE;
		s->state = S_MOV;
		return 0;
	case S_MOV:
		if (d.kind != SJ_VX_MOV_RSP_RBP)
			return SJ_VAL_E_PROLOGUE;
		s->state = S_SUB;
		return 0;
	case S_SUB:
		if (d.imm != 64)
			return SJ_VAL_E_STACK;
		s->frame = true;
		s->state = S_BODY;
		return 0;
	case S_RET:
		if (c->opts->ret_thunk && d.kind == SJ_VX_JMP) {
			if (!d.wide ||
			    thunk_dest(c, off + d.len, d.disp) != c->opts->ret_thunk)
				return SJ_VAL_E_THUNK;
		} else if (c->opts->ret_thunk || d.kind != SJ_VX_RET) {
			return SJ_VAL_E_EXIT;
		}
		s->state = S_INT3;
		return 0;
	case S_INT3:
		if (d.kind != SJ_VX_INT3)
			return SJ_VAL_E_EXIT;
		s->state = S_BODY;
		return 0;
	default:
		break;
	}
	mark(c->w->landing, off);
	if (d.kind == SJ_VX_LEAVE)
		s->state = S_RET;
	return safe_body(c, d, off, s->frame);
}

/*@ requires ok(c); assigns *c->res, *c->w; */
static int safety_pass(struct vctx *c)
{
	u32 off = 0, i, n = c->code_len / 8 + 1, end = c->code_len, r = 0;
	struct walk s = { .state = c->opts->endbr ? S_ENDBR : S_PUSH,
			  .last = SJ_VX_BAD };
	struct sj_vx_insn d;

	/*@ loop invariant 0 <= i <= n; loop assigns i, *c->w; loop variant n - i; */
	for (i = 0; i < n; i++) {
		c->w->landing[i] = 0;
		c->w->branched[i] = 0;
	}
	/*@ loop invariant at(c, end); loop assigns off, r, s, d, *c->w; loop variant end - off; */
	while (off < end) {
		if (sj_vx_decode(c->code, end, off, &d))
			return fail(c, SJ_VAL_E_DECODE, off);
		r = safe_step(c, d, off, &s);
		if (r)
			return fail(c, r, off);
		off += d.len;
	}
	/* Nothing can run off the end: the last instruction ends a return. */
	if (s.state != S_BODY || s.last != SJ_VX_INT3)
		return fail(c, SJ_VAL_E_END, end);
	return check_landings(c);
}

/* The BPF instruction whose native code holds @off (the lift passed). */
/*@
 * requires \valid_read(c) && \valid_read(c->w);
 * requires 0 < c->len <= SJ_VAL_MAXINSNS;
 * assigns \nothing;
 */
static u32 insn_at(const struct vctx *c, u32 off)
{
	u32 lo = 0, hi = c->len, mid;

	if (off < c->w->start[0])
		return SJ_VAL_NO_INSN;
	/*@
	 * loop invariant 0 <= lo < hi <= c->len;
	 * loop assigns lo, hi, mid;
	 * loop variant hi - lo;
	 */
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (c->w->start[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/**
 * sj_validate() - check that a JIT image is safe and is the program
 * @prog: the checked program
 * @len: its length
 * @image: the native code, as it will be sealed
 * @image_len: its length, without padding
 * @opts: the form the image must have (blinding, return thunk, address)
 * @work: scratch memory
 * @res: out: the reason, native offset and BPF instruction of a rejection
 *
 * Context: any; does not sleep or allocate; reads @image and @prog only
 * within their lengths, whatever their contents.
 * Return: 0 if the image is valid; -1 otherwise, with @res filled in.
 */
int sj_validate(const struct sock_filter *prog, u32 len, const u8 *image,
		u32 image_len, const struct sj_validate_opts *opts,
		struct sj_validate_work *work, struct sj_validate_result *res)
{
	struct vctx c = {
		.prog = prog, .len = len, .code = image, .code_len = image_len,
		.opts = opts, .w = work, .res = res, .insn = SJ_VAL_NO_INSN,
		.pool = opts->pool, .pool_addr = opts->pool_addr,
		.pool_k = opts->pool_k,
	};

	res->reason = SJ_VAL_OK;
	res->offset = 0;
	res->insn = SJ_VAL_NO_INSN;
	if (!len || len > SJ_VAL_MAXINSNS || !image_len ||
	    image_len > SJ_VAL_MAX_IMAGE)
		return fail(&c, SJ_VAL_E_ARGS, 0);
	/* The thunk is outside the image, or a return could land inside it. */
	if (opts->ret_thunk && opts->ret_thunk - opts->base < image_len)
		return fail(&c, SJ_VAL_E_ARGS, 0);
	/* One way to keep constants out of the code; the pool outside it. */
	if (opts->pool &&
	    (opts->blind || !opts->pool_k ||
	     (opts->pool_addr < opts->base + image_len &&
	      opts->base < opts->pool_addr + 4 * (u64)len)))
		return fail(&c, SJ_VAL_E_ARGS, 0);
	if (lift_program(&c))
		return -1;
	if (safety_pass(&c)) {
		res->insn = insn_at(&c, res->offset);
		return -1;
	}
	return 0;
}

/**
 * sj_validate_reason() - text for a rejection reason
 * @reason: enum sj_val_reason
 *
 * Return: a static string, never NULL.
 */
const char *sj_validate_reason(u32 reason)
{
	static const char * const text[SJ_VAL_E_COUNT] = {
		[SJ_VAL_OK] = "valid",
		[SJ_VAL_E_ARGS] = "bad arguments",
		[SJ_VAL_E_PROG] = "program not checked",
		[SJ_VAL_E_DECODE] = "unknown instruction",
		[SJ_VAL_E_PROLOGUE] = "bad prologue",
		[SJ_VAL_E_STACK] = "stack or frame misuse",
		[SJ_VAL_E_MEM] = "memory operand out of range",
		[SJ_VAL_E_EXIT] = "bad return sequence",
		[SJ_VAL_E_THUNK] = "jump out of the image",
		[SJ_VAL_E_BRANCH] = "branch backwards or out of the image",
		[SJ_VAL_E_LANDING] = "branch into an instruction or a return",
		[SJ_VAL_E_END] = "image does not end with a return",
		[SJ_VAL_E_SHAPE] = "native code is no BPF instruction",
		[SJ_VAL_E_OPCODE] = "different instruction",
		[SJ_VAL_E_CONST] = "different constant",
		[SJ_VAL_E_TARGET] = "different jump target",
		[SJ_VAL_E_BLIND] = "constant not blinded",
		[SJ_VAL_E_KEY] = "bad blinding key",
		[SJ_VAL_E_DIV_ZERO] = "division by zero",
		[SJ_VAL_E_TRAILING] = "code after the last instruction",
		[SJ_VAL_E_POOL] = "constant not read from its pool slot",
	};

	return reason < SJ_VAL_E_COUNT && text[reason] ? text[reason] :
							  "unknown reason";
}
