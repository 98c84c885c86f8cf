// SPDX-License-Identifier: GPL-2.0
/*
 * MAPDEV_IOC_MADVISE: the madvise(2) advice the core keeps for anonymous
 * VMAs (madvise_vma_behavior(), madvise_free_single_vma(): "vm_file" means
 * EINVAL), given to mapdev's private anonymous memory, which is a file
 * VMA.  Native private anonymous VMAs in the range get the same advice, so
 * a range that spans both kinds gets it whole.
 *
 * MADV_FREE: the range's copy-on-write pages are freed at once, which is
 * one of the outcomes MADV_FREE allows (a page not written again reads as
 * its old contents or as zeros), and the soonest reclaim.  The core's lazy
 * freeing marks pages of anonymous VMAs only.
 *
 * MADV_WIPEONFORK, MADV_KEEPONFORK: VM_WIPEONFORK, which dup_mmap() honours
 * for any VMA: the child's VMA gets no pages, and faults in the private
 * object's zero pages.  A module cannot split a VMA, so where the range
 * starts or ends inside a VMA whose flag must change, the ioctl fails with
 * EAGAIN and names a piece for the caller to split off with madvise(2)
 * advice that changes only readahead flags (MADV_RANDOM or
 * MADV_SEQUENTIAL), which mapdev's faults on anonymous memory never read;
 * on the next call the piece's readahead flags are set back to those of
 * the VMA it was split from.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/compat.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/uaccess.h>

#include <linux/mapdev.h>

#include "compat.h"
#include "mapdev.h"

#define MAPDEV_VM_READAHEAD	(VM_RAND_READ | VM_SEQ_READ)

/* A VMA whose advice this is: private anonymous memory, mapdev's or not. */
static bool mapdev_advise_vma_ok(struct vm_area_struct *vma)
{
	if (vma->vm_flags & VM_SHARED)
		return false;
	return mapdev_anon_vma(vma) || vma_is_anonymous(vma);
}

/* As can_modify_mm_madv(): no discarding sealed read-only anonymous memory. */
static bool mapdev_advise_sealed(struct vm_area_struct *vma, int advice)
{
	return advice != MADV_KEEPONFORK &&
	       (vma->vm_flags & MAPDEV_VM_SEALED) &&
	       !(vma->vm_flags & VM_WRITE);
}

/*
 * Check every VMA of [start, end) as madvise(2) would, before any is
 * changed.  Return: 0, -ENOMEM if a part is unmapped (madvise(2) advises
 * the rest and then fails so), or an errno that refuses the whole call.
 */
static int mapdev_advise_check(struct mm_struct *mm, unsigned long start,
			       unsigned long end, int advice)
{
	struct vm_area_struct *vma;
	unsigned long addr = start;
	int ret = 0;

	for (vma = find_vma(mm, start); vma && vma->vm_start < end;
	     vma = find_vma(mm, vma->vm_end)) {
		if (vma->vm_start > addr)
			ret = -ENOMEM;
		addr = vma->vm_end;
		if (mapdev_advise_sealed(vma, advice))
			return -EPERM;
		if (!mapdev_advise_vma_ok(vma))
			return -EINVAL;
		if (advice == MADV_FREE &&
		    (vma->vm_flags & (VM_LOCKED | VM_PFNMAP | VM_HUGETLB)))
			return -EINVAL;
		if (advice == MADV_KEEPONFORK &&
		    (vma->vm_flags & MAPDEV_VM_DROPPABLE))
			return -EINVAL;
	}
	return addr < end ? -ENOMEM : ret;
}

/* MADV_FREE: free the copy-on-write pages now. */
static void mapdev_advise_free(struct mm_struct *mm, unsigned long start,
			       unsigned long end)
{
	struct vm_area_struct *vma;

	for (vma = find_vma(mm, start); vma && vma->vm_start < end;
	     vma = find_vma(mm, vma->vm_end)) {
		unsigned long from = max(start, vma->vm_start);

		mapdev_zap(vma, from, min(end, vma->vm_end) - from);
	}
}

/*
 * Two VMAs that were one before a split: the same file (or none) at
 * contiguous offsets, and flags that differ only in readahead.
 */
static bool mapdev_advise_were_one(struct vm_area_struct *lo,
				   struct vm_area_struct *hi)
{
	return lo->vm_end == hi->vm_start && lo->vm_file == hi->vm_file &&
	       lo->vm_pgoff + vma_pages(lo) == hi->vm_pgoff &&
	       !((lo->vm_flags ^ hi->vm_flags) & ~MAPDEV_VM_READAHEAD);
}

/*
 * The caller split [start, end) off a VMA with the readahead advice the
 * last call named: give it back its neighbour's readahead flags.  Whatever
 * else happened there meanwhile is left as it is.
 */
static void mapdev_advise_unsplit(struct mm_struct *mm, unsigned long start,
				  unsigned long end)
{
	struct vm_area_struct *vma = find_vma(mm, start);
	struct vm_area_struct *from = NULL, *next;

	if (!vma || vma->vm_start != start || vma->vm_end != end ||
	    !mapdev_advise_vma_ok(vma))
		return;
	if (start) {
		from = find_vma(mm, start - 1);
		if (from && !mapdev_advise_were_one(from, vma))
			from = NULL;
	}
	if (!from) {
		next = find_vma(mm, end);
		if (next && mapdev_advise_were_one(vma, next))
			from = next;
	}
	if (from)
		mapdev_vm_flags_mod(vma, from->vm_flags & MAPDEV_VM_READAHEAD,
				    ~from->vm_flags & MAPDEV_VM_READAHEAD);
}

/* madvise(2) advice that splits off [start, end) from @vma and no more. */
static void mapdev_advise_name_split(struct vm_area_struct *vma,
				     unsigned long start, unsigned long end,
				     struct mapdev_madvise *req)
{
	req->split_start = start;
	req->split_length = end - start;
	req->split_advice = (vma->vm_flags & VM_RAND_READ) ? MADV_SEQUENTIAL :
							       MADV_RANDOM;
}

/*
 * MADV_WIPEONFORK or MADV_KEEPONFORK on [start, end): -EAGAIN with a piece
 * to split off named in @req if a VMA whose flag must change straddles an
 * end of the range; else every VMA changed.
 */
static int mapdev_advise_fork(struct mm_struct *mm, unsigned long start,
			      unsigned long end, bool wipe,
			      struct mapdev_madvise *req)
{
	struct vm_area_struct *vma;

	for (vma = find_vma(mm, start); vma && vma->vm_start < end;
	     vma = find_vma(mm, vma->vm_end)) {
		if (!(vma->vm_flags & VM_WIPEONFORK) == !wipe)
			continue;
		if (vma->vm_start < start || vma->vm_end > end) {
			mapdev_advise_name_split(vma, max(start, vma->vm_start),
						 min(end, vma->vm_end), req);
			return -EAGAIN;
		}
	}
	for (vma = find_vma(mm, start); vma && vma->vm_start < end;
	     vma = find_vma(mm, vma->vm_end))
		mapdev_vm_flags_mod(vma, wipe ? VM_WIPEONFORK : VM_NONE,
				    wipe ? VM_NONE : VM_WIPEONFORK);
	return 0;
}

/*
 * The advice on [start, end), under the mmap lock: for reading to free
 * pages, as madvise(2) takes it; for writing to change VM flags.
 */
static int mapdev_advise(struct mm_struct *mm, unsigned long start,
			 unsigned long end, struct mapdev_madvise *req)
{
	bool write = req->advice != MADV_FREE;
	int ret, err;

	if (write ? mmap_write_lock_killable(mm) : mmap_read_lock_killable(mm))
		return -EINTR;
	if (write && req->split_length)
		mapdev_advise_unsplit(mm, req->split_start,
				      req->split_start + req->split_length);
	req->split_start = 0;
	req->split_length = 0;
	req->split_advice = 0;
	ret = mapdev_advise_check(mm, start, end, req->advice);
	if (ret && ret != -ENOMEM)
		goto out_unlock;
	if (!write) {
		mapdev_advise_free(mm, start, end);
		goto out_unlock;
	}
	err = mapdev_advise_fork(mm, start, end,
				 req->advice == MADV_WIPEONFORK, req);
	if (err)
		ret = err;
out_unlock:
	if (write)
		mmap_write_unlock(mm);
	else
		mmap_read_unlock(mm);
	return ret;
}

/**
 * mapdev_ioc_madvise() - MAPDEV_IOC_MADVISE
 * @file: an open of /dev/mapdev
 * @arg: a struct mapdev_madvise
 *
 * Context: process context; takes mmap_lock.
 * Return: 0 or a negative errno, as madvise(2) for the same call, or
 * -EAGAIN with a piece to split named in @arg.
 */
long mapdev_ioc_madvise(struct file *file, void __user *arg)
{
	struct mapdev_madvise __user *uarg = arg;
	struct mapdev_madvise req;
	unsigned long start, len, end;
	u32 usize;
	int err;

	if (get_user(usize, &uarg->size))
		return -EFAULT;
	if (usize < MAPDEV_MADVISE_SIZE_VER0)
		return -EINVAL;
	if (usize > PAGE_SIZE)
		return -E2BIG;
	err = copy_struct_from_user(&req, sizeof(req), uarg, usize);
	if (err)
		return err;
	if (req.flags)
		return -EINVAL;
	if (req.advice != MADV_FREE && req.advice != MADV_WIPEONFORK &&
	    req.advice != MADV_KEEPONFORK)
		return -EINVAL;
	if (in_compat_syscall() && (req.addr > U32_MAX || req.length > U32_MAX))
		return -EINVAL;
	/* As do_madvise(). */
	start = untagged_addr((unsigned long)req.addr);
	if (!PAGE_ALIGNED(start))
		return -EINVAL;
	len = PAGE_ALIGN((unsigned long)req.length);
	if (req.length && !len)
		return -EINVAL;
	end = start + len;
	if (end < start)
		return -EINVAL;
	if (end == start)
		return 0;

	err = mapdev_advise(current->mm, start, end, &req);
	/* The piece to split is the caller's to read: an out field. */
	if (copy_to_user(uarg, &req, min_t(size_t, usize, sizeof(req))))
		return -EFAULT;
	return err;
}
