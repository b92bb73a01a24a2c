// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>

#include "fuzz_common.h"

/*
 * FNV-1a: seeds the harnesses' pseudo-random inputs from the fuzz data, so
 * that a crash file replays the very inputs that failed.
 */
u64 fuzz_hash(const u8 *data, size_t size)
{
	u64 h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < size; i++)
		h = (h ^ data[i]) * 0x100000001b3ULL;
	return h;
}

void fuzz_print_prog(const struct sock_filter *prog, u32 len)
{
	u32 i;

	fprintf(stderr, "program, %u instructions:\n", len);
	for (i = 0; i < len; i++)
		fprintf(stderr, "\t{ 0x%02x, %u, %u, 0x%08x },\n",
			prog[i].code, prog[i].jt, prog[i].jf, prog[i].k);
}

void fuzz_print_input(const struct seccomp_data *sd)
{
	u32 w[SJ_DATA_SIZE / 4], i;

	memcpy(w, sd, sizeof(w));
	fprintf(stderr, "input, as 32-bit words from offset 0:\n");
	for (i = 0; i < ARRAY_SIZE(w); i++)
		fprintf(stderr, "%s0x%08x,%s", i % 4 ? " " : "\t", w[i],
			i % 4 == 3 ? "\n" : "");
}

/* Prints why, the program and the input (if any), then aborts. */
void fuzz_fail(const struct sock_filter *prog, u32 len,
	       const struct seccomp_data *sd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "\nFUZZ FAILURE: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	if (prog)
		fuzz_print_prog(prog, len);
	if (sd)
		fuzz_print_input(sd);
	fflush(stderr);
	abort();
}
