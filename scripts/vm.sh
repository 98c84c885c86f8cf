#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# vm.sh KERNEL [COMMAND...]: boot a kernel with virtme-ng, the host's root
# file system read-only inside, and run COMMAND as root in it (an
# interactive shell without one).  KERNEL is the release of an installed
# Debian kernel (/boot/vmlinuz-KERNEL) or the path of a kernel image.  KVM
# is used only where the CPU offers it; otherwise TCG.  Settings:
# VM_MEMORY (2G), VM_CPUS (2); VM_ROOT, a root file system to boot instead
# of the host's, with VM_SHARE, a host directory shown at the same path.
set -eu

kernel=$1
shift
[ -f "$kernel" ] || kernel=/boot/vmlinuz-$kernel
[ -r "$kernel" ] || { echo "vm.sh: no $kernel" >&2; exit 1; }

accel=--disable-kvm
if [ -w /dev/kvm ] && grep -qE '^flags.* (vmx|svm)( |$)' /proc/cpuinfo; then
	accel=
fi
if [ -n "${VM_ROOT:-}" ]; then
	accel="$accel --root $VM_ROOT"
	[ -n "${VM_SHARE:-}" ] && accel="$accel --rodir $VM_SHARE=$VM_SHARE"
fi

if [ $# -eq 0 ]; then
	exec vng $accel -r "$kernel" --user root --cpus "${VM_CPUS:-2}" \
		--memory "${VM_MEMORY:-2G}"
fi
# qemu opens its console output afresh, truncating a file it is handed as
# standard output or error, so that a log redirected from make (make check
# > log 2>&1) would lose all that came before the VM.  Hand it a pipe for
# both instead, and keep vng's exit status.
if [ -t 1 ]; then
	exec vng $accel -r "$kernel" --user root --cpus "${VM_CPUS:-2}" \
		--memory "${VM_MEMORY:-2G}" -- "$@"
fi
status=$(mktemp)
{
	rc=0
	vng $accel -r "$kernel" --user root --cpus "${VM_CPUS:-2}" \
		--memory "${VM_MEMORY:-2G}" -- "$@" 2>&1 || rc=$?
	echo "$rc" > "$status"
} | cat
rc=$(cat "$status")
rm -f "$status"
exit "$rc"
