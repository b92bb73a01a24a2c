// SPDX-License-Identifier: GPL-2.0
/*
 * The checker's certificate pass, check_slot_facts(), against the facts it
 * certifies written out slot by slot: on the sets the forward pass computes
 * for random valid programs (all must pass), and on those sets with one slot
 * added or removed somewhere.  The proof says the pass accepts only sets
 * with the facts; this shows it also accepts every set that has them, so
 * that a correct forward pass is never second-guessed, and prints how many
 * wrong sets (what a broken forward pass would produce) it caught.
 *
 * check.c is included so that its static passes can be called directly.
 */
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "../../verifier/check.c"
#include "gen.h"
#include "tap.h"

static bool slot(u16 set, u32 s)
{
	return (set >> s) & 1;
}

/* init[j] within init[i] + writes(i), one slot at a time. */
static bool edge_ok(const struct sock_filter *prog, const u16 *init, u32 i,
		    u32 j)
{
	bool wr = sj_op_flags(prog[i].code) & SJ_OP_MEM_WR;
	u32 s;

	for (s = 0; s < SJ_MEMWORDS; s++)
		if (slot(init[j], s) && !slot(init[i], s) &&
		    !(wr && prog[i].k == s))
			return false;
	return true;
}

static bool facts_hold(const struct sock_filter *prog, u32 len,
		       const u16 *init)
{
	u32 i;

	if (init[0])
		return false;
	for (i = 0; i < len; i++) {
		u16 f = sj_op_flags(prog[i].code);

		if (f & SJ_OP_JA) {
			if (!edge_ok(prog, init, i, i + 1 + prog[i].k))
				return false;
		} else if (f & SJ_OP_JCOND) {
			if (!edge_ok(prog, init, i, i + 1 + prog[i].jt) ||
			    !edge_ok(prog, init, i, i + 1 + prog[i].jf))
				return false;
		} else if (i + 1 < len && !edge_ok(prog, init, i, i + 1)) {
			return false;
		}
		if ((f & SJ_OP_MEM_RD) && !slot(init[i], prog[i].k))
			return false;
	}
	return true;
}

int main(int argc, char **argv)
{
	static struct sock_filter prog[SJ_MAXINSNS];
	static u16 init[SJ_MAXINSNS], incoming[SJ_MAXINSNS];
	u64 seed = (u64)time(NULL) ^ ((u64)getpid() << 32), rng;
	u32 programs = 20000, mutants = 0, caught = 0, kept = 0;
	u32 computed_bad = 0, disagree = 0, i, m;
	struct sj_diag diag;

	if (argc > 1)
		seed = strtoull(argv[1], NULL, 0);
	printf("# certificate pass: seed 0x%016llx (replay: %s 0x%016llx)\n",
	       (unsigned long long)seed, argv[0], (unsigned long long)seed);
	rng = seed;
	for (i = 0; i < programs; i++) {
		u32 len = sj_gen_program(&rng, prog, incoming);

		if (check_scratch(prog, len, init, &diag) ||
		    check_slot_facts(prog, len, init, &diag) ||
		    !facts_hold(prog, len, init)) {
			if (computed_bad++ < 3)
				printf("# program %u: computed sets fail\n", i);
			continue;
		}
		for (m = 0; m < 4; m++) {
			u32 j = sj_gen_pick(&rng, len);
			u32 s = sj_gen_pick(&rng, SJ_MEMWORDS);
			bool ref, got;

			init[j] ^= (u16)(1U << s);
			ref = facts_hold(prog, len, init);
			got = check_slot_facts(prog, len, init, &diag) == 0;
			mutants++;
			if (ref != got && disagree++ < 3)
				printf("# program %u: insn %u slot %u: reference %d, pass %d\n",
				       i, j, s, ref, got);
			if (!ref && !got)
				caught++;
			if (ref && got)
				kept++;
			init[j] ^= (u16)(1U << s);
		}
	}
	tap_ok(computed_bad == 0,
	       "%u random programs: the forward pass's sets pass the certificate",
	       programs);
	tap_ok(disagree == 0,
	       "%u one-slot changes: certificate = slot-by-slot facts (%u wrong sets rejected, %u still-valid sets accepted)",
	       mutants, caught, kept);
	tap_ok(caught > mutants / 10,
	       "the changes include wrong sets (%u of %u)", caught, mutants);
	printf("1..%u\n", tap_n);
	return tap_failed ? 1 : 0;
}
