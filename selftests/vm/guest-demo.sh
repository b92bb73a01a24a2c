#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# `make demo`: a readable transcript of sealjit confining real programs in a
# fresh VM.  The example filters are in examples/ (text, see
# Documentation/asm.rst).
say() { printf '\n# %s\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; echo "(exit status $?)"; }
stats() { tr '\n' ' ' </sys/kernel/debug/sealjit/stats; echo; }

dmesg -n 1	# keep kernel messages out of the transcript (the bench still checks them)

say "Load the module: it resolves its kernel symbols and creates /dev/sealjit."
run insmod /lib/modules/sealjit.ko
run sealjit version

say "A no-network filter, written in sealjit's assembler:"
cat /examples/no-network.asm
run sealjit asm /examples/no-network.asm -o /tmp/no-network.bpf
run sealjit check -v /tmp/no-network.bpf

say "Unconfined, nc gets a socket (and then finds no network in this VM):"
run nc 10.0.2.2 80
say "Confined, socket() itself fails with EPERM:"
run sealjit run /tmp/no-network.bpf -- nc 10.0.2.2 80
run sealjit run /tmp/no-network.bpf -- wget -q -O- http://10.0.2.2/
say "...while ls and cat work under the same filter:"
run sealjit run /tmp/no-network.bpf -- ls /examples
run sealjit run /tmp/no-network.bpf -- cat /proc/sys/kernel/ostype

say "A filter that kills on mkdir(2): the process dies with SIGSYS (128 + 31 = 159)."
run sealjit asm /examples/no-mkdir.asm -o /tmp/no-mkdir.bpf
run sealjit run /tmp/no-mkdir.bpf -- mkdir /tmp/should-not-exist
run ls -d /tmp/should-not-exist

say "Children inherit the filter: a shell under it cannot mkdir either."
run sealjit run /tmp/no-mkdir.bpf -- sh -c 'mkdir /tmp/x; echo "the shell lives on; its mkdir child exited with $?"'

say "A broken filter: M[3] is read on a path that never wrote it."
run sealjit asm /examples/broken.asm -o /tmp/broken.bpf
run sealjit disasm /tmp/broken.bpf
say "seccomp(2) would only say EINVAL; sealjit names the instruction and the reason," \
	"in the same words from the userspace checker and from the kernel:"
run sealjit check /tmp/broken.bpf
run sealjit run /tmp/broken.bpf -- true

say "The live image of a confined process: sealed read-only and executable."
sealjit run /tmp/no-network.bpf -- sleep 2 &
sleep 0.5
run cat /sys/kernel/debug/sealjit/images
printf '$ cat /sys/kernel/debug/sealjit/stats\n'; stats
run sealjit jit /tmp/no-network.bpf
wait
sleep 0.5
say "Once every confined process is gone, nothing is left:"
printf '$ cat /sys/kernel/debug/sealjit/stats\n'; stats
run rmmod sealjit
echo "ok 1 - demo transcript complete"
echo "1..1"
