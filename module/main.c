// SPDX-License-Identifier: GPL-2.0
/*
 * mapdev: mmap(2) served by a misc device's own fault handlers.
 *
 * Every open() of /dev/mapdev creates a new, empty object (see object.c)
 * owned by that open file description; read, write, lseek, fsync, mmap
 * and the ioctls of <linux/mapdev.h> act on it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/sizes.h>
#include <linux/slab.h>

#include "mapdev.h"

unsigned long mapdev_max_size = SZ_4G;
module_param_named(max_size, mapdev_max_size, ulong, 0644);
MODULE_PARM_DESC(max_size,
		 "Largest size of an object in bytes; write(2) and MAPDEV_IOC_SET_SIZE fail with EFBIG past it (default 4 GiB)");

/*
 * Set to half of RAM at load, as a tmpfs mount's size, unless given; 0
 * given later allows no page at all.
 */
unsigned long mapdev_max_pages;
module_param_named(max_pages, mapdev_max_pages, ulong, 0644);
MODULE_PARM_DESC(max_pages,
		 "Most pages all objects and shared anonymous memory may hold together; past it write(2) fails with ENOSPC and faults raise SIGBUS, as on a full tmpfs (default: half of RAM)");

/*
 * Read when a folio is added to an object; changing it leaves the folios
 * already there as they are.
 */
bool mapdev_huge = true;
module_param_named(huge, mapdev_huge, bool, 0644);
MODULE_PARM_DESC(huge,
		 "Give objects and shared anonymous memory PMD-sized folios where a naturally aligned 2 MiB range lies inside the object (default: on)");

static int mapdev_open(struct inode *inode, struct file *file)
{
	struct mapdev_open *open;

	open = kzalloc(sizeof(*open), GFP_KERNEL_ACCOUNT);
	if (!open)
		return -ENOMEM;
	open->object = mapdev_object_create(0);
	if (IS_ERR(open->object)) {
		int err = PTR_ERR(open->object);

		kfree(open);
		return err;
	}
	mapdev_anon_cache_init(&open->anon);
	mapdev_file_opened();

	/*
	 * From here @open is owned by this open file description and freed
	 * in mapdev_release().  Pointing f_mapping at the object makes
	 * mappings of this file mappings of the object.
	 */
	file->private_data = open;
	file->f_mapping = open->object->i_mapping;
	file->f_mode |= FMODE_ATOMIC_POS;
	return 0;
}

static int mapdev_release(struct inode *inode, struct file *file)
{
	struct mapdev_open *open = file->private_data;

	mapdev_anon_cache_release(&open->anon);
	mapdev_file_closed();
	mapdev_object_put(open->object);
	kfree(open);
	return 0;
}

/* Opens of /dev/mapdev; internal files of objects have their own. */
static const struct file_operations mapdev_fops;

/**
 * mapdev_file_is_object() - is @file an open of /dev/mapdev?
 * @file: any file
 *
 * Return: true if @file's f_mapping is the object mapdev_open() made.
 */
bool mapdev_file_is_object(struct file *file)
{
	return file->f_op == &mapdev_fops;
}

static const struct file_operations mapdev_fops = {
	.owner		= THIS_MODULE,
	.open		= mapdev_open,
	.release	= mapdev_release,
	.llseek		= generic_file_llseek,
	.read_iter	= mapdev_object_read,
	.write_iter	= mapdev_object_write,
	.fsync		= noop_fsync,
	.mmap		= mapdev_mmap,
	/* PMD-aligned where the offset allows, for huge folios. */
	.get_unmapped_area = thp_get_unmapped_area,
	.unlocked_ioctl	= mapdev_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
};

static ssize_t pages_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	return sysfs_emit(buf, "%ld\n", mapdev_nr_pages());
}
static DEVICE_ATTR_RO(pages);

static ssize_t pinned_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	return sysfs_emit(buf, "%ld\n", mapdev_nr_pinned());
}
static DEVICE_ATTR_RO(pinned);

static ssize_t objects_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%ld\n", mapdev_nr_objects());
}
static DEVICE_ATTR_RO(objects);

DEFINE_PER_CPU(unsigned long[MAPDEV_NR_STATS], mapdev_stats);

static const char * const mapdev_stat_names[MAPDEV_NR_STATS] = {
	[MAPDEV_STAT_FAULT]		= "fault",
	[MAPDEV_STAT_FAULT_COW_HOLE]	= "fault_cow_hole",
	[MAPDEV_STAT_FAULT_FILE]	= "fault_file",
	[MAPDEV_STAT_FAULT_FILE_FS]	= "fault_file_fs",
	[MAPDEV_STAT_FAULT_FILE_AROUND]	= "fault_file_around",
	[MAPDEV_STAT_MMAP]		= "mmap",
	[MAPDEV_STAT_MUNMAP]		= "munmap",
	[MAPDEV_STAT_FILE_NATIVE]	= "file_native",
	[MAPDEV_STAT_HUGE]		= "huge",
	[MAPDEV_STAT_HUGE_FALLBACK]	= "huge_fallback",
};

static ssize_t stats_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	int len = 0;
	int i, cpu;

	for (i = 0; i < MAPDEV_NR_STATS; i++) {
		unsigned long sum = 0;

		for_each_possible_cpu(cpu)
			sum += per_cpu(mapdev_stats[i], cpu);
		len += sysfs_emit_at(buf, len, "%s %lu\n",
				     mapdev_stat_names[i], sum);
	}
	return len;
}
static DEVICE_ATTR_RO(stats);

static struct attribute *mapdev_attrs[] = {
	&dev_attr_pages.attr,
	&dev_attr_pinned.attr,
	&dev_attr_objects.attr,
	&dev_attr_stats.attr,
	NULL,
};
ATTRIBUTE_GROUPS(mapdev);

/* Mode 0666: an object grants no more than a private tmpfs file would. */
static struct miscdevice mapdev_misc = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "mapdev",
	.fops	= &mapdev_fops,
	.groups	= mapdev_groups,
	.mode	= 0666,
};

static int __init mapdev_init(void)
{
	if (!mapdev_max_pages)
		mapdev_max_pages = totalram_pages() / 2;
	return misc_register(&mapdev_misc);
}

static void __exit mapdev_exit(void)
{
	misc_deregister(&mapdev_misc);
	mapdev_file_exit();
	mapdev_object_exit();
}

module_init(mapdev_init);
module_exit(mapdev_exit);

MODULE_DESCRIPTION("mmap(2) served by a device's own fault handlers");
MODULE_LICENSE("GPL");
