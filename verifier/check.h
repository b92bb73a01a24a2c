/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The checker: accepts exactly the classic-BPF programs that Linux's
 * seccomp accepts, and says which instruction is wrong and why.
 */
#ifndef SJ_CHECK_H
#define SJ_CHECK_H

#include "insn.h"

/**
 * struct sj_diag - one rejection
 * @reason: enum sealjit_reason
 * @insn: index of the offending instruction (0 for length errors)
 * @code: its opcode
 * @value: the operand at fault: jump offset, load offset, constant or
 *	slot; the program length for %SEALJIT_E_LEN_RANGE
 * @len: length of the program, for the message
 */
struct sj_diag {
	u32 reason;
	u32 insn;
	u16 code;
	u32 value;
	u32 len;
};

/**
 * struct sj_facts - what an accepted program does, for later stages
 * @len: number of instructions
 * @longest_path: most instructions a single run can execute
 * @scratch_mask: bit i set if M[i] is read or written
 * @uses: SEALJIT_USES_* bits: which seccomp_data fields are read
 */
struct sj_facts {
	u32 len;
	u32 longest_path;
	u32 scratch_mask;
	u32 uses;
};

/*
 * Per-instruction working state, supplied by the caller so that the shared
 * code never allocates (16 KiB: the module kmallocs it per request).
 * @init[i] is the set of scratch slots written on every path reaching i.
 */
struct sj_check_work {
	u16 init[SJ_MAXINSNS];
	u16 longest[SJ_MAXINSNS];
};

int sj_check(const struct sock_filter *prog, u32 len,
	     struct sj_check_work *work, struct sj_facts *facts,
	     struct sj_diag *diag);

/* Text rendering, identical in the kernel log buffer and the tools. */
u32 sj_diag_format(char *buf, u32 size, const struct sj_diag *diag);
u32 sj_log_render(char *buf, u32 size, u32 level, const struct sj_diag *diag,
		  const struct sj_facts *facts, u32 image_size);

#endif /* SJ_CHECK_H */
