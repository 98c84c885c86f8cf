#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# vm.sh KVER [COMMAND...]: boot Debian's kernel KVER with virtme-ng, the
# host's root file system read-only inside, and run COMMAND as root in it
# (an interactive shell without one).  KVM is used only where the CPU
# offers it; otherwise TCG.  Settings: VM_MEMORY (2G), VM_CPUS (2).
set -eu

kver=$1
shift
kernel=/boot/vmlinuz-$kver
[ -r "$kernel" ] || { echo "vm.sh: no $kernel" >&2; exit 1; }

accel=--disable-kvm
if [ -w /dev/kvm ] && grep -qE '^flags.* (vmx|svm)( |$)' /proc/cpuinfo; then
	accel=
fi

if [ $# -eq 0 ]; then
	exec vng $accel -r "$kernel" --user root --cpus "${VM_CPUS:-2}" \
		--memory "${VM_MEMORY:-2G}"
fi
exec vng $accel -r "$kernel" --user root --cpus "${VM_CPUS:-2}" \
	--memory "${VM_MEMORY:-2G}" -- "$@"
