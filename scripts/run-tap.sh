#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs test binaries that print TAP; a binary that fails without saying
# which test failed still counts as one failure.
set -uo pipefail
group=$1
shift
status=0
for bin in "$@"; do
	out=$("$bin" 2>&1)
	rc=$?
	printf '%s\n' "$out"
	if [ $rc -ne 0 ]; then
		status=1
		printf '%s\n' "$out" | grep -qE '^not ok' ||
			echo "not ok - $group: $(basename "$bin") exited with status $rc"
	fi
done
exit $status
