// SPDX-License-Identifier: GPL-2.0
/*
 * MAPDEV_IOC_MMAP and MAPDEV_IOC_MUNMAP: mmap(2), mmap2(2) and munmap(2)
 * through the device.
 *
 * Every mapping is made by vm_mmap() on a file whose ->mmap is mapdev's, or
 * (a regular file) on the file itself and then handed to mapdev's fault
 * handlers.  vm_mmap() runs do_mmap()'s checks, the resource limits and the
 * security hooks against the file it is given, so mapdev adds to them only
 * what vm_mmap() cannot know: the checks of the mmap(2) system call itself
 * (offset alignment, 32-bit offset overflow), and, for anonymous memory,
 * those do_mmap() makes only when there is no file.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/compat.h>
#include <linux/file.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/uaccess.h>

#include <linux/mapdev.h>

#include "mapdev.h"

/* mmap2(2) counts its offset in units of 4096 bytes, whatever the page size. */
#define MAPDEV_MMAP2_SHIFT	12

/*
 * The system calls' own checks of the offset: turn it into a page offset,
 * or fail as mmap(2) (byte offset) or mmap2(2) (4096-byte units) fails.
 */
static int mapdev_req_pgoff(const struct mapdev_mmap *req, u64 *pgoff)
{
	u64 off = req->offset;

	if (req->flags & MAPDEV_MMAP_OFFSET_PAGES) {
		/* offset * 4096 must be a multiple of the page size. */
		if (off & ((PAGE_SIZE >> MAPDEV_MMAP2_SHIFT) - 1))
			return -EINVAL;
		*pgoff = off >> (PAGE_SHIFT - MAPDEV_MMAP2_SHIFT);
	} else {
		if (offset_in_page(off))
			return -EINVAL;
		*pgoff = off >> PAGE_SHIFT;
	}
	return 0;
}

/*
 * The checks that ksys_mmap_pgoff() and do_mmap() make before they look
 * at the address space, in their order.  @file is NULL for anonymous
 * memory.
 */
static int mapdev_mmap_checks(struct file *file, unsigned long len,
			      unsigned long flags, u64 pgoff)
{
	u64 limit = in_compat_syscall() ? U32_MAX : ULONG_MAX;
	unsigned long pages = PAGE_ALIGN(len) >> PAGE_SHIFT;

	if (flags & MAP_HUGETLB) {
		if (!file)
			return mapdev_anon_hugetlb_errno(flags);
		/* hugetlbfs files are not mapdev's to serve (ENODEV). */
		return mapdev_file_is_hugetlb(file) ? -ENODEV : -EINVAL;
	}
	if (!len)
		return -EINVAL;
	if (!pages)
		return -ENOMEM;
	/*
	 * The page offset plus the length in pages must fit an unsigned
	 * long, 32 bits wide for a 32-bit caller (mmap2(2): EOVERFLOW).
	 */
	if (pgoff + pages > limit || pgoff + pages < pgoff)
		return -EOVERFLOW;
	/* Past what vm_mmap() takes, file_mmap_ok() would refuse too. */
	if (file && pgoff > (ULONG_MAX - PAGE_ALIGN(len)) >> PAGE_SHIFT)
		return -EOVERFLOW;
	return 0;
}

/**
 * mapdev_do_mmap() - map as mmap(2) would, served by mapdev
 * @dev: the open of /dev/mapdev the request came through
 * @req: the request, copied from userspace and checked for layout
 *
 * Context: process context; takes mmap_lock.
 * Return: the address of the new mapping, or a negative errno as
 * IS_ERR_VALUE() tells.
 */
static unsigned long mapdev_do_mmap(struct file *dev,
				    const struct mapdev_mmap *req)
{
	unsigned long addr = req->addr, len = req->length;
	/* Sign-extended, as the int arguments of mmap(2) reach the kernel. */
	unsigned long prot = (long)req->prot, flags = (long)req->map_flags;
	struct file *file = NULL;
	unsigned long ret;
	u64 pgoff;
	int err;

	/* A 32-bit caller cannot pass more than 32 bits. */
	if (in_compat_syscall() && (addr > U32_MAX || len > U32_MAX))
		return -EINVAL;
	err = mapdev_req_pgoff(req, &pgoff);
	if (err)
		return err;

	if (!(flags & MAP_ANONYMOUS)) {
		file = fget(req->fd);
		if (!file)
			return -EBADF;
	}
	err = mapdev_mmap_checks(file, len, flags, pgoff);
	if (err)
		ret = err;
	else if (!file)
		ret = mapdev_anon_mmap(&mapdev_open_of(dev)->anon, addr, len,
				       prot, flags);
	else if (mapdev_file_is_object(file))
		ret = vm_mmap(file, addr, len, prot, flags, pgoff << PAGE_SHIFT);
	else if (mapdev_file_is_zero(file))
		ret = mapdev_anon_zero_mmap(&mapdev_open_of(dev)->anon, file,
					    addr, len, prot, flags, pgoff);
	else
		ret = mapdev_file_mmap(file, addr, len, prot, flags, pgoff);

	if (file)
		fput(file);
	return ret;
}

/**
 * mapdev_ioc_mmap() - MAPDEV_IOC_MMAP
 * @file: an open of /dev/mapdev (any: the mapping is the caller's)
 * @arg: a struct mapdev_mmap
 *
 * Context: process context.
 * Return: 0 with the address in @arg->addr, or a negative errno.
 */
long mapdev_ioc_mmap(struct file *file, void __user *arg)
{
	struct mapdev_mmap __user *uarg = arg;
	struct mapdev_mmap req;
	unsigned long addr;
	u32 usize;
	int err;

	err = mapdev_copy_request(&req, sizeof(req), uarg,
				  MAPDEV_MMAP_SIZE_VER0, &usize);
	if (err)
		return err;
	if (req.__reserved || (req.flags & ~MAPDEV_MMAP_OFFSET_PAGES))
		return -EINVAL;
	/*
	 * Fail before mapping if the answer cannot be stored: the field is
	 * written first, with the hint.  The answer's store can then fail
	 * only if the request's page is taken away meanwhile (another thread
	 * unmaps or write-protects it, or this mapping replaces it read-only)
	 * or cannot be faulted back in (reclaimed, then a memory cgroup OOM,
	 * a poisoned page, a shared file truncated under it): the mapping
	 * stays, since undoing it could unmap what another thread has mapped
	 * there since, and the caller gets EFAULT.
	 */
	if (put_user(req.addr, &uarg->addr))
		return -EFAULT;
	addr = mapdev_do_mmap(file, &req);
	if (IS_ERR_VALUE(addr))
		return (long)addr;
	mapdev_count(MAPDEV_STAT_MMAP);
	return put_user(addr, &uarg->addr) ? -EFAULT : 0;
}

/**
 * mapdev_ioc_munmap() - MAPDEV_IOC_MUNMAP
 * @file: an open of /dev/mapdev
 * @arg: a struct mapdev_munmap
 *
 * Unmaps as munmap(2) does, whatever made the mapping.
 *
 * Context: process context; takes mmap_lock.
 * Return: 0 or a negative errno.
 */
long mapdev_ioc_munmap(struct file *file, void __user *arg)
{
	struct mapdev_munmap __user *uarg = arg;
	struct mapdev_munmap req;
	unsigned long addr;
	u32 usize;
	int err;

	err = mapdev_copy_request(&req, sizeof(req), uarg,
				  MAPDEV_MUNMAP_SIZE_VER0, &usize);
	if (err)
		return err;
	if (req.__reserved)
		return -EINVAL;
	if (in_compat_syscall() && (req.addr > U32_MAX || req.length > U32_MAX))
		return -EINVAL;
	/* As munmap(2): a tagged pointer names the untagged address. */
	addr = untagged_addr((unsigned long)req.addr);
	err = vm_munmap(addr, req.length);
	if (err)
		return err;
	mapdev_anon_unmapped(&mapdev_open_of(file)->anon, addr, req.length);
	mapdev_count(MAPDEV_STAT_MUNMAP);
	return 0;
}
