// SPDX-License-Identifier: GPL-2.0
/*
 * An x86-64 decoder for exactly the instruction forms a JIT image may
 * contain, written from the Intel SDM rather than from the emitter.  It is
 * a whitelist: each form is accepted only with the registers the JIT
 * gives it (A is %eax, X is %ecx, %esi holds constants, %edx is cleared
 * for div, %rdi is the context, %rbp the frame, and rip-relative operands
 * read the constant pool), so a byte string that is anything else --
 * another opcode, a prefix, a SIB byte, another register, a truncated
 * instruction -- does not decode.  Where a rip-relative operand points is
 * for validate.c to check.
 *
 * Every read is code[off + n] after checking n < len - off, with
 * off < len: no pointer arithmetic, no reads past the end, whatever
 * the bytes.
 */
#include "validate.h"

/* A ModRM byte's three fields. */
#define MODRM_MOD(b)	((u8)((b) >> 6))
#define MODRM_REG(b)	((u8)(((b) >> 3) & 7))
#define MODRM_RM(b)	((u8)((b) & 7))

/*@ requires off < len; assigns \nothing; ensures \result <==> off + n <= len; */
static bool have(u32 len, u32 off, u32 n)
{
	return n <= len - off;
}

/* Little-endian 32 bits at code[at .. at + 3]. */
/*@ requires \valid_read(code + (at .. at + 3)) && at + 4 <= 4294967295; assigns \nothing; */
static u32 get32(const u8 *code, u32 at)
{
	return (u32)code[at] | (u32)code[at + 1] << 8 |
	       (u32)code[at + 2] << 16 | (u32)code[at + 3] << 24;
}

/*@ assigns \nothing; */
static s32 sext8(u8 b)
{
	return b < 0x80 ? (s32)b : (s32)b - 256;
}

/*@ assigns \nothing; */
static s32 sext32(u32 v)
{
	/* two's complement without relying on the conversion's wrapping */
	return v < 0x80000000U ? (s32)v : (s32)(v - 0x80000000U) - S32_MAX - 1;
}

/* ModRM mod 0, rm 5: a rip-relative operand, a displacement following. */
/*@ assigns \nothing; */
static bool is_rip(u8 m)
{
	return MODRM_MOD(m) == 0 && MODRM_RM(m) == 5;
}

/*
 * The rip-relative form of an instruction whose ModRM is at code[off + n]:
 * @kind, register field @reg, displacement after the ModRM byte.
 */
/*@ requires dec(code, len, off, out) && 1 <= n <= 2; assigns *out; */
static void decode_rip(const u8 *code, u32 len, u32 off, u32 n, u8 kind,
		       struct sj_vx_insn *out)
{
	if (!have(len, off, n + 5))
		return;
	out->kind = kind;
	out->len = (u8)(n + 5);
	out->dst = MODRM_REG(code[off + n]);
	out->disp = sext32(get32(code, off + n + 1));
}

/* The A-register-only forms: everything the filter computes is in %eax. */
/*@ assigns \nothing; */
static bool is_a(u8 reg)
{
	return reg == SJ_VX_EAX;
}

/* Registers that hold a second operand: X (%ecx) or a constant (%esi). */
/*@ assigns \nothing; */
static bool is_operand(u8 reg)
{
	return reg == SJ_VX_ECX || reg == SJ_VX_ESI;
}

/*@ assigns \nothing; */
static bool is_alu_op(u8 op)
{
	return op == SJ_VX_ADD || op == SJ_VX_OR || op == SJ_VX_AND ||
	       op == SJ_VX_SUB || op == SJ_VX_XOR || op == SJ_VX_CMP;
}

/*@ assigns \nothing; */
static bool is_cc(u8 cc)
{
	return cc >= SJ_VX_CC_B && cc <= SJ_VX_CC_A;
}

/* 48-prefixed forms: mov %rsp, %rbp and sub $ib, %rsp only. */
/*@ requires dec(code, len, off, out); assigns *out; */
static void decode_rex_w(const u8 *code, u32 len, u32 off,
			 struct sj_vx_insn *out)
{
	if (!have(len, off, 3))
		return;
	if (code[off + 1] == 0x89 && code[off + 2] == 0xe5) {
		out->kind = SJ_VX_MOV_RSP_RBP;
		out->len = 3;
	} else if (code[off + 1] == 0x83 && code[off + 2] == 0xec &&
		   have(len, off, 4)) {
		out->kind = SJ_VX_SUB_RSP;
		out->len = 4;
		out->imm = code[off + 3];
	}
}

/* 89: mov %reg, %rm (mod 3: tax, txa) or mov %reg, d8(%rbp) (st, stx). */
/*@ requires dec(code, len, off, out); assigns *out; */
static void decode_89(const u8 *code, u32 len, u32 off,
		      struct sj_vx_insn *out)
{
	u8 m;

	if (!have(len, off, 2))
		return;
	m = code[off + 1];
	if (MODRM_MOD(m) == 3 &&
	    ((MODRM_RM(m) == SJ_VX_ECX && MODRM_REG(m) == SJ_VX_EAX) ||
	     (MODRM_RM(m) == SJ_VX_EAX && MODRM_REG(m) == SJ_VX_ECX))) {
		out->kind = SJ_VX_MOV_RR;
		out->len = 2;
		out->dst = MODRM_RM(m);
		out->src = MODRM_REG(m);
	} else if (MODRM_MOD(m) == 1 && MODRM_RM(m) == SJ_VX_EBP &&
		   (MODRM_REG(m) == SJ_VX_EAX || MODRM_REG(m) == SJ_VX_ECX) &&
		   have(len, off, 3)) {
		out->kind = SJ_VX_STORE;
		out->len = 3;
		out->src = MODRM_REG(m);
		out->dst = SJ_VX_EBP;
		out->disp = sext8(code[off + 2]);
	}
}

/*
 * 8b: mov d8(%rdi), %eax (ld [k]), mov d8(%rbp), %eax/%ecx (ld M[]) or
 * mov d32(%rip), %eax/%ecx (ld #k, ldx #k from the pool).
 */
/*@ requires dec(code, len, off, out); assigns *out; */
static void decode_8b(const u8 *code, u32 len, u32 off,
		      struct sj_vx_insn *out)
{
	u8 m;

	if (!have(len, off, 3))
		return;
	m = code[off + 1];
	if (is_rip(m) &&
	    (MODRM_REG(m) == SJ_VX_EAX || MODRM_REG(m) == SJ_VX_ECX)) {
		decode_rip(code, len, off, 1, SJ_VX_LOAD_RIP, out);
		return;
	}
	if (MODRM_MOD(m) != 1)
		return;
	if ((MODRM_RM(m) == SJ_VX_EDI && MODRM_REG(m) == SJ_VX_EAX) ||
	    (MODRM_RM(m) == SJ_VX_EBP &&
	     (MODRM_REG(m) == SJ_VX_EAX || MODRM_REG(m) == SJ_VX_ECX))) {
		out->kind = SJ_VX_LOAD;
		out->len = 3;
		out->dst = MODRM_REG(m);
		out->src = MODRM_RM(m);
		out->disp = sext8(code[off + 2]);
	}
}

/*
 * 83 /op ib and 81 /op id on %eax; 81 /6 id (xor) also on %ecx and %esi,
 * the second half of a blinded constant.
 */
/*@ requires dec(code, len, off, out); assigns *out; */
static void decode_alu_imm(const u8 *code, u32 len, u32 off,
			   struct sj_vx_insn *out)
{
	bool wide = code[off] == 0x81;
	u8 m;

	if (!have(len, off, wide ? 6 : 3))
		return;
	m = code[off + 1];
	if (MODRM_MOD(m) != 3 || !is_alu_op(MODRM_REG(m)))
		return;
	if (!is_a(MODRM_RM(m)) &&
	    !(wide && MODRM_REG(m) == SJ_VX_XOR && is_operand(MODRM_RM(m))))
		return;
	out->kind = SJ_VX_ALU_IMM;
	out->op = MODRM_REG(m);
	out->dst = MODRM_RM(m);
	out->wide = wide;
	if (wide) {
		out->len = 6;
		out->imm = get32(code, off + 2);
	} else {
		out->len = 3;
		out->imm = (u32)sext8(code[off + 2]);
	}
}

/*
 * 01 09 21 29 31 39 /r, mod 3: op %reg, %rm.  Either on A with X or %esi
 * as the source, or xor of a register with itself to clear it (%eax and
 * %ecx in the prologue and before an early return, %edx before div).
 */
/*@ requires dec(code, len, off, out); assigns *out; */
static void decode_alu_rr(const u8 *code, u32 len, u32 off,
			  struct sj_vx_insn *out)
{
	u8 op = (u8)(code[off] >> 3), m, dst, src;

	if (!have(len, off, 2))
		return;
	m = code[off + 1];
	dst = MODRM_RM(m);
	src = MODRM_REG(m);
	if (MODRM_MOD(m) != 3)
		return;
	if (!(is_a(dst) && is_operand(src)) &&
	    !(op == SJ_VX_XOR && dst == src &&
	      (dst == SJ_VX_EAX || dst == SJ_VX_ECX || dst == SJ_VX_EDX)))
		return;
	out->kind = SJ_VX_ALU_RR;
	out->len = 2;
	out->op = op;
	out->dst = dst;
	out->src = src;
}

/* 03 0b 23 2b 33 3b /r, rip-relative: op d32(%rip), %eax. */
/*@ requires dec(code, len, off, out); assigns *out; */
static void decode_alu_rip(const u8 *code, u32 len, u32 off,
			   struct sj_vx_insn *out)
{
	if (!have(len, off, 2) || !is_rip(code[off + 1]) ||
	    !is_a(MODRM_REG(code[off + 1])))
		return;
	decode_rip(code, len, off, 1, SJ_VX_ALU_RIP, out);
	out->op = (u8)(code[off] >> 3);
}

/* 0f af /r: imul %rm or d32(%rip), %eax; 0f 80+cc cd: jcc rel32. */
/*@ requires dec(code, len, off, out); assigns *out; */
static void decode_0f(const u8 *code, u32 len, u32 off,
		      struct sj_vx_insn *out)
{
	u8 b, m;

	if (!have(len, off, 2))
		return;
	b = code[off + 1];
	if (b == 0xaf && have(len, off, 3)) {
		m = code[off + 2];
		if (is_rip(m) && is_a(MODRM_REG(m))) {
			decode_rip(code, len, off, 2, SJ_VX_IMUL_RIP, out);
		} else if (MODRM_MOD(m) == 3 && is_a(MODRM_REG(m)) &&
			   is_operand(MODRM_RM(m))) {
			out->kind = SJ_VX_IMUL_RR;
			out->len = 3;
			out->dst = MODRM_REG(m);
			out->src = MODRM_RM(m);
		}
	} else if (b >= 0x80 && b <= 0x8f && is_cc((u8)(b - 0x80)) &&
		   have(len, off, 6)) {
		out->kind = SJ_VX_JCC;
		out->len = 6;
		out->op = (u8)(b - 0x80);
		out->wide = true;
		out->disp = sext32(get32(code, off + 2));
	}
}

/*
 * f7 /0 id: test $id, %eax; f7 /3: neg %eax; f7 /6: div %ecx or %esi, or
 * divl d32(%rip).
 */
/*@ requires dec(code, len, off, out); assigns *out; */
static void decode_f7(const u8 *code, u32 len, u32 off,
		      struct sj_vx_insn *out)
{
	u8 m;

	if (!have(len, off, 2))
		return;
	m = code[off + 1];
	if (is_rip(m) && MODRM_REG(m) == 6) {
		decode_rip(code, len, off, 1, SJ_VX_DIV_RIP, out);
		out->dst = SJ_VX_EAX;	/* the /digit is no register */
		return;
	}
	if (MODRM_MOD(m) != 3)
		return;
	if (MODRM_REG(m) == 0 && is_a(MODRM_RM(m)) && have(len, off, 6)) {
		out->kind = SJ_VX_TEST_IMM;
		out->len = 6;
		out->dst = SJ_VX_EAX;
		out->imm = get32(code, off + 2);
	} else if (MODRM_REG(m) == 3 && is_a(MODRM_RM(m))) {
		out->kind = SJ_VX_NEG;
		out->len = 2;
		out->dst = SJ_VX_EAX;
	} else if (MODRM_REG(m) == 6 && is_operand(MODRM_RM(m))) {
		out->kind = SJ_VX_DIV;
		out->len = 2;
		out->src = MODRM_RM(m);
	}
}

/* c1 /4, /5 ib (count below 32) and d3 /4, /5: shifts of %eax. */
/*@ requires dec(code, len, off, out); assigns *out; */
static void decode_shift(const u8 *code, u32 len, u32 off,
			 struct sj_vx_insn *out)
{
	bool imm = code[off] == 0xc1;
	u8 m;

	if (!have(len, off, imm ? 3 : 2))
		return;
	m = code[off + 1];
	if (MODRM_MOD(m) != 3 || !is_a(MODRM_RM(m)) ||
	    (MODRM_REG(m) != SJ_VX_SHL && MODRM_REG(m) != SJ_VX_SHR))
		return;
	if (imm && code[off + 2] > 31)
		return;
	out->kind = imm ? SJ_VX_SHIFT_IMM : SJ_VX_SHIFT_CL;
	out->len = imm ? 3 : 2;
	out->op = MODRM_REG(m);
	out->dst = SJ_VX_EAX;
	out->imm = imm ? code[off + 2] : 0;
}

/*
 * 85 /r, mod 3: test %reg, %rm, on A with X or %esi (jset), or %ecx with
 * itself (div x tests X for zero); test %eax, d32(%rip) (jset #k).
 */
/*@ requires dec(code, len, off, out); assigns *out; */
static void decode_85(const u8 *code, u32 len, u32 off,
		      struct sj_vx_insn *out)
{
	u8 m;

	if (!have(len, off, 2))
		return;
	m = code[off + 1];
	if (is_rip(m) && is_a(MODRM_REG(m))) {
		decode_rip(code, len, off, 1, SJ_VX_TEST_RIP, out);
		return;
	}
	if (MODRM_MOD(m) != 3)
		return;
	if ((is_a(MODRM_RM(m)) && is_operand(MODRM_REG(m))) ||
	    (MODRM_RM(m) == SJ_VX_ECX && MODRM_REG(m) == SJ_VX_ECX)) {
		out->kind = SJ_VX_TEST_RR;
		out->len = 2;
		out->dst = MODRM_RM(m);
		out->src = MODRM_REG(m);
	}
}

/* Opcodes that are the whole instruction, or have one immediate only. */
/*@ requires dec(code, len, off, out); assigns *out; */
static void decode_simple(const u8 *code, u32 len, u32 off,
			  struct sj_vx_insn *out)
{
	u8 b = code[off];

	if (b == 0x55 || b == 0xc9 || b == 0xc3 || b == 0xcc) {
		out->kind = b == 0x55 ? SJ_VX_PUSH_RBP : b == 0xc9 ? SJ_VX_LEAVE :
			    b == 0xc3 ? SJ_VX_RET : SJ_VX_INT3;
		out->len = 1;
	} else if (b >= 0xb8 && b <= 0xbf && have(len, off, 5)) {
		/* mov $id, %r32: A, X, or %esi for a constant operand */
		out->dst = (u8)(b - 0xb8);
		if (!is_a(out->dst) && !is_operand(out->dst))
			return;
		out->kind = SJ_VX_MOV_IMM;
		out->len = 5;
		out->imm = get32(code, off + 1);
	} else if (b == 0x69 && have(len, off, 6)) {
		/* imul $id, %eax, %eax: ModRM c0 exactly */
		if (code[off + 1] != 0xc0)
			return;
		out->kind = SJ_VX_IMUL_IMM;
		out->len = 6;
		out->dst = SJ_VX_EAX;
		out->imm = get32(code, off + 2);
	} else if (b >= 0x70 && b <= 0x7f && is_cc((u8)(b - 0x70)) &&
		   have(len, off, 2)) {
		out->kind = SJ_VX_JCC;
		out->len = 2;
		out->op = (u8)(b - 0x70);
		out->disp = sext8(code[off + 1]);
	} else if (b == 0xeb && have(len, off, 2)) {
		out->kind = SJ_VX_JMP;
		out->len = 2;
		out->disp = sext8(code[off + 1]);
	} else if (b == 0xe9 && have(len, off, 5)) {
		out->kind = SJ_VX_JMP;
		out->len = 5;
		out->wide = true;
		out->disp = sext32(get32(code, off + 1));
	} else if (b == 0xf3 && have(len, off, 4) && code[off + 1] == 0x0f &&
		   code[off + 2] == 0x1e && code[off + 3] == 0xfa) {
		out->kind = SJ_VX_ENDBR64;
		out->len = 4;
	}
}

/**
 * sj_vx_decode() - decode the instruction at @off
 * @code: the image
 * @len: its length
 * @off: where to decode, below @len
 * @out: the instruction; kind SJ_VX_BAD if none
 *
 * Context: any; reads only @code[@off .. @len - 1].
 * Return: 0 if the bytes at @off are one of the known forms, entirely
 * inside the image; -1 otherwise.
 */
int sj_vx_decode(const u8 *code, u32 len, u32 off, struct sj_vx_insn *out)
{
	out->kind = SJ_VX_BAD;
	out->len = 0;
	out->op = 0;
	out->dst = 0;
	out->src = 0;
	out->wide = false;
	out->disp = 0;
	out->imm = 0;

	switch (code[off]) {
	case 0x48:
		decode_rex_w(code, len, off, out);
		break;
	case 0x89:
		decode_89(code, len, off, out);
		break;
	case 0x8b:
		decode_8b(code, len, off, out);
		break;
	case 0x81: case 0x83:
		decode_alu_imm(code, len, off, out);
		break;
	case 0x01: case 0x09: case 0x21: case 0x29: case 0x31: case 0x39:
		decode_alu_rr(code, len, off, out);
		break;
	case 0x03: case 0x0b: case 0x23: case 0x2b: case 0x33: case 0x3b:
		decode_alu_rip(code, len, off, out);
		break;
	case 0x0f:
		decode_0f(code, len, off, out);
		break;
	case 0xf7:
		decode_f7(code, len, off, out);
		break;
	case 0xc1: case 0xd3:
		decode_shift(code, len, off, out);
		break;
	case 0x85:
		decode_85(code, len, off, out);
		break;
	default:
		decode_simple(code, len, off, out);
		break;
	}
	if (out->kind == SJ_VX_BAD || out->len == 0 ||
	    out->len > SJ_VX_MAX_LEN ||
	    !have(len, off, out->len)) {
		out->kind = SJ_VX_BAD;
		return -1;
	}
	return 0;
}
