// SPDX-License-Identifier: GPL-2.0
/*
 * ioctl dispatch: one handler per command, found in a table.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/uaccess.h>

#include <linux/mapdev.h>

#include "mapdev.h"

static long mapdev_ioc_get_size(struct file *file, void __user *arg)
{
	u64 size = i_size_read(mapdev_file_object(file));

	return put_user(size, (u64 __user *)arg);
}

static long mapdev_ioc_set_size(struct file *file, void __user *arg)
{
	u64 size;

	if (get_user(size, (u64 __user *)arg))
		return -EFAULT;
	/* As ftruncate(2) on a file not open for writing. */
	if (!(file->f_mode & FMODE_WRITE))
		return -EINVAL;
	if (size > MAX_LFS_FILESIZE)
		return -EINVAL;
	return mapdev_object_set_size(mapdev_file_object(file), size);
}

struct mapdev_ioctl_desc {
	unsigned int cmd;
	long (*handler)(struct file *file, void __user *arg);
};

static const struct mapdev_ioctl_desc mapdev_ioctls[] = {
	{ MAPDEV_IOC_GET_SIZE, mapdev_ioc_get_size },
	{ MAPDEV_IOC_SET_SIZE, mapdev_ioc_set_size },
	{ MAPDEV_IOC_MMAP, mapdev_ioc_mmap },
	{ MAPDEV_IOC_MUNMAP, mapdev_ioc_munmap },
	{ MAPDEV_IOC_MADVISE, mapdev_ioc_madvise },
};

/**
 * mapdev_ioctl() - unlocked_ioctl for /dev/mapdev
 * @file: an open of /dev/mapdev
 * @cmd: a MAPDEV_IOC_* command
 * @arg: its argument, a user pointer
 *
 * Every argument's layout is the same for 32-bit and 64-bit callers, so
 * compat_ptr_ioctl() serves compat tasks with this function.
 *
 * Context: process context.
 * Return: the handler's result, or -ENOTTY for an unknown command.
 */
long mapdev_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(mapdev_ioctls); i++)
		if (mapdev_ioctls[i].cmd == cmd)
			return mapdev_ioctls[i].handler(file,
							(void __user *)arg);
	return -ENOTTY;
}
