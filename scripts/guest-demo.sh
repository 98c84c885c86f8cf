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
echo "== a real program under mapdev-run: sqlite3 with its database mapped"
db=$(mktemp -d)/demo.db
"$build/tools/mapdev-run" --stats -- sqlite3 "$db" "PRAGMA mmap_size=268435456;
CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT);
WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 10000)
INSERT INTO t SELECT x, hex(x * 7919) FROM c;
SELECT 'rows: ' || count(*) || ', sum: ' || sum(a) FROM t;"
echo
echo "== a second sqlite3 reads the database through its mapping"
# counters: mapdev's counters of what it mapped and served.
counters() {
	for n in mmap fault_file_around fault_file fault_file_fs; do
		printf ' %s=%s' $n "$(sed -n "s/^$n //p" $sysfs/stats)"
	done
}
echo "   mapdev's counters before:$(counters)"
"$build/tools/mapdev-run" --stats -- sqlite3 "$db" "PRAGMA mmap_size=268435456;
SELECT 'rows: ' || count(*) || ', sum: ' || sum(a) || ', max(b): ' || max(b) FROM t;
PRAGMA integrity_check;"
echo "   and after:               $(counters)"
echo "   (mmap: mappings made through the device; fault_file_around: the"
echo "   database's cached pages mapped by fault-around in mapdev's VMA;"
echo "   fault_file, fault_file_fs: faults served from the page cache, or"
echo "   handed to the file system)"
echo
echo "== after the demo: pages=$(cat $sysfs/pages) objects=$(cat $sysfs/objects)"
rmmod mapdev
echo "== rmmod mapdev: done"
