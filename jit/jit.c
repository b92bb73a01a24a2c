// SPDX-License-Identifier: GPL-2.0
/*
 * Translation of checked classic BPF into x86-64, one small function per
 * instruction class behind a dispatch switch.
 *
 * Sizing.  Every jump is forward, so jump forms can be chosen by shrinking:
 * the first pass assumes each instruction takes SJ_JIT_INSN_MAX bytes, and
 * every later pass picks each branch's form (rel8 or rel32) from the offsets
 * of the pass before.  Offsets only ever shrink, so distances only shrink,
 * so a form once short stays short: the passes converge, at the latest
 * after one pass per branch (at most two per instruction).  A pass that
 * changes no offset is a fixpoint; the emitting pass then reproduces it
 * exactly, and asserts that it did.
 */
#include "jit.h"
#include "x86.h"

#define REG_A	X86_EAX
#define REG_X	X86_ECX		/* so that shifts by X use %cl directly */
#define REG_CTX	X86_EDI
#define REG_TMP	X86_ESI

struct jit_ctx {
	struct sj_emit e;
	const struct sj_jit_opts *opts;
	const struct sock_filter *prog;
	u32 len;
	u32 *addrs;
	bool frame;
	u32 pc;		/* the instruction being emitted, for its pool slot */
};

/*@
 * // The context of a pass: the emitter, the program and the offsets, each
 * // valid, and what is written apart from what is read.
 * predicate sj_jit_ok{L}(struct jit_ctx *ctx) =
 *	\valid(ctx) && sj_emit_ok(&ctx->e) &&
 *	1 <= ctx->len <= SJ_MAXINSNS &&
 *	\valid_read(ctx->opts) &&
 *	\valid_read(ctx->prog + (0 .. ctx->len - 1)) &&
 *	\valid(ctx->addrs + (0 .. ctx->len)) &&
 *	\separated(ctx, ctx->opts) &&
 *	\separated(ctx, ctx->prog + (0 .. ctx->len - 1)) &&
 *	\separated(ctx->addrs + (0 .. ctx->len), ctx, ctx->opts) &&
 *	\separated(ctx->addrs + (0 .. ctx->len),
 *		   ctx->prog + (0 .. ctx->len - 1)) &&
 *	(ctx->e.buf != \null ==>
 *		\separated(ctx->e.buf + (0 .. ctx->e.cap - 1), ctx,
 *			   ctx->opts, ctx->addrs + (0 .. ctx->len)) &&
 *		\separated(ctx->e.buf + (0 .. ctx->e.cap - 1),
 *			   ctx->prog + (0 .. ctx->len - 1)));
 *
 * // The offsets of a finished pass: in order, and within the image.
 * predicate sj_addrs_mono{L}(struct jit_ctx *ctx) =
 *	\forall integer i, j; 0 <= i <= j <= ctx->len ==>
 *		ctx->addrs[i] <= ctx->addrs[j];
 * predicate sj_addrs_ok{L}(struct jit_ctx *ctx) =
 *	sj_addrs_mono(ctx) && ctx->addrs[ctx->len] <= SJ_JIT_MAX_IMAGE;
 *
 * // From the end of insn pc to the start of insn target.
 * logic integer sj_dist{L}(struct jit_ctx *ctx, integer pc,
 *			 integer target) =
 *	ctx->addrs[target] - ctx->addrs[pc + 1];
 *
 * // branch_disp(ctx, pc, target, after), as the code computes it.
 * logic integer sj_disp{L}(struct jit_ctx *ctx, integer pc, integer target,
 *			 integer after) =
 *	(u32)((u32)(ctx->addrs[target] - ctx->addrs[pc + 1]) + after);
 *
 * // jmp_len(ctx, pc, target) for a target the checks accept: the bytes
 * // emit_jmp_to() emits.
 * logic integer sj_jmp_len{L}(struct jit_ctx *ctx, integer pc,
 *			    integer target) =
 *	target == pc + 1 ? 0 :
 *	sj_disp(ctx, pc, target, 0) <= 127 ? X86_JMP_REL8_LEN :
 *	X86_JMP_REL32_LEN;
 *
 * // A jmp (jcc) whose last byte is buf[end - 1] has displacement d, so
 * // it lands at end + d: the short form if d fits, else the near form.
 * predicate sj_jmp_lands{L}(u8 *buf, integer end, integer d) =
 *	0 <= d < 0x80000000 &&
 *	(d <= 127 ? buf[end - 2] == 0xeb && buf[end - 1] == d :
 *		    buf[end - 5] == 0xe9 && sj_le32(buf, end - 4, d));
 * predicate sj_jcc_lands{L}(u8 *buf, integer end, integer d) =
 *	0 <= d < 0x80000000 &&
 *	(d <= 127 ? 0x70 <= buf[end - 2] <= 0x7f && buf[end - 1] == d :
 *		    buf[end - 6] == 0x0f && 0x80 <= buf[end - 5] <= 0x8f &&
 *		    sj_le32(buf, end - 4, d));
 *
 * // ...and keeps doing so while its bytes stay.
 * lemma sj_jcc_lands_frame{L1, L2}: \forall u8 *buf, integer end, d;
 *	sj_jcc_lands{L1}(buf, end, d) ==>
 *	(\forall integer q; end - 6 <= q < end ==>
 *		\at(buf[q], L1) == \at(buf[q], L2)) ==>
 *	sj_jcc_lands{L2}(buf, end, d);
 */

/*@
 * assigns \nothing;
 */
static bool fits_s8(u32 v)
{
	return (s32)v >= -128 && (s32)v <= 127;
}

/*@
 * requires sj_jit_ok(ctx);
 * assigns ctx->e.error;
 * ensures sj_jit_ok(ctx) && \old(ctx->e.pos) <= ctx->e.pos;
 * ensures \old(ctx->e.error) ==>
 *	ctx->e.error && ctx->e.pos == \old(ctx->e.pos);
 */
static s8 mem_disp(struct jit_ctx *ctx, u32 k)
{
	if (!ctx->frame || k >= SJ_MEMWORDS) {
		ctx->e.error = true;
		return 0;
	}
	return (s8)(4 * (s32)k - SJ_JIT_FRAME);
}

/* Bytes of emit_exit(): leave, ret or jmp to the thunk, int3. */
/*@
 * requires \valid_read(ctx) && \valid_read(ctx->opts);
 * assigns \nothing;
 * ensures \result == 3 || \result == 7;
 */
static u32 exit_len(struct jit_ctx *ctx)
{
	return 1 + (ctx->opts->ret_thunk ? X86_JMP_REL32_LEN : 1) + 1;
}

/*
 * leave; ret; int3 -- or, where the kernel returns through a thunk, leave;
 * jmp <the thunk in force>; int3, as the kernel's own BPF JIT returns.  The
 * int3 stops straight-line speculation.
 */
/*@
 * requires sj_jit_ok(ctx);
 * assigns ctx->e.pos, ctx->e.error,
 *	ctx->e.buf[ctx->e.pos .. ctx->e.cap - 1];
 * ensures sj_jit_ok(ctx) && \old(ctx->e.pos) <= ctx->e.pos;
 * ensures \old(ctx->e.error) ==>
 *	ctx->e.error && ctx->e.pos == \old(ctx->e.pos);
 */
static void emit_exit(struct jit_ctx *ctx)
{
	emit_leave(&ctx->e);
	if (ctx->opts->ret_thunk) {
		s64 disp = (s64)(ctx->opts->ret_thunk -
				 (ctx->opts->base + ctx->e.pos + X86_JMP_REL32_LEN));

		if (ctx->e.buf && (disp < S32_MIN || disp > S32_MAX))
			ctx->e.error = true;
		emit_jmp_rel32(&ctx->e, (s32)disp);
	} else {
		emit_ret(&ctx->e);
	}
	emit_int3(&ctx->e);
}

/*
 * The displacement from the end of a @len-byte instruction at the cursor
 * to the pool slot of the instruction being emitted.  Only emitting needs
 * it to be right: while sizing, the addresses are not known yet.
 */
/*@
 * requires sj_jit_ok(ctx);
 * assigns ctx->e.error;
 * ensures sj_jit_ok(ctx) && \old(ctx->e.pos) <= ctx->e.pos;
 * ensures \old(ctx->e.error) ==>
 *	ctx->e.error && ctx->e.pos == \old(ctx->e.pos);
 */
static s32 pool_disp(struct jit_ctx *ctx, u32 len)
{
	s64 disp = (s64)(ctx->opts->pool_addr + 4 * (u64)ctx->pc -
			 (ctx->opts->base + ctx->e.pos + len));

	if (ctx->e.buf && (disp < S32_MIN || disp > S32_MAX))
		ctx->e.error = true;
	return (s32)disp;
}

/*
 * A constant of the filter into @reg.  From the pool, it is one load and
 * appears nowhere in the code.  Blinded, it is emitted as
 *	mov $(k ^ key), %reg; xor $key, %reg
 * so that a constant chosen to be a useful instruction sequence (JIT
 * spraying) never appears in executable memory either.
 */
/*@
 * requires sj_jit_ok(ctx);
 * assigns ctx->e.pos, ctx->e.error,
 *	ctx->e.buf[ctx->e.pos .. ctx->e.cap - 1];
 * ensures sj_jit_ok(ctx) && \old(ctx->e.pos) <= ctx->e.pos;
 * ensures \old(ctx->e.error) ==>
 *	ctx->e.error && ctx->e.pos == \old(ctx->e.pos);
 */
static void emit_load_k(struct jit_ctx *ctx, u8 reg, u32 k)
{
	if (ctx->opts->pool) {
		emit_mov32_load_rip(&ctx->e, reg, pool_disp(ctx, 6));
		return;
	}
	if (!ctx->opts->blind) {
		emit_mov32_imm32(&ctx->e, reg, k);
		return;
	}
	emit_mov32_imm32(&ctx->e, reg, k ^ ctx->opts->key);
	emit_alu32_imm32(&ctx->e, X86_XOR, reg, ctx->opts->key);
}

/*@
 * requires sj_jit_ok(ctx);
 * assigns ctx->e.pos, ctx->e.error,
 *	ctx->e.buf[ctx->e.pos .. ctx->e.cap - 1];
 * ensures sj_jit_ok(ctx) && \old(ctx->e.pos) <= ctx->e.pos;
 * ensures \old(ctx->e.error) ==>
 *	ctx->e.error && ctx->e.pos == \old(ctx->e.pos);
 */
static void emit_prologue(struct jit_ctx *ctx)
{
	if (ctx->opts->endbr)
		emit_endbr64(&ctx->e);
	emit_push64_rbp(&ctx->e);
	emit_mov64_rsp_rbp(&ctx->e);
	if (ctx->frame)
		emit_sub64_imm8_rsp(&ctx->e, SJ_JIT_FRAME);
	emit_alu32_reg(&ctx->e, X86_XOR, REG_A, REG_A);
	emit_alu32_reg(&ctx->e, X86_XOR, REG_X, REG_X);
}

/*@
 * requires sj_jit_ok(ctx);
 * requires \valid_read(insn) && \separated(insn, ctx);
 * requires ctx->e.buf != \null ==>
 *	\separated(insn, ctx->e.buf + (0 .. ctx->e.cap - 1));
 * assigns ctx->e.pos, ctx->e.error,
 *	ctx->e.buf[ctx->e.pos .. ctx->e.cap - 1];
 * ensures sj_jit_ok(ctx) && \old(ctx->e.pos) <= ctx->e.pos;
 * ensures \old(ctx->e.error) ==>
 *	ctx->e.error && ctx->e.pos == \old(ctx->e.pos);
 */
static void jit_load(struct jit_ctx *ctx, const struct sock_filter *insn)
{
	u32 k = insn->k;

	switch (insn->code) {
	case BPF_LD | BPF_W | BPF_ABS:
		if (k >= SJ_DATA_SIZE || (k & 3))
			ctx->e.error = true;
		emit_mov32_load_disp8(&ctx->e, REG_A, REG_CTX, (s8)(k & 0x3f));
		break;
	case BPF_LD | BPF_W | BPF_LEN:
		emit_mov32_imm32(&ctx->e, REG_A, SJ_DATA_SIZE);
		break;
	case BPF_LDX | BPF_W | BPF_LEN:
		emit_mov32_imm32(&ctx->e, REG_X, SJ_DATA_SIZE);
		break;
	case BPF_LD | BPF_IMM:
		emit_load_k(ctx, REG_A, k);
		break;
	case BPF_LDX | BPF_IMM:
		emit_load_k(ctx, REG_X, k);
		break;
	case BPF_LD | BPF_MEM:
		emit_mov32_load_disp8(&ctx->e, REG_A, X86_EBP, mem_disp(ctx, k));
		break;
	case BPF_LDX | BPF_MEM:
		emit_mov32_load_disp8(&ctx->e, REG_X, X86_EBP, mem_disp(ctx, k));
		break;
	case BPF_ST:
		emit_mov32_store_disp8(&ctx->e, X86_EBP, mem_disp(ctx, k), REG_A);
		break;
	case BPF_STX:
		emit_mov32_store_disp8(&ctx->e, X86_EBP, mem_disp(ctx, k), REG_X);
		break;
	default:
		ctx->e.error = true;
	}
}

/*
 * div x: the kernel makes the filter return 0 when X is 0, so we do too:
 *	test %ecx, %ecx; jne 1f; xor %eax, %eax; <exit>
 *	1: xor %edx, %edx; div %ecx
 */
/*@
 * requires sj_jit_ok(ctx);
 * assigns ctx->e.pos, ctx->e.error,
 *	ctx->e.buf[ctx->e.pos .. ctx->e.cap - 1];
 * ensures sj_jit_ok(ctx) && \old(ctx->e.pos) <= ctx->e.pos;
 * ensures \old(ctx->e.error) ==>
 *	ctx->e.error && ctx->e.pos == \old(ctx->e.pos);
 */
static void jit_div_x(struct jit_ctx *ctx)
{
	u32 skip = 2 + exit_len(ctx), skip_from;

	emit_test32_reg(&ctx->e, REG_X, REG_X);
	emit_jcc_rel8(&ctx->e, X86_CC_NE, (s8)skip);
	skip_from = ctx->e.pos;
	emit_alu32_reg(&ctx->e, X86_XOR, REG_A, REG_A);
	emit_exit(ctx);
	if (ctx->e.pos - skip_from != skip)
		ctx->e.error = true;
	emit_alu32_reg(&ctx->e, X86_XOR, X86_EDX, X86_EDX);
	emit_div32_reg(&ctx->e, REG_X);
}

/*@
 * requires sj_jit_ok(ctx);
 * assigns ctx->e.pos, ctx->e.error,
 *	ctx->e.buf[ctx->e.pos .. ctx->e.cap - 1];
 * ensures sj_jit_ok(ctx) && \old(ctx->e.pos) <= ctx->e.pos;
 * ensures \old(ctx->e.error) ==>
 *	ctx->e.error && ctx->e.pos == \old(ctx->e.pos);
 */
static void jit_div_k(struct jit_ctx *ctx, u32 k)
{
	if (k == 0)
		ctx->e.error = true;
	if (ctx->opts->pool) {
		emit_alu32_reg(&ctx->e, X86_XOR, X86_EDX, X86_EDX);
		emit_div32_load_rip(&ctx->e, pool_disp(ctx, 6));
		return;
	}
	emit_load_k(ctx, REG_TMP, k);
	emit_alu32_reg(&ctx->e, X86_XOR, X86_EDX, X86_EDX);
	emit_div32_reg(&ctx->e, REG_TMP);
}

/*@
 * requires sj_jit_ok(ctx);
 * requires \valid_read(insn) && \separated(insn, ctx);
 * requires ctx->e.buf != \null ==>
 *	\separated(insn, ctx->e.buf + (0 .. ctx->e.cap - 1));
 * assigns ctx->e.pos, ctx->e.error,
 *	ctx->e.buf[ctx->e.pos .. ctx->e.cap - 1];
 * ensures sj_jit_ok(ctx) && \old(ctx->e.pos) <= ctx->e.pos;
 * ensures \old(ctx->e.error) ==>
 *	ctx->e.error && ctx->e.pos == \old(ctx->e.pos);
 */
static void jit_alu(struct jit_ctx *ctx, const struct sock_filter *insn)
{
	static const u8 x86_op[] = {
		[BPF_ADD >> 4] = X86_ADD, [BPF_SUB >> 4] = X86_SUB,
		[BPF_AND >> 4] = X86_AND, [BPF_OR >> 4] = X86_OR,
		[BPF_XOR >> 4] = X86_XOR,
	};
	bool src_x = BPF_SRC(insn->code) == BPF_X;
	u8 src = REG_X;
	u32 k = insn->k;

	/* From the pool, the constant is the memory operand itself. */
	if (!src_x && ctx->opts->pool && BPF_OP(insn->code) != BPF_DIV &&
	    BPF_OP(insn->code) != BPF_LSH && BPF_OP(insn->code) != BPF_RSH &&
	    BPF_OP(insn->code) != BPF_NEG) {
		switch (BPF_OP(insn->code)) {
		case BPF_ADD: case BPF_SUB: case BPF_AND: case BPF_OR:
		case BPF_XOR:
			emit_alu32_load_rip(&ctx->e,
					    x86_op[BPF_OP(insn->code) >> 4],
					    REG_A, pool_disp(ctx, 6));
			break;
		case BPF_MUL:
			emit_imul32_load_rip(&ctx->e, REG_A, pool_disp(ctx, 7));
			break;
		default:
			ctx->e.error = true;
		}
		return;
	}
	/* A blinded constant is restored into %esi and used from there. */
	if (!src_x && ctx->opts->blind && BPF_OP(insn->code) != BPF_DIV &&
	    BPF_OP(insn->code) != BPF_LSH && BPF_OP(insn->code) != BPF_RSH &&
	    BPF_OP(insn->code) != BPF_NEG) {
		emit_load_k(ctx, REG_TMP, k);
		src_x = true;
		src = REG_TMP;
	}
	switch (BPF_OP(insn->code)) {
	case BPF_ADD: case BPF_SUB: case BPF_AND: case BPF_OR: case BPF_XOR:
		if (src_x)
			emit_alu32_reg(&ctx->e, x86_op[BPF_OP(insn->code) >> 4],
				       REG_A, src);
		else if (fits_s8(k))
			emit_alu32_imm8(&ctx->e, x86_op[BPF_OP(insn->code) >> 4],
					REG_A, (s8)k);
		else
			emit_alu32_imm32(&ctx->e, x86_op[BPF_OP(insn->code) >> 4],
					 REG_A, k);
		break;
	case BPF_MUL:
		if (src_x)
			emit_imul32_reg(&ctx->e, REG_A, src);
		else
			emit_imul32_imm32(&ctx->e, REG_A, REG_A, k);
		break;
	case BPF_DIV:
		if (src_x)
			jit_div_x(ctx);
		else
			jit_div_k(ctx, k);
		break;
	case BPF_LSH: case BPF_RSH: {
		u8 op = BPF_OP(insn->code) == BPF_LSH ? X86_SHL : X86_SHR;

		if (src_x)
			emit_shift32_cl(&ctx->e, op, REG_A);
		else
			emit_shift32_imm8(&ctx->e, op, REG_A, (u8)(k > 31 ? 32 : k));
		break;
	}
	case BPF_NEG:
		emit_neg32_reg(&ctx->e, REG_A);
		break;
	default:
		ctx->e.error = true;
	}
}

/* Distance from the end of insn pc (plus @after bytes) to insn target. */
/*@
 * requires sj_jit_ok(ctx) && pc < ctx->len <= SJ_MAXINSNS;
 * requires after <= X86_JMP_REL32_LEN;
 * assigns ctx->e.error;
 * ensures sj_jit_ok(ctx) && \old(ctx->e.pos) <= ctx->e.pos;
 * ensures \old(ctx->e.error) ==>
 *	ctx->e.error && ctx->e.pos == \old(ctx->e.pos);
 * ensures pc < target < ctx->len ==>
 *	\result == sj_disp(ctx, pc, target, after) &&
 *	ctx->e.error == \old(ctx->e.error);
 * ensures !(pc < target < ctx->len) ==> \result == 0 && ctx->e.error;
 * ensures sj_addrs_ok(ctx) && pc < target < ctx->len ==>
 *	0 <= sj_dist(ctx, pc, target) <= SJ_JIT_MAX_IMAGE;
 * ensures sj_addrs_ok(ctx) && pc < target < ctx->len ==>
 *	\result == sj_dist(ctx, pc, target) + after;
 */
static u32 branch_disp(struct jit_ctx *ctx, u32 pc, u32 target, u32 after)
{
	if (target <= pc || target >= ctx->len) {
		ctx->e.error = true;
		return 0;
	}
	return ctx->addrs[target] - ctx->addrs[pc + 1] + after;
}

/*@
 * requires sj_jit_ok(ctx) && pc < ctx->len <= SJ_MAXINSNS;
 * assigns ctx->e.error;
 * ensures sj_jit_ok(ctx) && \old(ctx->e.pos) <= ctx->e.pos;
 * ensures \old(ctx->e.error) ==>
 *	ctx->e.error && ctx->e.pos == \old(ctx->e.pos);
 * ensures target == pc + 1 ==> \result == 0;
 * ensures !ctx->e.error && target != pc + 1 ==> \result ==
 *	(sj_disp(ctx, pc, target, 0) <= 127 ? X86_JMP_REL8_LEN :
 *	 X86_JMP_REL32_LEN);
 * ensures \result <= X86_JMP_REL32_LEN;
 * ensures sj_addrs_ok(ctx) && !ctx->e.error && target != pc + 1 ==>
 *	\result == (sj_dist(ctx, pc, target) <= 127 ? X86_JMP_REL8_LEN :
 *		    X86_JMP_REL32_LEN);
 */
static u32 jmp_len(struct jit_ctx *ctx, u32 pc, u32 target)
{
	if (target == pc + 1)
		return 0;
	return branch_disp(ctx, pc, target, 0) <= 127 ? X86_JMP_REL8_LEN :
							 X86_JMP_REL32_LEN;
}

/* jmp to BPF insn @target; nothing if it is the next one. */
/*@
 * requires pc < ctx->len <= SJ_MAXINSNS;
 * requires sj_jit_ok(ctx);
 * assigns ctx->e.pos, ctx->e.error,
 *	ctx->e.buf[ctx->e.pos .. ctx->e.cap - 1];
 * ensures sj_jit_ok(ctx) && \old(ctx->e.pos) <= ctx->e.pos;
 * ensures \old(ctx->e.error) ==>
 *	ctx->e.error && ctx->e.pos == \old(ctx->e.pos);
 * ensures !ctx->e.error && target == pc + 1 ==>
 *	ctx->e.pos == \old(ctx->e.pos);
 * ensures !ctx->e.error && target != pc + 1 ==> ctx->e.pos ==
 *	\old(ctx->e.pos) + (sj_disp{Pre}(ctx, pc, target, 0) <= 127 ?
 *			    X86_JMP_REL8_LEN : X86_JMP_REL32_LEN);
 * ensures !ctx->e.error && target != pc + 1 ==> pc < target < ctx->len;
 * ensures sj_addrs_ok{Pre}(ctx) && !ctx->e.error && target != pc + 1 &&
 *	ctx->e.buf != \null ==>
 *	sj_jmp_lands(ctx->e.buf, ctx->e.pos, sj_dist{Pre}(ctx, pc, target));
 * ensures \forall integer i; 0 <= i <= ctx->len ==>
 *	ctx->addrs[i] == \old(ctx->addrs[i]);
 * ensures sj_addrs_ok{Pre}(ctx) ==> sj_addrs_ok(ctx);
 * ensures \forall integer q; q < \old(ctx->e.pos) ==>
 *	ctx->e.buf[q] == \old(ctx->e.buf[q]);
 */
static void emit_jmp_to(struct jit_ctx *ctx, u32 pc, u32 target)
{
	u32 disp;

	if (target == pc + 1)
		return;
	disp = branch_disp(ctx, pc, target, 0);
	/*@ assert !ctx->e.error ==> disp == sj_disp(ctx, pc, target, 0); */
	/*@
	 * assert sj_addrs_ok(ctx) && !ctx->e.error ==>
	 *	disp == sj_dist(ctx, pc, target) &&
	 *	disp <= SJ_JIT_MAX_IMAGE;
	 */
	if (disp <= 127)
		emit_jmp_rel8(&ctx->e, (s8)disp);
	else
		emit_jmp_rel32(&ctx->e, (s32)disp);
}

/* jcc to BPF insn @target, followed by @after more bytes of this insn. */
/*@
 * requires pc < ctx->len <= SJ_MAXINSNS && after <= X86_JMP_REL32_LEN;
 * requires sj_jit_ok(ctx);
 * assigns ctx->e.pos, ctx->e.error,
 *	ctx->e.buf[ctx->e.pos .. ctx->e.cap - 1];
 * ensures sj_jit_ok(ctx) && \old(ctx->e.pos) <= ctx->e.pos;
 * ensures \old(ctx->e.error) ==>
 *	ctx->e.error && ctx->e.pos == \old(ctx->e.pos);
 * ensures !ctx->e.error ==> ctx->e.pos == \old(ctx->e.pos) +
 *	(sj_disp{Pre}(ctx, pc, target, after) <= 127 ? X86_JCC_REL8_LEN :
 *	 X86_JCC_REL32_LEN);
 * ensures !ctx->e.error ==> pc < target < ctx->len;
 * ensures sj_addrs_ok{Pre}(ctx) && !ctx->e.error && ctx->e.buf != \null ==>
 *	sj_jcc_lands(ctx->e.buf, ctx->e.pos,
 *		     sj_dist{Pre}(ctx, pc, target) + after);
 * ensures \forall integer i; 0 <= i <= ctx->len ==>
 *	ctx->addrs[i] == \old(ctx->addrs[i]);
 * ensures sj_addrs_ok{Pre}(ctx) ==> sj_addrs_ok(ctx);
 */
static void emit_jcc_to(struct jit_ctx *ctx, u8 cc, u32 pc, u32 target,
			u32 after)
{
	u32 disp = branch_disp(ctx, pc, target, after);

	/*@
	 * assert sj_addrs_ok(ctx) && !ctx->e.error ==>
	 *	disp == sj_dist(ctx, pc, target) + after &&
	 *	disp <= SJ_JIT_MAX_IMAGE + X86_JMP_REL32_LEN;
	 */
	if (disp <= 127)
		emit_jcc_rel8(&ctx->e, cc, (s8)disp);
	else
		emit_jcc_rel32(&ctx->e, cc, (s32)disp);
}

/* cmp (test for jset) of A with the operand of conditional jump @insn. */
/*@
 * requires sj_jit_ok(ctx);
 * requires \valid_read(insn) && \separated(insn, ctx);
 * requires ctx->e.buf != \null ==>
 *	\separated(insn, ctx->e.buf + (0 .. ctx->e.cap - 1));
 * assigns ctx->e.pos, ctx->e.error,
 *	ctx->e.buf[ctx->e.pos .. ctx->e.cap - 1];
 * ensures sj_jit_ok(ctx) && \old(ctx->e.pos) <= ctx->e.pos;
 * ensures \old(ctx->e.error) ==>
 *	ctx->e.error && ctx->e.pos == \old(ctx->e.pos);
 */
static void jit_cond(struct jit_ctx *ctx, const struct sock_filter *insn,
		     u8 op)
{
	/* REG_A as "no register": compare with the immediate. */
	u8 src = BPF_SRC(insn->code) == BPF_X ? REG_X : REG_A;

	if (BPF_SRC(insn->code) == BPF_K && ctx->opts->pool) {
		if (op == BPF_JSET)
			emit_test32_load_rip(&ctx->e, REG_A, pool_disp(ctx, 6));
		else
			emit_alu32_load_rip(&ctx->e, X86_CMP, REG_A,
					    pool_disp(ctx, 6));
		return;
	}
	if (BPF_SRC(insn->code) == BPF_K && ctx->opts->blind) {
		emit_load_k(ctx, REG_TMP, insn->k);
		src = REG_TMP;
	}
	if (src != REG_A && op == BPF_JSET)
		emit_test32_reg(&ctx->e, REG_A, src);
	else if (src != REG_A)
		emit_alu32_reg(&ctx->e, X86_CMP, REG_A, src);
	else if (op == BPF_JSET)
		emit_test32_imm32(&ctx->e, REG_A, insn->k);
	else if (fits_s8(insn->k))
		emit_alu32_imm8(&ctx->e, X86_CMP, REG_A, (s8)insn->k);
	else
		emit_alu32_imm32(&ctx->e, X86_CMP, REG_A, insn->k);
}

/*
 * The branches of insn @pc, after its comparison: to @t if @cc holds, else
 * to @f.  x86 condition codes come in pairs: cc ^ 1 is the negation.
 */
/*@
 * requires pc < ctx->len <= SJ_MAXINSNS;
 * requires sj_jit_ok(ctx);
 * assigns ctx->e.pos, ctx->e.error,
 *	ctx->e.buf[ctx->e.pos .. ctx->e.cap - 1];
 * ensures sj_jit_ok(ctx) && \old(ctx->e.pos) <= ctx->e.pos;
 * ensures \old(ctx->e.error) ==>
 *	ctx->e.error && ctx->e.pos == \old(ctx->e.pos);
 * ensures !ctx->e.error && t != pc + 1 ==> pc < t < ctx->len;
 * ensures !ctx->e.error && f != pc + 1 ==> pc < f < ctx->len;
 * ensures sj_addrs_ok{Pre}(ctx) && !ctx->e.error && ctx->e.buf != \null ==>
 *	t == f && t != pc + 1 ==>
 *	sj_jmp_lands(ctx->e.buf, ctx->e.pos, sj_dist{Pre}(ctx, pc, t));
 * ensures sj_addrs_ok{Pre}(ctx) && !ctx->e.error && ctx->e.buf != \null ==>
 *	t != f && t == pc + 1 ==>
 *	sj_jcc_lands(ctx->e.buf, ctx->e.pos, sj_dist{Pre}(ctx, pc, f));
 * ensures sj_addrs_ok{Pre}(ctx) && !ctx->e.error && ctx->e.buf != \null ==>
 *	t != f && t != pc + 1 && f == pc + 1 ==>
 *	sj_jcc_lands(ctx->e.buf, ctx->e.pos, sj_dist{Pre}(ctx, pc, t));
 * ensures sj_addrs_ok{Pre}(ctx) && !ctx->e.error && ctx->e.buf != \null ==>
 *	t != f && t != pc + 1 && f != pc + 1 ==>
 *	sj_jmp_lands(ctx->e.buf, ctx->e.pos, sj_dist{Pre}(ctx, pc, f));
 * ensures sj_addrs_ok{Pre}(ctx) && !ctx->e.error && ctx->e.buf != \null ==>
 *	t != f && t != pc + 1 && f != pc + 1 ==>
 *	\let n = sj_jmp_len{Pre}(ctx, pc, f);
 *	sj_jcc_lands(ctx->e.buf, ctx->e.pos - n,
 *		     sj_dist{Pre}(ctx, pc, t) + n);
 */
static void jit_branch(struct jit_ctx *ctx, u32 pc, u8 cc, u32 t, u32 f)
{
	if (t == f) {
		emit_jmp_to(ctx, pc, t);
	} else if (t == pc + 1) {
		emit_jcc_to(ctx, cc ^ 1, pc, f, 0);
	} else if (f == pc + 1) {
		emit_jcc_to(ctx, cc, pc, t, 0);
	} else {
		u32 n = jmp_len(ctx, pc, f);

		emit_jcc_to(ctx, cc, pc, t, n);
		/*@
		 * assert sj_addrs_ok{Pre}(ctx) && !ctx->e.error &&
		 *	ctx->e.buf != \null ==>
		 *	n == sj_jmp_len{Pre}(ctx, pc, f) &&
		 *	sj_jcc_lands(ctx->e.buf, ctx->e.pos,
		 *		     sj_dist{Pre}(ctx, pc, t) + n);
		 */
		emit_jmp_to(ctx, pc, f);
	}
}

/*@
 * requires pc < ctx->len && insn == ctx->prog + pc;
 * requires sj_jit_ok(ctx);
 * assigns ctx->e.pos, ctx->e.error,
 *	ctx->e.buf[ctx->e.pos .. ctx->e.cap - 1];
 * ensures sj_jit_ok(ctx) && \old(ctx->e.pos) <= ctx->e.pos;
 * ensures \old(ctx->e.error) ==>
 *	ctx->e.error && ctx->e.pos == \old(ctx->e.pos);
 */
static void jit_jmp(struct jit_ctx *ctx, u32 pc, const struct sock_filter *insn)
{
	static const u8 cc_of[] = {
		[BPF_JEQ >> 4] = X86_CC_E, [BPF_JGT >> 4] = X86_CC_A,
		[BPF_JGE >> 4] = X86_CC_AE, [BPF_JSET >> 4] = X86_CC_NE,
	};
	u8 op = BPF_OP(insn->code);

	if (op == BPF_JA) {
		emit_jmp_to(ctx, pc, pc + 1 + insn->k);
		return;
	}
	if (op > BPF_JSET) {
		ctx->e.error = true;
		return;
	}
	jit_cond(ctx, insn, op);
	jit_branch(ctx, pc, cc_of[op / 16], pc + 1 + insn->jt,
		   pc + 1 + insn->jf);
}

/*@
 * requires sj_jit_ok(ctx);
 * requires \valid_read(insn) && \separated(insn, ctx);
 * requires ctx->e.buf != \null ==>
 *	\separated(insn, ctx->e.buf + (0 .. ctx->e.cap - 1));
 * assigns ctx->e.pos, ctx->e.error,
 *	ctx->e.buf[ctx->e.pos .. ctx->e.cap - 1];
 * ensures sj_jit_ok(ctx) && \old(ctx->e.pos) <= ctx->e.pos;
 * ensures \old(ctx->e.error) ==>
 *	ctx->e.error && ctx->e.pos == \old(ctx->e.pos);
 */
static void jit_ret(struct jit_ctx *ctx, const struct sock_filter *insn)
{
	if (BPF_RVAL(insn->code) == BPF_K)
		emit_load_k(ctx, REG_A, insn->k);
	emit_exit(ctx);
}

/*@
 * requires pc < ctx->len && ctx->e.pos == ctx->addrs[pc];
 * requires sj_jit_ok(ctx);
 * assigns ctx->pc, ctx->e.pos, ctx->e.error,
 *	ctx->e.buf[ctx->e.pos .. ctx->e.cap - 1];
 * ensures sj_jit_ok(ctx) && \old(ctx->e.pos) <= ctx->e.pos;
 * ensures \old(ctx->e.error) ==>
 *	ctx->e.error && ctx->e.pos == \old(ctx->e.pos);
 */
static void jit_insn(struct jit_ctx *ctx, u32 pc)
{
	const struct sock_filter *insn = &ctx->prog[pc];

	ctx->pc = pc;
	if (!sj_is_seccomp_op(insn->code)) {
		ctx->e.error = true;
		return;
	}
	switch (BPF_CLASS(insn->code)) {
	case BPF_LD: case BPF_LDX: case BPF_ST: case BPF_STX:
		jit_load(ctx, insn);
		break;
	case BPF_ALU:
		jit_alu(ctx, insn);
		break;
	case BPF_JMP:
		jit_jmp(ctx, pc, insn);
		break;
	case BPF_RET:
		jit_ret(ctx, insn);
		break;
	case BPF_MISC:
		if (BPF_MISCOP(insn->code) == BPF_TAX)
			emit_mov32_reg(&ctx->e, REG_X, REG_A);
		else
			emit_mov32_reg(&ctx->e, REG_A, REG_X);
		break;
	}
}

/*
 * One pass over the program.  While sizing, addrs[] is updated in place:
 * insn pc only reads addrs[pc + 1 ..], which still hold the previous
 * pass's values.  While emitting, each start must equal addrs[].
 * Return: true if any offset changed.
 *
 * What the contracts give together (make prove).  A sizing pass
 * that ends without error leaves addrs[] in order with addrs[len] the
 * image's size (sj_addrs_ok: the last sizing pass of sj_jit_compile()
 * changes nothing, so the emitting pass starts from its offsets).  The
 * emitting pass calls jit_insn() for insn pc with pos == addrs[pc] (its
 * precondition), and, ending without error, has changed no offset and
 * ended at addrs[len]; so insn pc ended at addrs[pc + 1].  For a jump
 * insn, jit_branch() and emit_jmp_to() guarantee, with sj_addrs_ok, that
 * each target t of insn pc satisfies pc < t < len, and that the branch
 * to t (a jmp or jcc, rel8 or rel32, with the bytes it encodes) ending at
 * offset e has displacement d with e + d == addrs[t] + (E - addrs[pc + 1]),
 * E the end of insn pc's code: a jmp or lone jcc ends at E, a jcc before
 * a jmp ends at E minus the jmp's size.  With E == addrs[pc + 1], every
 * branch of a successful compile lands exactly on addrs[t], ahead of
 * itself (d >= 0).  Not proved in ACSL: that jit_insn() emits nothing
 * after the branches of a jump insn (which the code makes plain: they are
 * its last bytes), and the gathering of the per-insn facts into one
 * statement over the whole image.
 */
/*@
 * requires sj_jit_ok(ctx) && !ctx->e.error;
 * requires emitting ==> sj_addrs_ok(ctx);
 * requires !emitting ==> ctx->e.cap <= SJ_JIT_MAX_IMAGE;
 * assigns ctx->pc, ctx->e.pos, ctx->e.error,
 *	ctx->e.buf[0 .. ctx->e.cap - 1], ctx->addrs[0 .. ctx->len];
 * ensures sj_jit_ok(ctx);
 * ensures ctx->e.buf == \old(ctx->e.buf) && ctx->e.cap == \old(ctx->e.cap);
 * ensures !ctx->e.error ==> ctx->e.pos == ctx->addrs[ctx->len];
 * ensures !ctx->e.error ==> sj_addrs_mono(ctx);
 * ensures !ctx->e.error ==> ctx->addrs[ctx->len] <= SJ_JIT_MAX_IMAGE;
 * ensures !\result ==> \forall integer i; 0 <= i <= ctx->len ==>
 *	ctx->addrs[i] == \old(ctx->addrs[i]);
 * ensures emitting && !ctx->e.error ==> !\result;
 */
static bool jit_pass(struct jit_ctx *ctx, bool emitting)
{
	bool changed = false;
	u32 pc, start;

	ctx->e.pos = 0;
	emit_prologue(ctx);
	/*@
	 * loop invariant 0 <= pc <= ctx->len;
	 * loop invariant sj_jit_ok(ctx);
	 * loop invariant ctx->e.buf == \at(ctx->e.buf, Pre) &&
	 *	ctx->e.cap == \at(ctx->e.cap, Pre);
	 * loop invariant !ctx->e.error ==>
	 *	\forall integer i, j; 0 <= i <= j < pc ==>
	 *	ctx->addrs[i] <= ctx->addrs[j];
	 * loop invariant !ctx->e.error ==>
	 *	\forall integer i; 0 <= i < pc ==> ctx->addrs[i] <= ctx->e.pos;
	 * loop invariant !changed ==> \forall integer i; 0 <= i <= ctx->len ==>
	 *	ctx->addrs[i] == \at(ctx->addrs[i], Pre);
	 * loop invariant emitting && !ctx->e.error ==> !changed;
	 * loop assigns pc, start, changed, ctx->pc, ctx->e.pos, ctx->e.error,
	 *	ctx->e.buf[0 .. \at(ctx->e.cap, Pre) - 1],
	 *	ctx->addrs[0 .. \at(ctx->len, Pre)];
	 * loop variant ctx->len - pc;
	 */
	for (pc = 0; pc < ctx->len && !ctx->e.error; pc++) {
		start = ctx->e.pos;
		if (start != ctx->addrs[pc]) {
			if (emitting)
				ctx->e.error = true;
			ctx->addrs[pc] = start;
			changed = true;
		}
		jit_insn(ctx, pc);
		if (ctx->e.pos - start > SJ_JIT_INSN_MAX)
			ctx->e.error = true;
	}
	if (ctx->e.pos != ctx->addrs[ctx->len]) {
		if (emitting)
			ctx->e.error = true;
		ctx->addrs[ctx->len] = ctx->e.pos;
		changed = true;
	}
	return changed;
}

/*@
 * requires \valid(work);
 * assigns work->err, work->err_pc;
 * ensures \result == -1;
 */
static int jit_fail(struct sj_jit_work *work, u32 err, u32 pc)
{
	work->err = err;
	work->err_pc = pc;
	return -1;
}

/*@
 * requires \valid_read(prog + (0 .. len - 1));
 * assigns \nothing;
 */
static bool uses_scratch(const struct sock_filter *prog, u32 len)
{
	u32 pc;

	/*@
	 * loop invariant 0 <= pc <= len;
	 * loop assigns pc;
	 * loop variant len - pc;
	 */
	for (pc = 0; pc < len; pc++)
		if (sj_op_flags(prog[pc].code) & (SJ_OP_MEM_RD | SJ_OP_MEM_WR))
			return true;
	return false;
}

/*@
 * requires \valid(work) && \valid(image_len) && \valid_read(opts);
 * requires \separated(work, image_len, opts);
 * requires 1 <= len <= SJ_MAXINSNS ==>
 *	\valid_read(prog + (0 .. len - 1)) &&
 *	\separated(prog + (0 .. len - 1), work, image_len);
 * requires buf != \null ==>
 *	\valid(buf + (0 .. cap - 1)) &&
 *	\separated(buf + (0 .. cap - 1), work, image_len, opts);
 * requires buf != \null && 1 <= len <= SJ_MAXINSNS ==>
 *	\separated(buf + (0 .. cap - 1), prog + (0 .. len - 1));
 * assigns work->addrs[0 .. SJ_MAXINSNS], work->passes, work->err,
 *	work->err_pc, *image_len, buf[0 .. cap - 1];
 * ensures \result == 0 || \result == -1;
 * ensures \result == 0 ==> 1 <= len <= SJ_MAXINSNS;
 * ensures \result == 0 ==> *image_len == work->addrs[len];
 * ensures \result == 0 ==> *image_len <= SJ_JIT_MAX_IMAGE;
 * ensures \result == 0 ==> \forall integer i, j; 0 <= i <= j <= len ==>
 *	work->addrs[i] <= work->addrs[j];
 * ensures \result == 0 && buf != \null ==> *image_len <= cap;
 */
/**
 * sj_jit_compile() - translate a checked filter into x86-64
 * @prog: the filter, accepted by sj_check()
 * @len: its length
 * @opts: blinding and return form, see struct sj_jit_opts
 * @buf: where the image goes, or NULL to compute its size only
 * @cap: size of @buf; bytes past the image are filled with int3
 * @image_len: out: the image's size
 * @work: scratch space for the offsets table
 *
 * Context: any; does not sleep or allocate.
 * Return: 0 on success; -1 if the program cannot be translated (it was not
 * checked) or does not fit in @cap.  Nothing is written past @cap.
 */
int sj_jit_compile(const struct sock_filter *prog, u32 len,
		   const struct sj_jit_opts *opts, u8 *buf, u32 cap,
		   u32 *image_len, struct sj_jit_work *work)
{
	struct jit_ctx ctx = {
		.e = { .buf = NULL, .cap = SJ_JIT_MAX_IMAGE },
		.opts = opts, .prog = prog, .len = len, .addrs = work->addrs,
	};
	u32 pc;

	if (len == 0 || len > SJ_MAXINSNS)
		return jit_fail(work, SJ_JIT_E_LEN, 0);
	ctx.frame = uses_scratch(prog, len);
	/*@
	 * loop invariant 0 <= pc <= len + 1;
	 * loop assigns pc, work->addrs[0 .. len];
	 * loop variant len + 1 - pc;
	 */
	for (pc = 0; pc <= len; pc++)
		work->addrs[pc] = SJ_JIT_PROLOGUE_MAX + pc * SJ_JIT_INSN_MAX;

	/*@
	 * loop invariant 1 <= work->passes <= 2 * len + 3;
	 * loop invariant sj_jit_ok(&ctx) && !ctx.e.error;
	 * loop invariant ctx.e.buf == \null && ctx.e.cap == SJ_JIT_MAX_IMAGE;
	 * loop invariant ctx.addrs == &work->addrs[0] && ctx.len == len &&
	 *	ctx.prog == prog && ctx.opts == opts;
	 * loop assigns work->passes, ctx.pc, ctx.e.pos, ctx.e.error,
	 *	work->addrs[0 .. len];
	 * loop variant 2 * len + 3 - work->passes;
	 */
	for (work->passes = 1; jit_pass(&ctx, false); work->passes++) {
		if (ctx.e.error)
			return jit_fail(work, SJ_JIT_E_INSN, ctx.pc);
		if (work->passes > 2 * len + 2)
			return jit_fail(work, SJ_JIT_E_CONVERGE, len);
	}
	if (ctx.e.error)
		return jit_fail(work, SJ_JIT_E_INSN, ctx.pc);
	*image_len = ctx.e.pos;
	work->err = SJ_JIT_OK;
	if (!buf)
		return 0;
	if (cap < ctx.e.pos)
		return jit_fail(work, SJ_JIT_E_SPACE, len);

	return sj_jit_emit(prog, len, opts, buf, cap, image_len, work);
}

/*@
 * requires \valid_read(prog + (0 .. len - 1));
 * requires \valid(pool + (0 .. len - 1));
 * requires \separated(prog + (0 .. len - 1), pool + (0 .. len - 1));
 * assigns pool[0 .. len - 1];
 * ensures \forall integer i; 0 <= i < len ==> pool[i] == prog[i].k;
 */
/**
 * sj_jit_fill_pool() - the constant pool of a filter
 * @prog: the filter
 * @len: its length
 * @pool: out: @len slots, slot i the constant of instruction i, for an
 *	image emitted with opts->pool (the slots of instructions that have
 *	no constant are never read)
 *
 * Context: any.
 */
void sj_jit_fill_pool(const struct sock_filter *prog, u32 len, u32 *pool)
{
	u32 pc;

	/*@
	 * loop invariant 0 <= pc <= len;
	 * loop invariant \forall integer i; 0 <= i < pc ==> pool[i] == prog[i].k;
	 * loop assigns pc, pool[0 .. len - 1];
	 * loop variant len - pc;
	 */
	for (pc = 0; pc < len; pc++)
		pool[pc] = prog[pc].k;
}

/*@
 * requires \valid(work) && \valid(image_len) && \valid_read(opts);
 * requires \separated(work, image_len, opts);
 * requires 1 <= len <= SJ_MAXINSNS ==>
 *	\valid_read(prog + (0 .. len - 1)) &&
 *	\separated(prog + (0 .. len - 1), work, image_len);
 * requires \valid(buf + (0 .. cap - 1)) &&
 *	\separated(buf + (0 .. cap - 1), work, image_len, opts);
 * requires 1 <= len <= SJ_MAXINSNS ==>
 *	\separated(buf + (0 .. cap - 1), prog + (0 .. len - 1));
 * assigns work->addrs[0 .. SJ_MAXINSNS], work->err, work->err_pc,
 *	*image_len, buf[0 .. cap - 1];
 * ensures \result == 0 || \result == -1;
 * ensures \result == 0 ==> 1 <= len <= SJ_MAXINSNS;
 * ensures \result == 0 ==> *image_len == work->addrs[len];
 * ensures \result == 0 ==> *image_len <= SJ_JIT_MAX_IMAGE;
 * ensures \result == 0 ==> *image_len <= cap;
 * ensures \result == 0 ==> \forall integer i, j; 0 <= i <= j <= len ==>
 *	work->addrs[i] <= work->addrs[j];
 */
/**
 * sj_jit_emit() - emit a filter whose offsets an earlier sizing computed
 * @prog: the filter, accepted by sj_check()
 * @len: its length
 * @opts: the form of that sizing (sj_jit_compile() with no buffer); the
 *	key and address may differ
 * @buf: where the image goes; bytes past it up to @cap are int3
 * @cap: size of @buf
 * @image_len: out: the image's size
 * @work: the offsets that sizing left in it
 *
 * One pass instead of sizing again: each instruction must start where the
 * offsets say, or nothing is emitted (-1), so offsets that are not a
 * fixpoint of sizing in this form cannot produce a wrong image.
 * Context: any; does not sleep or allocate.
 * Return: 0, or -1 (nothing valid in @buf).
 */
int sj_jit_emit(const struct sock_filter *prog, u32 len,
		const struct sj_jit_opts *opts, u8 *buf, u32 cap,
		u32 *image_len, struct sj_jit_work *work)
{
	struct jit_ctx ctx = {
		.e = { .buf = buf, .cap = cap },
		.opts = opts, .prog = prog, .len = len, .addrs = work->addrs,
	};
	u32 pc, i;

	if (len == 0 || len > SJ_MAXINSNS)
		return jit_fail(work, SJ_JIT_E_LEN, 0);
	/*@
	 * loop invariant 0 <= pc <= len;
	 * loop invariant \forall integer i, j; 0 <= i <= j <= pc ==>
	 *	work->addrs[i] <= work->addrs[j];
	 * loop assigns pc;
	 * loop variant len - pc;
	 */
	for (pc = 0; pc < len; pc++)
		if (work->addrs[pc] > work->addrs[pc + 1])
			return jit_fail(work, SJ_JIT_E_LAYOUT, pc);
	if (work->addrs[len] > SJ_JIT_MAX_IMAGE || work->addrs[len] > cap)
		return jit_fail(work, SJ_JIT_E_SPACE, len);
	ctx.frame = uses_scratch(prog, len);
	jit_pass(&ctx, true);
	if (ctx.e.error || ctx.e.pos != work->addrs[len])
		return jit_fail(work, SJ_JIT_E_LAYOUT, ctx.pc);
	*image_len = ctx.e.pos;
	work->err = SJ_JIT_OK;
	/* int3 to the end: a loop, as memset() would need a cast to char *. */
	/*@
	 * loop invariant ctx.e.pos <= i <= cap;
	 * loop assigns i, buf[ctx.e.pos .. cap - 1];
	 * loop variant cap - i;
	 */
	for (i = ctx.e.pos; i < cap; i++)
		buf[i] = 0xcc;
	return 0;
}

/*@ assigns \result \from err; */
/**
 * sj_jit_err_text() - text for a compile's failure
 * @err: enum sj_jit_err
 *
 * Return: a static string, never NULL.
 */
const char *sj_jit_err_text(u32 err)
{
	static const char * const text[SJ_JIT_E_COUNT] = {
		[SJ_JIT_OK] = "translated",
		[SJ_JIT_E_LEN] = "length out of range",
		[SJ_JIT_E_INSN] = "instruction could not be encoded",
		[SJ_JIT_E_CONVERGE] = "image size did not settle",
		[SJ_JIT_E_SPACE] = "image does not fit its buffer",
		[SJ_JIT_E_LAYOUT] = "emitted code left the sized layout",
	};

	return err < SJ_JIT_E_COUNT ? text[err] : "unknown failure";
}
