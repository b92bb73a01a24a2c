// SPDX-License-Identifier: GPL-2.0
/*
 * Encoding primitives and one helper per x86-64 instruction form.  Only
 * the eight legacy registers are used, so no helper needs REX.R/REX.B; the
 * 64-bit forms carry REX.W (0x48) explicitly.
 */
#include "x86.h"

/*@
 * requires sj_emit_ok(e);
 * assigns e->pos, e->error, e->buf[e->pos .. e->cap - 1];
 * ensures sj_emit_ok(e) && \old(e->pos) <= e->pos;
 * ensures \old(e->error) ==> e->error && e->pos == \old(e->pos);
 * ensures !e->error ==> e->pos == \old(e->pos) + 1;
 * ensures !e->error && e->buf != \null ==> e->buf[\old(e->pos)] == b;
 */
void emit_u8(struct sj_emit *e, u8 b)
{
	if (e->error)
		return;
	if (e->pos >= e->cap) {
		e->error = true;
		return;
	}
	if (e->buf)
		e->buf[e->pos] = b;
	e->pos++;
}

/*@
 * requires sj_emit_ok(e);
 * assigns e->pos, e->error, e->buf[e->pos .. e->cap - 1];
 * ensures sj_emit_ok(e) && \old(e->pos) <= e->pos;
 * ensures \old(e->error) ==> e->error && e->pos == \old(e->pos);
 * ensures !e->error ==> e->pos == \old(e->pos) + 4;
 * ensures !e->error && e->buf != \null ==>
 *	sj_le32(e->buf, \old(e->pos), v);
 */
void emit_u32(struct sj_emit *e, u32 v)
{
	emit_u8(e, v & 0xff);
	emit_u8(e, (v >> 8) & 0xff);
	emit_u8(e, (v >> 16) & 0xff);
	emit_u8(e, (v >> 24) & 0xff);
}

/* A field out of range is an emitter bug: fail the image, never mis-encode. */
/*@
 * requires sj_emit_ok(e);
 * assigns e->pos, e->error, e->buf[e->pos .. e->cap - 1];
 * ensures sj_emit_ok(e) && \old(e->pos) <= e->pos;
 * ensures \old(e->error) ==> e->error && e->pos == \old(e->pos);
 * ensures !e->error ==> e->pos == \old(e->pos) + 1;
 */
void emit_modrm(struct sj_emit *e, u8 mod, u8 reg, u8 rm)
{
	if (mod > 3 || reg > 7 || rm > 7) {
		e->error = true;
		return;
	}
	emit_u8(e, (u8)((u32)mod << 6 | (u32)reg << 3 | rm));
}

/* endbr64: the landing pad an IBT kernel requires of an indirect call's target */
/*@
 * requires sj_emit_ok(e);
 * assigns e->pos, e->error, e->buf[e->pos .. e->cap - 1];
 * ensures sj_emit_ok(e) && \old(e->pos) <= e->pos;
 * ensures \old(e->error) ==> e->error && e->pos == \old(e->pos);
 * ensures !e->error ==> e->pos == \old(e->pos) + 4;
 */
void emit_endbr64(struct sj_emit *e)
{
	emit_u8(e, 0xf3);
	emit_u8(e, 0x0f);
	emit_u8(e, 0x1e);
	emit_u8(e, 0xfa);
}

/* push %rbp */
/*@
 * requires sj_emit_ok(e);
 * assigns e->pos, e->error, e->buf[e->pos .. e->cap - 1];
 * ensures sj_emit_ok(e) && \old(e->pos) <= e->pos;
 * ensures \old(e->error) ==> e->error && e->pos == \old(e->pos);
 * ensures !e->error ==> e->pos == \old(e->pos) + 1;
 */
void emit_push64_rbp(struct sj_emit *e)
{
	emit_u8(e, 0x55);
}

/* mov %rsp, %rbp */
/*@
 * requires sj_emit_ok(e);
 * assigns e->pos, e->error, e->buf[e->pos .. e->cap - 1];
 * ensures sj_emit_ok(e) && \old(e->pos) <= e->pos;
 * ensures \old(e->error) ==> e->error && e->pos == \old(e->pos);
 * ensures !e->error ==> e->pos == \old(e->pos) + 3;
 */
void emit_mov64_rsp_rbp(struct sj_emit *e)
{
	emit_u8(e, 0x48);
	emit_u8(e, 0x89);
	emit_modrm(e, 3, X86_ESP, X86_EBP);
}

/* sub $imm8, %rsp */
/*@
 * requires sj_emit_ok(e);
 * assigns e->pos, e->error, e->buf[e->pos .. e->cap - 1];
 * ensures sj_emit_ok(e) && \old(e->pos) <= e->pos;
 * ensures \old(e->error) ==> e->error && e->pos == \old(e->pos);
 * ensures !e->error ==> e->pos == \old(e->pos) + 4;
 */
void emit_sub64_imm8_rsp(struct sj_emit *e, u8 imm)
{
	if (imm > 127) {
		e->error = true;
		return;
	}
	emit_u8(e, 0x48);
	emit_u8(e, 0x83);
	emit_modrm(e, 3, X86_SUB, X86_ESP);
	emit_u8(e, imm);
}

/* leave */
/*@
 * requires sj_emit_ok(e);
 * assigns e->pos, e->error, e->buf[e->pos .. e->cap - 1];
 * ensures sj_emit_ok(e) && \old(e->pos) <= e->pos;
 * ensures \old(e->error) ==> e->error && e->pos == \old(e->pos);
 * ensures !e->error ==> e->pos == \old(e->pos) + 1;
 */
void emit_leave(struct sj_emit *e)
{
	emit_u8(e, 0xc9);
}

/* ret */
/*@
 * requires sj_emit_ok(e);
 * assigns e->pos, e->error, e->buf[e->pos .. e->cap - 1];
 * ensures sj_emit_ok(e) && \old(e->pos) <= e->pos;
 * ensures \old(e->error) ==> e->error && e->pos == \old(e->pos);
 * ensures !e->error ==> e->pos == \old(e->pos) + 1;
 */
void emit_ret(struct sj_emit *e)
{
	emit_u8(e, 0xc3);
}

/* int3 */
/*@
 * requires sj_emit_ok(e);
 * assigns e->pos, e->error, e->buf[e->pos .. e->cap - 1];
 * ensures sj_emit_ok(e) && \old(e->pos) <= e->pos;
 * ensures \old(e->error) ==> e->error && e->pos == \old(e->pos);
 * ensures !e->error ==> e->pos == \old(e->pos) + 1;
 */
void emit_int3(struct sj_emit *e)
{
	emit_u8(e, 0xcc);
}

/* mov $imm32, %dst32 */
/*@
 * requires sj_emit_ok(e);
 * assigns e->pos, e->error, e->buf[e->pos .. e->cap - 1];
 * ensures sj_emit_ok(e) && \old(e->pos) <= e->pos;
 * ensures \old(e->error) ==> e->error && e->pos == \old(e->pos);
 * ensures !e->error ==> e->pos == \old(e->pos) + 5;
 */
void emit_mov32_imm32(struct sj_emit *e, u8 dst, u32 imm)
{
	if (dst > 7) {
		e->error = true;
		return;
	}
	emit_u8(e, 0xb8 + dst);
	emit_u32(e, imm);
}

/* mov %src32, %dst32 */
/*@
 * requires sj_emit_ok(e);
 * assigns e->pos, e->error, e->buf[e->pos .. e->cap - 1];
 * ensures sj_emit_ok(e) && \old(e->pos) <= e->pos;
 * ensures \old(e->error) ==> e->error && e->pos == \old(e->pos);
 * ensures !e->error ==> e->pos == \old(e->pos) + 2;
 */
void emit_mov32_reg(struct sj_emit *e, u8 dst, u8 src)
{
	emit_u8(e, 0x89);
	emit_modrm(e, 3, src, dst);
}

/*
 * Memory operands use mod = 1 (disp8), or mod = 0 with rm = 5 (rip-relative)
 * for the constant pool; rm = 4 would need a SIB byte and is never emitted.
 */
/*@
 * requires sj_emit_ok(e);
 * assigns e->pos, e->error, e->buf[e->pos .. e->cap - 1];
 * ensures sj_emit_ok(e) && \old(e->pos) <= e->pos;
 * ensures \old(e->error) ==> e->error && e->pos == \old(e->pos);
 * ensures !e->error ==> e->pos == \old(e->pos) + 2;
 */
static void emit_modrm_disp8(struct sj_emit *e, u8 reg, u8 base, s8 disp)
{
	if (base == X86_ESP) {
		e->error = true;
		return;
	}
	emit_modrm(e, 1, reg, base);
	emit_u8(e, (u8)disp);
}

/* mov disp8(%base), %dst32 */
/*@
 * requires sj_emit_ok(e);
 * assigns e->pos, e->error, e->buf[e->pos .. e->cap - 1];
 * ensures sj_emit_ok(e) && \old(e->pos) <= e->pos;
 * ensures \old(e->error) ==> e->error && e->pos == \old(e->pos);
 * ensures !e->error ==> e->pos == \old(e->pos) + 3;
 */
void emit_mov32_load_disp8(struct sj_emit *e, u8 dst, u8 base, s8 disp)
{
	emit_u8(e, 0x8b);
	emit_modrm_disp8(e, dst, base, disp);
}

/*
 * The rip-relative memory operand: mod = 0, rm = 5, then the displacement
 * from the end of the instruction, which these forms end with.  Only the
 * filter's constants are read this way, from the image's non-executable
 * pool (jit.c).
 */
/*@
 * requires sj_emit_ok(e);
 * assigns e->pos, e->error, e->buf[e->pos .. e->cap - 1];
 * ensures sj_emit_ok(e) && \old(e->pos) <= e->pos;
 * ensures \old(e->error) ==> e->error && e->pos == \old(e->pos);
 * ensures !e->error ==> e->pos == \old(e->pos) + 5;
 */
static void emit_modrm_rip(struct sj_emit *e, u8 reg, s32 disp)
{
	emit_modrm(e, 0, reg, 5);
	emit_u32(e, (u32)disp);
}

/* mov disp32(%rip), %dst32 */
/*@
 * requires sj_emit_ok(e);
 * assigns e->pos, e->error, e->buf[e->pos .. e->cap - 1];
 * ensures sj_emit_ok(e) && \old(e->pos) <= e->pos;
 * ensures \old(e->error) ==> e->error && e->pos == \old(e->pos);
 * ensures !e->error ==> e->pos == \old(e->pos) + 6;
 */
void emit_mov32_load_rip(struct sj_emit *e, u8 dst, s32 disp)
{
	emit_u8(e, 0x8b);
	emit_modrm_rip(e, dst, disp);
}

/* add/or/and/sub/xor/cmp disp32(%rip), %dst32 */
/*@
 * requires sj_emit_ok(e);
 * assigns e->pos, e->error, e->buf[e->pos .. e->cap - 1];
 * ensures sj_emit_ok(e) && \old(e->pos) <= e->pos;
 * ensures \old(e->error) ==> e->error && e->pos == \old(e->pos);
 * ensures !e->error ==> e->pos == \old(e->pos) + 6;
 */
void emit_alu32_load_rip(struct sj_emit *e, u8 op, u8 dst, s32 disp)
{
	if (op > 7) {
		e->error = true;
		return;
	}
	emit_u8(e, (u8)((u32)op << 3 | 0x03));
	emit_modrm_rip(e, dst, disp);
}

/* imul disp32(%rip), %dst32 */
/*@
 * requires sj_emit_ok(e);
 * assigns e->pos, e->error, e->buf[e->pos .. e->cap - 1];
 * ensures sj_emit_ok(e) && \old(e->pos) <= e->pos;
 * ensures \old(e->error) ==> e->error && e->pos == \old(e->pos);
 * ensures !e->error ==> e->pos == \old(e->pos) + 7;
 */
void emit_imul32_load_rip(struct sj_emit *e, u8 dst, s32 disp)
{
	emit_u8(e, 0x0f);
	emit_u8(e, 0xaf);
	emit_modrm_rip(e, dst, disp);
}

/* divl disp32(%rip) (unsigned %edx:%eax / the dword there) */
/*@
 * requires sj_emit_ok(e);
 * assigns e->pos, e->error, e->buf[e->pos .. e->cap - 1];
 * ensures sj_emit_ok(e) && \old(e->pos) <= e->pos;
 * ensures \old(e->error) ==> e->error && e->pos == \old(e->pos);
 * ensures !e->error ==> e->pos == \old(e->pos) + 6;
 */
void emit_div32_load_rip(struct sj_emit *e, s32 disp)
{
	emit_u8(e, 0xf7);
	emit_modrm_rip(e, 6, disp);
}

/* test %src32, disp32(%rip) */
/*@
 * requires sj_emit_ok(e);
 * assigns e->pos, e->error, e->buf[e->pos .. e->cap - 1];
 * ensures sj_emit_ok(e) && \old(e->pos) <= e->pos;
 * ensures \old(e->error) ==> e->error && e->pos == \old(e->pos);
 * ensures !e->error ==> e->pos == \old(e->pos) + 6;
 */
void emit_test32_load_rip(struct sj_emit *e, u8 src, s32 disp)
{
	emit_u8(e, 0x85);
	emit_modrm_rip(e, src, disp);
}

/* mov %src32, disp8(%base) */
/*@
 * requires sj_emit_ok(e);
 * assigns e->pos, e->error, e->buf[e->pos .. e->cap - 1];
 * ensures sj_emit_ok(e) && \old(e->pos) <= e->pos;
 * ensures \old(e->error) ==> e->error && e->pos == \old(e->pos);
 * ensures !e->error ==> e->pos == \old(e->pos) + 3;
 */
void emit_mov32_store_disp8(struct sj_emit *e, u8 base, s8 disp, u8 src)
{
	emit_u8(e, 0x89);
	emit_modrm_disp8(e, src, base, disp);
}

/* add/or/and/sub/xor/cmp $imm8 (sign-extended), %dst32 */
/*@
 * requires sj_emit_ok(e);
 * assigns e->pos, e->error, e->buf[e->pos .. e->cap - 1];
 * ensures sj_emit_ok(e) && \old(e->pos) <= e->pos;
 * ensures \old(e->error) ==> e->error && e->pos == \old(e->pos);
 * ensures !e->error ==> e->pos == \old(e->pos) + 3;
 */
void emit_alu32_imm8(struct sj_emit *e, u8 op, u8 dst, s8 imm)
{
	emit_u8(e, 0x83);
	emit_modrm(e, 3, op, dst);
	emit_u8(e, (u8)imm);
}

/* add/or/and/sub/xor/cmp $imm32, %dst32 */
/*@
 * requires sj_emit_ok(e);
 * assigns e->pos, e->error, e->buf[e->pos .. e->cap - 1];
 * ensures sj_emit_ok(e) && \old(e->pos) <= e->pos;
 * ensures \old(e->error) ==> e->error && e->pos == \old(e->pos);
 * ensures !e->error ==> e->pos == \old(e->pos) + 6;
 */
void emit_alu32_imm32(struct sj_emit *e, u8 op, u8 dst, u32 imm)
{
	emit_u8(e, 0x81);
	emit_modrm(e, 3, op, dst);
	emit_u32(e, imm);
}

/* add/or/and/sub/xor/cmp %src32, %dst32 */
/*@
 * requires sj_emit_ok(e);
 * assigns e->pos, e->error, e->buf[e->pos .. e->cap - 1];
 * ensures sj_emit_ok(e) && \old(e->pos) <= e->pos;
 * ensures \old(e->error) ==> e->error && e->pos == \old(e->pos);
 * ensures !e->error ==> e->pos == \old(e->pos) + 2;
 */
void emit_alu32_reg(struct sj_emit *e, u8 op, u8 dst, u8 src)
{
	if (op > 7) {
		e->error = true;
		return;
	}
	emit_u8(e, (u8)((u32)op << 3 | 0x01));
	emit_modrm(e, 3, src, dst);
}

/* imul $imm32, %src32, %dst32 */
/*@
 * requires sj_emit_ok(e);
 * assigns e->pos, e->error, e->buf[e->pos .. e->cap - 1];
 * ensures sj_emit_ok(e) && \old(e->pos) <= e->pos;
 * ensures \old(e->error) ==> e->error && e->pos == \old(e->pos);
 * ensures !e->error ==> e->pos == \old(e->pos) + 6;
 */
void emit_imul32_imm32(struct sj_emit *e, u8 dst, u8 src, u32 imm)
{
	emit_u8(e, 0x69);
	emit_modrm(e, 3, dst, src);
	emit_u32(e, imm);
}

/* imul %src32, %dst32 */
/*@
 * requires sj_emit_ok(e);
 * assigns e->pos, e->error, e->buf[e->pos .. e->cap - 1];
 * ensures sj_emit_ok(e) && \old(e->pos) <= e->pos;
 * ensures \old(e->error) ==> e->error && e->pos == \old(e->pos);
 * ensures !e->error ==> e->pos == \old(e->pos) + 3;
 */
void emit_imul32_reg(struct sj_emit *e, u8 dst, u8 src)
{
	emit_u8(e, 0x0f);
	emit_u8(e, 0xaf);
	emit_modrm(e, 3, dst, src);
}

/* div %src32 (unsigned %edx:%eax / %src32) */
/*@
 * requires sj_emit_ok(e);
 * assigns e->pos, e->error, e->buf[e->pos .. e->cap - 1];
 * ensures sj_emit_ok(e) && \old(e->pos) <= e->pos;
 * ensures \old(e->error) ==> e->error && e->pos == \old(e->pos);
 * ensures !e->error ==> e->pos == \old(e->pos) + 2;
 */
void emit_div32_reg(struct sj_emit *e, u8 src)
{
	emit_u8(e, 0xf7);
	emit_modrm(e, 3, 6, src);
}

/* neg %dst32 */
/*@
 * requires sj_emit_ok(e);
 * assigns e->pos, e->error, e->buf[e->pos .. e->cap - 1];
 * ensures sj_emit_ok(e) && \old(e->pos) <= e->pos;
 * ensures \old(e->error) ==> e->error && e->pos == \old(e->pos);
 * ensures !e->error ==> e->pos == \old(e->pos) + 2;
 */
void emit_neg32_reg(struct sj_emit *e, u8 dst)
{
	emit_u8(e, 0xf7);
	emit_modrm(e, 3, 3, dst);
}

/* shl/shr $imm8, %dst32 */
/*@
 * requires sj_emit_ok(e);
 * assigns e->pos, e->error, e->buf[e->pos .. e->cap - 1];
 * ensures sj_emit_ok(e) && \old(e->pos) <= e->pos;
 * ensures \old(e->error) ==> e->error && e->pos == \old(e->pos);
 * ensures !e->error ==> e->pos == \old(e->pos) + 3;
 */
void emit_shift32_imm8(struct sj_emit *e, u8 op, u8 dst, u8 count)
{
	if (count > 31) {
		e->error = true;
		return;
	}
	emit_u8(e, 0xc1);
	emit_modrm(e, 3, op, dst);
	emit_u8(e, count);
}

/* shl/shr %cl, %dst32 (the CPU masks the count to 5 bits) */
/*@
 * requires sj_emit_ok(e);
 * assigns e->pos, e->error, e->buf[e->pos .. e->cap - 1];
 * ensures sj_emit_ok(e) && \old(e->pos) <= e->pos;
 * ensures \old(e->error) ==> e->error && e->pos == \old(e->pos);
 * ensures !e->error ==> e->pos == \old(e->pos) + 2;
 */
void emit_shift32_cl(struct sj_emit *e, u8 op, u8 dst)
{
	emit_u8(e, 0xd3);
	emit_modrm(e, 3, op, dst);
}

/* test %src32, %dst32 */
/*@
 * requires sj_emit_ok(e);
 * assigns e->pos, e->error, e->buf[e->pos .. e->cap - 1];
 * ensures sj_emit_ok(e) && \old(e->pos) <= e->pos;
 * ensures \old(e->error) ==> e->error && e->pos == \old(e->pos);
 * ensures !e->error ==> e->pos == \old(e->pos) + 2;
 */
void emit_test32_reg(struct sj_emit *e, u8 dst, u8 src)
{
	emit_u8(e, 0x85);
	emit_modrm(e, 3, src, dst);
}

/* test $imm32, %dst32 */
/*@
 * requires sj_emit_ok(e);
 * assigns e->pos, e->error, e->buf[e->pos .. e->cap - 1];
 * ensures sj_emit_ok(e) && \old(e->pos) <= e->pos;
 * ensures \old(e->error) ==> e->error && e->pos == \old(e->pos);
 * ensures !e->error ==> e->pos == \old(e->pos) + 6;
 */
void emit_test32_imm32(struct sj_emit *e, u8 dst, u32 imm)
{
	emit_u8(e, 0xf7);
	emit_modrm(e, 3, 0, dst);
	emit_u32(e, imm);
}

/* jcc rel8 */
/*@
 * requires sj_emit_ok(e);
 * assigns e->pos, e->error, e->buf[e->pos .. e->cap - 1];
 * ensures sj_emit_ok(e) && \old(e->pos) <= e->pos;
 * ensures \old(e->error) ==> e->error && e->pos == \old(e->pos);
 * ensures !e->error ==> e->pos == \old(e->pos) + 2;
 * ensures !e->error ==> cc <= 15;
 * ensures !e->error && e->buf != \null ==>
 *	e->buf[\old(e->pos)] == 0x70 + cc &&
 *	e->buf[\old(e->pos) + 1] == (u8)disp;
 */
void emit_jcc_rel8(struct sj_emit *e, u8 cc, s8 disp)
{
	if (cc > 15) {
		e->error = true;
		return;
	}
	emit_u8(e, 0x70 + cc);
	emit_u8(e, (u8)disp);
}

/* jcc rel32 */
/*@
 * requires sj_emit_ok(e);
 * assigns e->pos, e->error, e->buf[e->pos .. e->cap - 1];
 * ensures sj_emit_ok(e) && \old(e->pos) <= e->pos;
 * ensures \old(e->error) ==> e->error && e->pos == \old(e->pos);
 * ensures !e->error ==> e->pos == \old(e->pos) + 6;
 * ensures !e->error ==> cc <= 15;
 * ensures !e->error && e->buf != \null ==>
 *	e->buf[\old(e->pos)] == 0x0f &&
 *	e->buf[\old(e->pos) + 1] == 0x80 + cc &&
 *	sj_le32(e->buf, \old(e->pos) + 2, (u32)disp);
 */
void emit_jcc_rel32(struct sj_emit *e, u8 cc, s32 disp)
{
	if (cc > 15) {
		e->error = true;
		return;
	}
	emit_u8(e, 0x0f);
	emit_u8(e, 0x80 + cc);
	emit_u32(e, (u32)disp);
}

/* jmp rel8 */
/*@
 * requires sj_emit_ok(e);
 * assigns e->pos, e->error, e->buf[e->pos .. e->cap - 1];
 * ensures sj_emit_ok(e) && \old(e->pos) <= e->pos;
 * ensures \old(e->error) ==> e->error && e->pos == \old(e->pos);
 * ensures !e->error ==> e->pos == \old(e->pos) + 2;
 * ensures !e->error && e->buf != \null ==>
 *	e->buf[\old(e->pos)] == 0xeb &&
 *	e->buf[\old(e->pos) + 1] == (u8)disp;
 */
void emit_jmp_rel8(struct sj_emit *e, s8 disp)
{
	emit_u8(e, 0xeb);
	emit_u8(e, (u8)disp);
}

/* jmp rel32 */
/*@
 * requires sj_emit_ok(e);
 * assigns e->pos, e->error, e->buf[e->pos .. e->cap - 1];
 * ensures sj_emit_ok(e) && \old(e->pos) <= e->pos;
 * ensures \old(e->error) ==> e->error && e->pos == \old(e->pos);
 * ensures !e->error ==> e->pos == \old(e->pos) + 5;
 * ensures !e->error && e->buf != \null ==>
 *	e->buf[\old(e->pos)] == 0xe9 &&
 *	sj_le32(e->buf, \old(e->pos) + 1, (u32)disp);
 */
void emit_jmp_rel32(struct sj_emit *e, s32 disp)
{
	emit_u8(e, 0xe9);
	emit_u32(e, (u32)disp);
}
