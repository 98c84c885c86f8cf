// SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT
/*
 * libmapdev: mmap-shaped calls that go through MAPDEV_IOC_MMAP and
 * MAPDEV_IOC_MUNMAP.  No allocation and no locks: the preload interposer
 * calls these from inside malloc and from the dynamic loader's start-up.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/mapdev.h>

#include "mapdev.h"

#define MAPDEV_API __attribute__((visibility("default")))

/* Not opened yet; otherwise the fd, or -errno of the one open(). */
#define DEV_UNOPENED	INT32_MIN

static int dev_state = DEV_UNOPENED;

/* The fd of /dev/mapdev, or -errno: opened on first use, once. */
static int mapdev_dev(void)
{
	int state = __atomic_load_n(&dev_state, __ATOMIC_ACQUIRE);
	int expected = DEV_UNOPENED;
	int fd;

	if (state != DEV_UNOPENED)
		return state;
	fd = open("/dev/mapdev", O_RDWR | O_CLOEXEC);
	state = fd >= 0 ? fd : -errno;
	/* Two threads may race to open: the first to publish wins. */
	if (!__atomic_compare_exchange_n(&dev_state, &expected, state, false,
					 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		if (fd >= 0)
			close(fd);
		state = expected;
	}
	return state;
}

static void *mapdev_map(void *addr, size_t length, int prot, int flags,
			int fd, uint64_t offset, uint32_t mflags)
{
	struct mapdev_mmap req = {
		.size = sizeof(req),
		.flags = mflags,
		.addr = (uintptr_t)addr,
		.length = length,
		.offset = offset,
		.prot = prot,
		.map_flags = flags,
		.fd = fd,
	};
	int dev = mapdev_dev();

	if (dev < 0) {
		errno = -dev;
		return MAP_FAILED;
	}
	if (ioctl(dev, MAPDEV_IOC_MMAP, &req))
		return MAP_FAILED;
	return (void *)(uintptr_t)req.addr;
}

MAPDEV_API void *mapdev_mmap(void *addr, size_t length, int prot, int flags,
			     int fd, off_t offset)
{
	/*
	 * As glibc's 32-bit mmap64(): an offset the mmap2 system call could
	 * not carry (negative, or from 2^44) is EINVAL.
	 */
	if (sizeof(long) == 4 && (uint64_t)offset >> 44) {
		errno = EINVAL;
		return MAP_FAILED;
	}
	return mapdev_map(addr, length, prot, flags, fd, (uint64_t)offset, 0);
}

MAPDEV_API void *mapdev_mmap2(void *addr, size_t length, int prot, int flags,
			      int fd, unsigned long pgoffset)
{
	return mapdev_map(addr, length, prot, flags, fd, pgoffset,
			  MAPDEV_MMAP_OFFSET_PAGES);
}

MAPDEV_API int mapdev_munmap(void *addr, size_t length)
{
	struct mapdev_munmap req = {
		.size = sizeof(req),
		.addr = (uintptr_t)addr,
		.length = length,
	};
	int dev = mapdev_dev();

	if (dev < 0) {
		errno = -dev;
		return -1;
	}
	return ioctl(dev, MAPDEV_IOC_MUNMAP, &req) ? -1 : 0;
}
