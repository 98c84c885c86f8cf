// SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT
/*
 * libmapdev: mmap-shaped calls that go through MAPDEV_IOC_MMAP,
 * MAPDEV_IOC_MUNMAP and MAPDEV_IOC_MADVISE.  No allocation and no locks: the preload interposer
 * calls these from inside malloc and from the dynamic loader's start-up.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/mapdev.h>

#include "mapdev.h"

#define MAPDEV_API __attribute__((visibility("default")))

/* Not opened yet; otherwise the fd, or -errno of the one open(). */
#define DEV_UNOPENED	INT32_MIN

static int dev_state = DEV_UNOPENED;

/* Publish @state unless another thread published first; the winner's. */
static int publish(int old, int state, int fd)
{
	if (__atomic_compare_exchange_n(&dev_state, &old, state, false,
					__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		return state;
	if (fd >= 0)
		close(fd);
	return old;
}

static int open_dev(int old)
{
	int fd = open("/dev/mapdev", O_RDWR | O_CLOEXEC);

	return publish(old, fd >= 0 ? fd : -errno, fd);
}

/* The fd of /dev/mapdev, or -errno: opened on first use, once. */
int mapdev_dev(void)
{
	int state = __atomic_load_n(&dev_state, __ATOMIC_ACQUIRE);

	return state != DEV_UNOPENED ? state : open_dev(DEV_UNOPENED);
}

/*
 * The ioctl failed with @err: was @dev closed by the program (EBADF on
 * the fd itself), or its number reused for another file (which does not
 * know the command: ENOTTY)?  Then open the device again.  The old number
 * is not closed: it may be the program's now.
 */
static bool reopened(int dev, int err)
{
	if (err != ENOTTY && !(err == EBADF && fcntl(dev, F_GETFD) < 0))
		return false;
	return open_dev(dev) >= 0;
}

/* The ioctl @cmd on the device, as a system call: 0, or -1 with errno. */
static int dev_ioctl(unsigned long cmd, void *arg)
{
	int dev = mapdev_dev();
	int err;

	if (dev < 0) {
		errno = -dev;
		return -1;
	}
	if (!ioctl(dev, cmd, arg))
		return 0;
	err = errno;
	if (!reopened(dev, err)) {
		errno = err;
		return -1;
	}
	return ioctl(mapdev_dev(), cmd, arg) ? -1 : 0;
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

	if (dev_ioctl(MAPDEV_IOC_MMAP, &req))
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

	return dev_ioctl(MAPDEV_IOC_MUNMAP, &req);
}

/* Bound on the pieces split off: two ends, and the races lost after. */
#define MADVISE_TRIES	16

MAPDEV_API int mapdev_madvise(void *addr, size_t length, int advice)
{
	struct mapdev_madvise req = {
		.size = sizeof(req),
		.addr = (uintptr_t)addr,
		.length = length,
		.advice = advice,
	};
	struct { uint64_t start, length; int advice; } split[MADVISE_TRIES];
	int n = 0, ret, err;

	if (advice != MADV_FREE && advice != MADV_WIPEONFORK &&
	    advice != MADV_KEEPONFORK)
		return syscall(SYS_madvise, addr, length, advice);
	/* EAGAIN names a piece of a VMA to split off; then again. */
	for (;;) {
		ret = dev_ioctl(MAPDEV_IOC_MADVISE, &req);
		if (!ret || errno != EAGAIN || !req.split_length ||
		    n == MADVISE_TRIES)
			break;
		split[n].start = req.split_start;
		split[n].length = req.split_length;
		split[n].advice = req.restore_advice;
		n++;
		ret = syscall(SYS_madvise, (uintptr_t)req.split_start,
			      (size_t)req.split_length, req.split_advice);
		if (ret)
			break;
	}
	err = errno;
	/* Each piece gets its readahead advice back (and merges again). */
	while (n--)
		syscall(SYS_madvise, (uintptr_t)split[n].start,
			(size_t)split[n].length, split[n].advice);
	errno = err;
	return ret ? -1 : 0;
}
