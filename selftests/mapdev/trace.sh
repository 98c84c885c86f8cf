#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# "mapdev-run --all": programs whose mappings the preload mode cannot see
# (static binaries, the dynamic loader's, malloc's) and real programs, each
# run natively and traced.  Their outputs must be the same byte for byte,
# and every mmap/munmap system call of the run must have gone through the
# tracer: the counts (routed, passed through, failed) sum to what strace
# counts natively, and mapdev's own counters rise by the routed counts.
# KTAP output.
set -u

here=$(cd "$(dirname "$0")" && pwd)
bin=${MAPDEV_SELFTEST_BIN:-$here}
run=${MAPDEV_RUN:-$bin/mapdev-run}
stats=/sys/class/misc/mapdev/stats
work=$(mktemp -d /tmp/mapdev-trace.XXXXXX)
n=0
fail=0
# 0: the run's number of calls depends on timing; no strace comparison.
exact=1

echo "TAP version 13"
echo "1..14"

if [ ! -e /dev/mapdev ]; then
	echo "ok 1 # SKIP /dev/mapdev is missing"
	exit 4
fi
have_strace=0
strace --seccomp-bpf -f -qq -o /dev/null true 2>/dev/null && have_strace=1

# stat NAME: a counter of /sys/class/misc/mapdev/stats.
stat() {
	sed -n "s/^$1 //p" $stats
}

# field FILE NAME: a count of the summary line of mapdev-run --stats.
field() {
	grep '^mapdev-run: mmap routed' "$1" | tail -n 1 |
		sed -n "s/.* $2 \([0-9]*\),.*/\1/p"
}

# native_calls CMD...: the mmap, mmap2 and munmap system calls strace
# counts for CMD and its descendants, run natively.
native_calls() {
	strace --seccomp-bpf -f -qq -c -o "$work/strace" \
		-e trace=mmap,mmap2,munmap "$@" > /dev/null 2>&1
	awk '$NF == "mmap" || $NF == "mmap2" || $NF == "munmap" { s += $4 }
	     END { print s + 0 }' "$work/strace"
}

# traced NAME CMD...: run CMD natively and under mapdev-run --all; pass if
# the outputs are the same, mmap calls were routed, every call of the run
# is accounted for, and mapdev's counters agree.
traced() {
	name=$1
	shift
	n=$((n + 1))
	"$@" > "$work/$name.native" 2>&1
	echo "exit $?" >> "$work/$name.native"
	m0=$(stat mmap)
	u0=$(stat munmap)
	"$run" --all --stats -- "$@" > "$work/$name.out" 2>&1
	echo "exit $?" >> "$work/$name.out"
	m1=$(stat mmap)
	u1=$(stat munmap)
	grep -v '^mapdev-run:' "$work/$name.out" > "$work/$name.traced"
	routed=$(field "$work/$name.out" "mmap routed")
	unrouted=$(field "$work/$name.out" "munmap routed")
	passed=$(field "$work/$name.out" "passed through")
	fellback=$(field "$work/$name.out" "fell back")
	failed=$(field "$work/$name.out" "failed")
	sum=$((${routed:-0} + ${unrouted:-0} + ${passed:-0} + ${fellback:-0} + ${failed:-0}))
	why=
	if ! cmp -s "$work/$name.native" "$work/$name.traced"; then
		why="outputs differ"
		diff "$work/$name.native" "$work/$name.traced" | head -n 20 |
			sed 's/^/# /'
	elif [ "${routed:-0}" -eq 0 ]; then
		why="no mmap call went through mapdev"
	elif [ $((m1 - m0)) -lt "$routed" ] || [ $((u1 - u0)) -lt "$unrouted" ]; then
		why="mapdev counted $((m1 - m0)) mmap, $((u1 - u0)) munmap"
	elif [ "${fellback:-0}" -ne 0 ]; then
		why="$fellback calls fell back to native"
	elif [ $have_strace = 1 ] && [ "$exact" = 1 ]; then
		calls=$(native_calls "$@")
		[ "$calls" -eq "$sum" ] ||
			why="strace counts $calls system calls natively, the tracer $sum"
	fi
	echo "# $name: $(grep '^mapdev-run: mmap routed' "$work/$name.out")${calls:+; strace: $calls}"
	calls=
	if [ -n "$why" ]; then
		echo "# $name: $why"
		echo "not ok $n $name"
		fail=1
	else
		echo "ok $n $name"
	fi
}

# expect_madvise NAME: NAME's run routed madvise calls (else: not ok).
expect_madvise() {
	if [ "$(field "$work/$1.out" "madvise routed")" = 0 ]; then
		echo "# $1: no madvise call went through mapdev"
		echo "not ok $n $1 (madvise)"
		fail=1
	fi
}

# Static binaries: nothing but system calls.
if command -v busybox > /dev/null; then
	traced busybox busybox sh -c 'echo hello; ls / | wc -l; seq 1 200000 | sort -rn | head -n 1'
else
	n=$((n + 1))
	echo "ok $n busybox # SKIP busybox is not installed"
fi
traced trace_user "$bin/trace_user"
if [ -x "$bin/trace_user_32" ]; then
	traced trace_user_32 "$bin/trace_user_32"
else
	n=$((n + 1))
	echo "ok $n trace_user_32 # SKIP no 32-bit build"
fi

# The loader's and the C library's own mappings of dynamic programs.
traced python3 python3 -c 'b = bytearray(64 << 20); import mmap, hashlib; print(len(b), hashlib.sha1(b).hexdigest())'
sql="CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT);
WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 5000)
INSERT INTO t SELECT x, hex(x * 7919) FROM c;
SELECT count(*), sum(a), max(b) FROM t; PRAGMA integrity_check;"
traced sqlite3 sh -c 'rm -f "$1"; sqlite3 "$1" "$2"' sh "$work/t.db" "$sql"
traced git git -C "$here" --no-pager --version
printf '#include <stdio.h>\nint main(void) { puts("built"); return 0; }\n' > "$work/p.c"
traced gcc sh -c 'gcc -O2 -o "$1/p" "$2" && "$1/p"' sh "$work" "$work/p.c"

# Files mapdev does not serve pass through; --strict refuses them.
traced ring "$bin/ring_user"
n=$((n + 1))
"$run" --all --strict --stats "$bin/ring_user" > "$work/strict.out" 2>&1
if grep -q '^io_uring: mmap: No such device' "$work/strict.out" &&
   [ "$(field "$work/strict.out" "passed through")" = 0 ]; then
	echo "ok $n strict"
else
	sed 's/^/# /' "$work/strict.out"
	echo "not ok $n strict"
	fail=1
fi

# madvise(2) advice the kernel keeps for anonymous memory, routed.
traced wipeonfork python3 -c 'import mmap, os
page = mmap.PAGESIZE
m = mmap.mmap(-1, 8 * page, flags=mmap.MAP_PRIVATE)
m[:] = b"P" * len(m)
m.madvise(getattr(mmap, "MADV_WIPEONFORK", 18), 2 * page, 3 * page)
pid = os.fork()
if pid == 0:
    print("child:", [m[i * page] for i in range(8)], flush=True)
    os._exit(0)
os.waitpid(pid, 0)
m.madvise(getattr(mmap, "MADV_KEEPONFORK", 19), 2 * page, 3 * page)
m.madvise(mmap.MADV_FREE, 0, 8 * page)
print("parent:", set(m[:]) <= {0, 80})'
expect_madvise wipeonfork
jemalloc=$(ls /usr/lib/*/libjemalloc.so.2 2>/dev/null | head -n 1)
if [ -n "$jemalloc" ]; then
	export JEMALLOC=$jemalloc
	# How much jemalloc maps and purges depends on timing (its decay).
	exact=0
	traced jemalloc sh -c 'LD_PRELOAD=$JEMALLOC \
		MALLOC_CONF=dirty_decay_ms:0,muzzy_decay_ms:600000 python3 -c "
import hashlib
h = hashlib.sha256()
for i in range(16):
    b = bytearray([i % 251]) * (8 << 20)
    h.update(b[::4096])
    del b
print(h.hexdigest())
"'
	expect_madvise jemalloc
	exact=1
else
	n=$((n + 1))
	echo "ok $n jemalloc # SKIP libjemalloc2 is not installed"
fi

# A program that closes every fd gets the device back.
traced closefrom python3 -c 'import os, mmap
os.closerange(3, 65536)
m = mmap.mmap(-1, 1 << 20)
m[0:6] = b"closed"
print(m[0:6])'

# Exit statuses, signals and job control as without the tracer.
exact=0
traced signals sh -c 'sleep 5 & p=$!; kill -STOP $p; kill -CONT $p; kill -TERM $p; wait $p; echo "sleep: $?"; sh -c "kill -USR1 \$\$"; echo "sh: $?"; python3 -c "import signal; print(signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGQUIT))"; exit 3'

exact=1

# The loader's mappings are mapdev's: its file faults serve them.
n=$((n + 1))
f0=$(($(stat fault_file) + $(stat fault_file_fs) + $(stat fault_file_around)))
"$run" --all -- /bin/true
f1=$(($(stat fault_file) + $(stat fault_file_fs) + $(stat fault_file_around)))
if [ $((f1 - f0)) -gt 0 ]; then
	echo "# /bin/true: $((f1 - f0)) file faults served by mapdev"
	echo "ok $n loader"
else
	echo "not ok $n loader"
	fail=1
fi

rm -rf "$work"
exit $fail
