#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Builds, once, the kernel `make check-debug-kernel` boots: Debian's own
# linux-source-6.1 with the cloud kernel's config plus the debugging the
# kernel's selftests and syzkaller run under (KASAN, lockdep, kmemleak,
# ...).  Cached in build/debug-kernel/: rebuilt only when this script, the
# source package or the cloud config changes.  Prints the build directory
# (the KDIR to build the module against; bzImage and crc7.ko in it).
#
# Modules the cloud config builds are left out, except crc7 (the VM suite
# inserts it), and so is debug info: the build takes about 40 minutes on 2
# cores instead of hours.
set -euo pipefail
cd "$(dirname "$0")/.."

kver=${KVER:-$(scripts/kver.sh)}
config=/boot/config-$kver
tarball=${LINUX_SRC_TAR:-/usr/src/linux-source-6.1.tar.xz}
out=$PWD/build/debug-kernel
src=$out/linux-source-6.1
obj=$out/obj

# Debugging of the kind the kernel's own test farms use; each must stick.
enable=(KASAN KASAN_GENERIC KASAN_INLINE KASAN_VMALLOC
	PROVE_LOCKING PROVE_RCU DEBUG_ATOMIC_SLEEP DEBUG_LIST SLUB_DEBUG_ON
	DEBUG_KMEMLEAK DEBUG_OBJECTS DEBUG_OBJECTS_FREE DEBUG_OBJECTS_TIMERS
	DEBUG_OBJECTS_WORK DEBUG_OBJECTS_RCU_HEAD DEBUG_VM UBSAN UBSAN_BOUNDS
	UBSAN_SHIFT DEBUG_INFO_NONE)
disable=(DEBUG_KMEMLEAK_DEFAULT_OFF DEBUG_KMEMLEAK_AUTO_SCAN
	 DEBUG_INFO_DWARF_TOOLCHAIN_DEFAULT DEBUG_INFO_DWARF4 DEBUG_INFO_DWARF5
	 DEBUG_INFO_BTF MODULE_SIG UBSAN_TRAP KASAN_OUTLINE)

for f in "$config" "$tarball"; do
	[ -r "$f" ] || { echo "debug-kernel: $f not found; run 'make deps'" >&2; exit 2; }
done
scripts/deps.sh bison flex bc libelf-dev libssl-dev >&2

key=$({
	sha256sum "$0" "$config"
	stat -c '%s %Y' "$tarball"
	gcc --version | head -n 1
} | sha256sum | cut -d' ' -f1)
if [ -f "$out/built" ] && [ "$(cat "$out/built")" = "$key" ] &&
   [ -f "$obj/arch/x86/boot/bzImage" ]; then
	echo "$obj"
	exit 0
fi

rm -rf "$out"
mkdir -p "$obj"
echo "debug-kernel: extracting $tarball" >&2
tar -xJf "$tarball" -C "$out"
sed -E 's/^(CONFIG_[A-Za-z0-9_]+)=m$/# \1 is not set/' "$config" >"$obj/.config"
cfg=("$src/scripts/config" --file "$obj/.config")
"${cfg[@]}" --set-str SYSTEM_TRUSTED_KEYS "" \
	--set-str SYSTEM_REVOCATION_KEYS "" --set-str LOCALVERSION "-sjdebug" \
	--module CRC7
for o in "${enable[@]}"; do "${cfg[@]}" --enable "$o"; done
for o in "${disable[@]}"; do "${cfg[@]}" --disable "$o"; done
"${cfg[@]}" --set-val DEBUG_KMEMLEAK_MEM_POOL_SIZE 32000
make -s -C "$src" O="$obj" olddefconfig >&2
for o in "${enable[@]}" CRC7; do
	grep -qE "^CONFIG_$o=(y|m)$" "$obj/.config" || {
		echo "debug-kernel: CONFIG_$o did not stick" >&2
		exit 1
	}
done
echo "debug-kernel: building $(make -s -C "$src" O="$obj" kernelrelease) (about 40 minutes on 2 cores)" >&2
start=$SECONDS
make -s -C "$src" O="$obj" -j"$(nproc)" bzImage modules >&2
echo "debug-kernel: built in $((SECONDS - start)) s" >&2
echo "$key" >"$out/built"
echo "$obj"
