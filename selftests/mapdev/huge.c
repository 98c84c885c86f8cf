// SPDX-License-Identifier: GPL-2.0
/*
 * Huge folios: mapdev's objects and shared anonymous memory keep PMD-sized
 * folios where a naturally aligned 2 MiB range lies inside the object, and
 * the core maps them with a PMD where the mapping allows (FilePmdMapped in
 * smaps).  Each test that changes a mapping (shrink, grow, fork, private
 * copy-on-write, mremap, mprotect) runs on a mapdev object and on a tmpfs
 * file and asserts the same contents on both; what only mapdev does (the
 * PMD, the fault count, the page counter) is asserted on mapdev alone.
 */
#define _GNU_SOURCE
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/uio.h>

#include "helpers.h"
#include "harness.h"

#define PMD		(2L << 20)
#define OBJ		(4 * PMD)
#define HUGE_PARAM	"/sys/module/mapdev/parameters/huge"

static long minflt(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_minflt;
}

/* Is the module parameter "huge" on?  -1 if it cannot be read. */
static int huge_param(void)
{
	char c = 0;
	FILE *f = fopen(HUGE_PARAM, "r");

	if (!f)
		return -1;
	if (fscanf(f, " %c", &c) != 1)
		c = 0;
	fclose(f);
	return c == 'Y' ? 1 : c == 'N' ? 0 : -1;
}

static bool set_huge_param(bool on)
{
	FILE *f = fopen(HUGE_PARAM, "w");
	bool ok;

	if (!f)
		return false;
	ok = fputs(on ? "Y" : "N", f) >= 0;
	return !fclose(f) && ok;
}

/* Write a byte that names its page in every page of [@p, @p + @len). */
static void stamp(char *p, size_t len, long page)
{
	size_t i;

	for (i = 0; i < len; i += page)
		p[i] = (char)(i / page) | 1;
}

/* Does every page of [@p, @p + @len) hold its stamp at its first byte? */
static bool stamped(const char *p, size_t len, long page)
{
	size_t i;

	for (i = 0; i < len; i += page)
		if (p[i] != ((char)(i / page) | 1))
			return false;
	return true;
}

FIXTURE(huge) {
	int fd;
	long page;
	bool mapdev;
};

FIXTURE_VARIANT(huge) {
	enum backend backend;
};

FIXTURE_VARIANT_ADD(huge, mapdev) {
	.backend = BACKEND_MAPDEV,
};

FIXTURE_VARIANT_ADD(huge, tmpfs) {
	.backend = BACKEND_TMPFS,
};

FIXTURE_SETUP(huge)
{
	self->page = sysconf(_SC_PAGESIZE);
	self->mapdev = variant->backend == BACKEND_MAPDEV;
	self->fd = -1;
	if (self->mapdev && access(MAPDEV_DEV, F_OK))
		SKIP(return, "%s is missing: load mapdev.ko", MAPDEV_DEV);
	if (self->mapdev && huge_param() != 1)
		SKIP(return, "mapdev's huge folios are off (%s)", HUGE_PARAM);
	if (access("/sys/kernel/mm/transparent_hugepage", F_OK))
		SKIP(return, "no transparent huge pages in this kernel");
	self->fd = backend_open(variant->backend, O_RDWR);
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, backend_set_size(variant->backend, self->fd, OBJ));
}

FIXTURE_TEARDOWN(huge)
{
	if (self->fd >= 0)
		close(self->fd);
}

/*
 * A free, 2 MiB-aligned range of @len bytes, as a hint: a 32-bit task's
 * mappings are not PMD-aligned by the kernel (__thp_get_unmapped_area()).
 */
static char *aligned_hint(size_t len)
{
	char *p = free_range(len + PMD);

	return p ? (char *)(((uintptr_t)p + PMD - 1) / PMD * PMD) : NULL;
}

static char *map_shared(int fd, size_t len, off_t off)
{
	return mmap(aligned_hint(len), len, PROT_READ | PROT_WRITE,
		    MAP_SHARED, fd, off);
}

/*
 * One fault per 2 MiB, each mapping a PMD; the object holds huge folios,
 * which read(2) sees.
 */
TEST_F(huge, shared_writes_map_pmds)
{
	long huge0 = mapdev_stat("huge"), pages0 = mapdev_pages();
	long faults;
	char c;
	char *p;

	p = map_shared(self->fd, OBJ, 0);
	ASSERT_NE(MAP_FAILED, p);
	faults = minflt();
	stamp(p, OBJ, self->page);
	faults = minflt() - faults;
	ASSERT_TRUE(stamped(p, OBJ, self->page));
	ASSERT_EQ(1, pread(self->fd, &c, 1, 5 * self->page));
	EXPECT_EQ(5 | 1, c);
	if (self->mapdev) {
		EXPECT_EQ(OBJ / 1024, smaps_kb(p, "FilePmdMapped"));
		EXPECT_GE(OBJ / PMD, faults);
		EXPECT_EQ(OBJ / PMD, mapdev_stat("huge") - huge0);
		EXPECT_EQ(OBJ / self->page, mapdev_pages() - pages0);
	}
	ASSERT_EQ(0, munmap(p, OBJ));
}

/* Without a hint, mapdev places a 64-bit task's mapping PMD-aligned. */
TEST_F(huge, placed_pmd_aligned)
{
	char *p, *q;

	if (!self->mapdev || sizeof(long) == 4)
		SKIP(return, "mapdev's placement, 64-bit");
	p = mmap(NULL, OBJ, PROT_READ, MAP_SHARED, self->fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(0, (uintptr_t)p % PMD);
	q = mapdev_mmap(NULL, OBJ, PROT_READ, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, q);
	EXPECT_EQ(0, (uintptr_t)q % PMD);
	ASSERT_EQ(0, munmap(q, OBJ));
	ASSERT_EQ(0, munmap(p, OBJ));
}

/* Shared anonymous memory gets them too, and across fork(). */
TEST_F(huge, shared_anonymous_across_fork)
{
	int status;
	pid_t pid;
	char *p;

	p = (self->mapdev ? mapdev_mmap : mmap)(aligned_hint(OBJ), OBJ,
						PROT_READ | PROT_WRITE,
						MAP_SHARED | MAP_ANONYMOUS,
						-1, 0);
	ASSERT_NE(MAP_FAILED, p);
	stamp(p, OBJ, self->page);
	if (self->mapdev)
		EXPECT_EQ(OBJ / 1024, smaps_kb(p, "FilePmdMapped"));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		bool ok = stamped(p, OBJ, self->page);

		p[PMD + 7 * self->page] = 'c';
		/* The child faults its own PMDs in. */
		if (self->mapdev && smaps_kb(p, "FilePmdMapped") < PMD / 1024)
			ok = false;
		_exit(ok ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	EXPECT_EQ('c', p[PMD + 7 * self->page]);
	ASSERT_EQ(0, munmap(p, OBJ));
}

/* A mapping whose address and offset disagree modulo 2 MiB maps PTEs. */
TEST_F(huge, misaligned_mapping_maps_ptes)
{
	char *a, *b, *where;

	a = map_shared(self->fd, OBJ, 0);
	ASSERT_NE(MAP_FAILED, a);
	stamp(a, OBJ, self->page);
	where = aligned_hint(OBJ);
	ASSERT_NE(NULL, where);
	where += self->page;
	b = mmap(where, 2 * PMD, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_FIXED, self->fd, 0);
	ASSERT_EQ(where, b);
	ASSERT_TRUE(stamped(b, 2 * PMD, self->page));
	b[3] = 'b';
	EXPECT_EQ('b', a[3]);
	EXPECT_EQ(0, smaps_kb(b, "FilePmdMapped"));
	if (self->mapdev)
		EXPECT_EQ(OBJ / 1024, smaps_kb(a, "FilePmdMapped"));
	ASSERT_EQ(0, munmap(b, 2 * PMD));
	ASSERT_EQ(0, munmap(a, OBJ));
}

/*
 * A shrink that cuts a huge folio: SIGBUS wholly past the end, the tail of
 * the last page zero, the first huge folio still mapped by its PMD, the
 * page counter exact; growing again reads zeros.
 */
TEST_F(huge, shrink_across_huge_folio)
{
	size_t size = PMD + PMD / 2 + 100;
	size_t last = size / self->page * self->page;
	long pages0 = mapdev_pages();
	char *p;

	p = map_shared(self->fd, OBJ, 0);
	ASSERT_NE(MAP_FAILED, p);
	memset(p, 'x', OBJ);
	ASSERT_EQ(0, backend_set_size(variant->backend, self->fd, size));
	EXPECT_EQ(SIGBUS, probe_read(p + last + self->page));
	EXPECT_EQ(SIGBUS, probe_read(p + 3 * PMD));
	EXPECT_EQ(0, probe_read(p + last));
	EXPECT_EQ('x', p[size - 1]);
	EXPECT_TRUE(all_bytes(p + size, 0, last + self->page - size));
	EXPECT_TRUE(all_bytes(p, 'x', size));
	if (self->mapdev) {
		EXPECT_EQ(PMD / 1024, smaps_kb(p, "FilePmdMapped"));
		EXPECT_EQ((last + self->page) / self->page,
			  mapdev_pages() - pages0);
	}
	ASSERT_EQ(0, backend_set_size(variant->backend, self->fd, OBJ));
	EXPECT_TRUE(all_bytes(p + size, 0, OBJ - size));
	EXPECT_TRUE(all_bytes(p, 'x', size));
	ASSERT_EQ(0, munmap(p, OBJ));
	ASSERT_EQ(0, backend_set_size(variant->backend, self->fd, 0));
	if (self->mapdev)
		EXPECT_EQ(0, mapdev_pages() - pages0);
}

/* A shrink to a 2 MiB boundary drops whole huge folios; counters exact. */
TEST_F(huge, shrink_to_huge_boundary)
{
	long pages0 = mapdev_pages();
	char *p;

	p = map_shared(self->fd, OBJ, 0);
	ASSERT_NE(MAP_FAILED, p);
	memset(p, 'x', OBJ);
	ASSERT_EQ(0, backend_set_size(variant->backend, self->fd, PMD));
	EXPECT_EQ(SIGBUS, probe_read(p + PMD));
	EXPECT_TRUE(all_bytes(p, 'x', PMD));
	if (self->mapdev) {
		EXPECT_EQ(PMD / 1024, smaps_kb(p, "FilePmdMapped"));
		EXPECT_EQ(PMD / self->page, mapdev_pages() - pages0);
	}
	ASSERT_EQ(0, munmap(p, OBJ));
	ASSERT_EQ(0, backend_set_size(variant->backend, self->fd, 0));
	if (self->mapdev)
		EXPECT_EQ(0, mapdev_pages() - pages0);
}

/*
 * A page of the huge folio a shrink would cut, spliced into a pipe, keeps
 * the folio from being split: mapdev's shrink fails with EBUSY, having
 * zeroed only that folio past the new end (tmpfs, with small pages,
 * shrinks).  Once the pipe is read, the shrink succeeds.
 */
TEST_F(huge, shrink_blocked_by_spliced_page)
{
	size_t size = PMD + PMD / 2;
	struct iovec iov;
	char *p, *buf;
	int pfd[2], ret;

	buf = malloc(self->page);
	ASSERT_NE(NULL, buf);
	p = map_shared(self->fd, OBJ, 0);
	ASSERT_NE(MAP_FAILED, p);
	memset(p, 'x', OBJ);
	ASSERT_EQ(0, pipe(pfd));
	iov.iov_base = p + size + self->page;
	iov.iov_len = self->page;
	ASSERT_EQ(self->page, vmsplice(pfd[1], &iov, 1, 0));
	ret = backend_set_size(variant->backend, self->fd, size);
	if (self->mapdev) {
		EXPECT_EQ(-1, ret);
		EXPECT_EQ(EBUSY, errno);
		EXPECT_EQ(OBJ, backend_get_size(variant->backend, self->fd));
		EXPECT_TRUE(all_bytes(p + 2 * PMD, 'x', 2 * PMD));
	} else {
		EXPECT_EQ(0, ret);
	}
	EXPECT_TRUE(all_bytes(p, 'x', size));
	ASSERT_EQ(self->page, read(pfd[0], buf, self->page));
	close(pfd[0]);
	close(pfd[1]);
	free(buf);
	ASSERT_EQ(0, backend_set_size(variant->backend, self->fd, size));
	EXPECT_EQ(SIGBUS, probe_read(p + size + self->page));
	EXPECT_TRUE(all_bytes(p, 'x', size));
	ASSERT_EQ(0, munmap(p, OBJ));
}

/*
 * A small page already in an aligned range: that range gets small pages,
 * without a failed fault; the other ranges are huge.
 */
TEST_F(huge, small_page_in_range_falls_back)
{
	long huge0 = mapdev_stat("huge");
	char *p;

	ASSERT_EQ(0, backend_set_size(variant->backend, self->fd, PMD / 2));
	ASSERT_EQ(1, pwrite(self->fd, "w", 1, 0));
	ASSERT_EQ(0, backend_set_size(variant->backend, self->fd, OBJ));
	p = map_shared(self->fd, OBJ, 0);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ('w', p[0]);
	p[0] = 1;
	stamp(p, OBJ, self->page);
	ASSERT_TRUE(stamped(p, OBJ, self->page));
	if (self->mapdev) {
		EXPECT_EQ((OBJ - PMD) / 1024, smaps_kb(p, "FilePmdMapped"));
		EXPECT_EQ(OBJ / PMD - 1, mapdev_stat("huge") - huge0);
	}
	ASSERT_EQ(0, munmap(p, OBJ));
}

/*
 * A private mapping: a read fault may map the object's huge folio with a
 * PMD; a write copies one 4 KiB page and leaves the object alone.
 */
TEST_F(huge, private_write_copies_one_page)
{
	char *p;
	char c;

	ASSERT_EQ(0, fill(self->fd, 0, 'o', OBJ));
	p = mmap(aligned_hint(OBJ), OBJ, PROT_READ | PROT_WRITE, MAP_PRIVATE,
		 self->fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_TRUE(all_bytes(p, 'o', OBJ));
	if (self->mapdev)
		EXPECT_EQ(OBJ / 1024, smaps_kb(p, "FilePmdMapped"));
	p[PMD + 5 * self->page] = 'p';
	EXPECT_EQ('p', p[PMD + 5 * self->page]);
	EXPECT_TRUE(all_bytes(p, 'o', PMD + 5 * self->page));
	EXPECT_TRUE(all_bytes(p + PMD + 6 * self->page, 'o',
			      OBJ - PMD - 6 * self->page));
	EXPECT_EQ(self->page / 1024, smaps_kb(p, "Anonymous"));
	ASSERT_EQ(1, pread(self->fd, &c, 1, PMD + 5 * self->page));
	EXPECT_EQ('o', c);
	if (self->mapdev)
		EXPECT_EQ((OBJ - PMD) / 1024, smaps_kb(p, "FilePmdMapped"));
	ASSERT_EQ(0, munmap(p, OBJ));
}

/*
 * Private anonymous memory: a read fault in a 2 MiB range the mapping
 * holds whole maps a huge zero folio with a PMD (one fault per 2 MiB, as
 * natively the huge zero page); a write copies one 4 KiB page.
 */
TEST_F(huge, private_anonymous_reads)
{
	long faults, sum = 0;
	size_t i;
	char *p;

	p = (self->mapdev ? mapdev_mmap : mmap)(aligned_hint(OBJ), OBJ,
						PROT_READ | PROT_WRITE,
						MAP_PRIVATE | MAP_ANONYMOUS,
						-1, 0);
	ASSERT_NE(MAP_FAILED, p);
	faults = minflt();
	for (i = 0; i < OBJ; i += self->page)
		sum += p[i];
	faults = minflt() - faults;
	EXPECT_EQ(0, sum);
	p[PMD + 3] = 'w';
	EXPECT_EQ('w', p[PMD + 3]);
	EXPECT_TRUE(all_bytes(p, 0, PMD + 3));
	EXPECT_TRUE(all_bytes(p + PMD + 4, 0, OBJ - PMD - 4));
	if (self->mapdev && (uintptr_t)p % PMD == 0) {
		EXPECT_GE(OBJ / PMD, faults);
		EXPECT_EQ((OBJ - PMD) / 1024, smaps_kb(p, "FilePmdMapped"));
		EXPECT_EQ(self->page / 1024, smaps_kb(p, "Anonymous"));
	}
	ASSERT_EQ(0, (self->mapdev ? mapdev_munmap : munmap)(p, OBJ));
}

/* mremap() moves the PMDs; the contents follow. */
TEST_F(huge, mremap_keeps_contents)
{
	char *p, *to, *q;

	p = map_shared(self->fd, OBJ, 0);
	ASSERT_NE(MAP_FAILED, p);
	stamp(p, OBJ, self->page);
	to = aligned_hint(OBJ);
	ASSERT_NE(NULL, to);
	q = mremap(p, OBJ, OBJ, MREMAP_MAYMOVE | MREMAP_FIXED, to);
	ASSERT_EQ(to, q);
	EXPECT_TRUE(stamped(q, OBJ, self->page));
	if (self->mapdev)
		EXPECT_EQ(OBJ / 1024, smaps_kb(q, "FilePmdMapped"));
	ASSERT_EQ(0, munmap(q, OBJ));
}

/* mprotect() of one page splits its PMD only. */
TEST_F(huge, mprotect_part_of_huge_mapping)
{
	char *p;

	p = map_shared(self->fd, OBJ, 0);
	ASSERT_NE(MAP_FAILED, p);
	stamp(p, OBJ, self->page);
	ASSERT_EQ(0, mprotect(p + self->page, self->page, PROT_READ));
	EXPECT_EQ(SIGSEGV, probe_write(p + self->page, 1));
	EXPECT_EQ(0, probe_write(p + 2 * self->page, 2 | 1));
	EXPECT_TRUE(stamped(p, OBJ, self->page));
	if (self->mapdev)
		EXPECT_EQ((OBJ - PMD) / 1024,
			  smaps_kb(p + PMD, "FilePmdMapped"));
	ASSERT_EQ(0, munmap(p, OBJ));
}

/* MADV_NOHUGEPAGE, as for shmem: that mapping's faults add small folios. */
TEST_F(huge, nohugepage_mapping_gets_small_folios)
{
	long huge0 = mapdev_stat("huge");
	char *p;

	p = map_shared(self->fd, OBJ, 0);
	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, madvise(p, OBJ, MADV_NOHUGEPAGE));
	stamp(p, OBJ, self->page);
	EXPECT_TRUE(stamped(p, OBJ, self->page));
	EXPECT_EQ(0, smaps_kb(p, "FilePmdMapped"));
	if (self->mapdev)
		EXPECT_EQ(0, mapdev_stat("huge") - huge0);
	ASSERT_EQ(0, munmap(p, OBJ));
}

/* Huge folios mapdev tried to add: those it got and those it fell back from. */
static long huge_tries(void)
{
	long huge = mapdev_stat("huge"), fallback = mapdev_stat("huge_fallback");

	return huge < 0 || fallback < 0 ? -1 : huge + fallback;
}

#ifndef PR_THP_DISABLE_EXCEPT_ADVISED
#define PR_THP_DISABLE_EXCEPT_ADVISED	0x2	/* <linux/prctl.h> of 6.18 */
#endif

/*
 * prctl(PR_SET_THP_DISABLE), as shmem decides: the process adds small
 * folios; with PR_THP_DISABLE_EXCEPT_ADVISED (6.18) a mapping with
 * MADV_HUGEPAGE still gets huge ones.  (The tmpfs side, a memfd, has no
 * huge pages with Debian's shmem_enabled: it checks the contents.)
 */
TEST_F(huge, thp_disabled_process_gets_small_folios)
{
	long tries0 = huge_tries();
	char *p;

	if (self->mapdev)
		ASSERT_LE(0, tries0);
	ASSERT_EQ(0, prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0));
	p = map_shared(self->fd, OBJ, 0);
	if (p != MAP_FAILED)
		stamp(p, OBJ, self->page);
	ASSERT_EQ(0, prctl(PR_SET_THP_DISABLE, 0, 0, 0, 0));
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_TRUE(stamped(p, OBJ, self->page));
	EXPECT_EQ(0, smaps_kb(p, "FilePmdMapped"));
	if (self->mapdev)
		EXPECT_EQ(0, huge_tries() - tries0);
	ASSERT_EQ(0, munmap(p, OBJ));
}

TEST_F(huge, thp_disabled_except_advised)
{
	long huge0 = mapdev_stat("huge");
	char *p;

	if (prctl(PR_SET_THP_DISABLE, 1, PR_THP_DISABLE_EXCEPT_ADVISED, 0, 0))
		SKIP(return, "no PR_THP_DISABLE_EXCEPT_ADVISED (before 6.18)");
	p = map_shared(self->fd, OBJ, 0);
	if (p != MAP_FAILED && !madvise(p, OBJ, MADV_HUGEPAGE))
		stamp(p, OBJ, self->page);
	ASSERT_EQ(0, prctl(PR_SET_THP_DISABLE, 0, 0, 0, 0));
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_TRUE(stamped(p, OBJ, self->page));
	if (self->mapdev) {
		EXPECT_EQ(OBJ / 1024, smaps_kb(p, "FilePmdMapped"));
		EXPECT_EQ(OBJ / PMD, mapdev_stat("huge") - huge0);
	}
	ASSERT_EQ(0, munmap(p, OBJ));
}

/* The module parameter turns them off for new folios. */
TEST_F(huge, parameter_off)
{
	long huge0 = mapdev_stat("huge");
	char *p;

	if (!self->mapdev)
		SKIP(return, "a parameter of mapdev's");
	ASSERT_TRUE(set_huge_param(false));
	p = map_shared(self->fd, OBJ, 0);
	if (p != MAP_FAILED)
		stamp(p, OBJ, self->page);
	ASSERT_TRUE(set_huge_param(true));
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_TRUE(stamped(p, OBJ, self->page));
	EXPECT_EQ(0, smaps_kb(p, "FilePmdMapped"));
	EXPECT_EQ(0, mapdev_stat("huge") - huge0);
	ASSERT_EQ(0, munmap(p, OBJ));
}

/* A memory.stat field of cgroup directory @cg, or -1. */
static long long memcg_stat(const char *cg, const char *field)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/memory.stat", cg);
	return key_value(path, field);
}

/*
 * Huge folios are charged, whole, to the memory cgroup of the task that
 * faults them in, as file huge pages ("file_thp"), and uncharged when the
 * object goes.
 */
TEST_F(huge, charged_to_memcg)
{
	const char *cg = "/sys/fs/cgroup/mapdev-huge-test";
	char path[256];
	int status;
	pid_t pid;
	FILE *f;

	if (!self->mapdev)
		SKIP(return, "tmpfs gives no huge folios by default");
	if (access("/sys/fs/cgroup/cgroup.controllers", F_OK))
		SKIP(return, "no cgroup v2 at /sys/fs/cgroup");
	f = fopen("/sys/fs/cgroup/cgroup.subtree_control", "w");
	if (f) {
		fputs("+memory", f);
		fclose(f);
	}
	rmdir(cg);
	ASSERT_EQ(0, mkdir(cg, 0755));
	if (memcg_stat(cg, "file_thp") < 0) {
		rmdir(cg);
		SKIP(return, "no memory controller (file_thp) in %s", cg);
	}
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int fd = open(MAPDEV_DEV, O_RDWR);
		__u64 size = OBJ;
		char *p;

		snprintf(path, sizeof(path), "%s/cgroup.procs", cg);
		f = fopen(path, "w");
		if (!f || fprintf(f, "%d", getpid()) < 0 || fclose(f))
			_exit(2);
		if (fd < 0 || ioctl(fd, MAPDEV_IOC_SET_SIZE, &size))
			_exit(3);
		p = map_shared(fd, OBJ, 0);
		if (p == MAP_FAILED)
			_exit(4);
		stamp(p, OBJ, sysconf(_SC_PAGESIZE));
		_exit(memcg_stat(cg, "file_thp") == OBJ ? 0 : 5);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	/* The child's exit freed the object and its folios. */
	EXPECT_EQ(0, memcg_stat(cg, "file_thp"));
	EXPECT_EQ(0, rmdir(cg));
}

TEST_HARNESS_MAIN
