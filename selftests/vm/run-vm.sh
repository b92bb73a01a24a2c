#!/usr/bin/env bash
# run-vm.sh - sealjit's single VM test bench: boot a throwaway kernel under
# QEMU with a from-scratch busybox initramfs, run one guest script in it and
# hand its TAP stream back to the host.
#
# Usage: selftests/vm/run-vm.sh [options] -- GUEST_SCRIPT
#   --kernel PATH    kernel image (default: newest /boot/vmlinuz-*-cloud-amd64)
#   --module KO      .ko copied to /lib/modules/ in the initramfs (repeatable).
#                    NOT loaded automatically: the guest script runs insmod.
#   --bin PATH       file (static binary or script) copied into /bin (repeatable)
#   --file SRC:DST   copy SRC to absolute path DST in the initramfs (repeatable)
#   --timeout SECS   wall-clock limit for the whole boot (default 300)
#   --icount         add `-icount shift=0,sleep=off` (deterministic clock;
#                    needs --smp 1: QEMU 7.2 hangs bringing up a 2nd vCPU)
#   --mem SIZE       guest memory (default 512M)
#   --smp N          vCPUs (default 2; 1 with --icount), emulated by one
#                    host thread (-accel tcg,thread=single): multi-threaded
#                    TCG hangs a vCPU when the sys_enter jump label is
#                    live-patched (Documentation/testing.rst)
#   --log FILE       keep the full serial console log here (default: a temp
#                    file, deleted on success, kept and printed on failure)
#   --workdir DIR    build the initramfs here (default: mktemp -d, removed)
#   --append ARGS    extra kernel command line arguments
#
# GUEST_SCRIPT runs as root under busybox sh inside the guest (as /test.sh,
# cwd /, stdin /dev/null) and prints TAP (`ok 1 - ...`, `1..N`, `# ...`).
# proc, sysfs, devtmpfs, debugfs (/sys/kernel/debug) and tmpfs /tmp are mounted.
#
# stdout: the guest script's output (kernel messages that land in it are
# turned into `# ` comments), then on failure `# vm: <reason>` lines and a
# log excerpt.  Exit status:
#   0 ok; 1 guest script exited non-zero or printed a `not ok` line
#   (outside TODO); 2 kernel problem in the console log (Oops, BUG:,
#   WARNING:, general protection, panic, Call Trace, soft lockup, RCU
#   stall, and on a debug kernel UBSAN:, ODEBUG:, kmemleak's reports); 3 timeout,
#   hang or crash without end marker; 4 usage or host-side setup error.
# If several apply, 2 wins over 3, which wins over 1.
set -euo pipefail

usage() { sed -n '2,/^set -euo/{/^#/s/^# \{0,1\}//p}' "$0" >&2; exit 4; }
die() { echo "# vm: $*"; exit 4; }

kernel="" timeout_s=300 icount=0 smp="" log="" workdir="" append_extra="" mem=""
modules=() bins=() files=()
need() { [ "$1" -ge 2 ] || die "option $2 needs an argument"; }
while [ $# -gt 0 ]; do
	case $1 in
	--kernel)  need $# "$1"; kernel=$2; shift 2 ;;
	--module)  need $# "$1"; modules+=("$2"); shift 2 ;;
	--bin)     need $# "$1"; bins+=("$2"); shift 2 ;;
	--file)    need $# "$1"; files+=("$2"); shift 2 ;;
	--timeout) need $# "$1"; timeout_s=$2; shift 2 ;;
	--icount)  icount=1; shift ;;
	--smp)     need $# "$1"; smp=$2; shift 2 ;;
	--mem)     need $# "$1"; mem=$2; shift 2 ;;
	--log)     need $# "$1"; log=$2; shift 2 ;;
	--workdir) need $# "$1"; workdir=$2; shift 2 ;;
	--append)  need $# "$1"; append_extra=$2; shift 2 ;;
	-h|--help) usage ;;
	--)        shift; break ;;
	*)         echo "run-vm.sh: unknown argument '$1'" >&2; usage ;;
	esac
done
[ $# -eq 1 ] || usage
guest=$1

# ---- host-side checks: everything here is exit 4 ----
[[ $timeout_s =~ ^[1-9][0-9]*$ ]] || die "--timeout must be a positive integer"
if [ -z "$smp" ]; then
	if [ "$icount" = 1 ]; then smp=1; else smp=2; fi
fi
[[ $smp =~ ^[1-9][0-9]*$ ]] || die "--smp must be a positive integer"
# QEMU 7.2's round-robin icount TCG never brings up the second vCPU
# (the boot hangs at "x86: Booting SMP configuration"): refuse up front.
[ "$icount" = 1 ] && [ "$smp" != 1 ] && die "--icount only works with --smp 1"
if [ -z "$kernel" ]; then
	kernel=$(ls /boot/vmlinuz-*-cloud-amd64 2>/dev/null | sort -V | tail -n1 || true)
	[ -n "$kernel" ] || die "no /boot/vmlinuz-*-cloud-amd64 found, use --kernel"
fi
[ -r "$kernel" ] || die "kernel '$kernel' not readable"
[ -r "$guest" ] || die "guest script '$guest' not readable"
for f in "${modules[@]}" "${bins[@]}"; do [ -r "$f" ] || die "'$f' not readable"; done
for tool in qemu-system-x86_64 cpio gzip timeout; do
	command -v "$tool" >/dev/null || die "'$tool' not found in PATH"
done
busybox=/bin/busybox
[ -x "$busybox" ] || die "$busybox missing (apt-get install busybox-static)"

qpid="" own_workdir=0 own_log=0 status=4
cleanup() {
	# Never leave QEMU behind: `timeout` forwards TERM to it, KILL follows.
	if [ -n "$qpid" ] && kill -0 "$qpid" 2>/dev/null; then
		kill "$qpid" 2>/dev/null || true
		wait "$qpid" 2>/dev/null || true
	fi
	[ "$own_workdir" = 1 ] && rm -rf "$workdir"
	# Our temp log is kept only when it can explain a failure.
	if [ "$own_log" = 1 ] && { [ "$status" = 0 ] || [ ! -s "$log" ]; }; then rm -f "$log"; fi
	return 0
}
trap cleanup EXIT
trap 'echo "# vm: interrupted${log:+, console log kept at $log}"; exit 4' INT TERM HUP

if [ -z "$workdir" ]; then
	workdir=$(mktemp -d "${TMPDIR:-/tmp}/run-vm.XXXXXX"); own_workdir=1
fi
mkdir -p "$workdir" || die "cannot create workdir '$workdir'"
if [ -z "$log" ]; then
	log=$(mktemp "${TMPDIR:-/tmp}/run-vm.XXXXXX.log"); own_log=1
fi
: >"$log" || die "cannot write log '$log'"

# ---- build the initramfs ----
root=$workdir/root
rm -rf "$root"
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,root,etc,lib/modules}
cp "$busybox" "$root/bin/busybox"
# Relative links: an absolute /bin/busybox target would make a later `cp`
# onto an applet name follow the link and overwrite the HOST's busybox.
for a in $("$busybox" --list); do
	[ -e "$root/bin/$a" ] || ln -s busybox "$root/bin/$a"
done
# Lets the kernel open an initial console; /init copes if this fails (non-root).
mknod -m 600 "$root/dev/console" c 5 1 2>/dev/null || true
for m in "${modules[@]}"; do cp "$m" "$root/lib/modules/"; done
for b in "${bins[@]}"; do
	cp --remove-destination "$b" "$root/bin/"; chmod +x "$root/bin/$(basename "$b")"
done
for spec in "${files[@]}"; do
	src=${spec%%:*} dst=${spec#*:}
	[[ $spec == *:* && $dst == /* && $dst != *..* ]] || die "--file wants SRC:/ABS/DST, got '$spec'"
	[ -r "$src" ] || die "'$src' not readable"
	mkdir -p "$root$(dirname "$dst")"
	cp --remove-destination "$src" "$root$dst"
done
cp "$guest" "$root/test.sh"

# Markers are unlikely to be printed by anything else.
M_BEGIN='@@RUN-VM-BEGIN@@' M_DMESG='@@RUN-VM-DMESG-BEGIN@@'
M_DMESG_END='@@RUN-VM-DMESG-END@@' M_END='@@RUN-VM-END rc='
cat >"$root/init" <<EOF
#!/bin/sh
# Generated by run-vm.sh.  PID 1 must never exit (that panics the kernel).
export PATH=/bin:/sbin:/usr/bin:/usr/sbin HOME=/root TERM=dumb
mount -t devtmpfs devtmpfs /dev
exec </dev/null >/dev/console 2>&1
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t debugfs debugfs /sys/kernel/debug
mount -t tmpfs tmpfs /tmp
cd /
echo '$M_BEGIN'
sh /test.sh </dev/null
rc=\$?
echo '$M_DMESG'
dmesg
echo '$M_DMESG_END'
echo '${M_END}'\$rc'@@'
poweroff -f
echo o >/proc/sysrq-trigger
while :; do sleep 1; done
EOF
chmod 755 "$root/init" "$root/test.sh"
initrd=$workdir/initramfs.cpio.gz
(cd "$root" && find . -print0 | LC_ALL=C sort -z |
	cpio --null -o -H newc --quiet | gzip -1 >"$initrd") || die "building initramfs failed"

# ---- boot ----
# -nodefaults: no VGA/NIC/floppy to emulate or probe (faster boot); the cloud
# kernel only needs the 8250 UART built in.  panic=-1 + -no-reboot makes a
# guest panic end QEMU at once instead of running into the timeout.  No
# `quiet`: WARNINGs must reach the console even if the guest dies before the
# dmesg dump.  printk.time=1: the log scanner keys on kernel timestamps.
# softlockup_panic=1: a vCPU stuck in the kernel ends the run at once
# instead of running into the timeout.
append="console=ttyS0 panic=-1 printk.time=1 softlockup_panic=1 ${append_extra}"
# One host thread for all vCPUs: they still interleave (preemptively, every
# few thousand instructions), but live-patching a jump label no longer
# hangs a vCPU as it does under multi-threaded TCG.
qemu=(qemu-system-x86_64 -nodefaults -no-user-config -machine q35 -cpu max
	-accel tcg,thread=single
	-m "${mem:-512M}" -smp "$smp" -kernel "$kernel" -initrd "$initrd" -append "$append"
	-no-reboot -display none -monitor none -serial "file:$log")
[ "$icount" = 1 ] && qemu+=(-icount shift=0,sleep=off)
qrc=0
timeout --kill-after=10 "$timeout_s" "${qemu[@]}" </dev/null >"$workdir/qemu.out" 2>&1 &
qpid=$!
wait "$qpid" || qrc=$?
qpid=""

# ---- evaluate ----
clean=$workdir/console.txt
tr -d '\r' <"$log" >"$clean"
if [ "$qrc" != 0 ] && [ "$qrc" != 124 ] && [ "$qrc" != 137 ] && ! grep -q "$M_BEGIN" "$clean"; then
	echo "# vm: qemu failed to start (rc $qrc):"
	sed 's/^/#   /' "$workdir/qemu.out" | head -n 20
	exit 4
fi

# TAP = lines between the begin and dmesg markers.  Kernel messages printed
# to the console meanwhile are not guest output: make them TAP comments.
ts='[[] *[0-9]+[.][0-9]+[]]'   # "[   12.345678]"; no backslashes: awk -v eats them
awk -v b="$M_BEGIN" -v e="$M_DMESG" -v ts="^$ts" '
	!on { if (index($0, b)) on = 1; next }
	{ i = index($0, e); if (i) { $0 = substr($0, 1, i - 1); if ($0 == "") exit } }
	$0 ~ ts { $0 = "# " $0 }
	{ print } i { exit }' "$clean" >"$workdir/tap.txt"
cat "$workdir/tap.txt"

status=0
# Kernel problems: only look at kernel-printed (timestamped) text, so a guest
# test named "no panic" cannot trip it; the command-line echo has "panic=-1".
# "traps: NAME[PID] general protection fault ... in NAME" reports a user
# program's fault (a fuzzed child whose exit_group and exit are both denied
# ends in glibc's hlt), not the kernel's.
bad='Oops|BUG:|kernel BUG at|WARNING:|general protection|panic|Call Trace|soft lockup|rcu.*stall|UBSAN:|ODEBUG:|kmemleak:.*new suspected'
first=$(grep -nE "$ts.*($bad)" "$clean" |
	grep -vE "$ts (Kernel c|C)ommand line: |$ts traps: [^ ]+\[[0-9]+\] " |
	head -n1 | cut -d: -f1 || true)
if [ -n "$first" ]; then
	status=2
	echo "# vm: kernel problem in console log (line $first):"
	start=$((first > 5 ? first - 5 : 1))
	sed -n "${start},$((start + 39))p" "$clean" | sed 's/^/#   /'
fi
end=$(grep -oE "${M_END}-?[0-9]+@@" "$clean" | tail -n1 || true)
if [ -z "$end" ]; then
	[ "$status" = 0 ] && status=3
	if [ "$qrc" = 124 ] || [ "$qrc" = 137 ]; then
		echo "# vm: timeout after ${timeout_s}s, qemu killed (no end marker)"
	else
		echo "# vm: guest died without end marker (qemu rc $qrc)"
	fi
	if [ "$status" = 3 ]; then   # no excerpt yet: show where it stopped
		echo "# vm: last console lines:"
		tail -n 15 "$clean" | sed 's/^/#   /'
	fi
else
	grc=${end#"$M_END"}; grc=${grc%@@}
	if [ "$grc" != 0 ]; then
		echo "# vm: guest script exited $grc"
		[ "$status" = 0 ] && status=1
	fi
	# A script that forgets to propagate a failure must still fail the run
	# (TODO tests may fail by definition of TAP).
	if grep '^not ok' "$workdir/tap.txt" | grep -qviE '#[[:space:]]*TODO'; then
		echo "# vm: guest printed 'not ok' lines"
		[ "$status" = 0 ] && status=1
	fi
fi
[ "$status" != 0 ] && echo "# vm: full console log kept at $log"
exit "$status"
