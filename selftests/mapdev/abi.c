// SPDX-License-Identifier: GPL-2.0
/*
 * The ioctl ABI of <linux/mapdev.h>: layout, the extensible-struct rules
 * (copy_struct_from_user), reserved fields, bad pointers and unknown
 * commands.  Built 64-bit and 32-bit: the 32-bit build goes through the
 * compat ioctl path.
 */
#define _GNU_SOURCE
#include <assert.h>
#include <stddef.h>

#include "helpers.h"
#include "harness.h"

/* The layout is the same for 32-bit and 64-bit callers. */
static_assert(sizeof(struct mapdev_mmap) == MAPDEV_MMAP_SIZE_VER0, "size");
static_assert(offsetof(struct mapdev_mmap, addr) == 8, "addr");
static_assert(offsetof(struct mapdev_mmap, length) == 16, "length");
static_assert(offsetof(struct mapdev_mmap, offset) == 24, "offset");
static_assert(offsetof(struct mapdev_mmap, prot) == 32, "prot");
static_assert(offsetof(struct mapdev_mmap, fd) == 40, "fd");
static_assert(sizeof(struct mapdev_munmap) == MAPDEV_MUNMAP_SIZE_VER0, "size");
static_assert(offsetof(struct mapdev_munmap, addr) == 8, "addr");

/* A request followed by room for a larger, future version of it. */
struct mmap_ext {
	struct mapdev_mmap req;
	__u64 tail[4];
};

FIXTURE(abi) {
	int dev;
	size_t page;
	struct mmap_ext ext;
};

FIXTURE_SETUP(abi)
{
	self->page = sysconf(_SC_PAGESIZE);
	self->dev = open(MAPDEV_DEV, O_RDWR | O_CLOEXEC);
	if (self->dev < 0 && errno == ENOENT)
		SKIP(return, "%s is missing: load mapdev.ko", MAPDEV_DEV);
	ASSERT_LE(0, self->dev);
	memset(&self->ext, 0, sizeof(self->ext));
	self->ext.req.size = sizeof(self->ext.req);
	self->ext.req.length = self->page;
	self->ext.req.prot = PROT_READ | PROT_WRITE;
	self->ext.req.map_flags = MAP_PRIVATE | MAP_ANONYMOUS;
	self->ext.req.fd = -1;
}

FIXTURE_TEARDOWN(abi)
{
	if (self->dev >= 0)
		close(self->dev);
}

static int do_mmap(int dev, struct mmap_ext *ext)
{
	return ioctl(dev, MAPDEV_IOC_MMAP, ext);
}

TEST_F(abi, valid_request_returns_address)
{
	char *p;

	ASSERT_EQ(0, do_mmap(self->dev, &self->ext));
	p = (char *)(uintptr_t)self->ext.req.addr;
	ASSERT_NE(NULL, p);
	p[0] = 1;
	EXPECT_EQ(0, munmap(p, self->page));
}

TEST_F(abi, size_too_small)
{
	self->ext.req.size = MAPDEV_MMAP_SIZE_VER0 - 1;
	ASSERT_EQ(-1, do_mmap(self->dev, &self->ext));
	ASSERT_EQ(EINVAL, errno);
	self->ext.req.size = 0;
	ASSERT_EQ(-1, do_mmap(self->dev, &self->ext));
	ASSERT_EQ(EINVAL, errno);
}

/* A larger struct whose extra bytes are zero behaves as the exact size. */
TEST_F(abi, larger_size_zero_tail)
{
	self->ext.req.size = sizeof(self->ext);
	ASSERT_EQ(0, do_mmap(self->dev, &self->ext));
	EXPECT_EQ(0, munmap((void *)(uintptr_t)self->ext.req.addr, self->page));
}

/* ...and with a non-zero byte there, E2BIG: a field this kernel lacks. */
TEST_F(abi, larger_size_nonzero_tail)
{
	self->ext.req.size = sizeof(self->ext);
	self->ext.tail[3] = 1;
	ASSERT_EQ(-1, do_mmap(self->dev, &self->ext));
	ASSERT_EQ(E2BIG, errno);
	self->ext.req.size = sizeof(self->ext) - sizeof(__u64);
	ASSERT_EQ(0, do_mmap(self->dev, &self->ext));
	EXPECT_EQ(0, munmap((void *)(uintptr_t)self->ext.req.addr, self->page));
}

TEST_F(abi, size_over_a_page)
{
	self->ext.req.size = self->page + 8;
	ASSERT_EQ(-1, do_mmap(self->dev, &self->ext));
	ASSERT_EQ(E2BIG, errno);
}

TEST_F(abi, reserved_and_unknown_flags)
{
	self->ext.req.__reserved = 1;
	ASSERT_EQ(-1, do_mmap(self->dev, &self->ext));
	ASSERT_EQ(EINVAL, errno);
	self->ext.req.__reserved = 0;
	self->ext.req.flags = 0x2;
	ASSERT_EQ(-1, do_mmap(self->dev, &self->ext));
	ASSERT_EQ(EINVAL, errno);
	self->ext.req.flags = 0x80000000U;
	ASSERT_EQ(-1, do_mmap(self->dev, &self->ext));
	ASSERT_EQ(EINVAL, errno);
}

TEST_F(abi, bad_pointers)
{
	char *ro = mmap(NULL, self->page, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int count;

	ASSERT_EQ(-1, ioctl(self->dev, MAPDEV_IOC_MMAP, NULL));
	ASSERT_EQ(EFAULT, errno);
	ASSERT_EQ(-1, ioctl(self->dev, MAPDEV_IOC_MMAP, bad_address()));
	ASSERT_EQ(EFAULT, errno);
	ASSERT_EQ(-1, ioctl(self->dev, MAPDEV_IOC_MUNMAP, bad_address()));
	ASSERT_EQ(EFAULT, errno);

	/* A request the kernel can read but not answer: nothing is mapped. */
	ASSERT_NE(MAP_FAILED, ro);
	memcpy(ro, &self->ext.req, sizeof(self->ext.req));
	ASSERT_EQ(0, mprotect(ro, self->page, PROT_READ));
	count = map_count();
	ASSERT_EQ(-1, ioctl(self->dev, MAPDEV_IOC_MMAP, ro));
	ASSERT_EQ(EFAULT, errno);
	EXPECT_EQ(count, map_count());
	munmap(ro, self->page);

	/* A request running off the end of the readable memory. */
	ASSERT_EQ(-1, ioctl(self->dev, MAPDEV_IOC_MMAP,
			    (char *)bad_address() - 8));
	ASSERT_EQ(EFAULT, errno);
}

/*
 * The answer is stored after the mapping is made, where the request is
 * then: a mapping made over the request's own page gets it, as mmap(2)'s
 * caller gets its return value.  Mapped read-only there, it cannot: the
 * mapping stays and the caller gets EFAULT (documented).
 */
TEST_F(abi, answer_stored_in_a_mapping_over_the_request)
{
	char *page = mmap(NULL, self->page, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct mapdev_mmap *req = (struct mapdev_mmap *)page;
	char perms[5];

	ASSERT_NE(MAP_FAILED, page);
	*req = self->ext.req;
	req->addr = (uintptr_t)page;
	req->map_flags |= MAP_FIXED;
	ASSERT_EQ(0, ioctl(self->dev, MAPDEV_IOC_MMAP, req));
	/* The new mapping's page: zeros but for the answer. */
	EXPECT_EQ((uintptr_t)page, req->addr);
	EXPECT_EQ(0, req->size);
	EXPECT_EQ(0, req->length);

	*req = self->ext.req;
	req->addr = (uintptr_t)page;
	req->map_flags |= MAP_FIXED;
	req->prot = PROT_READ;
	ASSERT_EQ(-1, ioctl(self->dev, MAPDEV_IOC_MMAP, req));
	EXPECT_EQ(EFAULT, errno);
	ASSERT_TRUE(maps_perms(page, perms));
	EXPECT_STREQ("r--p", perms);
	EXPECT_EQ(0, req->addr);
	EXPECT_EQ(0, munmap(page, self->page));
}

TEST_F(abi, unknown_command)
{
	ASSERT_EQ(-1, ioctl(self->dev, _IO(MAPDEV_IOC_TYPE, 0x05), &self->ext));
	ASSERT_EQ(ENOTTY, errno);
	ASSERT_EQ(-1, ioctl(self->dev, _IOWR(MAPDEV_IOC_TYPE, 0x02,
					     struct mapdev_mmap), &self->ext));
	ASSERT_EQ(ENOTTY, errno);
}

TEST_F(abi, munmap_rules)
{
	struct {
		struct mapdev_munmap req;
		__u64 tail;
	} um;
	char *p = mmap(NULL, 2 * self->page, PROT_READ,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ASSERT_NE(MAP_FAILED, p);
	memset(&um, 0, sizeof(um));
	um.req.addr = (uintptr_t)p;
	um.req.length = self->page;
	um.req.size = MAPDEV_MUNMAP_SIZE_VER0 - 8;
	ASSERT_EQ(-1, ioctl(self->dev, MAPDEV_IOC_MUNMAP, &um));
	ASSERT_EQ(EINVAL, errno);
	um.req.size = sizeof(um);
	um.tail = 1;
	ASSERT_EQ(-1, ioctl(self->dev, MAPDEV_IOC_MUNMAP, &um));
	ASSERT_EQ(E2BIG, errno);
	um.tail = 0;
	um.req.__reserved = 1;
	ASSERT_EQ(-1, ioctl(self->dev, MAPDEV_IOC_MUNMAP, &um));
	ASSERT_EQ(EINVAL, errno);
	um.req.__reserved = 0;
	ASSERT_EQ(0, ioctl(self->dev, MAPDEV_IOC_MUNMAP, &um));
	EXPECT_EQ(SIGSEGV, probe_read(p));
	EXPECT_EQ(0, probe_read(p + self->page));
	munmap(p, 2 * self->page);
}

TEST_F(abi, madvise_rules)
{
	struct {
		struct mapdev_madvise req;
		__u64 tail;
	} ma, before;
	char *p = mmap(NULL, 2 * self->page, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ASSERT_NE(MAP_FAILED, p);
	memset(&ma, 0, sizeof(ma));
	ma.req.addr = (uintptr_t)p;
	ma.req.length = 2 * self->page;
	ma.req.advice = MADV_FREE;
	ma.req.size = MAPDEV_MADVISE_SIZE_VER0 - 8;
	ASSERT_EQ(-1, ioctl(self->dev, MAPDEV_IOC_MADVISE, &ma));
	ASSERT_EQ(EINVAL, errno);
	ma.req.size = sizeof(ma);
	ma.tail = 1;
	ASSERT_EQ(-1, ioctl(self->dev, MAPDEV_IOC_MADVISE, &ma));
	ASSERT_EQ(E2BIG, errno);
	ma.tail = 0;
	ma.req.flags = 1;
	ASSERT_EQ(-1, ioctl(self->dev, MAPDEV_IOC_MADVISE, &ma));
	ASSERT_EQ(EINVAL, errno);
	ma.req.flags = 0;
	ma.req.__reserved = 1;
	ASSERT_EQ(-1, ioctl(self->dev, MAPDEV_IOC_MADVISE, &ma));
	ASSERT_EQ(EINVAL, errno);
	ma.req.__reserved = 0;
	ma.req.advice = MADV_DONTNEED;
	ASSERT_EQ(-1, ioctl(self->dev, MAPDEV_IOC_MADVISE, &ma));
	ASSERT_EQ(EINVAL, errno);
	ASSERT_EQ(-1, ioctl(self->dev, MAPDEV_IOC_MADVISE,
			    (char *)bad_address() - 8));
	ASSERT_EQ(EFAULT, errno);
	/* Success writes nothing back. */
	ma.req.advice = MADV_FREE;
	p[0] = 1;
	memcpy(&before, &ma, sizeof(ma));
	ASSERT_EQ(0, ioctl(self->dev, MAPDEV_IOC_MADVISE, &ma));
	EXPECT_EQ(0, memcmp(&before, &ma, sizeof(ma)));
	EXPECT_EQ(0, p[0]);
	munmap(p, 2 * self->page);
}

/*
 * The kernel writes back @addr and nothing else: every other byte of the
 * request, the tail past the size it knows included, is as the caller
 * left it (no kernel memory reaches userspace).  GET_SIZE writes 8 bytes.
 */
TEST_F(abi, copies_out_only_addr)
{
	struct mmap_ext before;
	unsigned char size[16];

	self->ext.req.size = sizeof(self->ext);
	memcpy(&before, &self->ext, sizeof(before));
	ASSERT_EQ(0, do_mmap(self->dev, &self->ext));
	EXPECT_NE(0, self->ext.req.addr);
	EXPECT_EQ(0, munmap((void *)(uintptr_t)self->ext.req.addr, self->page));
	self->ext.req.addr = before.req.addr;
	EXPECT_EQ(0, memcmp(&before, &self->ext, sizeof(before)));

	memset(size, 0xa5, sizeof(size));
	ASSERT_EQ(0, ioctl(self->dev, MAPDEV_IOC_GET_SIZE, size));
	EXPECT_TRUE(all_bytes(size, 0, 8));
	EXPECT_TRUE(all_bytes(size + 8, 0xa5, 8));
}

/* Any open of the device serves mapping requests; none is consumed. */
TEST_F(abi, any_open_maps)
{
	int other = open(MAPDEV_DEV, O_RDONLY | O_CLOEXEC);

	ASSERT_LE(0, other);
	ASSERT_EQ(0, ioctl(other, MAPDEV_IOC_MMAP, &self->ext));
	close(other);
	/* The mapping outlives the fd that asked for it. */
	EXPECT_EQ(0, probe_write((char *)(uintptr_t)self->ext.req.addr, 1));
	EXPECT_EQ(0, munmap((void *)(uintptr_t)self->ext.req.addr, self->page));
}

/* A 32-bit caller cannot pass 64-bit values. */
TEST_F(abi, compat_rejects_wide_values)
{
	if (sizeof(long) != 4)
		SKIP(return, "a 32-bit case");
	self->ext.req.length = 1ULL << 32 | self->page;
	ASSERT_EQ(-1, do_mmap(self->dev, &self->ext));
	ASSERT_EQ(EINVAL, errno);
	self->ext.req.length = self->page;
	self->ext.req.addr = 1ULL << 32;
	ASSERT_EQ(-1, do_mmap(self->dev, &self->ext));
	ASSERT_EQ(EINVAL, errno);
}

TEST_HARNESS_MAIN
