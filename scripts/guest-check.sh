#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# guest-check.sh BUILD: runs inside a test VM.  Loads mapdev.ko built for
# the running kernel, runs every selftest under BUILD/selftests, unloads
# the module and checks that nothing was left behind.  Prints KTAP; a test
# that leaves a kernel splat in dmesg fails, whatever it printed.
set -u

build=$1
src=$(cd "$(dirname "$0")/.." && pwd)
# MAPDEV_QUICK=1 (make check-quick): 1 s a stress test, 5 s of fuzzing, no
# install cycle.
quick=${MAPDEV_QUICK:-0}
if [ "$quick" = 1 ]; then
	: "${MAPDEV_STRESS_SECONDS:=1}" "${MAPDEV_FUZZ_SECONDS:=5}"
	export MAPDEV_STRESS_SECONDS MAPDEV_FUZZ_SECONDS
fi
kver=$(uname -r)
ko=$build/kernel/$kver/module/mapdev.ko
# The module file, for the selftest that unloads and loads it again.
export MAPDEV_KO=$ko
sysfs=/sys/class/misc/mapdev
tmp=$(mktemp -d)
# A report the kernel prints when something is wrong; not the OOM killer's
# (the memory cgroup test provokes it) or a failed allocation's
# (warn_alloc(): fault injection provokes them), whose call traces are
# expected.  Lockdep's reports are WARNINGs or BUGs; that it turned itself
# off is matched too.  (A bare "lockdep" would match function names in any
# call trace.)  kmemleak's reports, not its notes: an injected failure of
# its own allocation says "Cannot allocate a scan area" and goes on.
splat='WARNING:|BUG:|Oops|locking correctness validator|DEBUG_LOCKS_WARN_ON|suspicious RCU usage|KASAN|UBSAN|Bad page|refcount_t|suspected memory leak|memory leak detector disabled|general protection|circular locking|sleeping function called|Kernel panic|list_add corruption|list_del corruption'

# Every selftest, as the kselftest build listed them (emit_tests): each C
# test 64-bit and 32-bit (NAME_32, the compat ioctl path), and preload.sh.
tests=$(sed -n 's/^mapdev://p' "$build/selftests/kselftest-list.txt")
ntests=$(printf '%s\n' $tests | grep -c .)
n=0

ktap() { # ktap RESULT NAME [DIRECTIVE]
	n=$((n + 1))
	echo "$1 $n $2${3:+ # $3}"
}

# Kernel messages since the last call, minus the runner's own markers.
dmesg_new() {
	dmesg > "$tmp/dmesg.now"
	tail -n +"$(($(wc -l < "$tmp/dmesg.seen") + 1))" "$tmp/dmesg.now" |
		grep -v 'mapdev-check:'
	mv "$tmp/dmesg.now" "$tmp/dmesg.seen"
}

check_splat() { # check_splat NAME: fail NAME if the kernel complained
	if dmesg_new > "$tmp/new" && grep -Eq "$splat" "$tmp/new"; then
		sed 's/^/# dmesg: /' "$tmp/new"
		return 1
	fi
	return 0
}

: > "$tmp/dmesg.seen"
# kmemleak, on a kernel that has it: forget what boot left, scan at the end.
kmemleak=/sys/kernel/debug/kmemleak
[ -d /sys/kernel/debug/tracing ] || mount -t debugfs none /sys/kernel/debug 2>/dev/null
[ -w $kmemleak ] && echo clear > $kmemleak
# Fault injection, where the kernel has it (the debug kernel).
fidir=/sys/kernel/debug
fi_attrs="failslab fail_page_alloc fail_usercopy"
fi_times=100000000
fi_ready() {
	[ -e /proc/self/fail-nth ] || return 1
	for a in $fi_attrs; do [ -d $fidir/$a ] || return 1; done
}
nextra=7
[ -w $kmemleak ] && nextra=$((nextra + 1))
fi_ready && nextra=$((nextra + 1))
[ -d /lib/modules/$kver/kernel ] && [ "$quick" != 1 ] && nextra=$((nextra + 1))

echo "TAP version 13"
echo "# mapdev on $kver"
echo "1..$((ntests + nextra))"
dmesg_new > /dev/null

# The detector must see a splat: plant one and look for it.
echo "mapdev-planted: WARNING: CPU: 0 PID: $$ at planted by guest-check.sh" > /dev/kmsg
if check_splat planted > /dev/null; then
	ktap "not ok" "splat detector sees a planted WARNING"
else
	ktap ok "splat detector sees a planted WARNING"
fi

if insmod "$ko" && [ -c /dev/mapdev ] && check_splat load; then
	ktap ok "load mapdev.ko"
else
	ktap "not ok" "load mapdev.ko ($ko)"
fi

# An ext4 file system for the file-mapping tests (writeback, blocks).
mkdir -p /run/mapdev-test/ext4
if modprobe loop 2>/dev/null; [ -e /dev/loop-control ] &&
   truncate -s 256M /run/mapdev-test/ext4.img &&
   mkfs.ext4 -q -F /run/mapdev-test/ext4.img &&
   mount -o loop /run/mapdev-test/ext4.img /run/mapdev-test/ext4; then
	export MAPDEV_TEST_EXT4=/run/mapdev-test/ext4
else
	echo "# no ext4 test file system: its cases skip"
fi

# Under TCG, a static key patched while the other vCPU runs the patched
# code has oopsed in __schedule() ("Oops: int3": a breakpoint of
# text_poke_bp() that no handler claimed, in the kworker that had just
# switched perf_sched_events off).  perf's per-task events switch that key
# on, and off a second after the last one closes, which ring_user and
# trace.sh make happen many times.  One event held for the whole run keeps
# the key on: it is patched once, here, before the tests.
"$build/selftests/ring_user" hold-perf &
perf_holder=$!

for name in $tests; do
	echo "mapdev-check: start $name" > /dev/kmsg
	(cd /tmp && "$build/selftests/$name") > "$tmp/out" 2>&1
	rc=$?
	sed 's/^/  /' "$tmp/out"
	if ! check_splat "$name"; then
		ktap "not ok" "selftests: mapdev: $name" "kernel splat"
	elif [ $rc -eq 0 ]; then
		ktap ok "selftests: mapdev: $name"
	elif [ $rc -eq 4 ]; then
		ktap ok "selftests: mapdev: $name" SKIP
	else
		ktap "not ok" "selftests: mapdev: $name" "exit=$rc"
	fi
done
kill "$perf_holder" 2>/dev/null

# The kselftest ways in: "make run_tests" from the source directory, and
# the run_kselftest.sh that a kernel tree's install made (make check builds
# it on the host), each running one test.
ksft_run() { # ksft_run NAME CMD...: one KTAP line for a kselftest runner
	name=$1
	shift
	"$@" > "$tmp/out" 2>&1
	rc=$?
	sed 's/^/# /' "$tmp/out"
	# runner.sh names the directory from BASE_DIR, or in full outside it.
	if ! check_splat "$name"; then
		ktap "not ok" "$name" "kernel splat"
	elif [ $rc -eq 0 ] &&
	     grep -Eq '^ok 1 selftests: (.*/)?mapdev: abi$' "$tmp/out"; then
		ktap ok "$name"
	else
		ktap "not ok" "$name" "exit=$rc, no plain ok for abi"
	fi
}
ksft_run "make -C selftests/mapdev run_tests (abi)" \
	make -s -C "$src/selftests/mapdev" OUTPUT="$build/selftests" \
	KSFT_DIR="$build/ksrc/tools/testing/selftests" MAPDEV_SRC="$src" \
	MAPDEV_TESTS=abi CAN_BUILD_I386= TEST_PROGS= run_tests
if [ -x "$build/kselftest_install/run_kselftest.sh" ]; then
	ksft_run "run_kselftest.sh -t mapdev:abi (a kernel tree's install)" \
		"$build/kselftest_install/run_kselftest.sh" -t mapdev:abi
else
	ktap ok "run_kselftest.sh -t mapdev:abi" "SKIP no kselftest install"
fi

# The ioctl fuzzer, bounded in time, from several threads.
echo "mapdev-check: start fuzz" > /dev/kmsg
(cd /tmp && "$build/tools/mapdev-fuzz" -s "${MAPDEV_FUZZ_SECONDS:-20}" -t 4) \
	> "$tmp/out" 2>&1
rc=$?
sed 's/^/# /' "$tmp/out"
if ! check_splat fuzz; then
	ktap "not ok" "mapdev-fuzz" "kernel splat"
elif [ $rc -eq 0 ]; then
	ktap ok "mapdev-fuzz"
else
	ktap "not ok" "mapdev-fuzz" "exit=$rc"
fi

# The fuzzer again with fault injection, where the kernel has it (the debug
# kernel): 1 in 100 of the fuzzing threads' allocations fail (task-filter:
# no other task's).  Not their user copies: the kernel's own for the task
# (signal frames for the fuzzer's fault probes, rseq) turn a failure into
# SIGSEGV, natively too; failnth fails mapdev's copies one by one.  times
# counts down from a known value, so what it lost is what was injected.
fi_set() { # fi_set PROBABILITY TASK-FILTER TIMES
	for a in $fi_attrs; do
		echo 0 > $fidir/$a/verbose
		echo "$2" > $fidir/$a/task-filter
		echo 1 > $fidir/$a/interval
		echo "$3" > $fidir/$a/times
		echo "$1" > $fidir/$a/probability
	done
	echo N > $fidir/failslab/ignore-gfp-wait
	echo N > $fidir/fail_page_alloc/ignore-gfp-wait
	echo N > $fidir/fail_page_alloc/ignore-gfp-highmem
	echo 0 > $fidir/fail_page_alloc/min-order
}
if fi_ready; then
	fi_set 1 Y $fi_times
	echo 0 > $fidir/fail_usercopy/probability
	echo "mapdev-check: start fuzz with fault injection" > /dev/kmsg
	(cd /tmp && "$build/tools/mapdev-fuzz" -f \
		-s "${MAPDEV_FUZZ_SECONDS:-20}" -t 4) > "$tmp/out" 2>&1
	rc=$?
	injected=0
	for a in failslab fail_page_alloc; do
		left=$(cat $fidir/$a/times)
		injected=$((injected + fi_times - left))
		echo "# fault injection: $a: $((fi_times - left)) failures injected"
	done
	fi_set 0 N 1
	sed 's/^/# /' "$tmp/out"
	if ! check_splat fuzz-inject; then
		ktap "not ok" "mapdev-fuzz with fault injection" "kernel splat"
	elif [ $rc -eq 0 ] && [ $injected -gt 0 ]; then
		ktap ok "mapdev-fuzz with fault injection ($injected failures injected)"
	else
		ktap "not ok" "mapdev-fuzz with fault injection ($injected failures injected)" "exit=$rc"
	fi
fi

pages=$(cat $sysfs/pages 2>/dev/null)
objects=$(cat $sysfs/objects 2>/dev/null)
if [ "$pages" = 0 ] && [ "$objects" = 0 ]; then
	ktap ok "nothing left behind (pages=0 objects=0)"
else
	ktap "not ok" "nothing left behind (pages=$pages objects=$objects)"
fi

if rmmod mapdev && [ ! -e /dev/mapdev ] && check_splat unload; then
	ktap ok "unload mapdev.ko"
else
	ktap "not ok" "unload mapdev.ko"
fi

# make install on this "dev box" (the VM's overlays), modprobe, use,
# make uninstall: nothing may be left behind.  Packaged kernels only.
install_cycle() {
	snap() {
		find /usr/local /etc/udev/rules.d "/lib/modules/$kver" -xdev \
			2>/dev/null | sort
	}
	snap > "$tmp/before"
	make -s -C "$src" install KVER="$kver" BUILD="$build" &&
	modprobe mapdev && [ "$(stat -c %a /dev/mapdev)" = 666 ] &&
	/usr/local/bin/mapdev-run --stats -- python3 -c \
		'import mmap; m = mmap.mmap(-1, 1 << 20); m[:2] = b"ok"; print(m[:2])' &&
	grep -q mapdev.ko "/lib/modules/$kver/modules.dep" &&
	rmmod mapdev &&
	make -s -C "$src" uninstall KVER="$kver" BUILD="$build" &&
	snap > "$tmp/after" &&
	diff "$tmp/before" "$tmp/after"
}
# A kernel built from a tree (the debug kernel) has its /lib/modules read-only.
if [ "$quick" = 1 ]; then
	: # make check-quick: no install cycle
elif [ -d "/lib/modules/$kver/kernel" ] && ! touch "/lib/modules/$kver/.mapdev-w" 2>/dev/null; then
	ktap ok "make install, modprobe, use, make uninstall" \
		"SKIP /lib/modules/$kver is read-only"
elif [ -d "/lib/modules/$kver/kernel" ]; then
	rm -f "/lib/modules/$kver/.mapdev-w"
	if install_cycle > "$tmp/out" 2>&1 && check_splat install; then
		sed 's/^/# /' "$tmp/out"
		ktap ok "make install, modprobe, use, make uninstall leaves nothing"
	else
		sed 's/^/# /' "$tmp/out"
		ktap "not ok" "make install, modprobe, use, make uninstall leaves nothing"
	fi
fi

# Objects unreferenced for 5 s and across two scans are leaks.
if [ -w $kmemleak ]; then
	sleep 6
	echo scan > $kmemleak
	sleep 1
	echo scan > $kmemleak
	if grep -q 'unreferenced object' $kmemleak; then
		sed 's/^/# kmemleak: /' $kmemleak | head -n 60
		ktap "not ok" "kmemleak finds no leak"
	else
		ktap ok "kmemleak finds no leak"
	fi
fi
rm -rf "$tmp"
