#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs in the benchmark VM (one vCPU, -icount shift=0: one nanosecond of
# guest time is one guest instruction): load the module, run the bench.
insmod /lib/modules/sealjit.ko || { echo "not ok 1 - insmod"; exit 1; }
dmesg -n 1
/bin/bench $(cat /bench.args) /corpus
rc=$?
echo "bench: exit $rc"
exit $rc
