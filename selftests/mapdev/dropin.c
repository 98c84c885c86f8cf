// SPDX-License-Identifier: GPL-2.0
/*
 * What everyday programs use beyond plain mmap(2): /dev/zero, the files
 * mapdev passes through (io_uring and perf rings), the madvise(2) advice
 * the kernel keeps for anonymous memory (MADV_FREE, MADV_WIPEONFORK,
 * MADV_KEEPONFORK) and MAP_DROPPABLE.  Each test runs natively and
 * through libmapdev and asserts the same outcome; the tests named
 * differs_* assert what mapdev cannot match (conformance.rst).
 */
#define _GNU_SOURCE
#include <sys/sysmacros.h>
#include <linux/io_uring.h>
#include <linux/perf_event.h>
#include <linux/userfaultfd.h>

#include "helpers.h"
#include "harness.h"

#define RW	(PROT_READ | PROT_WRITE)
#define PRIV	(MAP_PRIVATE | MAP_ANONYMOUS)

#ifndef MAP_DROPPABLE
#define MAP_DROPPABLE	0x08
#endif
#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT	21
#endif
#ifndef SYS_mseal
#define SYS_mseal	462
#endif

FIXTURE(dropin) {
	size_t page;
};

FIXTURE_VARIANT(dropin) {
	const struct mapper *m;
};

FIXTURE_VARIANT_ADD(dropin, native) {
	.m = &native_mapper,
};

FIXTURE_VARIANT_ADD(dropin, mapdev) {
	.m = &mapdev_mapper,
};

FIXTURE_SETUP(dropin)
{
	self->page = sysconf(_SC_PAGESIZE);
	if (!mapper_ready(variant->m))
		SKIP(return, "%s is missing: load mapdev.ko", MAPDEV_DEV);
}

FIXTURE_TEARDOWN(dropin)
{
}

/* Is the mapping at @p served by mapdev (its maps line names mapdev)? */
static bool served_by_mapdev(const void *p)
{
	char line[512];

	return maps_line(p, line, sizeof(line)) && strstr(line, "mapdev");
}

/* Run @fn(@p, @arg) in a child; its exit status, or -1. */
static int in_child(int (*fn)(char *p, size_t arg), char *p, size_t arg)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0)
		_exit(fn(p, arg));
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

static int child_writes_c(char *p, size_t page)
{
	if (p[0] != 'A' || p[page] != 0)
		return 1;
	p[0] = 'C';
	return 0;
}

TEST_F(dropin, dev_zero_private)
{
	int fd = open("/dev/zero", O_RDWR | O_CLOEXEC);
	size_t len = 4 * self->page;
	char *p;

	ASSERT_LE(0, fd);
	p = variant->m->mmap(NULL, len, RW, MAP_PRIVATE, fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	close(fd);
	EXPECT_EQ(variant->m->mapdev, served_by_mapdev(p));
	EXPECT_TRUE(all_bytes(p, 0, len));
	p[0] = 'A';
	/* Copy-on-write: the child's write stays the child's. */
	EXPECT_EQ(0, in_child(child_writes_c, p, self->page));
	EXPECT_EQ('A', p[0]);
	EXPECT_EQ(0, variant->m->munmap(p, len));
}

TEST_F(dropin, dev_zero_shared)
{
	int fd = open("/dev/zero", O_RDWR | O_CLOEXEC);
	size_t len = 4 * self->page;
	char *p;

	ASSERT_LE(0, fd);
	p = variant->m->mmap(NULL, len, RW, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	close(fd);
	EXPECT_EQ(variant->m->mapdev, served_by_mapdev(p));
	EXPECT_TRUE(all_bytes(p, 0, len));
	p[0] = 'A';
	/* Shared across fork: the parent sees the child's write. */
	EXPECT_EQ(0, in_child(child_writes_c, p, self->page));
	EXPECT_EQ('C', p[0]);
	EXPECT_EQ(0, probe_write(p + len - 1, 1));
	EXPECT_EQ(0, variant->m->munmap(p, len));
}

/* @flags on /dev/zero opened with @oflags: the errno, or 0 if it maps. */
static int zero_errno(const struct mapper *m, int oflags, int prot, int flags)
{
	int fd = open("/dev/zero", oflags | O_CLOEXEC), err = 0;
	size_t len = sysconf(_SC_PAGESIZE);
	char *p;

	if (fd < 0)
		return -1;
	p = m->mmap(NULL, len, prot, flags, fd, 0);
	if (p == MAP_FAILED)
		err = errno;
	else
		m->munmap(p, len);
	close(fd);
	return err;
}

TEST_F(dropin, dev_zero_errnos)
{
	const struct mapper *m = variant->m;
	int fd = open("/dev/zero", O_RDONLY | O_CLOEXEC);
	bool noexec;

	ASSERT_LE(0, fd);
	noexec = fd_noexec(fd);
	close(fd);
	EXPECT_EQ(EACCES, zero_errno(m, O_RDONLY, RW, MAP_SHARED));
	EXPECT_EQ(0, zero_errno(m, O_RDONLY, RW, MAP_PRIVATE));
	EXPECT_EQ(0, zero_errno(m, O_RDONLY, PROT_READ, MAP_SHARED));
	EXPECT_EQ(EACCES, zero_errno(m, O_WRONLY, PROT_READ, MAP_PRIVATE));
	EXPECT_EQ(EINVAL, zero_errno(m, O_RDWR, RW, MAP_PRIVATE | MAP_GROWSDOWN));
	EXPECT_EQ(EINVAL, zero_errno(m, O_RDWR, RW, MAP_DROPPABLE));
	EXPECT_EQ(0, zero_errno(m, O_RDWR, RW, MAP_SHARED_VALIDATE));
	EXPECT_EQ(EOPNOTSUPP, zero_errno(m, O_RDWR, RW,
					 MAP_SHARED_VALIDATE | MAP_SYNC));
	EXPECT_EQ(noexec ? EPERM : 0,
		  zero_errno(m, O_RDWR, PROT_READ | PROT_EXEC, MAP_PRIVATE));
}

/* mprotect(@prot) of a mapping of /dev/zero opened with @oflags. */
static int zero_mprotect(const struct mapper *m, int oflags, int flags,
			 int prot)
{
	int fd = open("/dev/zero", oflags | O_CLOEXEC), err = 0;
	size_t len = sysconf(_SC_PAGESIZE);
	char *p;

	if (fd < 0)
		return -1;
	p = m->mmap(NULL, len, PROT_READ, flags, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return -1;
	if (mprotect(p, len, prot))
		err = errno;
	m->munmap(p, len);
	return err;
}

/* What the open mode and the mount take away, no mprotect() gives back. */
TEST_F(dropin, dev_zero_mprotect)
{
	const struct mapper *m = variant->m;
	int fd = open("/dev/zero", O_RDONLY | O_CLOEXEC);
	bool noexec;

	ASSERT_LE(0, fd);
	noexec = fd_noexec(fd);
	close(fd);
	EXPECT_EQ(EACCES, zero_mprotect(m, O_RDONLY, MAP_SHARED, RW));
	EXPECT_EQ(0, zero_mprotect(m, O_RDONLY, MAP_PRIVATE, RW));
	EXPECT_EQ(0, zero_mprotect(m, O_RDWR, MAP_SHARED, RW));
	EXPECT_EQ(noexec ? EACCES : 0,
		  zero_mprotect(m, O_RDWR, MAP_PRIVATE, PROT_READ | PROT_EXEC));
}

/* /dev/zero is known by its device number, wherever its node is. */
TEST_F(dropin, dev_zero_by_device_number)
{
	char path[] = "/tmp/mapdev-zero-XXXXXX";
	size_t len = 2 * self->page;
	int fd;
	char *p;

	fd = mkstemp(path);
	ASSERT_LE(0, fd);
	close(fd);
	unlink(path);
	if (mknod(path, S_IFCHR | 0600, makedev(1, 5)))
		SKIP(return, "mknod: %s", strerror(errno));
	fd = open(path, O_RDWR | O_CLOEXEC);
	unlink(path);
	if (fd < 0)
		SKIP(return, "a device node in /tmp: %s", strerror(errno));
	p = variant->m->mmap(NULL, len, RW, MAP_SHARED, fd, 0);
	close(fd);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(variant->m->mapdev, served_by_mapdev(p));
	EXPECT_TRUE(all_bytes(p, 0, len));
	EXPECT_EQ(0, variant->m->munmap(p, len));
}

/*
 * Files mapdev does not serve: natively they map; through the device the
 * answer is ENODEV, after native's own checks, which mapdev-run turns into
 * a native mmap(2) (pass-through; preload.sh shows it).
 */
static int io_uring_ring(struct io_uring_params *params)
{
	memset(params, 0, sizeof(*params));
	return syscall(SYS_io_uring_setup, 4, params);
}

TEST_F(dropin, io_uring_ring_passes_through)
{
	struct io_uring_params params;
	int fd = io_uring_ring(&params);
	size_t len;
	char *p;

	if (fd < 0)
		SKIP(return, "io_uring_setup: %s", strerror(errno));
	len = params.sq_off.array + params.sq_entries * sizeof(__u32);
	p = variant->m->mmap(NULL, len, RW, MAP_SHARED | MAP_POPULATE, fd,
			     IORING_OFF_SQ_RING);
	if (variant->m->mapdev) {
		EXPECT_EQ(MAP_FAILED, p);
		EXPECT_EQ(ENODEV, errno);
	} else {
		ASSERT_NE(MAP_FAILED, p);
		EXPECT_EQ(params.sq_entries - 1,
			  *(__u32 *)(p + params.sq_off.ring_mask));
		munmap(p, len);
	}
	/* Native mmap(2)'s checks come first: MAP_SYNC is refused so. */
	p = variant->m->mmap(NULL, len, RW, MAP_SHARED_VALIDATE | MAP_SYNC, fd,
			     IORING_OFF_SQ_RING);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(EOPNOTSUPP, errno);
	close(fd);
}

TEST_F(dropin, perf_ring_passes_through)
{
	struct perf_event_attr attr = {
		.type = PERF_TYPE_SOFTWARE,
		.size = sizeof(attr),
		.config = PERF_COUNT_SW_DUMMY,
		.disabled = 1,
	};
	size_t len = 2 * self->page;
	int fd = syscall(SYS_perf_event_open, &attr, 0, -1, -1,
			 PERF_FLAG_FD_CLOEXEC);
	char *p;

	if (fd < 0)
		SKIP(return, "perf_event_open: %s", strerror(errno));
	p = variant->m->mmap(NULL, len, RW, MAP_SHARED, fd, 0);
	if (variant->m->mapdev) {
		EXPECT_EQ(MAP_FAILED, p);
		EXPECT_EQ(ENODEV, errno);
	} else {
		ASSERT_NE(MAP_FAILED, p);
		EXPECT_EQ(0, ((struct perf_event_mmap_page *)p)->data_head);
		munmap(p, len);
	}
	close(fd);
}

/* Every page of @p reads all @byte or all zeros: the count of zero pages. */
static long pages_old_or_zero(const char *p, size_t len, size_t page, int byte)
{
	long zeros = 0;
	size_t i;

	for (i = 0; i < len; i += page) {
		if (all_bytes(p + i, 0, page))
			zeros++;
		else if (!all_bytes(p + i, byte, page))
			return -1;
	}
	return zeros;
}

TEST_F(dropin, madv_free)
{
	size_t len = 64 * self->page;
	long rss, lazy, zeros;
	char *p = variant->m->mmap(NULL, len, RW, PRIV, -1, 0);

	ASSERT_NE(MAP_FAILED, p);
	memset(p, 0x5a, len);
	rss = smaps_kb(p, "Rss");
	ASSERT_EQ(0, variant->m->madvise(p, len, MADV_FREE));
	/*
	 * The memory can be reclaimed: marked lazily freed, or freed at once.
	 * (Natively, pages still in a per-CPU batch are counted as lazily
	 * freed only when it drains: most of them, not all, at this point.)
	 */
	lazy = smaps_kb(p, "LazyFree");
	rss -= smaps_kb(p, "Rss");
	EXPECT_LE((long)(len / 1024 / 2), lazy + rss);
	/* Old contents or zeros, never anything else. */
	zeros = pages_old_or_zero(p, len, self->page, 0x5a);
	EXPECT_LE(0, zeros);
	TH_LOG("%s: LazyFree %ld kB, Rss %ld kB less; %ld of 64 pages read as zeros",
	       variant->m->name, lazy, rss, zeros);
	/* A page written again keeps what is written. */
	p[3 * self->page] = 'W';
	EXPECT_EQ('W', p[3 * self->page]);
	EXPECT_EQ(0, variant->m->munmap(p, len));
}

TEST_F(dropin, madv_free_errnos)
{
	size_t page = self->page;
	char *p = variant->m->mmap(NULL, 3 * page, RW, PRIV, -1, 0);
	char *s = variant->m->mmap(NULL, page, RW, MAP_SHARED | MAP_ANONYMOUS,
				   -1, 0);

	ASSERT_NE(MAP_FAILED, p);
	ASSERT_NE(MAP_FAILED, s);
	EXPECT_EQ(-1, variant->m->madvise(p + 1, page, MADV_FREE));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, variant->m->madvise(s, page, MADV_FREE));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, variant->m->madvise(s, page, MADV_WIPEONFORK));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, variant->m->madvise(p, 0, MADV_FREE));
	/* A hole in the range: the rest is advised, then ENOMEM. */
	ASSERT_EQ(0, variant->m->munmap(p + page, page));
	p[0] = 1;
	EXPECT_EQ(-1, variant->m->madvise(p, 3 * page, MADV_FREE));
	EXPECT_EQ(ENOMEM, errno);
	EXPECT_EQ(-1, variant->m->madvise(p, 3 * page, MADV_WIPEONFORK));
	EXPECT_EQ(ENOMEM, errno);
	EXPECT_EQ(1, smaps_flag(p + 2 * page, "wf"));
	EXPECT_EQ(0, variant->m->munmap(p, 3 * page));
	EXPECT_EQ(0, variant->m->munmap(s, page));
}

/* Pages [2, 5) of 8 read as zeros, the others as 'P'. */
static int child_sees_wiped(char *p, size_t page)
{
	int i;

	for (i = 0; i < 8; i++)
		if (!all_bytes(p + i * page, i >= 2 && i < 5 ? 0 : 'P', page))
			return 10 + i;
	return 0;
}

static int child_sees_all(char *p, size_t page)
{
	return all_bytes(p, 'P', 8 * page) ? 0 : 1;
}

TEST_F(dropin, wipeonfork_and_keeponfork)
{
	size_t page = self->page;
	char *p = variant->m->mmap(NULL, 8 * page, RW, PRIV, -1, 0);

	ASSERT_NE(MAP_FAILED, p);
	memset(p, 'P', 8 * page);
	/* Part of a VMA: split off, flagged, and no readahead flag left. */
	ASSERT_EQ(0, variant->m->madvise(p + 2 * page, 3 * page,
					 MADV_WIPEONFORK));
	EXPECT_EQ(1, smaps_flag(p + 2 * page, "wf"));
	EXPECT_EQ(0, smaps_flag(p + 4 * page, "rr"));
	EXPECT_EQ(0, smaps_flag(p, "wf"));
	EXPECT_EQ(0, smaps_flag(p + 5 * page, "wf"));
	EXPECT_EQ(0, smaps_flag(p + 5 * page, "rr"));
	EXPECT_EQ(0, in_child(child_sees_wiped, p, page));
	EXPECT_TRUE(all_bytes(p, 'P', 8 * page));
	/* Undone, on a range that starts inside the flagged part. */
	ASSERT_EQ(0, variant->m->madvise(p + 3 * page, 5 * page,
					 MADV_KEEPONFORK));
	ASSERT_EQ(0, variant->m->madvise(p + 2 * page, page, MADV_KEEPONFORK));
	EXPECT_EQ(0, smaps_flag(p + 2 * page, "wf"));
	EXPECT_EQ(0, in_child(child_sees_all, p, page));
	EXPECT_EQ(0, variant->m->munmap(p, 8 * page));
}

/* A readahead hint of the user's survives the split mapdev makes. */
TEST_F(dropin, wipeonfork_keeps_readahead_advice)
{
	size_t page = self->page;
	char *p = variant->m->mmap(NULL, 4 * page, RW, PRIV, -1, 0);

	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, madvise(p, 4 * page, MADV_RANDOM));
	ASSERT_EQ(0, variant->m->madvise(p + page, page, MADV_WIPEONFORK));
	EXPECT_EQ(1, smaps_flag(p + page, "wf"));
	EXPECT_EQ(1, smaps_flag(p + page, "rr"));
	EXPECT_EQ(1, smaps_flag(p, "rr"));
	EXPECT_EQ(0, smaps_flag(p, "wf"));
	EXPECT_EQ(0, variant->m->munmap(p, 4 * page));
}

/*
 * MAP_GROWSDOWN: native memory grows down; mapdev's is a file VMA, whose
 * growth would move its page offset without updating the file's reverse
 * map (expand_downwards()), so mapdev does not serve it: ENODEV, which
 * mapdev-run maps natively (preload.sh, trace.sh: ring_user).
 */
TEST_F(dropin, differs_growsdown)
{
	size_t page = self->page;
	char *base = free_range(64 * page);
	char line[512];
	unsigned long start;
	char *p;
	long stk = status_kb("VmStk");

	ASSERT_NE(NULL, base);
	p = variant->m->mmap(base + 60 * page, 2 * page, RW,
			     PRIV | MAP_GROWSDOWN | MAP_FIXED_NOREPLACE, -1, 0);
	if (variant->m->mapdev) {
		EXPECT_EQ(MAP_FAILED, p);
		EXPECT_EQ(ENODEV, errno);
		return;
	}
	ASSERT_EQ(base + 60 * page, p);
	EXPECT_EQ(1, smaps_flag(p, "gd"));
	EXPECT_EQ(stk + (long)(2 * page / 1024), status_kb("VmStk"));
	p[0] = 'S';
	/* A fault just below grows it down by that page. */
	EXPECT_EQ(0, probe_write(p - page, 'G'));
	ASSERT_TRUE(maps_line(p, line, sizeof(line)));
	start = strtoul(line, NULL, 16);
	EXPECT_EQ((unsigned long)(p - page), start);
	EXPECT_EQ('S', p[0]);
	munmap(base, 64 * page);
}

/*
 * Ask reclaim for [p, p + len) with MADV_PAGEOUT until a page of @byte
 * reads as zeros (dropped), at most 20 times: a page still in a per-CPU
 * LRU batch (another CPU's, which madvise's drain does not reach) is not
 * taken yet.  The count of zero pages, or -1 for a page neither.
 */
/*
 * Ask reclaim for [@p, @p + @len) until a page is dropped.  MADV_PAGEOUT
 * drains only this CPU's LRU batches; pages still in another CPU's are
 * not reclaimed (natively too: 0 of 16 on 7.3, once), so between tries
 * every CPU's are drained, as compaction does first (compact_nodes()).
 */
static long page_out(char *p, size_t len, size_t page, int byte)
{
	long zeros = 0;
	int i;

	for (i = 0; i < 20 && zeros == 0; i++) {
		if (madvise(p, len, MADV_PAGEOUT))
			return -1;
		zeros = pages_old_or_zero(p, len, page, byte);
		if (!zeros) {
			int fd = open("/proc/sys/vm/compact_memory", O_WRONLY);

			if (fd >= 0) {
				if (write(fd, "1", 1) != 1)
					usleep(10000);
				close(fd);
			}
			usleep(10000);
		}
	}
	return zeros;
}

static int child_sees_zeros(char *p, size_t len)
{
	return all_bytes(p, 0, len) ? 0 : 1;
}

TEST_F(dropin, droppable)
{
	size_t len = 16 * self->page;
	int fd = open("/dev/zero", O_RDWR | O_CLOEXEC);
	long zeros;
	char *p;

	ASSERT_LE(0, fd);
	p = variant->m->mmap(NULL, len, RW, MAP_DROPPABLE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		/* Before 6.11, as natively: no such mapping type. */
		EXPECT_EQ(EINVAL, errno);
		p = mmap(NULL, len, RW, MAP_DROPPABLE | MAP_ANONYMOUS, -1, 0);
		EXPECT_EQ(MAP_FAILED, p);
		close(fd);
		SKIP(return, "no MAP_DROPPABLE before 6.11");
	}
	EXPECT_EQ(variant->m->mapdev, served_by_mapdev(p));
	EXPECT_EQ(1, smaps_flag(p, "wf"));
	EXPECT_EQ(1, smaps_flag(p, "dd"));
	memset(p, 0x3c, len);
	/* Wiped on fork. */
	EXPECT_EQ(0, in_child(child_sees_zeros, p, len));
	EXPECT_EQ(-1, variant->m->madvise(p, len, MADV_KEEPONFORK));
	EXPECT_EQ(EINVAL, errno);
	/* Reclaim drops the pages, dirty as they are: they read as zeros. */
	zeros = page_out(p, len, self->page, 0x3c);
	TH_LOG("%s: %ld of 16 pages dropped", variant->m->name, zeros);
	EXPECT_LT(0, zeros);
	EXPECT_EQ(0, variant->m->munmap(p, len));

	/*
	 * Its flags are there as the core maps it: populated pages are
	 * droppable too, and mlockall(MCL_FUTURE) does not lock it.
	 */
	ASSERT_EQ(0, mlockall(MCL_FUTURE));
	p = variant->m->mmap(NULL, len, RW,
			     MAP_DROPPABLE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	munlockall();
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(0, smaps_kb(p, "Locked"));
	memset(p, 0x3c, len);
	EXPECT_LT(0, page_out(p, len, self->page, 0x3c));
	EXPECT_EQ(0, variant->m->munmap(p, len));

	/* Its rules, as do_mmap()'s. */
	p = variant->m->mmap(NULL, len, RW,
			     MAP_DROPPABLE | MAP_ANONYMOUS | MAP_LOCKED, -1, 0);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(EINVAL, errno);
	p = variant->m->mmap(NULL, len, RW,
			     MAP_DROPPABLE | MAP_ANONYMOUS | MAP_GROWSDOWN, -1, 0);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(EINVAL, errno);
	p = variant->m->mmap(NULL, len, RW,
			     MAP_DROPPABLE | MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(EINVAL, errno);
	p = variant->m->mmap(NULL, len, RW, MAP_DROPPABLE, fd, 0);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(EINVAL, errno);
	close(fd);
}

/*
 * The differences the core makes for anonymous VMAs only, which mapdev's
 * private anonymous memory (a file VMA) cannot close; conformance.rst says
 * why.  Each test asserts native behaviour and mapdev's current one, so
 * that a change on either side is noticed.
 */

/* vma_can_userfault(): anonymous, hugetlb or shmem VMAs only. */
TEST_F(dropin, differs_userfaultfd)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_MISSING };
	size_t len = 4 * self->page;
	char *p = variant->m->mmap(NULL, len, RW, PRIV, -1, 0);
	int uffd, ret;

	ASSERT_NE(MAP_FAILED, p);
	uffd = syscall(SYS_userfaultfd, O_CLOEXEC);
	if (uffd < 0)
		SKIP(return, "no userfaultfd: %s", strerror(errno));
	ASSERT_EQ(0, ioctl(uffd, UFFDIO_API, &api));
	reg.range.start = (uintptr_t)p;
	reg.range.len = len;
	ret = ioctl(uffd, UFFDIO_REGISTER, &reg);
	if (variant->m->mapdev) {
		EXPECT_EQ(-1, ret);
		EXPECT_EQ(EINVAL, errno);
	} else {
		EXPECT_EQ(0, ret);
	}
	close(uffd);
	variant->m->munmap(p, len);
}

/*
 * mseal(2) (6.10+) refuses to discard sealed read-only anonymous memory
 * (can_modify_mm_madv(): is_ro_anon() is false for a file VMA).  mapdev's
 * own MADV_FREE refuses as natively; madvise(2)'s MADV_DONTNEED does not.
 */
TEST_F(dropin, differs_mseal_discard)
{
	size_t len = 2 * self->page;
	char *p = variant->m->mmap(NULL, len, RW, PRIV, -1, 0);
	int ret;

	ASSERT_NE(MAP_FAILED, p);
	p[0] = 'S';
	ASSERT_EQ(0, mprotect(p, len, PROT_READ));
	if (syscall(SYS_mseal, p, len, 0))
		SKIP(return, "no mseal: %s", strerror(errno));
	EXPECT_EQ(-1, variant->m->madvise(p, len, MADV_FREE));
	EXPECT_EQ(EPERM, errno);
	ret = madvise(p, len, MADV_DONTNEED);
	if (variant->m->mapdev) {
		EXPECT_EQ(0, ret);
		EXPECT_EQ(0, p[0]);
	} else {
		EXPECT_EQ(-1, ret);
		EXPECT_EQ(EPERM, errno);
		EXPECT_EQ('S', p[0]);
	}
}

/* Transparent huge pages back anonymous VMAs only (thp_vma_allowable_orders()). */
TEST_F(dropin, differs_no_thp)
{
	size_t len = 8UL << 20;
	char *p = variant->m->mmap(NULL, len, RW, PRIV, -1, 0), *a;
	char thp[64] = "";
	long huge;
	FILE *f;

	ASSERT_NE(MAP_FAILED, p);
	f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
	if (f) {
		if (!fgets(thp, sizeof(thp), f))
			thp[0] = 0;
		fclose(f);
	}
	a = (char *)(((uintptr_t)p + (2UL << 20) - 1) & ~((2UL << 20) - 1));
	memset(a, 1, 4UL << 20);
	huge = smaps_kb(a, "AnonHugePages");
	TH_LOG("%s: AnonHugePages %ld kB (THP %s)", variant->m->name, huge,
	       strtok(thp, "\n"));
	/* Natively, with THP "always", some huge page; through mapdev none. */
	EXPECT_TRUE(variant->m->mapdev ? huge == 0 :
		    !strstr(thp, "[always]") || huge > 0);
	variant->m->munmap(p, len);
}

/* A read fault maps the shared zero page natively, a page here (RssFile). */
TEST_F(dropin, differs_read_fault_allocates)
{
	size_t len = 64 * self->page, i;
	char *p = variant->m->mmap(NULL, len, PROT_READ, PRIV, -1, 0);
	long sum = 0, rss;

	ASSERT_NE(MAP_FAILED, p);
	for (i = 0; i < len; i += self->page)
		sum += p[i];
	EXPECT_EQ(0, sum);
	rss = smaps_kb(p, "Rss");
	TH_LOG("%s: Rss %ld kB after reading %zu kB", variant->m->name, rss,
	       len / 1024);
	EXPECT_TRUE(variant->m->mapdev ? rss >= (long)(len / 1024) : rss == 0);
	variant->m->munmap(p, len);
}

TEST_HARNESS_MAIN
