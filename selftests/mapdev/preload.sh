#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Real programs from Debian's packages, each run natively and under
# "mapdev-run --stats"; their outputs must be the same byte for byte, and
# the counts must show mmap calls served by mapdev.  KTAP output.
set -u

here=$(cd "$(dirname "$0")" && pwd)
# What it runs is built beside it (the kselftest build or install
# directory); "make run_tests" from the source says where.
bin=${MAPDEV_SELFTEST_BIN:-$here}
run=${MAPDEV_RUN:-$bin/mapdev-run}
export MAPDEV_PRELOAD_LIB="${MAPDEV_PRELOAD_LIB:-$bin/libmapdev-preload.so}"
work=$(mktemp -d /tmp/mapdev-preload.XXXXXX)
n=0
fail=0

echo "TAP version 13"
echo "1..14"

if [ ! -e /dev/mapdev ]; then
	echo "ok 1 # SKIP /dev/mapdev is missing"
	exit 4
fi

# check NAME: compare $work/NAME.native and .mapdev, and the stats line.
check() {
	n=$((n + 1))
	name=$1
	routed=$(sed -n 's/^mapdev-run: mmap routed \([0-9]*\),.*/\1/p' \
		"$work/$name.stats" | tail -n 1)
	if ! cmp -s "$work/$name.native" "$work/$name.mapdev"; then
		echo "# $name: outputs differ"
		diff "$work/$name.native" "$work/$name.mapdev" | head -n 20 | sed 's/^/# /'
		echo "not ok $n $name"
		fail=1
	elif [ -z "$routed" ] || [ "$routed" -eq 0 ]; then
		echo "# $name: no mmap call went through mapdev"
		sed 's/^/# /' "$work/$name.stats"
		echo "not ok $n $name"
		fail=1
	else
		echo "# $(grep '^mapdev-run:' "$work/$name.stats")"
		echo "ok $n $name"
	fi
}

# both NAME CMD...: run CMD natively, then under mapdev-run; CMD sees $W,
# a directory of its own for each run.
both() {
	name=$1
	shift
	mkdir -p "$work/native-$name" "$work/mapdev-$name"
	(cd "$work/native-$name" && W=$work/native-$name "$@") \
		> "$work/$name.native" 2>&1
	echo "exit $?" >> "$work/$name.native"
	(cd "$work/mapdev-$name" && W=$work/mapdev-$name \
		"$run" --stats -- "$@") > "$work/$name.out" 2>&1
	echo "exit $?" >> "$work/$name.out"
	# mapdev-run's own line comes last, after the command has exited.
	grep '^mapdev-run:' "$work/$name.out" > "$work/$name.stats"
	grep -v '^mapdev-run:' "$work/$name.out" > "$work/$name.mapdev"
	check "$name"
}

sql="PRAGMA mmap_size=268435456;
CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT);
WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 20000)
INSERT INTO t SELECT x, printf('%08d-%s', x * 7919 % 100003, hex(x)) FROM c;
CREATE INDEX tb ON t(b);
SELECT count(*), sum(a), min(b), max(b) FROM t;
UPDATE t SET b = b || 'u' WHERE a % 3 = 0;
DELETE FROM t WHERE a % 5 = 0;
SELECT count(*), group_concat(b, '') = group_concat(b, '') FROM t;
PRAGMA integrity_check;"
both sqlite3 sh -c 'sqlite3 "$W/t.db" "$1" && sqlite3 "$W/t.db" .dump | md5sum' sh "$sql"

# git: a repository with packs, cloned (objects copied, not linked),
# checked and read back.
git init -q "$work/repo"
(
	cd "$work/repo" || exit 1
	export GIT_AUTHOR_NAME=a GIT_AUTHOR_EMAIL=a@example.org
	export GIT_COMMITTER_NAME=a GIT_COMMITTER_EMAIL=a@example.org
	export GIT_AUTHOR_DATE=2026-01-01T00:00:00Z GIT_COMMITTER_DATE=2026-01-01T00:00:00Z
	for i in 1 2 3 4 5 6 7 8; do
		seq 1 $((i * 1000)) | sed "s/^/line $i /" > "f$i"
		git add "f$i"
		git commit -qm "commit $i"
	done
	git gc -q
) || echo "# could not make the git repository"
both git sh -c 'git clone -q --no-local "$1" "$W/clone" &&
	git -C "$W/clone" fsck --no-progress 2>&1 &&
	git -C "$W/clone" log -p | md5sum &&
	git -C "$W/clone" count-objects -v | grep -v size' sh "$work/repo"

cat > "$work/mm.py" <<'PY'
import mmap, os
path = os.path.join(os.environ["W"], "data")
with open(path, "wb") as f:
    f.write(b"\0" * 65536)
with open(path, "r+b") as f:
    m = mmap.mmap(f.fileno(), 0)
    m[100:105] = b"hello"
    m.flush()
    m.resize(131072)
    m[70000:70005] = b"world"
    print(m.find(b"world"), m[100:105], len(m))
    m.close()
with open(path, "rb") as f:
    d = f.read()
    print(len(d), d.find(b"hello"), d.find(b"world"))
a = mmap.mmap(-1, 1 << 20)
a.write(b"anonymous" * 1000)
pid = os.fork()
if pid == 0:
    a[0:5] = b"CHILD"
    os._exit(0)
os.waitpid(pid, 0)
print(a[0:9], a.find(b"anonymous", 100))
PY
both python3 python3 "$work/mm.py"

printf '#include <stdio.h>\nint main(void) { long s = 0; for (int i = 0; i < 1000; i++) s += i * i; printf("%%ld\\n", s); return 0; }\n' > "$work/prog.c"
both gcc sh -c 'gcc -O2 -o "$W/prog" "$1" && "$W/prog" && md5sum < "$W/prog"' sh "$work/prog.c"

both file file /usr/bin/ls /etc/passwd /usr/lib/x86_64-linux-gnu/libc.so.6 "$work/prog.c"

head -c 3000000 /usr/bin/gcc-12 > "$work/a" 2>/dev/null || seq 1 300000 > "$work/a"
cp "$work/a" "$work/b"
printf 'X' | dd of="$work/b" bs=1 seek=2000000 conv=notrunc 2>/dev/null
both cmp sh -c 'cmp "$1" "$2"; cmp -l "$1" "$2" | head -n 3' sh "$work/a" "$work/b"


# Threads, fork, exec: the interposer in each of them.
both threads "$bin/preload_stress"

# count NAME FIELD: a counter of NAME's stats line ("passed through").
count() {
	sed -n "s/.* $2 \([0-9]*\),.*/\1/p" "$work/$1.stats" | tail -n 1
}

# expect NAME FIELD: NAME passed, and its FIELD counter is not zero.
expect() {
	v=$(count "$1" "$2")
	if [ "${v:-0}" -eq 0 ] && tail -n 1 "$work/$1.tap" | grep -q '^ok'; then
		echo "# $1: $2 is 0"
		echo "not ok $n $1"
		fail=1
	else
		tail -n 1 "$work/$1.tap"
	fi
}

# Rings of io_uring and perf pass through; /dev/zero is mapdev's.
both ring "$bin/ring_user" > "$work/ring.tap"
grep '^#' "$work/ring.tap"
expect ring "passed through"

# MADV_FREE from a real allocator: jemalloc, purging freed memory lazily.
jemalloc=$(ls /usr/lib/*/libjemalloc.so.2 2>/dev/null | head -n 1)
if [ -n "$jemalloc" ]; then
	export JEMALLOC=$jemalloc
	both jemalloc sh -c 'LD_PRELOAD="${LD_PRELOAD:+$LD_PRELOAD:}$JEMALLOC" \
		MALLOC_CONF=dirty_decay_ms:0,muzzy_decay_ms:600000 python3 -c "
import hashlib
h = hashlib.sha256()
for i in range(16):
    b = bytearray([i % 251]) * (8 << 20)
    b[i * 4096] = 7
    h.update(b[::4096])
    del b
print(h.hexdigest())
"' > "$work/jemalloc.tap"
	grep '^#' "$work/jemalloc.tap"
	expect jemalloc "madvise routed"
else
	n=$((n + 1))
	echo "ok $n jemalloc # SKIP libjemalloc2 is not installed"
fi

# MADV_WIPEONFORK on part of a mapping (split by the library), then
# MADV_KEEPONFORK and MADV_FREE, from python3's mmap module.
both wipeonfork python3 -c 'import mmap, os
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
print("parent:", set(m[:]) <= {0, 80})' > "$work/wipeonfork.tap"
grep '^#' "$work/wipeonfork.tap"
expect wipeonfork "madvise routed"

# --strict: no pass-through, so the rings fail as mapdev answers them.
n=$((n + 1))
"$run" --strict --stats "$bin/ring_user" > "$work/strict-ring.out" 2>&1
rc=$?
if [ $rc -ne 0 ] && grep -q '^io_uring: mmap: No such device' "$work/strict-ring.out" &&
   grep -q 'passed through 0,' "$work/strict-ring.out"; then
	echo "# $(grep '^mapdev-run:' "$work/strict-ring.out")"
	echo "ok $n strict refuses pass-through"
else
	sed 's/^/# /' "$work/strict-ring.out"
	echo "not ok $n strict refuses pass-through"
	fail=1
fi

# By hand: LD_PRELOAD and the environment, each process counting itself.
n=$((n + 1))
LD_PRELOAD=$MAPDEV_PRELOAD_LIB MAPDEV_PRELOAD_STATS=1 \
	python3 "$work/mm.py" > /dev/null 2> "$work/hand.err"
if grep -Eq '^libmapdev-preload: mmap routed [1-9]' "$work/hand.err"; then
	echo "# $(grep '^libmapdev-preload:' "$work/hand.err" | head -n 1)"
	echo "ok $n preload set up by hand"
else
	sed 's/^/# /' "$work/hand.err"
	echo "not ok $n preload set up by hand"
	fail=1
fi

# Without the device (hidden in a mount namespace): --strict refuses to
# start, naming the cause; --fallback runs everything natively.
nodev() {
	unshare -m sh -c 'mount -t tmpfs none /dev && exec "$@"' sh "$@"
}
n=$((n + 1))
nodev "$run" true > /dev/null 2> "$work/strict.err"
rc=$?
if [ $rc -eq 69 ] && [ "$(wc -l < "$work/strict.err")" -eq 1 ] &&
   grep -q 'cannot open /dev/mapdev: No such file or directory' "$work/strict.err"; then
	echo "# $(cat "$work/strict.err")"
	echo "ok $n strict without the device"
else
	echo "# exit $rc: $(cat "$work/strict.err")"
	echo "not ok $n strict without the device"
	fail=1
fi
n=$((n + 1))
(cd "$work/native-python3" && W=$work/native-python3 nodev "$run" --stats \
	--fallback python3 "$work/mm.py") > "$work/fb.out" 2>&1
if grep -q '^mapdev-run: mmap routed 0, munmap routed 0, madvise routed 0, passed through 0, fell back [1-9]' "$work/fb.out" &&
   [ "$(grep -v '^mapdev-run:' "$work/fb.out")" = "$(sed '$d' "$work/python3.native")" ]; then
	echo "# $(grep '^mapdev-run:' "$work/fb.out")"
	echo "ok $n fallback without the device"
else
	sed 's/^/# /' "$work/fb.out"
	echo "not ok $n fallback without the device"
	fail=1
fi

rm -rf "$work"
exit $fail
