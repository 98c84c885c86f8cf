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

/**
 * struct mapdev_madvise - argument of MAPDEV_IOC_MADVISE
 * @size: sizeof(struct mapdev_madvise) as the caller knows it
 * @flags: must be zero
 * @addr: as madvise(2)'s addr
 * @length: as madvise(2)'s length
 * @advice: MADV_FREE, MADV_WIPEONFORK or MADV_KEEPONFORK
 * @split_advice: out, with EAGAIN: the madvise(2) advice (MADV_RANDOM or
 *	MADV_SEQUENTIAL) that splits the piece below off its VMA
 * @split_start: out, with EAGAIN: the start of that piece
 * @split_length: out, with EAGAIN: its length
 * @restore_advice: out, with EAGAIN: the readahead advice (MADV_NORMAL,
 *	MADV_RANDOM or MADV_SEQUENTIAL) to give the piece back at the end
 * @__reserved: must be zero
 *
 * Extensible as struct mapdev_mmap is.
 */
struct mapdev_madvise {
	__u32 size;
	__u32 flags;
	__aligned_u64 addr;
	__aligned_u64 length;
	__s32 advice;
	__s32 split_advice;
	__aligned_u64 split_start;
	__aligned_u64 split_length;
	__s32 restore_advice;
	__u32 __reserved;
};

#define MAPDEV_MADVISE_SIZE_VER0	56

/*
 * MAPDEV_IOC_MMAP - map as mmap(2) would, served by mapdev; on success the
 *	ioctl returns 0 and the mapping's address is in @addr.  On failure it
 *	returns -1 with the errno that mmap(2) documents for the same call,
 *	or EFAULT: the request could not be read or @addr written (nothing
 *	mapped), or the answer could not be stored after mapping, the
 *	request's page having gone or become read-only meanwhile (mapped;
 *	see Documentation/userspace-api.rst).
 * MAPDEV_IOC_MUNMAP - unmap as munmap(2) would.
 * MAPDEV_IOC_MADVISE - give private anonymous memory, mapdev's or native,
 *	advice that madvise(2) takes only for native anonymous memory
 *	(MADV_FREE, MADV_WIPEONFORK, MADV_KEEPONFORK), with madvise(2)'s
 *	errors.  The device cannot split a VMA: where the range starts or
 *	ends inside one that must change, it changes nothing, fails with
 *	EAGAIN and names a piece (@split_*).  The caller splits it off with
 *	madvise(@split_start, @split_length, @split_advice), which changes
 *	only readahead flags, calls again, and when done gives each piece
 *	its readahead advice back, madvise(@split_start, @split_length,
 *	@restore_advice).  libmapdev's mapdev_madvise() does all this.
 *
 * The size of the argument is in its @size field, not in the command.
 */
#define MAPDEV_IOC_MMAP		_IO(MAPDEV_IOC_TYPE, 0x02)
#define MAPDEV_IOC_MUNMAP	_IO(MAPDEV_IOC_TYPE, 0x03)
#define MAPDEV_IOC_MADVISE	_IO(MAPDEV_IOC_TYPE, 0x04)

#endif /* _UAPI_LINUX_MAPDEV_H */
