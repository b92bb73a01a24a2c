// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the checker.  The fuzz bytes are a filter as the
 * module receives it: size / 8 instructions, any length (0 and more than
 * 4096 included), any opcode and operand; trailing bytes may also ask for
 * the same instructions repeated to another length (sj_fuzz_one()).
 * Built with ASan and UBSan, so any out-of-bounds access or undefined
 * behaviour aborts.  Beyond "no crash", every program checks:
 *
 *  - the verdict is the same twice, whatever sj_check_work held before
 *    (the module reuses that memory between requests);
 *  - a rejection names an instruction of the program, with its opcode;
 *  - an accepted program is safe to run: run_checked() below, written
 *    apart from verifier/interp.c on purpose, follows each run step by step
 *    and fails if it leaves the program, meets an opcode or operand outside
 *    seccomp's subset, reads a scratch slot no earlier step wrote, takes
 *    more steps than facts.longest_path, or reads a slot or a seccomp_data
 *    field the facts leave out; sj_interp() must return what it returns,
 *    twice (a read of undefined M[] would show up as a difference);
 *  - the verdict renders as text into buffers of every size: always
 *    NUL-terminated, never past the buffer, the same full length whatever
 *    the size, each truncation a prefix of the full text.
 *
 * Replay a crash: build/fuzz/fuzz_check CRASHFILE
 */
#include <stdlib.h>
#include <sanitizer/asan_interface.h>

#include "../verifier/check.h"
#include "../verifier/interp.h"
#include "../selftests/unit/agree.h"
#include "fuzz_common.h"

#define MAX_INPUTS	16
#define TEXT_MAX	1024	/* far more than one verdict's text */

/* Static and reused, as in the module: sj_check() must not depend on it. */
static struct sj_check_work work;

struct run {
	const struct sock_filter *prog;
	u32 len;
	const struct sj_facts *facts;
	const struct seccomp_data *sd;
	u16 written;	/* slots stored to so far in this run */
};

static void __printf(2, 3) __noreturn
run_fail(const struct run *r, const char *fmt, ...)
{
	char why[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	fuzz_fail(r->prog, r->len, r->sd, "accepted program: %s", why);
}

static u32 field_of(u32 off)
{
	return off < 4 ? SEALJIT_USES_NR : off < 8 ? SEALJIT_USES_ARCH :
	       off < 16 ? SEALJIT_USES_IP : SEALJIT_USES_ARGS;
}

static u32 mem_index(struct run *r, u32 pc, u32 k, bool write)
{
	if (k >= SJ_MEMWORDS)
		run_fail(r, "insn %u: scratch slot %u", pc, k);
	if (!(r->facts->scratch_mask & (1U << k)))
		run_fail(r, "insn %u: M[%u] missing from scratch_mask 0x%04x",
			 pc, k, r->facts->scratch_mask);
	if (!write && !(r->written & (1U << k)))
		run_fail(r, "insn %u: M[%u] read before any write on this run",
			 pc, k);
	if (write)
		r->written |= 1U << k;
	return k;
}

/*
 * One run of an accepted program, every step checked against what the
 * checker promised.  Returns the filter's result.
 */
static u32 run_checked(struct run *r)
{
	u32 data[SJ_DATA_SIZE / 4], mem[SJ_MEMWORDS];
	u32 a = 0, x = 0, pc = 0, steps = 0;
	const struct sock_filter *insn;
	bool taken;

	memcpy(data, r->sd, sizeof(data));
	r->written = 0;
	for (;;) {
		if (pc >= r->len)
			run_fail(r, "the run left the program at %u", pc);
		if (++steps > r->facts->longest_path)
			run_fail(r, "more than longest_path = %u steps",
				 r->facts->longest_path);
		insn = &r->prog[pc];
		switch (insn->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			if (insn->k >= SJ_DATA_SIZE || insn->k % 4)
				run_fail(r, "insn %u: load offset %u", pc,
					 insn->k);
			if (!(r->facts->uses & field_of(insn->k)))
				run_fail(r, "insn %u: offset %u missing from uses 0x%x",
					 pc, insn->k, r->facts->uses);
			a = data[insn->k / 4];
			break;
		case BPF_LD | BPF_W | BPF_LEN:
		case BPF_LDX | BPF_W | BPF_LEN:
			if (!(r->facts->uses & SEALJIT_USES_LEN))
				run_fail(r, "insn %u: #len missing from uses", pc);
			if (insn->code & BPF_LDX)
				x = SJ_DATA_SIZE;
			else
				a = SJ_DATA_SIZE;
			break;
		case BPF_LD | BPF_IMM:
			a = insn->k;
			break;
		case BPF_LDX | BPF_IMM:
			x = insn->k;
			break;
		case BPF_LD | BPF_MEM:
			a = mem[mem_index(r, pc, insn->k, false)];
			break;
		case BPF_LDX | BPF_MEM:
			x = mem[mem_index(r, pc, insn->k, false)];
			break;
		case BPF_ST:
			mem[mem_index(r, pc, insn->k, true)] = a;
			break;
		case BPF_STX:
			mem[mem_index(r, pc, insn->k, true)] = x;
			break;
		case BPF_ALU | BPF_ADD | BPF_K:
			a += insn->k;
			break;
		case BPF_ALU | BPF_ADD | BPF_X:
			a += x;
			break;
		case BPF_ALU | BPF_SUB | BPF_K:
			a -= insn->k;
			break;
		case BPF_ALU | BPF_SUB | BPF_X:
			a -= x;
			break;
		case BPF_ALU | BPF_MUL | BPF_K:
			a *= insn->k;
			break;
		case BPF_ALU | BPF_MUL | BPF_X:
			a *= x;
			break;
		case BPF_ALU | BPF_DIV | BPF_K:
			if (!insn->k)
				run_fail(r, "insn %u: div #0", pc);
			a /= insn->k;
			break;
		case BPF_ALU | BPF_DIV | BPF_X:
			if (!x)
				return 0;	/* seccomp's "if X == 0 return 0" */
			a /= x;
			break;
		case BPF_ALU | BPF_AND | BPF_K:
			a &= insn->k;
			break;
		case BPF_ALU | BPF_AND | BPF_X:
			a &= x;
			break;
		case BPF_ALU | BPF_OR | BPF_K:
			a |= insn->k;
			break;
		case BPF_ALU | BPF_OR | BPF_X:
			a |= x;
			break;
		case BPF_ALU | BPF_XOR | BPF_K:
			a ^= insn->k;
			break;
		case BPF_ALU | BPF_XOR | BPF_X:
			a ^= x;
			break;
		case BPF_ALU | BPF_LSH | BPF_K:
		case BPF_ALU | BPF_RSH | BPF_K:
			if (insn->k >= 32)
				run_fail(r, "insn %u: constant shift by %u", pc,
					 insn->k);
			a = BPF_OP(insn->code) == BPF_LSH ? a << insn->k :
							     a >> insn->k;
			break;
		case BPF_ALU | BPF_LSH | BPF_X:
			a <<= x & 31;
			break;
		case BPF_ALU | BPF_RSH | BPF_X:
			a >>= x & 31;
			break;
		case BPF_ALU | BPF_NEG:
			a = -a;
			break;
		case BPF_MISC | BPF_TAX:
			x = a;
			break;
		case BPF_MISC | BPF_TXA:
			a = x;
			break;
		case BPF_JMP | BPF_JA:
			/* Compared, never added first: k may be near 2^32. */
			if (insn->k >= r->len - pc - 1)
				run_fail(r, "insn %u: ja by %u leaves the program",
					 pc, insn->k);
			pc += insn->k;
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
		case BPF_JMP | BPF_JEQ | BPF_X:
		case BPF_JMP | BPF_JGT | BPF_K:
		case BPF_JMP | BPF_JGT | BPF_X:
		case BPF_JMP | BPF_JGE | BPF_K:
		case BPF_JMP | BPF_JGE | BPF_X:
		case BPF_JMP | BPF_JSET | BPF_K:
		case BPF_JMP | BPF_JSET | BPF_X: {
			u32 v = BPF_SRC(insn->code) == BPF_X ? x : insn->k;

			switch (BPF_OP(insn->code)) {
			case BPF_JEQ:
				taken = a == v;
				break;
			case BPF_JGT:
				taken = a > v;
				break;
			case BPF_JGE:
				taken = a >= v;
				break;
			default:
				taken = a & v;
				break;
			}
			pc += taken ? insn->jt : insn->jf;
			break;
		}
		case BPF_RET | BPF_K:
			return insn->k;
		case BPF_RET | BPF_A:
			return a;
		default:
			run_fail(r, "insn %u: opcode 0x%04x outside seccomp's subset",
				 pc, insn->code);
		}
		pc++;
	}
}

/* The program's own bytes, the first 64, as one of the inputs. */
static void bytes_input(const u8 *data, size_t size, struct seccomp_data *sd)
{
	memset(sd, 0, sizeof(*sd));
	memcpy(sd, data, min(size, sizeof(*sd)));
}

static void run_accepted(const struct sock_filter *prog, u32 len,
			 const struct sj_facts *facts, const u8 *data,
			 size_t size)
{
	struct seccomp_data in[MAX_INPUTS];
	u64 rng = fuzz_hash(data, size);
	u32 n, i;

	bytes_input(data, size, &in[0]);
	n = 1 + sj_boundary_inputs(prog, len, &in[1], MAX_INPUTS - 5);
	while (n < MAX_INPUTS)
		sj_random_input(&rng, prog, len, &in[n++]);
	for (i = 0; i < n; i++) {
		struct run r = { prog, len, facts, &in[i], 0 };
		u32 want = run_checked(&r);
		u32 got = sj_interp(prog, len, &in[i]);

		if (got != want || sj_interp(prog, len, &in[i]) != got)
			fuzz_fail(prog, len, &in[i],
				  "sj_interp() returned 0x%08x, then 0x%08x; the step-by-step run 0x%08x",
				  got, sj_interp(prog, len, &in[i]), want);
	}
}

/*
 * One rendering into the first @size bytes of a buffer whose rest ASan
 * treats as unaddressable, so that a write even one byte past @size
 * aborts; then compared with the full text.
 */
static void render_into(u32 size, u32 level, const struct sj_diag *diag,
			const struct sj_facts *facts, u32 image_size,
			const char *full, u32 need, bool format_only)
{
	static char buf[TEXT_MAX];
	u32 got, want_len;

	ASAN_POISON_MEMORY_REGION(buf + size, TEXT_MAX - size);
	if (format_only)
		got = sj_diag_format(buf, size, diag);
	else
		got = sj_log_render(buf, size, level, diag, facts, image_size);
	ASAN_UNPOISON_MEMORY_REGION(buf + size, TEXT_MAX - size);
	if (got != need)
		fuzz_fail(NULL, 0, NULL,
			  "text into %u bytes (level %u, format_only %d): returned %u, with no limit %u",
			  size, level, format_only, got, need);
	if (!size)
		return;
	want_len = min(need, size) - 1;
	if (buf[want_len] != '\0' || strlen(buf) != want_len ||
	    memcmp(buf, full, want_len))
		fuzz_fail(NULL, 0, NULL,
			  "text into %u bytes (level %u, format_only %d) is not the %u-byte prefix of \"%s\"",
			  size, level, format_only, want_len, full);
}

static void render_all(const struct sj_diag *diag,
		       const struct sj_facts *facts, u32 image_size, u32 pick)
{
	static char full[TEXT_MAX];
	u32 level, need, sizes[5], i;

	for (level = 0; level <= SEALJIT_LOG_FACTS + 1; level++) {
		bool format_only = level > SEALJIT_LOG_FACTS;

		need = format_only ? sj_diag_format(NULL, 0, diag) :
			sj_log_render(NULL, 0, level, diag, facts, image_size);
		if (need < 1 || need + 8 > TEXT_MAX)
			fuzz_fail(NULL, 0, NULL, "text needs %u bytes", need);
		memset(full, 0x5a, sizeof(full));
		if ((format_only ? sj_diag_format(full, TEXT_MAX, diag) :
		     sj_log_render(full, TEXT_MAX, level, diag, facts,
				   image_size)) != need ||
		    strlen(full) != need - 1)
			fuzz_fail(NULL, 0, NULL,
				  "text does not fill the %u bytes it said", need);
		/*
		 * The text's shape: nothing at level NONE, else one line for
		 * a rejection and one for an accepted program's facts.
		 */
		if ((level == SEALJIT_LOG_NONE ||
		     (level == SEALJIT_LOG_ERRORS && !diag->reason)) ?
		    need != 1 :
		    need < 2 || full[need - 2] != '\n' ||
		    strchr(full, '\n') != &full[need - 2])
			fuzz_fail(NULL, 0, NULL, "level %u: text \"%s\"", level,
				  full);
		/* Sizes 0, 1, each side of the text's end, one from the data. */
		sizes[0] = 0;
		sizes[1] = 1;
		sizes[2] = need - 1;
		sizes[3] = need;
		sizes[4] = 1 + pick % (need + 8);
		for (i = 0; i < ARRAY_SIZE(sizes); i++)
			render_into(sizes[i], level, diag, facts, image_size,
				    full, need, format_only);
	}
}

static u32 word_at(const u8 *data, size_t size, size_t off)
{
	u32 w = 0;

	if (off < size)
		memcpy(&w, data + off, min(size - off, sizeof(w)));
	return w;
}

/*
 * A verdict the checker never gives (any reason, opcode, index) still
 * renders safely: the module formats whatever it stored.
 */
static void render_junk(const u8 *data, size_t size)
{
	struct sj_diag diag = {
		.reason = word_at(data, size, 0) % (SEALJIT_E_MAX + 2),
		.insn = word_at(data, size, 4),
		.code = (u16)word_at(data, size, 8),
		.value = word_at(data, size, 12),
		.len = word_at(data, size, 16),
	};
	struct sj_facts facts = {
		.len = word_at(data, size, 20),
		.longest_path = word_at(data, size, 24),
		.scratch_mask = word_at(data, size, 28),
		.uses = word_at(data, size, 32),
	};

	render_all(&diag, &facts, word_at(data, size, 36),
		   word_at(data, size, 40));
}

static void same_verdict(const struct sock_filter *prog, u32 len, int rc,
			 const struct sj_diag *d, const struct sj_facts *f,
			 u8 fill)
{
	struct sj_diag d2;
	struct sj_facts f2;
	int rc2;

	memset(&work, fill, sizeof(work));
	rc2 = sj_check(prog, len, &work, &f2, &d2);
	if (rc2 != rc || d2.reason != d->reason || d2.insn != d->insn ||
	    d2.code != d->code || d2.value != d->value || d2.len != d->len ||
	    (!rc && (f2.len != f->len || f2.longest_path != f->longest_path ||
		     f2.scratch_mask != f->scratch_mask || f2.uses != f->uses)))
		fuzz_fail(prog, len, NULL,
			  "the verdict changed with the working memory (fill 0x%02x)",
			  fill);
}

static void check_verdict(const struct sock_filter *prog, u32 len, int rc,
			  const struct sj_diag *d, const struct sj_facts *f)
{
	if (rc != 0 && rc != -1)
		fuzz_fail(prog, len, NULL, "sj_check() returned %d", rc);
	if (d->len != len)
		fuzz_fail(prog, len, NULL, "diag.len %u", d->len);
	if (!rc) {
		if (d->reason != SEALJIT_OK || len < 1 || len > SJ_MAXINSNS ||
		    f->len != len || f->longest_path < 1 ||
		    f->longest_path > len || f->scratch_mask > 0xffff ||
		    f->uses & ~(u32)0x1f ||
		    !(sj_op_flags(prog[len - 1].code) & SJ_OP_RET))
			fuzz_fail(prog, len, NULL,
				  "accepted with reason %u, facts len %u longest %u scratch 0x%x uses 0x%x",
				  d->reason, f->len, f->longest_path,
				  f->scratch_mask, f->uses);
		return;
	}
	if (d->reason == SEALJIT_OK || d->reason >= SEALJIT_E_MAX ||
	    d->reason == SEALJIT_E_JIT)
		fuzz_fail(prog, len, NULL, "rejected with reason %u", d->reason);
	if (d->reason == SEALJIT_E_LEN_RANGE ?
	    (len >= 1 && len <= SJ_MAXINSNS) || d->insn || d->value != len :
	    len < 1 || len > SJ_MAXINSNS || d->insn >= len ||
	    d->code != prog[d->insn].code)
		fuzz_fail(prog, len, NULL,
			  "rejection %u names insn %u, code 0x%04x, value %u",
			  d->reason, d->insn, d->code, d->value);
}

/* Every check above, on one program. */
static void check_one(const struct sock_filter *prog, u32 len,
		      const u8 *data, size_t size)
{
	struct sj_facts facts;
	struct sj_diag diag;
	int rc;

	memset(&facts, 0xa5, sizeof(facts));
	rc = sj_check(prog, len, &work, &facts, &diag);
	check_verdict(prog, len, rc, &diag, &facts);
	same_verdict(prog, len, rc, &diag, &facts, (u8)fuzz_hash(data, size));
	if (!rc)
		run_accepted(prog, len, &facts, data, size);
	render_all(&diag, &facts, word_at(data, size, 4), word_at(data, size, 8));
}

/*
 * @len instructions: the @n at @src, repeated.  Exactly @len, suitably
 * aligned, so that ASan catches any read past the program, even by one
 * byte.
 */
static struct sock_filter *copy_prog(const u8 *src, u32 n, u32 len)
{
	struct sock_filter *prog = malloc((size_t)len * sizeof(*prog));
	u32 i;

	if (!prog && len)
		abort();
	for (i = 0; i < len; i++)
		memcpy(&prog[i], src + (size_t)(i % n) * sizeof(*prog),
		       sizeof(*prog));
	return prog;
}

int sj_fuzz_one(const u8 *data, size_t size)
{
	/* libFuzzer's -max_len keeps size far below 32 GiB. */
	u32 len = size / sizeof(struct sock_filter), tiled;
	size_t rest = size % sizeof(struct sock_filter);
	struct sock_filter *prog;
	u16 want;

	prog = copy_prog(data, len, len);
	check_one(prog, len, data, size);
	free(prog);
	/*
	 * The bytes past the last whole instruction, if two or more, ask for
	 * the same instructions again, repeated to the length in their first
	 * 16 bits (modulo 4160).  libFuzzer grows inputs slowly and reaches
	 * 4096 instructions only after minutes; this way a 30 s run also sees
	 * programs of and past that limit.
	 */
	if (len && rest >= sizeof(want)) {
		memcpy(&want, data + size - rest, sizeof(want));
		tiled = want % (SJ_MAXINSNS + 64);
		prog = copy_prog(data, len, tiled);
		check_one(prog, tiled, data, size);
		free(prog);
	}
	render_junk(data, size);
	return 0;
}
