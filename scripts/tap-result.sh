# SPDX-License-Identifier: GPL-2.0
# Sourced by the scripts that print TAP themselves (lint.sh,
# dkms-check.sh): "result STATUS TEXT" prints the next "ok N - TEXT", or
# "not ok N - TEXT" and sets status=1, when STATUS is not 0.
n=0
status=0

result() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		status=1
	fi
}
