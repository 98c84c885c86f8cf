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
 * dirties, so the object's pages are reclaimable.  The object lives while
 * a mapping of it does; the process's cache entry does not keep it alive.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/file.h>
#include <linux/hashtable.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include <asm/cpufeature.h>

#include "compat.h"
#include "mapdev.h"

/*
 * Tries at finding room for a private mapping: another thread may map
 * where the room was found before this one does.
 */
#define MAPDEV_ANON_TRIES	8

/* The private anonymous object of one mm, found by that mm's address. */
struct mapdev_anon {
	struct hlist_node node;		/* in mapdev_anon_cache */
	const struct mm_struct *mm;	/* compared, never dereferenced */
	struct file *file;		/* no reference: see mapdev_anon_get() */
};

static DEFINE_HASHTABLE(mapdev_anon_cache, 6);
/* Protects mapdev_anon_cache. */
static DEFINE_SPINLOCK(mapdev_anon_lock);

static int mapdev_anon_release(struct inode *inode, struct file *file)
{
	struct mapdev_anon *anon = file->private_data;

	spin_lock(&mapdev_anon_lock);
	hash_del(&anon->node);
	spin_unlock(&mapdev_anon_lock);
	kfree(anon);
	return 0;
}

static const struct file_operations mapdev_anon_private_fops = {
	.owner		= THIS_MODULE,
	.mmap		= mapdev_mmap,
	.release	= mapdev_anon_release,
};

static const struct file_operations mapdev_anon_shared_fops = {
	.owner		= THIS_MODULE,
	.mmap		= mapdev_mmap,
};

/*
 * The current mm's private object, with a reference, created on first
 * use.  The cache entry holds no reference: it is removed when the file's
 * last reference goes, and until then a lookup that finds the count at
 * zero treats the entry as gone.
 */
static struct file *mapdev_anon_get(void)
{
	const struct mm_struct *mm = current->mm;
	struct mapdev_anon *anon, *new;
	struct inode *inode;
	struct file *file;

	spin_lock(&mapdev_anon_lock);
	hash_for_each_possible(mapdev_anon_cache, anon, node, (unsigned long)mm) {
		if (anon->mm == mm &&
		    atomic_long_inc_not_zero(&anon->file->f_count)) {
			file = anon->file;
			spin_unlock(&mapdev_anon_lock);
			return file;
		}
	}
	spin_unlock(&mapdev_anon_lock);

	new = kzalloc(sizeof(*new), GFP_KERNEL_ACCOUNT);
	if (!new)
		return ERR_PTR(-ENOMEM);
	inode = mapdev_object_create(true);
	if (IS_ERR(inode)) {
		file = ERR_CAST(inode);
		goto err_free;
	}
	i_size_write(inode, MAX_LFS_FILESIZE);
	file = mapdev_object_file(inode, "mapdev:private",
				  &mapdev_anon_private_fops);
	if (IS_ERR(file))
		goto err_iput;

	/* From here the file owns @new, and frees it in its ->release. */
	new->mm = mm;
	new->file = file;
	file->private_data = new;
	spin_lock(&mapdev_anon_lock);
	hash_add(mapdev_anon_cache, &new->node, (unsigned long)mm);
	spin_unlock(&mapdev_anon_lock);
	return file;

err_iput:
	iput(inode);
err_free:
	kfree(new);
	return file;
}

/* Map the private object where an anonymous mapping would go. */
static unsigned long mapdev_anon_private(unsigned long addr, unsigned long len,
					 unsigned long prot,
					 unsigned long flags)
{
	struct mm_struct *mm = current->mm;
	unsigned long ret = -EEXIST;
	struct file *file;
	int tries;

	file = mapdev_anon_get();
	if (IS_ERR(file))
		return PTR_ERR(file);

	if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
		/* vm_mmap() refuses an unaligned @addr as the offset: EINVAL. */
		ret = vm_mmap(file, addr, len, prot, flags, addr);
		goto out;
	}
	/*
	 * Find the room first, so that the page offset can be the address,
	 * then map there unless another thread has meanwhile.
	 */
	for (tries = 0; tries < MAPDEV_ANON_TRIES && ret == -EEXIST; tries++) {
		unsigned long where;

		if (mmap_read_lock_killable(mm)) {
			ret = -EINTR;
			break;
		}
		where = mapdev_get_unmapped_area(addr, len, flags);
		mmap_read_unlock(mm);
		/*
		 * do_mmap() raises a hint below mmap_min_addr, which a module
		 * cannot read; a hint is only a hint, so drop it instead.
		 */
		if (where == -EPERM && addr) {
			addr = 0;
			continue;
		}
		if (IS_ERR_VALUE(where)) {
			ret = where;
			break;
		}
		ret = vm_mmap(file, where, len, prot,
			      flags | MAP_FIXED_NOREPLACE, where);
	}
	/* Only contention for the room: no room stays free for us. */
	if (ret == -EEXIST)
		ret = -ENOMEM;
out:
	fput(file);
	return ret;
}

/* Map a new object of @len bytes, shared. */
static unsigned long mapdev_anon_shared(unsigned long addr, unsigned long len,
					unsigned long prot, unsigned long flags)
{
	struct inode *inode;
	struct file *file;
	unsigned long ret;

	inode = mapdev_object_create(false);
	if (IS_ERR(inode))
		return PTR_ERR(inode);
	i_size_write(inode, PAGE_ALIGN(len));
	file = mapdev_object_file(inode, "mapdev:shared",
				  &mapdev_anon_shared_fops);
	if (IS_ERR(file)) {
		iput(inode);
		return PTR_ERR(file);
	}
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

/**
 * mapdev_anon_mmap() - map anonymous memory served by mapdev
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
unsigned long mapdev_anon_mmap(unsigned long addr, unsigned long len,
			       unsigned long prot, unsigned long flags)
{
	unsigned long ret;

	flags &= ~MAP_ANONYMOUS;
	switch (flags & MAP_TYPE) {
	case MAP_SHARED:
		/* As do_mmap(): a shared mapping cannot grow down. */
		if (flags & MAP_GROWSDOWN)
			return -EINVAL;
		ret = mapdev_anon_shared(addr, len, prot, flags);
		break;
	case MAP_PRIVATE:
		/*
		 * A file mapping cannot grow down either (do_mmap()): mapdev's
		 * anonymous memory is one, and refuses MAP_GROWSDOWN.
		 */
		if (flags & MAP_GROWSDOWN)
			return -EINVAL;
		ret = mapdev_anon_private(addr, len, prot, flags);
		break;
	default:
		/* MAP_SHARED_VALIDATE and others: do_mmap() has no file. */
		return -EINVAL;
	}
	return ret;
}
