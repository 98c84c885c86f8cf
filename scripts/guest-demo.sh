#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# guest-demo.sh BUILD: runs inside the demo VM.
set -eu

build=$1
sysfs=/sys/class/misc/mapdev

echo "== insmod mapdev.ko ($(uname -r))"
insmod "$build/kernel/$(uname -r)/module/mapdev.ko"
ls -l /dev/mapdev
echo
"$build/tools/mapdev-demo"
echo
echo "== after the demo: pages=$(cat $sysfs/pages) objects=$(cat $sysfs/objects)"
rmmod mapdev
echo "== rmmod mapdev: done"
