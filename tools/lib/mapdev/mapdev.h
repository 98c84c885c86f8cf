/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * libmapdev: mmap(2), mmap2(2) and munmap(2) served by /dev/mapdev, and
 * madvise(2) for the advice the kernel keeps for native anonymous memory.
 *
 * The functions keep the contract of the calls they mirror: on failure
 * they return MAP_FAILED (or -1) and set errno to what mmap(2) documents
 * for the same call.  The first call opens /dev/mapdev (once, thread-safely,
 * O_CLOEXEC); if that open fails, every call fails with its errno: ENOENT
 * when the module is not loaded, EACCES without permission.
 */
#ifndef LIBMAPDEV_MAPDEV_H
#define LIBMAPDEV_MAPDEV_H

#include <stddef.h>
#include <sys/types.h>

#if !defined(__LP64__) && (!defined(_FILE_OFFSET_BITS) || _FILE_OFFSET_BITS != 64)
#error "32-bit users of libmapdev build with -D_FILE_OFFSET_BITS=64"
#endif

#ifdef __cplusplus
extern "C" {
#endif

void *mapdev_mmap(void *addr, size_t length, int prot, int flags, int fd,
		  off_t offset);
void *mapdev_mmap2(void *addr, size_t length, int prot, int flags, int fd,
		   unsigned long pgoffset);
int mapdev_munmap(void *addr, size_t length);
int mapdev_madvise(void *addr, size_t length, int advice);

#ifdef __cplusplus
}
#endif

#endif /* LIBMAPDEV_MAPDEV_H */
