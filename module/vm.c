// SPDX-License-Identifier: GPL-2.0
/*
 * Mapping objects: mmap and mapdev's vm_operations_struct.
 *
 * Shared mappings map the object's own pages.  For private mappings the
 * core mm copies on write (do_cow_fault(), wp_page_copy()) from the page
 * this fault handler returns, so a private mapping's writes never reach the
 * object.  Fault-around (->map_pages) maps the pages already present
 * around a read fault.
 *
 * There is no ->page_mkwrite: objects are never written back, so shared
 * mappings need no write notification, and without one a write after a
 * read fault costs no second fault.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/pagemap.h>

#include "compat.h"
#include "mapdev.h"

/* Is @index wholly past the end of the object? */
static bool mapdev_past_eof(struct inode *inode, pgoff_t index)
{
	return index >= DIV_ROUND_UP(i_size_read(inode), PAGE_SIZE);
}

/*
 * A private mapping's write fault on a hole.  do_cow_fault() copies the
 * page returned here into vmf->cow_page, the page the mapping will own.
 * A hole reads as zeros, so the page returned is cow_page itself, zeroed:
 * nothing is allocated in the object and the copy is of the page onto
 * itself.  (VM_FAULT_DONE_COW would skip the copy, but the PTE would then
 * have to be installed here, and finish_fault() is not exported.)
 *
 * Only for objects whose size never shrinks (anonymous memory): no page of
 * the object is locked here, so a shrink of the object would not wait for
 * finish_fault() to install the copy, and could leave it mapped past the
 * new end.  Other objects' holes get a page of their own, as shmem does.
 */
static vm_fault_t mapdev_fault_cow_hole(struct vm_fault *vmf)
{
	struct page *page = vmf->cow_page;

	/* With init_on_alloc the page allocator has zeroed it already. */
	if (!want_init_on_alloc(GFP_HIGHUSER_MOVABLE))
		clear_user_highpage(page, vmf->address);
	/* do_cow_fault() unlocks and puts vmf->page after the copy. */
	get_page(page);
	lock_page(page);
	vmf->page = page;
	mapdev_count(MAPDEV_STAT_FAULT_COW_HOLE);
	return VM_FAULT_LOCKED;
}

/*
 * May this fault add a huge folio?  Not for a copy-on-write fault, which
 * reads one page of it, nor in a mapping or process that asked for none
 * (MADV_NOHUGEPAGE, PR_SET_THP_DISABLE), as shmem decides.  Where the
 * VMA allows, the core maps a huge folio with a PMD (finish_fault(),
 * filemap_map_pages()): the mapping's start and offset agree modulo
 * 2 MiB and the VMA holds the whole aligned range
 * (thp_vma_suitable_order()).  An object's folio
 * serves every mapping of it, so it is huge wherever the object allows;
 * the zero pages of a process's private anonymous object serve the read
 * faults of one mapping, so they are huge only where this VMA maps them
 * with a PMD: a 2 MiB folio for a read fault, as a native read fault in
 * such a range maps the huge zero page.
 */
static bool mapdev_fault_huge(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	unsigned long start = vmf->address & PMD_MASK;

	if (vmf->cow_page || mapdev_vma_thp_disabled(vma))
		return false;
	if (mapping_unevictable(vma->vm_file->f_mapping))
		return true;
	return start >= vma->vm_start && start + PMD_SIZE <= vma->vm_end &&
	       IS_ALIGNED((vma->vm_start >> PAGE_SHIFT) - vma->vm_pgoff,
			  PMD_SIZE >> PAGE_SHIFT);
}

static vm_fault_t mapdev_fault(struct vm_fault *vmf)
{
	struct address_space *mapping = vmf->vma->vm_file->f_mapping;
	struct inode *inode = mapping->host;
	pgoff_t index = vmf->pgoff;
	struct folio *folio;

retry:
	if (mapdev_past_eof(inode, index))
		return VM_FAULT_SIGBUS;

	folio = mapdev_find_folio(mapping, index, true);
	if (!folio && vmf->cow_page && mapdev_object_fixed_size(inode))
		return mapdev_fault_cow_hole(vmf);
	if (!folio) {
		/* Shared invalidate_lock: no shrink past @index meanwhile. */
		filemap_invalidate_lock_shared(mapping);
		/* The size may have shrunk since it was checked above. */
		folio = NULL;
		if (!mapdev_past_eof(inode, index))
			folio = mapdev_object_folio(mapping, index,
						    mapdev_fault_huge(vmf));
		filemap_invalidate_unlock_shared(mapping);
		if (!folio)
			return VM_FAULT_SIGBUS;
		/* -ENOSPC past max_pages: SIGBUS, as on a full tmpfs. */
		if (IS_ERR(folio))
			return vmf_error(PTR_ERR(folio));
	}

	/* Truncated between the lookup and the lock: look again. */
	if (unlikely(folio->mapping != mapping)) {
		folio_unlock(folio);
		folio_put(folio);
		goto retry;
	}
	/*
	 * A shrink sets i_size before it removes pages, and removes them
	 * under the folio lock: checking here, under that lock, means the
	 * page is either refused or unmapped again by the shrink.
	 */
	if (unlikely(mapdev_past_eof(inode, index))) {
		folio_unlock(folio);
		folio_put(folio);
		return VM_FAULT_SIGBUS;
	}
	/* A memory error: SIGBUS (BUS_MCEERR_AR), as shmem_fault() answers. */
	if (unlikely(mapdev_page_poisoned(folio, index))) {
		folio_unlock(folio);
		folio_put(folio);
		return VM_FAULT_HWPOISON;
	}

	vmf->page = folio_file_page(folio, index);
	mapdev_count(MAPDEV_STAT_FAULT);
	return VM_FAULT_LOCKED;
}

static const struct vm_operations_struct mapdev_vm_ops = {
	.fault		= mapdev_fault,
	.map_pages	= filemap_map_pages,
};

/**
 * mapdev_mmap() - mmap file operation for objects
 * @file: a file referring to an object
 * @vma: the new mapping; the core mm has already checked it against
 *	@file's open mode, its mount and the security hooks
 *
 * Context: mmap_lock held for writing.
 * Return: 0.
 */
int mapdev_mmap(struct file *file, struct vm_area_struct *vma)
{
	vma->vm_ops = &mapdev_vm_ops;
	return 0;
}
