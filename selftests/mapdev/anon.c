// SPDX-License-Identifier: GPL-2.0
/*
 * MAP_ANONYMOUS through mapdev, compared with native mmap(2): every test
 * runs once natively and once through libmapdev and asserts the same
 * outcome, except where mapdev deliberately differs (said at the test).
 */
#define _GNU_SOURCE
#include "helpers.h"
#include "harness.h"

#define PRIV	(MAP_PRIVATE | MAP_ANONYMOUS)
#define SHARED	(MAP_SHARED | MAP_ANONYMOUS)
#define RW	(PROT_READ | PROT_WRITE)

FIXTURE(anon) {
	size_t page;
};

FIXTURE_VARIANT(anon) {
	const struct mapper *m;
};

FIXTURE_VARIANT_ADD(anon, native) {
	.m = &native_mapper,
};

FIXTURE_VARIANT_ADD(anon, mapdev) {
	.m = &mapdev_mapper,
};

FIXTURE_SETUP(anon)
{
	self->page = sysconf(_SC_PAGESIZE);
	if (!mapper_ready(variant->m))
		SKIP(return, "%s is missing: load mapdev.ko", MAPDEV_DEV);
}

FIXTURE_TEARDOWN(anon)
{
}

TEST_F(anon, private_zero_filled_and_writable)
{
	size_t len = 64 * self->page;
	char *p = variant->m->mmap(NULL, len, RW, PRIV, -1, 0);
	size_t i;

	ASSERT_NE(MAP_FAILED, p);
	/* Read faults first on some pages, write faults first on others. */
	EXPECT_TRUE(all_bytes(p, 0, len / 2));
	for (i = 0; i < len; i += self->page)
		p[i + 7] = (char)(i / self->page);
	for (i = 0; i < len; i += self->page)
		ASSERT_EQ((char)(i / self->page), p[i + 7]);
	EXPECT_TRUE(all_bytes(p + len / 2 + 8, 0, self->page - 8));
	ASSERT_EQ(0, variant->m->munmap(p, len));
}

/* A length that is not a multiple of the page size maps whole pages. */
TEST_F(anon, unaligned_length)
{
	char *p = variant->m->mmap(NULL, self->page + 1, RW, PRIV, -1, 0);
	char *s = variant->m->mmap(NULL, 2 * self->page - 7, RW, SHARED, -1, 0);

	ASSERT_NE(MAP_FAILED, p);
	ASSERT_NE(MAP_FAILED, s);
	EXPECT_EQ(0, ((uintptr_t)p | (uintptr_t)s) & (self->page - 1));
	EXPECT_EQ(0, probe_write(p + 2 * self->page - 1, 1));
	EXPECT_EQ(0, probe_write(s + 2 * self->page - 1, 1));
	EXPECT_EQ(2, maps_count(p, 2 * self->page) + maps_count(s, 2 * self->page));
	EXPECT_EQ(0, variant->m->munmap(p, self->page + 1));
	EXPECT_EQ(0, variant->m->munmap(s, 2 * self->page - 7));
}

TEST_F(anon, maps_permissions)
{
	char *p = variant->m->mmap(NULL, self->page, RW, PRIV, -1, 0);
	char *s = variant->m->mmap(NULL, self->page, PROT_READ, SHARED, -1, 0);
	char perms[5];

	ASSERT_NE(MAP_FAILED, p);
	ASSERT_NE(MAP_FAILED, s);
	ASSERT_TRUE(maps_perms(p, perms));
	EXPECT_STREQ("rw-p", perms);
	ASSERT_TRUE(maps_perms(s, perms));
	EXPECT_STREQ("r--s", perms);
	variant->m->munmap(p, self->page);
	variant->m->munmap(s, self->page);
}

TEST_F(anon, private_copy_on_write_across_fork)
{
	char *p = variant->m->mmap(NULL, 2 * self->page, RW, PRIV, -1, 0);
	int status;
	pid_t pid;

	ASSERT_NE(MAP_FAILED, p);
	p[0] = 'A';
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		if (p[0] != 'A' || p[self->page] != 0)
			_exit(1);
		p[0] = 'C';
		p[self->page] = 'C';
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_EQ(0, WEXITSTATUS(status));
	EXPECT_EQ('A', p[0]);
	EXPECT_EQ(0, p[self->page]);
	ASSERT_EQ(0, variant->m->munmap(p, 2 * self->page));
}

/*
 * After fork, parent and child each map private memory at the same
 * address (through the same open of /dev/mapdev, inherited): neither can
 * see the other's, as with native memory.
 */
TEST_F(anon, processes_do_not_share_private_memory)
{
	char *base = free_range(self->page);
	int to_child[2], status;
	char *p, c;
	pid_t pid;

	ASSERT_NE(NULL, base);
	ASSERT_EQ(0, pipe(to_child));
	/* The library opens the device before the fork: both use that fd. */
	variant->m->munmap(base, self->page);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		p = variant->m->mmap(base, self->page, RW,
				     PRIV | MAP_FIXED_NOREPLACE, -1, 0);
		if (p != base || p[0] != 0)
			_exit(1);
		p[0] = 'c';
		/* Wait until the parent has written its own. */
		if (read(to_child[0], &c, 1) != 1 || p[0] != 'c')
			_exit(2);
		_exit(0);
	}
	p = variant->m->mmap(base, self->page, RW, PRIV | MAP_FIXED_NOREPLACE,
			     -1, 0);
	ASSERT_EQ(base, p);
	EXPECT_EQ(0, p[0]);
	p[0] = 'p';
	ASSERT_EQ(1, write(to_child[1], "x", 1));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
	EXPECT_EQ('p', p[0]);
	variant->m->munmap(p, self->page);
}

TEST_F(anon, shared_across_fork)
{
	char *p = variant->m->mmap(NULL, 2 * self->page, RW, SHARED, -1, 0);
	int status;
	pid_t pid;

	ASSERT_NE(MAP_FAILED, p);
	EXPECT_TRUE(all_bytes(p, 0, 2 * self->page));
	p[0] = 'P';
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		if (p[0] != 'P')
			_exit(1);
		p[self->page] = 'C';
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_EQ(0, WEXITSTATUS(status));
	EXPECT_EQ('C', p[self->page]);
	ASSERT_EQ(0, variant->m->munmap(p, 2 * self->page));
}

/* A shared mapping's memory has the size it was made with. */
TEST_F(anon, shared_grown_by_mremap_raises_sigbus)
{
	char *p = variant->m->mmap(NULL, self->page, RW, SHARED, -1, 0);
	char *q;

	ASSERT_NE(MAP_FAILED, p);
	p[0] = 's';
	q = mremap(p, self->page, 3 * self->page, MREMAP_MAYMOVE);
	ASSERT_NE(MAP_FAILED, q);
	EXPECT_EQ('s', q[0]);
	EXPECT_EQ(SIGBUS, probe_read(q + 2 * self->page));
	ASSERT_EQ(0, munmap(q, 3 * self->page));
}

TEST_F(anon, private_mremap)
{
	char *p = variant->m->mmap(NULL, 2 * self->page, RW, PRIV, -1, 0);
	char *q;

	ASSERT_NE(MAP_FAILED, p);
	p[0] = 'm';
	q = mremap(p, 2 * self->page, 8 * self->page, MREMAP_MAYMOVE);
	ASSERT_NE(MAP_FAILED, q);
	EXPECT_EQ('m', q[0]);
	EXPECT_TRUE(all_bytes(q + 2 * self->page, 0, 6 * self->page));
	q[7 * self->page] = 1;
	q = mremap(q, 8 * self->page, self->page, 0);
	ASSERT_NE(MAP_FAILED, q);
	EXPECT_EQ('m', q[0]);
	ASSERT_EQ(0, munmap(q, self->page));
}

TEST_F(anon, partial_munmap)
{
	char *p = variant->m->mmap(NULL, 3 * self->page, RW, PRIV, -1, 0);

	ASSERT_NE(MAP_FAILED, p);
	memset(p, 'x', 3 * self->page);
	ASSERT_EQ(0, variant->m->munmap(p + self->page, self->page));
	EXPECT_EQ(SIGSEGV, probe_read(p + self->page));
	EXPECT_EQ('x', p[0]);
	EXPECT_EQ('x', p[2 * self->page]);
	EXPECT_EQ(2, maps_count(p, 3 * self->page));
	ASSERT_EQ(0, variant->m->munmap(p, 3 * self->page));
	EXPECT_EQ(0, maps_count(p, 3 * self->page));
}

/* Neighbouring private mappings merge into one, as natively. */
TEST_F(anon, neighbours_merge)
{
	char *base = free_range(4 * self->page);
	char *a, *b;

	ASSERT_NE(NULL, base);
	a = variant->m->mmap(base, 2 * self->page, RW, PRIV | MAP_FIXED_NOREPLACE,
			     -1, 0);
	ASSERT_EQ(base, a);
	b = variant->m->mmap(base + 2 * self->page, 2 * self->page, RW,
			     PRIV | MAP_FIXED_NOREPLACE, -1, 0);
	ASSERT_EQ(base + 2 * self->page, b);
	a[0] = 1;
	b[0] = 2;
	EXPECT_EQ(1, maps_count(base, 4 * self->page));
	ASSERT_EQ(0, variant->m->munmap(base, 4 * self->page));
}

/*
 * Room for private memory is found where mmap(2) finds it: the same
 * address in the same address space.  Since 6.12 that is PMD-aligned for
 * anonymous memory of a multiple of 2 MiB without a hint (THP alignment),
 * and not before, nor for 32-bit tasks; /dev/zero has its own search.
 * (Not MAP_32BIT: x86 starts its search at a random page of the first
 * 32 MiB of the window on every call, find_start_end().)
 */
TEST(private_placed_as_native)
{
	static const struct {
		size_t len;
		bool zero, hint;
	} c[] = {
		{ .len = 3 << 12 }, { .len = 2 << 20 },
		{ .len = (2 << 20) + (1 << 12) }, { .len = 32 << 20 },
		{ .len = 128 << 20 },
		{ .len = 2 << 20, .hint = true },	/* a hint that is taken */
		{ .len = 2 << 20, .zero = true },
		{ .len = 32 << 20, .zero = true },
	};
	int zero = open("/dev/zero", O_RDWR | O_CLOEXEC);
	char *taken = mmap(NULL, 1 << 12, PROT_READ, PRIV, -1, 0);
	size_t i;

	if (!mapper_ready(&mapdev_mapper))
		SKIP(return, "%s is missing: load mapdev.ko", MAPDEV_DEV);
	ASSERT_LE(0, zero);
	ASSERT_NE(MAP_FAILED, taken);
	for (i = 0; i < ARRAY_SIZE(c); i++) {
		int flags = c[i].zero ? MAP_PRIVATE : PRIV;
		int fd = c[i].zero ? zero : -1;
		char *hint = c[i].hint ? taken : NULL;
		char *n = mmap(hint, c[i].len, RW, flags, fd, 0);
		char *m;

		ASSERT_NE(MAP_FAILED, n);
		ASSERT_EQ(0, munmap(n, c[i].len));
		m = mapdev_mmap(hint, c[i].len, RW, flags, fd, 0);
		ASSERT_NE(MAP_FAILED, m);
		EXPECT_EQ(n, m) TH_LOG("case %zu: native at %p, mapdev at %p",
				       i, n, m);
		ASSERT_EQ(0, mapdev_munmap(m, c[i].len));
	}
	munmap(taken, 1 << 12);
	close(zero);
}

TEST_F(anon, protections)
{
	char *p = variant->m->mmap(NULL, self->page, PROT_NONE, PRIV, -1, 0);
	char *r = variant->m->mmap(NULL, self->page, PROT_READ, PRIV, -1, 0);
	char *w = variant->m->mmap(NULL, self->page, PROT_WRITE, PRIV, -1, 0);

	ASSERT_NE(MAP_FAILED, p);
	ASSERT_NE(MAP_FAILED, r);
	ASSERT_NE(MAP_FAILED, w);
	EXPECT_EQ(SIGSEGV, probe_read(p));
	EXPECT_EQ(SIGSEGV, probe_write(p, 1));
	EXPECT_EQ(0, probe_read(r));
	EXPECT_EQ(SIGSEGV, probe_write(r, 1));
	/* x86: PROT_WRITE implies PROT_READ. */
	EXPECT_EQ(0, probe_write(w, 1));
	EXPECT_EQ(0, probe_read(w));
	ASSERT_EQ(0, mprotect(p, self->page, RW));
	EXPECT_EQ(0, probe_write(p, 1));
	ASSERT_EQ(0, mprotect(p, self->page, PROT_READ));
	EXPECT_EQ(SIGSEGV, probe_write(p, 1));
	EXPECT_EQ(1, p[0]);
	variant->m->munmap(p, self->page);
	variant->m->munmap(r, self->page);
	variant->m->munmap(w, self->page);
}

static sigjmp_buf exec_env;

static void exec_handler(int sig)
{
	siglongjmp(exec_env, sig);
}

/* Call the code at @p; 0 if it ran, or the signal it raised. */
static int try_exec(void *p)
{
	struct sigaction sa = { .sa_handler = exec_handler };
	struct sigaction old;
	int sig;

	sigaction(SIGSEGV, &sa, &old);
	sig = sigsetjmp(exec_env, 1);
	if (!sig)
		((void (*)(void))p)();
	sigaction(SIGSEGV, &old, NULL);
	return sig;
}

TEST_F(anon, prot_exec)
{
	const unsigned char ret = 0xc3;		/* x86 "ret" */
	char *x = variant->m->mmap(NULL, self->page, RW | PROT_EXEC, PRIV, -1, 0);
	char *nx = variant->m->mmap(NULL, self->page, RW, PRIV, -1, 0);

	ASSERT_NE(MAP_FAILED, x);
	ASSERT_NE(MAP_FAILED, nx);
	memcpy(x, &ret, 1);
	memcpy(nx, &ret, 1);
	EXPECT_EQ(0, try_exec(x));
	EXPECT_EQ(SIGSEGV, try_exec(nx));
	ASSERT_EQ(0, mprotect(nx, self->page, PROT_READ | PROT_EXEC));
	EXPECT_EQ(0, try_exec(nx));
	variant->m->munmap(x, self->page);
	variant->m->munmap(nx, self->page);
}

TEST_F(anon, map_populate)
{
	size_t len = 32 * self->page;
	char *p = variant->m->mmap(NULL, len, RW, PRIV | MAP_POPULATE, -1, 0);
	char *s = variant->m->mmap(NULL, len, RW, SHARED | MAP_POPULATE, -1, 0);

	ASSERT_NE(MAP_FAILED, p);
	ASSERT_NE(MAP_FAILED, s);
	EXPECT_EQ(len / 1024, smaps_kb(p, "Rss"));
	EXPECT_EQ(len / 1024, smaps_kb(s, "Rss"));
	EXPECT_TRUE(all_bytes(p, 0, len));
	variant->m->munmap(p, len);
	variant->m->munmap(s, len);
}

/* MAP_NONBLOCK turns MAP_POPULATE off. */
TEST_F(anon, map_populate_nonblock)
{
	size_t len = 32 * self->page;
	char *p = variant->m->mmap(NULL, len, RW,
				   PRIV | MAP_POPULATE | MAP_NONBLOCK, -1, 0);

	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(0, smaps_kb(p, "Rss"));
	variant->m->munmap(p, len);
}

TEST_F(anon, map_locked)
{
	size_t len = 16 * self->page;
	long before = status_kb("VmLck");
	char *p = variant->m->mmap(NULL, len, RW, PRIV | MAP_LOCKED, -1, 0);

	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(before + (long)len / 1024, status_kb("VmLck"));
	EXPECT_EQ(len / 1024, smaps_kb(p, "Rss"));
	EXPECT_EQ(len / 1024, smaps_kb(p, "Locked"));
	ASSERT_EQ(0, variant->m->munmap(p, len));
	EXPECT_EQ(before, status_kb("VmLck"));
}

TEST_F(anon, map_fixed_replaces)
{
	char *p = variant->m->mmap(NULL, 4 * self->page, RW, PRIV, -1, 0);
	char *q;

	ASSERT_NE(MAP_FAILED, p);
	memset(p, 'o', 4 * self->page);
	q = variant->m->mmap(p + self->page, 2 * self->page, RW,
			     PRIV | MAP_FIXED, -1, 0);
	ASSERT_EQ(p + self->page, q);
	EXPECT_EQ('o', p[0]);
	EXPECT_TRUE(all_bytes(q, 0, 2 * self->page));
	EXPECT_EQ('o', p[3 * self->page]);
	ASSERT_EQ(0, variant->m->munmap(p, 4 * self->page));
}

TEST_F(anon, map_fixed_noreplace)
{
	char *p = variant->m->mmap(NULL, 2 * self->page, RW, PRIV, -1, 0);
	char *base = free_range(2 * self->page);
	char *q;

	ASSERT_NE(MAP_FAILED, p);
	q = variant->m->mmap(p + self->page, 2 * self->page, RW,
			     PRIV | MAP_FIXED_NOREPLACE, -1, 0);
	ASSERT_EQ(MAP_FAILED, q);
	ASSERT_EQ(EEXIST, errno);
	ASSERT_NE(NULL, base);
	q = variant->m->mmap(base, 2 * self->page, RW,
			     PRIV | MAP_FIXED_NOREPLACE, -1, 0);
	ASSERT_EQ(base, q);
	variant->m->munmap(p, 2 * self->page);
	variant->m->munmap(q, 2 * self->page);
}

TEST_F(anon, hint_is_honoured_when_free)
{
	char *base = free_range(2 * self->page);
	char *q;

	ASSERT_NE(NULL, base);
	q = variant->m->mmap(base, 2 * self->page, RW, PRIV, -1, 0);
	ASSERT_EQ(base, q);
	variant->m->munmap(q, 2 * self->page);
}

TEST_F(anon, map_32bit)
{
	char *p = variant->m->mmap(NULL, 4 * self->page, RW, PRIV | MAP_32BIT,
				   -1, 0);

	ASSERT_NE(MAP_FAILED, p);
	/* 64-bit: below 2 GiB.  32-bit processes ignore the flag. */
	if (sizeof(long) == 8)
		EXPECT_LE((uintptr_t)p + 4 * self->page, 1UL << 31);
	p[0] = 1;
	variant->m->munmap(p, 4 * self->page);
}

/* Flags that change nothing visible here: each maps zeroed memory. */
TEST_F(anon, flags_accepted)
{
	static const int flags[] = {
		MAP_ANON, MAP_NORESERVE, MAP_STACK, MAP_UNINITIALIZED,
		MAP_DENYWRITE, MAP_EXECUTABLE, MAP_FILE, MAP_NONBLOCK,
	};
	size_t i;

	EXPECT_EQ(MAP_ANON, MAP_ANONYMOUS);
	for (i = 0; i < ARRAY_SIZE(flags); i++) {
		char *p = variant->m->mmap(NULL, 2 * self->page, RW,
					   PRIV | flags[i], -1, 0);

		ASSERT_NE(MAP_FAILED, p) TH_LOG("flag %#x", flags[i]);
		EXPECT_TRUE(all_bytes(p, 0, 2 * self->page));
		p[self->page] = 1;
		variant->m->munmap(p, 2 * self->page);
	}
}

/*
 * MAP_GROWSDOWN: native memory grows down on a fault below it.  mapdev's
 * anonymous memory is a file mapping, whose growth the core's stack
 * expansion would not record in the file's reverse map: mapdev does not
 * serve it and answers ENODEV (mapdev-run maps it natively), documented.
 */
TEST_F(anon, map_growsdown)
{
	char *base = free_range(16 * self->page);
	char *p;

	ASSERT_NE(NULL, base);
	p = variant->m->mmap(base + 8 * self->page, 4 * self->page, RW,
			     PRIV | MAP_GROWSDOWN | MAP_FIXED_NOREPLACE, -1, 0);
	if (variant->m->mapdev) {
		ASSERT_EQ(MAP_FAILED, p);
		ASSERT_EQ(ENODEV, errno);
		return;
	}
	ASSERT_EQ(base + 8 * self->page, p);
	/* Touch the page below: the mapping grows to cover it. */
	EXPECT_EQ(0, probe_write(p - self->page, 1));
	munmap(base, 16 * self->page);
}

TEST_F(anon, growsdown_shared_einval)
{
	char *p = variant->m->mmap(NULL, self->page, RW, SHARED | MAP_GROWSDOWN,
				   -1, 0);

	ASSERT_EQ(MAP_FAILED, p);
	ASSERT_EQ(EINVAL, errno);
}

/* No huge page pool is configured in the test VM: ENOMEM both ways. */
TEST_F(anon, map_hugetlb)
{
	bool gb = access("/sys/kernel/mm/hugepages/hugepages-1048576kB", F_OK) == 0;
	size_t len = 2UL << 20;
	char *p;

	if (read_sysfs_long("/proc/sys/vm/nr_hugepages") != 0)
		SKIP(return, "a huge page pool is configured");
	p = variant->m->mmap(NULL, len, RW, PRIV | MAP_HUGETLB, -1, 0);
	ASSERT_EQ(MAP_FAILED, p);
	EXPECT_EQ(ENOMEM, errno);
	p = variant->m->mmap(NULL, len, RW, PRIV | MAP_HUGETLB | MAP_HUGE_2MB,
			     -1, 0);
	ASSERT_EQ(MAP_FAILED, p);
	EXPECT_EQ(ENOMEM, errno);
	p = variant->m->mmap(NULL, 1UL << 30, RW,
			     PRIV | MAP_HUGETLB | MAP_HUGE_1GB, -1, 0);
	ASSERT_EQ(MAP_FAILED, p);
	EXPECT_EQ(gb ? ENOMEM : EINVAL, errno);
	/* A size x86 has no huge pages of. */
	p = variant->m->mmap(NULL, len, RW,
			     PRIV | MAP_HUGETLB | (25 << MAP_HUGE_SHIFT), -1, 0);
	ASSERT_EQ(MAP_FAILED, p);
	EXPECT_EQ(EINVAL, errno);
}

/*
 * With a pool of huge pages, native MAP_HUGETLB maps them; mapdev has no
 * huge pages and still answers ENOMEM (documented).
 */
TEST_F(anon, map_hugetlb_with_pool)
{
	size_t len = 2UL << 20;
	int fd;
	char *p;

	if (geteuid())
		SKIP(return, "needs root to size the huge page pool");
	fd = open("/proc/sys/vm/nr_hugepages", O_WRONLY);
	ASSERT_LE(0, fd);
	ASSERT_EQ(1, write(fd, "2", 1));
	p = variant->m->mmap(NULL, len, RW, PRIV | MAP_HUGETLB, -1, 0);
	if (variant->m->mapdev) {
		EXPECT_EQ(MAP_FAILED, p);
		EXPECT_EQ(ENOMEM, errno);
	} else if (read_sysfs_long("/proc/sys/vm/nr_hugepages") < 1) {
		TH_LOG("the kernel found no memory for a huge page");
	} else {
		ASSERT_NE(MAP_FAILED, p);
		p[0] = 1;
		EXPECT_EQ(len / 1024, smaps_kb(p, "KernelPageSize"));
		munmap(p, len);
	}
	ASSERT_EQ(1, pwrite(fd, "0", 1, 0));
	close(fd);
	ASSERT_EQ(0, read_sysfs_long("/proc/sys/vm/nr_hugepages"));
}

TEST_F(anon, shared_validate_is_not_for_anonymous)
{
	char *p = variant->m->mmap(NULL, self->page, RW,
				   MAP_SHARED_VALIDATE | MAP_ANONYMOUS, -1, 0);

	ASSERT_EQ(MAP_FAILED, p);
	ASSERT_EQ(EINVAL, errno);
}

/* MAP_ANONYMOUS ignores fd and needs only a page-aligned offset. */
TEST_F(anon, fd_and_offset_ignored)
{
	char *p = variant->m->mmap(NULL, self->page, RW, PRIV, 12345,
				   16 * self->page);

	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(0, p[0]);
	variant->m->munmap(p, self->page);
}

TEST_HARNESS_MAIN
