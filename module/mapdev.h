/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internal interfaces of mapdev.ko.
 *
 * An object is an inode of mapdev's own pseudo filesystem: its pages live
 * in the inode's address_space, its size is i_size.  A file that refers to
 * an object (an open of /dev/mapdev, or the internal file behind an
 * anonymous mapping) has f_mapping pointing at that address_space, so the
 * core mm finds every mapping of the object through the mapping's i_mmap
 * tree.
 */
#ifndef MAPDEV_H
#define MAPDEV_H

#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/mount.h>
#include <linux/pagemap.h>
#include <linux/percpu.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>

extern unsigned long mapdev_max_size;
extern unsigned long mapdev_max_pages;
extern bool mapdev_huge;

/* Event counters, per CPU; /sys/class/misc/mapdev/stats shows their sums. */
enum mapdev_stat {
	MAPDEV_STAT_FAULT,		/* faults served an object's page */
	MAPDEV_STAT_FAULT_COW_HOLE,	/* private write faults on a hole */
	MAPDEV_STAT_FAULT_FILE,		/* file faults served from the page cache */
	MAPDEV_STAT_FAULT_FILE_FS,	/* file faults handed to the filesystem */
	MAPDEV_STAT_FAULT_FILE_AROUND,	/* file fault-around (->map_pages) calls */
	MAPDEV_STAT_MMAP,		/* mappings made by MAPDEV_IOC_MMAP */
	MAPDEV_STAT_MUNMAP,		/* MAPDEV_IOC_MUNMAP calls that succeeded */
	MAPDEV_STAT_FILE_NATIVE,	/* file mappings left to the filesystem */
	MAPDEV_STAT_HUGE,		/* huge folios added to objects */
	MAPDEV_STAT_HUGE_FALLBACK,	/* small folios where a huge one failed */
	MAPDEV_NR_STATS,
};

DECLARE_PER_CPU(unsigned long[MAPDEV_NR_STATS], mapdev_stats);

static inline void mapdev_count(enum mapdev_stat stat)
{
	this_cpu_inc(mapdev_stats[stat]);
}

/*
 * The private anonymous objects of the processes that map through one open
 * of /dev/mapdev (anon.c): one per mm, kept while the open and the mm live.
 */
struct mapdev_anon_cache {
	spinlock_t lock;		/* protects list */
	struct list_head list;		/* of struct mapdev_anon */
};

/* What an open of /dev/mapdev owns: file->private_data. */
struct mapdev_open {
	struct inode *object;		/* its object; a reference */
	struct mapdev_anon_cache anon;
};

static inline struct mapdev_open *mapdev_open_of(struct file *file)
{
	return file->private_data;
}

/* main.c */
bool mapdev_file_is_object(struct file *file);

/* object.c */
#define MAPDEV_OBJ_RECLAIMABLE	0x1UL	/* pages never dirtied: reclaimable */
#define MAPDEV_OBJ_FIXED_SIZE	0x2UL	/* the size never shrinks */

/* Has the page at @index of @folio, a page-cache folio, a memory error? */
static inline bool mapdev_page_poisoned(struct folio *folio, pgoff_t index)
{
	return PageHWPoison(folio_file_page(folio, index));
}

/* Is @inode an object whose size never shrinks? */
static inline bool mapdev_object_fixed_size(struct inode *inode)
{
	return (unsigned long)inode->i_private & MAPDEV_OBJ_FIXED_SIZE;
}

void mapdev_object_exit(void);
struct inode *mapdev_object_create(unsigned long flags);
void mapdev_object_put(struct inode *inode);
struct file *mapdev_object_file(struct inode *inode, const char *name,
				int oflags, const struct file_operations *fops);
int mapdev_object_file_release(struct inode *inode, struct file *file);
struct folio *mapdev_object_folio(struct address_space *mapping,
				  pgoff_t index, bool huge);
int mapdev_object_set_size(struct inode *inode, loff_t size);
ssize_t mapdev_object_read(struct kiocb *iocb, struct iov_iter *to);
ssize_t mapdev_object_write(struct kiocb *iocb, struct iov_iter *from);
long mapdev_nr_pages(void);
long mapdev_nr_pinned(void);
long mapdev_nr_objects(void);

/* vm.c */
int mapdev_mmap(struct file *file, struct vm_area_struct *vma);

/* anon.c */
void mapdev_anon_cache_init(struct mapdev_anon_cache *cache);
void mapdev_anon_cache_release(struct mapdev_anon_cache *cache);
void mapdev_anon_unmapped(struct mapdev_anon_cache *cache, unsigned long addr,
			  unsigned long len);
int mapdev_anon_hugetlb_errno(unsigned long flags);
unsigned long mapdev_anon_mmap(struct mapdev_anon_cache *cache,
			       unsigned long addr, unsigned long len,
			       unsigned long prot, unsigned long flags);
unsigned long mapdev_anon_zero_mmap(struct mapdev_anon_cache *cache,
				    struct file *file, unsigned long addr,
				    unsigned long len, unsigned long prot,
				    unsigned long flags, unsigned long pgoff);
bool mapdev_anon_vma(struct vm_area_struct *vma);

/* advise.c */
long mapdev_ioc_madvise(struct file *file, void __user *arg);

/* path_noexec(), which is not exported. */
static inline bool mapdev_path_noexec(const struct path *path)
{
	return (path->mnt->mnt_flags & MNT_NOEXEC) ||
	       (path->mnt->mnt_sb->s_iflags & SB_I_NOEXEC);
}

/* file.c */
bool mapdev_file_is_hugetlb(struct file *file);
bool mapdev_file_is_zero(struct file *file);
int mapdev_file_checks(struct file *file, unsigned long prot,
		       unsigned long flags);
unsigned long mapdev_file_mmap(struct file *file, unsigned long addr,
			       unsigned long len, unsigned long prot,
			       unsigned long flags, u64 pgoff);
void mapdev_file_opened(void);
void mapdev_file_closed(void);
void mapdev_file_exit(void);

/* map.c */
long mapdev_ioc_mmap(struct file *file, void __user *arg);
long mapdev_ioc_munmap(struct file *file, void __user *arg);

/* ioctl.c */
long mapdev_ioctl(struct file *file, unsigned int cmd, unsigned long arg);

/**
 * mapdev_copy_request() - copy in an extensible request
 * @dst: the kernel's struct
 * @ksize: its size
 * @uarg: the caller's struct, whose first field is its __u32 size
 * @ver0: the smallest size of the struct
 * @usize: where the caller's size goes
 *
 * The rules of <linux/mapdev.h>: a size below @ver0 is EINVAL, above a
 * page E2BIG, and fields the kernel does not know must be zero
 * (copy_struct_from_user()).
 *
 * Inline, so that copy_struct_from_user() still checks @ksize against the
 * size of what @dst points to.
 *
 * Context: process context.
 * Return: 0, or -EFAULT, -EINVAL or -E2BIG.
 */
static __always_inline int mapdev_copy_request(void *dst, size_t ksize,
					       const void __user *uarg,
					       u32 ver0, u32 *usize)
{
	if (get_user(*usize, (const u32 __user *)uarg))
		return -EFAULT;
	if (*usize < ver0)
		return -EINVAL;
	if (*usize > PAGE_SIZE)
		return -E2BIG;
	return copy_struct_from_user(dst, ksize, uarg, *usize);
}

/**
 * mapdev_file_object() - the object a file refers to
 * @file: a file whose f_mapping is an object's address_space
 *
 * Return: the object's inode.
 */
static inline struct inode *mapdev_file_object(struct file *file)
{
	return file->f_mapping->host;
}

#endif /* MAPDEV_H */
