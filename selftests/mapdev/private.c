// SPDX-License-Identifier: GPL-2.0
/*
 * MAP_PRIVATE mappings of an object: copy-on-write.  A private mapping
 * starts with the object's contents, follows the object for pages it has
 * not written, and its own writes reach no one else.  Each test runs on a
 * mapdev object and on a tmpfs file and asserts the same outcome on both.
 */
#define _GNU_SOURCE
#include <sys/wait.h>

#include "helpers.h"
#include "harness.h"

FIXTURE(private) {
	int fd;
	size_t page;
};

FIXTURE_VARIANT(private) {
	enum backend backend;
};

FIXTURE_VARIANT_ADD(private, mapdev) {
	.backend = BACKEND_MAPDEV,
};

FIXTURE_VARIANT_ADD(private, tmpfs) {
	.backend = BACKEND_TMPFS,
};

FIXTURE_SETUP(private)
{
	self->page = sysconf(_SC_PAGESIZE);
	self->fd = backend_open(variant->backend, O_RDWR);
	if (self->fd < 0 && variant->backend == BACKEND_MAPDEV &&
	    errno == ENOENT)
		SKIP(return, "%s is missing: load mapdev.ko", MAPDEV_DEV);
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, fill(self->fd, 0, 'o', 4 * self->page));
}

FIXTURE_TEARDOWN(private)
{
	if (self->fd >= 0)
		close(self->fd);
}

static char *map_private(int fd, size_t len, int prot)
{
	return mmap(NULL, len, prot, MAP_PRIVATE, fd, 0);
}

TEST_F(private, starts_with_object_contents)
{
	char *p = map_private(self->fd, 4 * self->page, PROT_READ);

	ASSERT_NE(MAP_FAILED, p);
	EXPECT_TRUE(all_bytes(p, 'o', 4 * self->page));
	ASSERT_EQ(0, munmap(p, 4 * self->page));
}

TEST_F(private, writes_stay_private)
{
	char *p = map_private(self->fd, 4 * self->page, PROT_READ | PROT_WRITE);
	char *s = mmap(NULL, 4 * self->page, PROT_READ, MAP_SHARED, self->fd, 0);
	char *q = map_private(self->fd, 4 * self->page, PROT_READ);
	char buf[8];

	ASSERT_NE(MAP_FAILED, p);
	ASSERT_NE(MAP_FAILED, s);
	ASSERT_NE(MAP_FAILED, q);
	memset(p + self->page, 'P', self->page);
	EXPECT_TRUE(all_bytes(p + self->page, 'P', self->page));
	/* Not in the object, not in a shared mapping, not in another private one. */
	ASSERT_EQ(8, pread(self->fd, buf, 8, self->page));
	EXPECT_TRUE(all_bytes(buf, 'o', 8));
	EXPECT_TRUE(all_bytes(s + self->page, 'o', self->page));
	EXPECT_TRUE(all_bytes(q + self->page, 'o', self->page));
	/* msync does not carry private writes either. */
	ASSERT_EQ(0, msync(p, 4 * self->page, MS_SYNC));
	ASSERT_EQ(8, pread(self->fd, buf, 8, self->page));
	EXPECT_TRUE(all_bytes(buf, 'o', 8));
	munmap(p, 4 * self->page);
	munmap(s, 4 * self->page);
	munmap(q, 4 * self->page);
}

/* Pages not yet written follow the object; written pages do not. */
TEST_F(private, unwritten_pages_follow_object)
{
	char *p = map_private(self->fd, 4 * self->page, PROT_READ | PROT_WRITE);

	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ('o', p[0]);
	p[self->page] = 'P';
	ASSERT_EQ(0, fill(self->fd, 0, 'n', 2 * self->page));
	EXPECT_EQ('n', p[0]);
	EXPECT_EQ('P', p[self->page]);
	EXPECT_EQ('o', p[self->page + 1]);
	ASSERT_EQ(0, munmap(p, 4 * self->page));
}

TEST_F(private, fork_copy_on_write)
{
	char *p = map_private(self->fd, 2 * self->page, PROT_READ | PROT_WRITE);
	int status;
	pid_t pid;

	ASSERT_NE(MAP_FAILED, p);
	p[0] = 'A';
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		if (p[0] != 'A')
			_exit(1);
		p[0] = 'B';
		p[self->page] = 'B';
		_exit(p[0] == 'B' ? 0 : 2);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));
	EXPECT_EQ('A', p[0]);
	EXPECT_EQ('o', p[self->page]);
	ASSERT_EQ(0, munmap(p, 2 * self->page));
}

TEST_F_SIGNAL(private, sigbus_past_end, SIGBUS)
{
	char *p = map_private(self->fd, 5 * self->page, PROT_READ | PROT_WRITE);

	ASSERT_NE(MAP_FAILED, p);
	p[4 * self->page] = 1;
}

/* A shrink drops even the private copies past the new end. */
TEST_F(private, shrink_drops_private_copies)
{
	char *p = map_private(self->fd, 4 * self->page, PROT_READ | PROT_WRITE);

	ASSERT_NE(MAP_FAILED, p);
	p[0] = 'P';
	p[3 * self->page] = 'P';
	ASSERT_EQ(0, backend_set_size(variant->backend, self->fd, self->page));
	EXPECT_EQ('P', p[0]);
	EXPECT_EQ(SIGBUS, probe_read(p + 3 * self->page));
	ASSERT_EQ(0, munmap(p, 4 * self->page));
}

TEST_F(private, tail_of_last_page_private)
{
	char *p;
	char c;

	ASSERT_EQ(0, backend_set_size(variant->backend, self->fd, 10));
	p = map_private(self->fd, self->page, PROT_READ | PROT_WRITE);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_TRUE(all_bytes(p, 'o', 10));
	EXPECT_TRUE(all_bytes(p + 10, 0, self->page - 10));
	p[20] = 'x';
	ASSERT_EQ(0, backend_set_size(variant->backend, self->fd, 100));
	ASSERT_EQ(1, pread(self->fd, &c, 1, 20));
	EXPECT_EQ(0, c);
	ASSERT_EQ(0, munmap(p, self->page));
}

TEST_F(private, mprotect_and_exec)
{
	char *p = map_private(self->fd, 2 * self->page, PROT_READ);

	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(SIGSEGV, probe_write(p, 1));
	ASSERT_EQ(0, mprotect(p, 2 * self->page, PROT_READ | PROT_WRITE));
	EXPECT_EQ(0, probe_write(p, 'w'));
	/* PROT_EXEC follows the mount, as for any file. */
	if (fd_noexec(self->fd)) {
		ASSERT_EQ(-1, mprotect(p, 2 * self->page, PROT_READ | PROT_EXEC));
		ASSERT_EQ(EACCES, errno);
	} else {
		ASSERT_EQ(0, mprotect(p, 2 * self->page, PROT_READ | PROT_EXEC));
	}
	EXPECT_EQ('w', p[0]);
	ASSERT_EQ(0, munmap(p, 2 * self->page));
}

TEST_F(private, mremap_keeps_copies)
{
	char *p = map_private(self->fd, 2 * self->page, PROT_READ | PROT_WRITE);
	char *q;

	ASSERT_NE(MAP_FAILED, p);
	p[0] = 'P';
	q = mremap(p, 2 * self->page, 4 * self->page, MREMAP_MAYMOVE);
	ASSERT_NE(MAP_FAILED, q);
	EXPECT_EQ('P', q[0]);
	EXPECT_EQ('o', q[3 * self->page]);
	ASSERT_EQ(0, munmap(q, 4 * self->page));
}

TEST_HARNESS_MAIN
