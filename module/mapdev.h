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

extern unsigned long mapdev_max_size;

/* object.c */
int mapdev_object_init(void);
void mapdev_object_exit(void);
struct inode *mapdev_object_create(void);
struct folio *mapdev_object_folio(struct address_space *mapping,
				  pgoff_t index);
int mapdev_object_set_size(struct inode *inode, loff_t size);
ssize_t mapdev_object_read(struct kiocb *iocb, struct iov_iter *to);
ssize_t mapdev_object_write(struct kiocb *iocb, struct iov_iter *from);
long mapdev_nr_pages(void);
long mapdev_nr_objects(void);

/* vm.c */
int mapdev_mmap(struct file *file, struct vm_area_struct *vma);

/* ioctl.c */
long mapdev_ioctl(struct file *file, unsigned int cmd, unsigned long arg);

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
