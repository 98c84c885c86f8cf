// SPDX-License-Identifier: GPL-2.0
/*
 * A mapdev object behaves like a small regular file: read, write, pread,
 * pwrite, lseek, fsync and a size.  Each test runs on a mapdev object and
 * on a tmpfs file and asserts the same outcome on both.
 */
#define _GNU_SOURCE
#include "helpers.h"
#include "harness.h"

FIXTURE(object) {
	int fd;
	long page;
};

FIXTURE_VARIANT(object) {
	enum backend backend;
};

FIXTURE_VARIANT_ADD(object, mapdev) {
	.backend = BACKEND_MAPDEV,
};

FIXTURE_VARIANT_ADD(object, tmpfs) {
	.backend = BACKEND_TMPFS,
};

FIXTURE_SETUP(object)
{
	self->page = sysconf(_SC_PAGESIZE);
	self->fd = backend_open(variant->backend, O_RDWR);
	if (self->fd < 0 && variant->backend == BACKEND_MAPDEV &&
	    errno == ENOENT)
		SKIP(return, "%s is missing: load mapdev.ko", MAPDEV_DEV);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(object)
{
	if (self->fd >= 0)
		close(self->fd);
}

TEST_F(object, starts_empty)
{
	char c;

	ASSERT_EQ(0, backend_get_size(variant->backend, self->fd));
	ASSERT_EQ(0, read(self->fd, &c, 1));
	ASSERT_EQ(0, lseek(self->fd, 0, SEEK_END));
}

TEST_F(object, write_then_read)
{
	char buf[64] = "hello, object";
	char out[64] = { 0 };

	ASSERT_EQ(sizeof(buf), write(self->fd, buf, sizeof(buf)));
	ASSERT_EQ(sizeof(buf), backend_get_size(variant->backend, self->fd));
	ASSERT_EQ(0, lseek(self->fd, 0, SEEK_SET));
	ASSERT_EQ(sizeof(out), read(self->fd, out, sizeof(out)));
	ASSERT_EQ(0, memcmp(buf, out, sizeof(buf)));
	/* At the end, read returns 0. */
	ASSERT_EQ(0, read(self->fd, out, 1));
}

TEST_F(object, lseek_whence)
{
	ASSERT_EQ(0, fill(self->fd, 0, 'a', 3 * self->page));
	ASSERT_EQ(10, lseek(self->fd, 10, SEEK_SET));
	ASSERT_EQ(15, lseek(self->fd, 5, SEEK_CUR));
	ASSERT_EQ(3 * self->page - 1, lseek(self->fd, -1, SEEK_END));
	ASSERT_EQ(5 * self->page, lseek(self->fd, 2 * self->page, SEEK_END));
	ASSERT_EQ(-1, lseek(self->fd, -1, SEEK_SET));
	ASSERT_EQ(EINVAL, errno);
}

TEST_F(object, write_past_end_leaves_zero_hole)
{
	off_t off = 3 * self->page + 10;
	char *buf = malloc(off + 4);

	ASSERT_NE(NULL, buf);
	ASSERT_EQ(0, fill(self->fd, 0, 'x', 5));
	ASSERT_EQ(0, fill(self->fd, off, 'y', 4));
	ASSERT_EQ(off + 4, backend_get_size(variant->backend, self->fd));
	ASSERT_EQ(off + 4, pread(self->fd, buf, off + 4, 0));
	EXPECT_TRUE(all_bytes(buf, 'x', 5));
	EXPECT_TRUE(all_bytes(buf + 5, 0, off - 5));
	EXPECT_TRUE(all_bytes(buf + off, 'y', 4));
	free(buf);
}

TEST_F(object, pread_pwrite_keep_offset)
{
	char c = 0;

	ASSERT_EQ(0, fill(self->fd, 0, 'a', 100));
	ASSERT_EQ(7, lseek(self->fd, 7, SEEK_SET));
	ASSERT_EQ(1, pwrite(self->fd, "b", 1, 50));
	ASSERT_EQ(1, pread(self->fd, &c, 1, 50));
	ASSERT_EQ('b', c);
	ASSERT_EQ(7, lseek(self->fd, 0, SEEK_CUR));
	ASSERT_EQ(0, fsync(self->fd));
	ASSERT_EQ(0, fdatasync(self->fd));
}

TEST_F(object, append_mode)
{
	char buf[8];

	ASSERT_EQ(0, fill(self->fd, 0, 'a', 4));
	ASSERT_EQ(0, fcntl(self->fd, F_SETFL, O_APPEND));
	ASSERT_EQ(0, lseek(self->fd, 0, SEEK_SET));
	ASSERT_EQ(2, write(self->fd, "bb", 2));
	ASSERT_EQ(6, backend_get_size(variant->backend, self->fd));
	ASSERT_EQ(6, pread(self->fd, buf, sizeof(buf), 0));
	ASSERT_EQ(0, memcmp(buf, "aaaabb", 6));
}

TEST_F(object, grow_reads_zero)
{
	char *buf = malloc(4 * self->page);

	ASSERT_NE(NULL, buf);
	ASSERT_EQ(0, backend_set_size(variant->backend, self->fd,
				      4 * self->page));
	ASSERT_EQ(4 * self->page, backend_get_size(variant->backend, self->fd));
	memset(buf, 1, 4 * self->page);
	ASSERT_EQ(4 * self->page, pread(self->fd, buf, 4 * self->page, 0));
	EXPECT_TRUE(all_bytes(buf, 0, 4 * self->page));
	free(buf);
}

TEST_F(object, shrink_then_grow_loses_data)
{
	char *buf = malloc(2 * self->page);

	ASSERT_NE(NULL, buf);
	ASSERT_EQ(0, fill(self->fd, 0, 'z', 2 * self->page));
	ASSERT_EQ(0, backend_set_size(variant->backend, self->fd, 100));
	ASSERT_EQ(100, pread(self->fd, buf, 2 * self->page, 0));
	ASSERT_EQ(0, backend_set_size(variant->backend, self->fd,
				      2 * self->page));
	ASSERT_EQ(2 * self->page, pread(self->fd, buf, 2 * self->page, 0));
	EXPECT_TRUE(all_bytes(buf, 'z', 100));
	EXPECT_TRUE(all_bytes(buf + 100, 0, 2 * self->page - 100));
	free(buf);
}

TEST_F(object, set_size_needs_write_access)
{
	int ro = backend_open(variant->backend, O_RDONLY);

	ASSERT_LE(0, ro);
	ASSERT_EQ(-1, backend_set_size(variant->backend, ro, self->page));
	ASSERT_EQ(EINVAL, errno);
	ASSERT_EQ(-1, write(ro, "a", 1));
	ASSERT_EQ(EBADF, errno);
	close(ro);
}

TEST_F(object, dup_shares_object)
{
	int fd2 = dup(self->fd);
	char c = 0;

	ASSERT_LE(0, fd2);
	ASSERT_EQ(10, write(fd2, "dddddddddd", 10));
	ASSERT_EQ(10, backend_get_size(variant->backend, self->fd));
	ASSERT_EQ(1, pread(self->fd, &c, 1, 9));
	ASSERT_EQ('d', c);
	/* The file offset is shared too. */
	ASSERT_EQ(10, lseek(self->fd, 0, SEEK_CUR));
	close(fd2);
}

TEST_F(object, bad_user_pointer)
{
	void *bad = bad_address();

	ASSERT_NE(MAP_FAILED, bad);
	ASSERT_EQ(-1, write(self->fd, bad, 10));
	ASSERT_EQ(EFAULT, errno);
	ASSERT_EQ(0, fill(self->fd, 0, 'a', 10));
	ASSERT_EQ(-1, pread(self->fd, bad, 10, 0));
	ASSERT_EQ(EFAULT, errno);
}

/* The tests below are about mapdev's own interface: no tmpfs twin. */

TEST(each_open_is_a_new_object)
{
	int a = open(MAPDEV_DEV, O_RDWR);
	int b = open(MAPDEV_DEV, O_RDWR);
	__u64 size = 1;

	if (a < 0 && errno == ENOENT)
		SKIP(return, "%s is missing", MAPDEV_DEV);
	ASSERT_LE(0, a);
	ASSERT_LE(0, b);
	ASSERT_EQ(0, fill(a, 0, 'a', 100));
	ASSERT_EQ(0, ioctl(b, MAPDEV_IOC_GET_SIZE, &size));
	ASSERT_EQ(0, size);
	close(a);
	close(b);
}

TEST(size_ioctls_errors)
{
	int fd = open(MAPDEV_DEV, O_RDWR);
	__u64 size;

	if (fd < 0 && errno == ENOENT)
		SKIP(return, "%s is missing", MAPDEV_DEV);
	ASSERT_LE(0, fd);
	ASSERT_EQ(-1, ioctl(fd, MAPDEV_IOC_GET_SIZE, bad_address()));
	ASSERT_EQ(EFAULT, errno);
	ASSERT_EQ(-1, ioctl(fd, MAPDEV_IOC_SET_SIZE, bad_address()));
	ASSERT_EQ(EFAULT, errno);
	size = (__u64)INT64_MAX + 1;
	ASSERT_EQ(-1, ioctl(fd, MAPDEV_IOC_SET_SIZE, &size));
	ASSERT_EQ(EINVAL, errno);
	ASSERT_EQ(-1, ioctl(fd, _IO(MAPDEV_IOC_TYPE, 0x7f), &size));
	ASSERT_EQ(ENOTTY, errno);
	ASSERT_EQ(-1, ioctl(fd, _IOR('X', 0, __u64), &size));
	ASSERT_EQ(ENOTTY, errno);
	close(fd);
}

TEST(size_cap)
{
	long long max = read_sysfs_long("/sys/module/mapdev/parameters/max_size");
	int fd = open(MAPDEV_DEV, O_RDWR);
	__u64 size;

	if (fd < 0 && errno == ENOENT)
		SKIP(return, "%s is missing", MAPDEV_DEV);
	ASSERT_LE(0, fd);
	ASSERT_LT(0, max);

	size = max;
	ASSERT_EQ(0, ioctl(fd, MAPDEV_IOC_SET_SIZE, &size));
	size = max + 1;
	ASSERT_EQ(-1, ioctl(fd, MAPDEV_IOC_SET_SIZE, &size));
	ASSERT_EQ(EFBIG, errno);

	/* A write at the cap fails; one across it is cut short. */
	ASSERT_EQ(-1, pwrite(fd, "ab", 2, max));
	ASSERT_EQ(EFBIG, errno);
	ASSERT_EQ(1, pwrite(fd, "ab", 2, max - 1));
	ASSERT_EQ(0, ioctl(fd, MAPDEV_IOC_GET_SIZE, &size));
	ASSERT_EQ(max, size);
	/* Shrinking frees the one page written. */
	size = 0;
	ASSERT_EQ(0, ioctl(fd, MAPDEV_IOC_SET_SIZE, &size));
	close(fd);
}

TEST_HARNESS_MAIN
