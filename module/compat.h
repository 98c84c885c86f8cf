/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Bridges between the kernel APIs mapdev is built against (Debian's 6.1 and
 * 6.12).  Each branch names the release and the upstream change it bridges;
 * nothing else in the module tests a kernel version.
 */
#ifndef MAPDEV_COMPAT_H
#define MAPDEV_COMPAT_H

#include <linux/version.h>
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
	/* 6.3: 66dabbb65d67 ("mm: return an ERR_PTR from __filemap_get_folio") */
	if (IS_ERR(folio))
		return NULL;
#endif
	return folio;
}

#endif /* MAPDEV_COMPAT_H */
