// SPDX-License-Identifier: GPL-2.0
/*
 * Regular files mapped through mapdev.
 *
 * The file itself is mapped with vm_mmap(), so the core mm makes every
 * check native mmap(2) makes (open mode, append-only, noexec, seals,
 * limits, the security hooks) against the real file, and the VMA's
 * vm_file is the real file: rmap, truncation, writeback, msync and
 * /proc/PID/maps all see it.  Then, under the mmap write lock, the VMA's
 * vm_operations_struct is replaced by a copy whose ->fault is mapdev's: it
 * serves pages already uptodate in the file's page cache itself, and hands
 * what needs I/O, allocation or readahead to the filesystem's own ->fault;
 * it serves pages itself only where the filesystem's read faults skip its
 * ->fault for cached pages too (->map_pages is filemap_map_pages()), and
 * hands every fault to the filesystem elsewhere.  Every other operation is
 * the filesystem's, ->page_mkwrite above all (it allocates blocks and
 * updates times), plus ->open and ->close that count the VMAs using the
 * copy.
 *
 * MAP_LOCKED is the core's own (vm_mmap() checks RLIMIT_MEMLOCK and
 * accounts locked_vm under the mmap lock, and populates); MAP_POPULATE
 * without it is applied after the swap, so that the pages it faults in go
 * through mapdev's handler.
 *
 * Lifetimes: a copy lives while a VMA uses it, and while /dev/mapdev is
 * open (it is cached for the next mapping: making one costs an anchor
 * file, freeing it that file's release); the VMAs' vm_file pins the
 * filesystem (and the module that owns @orig), so @orig never outlives
 * it.  A cached copy no VMA uses may outlive @orig (a filesystem module
 * unloaded meanwhile), and another table may appear at @orig's address:
 * a copy is therefore reused only while *@orig is what it copied (@snap),
 * which gives exactly what a new copy would, and dropped otherwise.  Each
 * copy holds an anon-inode file of this module, its anchor: the anchor's
 * module reference keeps mapdev's code loaded while the copy exists, and
 * is dropped by __fput(), after the anchor's ->release has freed the copy,
 * so no mapdev code runs once it is gone.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/anon_inodes.h>
#include <linux/dcache.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/magic.h>
#include <linux/major.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/module.h>
#include <linux/mount.h>
#include <linux/mutex.h>
#include <linux/pagemap.h>
#include <linux/refcount.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/srcu.h>

#include "compat.h"
#include "mapdev.h"

#define MAPDEV_POPULATE_BATCH	16

/* mapdev's copy of one filesystem's vm_operations_struct. */
struct mapdev_wrap {
	struct vm_operations_struct ops;	/* *orig with mapdev's handlers */
	struct vm_operations_struct snap;	/* *orig when the copy was made */
	const struct vm_operations_struct *orig;
	struct list_head node;			/* in mapdev_wraps */
	refcount_t vmas;			/* VMAs using @ops, +1 if cached */
	struct file *anchor;			/* keeps this module loaded */
	bool direct;				/* serve cached pages here */
	bool cached;				/* mapdev_wraps_lock */
};

/*
 * Read side: the parts of mapdev's handlers that run when the VMA may be
 * gone (the filesystem's ->fault may drop the mmap lock; a copy's last
 * ->close may run its anchor's __fput() on another CPU).  mapdev_file_exit()
 * waits for them, so no handler is still running at unload.
 */
DEFINE_STATIC_SRCU(mapdev_file_srcu);

/* The copies in use, one per kind of file mapped. */
static LIST_HEAD(mapdev_wraps);
/*
 * Protects mapdev_wraps, mapdev_opens and the copies' cached flags, and a
 * copy's vmas reaching zero against a lookup finding the copy.  Taken
 * under mmap_lock.
 */
static DEFINE_MUTEX(mapdev_wraps_lock);
/* Opens of /dev/mapdev: while there are any, copies stay cached. */
static unsigned long mapdev_opens;

static struct mapdev_wrap *mapdev_wrap_of(struct vm_area_struct *vma)
{
	return container_of(vma->vm_ops, struct mapdev_wrap, ops);
}

static vm_fault_t mapdev_file_fault(struct vm_fault *vmf)
{
	struct mapdev_wrap *wrap = mapdev_wrap_of(vmf->vma);
	struct address_space *mapping = vmf->vma->vm_file->f_mapping;
	pgoff_t index = vmf->pgoff;
	struct folio *folio;
	vm_fault_t ret;
	int srcu;

	if (!wrap->direct)
		goto fs_fault;
	folio = mapdev_find_folio(mapping, index, false);
	if (!folio)
		goto fs_fault;
	/* Never wait here: the filesystem's fault knows how to wait. */
	if (!folio_trylock(folio)) {
		folio_put(folio);
		goto fs_fault;
	}
	/* Truncated, being read, asking for readahead, or poisoned. */
	if (unlikely(folio->mapping != mapping ||
		     !folio_test_uptodate(folio) ||
		     folio_test_readahead(folio) ||
		     folio_test_hwpoison(folio)))
		goto fs_fault_unlock;
	/* Checked under the folio lock, as filemap_fault() does. */
	if (unlikely(index >= DIV_ROUND_UP(i_size_read(mapping->host),
					   PAGE_SIZE))) {
		folio_unlock(folio);
		folio_put(folio);
		return VM_FAULT_SIGBUS;
	}
	vmf->page = folio_file_page(folio, index);
	mapdev_count(MAPDEV_STAT_FAULT_FILE);
	return VM_FAULT_LOCKED;

fs_fault_unlock:
	folio_unlock(folio);
	folio_put(folio);
fs_fault:
	mapdev_count(MAPDEV_STAT_FAULT_FILE_FS);
	/* The filesystem may drop the mmap lock: the VMA, @wrap may go. */
	srcu = srcu_read_lock(&mapdev_file_srcu);
	ret = wrap->orig->fault(vmf);
	srcu_read_unlock(&mapdev_file_srcu, srcu);
	return ret;
}

/*
 * Fault-around: the filesystem's own (filemap_map_pages() maps what is
 * cached and uptodate around a read fault, without ->fault), counted.
 * Runs under the VMA's lock, which it never drops.
 */
static vm_fault_t mapdev_file_map_pages(struct vm_fault *vmf, pgoff_t start,
					pgoff_t end)
{
	mapdev_count(MAPDEV_STAT_FAULT_FILE_AROUND);
	return mapdev_wrap_of(vmf->vma)->orig->map_pages(vmf, start, end);
}

static void mapdev_wrap_put(struct mapdev_wrap *wrap)
{
	/* mapdev_wraps_lock: no lookup takes the copy once it is unused. */
	if (!refcount_dec_and_mutex_lock(&wrap->vmas, &mapdev_wraps_lock))
		return;
	list_del(&wrap->node);
	mutex_unlock(&mapdev_wraps_lock);
	/* __fput() frees the copy, then drops the module reference. */
	fput(wrap->anchor);
}

/* A VMA copied (fork, split, mremap) uses the copy too. */
static void mapdev_file_vma_open(struct vm_area_struct *vma)
{
	struct mapdev_wrap *wrap = mapdev_wrap_of(vma);

	refcount_inc(&wrap->vmas);
	if (wrap->orig->open)
		wrap->orig->open(vma);
}

static void mapdev_file_vma_close(struct vm_area_struct *vma)
{
	struct mapdev_wrap *wrap = mapdev_wrap_of(vma);
	int srcu;

	/* The anchor's module reference may go before this returns. */
	srcu = srcu_read_lock(&mapdev_file_srcu);
	if (wrap->orig->close)
		wrap->orig->close(vma);
	mapdev_wrap_put(wrap);
	srcu_read_unlock(&mapdev_file_srcu, srcu);
}

static bool mapdev_vma_wrapped(struct vm_area_struct *vma)
{
	return vma->vm_ops && vma->vm_ops->fault == mapdev_file_fault;
}

static int mapdev_wrap_release(struct inode *inode, struct file *file)
{
	kfree(file->private_data);
	return 0;
}

static const struct file_operations mapdev_wrap_fops = {
	.owner		= THIS_MODULE,
	.release	= mapdev_wrap_release,
};

/*
 * The copy of @orig for one more VMA, made on first use; NULL if it cannot
 * be made (the VMA then stays the filesystem's).
 */
static struct mapdev_wrap *mapdev_wrap_get(const struct vm_operations_struct *orig)
{
	struct file *anchor, *stale = NULL;
	struct mapdev_wrap *wrap;

	/* mapdev_wraps_lock: the list of copies and their counts. */
	mutex_lock(&mapdev_wraps_lock);
	list_for_each_entry(wrap, &mapdev_wraps, node) {
		if (wrap->orig != orig)
			continue;
		if (!memcmp(&wrap->snap, orig, sizeof(*orig))) {
			refcount_inc(&wrap->vmas);
			goto out_cache;
		}
		/*
		 * Another table where the copied one was: the copy's module
		 * is gone, so no VMA uses the copy; only the cache holds it.
		 */
		if (WARN_ON_ONCE(!wrap->cached))
			break;
		wrap->cached = false;
		if (!WARN_ON_ONCE(!refcount_dec_and_test(&wrap->vmas))) {
			list_del(&wrap->node);
			stale = wrap->anchor;
		}
		break;
	}

	wrap = kzalloc(sizeof(*wrap), GFP_KERNEL);
	if (!wrap)
		goto out_unlock;
	/* Takes a module reference (fops_get()); owns @wrap from here. */
	anchor = anon_inode_getfile("[mapdev-vm-ops]", &mapdev_wrap_fops, wrap,
				    O_RDONLY);
	if (IS_ERR(anchor)) {
		kfree(wrap);
		wrap = NULL;
		goto out_unlock;
	}
	wrap->anchor = anchor;
	wrap->orig = orig;
	wrap->snap = *orig;
	wrap->ops = *orig;
	wrap->ops.fault = mapdev_file_fault;
	if (orig->map_pages)
		wrap->ops.map_pages = mapdev_file_map_pages;
	wrap->ops.open = mapdev_file_vma_open;
	wrap->ops.close = mapdev_file_vma_close;
	/* Where native read faults skip ->fault for cached pages too. */
	wrap->direct = orig->map_pages == filemap_map_pages;
	refcount_set(&wrap->vmas, 1);
	list_add(&wrap->node, &mapdev_wraps);
out_cache:
	/* The caller maps through an open of /dev/mapdev: keep the copy. */
	if (!wrap->cached && mapdev_opens) {
		wrap->cached = true;
		refcount_inc(&wrap->vmas);
	}
out_unlock:
	mutex_unlock(&mapdev_wraps_lock);
	/* __fput() frees the stale copy, then drops its module reference. */
	if (stale)
		fput(stale);
	return wrap;
}

/**
 * mapdev_file_opened() - /dev/mapdev was opened
 *
 * Context: process context, in the device's ->open.
 */
void mapdev_file_opened(void)
{
	/* mapdev_wraps_lock: mapdev_opens, read by mapdev_wrap_get(). */
	mutex_lock(&mapdev_wraps_lock);
	mapdev_opens++;
	mutex_unlock(&mapdev_wraps_lock);
}

/**
 * mapdev_file_closed() - an open of /dev/mapdev was released
 *
 * After the last, the cached copies no VMA uses are freed: their anchors'
 * __fput() runs after this returns and drops their module references.
 *
 * Context: process context, in the device's ->release.
 */
void mapdev_file_closed(void)
{
	struct mapdev_wrap *wrap, *next;
	LIST_HEAD(unused);

	/* mapdev_wraps_lock: mapdev_opens, the list and the cached flags. */
	mutex_lock(&mapdev_wraps_lock);
	if (!--mapdev_opens) {
		list_for_each_entry_safe(wrap, next, &mapdev_wraps, node) {
			if (!wrap->cached)
				continue;
			wrap->cached = false;
			if (refcount_dec_and_test(&wrap->vmas))
				list_move(&wrap->node, &unused);
		}
	}
	mutex_unlock(&mapdev_wraps_lock);
	list_for_each_entry_safe(wrap, next, &unused, node)
		fput(wrap->anchor);
}

/**
 * mapdev_file_exit() - wait for the handlers still returning
 *
 * No copy can be left: each holds a module reference.
 */
void mapdev_file_exit(void)
{
	synchronize_srcu(&mapdev_file_srcu);
	WARN_ON(!list_empty(&mapdev_wraps));
}

/**
 * mapdev_file_is_hugetlb() - is @file on hugetlbfs?
 * @file: any file
 *
 * Return: true for a hugetlbfs file.
 */
bool mapdev_file_is_hugetlb(struct file *file)
{
	return file_inode(file)->i_sb->s_magic == HUGETLBFS_MAGIC;
}

/*
 * Files whose page cache mapdev can serve.  Not: hugetlbfs (its faults
 * never reach ->fault), secretmem (the core recognises its mappings by
 * their vm_ops), DAX (no page cache), sysfs (a binary attribute's mmap is
 * its driver's: device memory).
 */
static bool mapdev_file_servable(struct file *file)
{
	struct inode *inode = file_inode(file);

	if (!S_ISREG(inode->i_mode) || IS_DAX(inode))
		return false;
	switch (inode->i_sb->s_magic) {
	case HUGETLBFS_MAGIC:
	case SECRETMEM_MAGIC:
	case SYSFS_MAGIC:
		return false;
	}
	return true;
}

static bool mapdev_vma_servable(struct vm_area_struct *vma)
{
	return vma->vm_ops && vma->vm_ops->fault &&
	       !(vma->vm_flags & (VM_PFNMAP | VM_MIXEDMAP | VM_IO | VM_HUGETLB));
}

/**
 * mapdev_file_checks() - do_mmap()'s checks of a file, in its order
 * @file: the file
 * @prot: PROT_* bits
 * @flags: MAP_* flags
 *
 * For a file mapdev maps without its own ->mmap (one it does not serve,
 * /dev/zero), so that a call native mmap(2) refuses gets the same errno.
 *
 * Return: 0 if native mmap(2) would go on to the file's ->mmap, or its
 * errno.
 */
int mapdev_file_checks(struct file *file, unsigned long prot,
		       unsigned long flags)
{
	switch (flags & MAP_TYPE) {
	case MAP_SHARED:
		flags &= LEGACY_MAP_MASK;
		fallthrough;
	case MAP_SHARED_VALIDATE:
		if (flags & ~LEGACY_MAP_MASK)
			return -EOPNOTSUPP;
		if ((prot & PROT_WRITE) && !(file->f_mode & FMODE_WRITE))
			return -EACCES;
		if (IS_APPEND(file_inode(file)) && (file->f_mode & FMODE_WRITE))
			return -EACCES;
		fallthrough;
	case MAP_PRIVATE:
		if (!(file->f_mode & FMODE_READ))
			return -EACCES;
		if ((prot & PROT_EXEC) && mapdev_path_noexec(&file->f_path))
			return -EPERM;
		if (!mapdev_file_can_mmap(file))
			return -ENODEV;
		if (flags & MAP_GROWSDOWN)
			return -EINVAL;
		return 0;
	default:
		return -EINVAL;
	}
}

/**
 * mapdev_file_is_zero() - is @file /dev/zero?
 * @file: any file
 *
 * Known by its device number, whatever its path.
 *
 * Return: true for an open of the memory device zero (1, 5).
 */
bool mapdev_file_is_zero(struct file *file)
{
	struct inode *inode = file_inode(file);

	return S_ISCHR(inode->i_mode) && inode->i_rdev == MKDEV(MEM_MAJOR, 5);
}

/*
 * Is @vma a mapping of @file?  A stacking filesystem (overlayfs) puts the
 * file it stacks on in vm_file.
 */
static bool mapdev_vma_maps(struct vm_area_struct *vma, struct file *file)
{
	return vma->vm_file == file ||
	       (vma->vm_file &&
		file_inode(vma->vm_file) == d_real_inode(file->f_path.dentry));
}

/*
 * Hand the new mapping's VMAs to mapdev's handlers.  Another thread may
 * have unmapped or replaced part of the range meanwhile: only mappings of
 * @file are touched, and whatever they are, they are mappings of @file.
 * A VMA mapdev cannot serve (the filesystem made it a PFN or I/O mapping),
 * or whose copy of vm_ops cannot be allocated, stays the filesystem's:
 * nothing is undone, so nothing another thread mapped meanwhile is.
 */
static void mapdev_file_wrap(struct file *file, unsigned long start,
			     unsigned long len)
{
	unsigned long end = start + PAGE_ALIGN(len);
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma;

	/* mmap_lock for writing: the VMAs and their vm_ops. */
	mmap_write_lock(mm);
	for (vma = find_vma(mm, start); vma && vma->vm_start < end;
	     vma = find_vma(mm, vma->vm_end)) {
		struct mapdev_wrap *wrap = NULL;

		if (!mapdev_vma_maps(vma, file) || mapdev_vma_wrapped(vma))
			continue;
		if (mapdev_vma_servable(vma))
			wrap = mapdev_wrap_get(vma->vm_ops);
		if (!wrap) {
			mapdev_count(MAPDEV_STAT_FILE_NATIVE);
			continue;
		}
		/* Wait for faults running under the per-VMA lock. */
		mapdev_vma_start_write(vma);
		vma->vm_ops = &wrap->ops;
	}
	mmap_write_unlock(mm);
}

/*
 * Fault in [start, start + len) as mm_populate() does: writable private
 * mappings with FOLL_WRITE (breaking copy-on-write), errors ignored, a VMA
 * that fails skipped.
 */
static void mapdev_populate(unsigned long start, unsigned long len)
{
	unsigned long addr = start, end = start + PAGE_ALIGN(len);
	struct page *pages[MAPDEV_POPULATE_BATCH];
	struct mm_struct *mm = current->mm;

	/* mmap_lock for reading: find_vma() and get_user_pages() need it. */
	mmap_read_lock(mm);
	while (addr < end) {
		struct vm_area_struct *vma = find_vma(mm, addr);
		unsigned int gup_flags = 0;
		unsigned long vend, nr;
		long got;

		if (!vma || vma->vm_start >= end)
			break;
		addr = max(addr, vma->vm_start);
		vend = min(end, vma->vm_end);
		if (!vma_is_accessible(vma)) {
			addr = vend;
			continue;
		}
		if ((vma->vm_flags & (VM_WRITE | VM_SHARED)) == VM_WRITE)
			gup_flags |= FOLL_WRITE;
		nr = min_t(unsigned long, (vend - addr) >> PAGE_SHIFT,
			   ARRAY_SIZE(pages));
		got = mapdev_gup(addr, nr, gup_flags, pages);
		if (got <= 0) {
			addr = vend;
			continue;
		}
		release_pages(pages, got);
		addr += got << PAGE_SHIFT;
		if (fatal_signal_pending(current))
			break;
		cond_resched();
	}
	mmap_read_unlock(mm);
}

/**
 * mapdev_file_mmap() - map a file that is not a mapdev object
 * @file: the file
 * @addr: the hint, or the address with MAP_FIXED
 * @len: the length, non-zero
 * @prot: PROT_* bits
 * @flags: MAP_* flags
 * @pgoff: the offset in pages, within what vm_mmap() takes
 *
 * Context: process context; takes mmap_lock.
 * Return: the address of the new mapping, or a negative errno.
 */
unsigned long mapdev_file_mmap(struct file *file, unsigned long addr,
			       unsigned long len, unsigned long prot,
			       unsigned long flags, u64 pgoff)
{
	/* MAP_LOCKED populates inside vm_mmap(), before the swap. */
	bool populate = !(flags & MAP_LOCKED) &&
		(flags & (MAP_POPULATE | MAP_NONBLOCK)) == MAP_POPULATE;
	unsigned long ret;

	/* One native mmap(2) would map is not mapdev's: ENODEV. */
	if (!mapdev_file_servable(file))
		return mapdev_file_checks(file, prot, flags) ?: -ENODEV;

	ret = vm_mmap(file, addr, len, prot, flags & ~MAP_POPULATE,
		      pgoff << PAGE_SHIFT);
	if (IS_ERR_VALUE(ret))
		return ret;
	mapdev_file_wrap(file, ret, len);
	if (populate)
		mapdev_populate(ret, len);
	return ret;
}
