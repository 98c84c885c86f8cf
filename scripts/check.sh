#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make check: install what is missing, build the module for every kernel of
# the matrix (no warnings at W=1), run checkpatch, sparse and the uapi
# header check, then boot each kernel in a VM and run the selftests there.
# Prints KTAP per kernel and ends with one line "N passed, N failed".
#
# MAPDEV_QUICK=1 (make check-quick): the edit-test loop: only the builds,
# then the VMs with shorter stress and fuzzing and no install cycle.
set -u
cd "$(dirname "$0")/.." || exit 1

t0=$(date +%s)
BUILD=${BUILD:-$PWD/build}
export BUILD
logs=$BUILD/logs
mkdir -p "$logs"

scripts/install-deps.sh || { echo "check: installing dependencies failed"; exit 1; }
kernels=$(scripts/kernels.sh | tr "\n" " ")
[ -n "$kernels" ] || { echo "check: no kernel of the matrix is installed"; exit 1; }

# elapsed WHAT: one comment line with the time since make check began.
elapsed() {
	echo "# $1 after $(($(date +%s) - t0)) s"
}

# The slow preparations, the debug kernel's build and the trixie root,
# start now at the lowest priority: they take the CPU time the host checks
# and the VMs leave idle, and are waited for where their kernels' turn
# comes.  Each is a no-op when its cache is current.
if [ "${MAPDEV_DEBUG_KERNEL:-1}" != 0 ]; then
	nice -n 19 scripts/debug-kernel.sh > "$logs/debug-tree" \
		2> "$logs/debug-kernel.log" &
	debug_pid=$!
fi
if [ "${MAPDEV_NEWEST_KERNEL:-1}" != 0 ]; then
	nice -n 19 scripts/newest-kernel.sh info > "$logs/newest" \
		2> "$logs/newest.log" &
	newest_pid=$!
fi

pass=0
fail=0
skip=0
n=0

# host_result RESULT NAME LOG: one KTAP line for a host-side check.
host_result() {
	n=$((n + 1))
	if [ "$1" = ok ]; then
		pass=$((pass + 1))
		echo "ok $n $2"
	else
		fail=$((fail + 1))
		echo "not ok $n $2"
		[ -n "${3:-}" ] && sed 's/^/# /' "$3" | tail -n 40
	fi
	return 0
}

# run NAME CMD...: run a host check, log it, report it.
run() {
	name=$1
	shift
	log=$logs/$(echo "$name" | tr -c 'A-Za-z0-9.\n' '_').log
	if "$@" > "$log" 2>&1; then
		host_result ok "$name"
	else
		host_result "not ok" "$name" "$log"
	fi
}

# build_module KVER [KDIR]: a module build that prints a warning fails.
build_module() {
	make -s modules KVER="$1" ${2:+KDIR="$2"} > "$logs/build-$1.log" 2>&1 &&
		! grep -i 'warning' "$logs/build-$1.log"
}

# libmapdev exports its four functions, versioned, and nothing else.
lib_exports() {
	nm -D --defined-only "$BUILD/lib/libmapdev.so" | awk '{print $3}' | sort |
		tr '\n' ' ' | grep -qx 'MAPDEV_1.0 MAPDEV_1.1 mapdev_madvise@@MAPDEV_1.1 mapdev_mmap2@@MAPDEV_1.0 mapdev_mmap@@MAPDEV_1.0 mapdev_munmap@@MAPDEV_1.0 ' &&
		readelf -d "$BUILD/lib/libmapdev.so" | grep -q 'SONAME.*libmapdev.so.1'
}

# make install into a DESTDIR (the module of the matrix's first kernel: the
# host's own may have no headers), with a PREFIX other than the build's
# (the build above used the default, /usr/local); pkg-config names the
# installed paths; a program builds against it with pkg-config, shared and
# static; make uninstall leaves nothing behind.
install_roundtrip() {
	dest=$BUILD/destdir
	prefix=/opt/mapdev-check
	k=${kernels%% *}
	rm -rf "$dest"
	make -s install DESTDIR="$dest" PREFIX=$prefix KVER="$k" || return 1
	[ -f "$dest/lib/modules/$k/updates/mapdev.ko" ] || return 1
	pc="env PKG_CONFIG_SYSROOT_DIR=$dest PKG_CONFIG_LIBDIR=$dest$prefix/lib/pkgconfig pkg-config"
	grep -qx "prefix=$prefix" "$dest$prefix/lib/pkgconfig/mapdev.pc" || return 1
	[ "$($pc --cflags mapdev | tr -d " ")" = "-I$dest$prefix/include" ] || return 1
	printf '#include <sys/mman.h>\n#include <mapdev.h>\nint main(void) { return mapdev_mmap(0, 0, 0, 0, -1, 0) == MAP_FAILED ? 0 : 1; }\n' > "$BUILD/use-lib.c"
	# shellcheck disable=SC2046
	cc -Wall -Werror -o "$BUILD/use-lib" "$BUILD/use-lib.c" \
		$($pc --cflags --libs mapdev) || return 1
	LD_LIBRARY_PATH=$dest$prefix/lib "$BUILD/use-lib" || return 1
	# shellcheck disable=SC2046
	cc -Wall -Werror -static -o "$BUILD/use-lib-static" "$BUILD/use-lib.c" \
		$($pc --cflags mapdev) "$dest$prefix/lib/libmapdev.a" || return 1
	"$BUILD/use-lib-static" || return 1
	for m in mapdev_mmap mapdev_mmap2 mapdev_munmap mapdev_madvise mapdev-run; do
		MANPATH=$dest$prefix/share/man man -w "$m" > /dev/null || return 1
	done
	make -s uninstall DESTDIR="$dest" PREFIX=$prefix KVER="$k" || return 1
	left=$(find "$dest" -type f -o -type l)
	[ -z "$left" ] || { echo "left behind: $left"; return 1; }
}

# selftests/mapdev in a kernel tree's tools/testing/selftests: built and
# installed by the kernel's selftests Makefile, its run_kselftest.sh lists
# every mapdev test (the VMs run one of them through it).
intree_kselftest() {
	make -s selftests_intree || return 1
	"$BUILD/kselftest_install/run_kselftest.sh" -l | grep '^mapdev:' \
		> "$BUILD/kselftest-intree.list" || return 1
	diff "$BUILD/selftests/kselftest-list.txt" "$BUILD/kselftest-intree.list"
}

# The checks besides the builds: exports, install, in-tree kselftest,
# headers, checkpatch, DKMS, sparse.
host_checks() {
	run "libmapdev exports only its four functions, soname libmapdev.so.1" lib_exports
	run "kselftest in a kernel tree: make TARGETS=mapdev install, run_kselftest.sh -l" \
		intree_kselftest
	run "make install/uninstall with DESTDIR and another PREFIX, pkg-config, man pages" install_roundtrip
	run "uapi header compiles alone (c90, -m32/-m64)" make -s headers_check
	run "checkpatch --strict" make -s checkpatch
	run "dkms build for $kernels(private DKMS tree)" make -s dkms KERNELS="$kernels"
	run "sparse C=2" make -s sparse KERNELS="$kernels"
}

echo "TAP version 13"
elapsed "dependencies installed"
echo "# host checks"
for k in $kernels; do
	run "build mapdev.ko for $k at W=1" build_module "$k"
done
run "build libmapdev, tools and selftests" make -s lib tools selftests
quick=${MAPDEV_QUICK:-0}
if [ "$quick" = 1 ]; then
	# No kernel-tree install this time: the VM says SKIP, not stale.
	rm -rf "$BUILD/kselftest_install"
else
	host_checks
fi
# vm_check KERNEL NAME: run the guest checks in a VM of KERNEL (a release
# or an image) and add its test cases to the totals.  The selftests' own
# (indented) lines count, and the runner's other lines; a selftest binary's
# summary line counts only when it adds a failure its cases do not show:
# a splat or a crash.
vm_check() {
	echo "# kernel $2"
	log=$logs/vm-$(echo "$2" | tr -c 'A-Za-z0-9.\n' '_').log
	# A line written before the VM: qemu must not truncate it away (a
	# redirected make check, demo or bench log once lost all but the VM's).
	before="# log of kernel $2, begun before the VM"
	echo "$before" > "$log"
	timeout 3600 scripts/vm.sh "$1" env MAPDEV_QUICK="$quick" \
		${MAPDEV_STRESS_SECONDS:+MAPDEV_STRESS_SECONDS=$MAPDEV_STRESS_SECONDS} \
		${MAPDEV_FUZZ_SECONDS:+MAPDEV_FUZZ_SECONDS=$MAPDEV_FUZZ_SECONDS} \
		sh "$PWD/scripts/guest-check.sh" "$BUILD" >> "$log" 2>&1
	if [ "$(head -n 1 "$log")" = "$before" ]; then
		host_result ok "the redirected log of kernel $2 kept what came before the VM"
	else
		host_result "not ok" "the redirected log of kernel $2 kept what came before the VM"
	fi
	cat "$log"
	if ! grep -Eq '^ *(not )?ok [0-9]+ ' "$log"; then
		echo "# kernel $2: the VM reported nothing"
		fail=$((fail + 1))
		return
	fi
	grep -E '^ *(not )?ok [0-9]+ ' "$log" |
		grep -Ev '^ok [0-9]+ selftests: |^not ok [0-9]+ selftests: .*exit=1$' \
		> "$log.cases"
	# Every result the guest planned: a VM that died half-way says so.
	plan=$(sed -n 's/^1\.\.\([0-9][0-9]*\)$/\1/p' "$log" | head -n 1)
	got=$(grep -cE '^(not )?ok [0-9]+ ' "$log")
	if [ "$got" != "${plan:-none}" ]; then
		echo "not ok - kernel $2: the VM reported $got of ${plan:-?} results" |
			tee -a "$log.cases"
	fi
	elapsed "kernel $2 done"
	s=$(grep -c '# SKIP' "$log.cases")
	f=$(grep -Ec '^ *not ok ' "$log.cases")
	p=$(grep -Ec '^ *ok ' "$log.cases")
	pass=$((pass + p - s))
	skip=$((skip + s))
	fail=$((fail + f))
}

for k in $kernels; do
	vm_check "$k" "$k"
done

# newest_build: mapdev.ko for Debian's newest kernel, in the trixie root.
newest_build() {
	scripts/newest-kernel.sh build "$PWD" > "$logs/build-newest.log" 2>&1 &&
		! grep -i 'warning' "$logs/build-newest.log"
}

# Debian's newest kernel (trixie-backports), built with trixie's gcc-14 in
# a debootstrapped trixie root and booted from that root; MAPDEV_NEWEST_KERNEL=0
# leaves it out.
if [ "${MAPDEV_NEWEST_KERNEL:-1}" != 0 ]; then
	if wait "$newest_pid"; then
		read -r nroot nkver < "$logs/newest"
		host_result ok "trixie root with Debian's newest kernel, $nkver"
		elapsed "trixie root ready"
		run "build mapdev.ko for $nkver with gcc-14 at W=1" newest_build
		run "dkms build for $nkver (in the trixie root)" \
			scripts/newest-kernel.sh dkms "$PWD"
		VM_ROOT=$nroot VM_SHARE=$PWD vm_check "$nroot/boot/vmlinuz-$nkver" \
			"$nkver (trixie root)"
	else
		host_result "not ok" "a trixie root with Debian's newest kernel" \
			"$logs/newest.log"
	fi
fi

# The debug kernel (KASAN, lockdep, DEBUG_VM, kmemleak), built once per
# machine and cached; MAPDEV_DEBUG_KERNEL=0 leaves it out.
if [ "${MAPDEV_DEBUG_KERNEL:-1}" != 0 ]; then
	if wait "$debug_pid"; then
		host_result ok "$(tail -n 1 "$logs/debug-kernel.log")"
		elapsed "debug kernel ready"
		tree=$(cat "$logs/debug-tree")
		dkver=$(make -s -C "$tree" kernelrelease)
		run "build mapdev.ko for the debug kernel $dkver at W=1" \
			build_module "$dkver" "$tree"
		VM_MEMORY=3G vm_check "$tree/arch/x86/boot/bzImage" "debug $dkver"
	else
		host_result "not ok" "build the debug kernel" "$logs/debug-kernel.log"
	fi
fi

elapsed "make check done"
echo "# $skip skipped"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
