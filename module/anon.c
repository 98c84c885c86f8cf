// SPDX-License-Identifier: GPL-2.0
/*
 * Anonymous memory (MAP_ANONYMOUS) served by mapdev's fault handlers.
 *
 * MAP_SHARED: each mapping gets a new object the size of the mapping,
 * shared with children across fork(), as shmem_zero_setup() gives a shmem
 * file to a native shared anonymous mapping.
 *
 * MAP_PRIVATE: all private anonymous mappings of a process map one object
 * of its own, at a page offset equal to the page number of their address,
 * as native anonymous mappings have.  Neighbouring mappings therefore
 * merge as natively, and no file is made per mapping.  The object holds no
 * data: a write fault fills the mapping's own copy-on-write page with zeros
 * (vm.c), and the pages a read fault maps are zero pages that nothing ever
 * dirties (2 MiB zero folios where the mapping holds a whole aligned
 * range), so the object's pages are reclaimable.  The open of /dev/mapdev
 * the request came through keeps it while that open and the process live,
 * and each mapping of it holds it too.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/file.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/pagemap.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include <asm/cpufeature.h>

#include "compat.h"
#include "mapdev.h"

/*
 * Tries at finding room for a private mapping: another thread may map
 * where the room was found before this one does.  Each lost try is
 * another thread's success, so the bound is only against a livelock: it
 * must be high enough that contention alone never ends in ENOMEM, which
 * native mmap(2) never gives for it.
 */
#define MAPDEV_ANON_TRIES	64

/* The private anonymous object of one mm, in a mapdev_anon_cache. */
struct mapdev_anon {
	struct list_head node;
	struct mm_struct *mm;		/* mmgrab()bed: compared, and tested alive */
	struct file *file;		/* a reference */
};

/*
 * VM flags that do_mmap() gives an anonymous mapping and not a file's, or
 * takes from a mapping of /dev/zero: ->mmap sets them, so that the core
 * accounts, locks and merges the VMA as it is (mmap_region() reads the
 * flags again after ->mmap).  A file that carries them (private_data) is
 * its mapping's alone.
 */
struct mapdev_vm_mod {
	vm_flags_t set, clear;
};

/* MAP_DROPPABLE (6.11+): do_mmap()'s flags for it. */
static const struct mapdev_vm_mod mapdev_vm_droppable = {
	.set = MAPDEV_VM_DROPPABLE | VM_WIPEONFORK | VM_DONTDUMP,
};

/* /dev/zero on a noexec mount: no exec, now or by mprotect(). */
static const struct mapdev_vm_mod mapdev_vm_noexec = {
	.clear = VM_EXEC | VM_MAYEXEC,
};

/*
 * What a request for anonymous memory carries besides mmap(2)'s
 * arguments: for /dev/zero, the file and its page offset, with which
 * native mmap(2) finds room for a private mapping (the file's own
 * get_unmapped_area); the access of a shared mapping's new object's file
 * (O_RDONLY for /dev/zero not open for writing: do_mmap() then takes
 * VM_SHARED and VM_MAYWRITE); what the mapping's VM flags need besides.
 */
struct mapdev_anon_how {
	struct file *zero;
	unsigned long pgoff;
	int oflags;
	const struct mapdev_vm_mod *mod;
};

static int mapdev_anon_mmap_vma(struct file *file, struct vm_area_struct *vma)
{
	const struct mapdev_vm_mod *mod = file->private_data;

	if (mod)
		mapdev_vm_flags_mod(vma, mod->set, mod->clear);
	return mapdev_mmap(file, vma);
}

static const struct file_operations mapdev_anon_private_fops = {
	.owner		= THIS_MODULE,
	.mmap		= mapdev_anon_mmap_vma,
	.release	= mapdev_object_file_release,
};

static const struct file_operations mapdev_anon_shared_fops = {
	.owner		= THIS_MODULE,
	.mmap		= mapdev_anon_mmap_vma,
	/* PMD-aligned, for huge folios. */
	.get_unmapped_area = thp_get_unmapped_area,
	.release	= mapdev_object_file_release,
};

/**
 * mapdev_anon_cache_init() - an empty cache, for a new open of /dev/mapdev
 * @cache: the cache
 */
void mapdev_anon_cache_init(struct mapdev_anon_cache *cache)
{
	spin_lock_init(&cache->lock);
	INIT_LIST_HEAD(&cache->list);
}

static void mapdev_anon_free(struct mapdev_anon *anon)
{
	fput(anon->file);
	mmdrop(anon->mm);
	kfree(anon);
}

/**
 * mapdev_anon_cache_release() - drop every entry: the open is going
 * @cache: the cache
 *
 * The objects live on while mappings of them do.
 *
 * Context: process context; no other user of @cache remains.
 */
void mapdev_anon_cache_release(struct mapdev_anon_cache *cache)
{
	struct mapdev_anon *anon, *next;

	list_for_each_entry_safe(anon, next, &cache->list, node)
		mapdev_anon_free(anon);
}

/*
 * The current mm's entry, its file with a reference taken, or NULL.
 * Entries of mms that have exited move to @dead, for the caller to free
 * outside the lock.
 */
static struct file *mapdev_anon_lookup(struct mapdev_anon_cache *cache,
				       struct list_head *dead)
{
	struct mapdev_anon *anon, *next;
	struct file *file = NULL;

	lockdep_assert_held(&cache->lock);
	list_for_each_entry_safe(anon, next, &cache->list, node) {
		if (anon->mm == current->mm)
			file = get_file(anon->file);
		else if (!atomic_read(&anon->mm->mm_users))
			list_move(&anon->node, dead);
	}
	return file;
}

/* mapdev_anon_lookup() under the lock; the dead entries freed after. */
static struct file *mapdev_anon_find(struct mapdev_anon_cache *cache)
{
	struct mapdev_anon *anon, *next;
	struct file *file;
	LIST_HEAD(dead);

	/* cache->lock: the list of entries. */
	spin_lock(&cache->lock);
	file = mapdev_anon_lookup(cache, &dead);
	spin_unlock(&cache->lock);
	list_for_each_entry_safe(anon, next, &dead, node)
		mapdev_anon_free(anon);
	return file;
}

/*
 * A new private object: the whole address space, holding only zero pages;
 * its mappings get @mod.
 */
static struct file *mapdev_anon_private_file(const struct mapdev_vm_mod *mod)
{
	struct inode *inode;
	struct file *file;

	/* Its size is the whole address space and never changes. */
	inode = mapdev_object_create(MAPDEV_OBJ_RECLAIMABLE |
				     MAPDEV_OBJ_FIXED_SIZE);
	if (IS_ERR(inode))
		return ERR_CAST(inode);
	i_size_write(inode, MAX_LFS_FILESIZE);
	file = mapdev_object_file(inode, "mapdev:private", O_RDWR,
				  &mapdev_anon_private_fops);
	if (IS_ERR(file)) {
		mapdev_object_put(inode);
		return file;
	}
	file->private_data = (void *)mod;
	return file;
}

/*
 * The current mm's private object, with a reference, created on first
 * use.  The cache keeps it while this open of /dev/mapdev and the mm live,
 * so that mapping and unmapping the process's only private mapping again
 * and again does not make and free an object each time.
 */
static struct file *mapdev_anon_get(struct mapdev_anon_cache *cache)
{
	struct mapdev_anon *new, *anon, *next;
	struct file *file, *found;
	LIST_HEAD(dead);

	file = mapdev_anon_find(cache);
	if (file)
		return file;

	new = kzalloc(sizeof(*new), GFP_KERNEL_ACCOUNT);
	if (!new)
		return ERR_PTR(-ENOMEM);
	file = mapdev_anon_private_file(NULL);
	if (IS_ERR(file)) {
		kfree(new);
		return file;
	}

	/* The entry owns the file's first reference; the caller a second. */
	mmgrab(current->mm);
	new->mm = current->mm;
	new->file = get_file(file);
	/* cache->lock: the list of entries. */
	spin_lock(&cache->lock);
	/* Another thread of this mm may have made one meanwhile: use it. */
	found = mapdev_anon_lookup(cache, &dead);
	if (!found)
		list_add(&new->node, &cache->list);
	spin_unlock(&cache->lock);
	list_for_each_entry_safe(anon, next, &dead, node)
		mapdev_anon_free(anon);
	if (found) {
		fput(file);
		mapdev_anon_free(new);
		file = found;
	}
	return file;
}

/**
 * mapdev_anon_unmapped() - forget the zero pages of a range just unmapped
 * @cache: the cache of the open of /dev/mapdev the unmapping came through
 * @addr: the range's start
 * @len: its length
 *
 * The zero pages read faults left in the process's private object at the
 * range's page offsets are dropped.  Were another mapping (a child's, or
 * one moved by mremap()) still mapping some of them, it faults in a new
 * zero page instead: the object holds nothing else.  A range unmapped by
 * munmap(2) itself leaves its zero pages to reclaim.
 *
 * Context: process context.
 */
void mapdev_anon_unmapped(struct mapdev_anon_cache *cache, unsigned long addr,
			  unsigned long len)
{
	struct file *file;

	/*
	 * No private object made through this open (a process that maps only
	 * files): nothing to look up.  An entry is added under cache->lock
	 * before vm_mmap() maps its object, under mmap_lock, and this runs
	 * after vm_munmap() took mmap_lock: an unmapping that removed a
	 * mapping of the object sees the entry (list_empty() reads the head
	 * with READ_ONCE()).  An empty list seen otherwise is an object not
	 * mapped yet, holding no page.
	 */
	if (list_empty(&cache->list))
		return;
	file = mapdev_anon_find(cache);
	if (!file)
		return;
	truncate_inode_pages_range(file->f_mapping, addr,
				   addr + PAGE_ALIGN(len) - 1);
	fput(file);
}

/*
 * Room for a private mapping where native mmap(2) finds it: with
 * /dev/zero's get_unmapped_area for a mapping of it, as
 * __get_unmapped_area() does for any file, else as for anonymous memory.
 */
static unsigned long mapdev_anon_room(const struct mapdev_anon_how *how,
				      unsigned long addr, unsigned long len,
				      unsigned long flags)
{
	struct file *zero = how->zero;

	if (zero && zero->f_op->get_unmapped_area)
		return zero->f_op->get_unmapped_area(zero, addr, len,
						     how->pgoff, flags);
	return mapdev_get_unmapped_area(zero, addr, len, how->pgoff, flags);
}

/* Map private object @file where native mmap(2) would map the request. */
static unsigned long mapdev_anon_private_at(struct file *file,
					    unsigned long addr,
					    unsigned long len,
					    unsigned long prot,
					    unsigned long flags,
					    const struct mapdev_anon_how *how)
{
	struct mm_struct *mm = current->mm;
	unsigned long ret = -EEXIST;
	int tries;

	/* vm_mmap() refuses an unaligned @addr as the offset: EINVAL. */
	if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE))
		return vm_mmap(file, addr, len, prot, flags, addr);
	/*
	 * Find the room first, so that the page offset can be the address,
	 * then map there unless another thread has meanwhile.
	 */
	for (tries = 0; tries < MAPDEV_ANON_TRIES && ret == -EEXIST; tries++) {
		unsigned long where;

		/* mmap_lock for reading: the VMA tree being searched. */
		if (mmap_read_lock_killable(mm))
			return -EINTR;
		/* As do_mmap(): the search is for whole pages. */
		where = mapdev_anon_room(how, addr, PAGE_ALIGN(len), flags);
		mmap_read_unlock(mm);
		if (IS_ERR_VALUE(where))
			ret = where;
		else
			ret = vm_mmap(file, where, len, prot,
				      flags | MAP_FIXED_NOREPLACE, where);
		/*
		 * do_mmap() raises a hint below mmap_min_addr, which a module
		 * cannot read; a hint is only a hint, so drop it instead.
		 * Before 6.10 the search refuses such a hint with EPERM; since
		 * then the search returns it and vm_mmap() refuses it.  The
		 * mapping then goes where no hint puts it (native: at
		 * mmap_min_addr, if free).
		 */
		if (ret == -EPERM && addr) {
			addr = 0;
			ret = -EEXIST;
		}
	}
	/* Only contention for the room: no room stays free for us. */
	if (ret == -EEXIST)
		ret = -ENOMEM;
	return ret;
}

/*
 * Private anonymous memory: the process's private object, or, for a
 * mapping whose VM flags differ from those of the process's other private
 * mappings (@how->mod), a private object of its own, so that it never
 * merges with them, as its flags alone would keep it apart natively.
 */
static unsigned long mapdev_anon_private(struct mapdev_anon_cache *cache,
					 unsigned long addr, unsigned long len,
					 unsigned long prot, unsigned long flags,
					 const struct mapdev_anon_how *how)
{
	unsigned long ret;
	struct file *file;

	file = how->mod ? mapdev_anon_private_file(how->mod) :
			  mapdev_anon_get(cache);
	if (IS_ERR(file))
		return PTR_ERR(file);
	ret = mapdev_anon_private_at(file, addr, len, prot, flags, how);
	fput(file);
	return ret;
}

/* Map a new object of @len bytes, shared. */
static unsigned long mapdev_anon_shared(unsigned long addr, unsigned long len,
					unsigned long prot, unsigned long flags,
					const struct mapdev_anon_how *how)
{
	struct inode *inode;
	struct file *file;
	unsigned long ret;

	/* Its size is the mapping's and never changes. */
	inode = mapdev_object_create(MAPDEV_OBJ_FIXED_SIZE);
	if (IS_ERR(inode))
		return PTR_ERR(inode);
	i_size_write(inode, PAGE_ALIGN(len));
	file = mapdev_object_file(inode, "mapdev:shared", how->oflags,
				  &mapdev_anon_shared_fops);
	if (IS_ERR(file)) {
		mapdev_object_put(inode);
		return PTR_ERR(file);
	}
	file->private_data = (void *)how->mod;
	/* The mapping takes its own reference to the file. */
	ret = vm_mmap(file, addr, len, prot, flags, 0);
	fput(file);
	return ret;
}

/**
 * mapdev_anon_hugetlb_errno() - the answer to MAP_HUGETLB|MAP_ANONYMOUS
 * @flags: the MAP_* flags, MAP_HUGETLB among them
 *
 * mapdev has no pool of huge pages: it answers as hugetlbfs does when the
 * pool is empty, ENOMEM, after refusing a huge page size the CPU lacks
 * with EINVAL, as ksys_mmap_pgoff() does.
 *
 * Return: -EINVAL or -ENOMEM.
 */
int mapdev_anon_hugetlb_errno(unsigned long flags)
{
	switch ((flags >> MAP_HUGE_SHIFT) & MAP_HUGE_MASK) {
	case 0:				/* the default size */
	case PMD_SHIFT:
		return -ENOMEM;
	case PUD_SHIFT:
		return boot_cpu_has(X86_FEATURE_GBPAGES) ? -ENOMEM : -EINVAL;
	default:
		return -EINVAL;
	}
}

/* mapdev_anon_mmap(), for /dev/zero too (@how). */
static unsigned long __mapdev_anon_mmap(struct mapdev_anon_cache *cache,
					unsigned long addr, unsigned long len,
					unsigned long prot, unsigned long flags,
					const struct mapdev_anon_how *how)
{
	/* MAP_DROPPABLE: do_mmap() has no file for it. */
	static const struct mapdev_anon_how droppable = {
		.oflags = O_RDWR,
		.mod = &mapdev_vm_droppable,
	};

	flags &= ~MAP_ANONYMOUS;
	/*
	 * As do_mmap(), no mapping grows down but a private anonymous one.
	 * mapdev's is a file VMA, and the core's stack expansion moves its
	 * start and page offset without updating the file's reverse map
	 * (expand_downwards() updates only the anon_vma tree): mapdev does
	 * not serve it, and answers ENODEV, as for a file it does not serve,
	 * which mapdev-run maps natively.
	 */
	if (flags & MAP_GROWSDOWN)
		return (flags & MAP_TYPE) == MAP_PRIVATE ? -ENODEV : -EINVAL;
	switch (flags & MAP_TYPE) {
	case MAP_SHARED:
		return mapdev_anon_shared(addr, len, prot, flags, how);
	case MAP_PRIVATE:
		return mapdev_anon_private(cache, addr, len, prot, flags, how);
	default:
		/* MAP_DROPPABLE where the kernel has it (6.11+), as do_mmap(). */
		if ((flags & MAP_TYPE) == MAPDEV_MAP_DROPPABLE &&
		    MAPDEV_VM_DROPPABLE != VM_NONE) {
			if (flags & MAP_LOCKED)
				return -EINVAL;
			flags = (flags & ~MAP_TYPE) | MAP_PRIVATE | MAP_NORESERVE;
			return mapdev_anon_private(cache, addr, len, prot, flags,
						   &droppable);
		}
		/* MAP_SHARED_VALIDATE and others: do_mmap() has no file. */
		return -EINVAL;
	}
}

/**
 * mapdev_anon_mmap() - map anonymous memory served by mapdev
 * @cache: the cache of the open of /dev/mapdev the request came through
 * @addr: the hint, or the address with MAP_FIXED
 * @len: the length, checked by the caller to be non-zero
 * @prot: PROT_* bits
 * @flags: MAP_* flags, MAP_ANONYMOUS among them
 *
 * vm_mmap() sees a file mapping, so the checks do_mmap() makes only for
 * anonymous memory are made here.
 *
 * Context: process context; takes mmap_lock.
 * Return: the address, or a negative errno.
 */
unsigned long mapdev_anon_mmap(struct mapdev_anon_cache *cache,
			       unsigned long addr, unsigned long len,
			       unsigned long prot, unsigned long flags)
{
	static const struct mapdev_anon_how anon = { .oflags = O_RDWR };

	return __mapdev_anon_mmap(cache, addr, len, prot, flags, &anon);
}

/**
 * mapdev_anon_zero_mmap() - map /dev/zero as mapdev's anonymous memory
 * @cache: the cache of the open of /dev/mapdev the request came through
 * @file: an open of /dev/zero
 * @addr: the hint, or the address with MAP_FIXED
 * @len: the length, non-zero
 * @prot: PROT_* bits
 * @flags: MAP_* flags
 * @pgoff: the offset in pages
 *
 * As drivers/char/mem.c's mmap_zero() gives a private mapping of /dev/zero
 * anonymous memory and a shared one a new shmem object: here private
 * anonymous memory and a new object, after do_mmap()'s checks of the file.
 *
 * Context: process context; takes mmap_lock.
 * Return: the address, or a negative errno.
 */
unsigned long mapdev_anon_zero_mmap(struct mapdev_anon_cache *cache,
				    struct file *file, unsigned long addr,
				    unsigned long len, unsigned long prot,
				    unsigned long flags, unsigned long pgoff)
{
	struct mapdev_anon_how how = {
		.zero = file,
		.pgoff = pgoff,
		.oflags = file->f_mode & FMODE_WRITE ? O_RDWR : O_RDONLY,
	};
	int err = mapdev_file_checks(file, prot, flags);

	if (err)
		return err;
	/* Validated: the flags are a shared mapping's. */
	if ((flags & MAP_TYPE) == MAP_SHARED_VALIDATE)
		flags = (flags & ~MAP_TYPE) | MAP_SHARED;
	/*
	 * What do_mmap() takes away for the file, no mprotect() gives back:
	 * writing a shared mapping when the file is not open for writing
	 * (the new object's file is then read-only too: @how.oflags), exec
	 * on a noexec mount (even READ_IMPLIES_EXEC's).
	 */
	if (mapdev_path_noexec(&file->f_path))
		how.mod = &mapdev_vm_noexec;
	return __mapdev_anon_mmap(cache, addr, len, prot, flags, &how);
}

/**
 * mapdev_anon_vma() - is @vma a mapping of a private anonymous object?
 * @vma: any VMA
 *
 * Return: true for mapdev's private anonymous memory.
 */
bool mapdev_anon_vma(struct vm_area_struct *vma)
{
	return vma->vm_file && vma->vm_file->f_op == &mapdev_anon_private_fops;
}
