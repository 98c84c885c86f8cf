#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# guest-bench.sh BUILD [mapdev-bench options]: runs inside the VM.
set -eu

build=$1
shift
insmod "$build/kernel/$(uname -r)/module/mapdev.ko"
mkdir -p /run/mapdev-bench/ext4
modprobe loop 2>/dev/null || true
truncate -s 512M /run/mapdev-bench/ext4.img
mkfs.ext4 -q -F /run/mapdev-bench/ext4.img
mount -o loop /run/mapdev-bench/ext4.img /run/mapdev-bench/ext4
echo "# mapdev-bench on $(uname -r), $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)"
"$build/tools/mapdev-bench" --dir /run/mapdev-bench/ext4 "$@"
umount /run/mapdev-bench/ext4
rmmod mapdev
