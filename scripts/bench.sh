#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make bench`: one VM boot under QEMU's -icount shift=0,sleep=off (one
# vCPU: the guest clock counts instructions, so the figures are exact and
# repeat run to run), the same filters under the kernel's seccomp and under
# sealjit (selftests/bench/bench.c).  Prints every `bench:` line, then a
# table.  With --smoke (make check): a short run, and TAP saying whether it
# ran and its table parsed.
#
# Usage: scripts/bench.sh [--smoke] KERNEL BENCH_ARGS...
set -uo pipefail
smoke=0
if [ "${1:-}" = --smoke ]; then
	smoke=1
	shift
fi
kernel=$1
shift
out=build/bench-run
mkdir -p "$out"
echo "$*" >"$out/args"
selftests/vm/run-vm.sh --kernel "$kernel" --icount --smp 1 --timeout 1800 \
	--module sealjit.ko --bin build/bench --file "$out/args:/bench.args" \
	$(for f in docker-linear docker-tree allow-list no-network allow-all; do
		echo "--file build/corpus/$f.bpf:/corpus/$f.bpf"; done) \
	-- selftests/vm/guest-bench.sh >"$out/vm.out" 2>&1
rc=$?
grep -E '^bench: ' "$out/vm.out" | grep -v '^bench: exit' >"$out/lines"

# The table: one row per filter and figure, the engines side by side.
table() {
	awk -F' [|] ' '
	{
		sub(/^bench: /, "", $1)
		key = $1 " | " $2
		if (!(key in seen)) { seen[key] = 1; order[n++] = key }
		v[key, $3] = $4
		if ($1 == "no filter") base[$2] = $4
	}
	END {
		print "| filter | figure | no filter | seccomp | sealjit | sealjit / seccomp |"
		print "|---|---|---|---|---|---|"
		for (i = 0; i < n; i++) {
			k = order[i]
			split(k, p, / [|] /)
			if (p[1] == "no filter") continue
			s = v[k, "seccomp"]; j = v[k, "sealjit"]
			r = (s != "" && s > 0 && j != "") ? sprintf("%.2f", j / s) : ""
			b = (p[2] in base) ? base[p[2]] : ""
			printf "| %s | %s | %s | %s | %s | %s |\n", p[1], p[2], b, s, j, r
		}
	}' "$out/lines"
}

if [ "$smoke" = 0 ]; then
	cat "$out/lines"
	echo
	table
	[ "$rc" = 0 ] || { echo "bench: the VM run failed (rc $rc):"; tail -n 30 "$out/vm.out"; }
	exit "$rc"
fi

n=0
st=0
tap() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; st=1; fi
}
[ "$rc" = 0 ]
tap $? "make bench boots under -icount and runs (short run: $*)"
[ "$rc" = 0 ] || tail -n 30 "$out/vm.out" | sed 's/^/# /'
bad=$(grep -cvE '^bench: [^|]+ [|] [^|]+ [|] (none|seccomp|sealjit) [|] [0-9]+$' "$out/lines")
lines=$(wc -l <"$out/lines")
[ "$bad" = 0 ] && [ "$lines" -ge 58 ]
tap $? "every bench: line parses ($lines lines, $bad malformed)"
rows=$(table | grep -c '^| [a-z]')
[ "$rows" -ge 30 ]
tap $? "the table renders ($rows rows)"
table | sed 's/^/# /'
echo "1..$n"
exit $st
