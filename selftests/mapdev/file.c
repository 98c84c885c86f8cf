// SPDX-License-Identifier: GPL-2.0
/*
 * Regular files mapped through mapdev, compared with native mmap(2), on
 * tmpfs (/dev/shm), ext4 (MAPDEV_TEST_EXT4, a loop mount the test runner
 * makes) and whatever /tmp is (overlayfs in a virtme-ng VM).  The core mm
 * must see the real file: writes reach it, msync writes back, truncation
 * and hole punching reach the mapping, /proc/PID/maps names the file.
 */
#define _GNU_SOURCE
#include <linux/userfaultfd.h>
#include <sys/time.h>
#include <sys/utsname.h>

#include "helpers.h"
#include "harness.h"

#define RW	(PROT_READ | PROT_WRITE)
#define NPAGES	16

FIXTURE(file) {
	size_t page, len;
	char path[256];
	int fd;
};

FIXTURE_VARIANT(file) {
	const struct mapper *m;
	const char *fs;
};

FIXTURE_VARIANT_ADD(file, native_shm) { .m = &native_mapper, .fs = "shm" };
FIXTURE_VARIANT_ADD(file, mapdev_shm) { .m = &mapdev_mapper, .fs = "shm" };
FIXTURE_VARIANT_ADD(file, native_ext4) { .m = &native_mapper, .fs = "ext4" };
FIXTURE_VARIANT_ADD(file, mapdev_ext4) { .m = &mapdev_mapper, .fs = "ext4" };
FIXTURE_VARIANT_ADD(file, native_tmp) { .m = &native_mapper, .fs = "tmp" };
FIXTURE_VARIANT_ADD(file, mapdev_tmp) { .m = &mapdev_mapper, .fs = "tmp" };

static const char *fs_dir(const char *fs)
{
	if (!strcmp(fs, "shm"))
		return "/dev/shm";
	if (!strcmp(fs, "ext4"))
		return getenv("MAPDEV_TEST_EXT4");
	return "/tmp";
}

FIXTURE_SETUP(file)
{
	const char *dir = fs_dir(variant->fs);
	int i;

	self->page = sysconf(_SC_PAGESIZE);
	self->len = NPAGES * self->page;
	self->fd = -1;
	if (!mapper_ready(variant->m))
		SKIP(return, "%s is missing: load mapdev.ko", MAPDEV_DEV);
	if (!dir)
		SKIP(return, "no directory for %s (set MAPDEV_TEST_EXT4)",
		     variant->fs);
	snprintf(self->path, sizeof(self->path), "%s/mapdev-file-%d", dir,
		 getpid());
	self->fd = open(self->path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	ASSERT_LE(0, self->fd);
	/* Page i holds the byte 'a' + i. */
	for (i = 0; i < NPAGES; i++)
		ASSERT_EQ(0, fill(self->fd, i * self->page, 'a' + i, self->page));
}

FIXTURE_TEARDOWN(file)
{
	if (self->fd >= 0) {
		close(self->fd);
		unlink(self->path);
	}
}

static char *map_file(const struct mapper *m, int fd, size_t len, int prot,
		      int flags)
{
	return m->mmap(NULL, len, prot, flags, fd, 0);
}

TEST_F(file, contents_and_offsets)
{
	char *p = map_file(variant->m, self->fd, self->len, PROT_READ, MAP_SHARED);
	char *q = variant->m->mmap(NULL, 2 * self->page, PROT_READ, MAP_PRIVATE,
				   self->fd, 3 * self->page);
	int i;

	ASSERT_NE(MAP_FAILED, p);
	ASSERT_NE(MAP_FAILED, q);
	for (i = 0; i < NPAGES; i++)
		EXPECT_TRUE(all_bytes(p + i * self->page, 'a' + i, self->page));
	EXPECT_TRUE(all_bytes(q, 'd', self->page));
	EXPECT_TRUE(all_bytes(q + self->page, 'e', self->page));
	munmap(p, self->len);
	munmap(q, 2 * self->page);
}

TEST_F(file, shared_writes_reach_the_file)
{
	char *p = map_file(variant->m, self->fd, self->len, RW, MAP_SHARED);
	char buf[8];

	ASSERT_NE(MAP_FAILED, p);
	memcpy(p + 5 * self->page + 1, "mapped", 6);
	ASSERT_EQ(6, pread(self->fd, buf, 6, 5 * self->page + 1));
	EXPECT_EQ(0, memcmp(buf, "mapped", 6));
	/* And the other way. */
	ASSERT_EQ(5, pwrite(self->fd, "write", 5, 7 * self->page));
	EXPECT_EQ(0, memcmp(p + 7 * self->page, "write", 5));
	munmap(p, self->len);
}

TEST_F(file, private_writes_stay_private)
{
	char *p = map_file(variant->m, self->fd, self->len, RW, MAP_PRIVATE);
	char c;

	ASSERT_NE(MAP_FAILED, p);
	p[2 * self->page] = 'P';
	ASSERT_EQ(1, pread(self->fd, &c, 1, 2 * self->page));
	EXPECT_EQ('c', c);
	ASSERT_EQ(0, msync(p, self->len, MS_SYNC));
	ASSERT_EQ(1, pread(self->fd, &c, 1, 2 * self->page));
	EXPECT_EQ('c', c);
	EXPECT_EQ('P', p[2 * self->page]);
	munmap(p, self->len);
}

/* msync(MS_SYNC) writes a shared mapping's stores to the disk. */
TEST_F(file, msync_writes_back)
{
	char *p = map_file(variant->m, self->fd, self->len, RW, MAP_SHARED);
	void *buf;
	int direct;

	ASSERT_NE(MAP_FAILED, p);
	memset(p + 3 * self->page, 'W', self->page);
	ASSERT_EQ(0, msync(p, self->len, MS_SYNC));
	direct = open(self->path, O_RDONLY | O_DIRECT);
	if (direct < 0) {
		munmap(p, self->len);
		SKIP(return, "%s has no O_DIRECT to read the disk with",
		     variant->fs);
	}
	ASSERT_EQ(0, posix_memalign(&buf, self->page, self->page));
	/* O_DIRECT reads what is on the disk, not the page cache. */
	ASSERT_EQ((ssize_t)self->page,
		  pread(direct, buf, self->page, 3 * self->page));
	EXPECT_TRUE(all_bytes(buf, 'W', self->page));
	free(buf);
	close(direct);
	munmap(p, self->len);
}

static long long mtime_ns(int fd)
{
	struct stat st;

	if (fstat(fd, &st))
		return -1;
	return st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
}

/*
 * The file's times after a store through a shared mapping: whatever the
 * filesystem does natively (ext4 updates them in its ->page_mkwrite, which
 * mapdev must keep running), measured on a twin file in the same test.
 */
TEST_F(file, times_as_natively)
{
	const struct timespec old[2] = { { 946684800, 0 }, { 946684800, 0 } };
	char twin[300];
	long long native_ns, ns;
	char *p, *q;
	int tfd;

	snprintf(twin, sizeof(twin), "%s.twin", self->path);
	tfd = open(twin, O_RDWR | O_CREAT | O_TRUNC, 0644);
	ASSERT_LE(0, tfd);
	ASSERT_EQ(0, fill(tfd, 0, 't', self->len));
	ASSERT_EQ(0, futimens(tfd, old));
	ASSERT_EQ(0, futimens(self->fd, old));
	q = mmap(NULL, self->len, RW, MAP_SHARED, tfd, 0);
	p = map_file(variant->m, self->fd, self->len, RW, MAP_SHARED);
	ASSERT_NE(MAP_FAILED, q);
	ASSERT_NE(MAP_FAILED, p);
	q[0] = 'T';
	p[0] = 'T';
	ASSERT_EQ(0, msync(q, self->len, MS_SYNC));
	ASSERT_EQ(0, msync(p, self->len, MS_SYNC));
	native_ns = mtime_ns(tfd);
	ns = mtime_ns(self->fd);
	TH_LOG("%s: mtime %s after a mapped store", variant->fs,
	       native_ns == 946684800LL * 1000000000LL ? "kept" : "updated");
	EXPECT_EQ(native_ns == 946684800LL * 1000000000LL,
		  ns == 946684800LL * 1000000000LL);
	munmap(p, self->len);
	munmap(q, self->len);
	close(tfd);
	unlink(twin);
}

/* A store into a hole gets blocks: the filesystem's ->page_mkwrite ran. */
TEST_F(file, store_into_hole_allocates)
{
	struct stat st;
	char *p;

	ASSERT_EQ(0, ftruncate(self->fd, 0));
	ASSERT_EQ(0, ftruncate(self->fd, self->len));
	ASSERT_EQ(0, fsync(self->fd));
	ASSERT_EQ(0, fstat(self->fd, &st));
	ASSERT_EQ(0, st.st_blocks);
	p = map_file(variant->m, self->fd, self->len, RW, MAP_SHARED);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(0, p[9 * self->page]);
	p[9 * self->page] = 'h';
	ASSERT_EQ(0, msync(p, self->len, MS_SYNC));
	ASSERT_EQ(0, fstat(self->fd, &st));
	EXPECT_LT(0, st.st_blocks);
	munmap(p, self->len);
}

TEST_F(file, truncate_raises_sigbus)
{
	char *p = map_file(variant->m, self->fd, self->len, RW, MAP_SHARED);
	char *q = map_file(variant->m, self->fd, self->len, RW, MAP_PRIVATE);

	ASSERT_NE(MAP_FAILED, p);
	ASSERT_NE(MAP_FAILED, q);
	q[4 * self->page] = 'Q';
	EXPECT_EQ('e', p[4 * self->page]);
	ASSERT_EQ(0, ftruncate(self->fd, 2 * self->page));
	EXPECT_EQ('a', p[0]);
	EXPECT_EQ(SIGBUS, probe_read(p + 4 * self->page));
	/* Private copies past the new end go too. */
	EXPECT_EQ(SIGBUS, probe_read(q + 4 * self->page));
	EXPECT_EQ(SIGBUS, probe_read(p + 2 * self->page));
	munmap(p, self->len);
	munmap(q, self->len);
}

/* Punching a hole zaps the mapping's pages: the core finds it by rmap. */
TEST_F(file, punch_hole_reaches_mapping)
{
	char *p = map_file(variant->m, self->fd, self->len, PROT_READ, MAP_SHARED);

	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ('f', p[5 * self->page]);
	if (fallocate(self->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
		      5 * self->page, self->page)) {
		munmap(p, self->len);
		SKIP(return, "%s cannot punch holes", variant->fs);
	}
	EXPECT_TRUE(all_bytes(p + 5 * self->page, 0, self->page));
	EXPECT_EQ('g', p[6 * self->page]);
	munmap(p, self->len);
}

TEST_F(file, maps_names_the_file)
{
	char *p = map_file(variant->m, self->fd, self->len, PROT_READ, MAP_SHARED);
	char line[512];
	char perms[5];

	ASSERT_NE(MAP_FAILED, p);
	ASSERT_TRUE(maps_line(p, line, sizeof(line)));
	EXPECT_NE(NULL, strstr(line, strrchr(self->path, '/')));
	ASSERT_TRUE(maps_perms(p, perms));
	EXPECT_STREQ("r--s", perms);
	munmap(p, self->len);
}

TEST_F(file, shared_across_fork)
{
	char *p = map_file(variant->m, self->fd, self->len, RW, MAP_SHARED);
	int status;
	pid_t pid;
	char c;

	ASSERT_NE(MAP_FAILED, p);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		p[self->page] = 'F';
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ('F', p[self->page]);
	ASSERT_EQ(1, pread(self->fd, &c, 1, self->page));
	EXPECT_EQ('F', c);
	munmap(p, self->len);
}

TEST_F(file, split_and_mremap)
{
	char *p = map_file(variant->m, self->fd, self->len, RW, MAP_SHARED);
	char *q;

	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, mprotect(p + 2 * self->page, self->page, PROT_READ));
	EXPECT_EQ(SIGSEGV, probe_write(p + 2 * self->page, 1));
	EXPECT_EQ(0, probe_write(p + 3 * self->page, 'x'));
	ASSERT_EQ(0, munmap(p + 8 * self->page, self->page));
	q = mremap(p, 2 * self->page, 4 * self->page, MREMAP_MAYMOVE);
	ASSERT_NE(MAP_FAILED, q);
	EXPECT_EQ('a', q[0]);
	EXPECT_EQ('x', q[3 * self->page]);
	munmap(q, 4 * self->page);
	munmap(p, self->len);
}

TEST_F(file, populate)
{
	char *p = map_file(variant->m, self->fd, self->len, PROT_READ, MAP_SHARED | MAP_POPULATE);
	char *q = map_file(variant->m, self->fd, self->len, RW, MAP_PRIVATE | MAP_POPULATE);

	ASSERT_NE(MAP_FAILED, p);
	ASSERT_NE(MAP_FAILED, q);
	EXPECT_EQ(self->len / 1024, smaps_kb(p, "Rss"));
	EXPECT_EQ(self->len / 1024, smaps_kb(q, "Rss"));
	/* A writable private mapping is populated with its own copies. */
	EXPECT_EQ(self->len / 1024, smaps_kb(q, "Anonymous"));
	munmap(p, self->len);
	munmap(q, self->len);
}

TEST_F(file, locked)
{
	long before = status_kb("VmLck");
	char *p = map_file(variant->m, self->fd, self->len, PROT_READ, MAP_SHARED | MAP_LOCKED);

	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(before + (long)self->len / 1024, status_kb("VmLck"));
	EXPECT_EQ(self->len / 1024, smaps_kb(p, "Rss"));
	EXPECT_EQ(self->len / 1024, smaps_kb(p, "Locked"));
	ASSERT_EQ(0, munmap(p, self->len));
	EXPECT_EQ(before, status_kb("VmLck"));
}

/* The faults of a mapping made through mapdev reach mapdev's handler. */
TEST_F(file, faults_served_by_mapdev)
{
	long before, after;
	char *p;

	if (access(MAPDEV_SYSFS "stats", R_OK))
		SKIP(return, "mapdev is not loaded");
	before = mapdev_stat("fault_file") + mapdev_stat("fault_file_fs");
	p = map_file(variant->m, self->fd, self->len, RW, MAP_PRIVATE);
	ASSERT_NE(MAP_FAILED, p);
	p[0] = 1;
	p[10 * self->page] = 1;
	after = mapdev_stat("fault_file") + mapdev_stat("fault_file_fs");
	/* Two write faults through mapdev; none natively. */
	EXPECT_EQ(variant->m->mapdev ? before + 2 : before, after);
	munmap(p, self->len);
}

/*
 * Read faults on cached pages reach mapdev too: fault-around, which maps
 * them without ->fault, goes through mapdev's ->map_pages.
 */
TEST_F(file, read_faults_served_by_mapdev)
{
	static const char * const names[] = {
		"fault_file_around", "fault_file", "fault_file_fs",
	};
	long before = 0, after = 0;
	size_t i;
	char *p;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		before += mapdev_stat(names[i]);
	p = map_file(variant->m, self->fd, self->len, PROT_READ, MAP_SHARED);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ('a', p[0]);
	EXPECT_EQ('a' + 9, p[9 * self->page]);
	for (i = 0; i < ARRAY_SIZE(names); i++)
		after += mapdev_stat(names[i]);
	/*
	 * At least one (fault-around maps up to 16 pages at once, both of
	 * these among them); none natively.
	 */
	EXPECT_LE(variant->m->mapdev ? before + 1 : before, after);
	if (!variant->m->mapdev)
		EXPECT_EQ(before, after);
	munmap(p, self->len);
}

/*
 * mprotect() of one page and back.  Natively the VMAs merge again into
 * one; mapdev's copy of the vm_operations has a ->close (it counts the
 * VMAs using it), and the core never merges a VMA with ->close away, so
 * the mapping stays in three VMAs (Documentation/conformance.rst).
 */
TEST_F(file, mprotect_round_trip_vmas)
{
	char *p = map_file(variant->m, self->fd, 4 * self->page, PROT_READ,
			   MAP_SHARED);

	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, mprotect(p + self->page, self->page, RW));
	EXPECT_EQ(3, maps_count(p, 4 * self->page));
	ASSERT_EQ(0, mprotect(p + self->page, self->page, PROT_READ));
	EXPECT_EQ(variant->m->mapdev ? 3 : 1, maps_count(p, 4 * self->page));
	EXPECT_EQ('b', p[self->page]);
	munmap(p, 4 * self->page);
}

/* The kernel's major and minor version, as 100 * major + minor. */
static int kernel_version(void)
{
	struct utsname u;
	int major, minor;

	if (uname(&u) || sscanf(u.release, "%d.%d", &major, &minor) != 2)
		return -1;
	return 100 * major + minor;
}

/*
 * userfaultfd on a tmpfs file's shared mapping: natively registered.
 * Through mapdev, before 7.0 refused with EINVAL, because the core knows
 * shmem VMAs by their vm_ops (vma_is_shmem()) and mapdev's VMA has its
 * copy; on 7.x the core asks the vm_ops for userfaultfd support, which
 * the copy keeps, and registers it as natively (measured on 7.3).
 */
TEST_F(file, userfaultfd_register)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_MISSING };
	int uffd, ret, err;
	char *p;

	if (strcmp(variant->fs, "shm"))
		SKIP(return, "only tmpfs files take userfaultfd");
	uffd = syscall(SYS_userfaultfd, O_CLOEXEC);
	if (uffd < 0)
		SKIP(return, "no userfaultfd: %s", strerror(errno));
	ASSERT_EQ(0, ioctl(uffd, UFFDIO_API, &api));
	p = map_file(variant->m, self->fd, self->len, RW, MAP_SHARED);
	ASSERT_NE(MAP_FAILED, p);
	reg.range.start = (uintptr_t)p;
	reg.range.len = self->len;
	ret = ioctl(uffd, UFFDIO_REGISTER, &reg);
	err = errno;
	if (variant->m->mapdev && kernel_version() < 700) {
		EXPECT_EQ(-1, ret);
		EXPECT_EQ(EINVAL, err);
	} else {
		EXPECT_EQ(0, ret);
	}
	munmap(p, self->len);
	close(uffd);
}

TEST_HARNESS_MAIN
