/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * mapdev: mmap(2) served by a character device's own fault handlers.
 *
 * Every open() of /dev/mapdev creates an empty memory object that behaves
 * like a small regular file (read, write, lseek, mmap).  The ioctls below
 * size the object and ask the device for mmap-style mappings.
 */
#ifndef _UAPI_LINUX_MAPDEV_H
#define _UAPI_LINUX_MAPDEV_H

#include <linux/types.h>
#include <linux/ioctl.h>

#define MAPDEV_IOC_TYPE		0xBA

/*
 * MAPDEV_IOC_GET_SIZE - store the object's size in bytes in a __u64.
 * MAPDEV_IOC_SET_SIZE - set the object's size from a __u64, as ftruncate(2)
 *	does for a regular file: growing reads as zeros; shrinking unmaps and
 *	frees every page past the new end.  Fails with EFBIG past the
 *	module's max_size parameter and EINVAL above INT64_MAX.
 */
#define MAPDEV_IOC_GET_SIZE	_IOR(MAPDEV_IOC_TYPE, 0x00, __u64)
#define MAPDEV_IOC_SET_SIZE	_IOW(MAPDEV_IOC_TYPE, 0x01, __u64)

/* Bits of struct mapdev_mmap.flags */
#define MAPDEV_MMAP_OFFSET_PAGES	0x00000001U

/**
 * struct mapdev_mmap - argument of MAPDEV_IOC_MMAP
 * @size: sizeof(struct mapdev_mmap) as the caller knows it
 * @flags: MAPDEV_MMAP_* bits; MAPDEV_MMAP_OFFSET_PAGES says @offset counts
 *	4096-byte units, as mmap2(2) does, instead of bytes
 * @addr: in: the address hint, as mmap(2)'s addr; out: the new mapping
 * @length: as mmap(2)'s length
 * @offset: as mmap(2)'s offset, or mmap2(2)'s pgoffset
 * @prot: as mmap(2)'s prot (PROT_*)
 * @map_flags: as mmap(2)'s flags (MAP_*)
 * @fd: as mmap(2)'s fd; -1 with MAP_ANONYMOUS
 * @__reserved: must be zero
 *
 * The struct is extensible: the kernel accepts any @size from
 * MAPDEV_MMAP_SIZE_VER0, treats fields the caller does not know as zero,
 * and refuses with E2BIG fields it does not know that are not zero.
 */
struct mapdev_mmap {
	__u32 size;
	__u32 flags;
	__aligned_u64 addr;
	__aligned_u64 length;
	__aligned_u64 offset;
	__s32 prot;
	__s32 map_flags;
	__s32 fd;
	__u32 __reserved;
};

#define MAPDEV_MMAP_SIZE_VER0		48

/**
 * struct mapdev_munmap - argument of MAPDEV_IOC_MUNMAP
 * @size: sizeof(struct mapdev_munmap) as the caller knows it
 * @__reserved: must be zero
 * @addr: as munmap(2)'s addr
 * @length: as munmap(2)'s length
 */
struct mapdev_munmap {
	__u32 size;
	__u32 __reserved;
	__aligned_u64 addr;
	__aligned_u64 length;
};

#define MAPDEV_MUNMAP_SIZE_VER0		24

/*
 * MAPDEV_IOC_MMAP - map as mmap(2) would, served by mapdev; on success the
 *	ioctl returns 0 and the mapping's address is in @addr.  On failure it
 *	returns -1 with the errno that mmap(2) documents for the same call.
 * MAPDEV_IOC_MUNMAP - unmap as munmap(2) would.
 *
 * The size of the argument is in its @size field, not in the command.
 */
#define MAPDEV_IOC_MMAP		_IO(MAPDEV_IOC_TYPE, 0x02)
#define MAPDEV_IOC_MUNMAP	_IO(MAPDEV_IOC_TYPE, 0x03)

#endif /* _UAPI_LINUX_MAPDEV_H */
