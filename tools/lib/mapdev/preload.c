// SPDX-License-Identifier: GPL-2.0
/*
 * libmapdev-preload.so: an LD_PRELOAD interposer that sends a program's
 * mmap, mmap64 and munmap through /dev/mapdev (libmapdev), and the madvise
 * advice mapdev's anonymous memory needs the device for.
 *
 * A file mapdev does not serve (a device other than /dev/zero, an
 * anon-inode file such as io_uring's or perf's, DAX, hugetlbfs,
 * secretmem) is mapped natively: the device answers ENODEV for it after
 * native mmap(2)'s own checks, and the call is made again as a system
 * call, "passed through", unless strict.  Every other answer of the device
 * is the program's.  Without the device, every call fails with the open's
 * errno, or, with fallback, is native.
 *
 * It is called from anywhere: other libraries' constructors, threads, a
 * child after fork(), malloc.  So it allocates nothing, takes no lock,
 * resolves nothing lazily (native calls are system calls, not dlsym()),
 * and reads its settings on first use.  The dynamic loader's own mappings
 * and glibc's internal ones (malloc's) do not go through the PLT and are
 * not interposed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "mapdev.h"
#include "preload.h"

#define PRELOAD_API __attribute__((visibility("default")))

enum { UNREAD, READING, READ };

static int settings = UNREAD;
static bool fallback;
static bool strict;
static bool stats_at_exit;
/* Counters: a file shared by a run's processes, or this process's own. */
static struct mapdev_preload_stats own_stats;
static struct mapdev_preload_stats *stats = &own_stats;

static void *native_mmap(void *addr, size_t len, int prot, int flags, int fd,
			 off_t off)
{
	return (void *)syscall(SYS_mmap, addr, len, prot, flags, fd, off);
}

static int native_munmap(void *addr, size_t len)
{
	return syscall(SYS_munmap, addr, len);
}

static int native_madvise(void *addr, size_t len, int advice)
{
	return syscall(SYS_madvise, addr, len, advice);
}

/* Settings come from the environment, read on the first call. */
static void read_settings(void)
{
	int state = UNREAD;
	const char *v;

	if (__atomic_load_n(&settings, __ATOMIC_ACQUIRE) == READ)
		return;
	if (!__atomic_compare_exchange_n(&settings, &state, READING, false,
					 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		/* Another thread reads them: wait, it is quick. */
		while (__atomic_load_n(&settings, __ATOMIC_ACQUIRE) != READ)
			;
		return;
	}
	v = getenv(MAPDEV_ENV_FALLBACK);
	fallback = v && !strcmp(v, "1");
	v = getenv(MAPDEV_ENV_STRICT);
	strict = v && !strcmp(v, "1");
	v = getenv(MAPDEV_ENV_STATS);
	stats_at_exit = v && !strcmp(v, "1");
	v = getenv(MAPDEV_ENV_STATS_FD);
	if (v && *v) {
		char *end;
		long fd = strtol(v, &end, 10);
		void *p;

		/* Mapped natively: the counters do not count themselves. */
		p = *end ? MAP_FAILED :
		    native_mmap(NULL, MAPDEV_STATS_SIZE, PROT_READ | PROT_WRITE,
				MAP_SHARED, fd, 0);
		if (p != MAP_FAILED)
			stats = p;
	}
	__atomic_store_n(&settings, READ, __ATOMIC_RELEASE);
}

static void count(unsigned long *counter)
{
	__atomic_fetch_add(counter, 1, __ATOMIC_RELAXED);
}

static void count_failure(int err)
{
	count(&stats->failed);
	if (err >= 0 && err < MAPDEV_STATS_NERRNO)
		count(&stats->by_errno[err]);
}

/* Make the call natively instead: no device (fallback) or pass-through. */
static bool go_native(int err)
{
	if (mapdev_dev() < 0)
		return fallback;
	return err == ENODEV && !strict;
}

PRELOAD_API void *mmap(void *addr, size_t len, int prot, int flags, int fd,
		       off_t off)
{
	void *p;
	int err;

	read_settings();
	p = mapdev_mmap(addr, len, prot, flags, fd, off);
	if (p != MAP_FAILED) {
		count(&stats->mmap_routed);
		return p;
	}
	err = errno;
	if (go_native(err)) {
		p = native_mmap(addr, len, prot, flags, fd, off);
		if (p != MAP_FAILED) {
			count(mapdev_dev() < 0 ? &stats->fell_back :
						 &stats->passed_through);
			return p;
		}
		err = errno;
	}
	count_failure(err);
	errno = err;
	return MAP_FAILED;
}

/* glibc exports both; off_t is 64 bits wide on x86-64. */
PRELOAD_API void *mmap64(void *addr, size_t len, int prot, int flags, int fd,
			 off_t off)
{
	return mmap(addr, len, prot, flags, fd, off);
}

PRELOAD_API int munmap(void *addr, size_t len)
{
	int err;

	read_settings();
	if (!mapdev_munmap(addr, len)) {
		count(&stats->munmap_routed);
		return 0;
	}
	err = errno;
	/* Without the device, munmap(2) itself. */
	if (mapdev_dev() < 0 && fallback) {
		if (!native_munmap(addr, len)) {
			count(&stats->fell_back);
			return 0;
		}
		err = errno;
	}
	count_failure(err);
	errno = err;
	return -1;
}

/*
 * The advice the kernel keeps for native anonymous memory, on mapdev's
 * (a file VMA to madvise(2), which says EINVAL), goes through the device;
 * natively first, so that other memory costs no extra system call.  Any
 * other advice is madvise(2) itself.
 */
PRELOAD_API int madvise(void *addr, size_t len, int advice)
{
	int err;

	if (advice != MADV_FREE && advice != MADV_WIPEONFORK &&
	    advice != MADV_KEEPONFORK)
		return native_madvise(addr, len, advice);
	if (!native_madvise(addr, len, advice))
		return 0;
	if (errno != EINVAL)
		return -1;
	read_settings();
	if (mapdev_dev() < 0) {
		errno = EINVAL;
		return -1;
	}
	if (!mapdev_madvise(addr, len, advice)) {
		count(&stats->madvise_routed);
		return 0;
	}
	err = errno;
	count_failure(err);
	errno = err;
	return -1;
}

/* Read the settings at load, unless a constructor before this called in. */
static __attribute__((constructor)) void load(void)
{
	read_settings();
}

static __attribute__((destructor)) void print_stats(void)
{
	if (stats_at_exit)
		mapdev_stats_print(STDERR_FILENO, "libmapdev-preload", stats);
}
