/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the libFuzzer harnesses share: seeding from the input bytes, and
 * one way to fail.  A failure prints the program in the initialiser form
 * of the table tests, so that it can be pasted into one as it is.
 */
#ifndef SJ_FUZZ_COMMON_H
#define SJ_FUZZ_COMMON_H

#include "../verifier/insn.h"

/* The kernel's __noreturn, spelt as sj_env.h spells __printf(). */
#define SJ_NORETURN_ATTR	noreturn
#define __noreturn		__attribute__((SJ_NORETURN_ATTR))

/*
 * Each harness's entry point: one fuzz input, returns 0.  The Makefile
 * links it as libFuzzer's LLVMFuzzerTestOneInput (--defsym), which keeps
 * that CamelCase name out of kernel-style sources.
 */
int sj_fuzz_one(const u8 *data, size_t size);

u64 fuzz_hash(const u8 *data, size_t size);
void fuzz_print_prog(const struct sock_filter *prog, u32 len);
void fuzz_print_input(const struct seccomp_data *sd);
void __printf(4, 5) __noreturn
fuzz_fail(const struct sock_filter *prog, u32 len,
	  const struct seccomp_data *sd, const char *fmt, ...);

#endif /* SJ_FUZZ_COMMON_H */
