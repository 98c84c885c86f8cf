// SPDX-License-Identifier: GPL-2.0
/*
 * Lifetimes: the module stays loaded while an object or a mapping exists,
 * and the page and object counters in sysfs return to where they were
 * when the last reference goes.
 */
#define _GNU_SOURCE
#include <sys/syscall.h>
#include <time.h>

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

static long module_refcnt(void)
{
	return read_sysfs_long("/sys/module/mapdev/refcnt");
}

/* MAPDEV_IOC_MMAP of @len bytes of @fd (or anonymous memory: -1). */
static char *dev_mmap(int dev, size_t len, int flags, int fd)
{
	struct mapdev_mmap req = {
		.size = sizeof(req), .length = len,
		.prot = PROT_READ | PROT_WRITE,
		.map_flags = flags | (fd < 0 ? MAP_ANONYMOUS : 0),
		.fd = fd,
	};

	if (ioctl(dev, MAPDEV_IOC_MMAP, &req))
		return MAP_FAILED;
	return (char *)(uintptr_t)req.addr;
}

/*
 * mapdev's copy of a filesystem's vm_operations lives while VMAs use it
 * and while /dev/mapdev is open (it is kept for the next mapping): it
 * holds one module reference, however many VMAs share it; the last close
 * of the device after the last unmap frees it.
 */
TEST(vm_ops_copy_lives_with_its_vmas_and_opens)
{
	size_t page = sysconf(_SC_PAGESIZE);
	long idle = module_refcnt();
	int dev = open(MAPDEV_DEV, O_RDWR);
	int fd = memfd_create("copy", 0);
	long base;
	char *a, *b;
	pid_t pid;
	int status;

	if (dev < 0 && errno == ENOENT)
		SKIP(return, "%s is missing", MAPDEV_DEV);
	ASSERT_LE(0, dev);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ftruncate(fd, 4 * page));
	/* The open holds references (its own, its object's superblock). */
	base = module_refcnt();
	ASSERT_LT(0, base);

	a = dev_mmap(dev, 4 * page, MAP_SHARED, fd);
	ASSERT_NE(MAP_FAILED, a);
	EXPECT_EQ(base + 1, module_refcnt());
	b = dev_mmap(dev, 2 * page, MAP_PRIVATE, fd);
	ASSERT_NE(MAP_FAILED, b);
	a[0] = 'a';
	EXPECT_EQ('a', b[0]);
	/* Split: one copy still. */
	ASSERT_EQ(0, mprotect(a + page, page, PROT_READ));
	EXPECT_EQ(base + 1, module_refcnt());

	/* A child's VMAs share the copy, and outlive the parent's. */
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		usleep(100000);
		_exit(a[0] == 'a' && module_refcnt() == base + 1 ? 0 : 1);
	}
	ASSERT_EQ(0, munmap(a, 4 * page));
	ASSERT_EQ(0, munmap(b, 2 * page));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	/* No VMA uses it now; the open keeps it for the next mapping. */
	EXPECT_EQ(base + 1, module_refcnt());

	a = dev_mmap(dev, page, MAP_SHARED, fd);
	ASSERT_NE(MAP_FAILED, a);
	EXPECT_EQ(base + 1, module_refcnt());
	ASSERT_EQ(0, munmap(a, page));
	EXPECT_EQ(base + 1, module_refcnt());
	close(fd);
	/* The last close frees it, and drops the open's references. */
	close(dev);
	EXPECT_EQ(idle, module_refcnt());
}

/* The "major:minor" of the mapping holding @addr in /proc/self/maps. */
static bool maps_dev(const void *addr, char dev[16])
{
	char line[512];

	return maps_line(addr, line, sizeof(line)) &&
	       sscanf(line, "%*x-%*x %*s %*x %15s", dev) == 1;
}

/*
 * Objects live on one superblock, whatever opened and closed in between:
 * a mapping that outlives every open of the device keeps it, and a new
 * open uses it (a superblock per object would take an anonymous device
 * number each, a resource all mounts share).
 */
TEST(one_superblock_for_all_objects)
{
	size_t page = sysconf(_SC_PAGESIZE);
	char dev_a[16], dev_b[16];
	char *a, *b;
	int dev;

	dev = open(MAPDEV_DEV, O_RDWR);
	if (dev < 0 && errno == ENOENT)
		SKIP(return, "%s is missing", MAPDEV_DEV);
	ASSERT_LE(0, dev);
	a = dev_mmap(dev, page, MAP_SHARED, -1);
	ASSERT_NE(MAP_FAILED, a);
	close(dev);
	dev = open(MAPDEV_DEV, O_RDWR);
	ASSERT_LE(0, dev);
	b = dev_mmap(dev, page, MAP_SHARED, -1);
	ASSERT_NE(MAP_FAILED, b);
	close(dev);
	ASSERT_TRUE(maps_dev(a, dev_a));
	ASSERT_TRUE(maps_dev(b, dev_b));
	EXPECT_STREQ(dev_a, dev_b);
	munmap(a, page);
	munmap(b, page);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int load_module(const char *ko)
{
	int fd = open(ko, O_RDONLY | O_CLOEXEC);
	int ret;

	if (fd < 0)
		return -1;
	ret = syscall(SYS_finit_module, fd, "", 0);
	close(fd);
	/* devtmpfs makes the node as the device registers. */
	return ret;
}

/*
 * The last unmap of memory served by mapdev against rmmod: rmmod may only
 * succeed once no mapdev code can run any more.  A child maps anonymous
 * private and shared memory and a file through the device, closes it and
 * unmaps everything while the parent keeps trying delete_module(2); when
 * the unload wins, the module is loaded again.  An unload that came too
 * early runs freed code: a crash in the child or a splat (the runner
 * checks dmesg; the debug kernel unmaps freed module memory).
 */
TEST(rmmod_vs_last_unmap)
{
	const char *ko = getenv("MAPDEV_KO");
	size_t page = sysconf(_SC_PAGESIZE);
	double end = now() + 3;
	int rounds = 0, unloaded = 0;

	if (geteuid())
		SKIP(return, "unloading needs root");
	if (!ko || access(ko, R_OK))
		SKIP(return, "MAPDEV_KO names no module file to load again");
	if (access(MAPDEV_DEV, F_OK))
		SKIP(return, "%s is missing", MAPDEV_DEV);

	while (now() < end && rounds < 500) {
		bool gone = false, reaped = false;
		int ready[2], status = 0;
		pid_t pid;
		char c;

		ASSERT_EQ(0, pipe(ready));
		pid = fork();
		ASSERT_LE(0, pid);
		if (pid == 0) {
			int dev = open(MAPDEV_DEV, O_RDWR);
			int fd = memfd_create("race", 0);
			char *p[3];
			int i;

			if (dev < 0 || fd < 0 || ftruncate(fd, page))
				_exit(2);
			p[0] = dev_mmap(dev, page, MAP_PRIVATE, -1);
			p[1] = dev_mmap(dev, page, MAP_SHARED, -1);
			p[2] = dev_mmap(dev, page, MAP_SHARED, fd);
			close(dev);
			close(fd);
			for (i = 0; i < 3; i++) {
				if (p[i] == MAP_FAILED)
					_exit(3);
				p[i][0] = 1;
			}
			if (write(ready[1], "r", 1) != 1)
				_exit(4);
			for (i = 0; i < 3; i++)
				munmap(p[i], page);
			_exit(0);
		}
		close(ready[1]);
		if (read(ready[0], &c, 1) == 1) {
			/* Unload as soon as the module is free, racing the unmaps. */
			while (!gone && !reaped) {
				gone = !try_unload();
				if (!gone)
					reaped = waitpid(pid, &status, WNOHANG) == pid;
			}
			/* After the child's exit nothing holds the module. */
			if (!gone)
				gone = !try_unload();
		}
		close(ready[0]);
		if (!reaped)
			ASSERT_EQ(pid, waitpid(pid, &status, 0));
		EXPECT_TRUE(WIFEXITED(status));
		EXPECT_EQ(0, WEXITSTATUS(status));
		if (gone) {
			unloaded++;
			ASSERT_EQ(0, load_module(ko));
			while (access(MAPDEV_DEV, F_OK))
				usleep(1000);
		}
		rounds++;
	}
	TH_LOG("%d rounds, %d unloads right after the last unmap", rounds,
	       unloaded);
	EXPECT_LT(0, unloaded);
	if (access("/sys/module/mapdev", F_OK))
		ASSERT_EQ(0, load_module(ko));
}

TEST_HARNESS_MAIN
