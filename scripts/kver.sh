#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Prints the newest kernel version that has both a Debian cloud image in
# /boot and its headers in /usr/src: the kernel we build for and boot in
# the VM.  Never `uname -r`: the build machine's own kernel is irrelevant.
set -euo pipefail
for img in /boot/vmlinuz-*-cloud-amd64; do
	[ -e "$img" ] || continue
	v=${img#/boot/vmlinuz-}
	[ -d "/usr/src/linux-headers-$v" ] && echo "$v"
done | sort -V | tail -n 1
