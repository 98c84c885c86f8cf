// SPDX-License-Identifier: GPL-2.0
/*
 * Lifetimes: the module stays loaded while an object or a mapping exists,
 * and the page and object counters in sysfs return to where they were
 * when the last reference goes.
 */
#define _GNU_SOURCE
#include <sys/syscall.h>

#include "helpers.h"
#include "harness.h"

static long mapdev_objects(void)
{
	return read_sysfs_long(MAPDEV_SYSFS "objects");
}

/* delete_module(2) with O_NONBLOCK: what rmmod does, without waiting. */
static int try_unload(void)
{
	return syscall(SYS_delete_module, "mapdev", O_NONBLOCK);
}

TEST(unload_refused_while_in_use)
{
	size_t page = sysconf(_SC_PAGESIZE);
	int fd = open(MAPDEV_DEV, O_RDWR);
	char *p;

	if (fd < 0 && errno == ENOENT)
		SKIP(return, "%s is missing", MAPDEV_DEV);
	ASSERT_LE(0, fd);
	if (geteuid())
		SKIP(return, "unloading needs root");

	/* An open object pins the module (rmmod says "in use"). */
	ASSERT_EQ(-1, try_unload());
	ASSERT_EQ(EWOULDBLOCK, errno);

	/* So does a mapping whose fd is closed. */
	p = mmap(NULL, page, PROT_READ, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	close(fd);
	ASSERT_EQ(-1, try_unload());
	ASSERT_EQ(EWOULDBLOCK, errno);
	ASSERT_EQ(0, munmap(p, page));
}

/* A file mapped through the device pins the module after the fd is gone. */
TEST(unload_refused_with_a_file_mapping)
{
	size_t page = sysconf(_SC_PAGESIZE);
	struct mapdev_mmap req = {
		.size = sizeof(req), .length = page, .prot = PROT_READ,
		.map_flags = MAP_SHARED,
	};
	int dev = open(MAPDEV_DEV, O_RDWR);
	int fd = memfd_create("pin", 0);

	if (dev < 0 && errno == ENOENT)
		SKIP(return, "%s is missing", MAPDEV_DEV);
	if (geteuid())
		SKIP(return, "unloading needs root");
	ASSERT_LE(0, dev);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ftruncate(fd, page));
	req.fd = fd;
	ASSERT_EQ(0, ioctl(dev, MAPDEV_IOC_MMAP, &req));
	close(dev);
	close(fd);
	/* Only the mapping is left, and a fork's copy of it. */
	ASSERT_EQ(-1, try_unload());
	ASSERT_EQ(EWOULDBLOCK, errno);
	ASSERT_EQ(0, munmap((void *)(uintptr_t)req.addr, page));
}

TEST(counters_follow_references)
{
	size_t page = sysconf(_SC_PAGESIZE);
	long pages0 = mapdev_pages();
	long objects0 = mapdev_objects();
	int fd = open(MAPDEV_DEV, O_RDWR);
	__u64 size;
	char *p;

	if (fd < 0 && errno == ENOENT)
		SKIP(return, "%s is missing", MAPDEV_DEV);
	ASSERT_LE(0, fd);
	ASSERT_LE(0, pages0);
	ASSERT_EQ(objects0 + 1, mapdev_objects());

	/* write(2) allocates the pages it writes, and only those. */
	ASSERT_EQ(0, fill(fd, 2 * page, 'c', 2 * page));
	ASSERT_EQ(pages0 + 2, mapdev_pages());

	/* Faults allocate what they touch. */
	size = 12 * page;
	ASSERT_EQ(0, ioctl(fd, MAPDEV_IOC_SET_SIZE, &size));
	ASSERT_EQ(pages0 + 2, mapdev_pages());
	p = mmap(NULL, 12 * page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	p[8 * page] = 1;
	read_byte(p + 10 * page);
	ASSERT_EQ(pages0 + 4, mapdev_pages());

	/* A shrink frees the pages past the new end. */
	size = 9 * page;
	ASSERT_EQ(0, ioctl(fd, MAPDEV_IOC_SET_SIZE, &size));
	ASSERT_EQ(pages0 + 3, mapdev_pages());

	/* The mapping keeps the object alive after close... */
	close(fd);
	ASSERT_EQ(objects0 + 1, mapdev_objects());
	ASSERT_EQ(pages0 + 3, mapdev_pages());
	/* ...and its end frees everything. */
	ASSERT_EQ(0, munmap(p, 12 * page));
	ASSERT_EQ(objects0, mapdev_objects());
	ASSERT_EQ(pages0, mapdev_pages());
}

TEST(private_copies_are_not_object_pages)
{
	size_t page = sysconf(_SC_PAGESIZE);
	int fd = open(MAPDEV_DEV, O_RDWR);
	long pages0;
	char *p;

	if (fd < 0 && errno == ENOENT)
		SKIP(return, "%s is missing", MAPDEV_DEV);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, fill(fd, 0, 'o', 2 * page));
	pages0 = mapdev_pages();
	p = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	p[0] = 'p';
	p[page] = 'p';
	/* The copies are the mapping's anonymous pages, not the object's. */
	ASSERT_EQ(pages0, mapdev_pages());
	ASSERT_EQ(0, munmap(p, 2 * page));
	close(fd);
}

TEST_HARNESS_MAIN
