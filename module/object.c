// SPDX-License-Identifier: GPL-2.0
/*
 * mapdev objects: memory that behaves like a small regular file.
 *
 * Each object is an inode of a private pseudo filesystem, as
 * mm/secretmem.c keeps its memory.  Pages live in the inode's page cache,
 * are zeroed when allocated, are charged to the memory cgroup of the task
 * that first touches them (filemap_add_folio() charges them), and are
 * unevictable: nothing writes them back, so reclaim must not drop them.
 * Because they are, all objects together may hold at most max_pages pages
 * (by default half of RAM, as a tmpfs mount): past it write(2) fails with
 * ENOSPC and a fault raises SIGBUS, as on a full tmpfs.
 *
 * Module lifetime: the filesystem type is owned by this module, so its
 * superblock holds a module reference that core code drops (in
 * deactivate_super()) after the last inode is evicted.  The mount exists
 * while any object does: each object pins it (simple_pin_fs()) from its
 * creation until mapdev_object_put(), or, for an object handed to a file,
 * until that file's ->release (mapdev_object_file_release()); the file
 * holds the mount too (alloc_file_pseudo()), and __fput() drops that
 * reference after dput() evicted the object.  So there is one superblock
 * while objects exist, and no mapdev code runs after the reference that
 * keeps it loaded is gone.
 *
 * Locking, outermost first, as for a regular file:
 *   inode->i_rwsem (inode_lock)  serialises write(2) and size changes;
 *   mmap_lock                    taken by faults, also inside write(2) when
 *                                the user buffer faults;
 *   mapping->invalidate_lock     held shared while a fault adds a page and
 *                                exclusive while the size shrinks, so no
 *                                page is added past a new end of file;
 *   folio lock                   a fault checks i_size under it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/fs.h>
#include <linux/fs_context.h>
#include <linux/module.h>
#include <linux/mount.h>
#include <linux/pagemap.h>
#include <linux/pseudo_fs.h>
#include <linux/sched/signal.h>
#include <linux/uio.h>

#include "compat.h"
#include "mapdev.h"

#define MAPDEV_FS_MAGIC		0x6d617064	/* "mapd" */

/* The internal mount, while pinned (simple_pin_fs()); NULL otherwise. */
static struct vfsmount *mapdev_mnt;
static int mapdev_mnt_count;
/* Serialises pinning, so that a new superblock's flags are set once, first. */
static DEFINE_MUTEX(mapdev_mnt_lock);

/* Pages in objects' page caches, and live objects; shown in sysfs. */
static atomic_long_t mapdev_pages = ATOMIC_LONG_INIT(0);
static atomic_long_t mapdev_objects = ATOMIC_LONG_INIT(0);
/* Of mapdev_pages, those of unevictable objects: bounded by max_pages. */
static atomic_long_t mapdev_pinned = ATOMIC_LONG_INIT(0);

/**
 * mapdev_nr_pages() - number of pages held by all objects
 *
 * Return: the number of pages now in objects' page caches.
 */
long mapdev_nr_pages(void)
{
	return atomic_long_read(&mapdev_pages);
}

/**
 * mapdev_nr_objects() - number of live objects
 *
 * Return: the number of object inodes not yet evicted.
 */
long mapdev_nr_objects(void)
{
	return atomic_long_read(&mapdev_objects);
}

/**
 * mapdev_nr_pinned() - number of unevictable pages held by all objects
 *
 * Return: the pages that count against the max_pages module parameter.
 */
long mapdev_nr_pinned(void)
{
	return atomic_long_read(&mapdev_pinned);
}

/* Would @pinned pages exceed max_pages?  Unsigned: any value is a limit. */
static bool mapdev_pinned_over(long pinned)
{
	return (unsigned long)pinned > READ_ONCE(mapdev_max_pages);
}

/* Reserve @nr pages under max_pages; -ENOSPC past it, as a full tmpfs. */
static int mapdev_pinned_charge(long nr)
{
	if (mapdev_pinned_over(atomic_long_add_return(nr, &mapdev_pinned))) {
		atomic_long_sub(nr, &mapdev_pinned);
		return -ENOSPC;
	}
	return 0;
}

static void mapdev_free_folio(struct folio *folio)
{
	atomic_long_sub(folio_nr_pages(folio), &mapdev_pages);
}

static void mapdev_free_pinned_folio(struct folio *folio)
{
	atomic_long_sub(folio_nr_pages(folio), &mapdev_pinned);
	mapdev_free_folio(folio);
}

/*
 * A memory error in an unevictable object's page: keep the page in the
 * cache, as shmem does, so that read(2), write(2) and faults at its offset
 * fail (EIO, SIGBUS) instead of reading zeros where the data was.  The
 * object gives it back, poisoned, to the page allocator when it is
 * truncated or evicted.  memory_failure() expects that extra reference
 * from shmem only, and reports the page as not recovered; it is isolated
 * all the same.
 */
static int mapdev_error_remove(struct address_space *mapping,
			       struct mapdev_error_remove_arg *unused)
{
	return 0;
}

/* Unevictable objects: nothing is written back, so dirtying is a flag. */
static const struct address_space_operations mapdev_aops = {
	.dirty_folio	= noop_dirty_folio,
	.free_folio	= mapdev_free_pinned_folio,
	.migrate_folio	= filemap_migrate_folio,
	MAPDEV_AOPS_ERROR_REMOVE(mapdev_error_remove),
};

/*
 * Reclaimable objects: their pages are never dirtied, reclaim drops them,
 * and so does memory_failure() (they are clean zero pages: nothing lost).
 */
static const struct address_space_operations mapdev_reclaimable_aops = {
	.dirty_folio	= noop_dirty_folio,
	.free_folio	= mapdev_free_folio,
	.migrate_folio	= filemap_migrate_folio,
};

/* The superblock's root directory is no object. */
static bool mapdev_inode_is_object(struct inode *inode)
{
	return inode->i_mapping->a_ops == &mapdev_aops ||
	       inode->i_mapping->a_ops == &mapdev_reclaimable_aops;
}

static void mapdev_evict_inode(struct inode *inode)
{
	truncate_inode_pages_final(&inode->i_data);
	clear_inode(inode);
	if (mapdev_inode_is_object(inode))
		atomic_long_dec(&mapdev_objects);
}

/* An object has no name: its last iput() evicts it (generic_drop_inode()). */
static const struct super_operations mapdev_sops = {
	.statfs		= simple_statfs,
	.evict_inode	= mapdev_evict_inode,
};

static int mapdev_init_fs_context(struct fs_context *fc)
{
	struct pseudo_fs_context *ctx = init_pseudo(fc, MAPDEV_FS_MAGIC);

	if (!ctx)
		return -ENOMEM;
	ctx->ops = &mapdev_sops;
	return 0;
}

/* Each superblock holds a module reference, dropped by core code. */
static struct file_system_type mapdev_fs_type = {
	.owner			= THIS_MODULE,
	.name			= "mapdev",
	.init_fs_context	= mapdev_init_fs_context,
	.kill_sb		= kill_anon_super,
};

/* Pin the internal mount, mounting it if nothing uses it. */
static int mapdev_mnt_pin(void)
{
	int err;

	/* mapdev_mnt_lock: a new superblock is set up before anyone uses it. */
	mutex_lock(&mapdev_mnt_lock);
	err = simple_pin_fs(&mapdev_fs_type, &mapdev_mnt, &mapdev_mnt_count);
	/*
	 * Anonymous memory through mapdev is a mapping of a file on this
	 * mount, and PROT_EXEC must work on it as on native anonymous memory
	 * (newer kernels make pseudo filesystems noexec by default).
	 */
	if (!err)
		mapdev_mnt->mnt_sb->s_iflags &= ~SB_I_NOEXEC;
	mutex_unlock(&mapdev_mnt_lock);
	return err;
}

static void mapdev_mnt_unpin(void)
{
	simple_release_fs(&mapdev_mnt, &mapdev_mnt_count);
}

/**
 * mapdev_object_exit() - every object must be gone
 *
 * The module cannot be unloaded while a superblock of its filesystem
 * exists, so no object and no page can be left here.
 */
void mapdev_object_exit(void)
{
	WARN_ON(mapdev_nr_objects() || mapdev_nr_pages() || mapdev_mnt);
}

/**
 * mapdev_object_create() - create an empty object
 * @flags: MAPDEV_OBJ_RECLAIMABLE: its pages are never dirtied, so reclaim
 *	may drop them and a later fault allocate them again (the zero pages
 *	that read faults map in private anonymous memory); otherwise they
 *	are unevictable and count against max_pages.
 *	MAPDEV_OBJ_FIXED_SIZE: its size never shrinks once set.
 *
 * The object pins the internal mount until mapdev_object_put(), or until
 * mapdev_object_file() hands it to a file.
 *
 * Context: process context, in a call on a file of this module (which
 * keeps the module loaded); may sleep.
 * Return: the object's inode, holding one reference that the caller owns,
 * or an ERR_PTR.
 */
struct inode *mapdev_object_create(unsigned long flags)
{
	struct inode *inode;
	int err;

	err = mapdev_mnt_pin();
	if (err)
		return ERR_PTR(err);
	inode = alloc_anon_inode(mapdev_mnt->mnt_sb);
	if (IS_ERR(inode)) {
		mapdev_mnt_unpin();
		return inode;
	}

	inode->i_private = (void *)flags;
	if (flags & MAPDEV_OBJ_RECLAIMABLE) {
		inode->i_mapping->a_ops = &mapdev_reclaimable_aops;
	} else {
		inode->i_mapping->a_ops = &mapdev_aops;
		mapping_set_unevictable(inode->i_mapping);
	}
	/* The page cache's accounting of huge folios asks for it. */
	mapping_set_large_folios(inode->i_mapping);
	atomic_long_inc(&mapdev_objects);
	return inode;
}

/**
 * mapdev_object_put() - drop an object that no file refers to
 * @inode: the object, as mapdev_object_create() returned it
 *
 * Context: process context, in a call on a file of this module.
 */
void mapdev_object_put(struct inode *inode)
{
	iput(inode);
	mapdev_mnt_unpin();
}

/**
 * mapdev_object_file() - an internal file that refers to an object
 * @inode: the object, as mapdev_object_create() returned it; on success
 *	the file owns the caller's reference and the object's pin
 * @name: the name /proc/PID/maps shows
 * @oflags: O_RDWR, or O_RDONLY for a file no mapping may write through
 * @fops: the file's operations; their owner must be this module, and
 *	their ->release must call mapdev_object_file_release()
 *
 * Context: process context, in a call on a file of this module; may sleep.
 * Return: the file, or an ERR_PTR (the caller still owns @inode then).
 */
struct file *mapdev_object_file(struct inode *inode, const char *name,
				int oflags, const struct file_operations *fops)
{
	struct file *file;

	/* The file's final fput() drops this, as it does for any open. */
	__module_get(THIS_MODULE);
	/* The file takes a reference to the mount, which __fput() drops. */
	file = alloc_file_pseudo(inode, mapdev_mnt, name, oflags, fops);
	if (IS_ERR(file))
		module_put(THIS_MODULE);
	return file;
}

/**
 * mapdev_object_file_release() - ->release of a file mapdev_object_file() made
 * @inode: the object
 * @file: the file
 *
 * Drops the object's pin of the mount; the file's own reference to it
 * keeps the superblock until __fput() has evicted the object.  (Such a
 * file cannot be opened again through /proc/PID/map_files: its inode has
 * no open.)
 *
 * Return: 0.
 */
int mapdev_object_file_release(struct inode *inode, struct file *file)
{
	mapdev_mnt_unpin();
	return 0;
}

/*
 * Huge folios: PMD-sized, at naturally aligned offsets, where the page
 * cache can hold them (not with 64 KiB pages on arm64, whose PMD order is
 * above MAX_PAGECACHE_ORDER).
 */
#define MAPDEV_HUGE_ORDER	(PMD_SHIFT - PAGE_SHIFT)
#define MAPDEV_HUGE_POSSIBLE	(IS_ENABLED(CONFIG_TRANSPARENT_HUGEPAGE) && \
				 MAPDEV_HUGE_ORDER <= MAX_PAGECACHE_ORDER)

/*
 * May the folio at @index be huge?  Only where the whole naturally aligned
 * range lies inside the object, so that no huge folio is made past the
 * end of the object, and only where no page of the range is cached yet (a
 * small one there would fail the insertion, after a huge folio was
 * allocated and zeroed for nothing).
 */
static bool mapdev_huge_fits(struct address_space *mapping, pgoff_t index)
{
	unsigned long nr = 1UL << MAPDEV_HUGE_ORDER;
	unsigned long first = round_down(index, nr);

	if (!MAPDEV_HUGE_POSSIBLE || !READ_ONCE(mapdev_huge) ||
	    first + nr > (i_size_read(mapping->host) >> PAGE_SHIFT))
		return false;
	/* Takes the RCU read lock; a page added meanwhile fails the insertion. */
	return !xa_find(&mapping->i_pages, &first, first + nr - 1, XA_PRESENT);
}

/*
 * Add a new zeroed folio of @order that holds @index to the page cache:
 * ERR_PTR(-EEXIST) if a page of its range is there already.
 */
static struct folio *mapdev_object_add(struct address_space *mapping,
				       pgoff_t index, unsigned int order)
{
	bool pinned = mapping_unevictable(mapping);
	gfp_t gfp = mapping_gfp_mask(mapping);
	long nr = 1L << order;
	struct folio *folio;
	int err;

	/* A huge folio only if it comes cheap: no reclaim, no warning. */
	if (order)
		gfp = (gfp & ~__GFP_RECLAIM) | __GFP_NOWARN | __GFP_NOMEMALLOC;
	/* Past max_pages: no allocation and zeroing for nothing. */
	if (pinned && mapdev_pinned_over(atomic_long_read(&mapdev_pinned) + nr))
		return ERR_PTR(-ENOSPC);
	/* Allocated first, so that a failure reserves nothing meanwhile. */
	folio = folio_alloc(gfp | __GFP_ZERO, order);
	if (!folio)
		return ERR_PTR(-ENOMEM);
	__folio_mark_uptodate(folio);
	if (pinned) {
		err = mapdev_pinned_charge(nr);
		if (err)
			goto err_put;
	}

	/* On success the page cache owns a reference; so do we. */
	err = filemap_add_folio(mapping, folio, round_down(index, nr), gfp);
	if (err)
		goto err_uncharge;
	/* Given back by ->free_folio. */
	atomic_long_add(nr, &mapdev_pages);
	/*
	 * An unevictable object's data lives only here, and a store through
	 * a writable mapping dirties no folio (no write notification): dirty
	 * from the start, so that a truncation whose split of a huge folio
	 * fails keeps it (truncate_inode_partial_folio()) instead of dropping
	 * it whole, data below the new end included.  noop_dirty_folio()
	 * accounts nothing.
	 */
	if (pinned)
		folio_mark_dirty(folio);
	return folio;

err_uncharge:
	if (pinned)
		atomic_long_sub(nr, &mapdev_pinned);
err_put:
	folio_put(folio);
	return ERR_PTR(err);
}

/**
 * mapdev_object_folio() - find or create the object's folio at @index
 * @mapping: the object's address_space
 * @index: page index in the object
 * @huge: a new folio may be huge, where mapdev_huge_fits() allows (the
 *	caller's policy: see mapdev_fault_huge())
 *
 * A folio created here is zeroed by the page allocator (once: __GFP_ZERO
 * and init_on_alloc are the same zeroing) and is uptodate.  A huge one
 * that cannot be had (no free huge page, max_pages, the memory cgroup's
 * limit, a small page already in its range) gives way to a small one.
 * The caller excludes truncation past @index: it holds the inode lock or
 * mapping->invalidate_lock.
 *
 * Context: process context; may sleep.
 * Return: the folio that holds @index, locked and with a reference (a
 * page of it may be poisoned: see mapdev_page_poisoned()),
 * ERR_PTR(-ENOMEM), or ERR_PTR(-ENOSPC) past max_pages.
 */
struct folio *mapdev_object_folio(struct address_space *mapping,
				  pgoff_t index, bool huge)
{
	unsigned int order = 0;
	struct folio *folio;

	if (huge && mapdev_huge_fits(mapping, index))
		order = MAPDEV_HUGE_ORDER;
	for (;;) {
		folio = mapdev_find_folio(mapping, index, true);
		if (folio)
			return folio;
		folio = mapdev_object_add(mapping, index, order);
		if (order)
			mapdev_count(IS_ERR(folio) ? MAPDEV_STAT_HUGE_FALLBACK :
						     MAPDEV_STAT_HUGE);
		/* -EEXIST: another task's page came first; look again. */
		if (!IS_ERR(folio) || (!order && PTR_ERR(folio) != -EEXIST))
			return folio;
		order = 0;
	}
}

/*
 * Zero the part of the end-of-file folio past @size, so that what a shared
 * mapping stored there while it was beyond the end never becomes part of
 * the object when the object grows.  (That folio is small: a huge folio
 * is made only wholly inside the object, and a shrink splits the one it
 * cuts.)
 */
static void mapdev_object_zero_tail(struct inode *inode, loff_t size)
{
	pgoff_t index = size >> PAGE_SHIFT;
	struct folio *folio;
	size_t offset;

	folio = mapdev_find_folio(inode->i_mapping, index, true);
	if (!folio)
		return;
	offset = offset_in_folio(folio, size);
	/* A poisoned page is never touched; it reads as EIO anyway. */
	if (offset && !mapdev_page_poisoned(folio, index))
		folio_zero_range(folio, offset, folio_size(folio) - offset);
	folio_unlock(folio);
	folio_put(folio);
}

/*
 * Tries at splitting the huge folio a shrink cuts: a split fails while a
 * reference other than the page cache's and the mappings' is held, most
 * often briefly (a lookup, a migration's); a pin (get_user_pages()) or a
 * page spliced into a pipe may hold it for long.
 */
#define MAPDEV_SPLIT_TRIES	16

/*
 * Before a shrink to @size, the old size still in place: drop every page
 * past @size, splitting the huge folio @size cuts.  No huge folio may be
 * split while it reaches past the end of the object: the core's split
 * drops the pages past the end without ->free_folio (mapdev's page
 * counters would leak) and accounts a dirty one's as cleaned writeback,
 * which an object never accounted (__split_huge_page()).  So the size
 * changes only once no page past @size is left; meanwhile no page is
 * added (the caller holds the inode lock and invalidate_lock).
 *
 * Return: 0, or -EBUSY if the cut folio stays whole; then only that
 * folio's part past @size has been zeroed (truncate_pagecache_range()
 * zeroes before it splits), and nothing else has changed.
 */
static int mapdev_object_shrink_pages(struct inode *inode, loff_t size)
{
	pgoff_t index = size >> PAGE_SHIFT;
	int tries;

	for (tries = 0; ; tries++) {
		struct folio *folio;
		loff_t end;

		folio = mapdev_find_folio(inode->i_mapping, index, false);
		if (!folio)
			break;
		end = folio_pos(folio) + folio_size(folio) - 1;
		folio_put(folio);
		/* No folio from before @size reaches past it. */
		if (end < round_up(size, PAGE_SIZE))
			break;
		if (tries == MAPDEV_SPLIT_TRIES)
			return -EBUSY;
		/* Let a brief reference (a lookup, GUP-fast) go first. */
		if (tries)
			usleep_range(1000, 2000);
		truncate_pagecache_range(inode, size, end);
	}
	truncate_pagecache(inode, size);
	return 0;
}

/**
 * mapdev_object_set_size() - change an object's size, as ftruncate(2) does
 * @inode: the object
 * @size: the new size in bytes
 *
 * Growing reads as zeros.  Shrinking unmaps every page past the new end
 * from every mapping, copy-on-write copies included, and frees them; a
 * later access there raises SIGBUS.  The pages past the new end go
 * first, the huge folio it cuts split (mapdev_object_shrink_pages()).
 *
 * Context: process context; takes the inode lock and invalidate_lock.
 * Return: 0, -EINVAL for a negative size, -EFBIG past the max_size module
 * parameter or RLIMIT_FSIZE (which also raises SIGXFSZ), -EBUSY if the new
 * end cuts a huge folio that a pin keeps from being split.
 */
int mapdev_object_set_size(struct inode *inode, loff_t size)
{
	struct address_space *mapping = inode->i_mapping;
	loff_t old;
	int err;

	if (size < 0)
		return -EINVAL;
	if (size > READ_ONCE(mapdev_max_size))
		return -EFBIG;

	/* i_rwsem: excludes write(2) and other size changes. */
	inode_lock(inode);
	err = inode_newsize_ok(inode, size);
	if (err)
		goto out_unlock;

	/* invalidate_lock: no fault adds a page while the size changes. */
	filemap_invalidate_lock(mapping);
	old = i_size_read(inode);
	if (size > old) {
		mapdev_object_zero_tail(inode, old);
		i_size_write(inode, size);
	} else if (size < old) {
		err = mapdev_object_shrink_pages(inode, size);
		if (!err)
			truncate_setsize(inode, size);
	}
	filemap_invalidate_unlock(mapping);
out_unlock:
	inode_unlock(inode);
	return err;
}

/**
 * mapdev_object_read() - read_iter for an object: holes read as zeros
 * @iocb: the request; ki_filp's f_mapping is the object's
 * @to: the destination
 *
 * Context: process context; takes no lock, as filemap_read() takes none.
 * Return: bytes read, -EFAULT if none could be copied, -EIO if the first
 * page holds a memory error.
 */
ssize_t mapdev_object_read(struct kiocb *iocb, struct iov_iter *to)
{
	struct address_space *mapping = iocb->ki_filp->f_mapping;
	loff_t size = i_size_read(mapping->host);
	loff_t pos = iocb->ki_pos;
	ssize_t done = 0;

	while (iov_iter_count(to) && pos < size) {
		pgoff_t index = pos >> PAGE_SHIFT;
		size_t offset = offset_in_page(pos);
		size_t len = min_t(loff_t, PAGE_SIZE - offset, size - pos);
		struct folio *folio;
		size_t copied;

		len = min(len, iov_iter_count(to));
		folio = mapdev_find_folio(mapping, index, false);
		if (folio && mapdev_page_poisoned(folio, index)) {
			folio_put(folio);
			if (!done)
				done = -EIO;
			break;
		}
		if (folio) {
			copied = copy_page_to_iter(folio_file_page(folio, index),
						   offset, len, to);
			folio_put(folio);
		} else {
			copied = iov_iter_zero(len, to);
		}
		pos += copied;
		done += copied;
		if (copied < len) {
			if (!done)
				done = -EFAULT;
			break;
		}
		if (fatal_signal_pending(current))
			break;
		cond_resched();
	}
	iocb->ki_pos = pos;
	return done;
}

/**
 * mapdev_object_write() - write_iter for an object
 * @iocb: the request; ki_filp's f_mapping is the object's
 * @from: the source
 *
 * A write past the end extends the object; the gap reads as zeros.  The
 * data is copied with no folio lock held, so a source buffer that is a
 * mapping of the same object faults normally.
 *
 * Context: process context; takes the inode lock.
 * Return: bytes written, or a negative errno (-EFBIG at max_size, as at a
 * filesystem's maximum file size; -ENOSPC past max_pages, as on a full
 * tmpfs; -EIO on a page that holds a memory error).
 */
ssize_t mapdev_object_write(struct kiocb *iocb, struct iov_iter *from)
{
	struct address_space *mapping = iocb->ki_filp->f_mapping;
	struct inode *inode = mapping->host;
	loff_t max = READ_ONCE(mapdev_max_size);
	ssize_t done = 0;
	ssize_t ret;
	loff_t pos;

	/* i_rwsem: excludes size changes and other writers. */
	inode_lock(inode);
	ret = generic_write_checks(iocb, from);
	if (ret <= 0)
		goto out_unlock;
	pos = iocb->ki_pos;
	if (pos >= max) {
		ret = -EFBIG;
		goto out_unlock;
	}
	iov_iter_truncate(from, max - pos);

	if (pos > i_size_read(inode))
		mapdev_object_zero_tail(inode, i_size_read(inode));

	while (iov_iter_count(from)) {
		pgoff_t index = pos >> PAGE_SHIFT;
		size_t offset = offset_in_page(pos);
		size_t len = min(PAGE_SIZE - offset, iov_iter_count(from));
		struct folio *folio;
		size_t copied;

		folio = mapdev_object_folio(mapping, index, true);
		if (IS_ERR(folio)) {
			ret = PTR_ERR(folio);
			break;
		}
		folio_unlock(folio);
		if (mapdev_page_poisoned(folio, index)) {
			folio_put(folio);
			ret = -EIO;
			break;
		}
		copied = copy_page_from_iter(folio_file_page(folio, index),
					     offset, len, from);
		folio_mark_dirty(folio);
		folio_put(folio);

		pos += copied;
		done += copied;
		if (copied < len) {
			ret = -EFAULT;
			break;
		}
		if (fatal_signal_pending(current))
			break;
		cond_resched();
	}
	if (pos > i_size_read(inode))
		i_size_write(inode, pos);
	iocb->ki_pos = pos;
	if (done)
		ret = done;
out_unlock:
	inode_unlock(inode);
	return ret;
}
