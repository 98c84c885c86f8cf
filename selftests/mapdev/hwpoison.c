// SPDX-License-Identifier: GPL-2.0
/*
 * A memory error in an object's page (injected with MADV_HWPOISON, which
 * needs root and CONFIG_MEMORY_FAILURE), compared with a memfd: the page
 * is never read again, by read(2), write(2) or a new mapping (EIO,
 * SIGBUS), while its neighbours keep their data.
 *
 * Each run takes one page of the machine out of use for good.
 */
#define _GNU_SOURCE
#include "helpers.h"
#include "harness.h"

#ifndef MADV_HWPOISON
#define MADV_HWPOISON	100
#endif

/*
 * MADV_HWPOISON acts as a memory error the caller consumed: the caller
 * gets SIGBUS (BUS_MCEERR_AR) as the call returns.  Survive that one.
 */
static void ignore_sigbus(int sig)
{
	(void)sig;
}

static int inject(void *addr, size_t len)
{
	struct sigaction sa = { .sa_handler = ignore_sigbus }, old;
	int ret, err;

	sigaction(SIGBUS, &sa, &old);
	ret = madvise(addr, len, MADV_HWPOISON);
	err = errno;
	sigaction(SIGBUS, &old, NULL);
	errno = err;
	return ret;
}

FIXTURE(hwpoison) {
	size_t page;
	int fd;
	char *map;
};

FIXTURE_VARIANT(hwpoison) {
	enum backend b;
};

FIXTURE_VARIANT_ADD(hwpoison, tmpfs) { .b = BACKEND_TMPFS };
FIXTURE_VARIANT_ADD(hwpoison, mapdev) { .b = BACKEND_MAPDEV };

FIXTURE_SETUP(hwpoison)
{
	self->page = sysconf(_SC_PAGESIZE);
	self->fd = -1;
	self->map = MAP_FAILED;
	if (geteuid())
		SKIP(return, "MADV_HWPOISON needs root");
	if (variant->b == BACKEND_MAPDEV && access(MAPDEV_DEV, F_OK))
		SKIP(return, "%s is missing: load mapdev.ko", MAPDEV_DEV);
	self->fd = backend_open(variant->b, O_RDWR);
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, fill(self->fd, 0, 'a', self->page));
	ASSERT_EQ(0, fill(self->fd, self->page, 'b', self->page));
	self->map = mmap(NULL, 2 * self->page, PROT_READ | PROT_WRITE,
			 MAP_SHARED, self->fd, 0);
	ASSERT_NE(MAP_FAILED, self->map);
	ASSERT_EQ('a', self->map[0]);
	/*
	 * mapdev keeps the poisoned page in the object, where memory_failure()
	 * counts the page cache's reference as a user and reports the page
	 * as not recovered (EBUSY); it is poisoned and unmapped all the same.
	 * shmem's page cache is the one it expects (shmem_mapping()).
	 */
	if (inject(self->map, self->page) &&
	    !(variant->b == BACKEND_MAPDEV && errno == EBUSY)) {
		if (errno == EINVAL || errno == EPERM)
			SKIP(return, "no MADV_HWPOISON here: %s", strerror(errno));
		ASSERT_EQ(0, errno);
	}
}

FIXTURE_TEARDOWN(hwpoison)
{
	if (self->map != MAP_FAILED)
		munmap(self->map, 2 * self->page);
	if (self->fd >= 0)
		close(self->fd);
}

TEST_F(hwpoison, mapping_raises_sigbus)
{
	EXPECT_EQ(SIGBUS, probe_read(self->map));
	EXPECT_EQ(0, probe_read(self->map + self->page));
	EXPECT_EQ('b', self->map[self->page]);
}

TEST_F(hwpoison, read_and_write_fail_with_eio)
{
	char *buf = malloc(self->page);

	ASSERT_NE(NULL, buf);
	EXPECT_EQ(-1, pread(self->fd, buf, self->page, 0));
	EXPECT_EQ(EIO, errno);
	EXPECT_EQ(-1, pwrite(self->fd, buf, 16, 8));
	EXPECT_EQ(EIO, errno);
	/* The next page is intact. */
	EXPECT_EQ((ssize_t)self->page, pread(self->fd, buf, self->page,
					     self->page));
	EXPECT_TRUE(all_bytes(buf, 'b', self->page));
	free(buf);
}

TEST_F(hwpoison, new_mapping_raises_sigbus)
{
	char *p = mmap(NULL, 2 * self->page, PROT_READ, MAP_SHARED, self->fd, 0);

	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(SIGBUS, probe_read(p));
	EXPECT_EQ(0, probe_read(p + self->page));
	EXPECT_EQ('b', p[self->page]);
	munmap(p, 2 * self->page);
}

/* The object's pages, the poisoned one too, are counted back at close. */
TEST_F(hwpoison, pages_counted_back)
{
	long before;

	if (variant->b != BACKEND_MAPDEV)
		SKIP(return, "mapdev's own page counter");
	before = mapdev_pages();
	munmap(self->map, 2 * self->page);
	self->map = MAP_FAILED;
	close(self->fd);
	self->fd = -1;
	EXPECT_EQ(before - 2, mapdev_pages());
}

TEST_HARNESS_MAIN
