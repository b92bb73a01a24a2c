#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# fuzz/run.sh SECONDS HARNESS...: runs each libFuzzer harness for SECONDS
# and prints one TAP line per harness with its executions and exec/s, or
# "not ok" with the reproducer libFuzzer wrote.  New corpus entries go to
# build/fuzz/corpus/NAME (kept between runs, so later runs start where the
# last one stopped); the committed seeds in fuzz/corpus/NAME are only read.
set -uo pipefail
secs=$1
shift
n=0
status=0

for bin in "$@"; do
	n=$((n + 1))
	name=$(basename "$bin")
	corpus=build/fuzz/corpus/$name
	artifacts=build/fuzz/artifacts/$name
	log=build/fuzz/$name.log
	mkdir -p "$corpus" "$artifacts" "fuzz/corpus/$name"
	# -max_len: a little past the largest program each harness decodes
	# (4096 instructions), so that the length limit itself is fuzzed.
	case $name in
	fuzz_check) max_len=33000 ;;	# 4125 instructions of 8 bytes
	fuzz_diff) max_len=32840 ;;	# 72-byte header, 4096 instructions
	*) max_len=4096 ;;
	esac
	# -timeout: no input takes more than milliseconds; a hang is a bug.
	"$bin" -max_total_time="$secs" -max_len="$max_len" -timeout=10 \
		-print_final_stats=1 -artifact_prefix="$artifacts/" \
		"$corpus" "fuzz/corpus/$name" >"$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
	repro=$(sed -n 's/.*Test unit written to //p' "$log" | tail -n 1)
	if [ "$rc" -eq 0 ] && [ -n "$runs" ] && [ -z "$repro" ]; then
		echo "ok $n - $name: $runs executions, $rate exec/s, no crash"
		grep -E '^#[0-9]+.*DONE' "$log" | tail -n 1 | sed 's/^/# /'
		continue
	fi
	status=1
	if [ -n "$repro" ]; then
		# libFuzzer names the file after what happened: crash-,
		# leak-, timeout-, oom-, slow-unit-.
		kind=$(basename "$repro" | sed 's/-[0-9a-f]*$//')
		echo "not ok $n - $name: $kind after ${runs:-?} executions, reproducer $repro (replay: $bin $repro)"
	else
		echo "not ok $n - $name: exited with status $rc and no reproducer (see $log)"
	fi
	# The harness's own explanation, else the sanitizer's report.
	if grep -q '^FUZZ FAILURE' "$log"; then
		sed -n '/^FUZZ FAILURE/,$p' "$log" | head -n 60 | sed 's/^/# /'
	else
		grep -E 'ERROR|SUMMARY|runtime error|^    #[0-9]+ ' "$log" |
			grep -v 'in fuzzer::' | sed 's/ (BuildId: [0-9a-f]*)//' |
			head -n 16 | sed 's/^/# /'
	fi
done
echo "1..$n"
exit $status
