#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make check`: every test group in turn, each group's TAP kept in
# build/tap/, then one closing line "N passed, M failed".
set -uo pipefail
mkdir -p build/tap
pass=0
fail=0
start=$SECONDS

# group NAME COMMAND...: runs COMMAND, counts its TAP lines.
group() {
	local name=$1 log=build/tap/$1.tap rc p f
	shift
	echo "=== $name"
	"$@" >"$log" 2>&1
	rc=$?
	grep -vE '^make(\[[0-9]+\])?: ' "$log" | sed 's/^/  /'
	p=$(grep -cE '^ok ' "$log")
	f=$(grep -cE '^not ok ' "$log")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "  not ok - $name exited with status $rc (see $log)"
		tail -n 20 "$log" | sed 's/^/  # /'
		f=1
	fi
	echo "--- $name: $p passed, $f failed ($((SECONDS - start)) s so far)"
	pass=$((pass + p))
	fail=$((fail + f))
}

# build: not TAP, so one line for the whole build.
build() {
	if make --no-print-directory all >build/tap/build.log 2>&1; then
		echo "ok 1 - module, tools and tests build with -Werror"
	else
		tail -n 40 build/tap/build.log
		echo "not ok 1 - build failed (build/tap/build.log)"
		return 1
	fi
}

# prove: one TAP line carrying WP's own summary.  Skipped when a previous
# run proved exactly the same inputs (scripts/prove.sh --cached).
prove() {
	local out rc
	out=$(scripts/prove.sh --cached 2>&1)
	rc=$?
	printf '%s\n' "$out" | tail -n 20 | sed 's/^/# /'
	line=$(printf '%s\n' "$out" | grep -E '^WP: proved [0-9]+ / [0-9]+ goals$' | tail -n 1)
	if [ $rc -eq 0 ] && [ -n "$line" ]; then
		echo "ok 1 - $line (Frama-C WP with -wp-rte)"
	else
		echo "not ok 1 - ${line:-make prove failed} (build/prove/)"
		return 1
	fi
}

# The proofs run beside everything after the build: the unit tests, lint
# and the VM (one host thread: TCG, thread=single) each keep one core
# busy, the fuzzers run for fixed times, and every test bounds its work,
# not its time; WP keeps the other core busy.
proved() {
	wait "$prove_pid"
	local rc=$?
	cat build/tap/prove.out
	return $rc
}

group build build
prove >build/tap/prove.out 2>&1 &
prove_pid=$!
group unit make --no-print-directory unit
group fuzz make --no-print-directory fuzz-check
group lint make --no-print-directory lint
group vm make --no-print-directory vmtest
group dkms make --no-print-directory dkms-check
group prove proved
group bench make --no-print-directory bench-smoke

echo
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
