/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Bridges between the kernel APIs mapdev is built against (Debian's 6.1,
 * 6.12 and newest, 7.3).  Each branch names the release and the upstream
 * change it bridges; nothing else in the module tests a kernel version.
 */
#ifndef MAPDEV_COMPAT_H
#define MAPDEV_COMPAT_H

#include <linux/version.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/pagemap.h>

/**
 * mapdev_find_folio() - look up the page-cache folio at @index
 * @mapping: the address_space to search
 * @index: the page index
 * @lock: return the folio locked
 *
 * Context: may sleep when @lock is true.
 * Return: the folio with a reference held, or NULL if there is none.
 */
static inline struct folio *mapdev_find_folio(struct address_space *mapping,
					      pgoff_t index, bool lock)
{
	struct folio *folio;

	folio = lock ? filemap_lock_folio(mapping, index) :
		       filemap_get_folio(mapping, index);
#if KERNEL_VERSION(6, 3, 0) <= LINUX_VERSION_CODE
	/* 6.3: "mm: return an ERR_PTR from __filemap_get_folio" */
	if (IS_ERR(folio))
		return NULL;
#endif
	return folio;
}

#if KERNEL_VERSION(6, 3, 0) <= LINUX_VERSION_CODE
/* 6.3: "mm: introduce vma->vm_flags wrapper functions" */
#define mapdev_vm_flags_set(vma, flags)	vm_flags_set(vma, flags)
#define mapdev_vm_flags_mod(vma, set, clear)	vm_flags_mod(vma, set, clear)
#else
static inline void mapdev_vm_flags_set(struct vm_area_struct *vma,
				       vm_flags_t flags)
{
	vma->vm_flags |= flags;
}

static inline void mapdev_vm_flags_mod(struct vm_area_struct *vma,
				       vm_flags_t set, vm_flags_t clear)
{
	vma->vm_flags = (vma->vm_flags | set) & ~clear;
}
#endif

#if KERNEL_VERSION(6, 4, 0) <= LINUX_VERSION_CODE
/* 6.4: per-VMA locks ("mm: add per-VMA lock and helper functions to control it") */
#define mapdev_vma_start_write(vma)	vma_start_write(vma)
#else
static inline void mapdev_vma_start_write(struct vm_area_struct *vma)
{
}
#endif

/**
 * mapdev_gup() - get_user_pages() on the current mm
 * @start: first address
 * @nr_pages: number of pages
 * @gup_flags: FOLL_* flags
 * @pages: where the pages go; the caller puts them
 *
 * Context: mmap_lock held for reading.
 * Return: the number of pages got, or a negative errno.
 */
static inline long mapdev_gup(unsigned long start, unsigned long nr_pages,
			      unsigned int gup_flags, struct page **pages)
{
#if KERNEL_VERSION(6, 5, 0) <= LINUX_VERSION_CODE
	/* 6.5: "mm/gup: remove unused vmas parameter from get_user_pages()" */
	return get_user_pages(start, nr_pages, gup_flags, pages);
#else
	return get_user_pages(start, nr_pages, gup_flags, pages, NULL);
#endif
}

/* Has @file a way to be mapped?  As do_mmap()'s ENODEV check. */
static inline bool mapdev_file_can_mmap(struct file *file)
{
#if KERNEL_VERSION(6, 16, 0) <= LINUX_VERSION_CODE
	/* 6.16: "mm: introduce new .mmap_prepare() file callback" */
	return file->f_op->mmap || file->f_op->mmap_prepare;
#else
	return file->f_op->mmap;
#endif
}

/**
 * mapdev_get_unmapped_area() - find room for a mapping in the current mm
 * @file: the file mapped, or NULL for private anonymous memory
 * @addr: the hint
 * @len: the length
 * @pgoff: the offset in pages in @file
 * @flags: MAP_* flags
 *
 * The search __get_unmapped_area() makes for a file without its own
 * get_unmapped_area, or for private anonymous memory, so the result is
 * where mmap(2) would put the mapping.
 *
 * Context: mmap_lock held.
 * Return: the address, or a negative errno.
 */
static inline unsigned long mapdev_get_unmapped_area(struct file *file,
						     unsigned long addr,
						     unsigned long len,
						     unsigned long pgoff,
						     unsigned long flags)
{
#if KERNEL_VERSION(6, 12, 0) <= LINUX_VERSION_CODE && \
	defined(CONFIG_TRANSPARENT_HUGEPAGE)
	/*
	 * 6.7: "mm: align larger anonymous mappings on THP boundaries", for
	 * lengths that are multiples of PMD_SIZE and without a hint in 6.12.y
	 * ("mm, mmap: limit THP alignment of anonymous mappings to
	 * PMD-aligned sizes", "mm: Respect mmap hint address when aligning
	 * for THP"); 32-bit tasks fall back (__thp_get_unmapped_area()).
	 */
	if (!file && !addr && IS_ALIGNED(len, PMD_SIZE))
		return thp_get_unmapped_area(NULL, addr, len, 0, flags);
#endif
	if (!file)
		pgoff = 0;
#if KERNEL_VERSION(6, 19, 0) <= LINUX_VERSION_CODE
	/* 6.19: "mm: Consistently use current->mm in mm_get_unmapped_area()" */
	return mm_get_unmapped_area(file, addr, len, pgoff, flags);
#elif KERNEL_VERSION(6, 10, 0) <= LINUX_VERSION_CODE
	/* 6.10: mm_get_unmapped_area() replaced the export of get_unmapped_area() */
	return mm_get_unmapped_area(current->mm, file, addr, len, pgoff, flags);
#else
	return get_unmapped_area(file, addr, len, pgoff, flags);
#endif
}

/**
 * mapdev_vma_thp_disabled() - may @vma not have huge folios?
 * @vma: the VMA faulting
 *
 * As the core and shmem ask: the mapping's MADV_NOHUGEPAGE, the process's
 * prctl(PR_SET_THP_DISABLE) (since 6.18 also its form that allows what
 * MADV_HUGEPAGE asks for).  Not thp_disabled_by_hw(): it reads
 * transparent_hugepage_flags, which is not exported to modules.
 *
 * Return: true where huge folios are off.
 */
static inline bool mapdev_vma_thp_disabled(struct vm_area_struct *vma)
{
#ifndef CONFIG_TRANSPARENT_HUGEPAGE
	return true;
#elif defined(MMF_DISABLE_THP_COMPLETELY)
	/* 6.18: "prctl: extend PR_SET_THP_DISABLE to optionally exclude VM_HUGEPAGE" */
	return vma_thp_disabled(vma, vma->vm_flags, false);
#elif KERNEL_VERSION(6, 12, 0) <= LINUX_VERSION_CODE
	/* 6.12: "mm: don't install PMD mappings when THPs are disabled by the hw/process/vma" */
	return vma_thp_disabled(vma, vma->vm_flags);
#else
	return (vma->vm_flags & VM_NOHUGEPAGE) ||
	       test_bit(MMF_DISABLE_THP, &vma->vm_mm->flags);
#endif
}

/**
 * mapdev_zap() - unmap the pages of [@addr, @addr + @size) in @vma
 * @vma: the VMA
 * @addr: the first address, in @vma
 * @size: the length, within @vma
 *
 * What MADV_DONTNEED does to one VMA: copy-on-write pages are freed, file
 * pages only unmapped.
 *
 * Context: mmap_lock held.
 */
static inline void mapdev_zap(struct vm_area_struct *vma, unsigned long addr,
			      unsigned long size)
{
#if KERNEL_VERSION(7, 0, 0) <= LINUX_VERSION_CODE
	/* 7.x: zap_page_range_single() became zap_vma_range() (7.3 has only it) */
	zap_vma_range(vma, addr, size);
#elif KERNEL_VERSION(6, 3, 0) <= LINUX_VERSION_CODE
	/* 6.3: "mm: remove zap_page_range and create zap_vma_pages" */
	zap_page_range_single(vma, addr, size, NULL);
#else
	zap_page_range(vma, addr, size);
#endif
}

/* 6.10: mseal(2), "mseal: add mseal syscall" (64-bit only) */
#ifdef VM_SEALED
#define MAPDEV_VM_SEALED	VM_SEALED
#else
#define MAPDEV_VM_SEALED	VM_NONE
#endif

/* 6.11: MAP_DROPPABLE, "mm: add MAP_DROPPABLE for designating always-droppable memory" */
#if defined(VM_DROPPABLE) && defined(MAP_DROPPABLE)
#define MAPDEV_VM_DROPPABLE	VM_DROPPABLE
#define MAPDEV_MAP_DROPPABLE	MAP_DROPPABLE
#else
#define MAPDEV_VM_DROPPABLE	VM_NONE
#define MAPDEV_MAP_DROPPABLE	0
#endif

/*
 * The address_space operation memory_failure() calls on a page-cache
 * folio: 6.8, "fs: convert error_remove_page to error_remove_folio".
 * mapdev's hook takes a struct mapdev_error_remove_arg *, which is the
 * folio or the page.
 */
#if KERNEL_VERSION(6, 8, 0) <= LINUX_VERSION_CODE
#define mapdev_error_remove_arg		folio
#define MAPDEV_AOPS_ERROR_REMOVE(fn)	.error_remove_folio = (fn)
#else
#define mapdev_error_remove_arg		page
#define MAPDEV_AOPS_ERROR_REMOVE(fn)	.error_remove_page = (fn)
#endif

#endif /* MAPDEV_COMPAT_H */
