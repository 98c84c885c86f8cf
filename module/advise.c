// SPDX-License-Identifier: GPL-2.0
/*
 * MAPDEV_IOC_MADVISE: the madvise(2) advice the core keeps for anonymous
 * VMAs (madvise_vma_behavior(), madvise_free_single_vma(): a VMA with a
 * file gets EINVAL), given to mapdev's private anonymous memory, which is
 * a file VMA.  Native VMAs in the range get it as madvise(2) would give
 * it, under madvise(2)'s rules, so that a range spanning both kinds gets
 * it whole.
 *
 * MADV_FREE: the range's copy-on-write pages are freed at once, which is
 * one of the outcomes MADV_FREE allows (a page not written again reads as
 * its old contents or as zeros).  The core's lazy freeing marks pages of
 * anonymous VMAs only.  A native VMA registered with userfaultfd is left
 * as it is (also an outcome MADV_FREE allows): its monitor would expect
 * the UFFD_EVENT_REMOVE that only madvise(2) sends.
 *
 * MADV_WIPEONFORK, MADV_KEEPONFORK: VM_WIPEONFORK, which dup_mmap() honours
 * for any VMA: the child's VMA gets no pages, and faults in the private
 * object's zero pages.  A module cannot split a VMA, so where the range
 * starts or ends inside a VMA whose flag must change, the ioctl changes
 * nothing, fails with EAGAIN and names a piece, and the caller splits it
 * off with madvise(2) readahead advice, calls again, and at the end gives
 * the piece its readahead advice back (the answer names it).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/compat.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/uaccess.h>
#include <linux/userfaultfd_k.h>

#include <asm/mmu_context.h>

#include <linux/mapdev.h>

#include "compat.h"
#include "mapdev.h"

/* What is_ro_anon() calls anonymous: no file (mapdev's have one), private. */
static bool mapdev_advise_anon(struct vm_area_struct *vma)
{
	return mapdev_anon_vma(vma) ||
	       (!vma->vm_file && !(vma->vm_flags & VM_SHARED));
}

/* As can_modify_mm_madv(): no discarding sealed read-only anonymous memory. */
static bool mapdev_advise_sealed(struct vm_area_struct *vma)
{
	return (vma->vm_flags & MAPDEV_VM_SEALED) && mapdev_advise_anon(vma) &&
	       (!(vma->vm_flags & VM_WRITE) ||
		!arch_vma_access_permitted(vma, true, false, false));
}

/* madvise(2)'s answer for @advice on @vma, with mapdev's VMAs anonymous. */
static int mapdev_advise_vma_errno(struct vm_area_struct *vma, int advice)
{
	switch (advice) {
	case MADV_FREE:
		/* madvise_dontneed_free_valid_vma(), then anonymous only. */
		if (vma->vm_flags & (VM_LOCKED | VM_PFNMAP | VM_HUGETLB))
			return -EINVAL;
		return mapdev_anon_vma(vma) || vma_is_anonymous(vma) ?
		       0 : -EINVAL;
	case MADV_WIPEONFORK:
		return mapdev_advise_anon(vma) ? 0 : -EINVAL;
	default:	/* MADV_KEEPONFORK */
		return vma->vm_flags & MAPDEV_VM_DROPPABLE ? -EINVAL : 0;
	}
}

/*
 * Check every VMA of [start, end) as madvise(2) would, before any is
 * changed: sealed memory first (EPERM), as madvise(2) checks the whole
 * range for it first, then each VMA.  Return: 0, -ENOMEM if a part is
 * unmapped (madvise(2) advises the rest and then fails so), or an errno
 * that refuses the whole call.
 */
static int mapdev_advise_check(struct mm_struct *mm, unsigned long start,
			       unsigned long end, int advice)
{
	struct vm_area_struct *vma;
	unsigned long addr = start;
	int err;

	if (advice != MADV_KEEPONFORK)
		for (vma = find_vma(mm, start); vma && vma->vm_start < end;
		     vma = find_vma(mm, vma->vm_end))
			if (mapdev_advise_sealed(vma))
				return -EPERM;
	for (vma = find_vma(mm, start); vma && vma->vm_start < end;
	     vma = find_vma(mm, vma->vm_end)) {
		err = mapdev_advise_vma_errno(vma, advice);
		if (err)
			return err;
	}
	err = 0;
	for (vma = find_vma(mm, start); vma && vma->vm_start < end;
	     vma = find_vma(mm, vma->vm_end)) {
		if (vma->vm_start > addr)
			err = -ENOMEM;
		addr = vma->vm_end;
	}
	return addr < end ? -ENOMEM : err;
}

/* MADV_FREE: free the copy-on-write pages now. */
static void mapdev_advise_free(struct mm_struct *mm, unsigned long start,
			       unsigned long end)
{
	struct vm_area_struct *vma;

	for (vma = find_vma(mm, start); vma && vma->vm_start < end;
	     vma = find_vma(mm, vma->vm_end)) {
		unsigned long from = max(start, vma->vm_start);

		if (userfaultfd_armed(vma))
			continue;
		mapdev_zap(vma, from, min(end, vma->vm_end) - from);
	}
}

/* The madvise(2) advice that gives @vma the readahead flags it has. */
static int mapdev_advise_readahead(struct vm_area_struct *vma)
{
	if (vma->vm_flags & VM_RAND_READ)
		return MADV_RANDOM;
	if (vma->vm_flags & VM_SEQ_READ)
		return MADV_SEQUENTIAL;
	return MADV_NORMAL;
}

/*
 * MADV_WIPEONFORK or MADV_KEEPONFORK on [start, end): -EAGAIN with a piece
 * to split off named in @req if a VMA whose flag must change straddles an
 * end of the range (nothing changed then); else every VMA changed.
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
			req->split_start = max(start, vma->vm_start);
			req->split_length = min(end, vma->vm_end) -
					    req->split_start;
			req->restore_advice = mapdev_advise_readahead(vma);
			req->split_advice = req->restore_advice == MADV_RANDOM ?
					    MADV_SEQUENTIAL : MADV_RANDOM;
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
 * The advice on [start, end), under the mmap lock as madvise(2) takes it:
 * for reading to free pages; for writing to change VM flags.
 */
static int mapdev_advise(struct mm_struct *mm, unsigned long start,
			 unsigned long end, struct mapdev_madvise *req)
{
	int ret, err;

	if (req->advice == MADV_FREE) {
		mmap_read_lock(mm);
		ret = mapdev_advise_check(mm, start, end, req->advice);
		if (!ret || ret == -ENOMEM)
			mapdev_advise_free(mm, start, end);
		mmap_read_unlock(mm);
		return ret;
	}
	if (mmap_write_lock_killable(mm))
		return -EINTR;
	ret = mapdev_advise_check(mm, start, end, req->advice);
	if (!ret || ret == -ENOMEM) {
		err = mapdev_advise_fork(mm, start, end,
					 req->advice == MADV_WIPEONFORK, req);
		if (err)
			ret = err;
	}
	mmap_write_unlock(mm);
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

	err = mapdev_copy_request(&req, sizeof(req), uarg,
				  MAPDEV_MADVISE_SIZE_VER0, &usize);
	if (err)
		return err;
	if (req.flags || req.__reserved)
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
	/* The piece to split: out fields, only with EAGAIN (nothing done). */
	if (err == -EAGAIN &&
	    copy_to_user(uarg, &req, min_t(size_t, usize, sizeof(req))))
		return -EFAULT;
	return err;
}
