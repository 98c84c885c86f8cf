// SPDX-License-Identifier: GPL-2.0
/*
 * Limits and accounting, each compared with native: the pages all objects
 * may hold (as a full tmpfs answers), MAP_LOCKED of a regular file against
 * RLIMIT_MEMLOCK and mm->locked_vm (threads racing, a merge with a
 * neighbour, mlockall(MCL_FUTURE)), an address hint below mmap_min_addr,
 * and munmap of a tagged address.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sys/mount.h>
#include <sys/resource.h>

#include "helpers.h"
#include "harness.h"

#define RW		(PROT_READ | PROT_WRITE)
#define POOL_PAGES	16
#define MAX_PAGES	"/sys/module/mapdev/parameters/max_pages"
#define TMPFS_DIR	"/run/mapdev-limits"

static int write_long(const char *path, long v)
{
	FILE *f = fopen(path, "w");
	int ret;

	if (!f)
		return -1;
	ret = fprintf(f, "%ld\n", v) < 0;
	return fclose(f) || ret ? -1 : 0;
}

/*
 * A store of POOL_PAGES pages: mapdev with max_pages set to what its
 * objects hold now plus POOL_PAGES, or a tmpfs mount of POOL_PAGES pages.
 */
FIXTURE(pool) {
	size_t page;
	long saved;
	bool mounted;
};

FIXTURE_VARIANT(pool) {
	enum backend b;
};

FIXTURE_VARIANT_ADD(pool, tmpfs) { .b = BACKEND_TMPFS };
FIXTURE_VARIANT_ADD(pool, mapdev) { .b = BACKEND_MAPDEV };

FIXTURE_SETUP(pool)
{
	char opts[64];

	self->page = sysconf(_SC_PAGESIZE);
	self->saved = -1;
	self->mounted = false;
	if (geteuid())
		SKIP(return, "setting the limit needs root");
	if (variant->b == BACKEND_MAPDEV) {
		if (access(MAPDEV_DEV, F_OK))
			SKIP(return, "%s is missing: load mapdev.ko", MAPDEV_DEV);
		self->saved = read_sysfs_long(MAX_PAGES);
		ASSERT_LT(0, self->saved);
		ASSERT_EQ(0, write_long(MAX_PAGES, read_sysfs_long(MAPDEV_SYSFS "pinned") +
					POOL_PAGES));
		return;
	}
	mkdir(TMPFS_DIR, 0755);
	snprintf(opts, sizeof(opts), "size=%zu,mode=1777", POOL_PAGES * self->page);
	ASSERT_EQ(0, mount("mapdev-limits", TMPFS_DIR, "tmpfs", 0, opts));
	self->mounted = true;
}

FIXTURE_TEARDOWN(pool)
{
	if (self->saved > 0)
		write_long(MAX_PAGES, self->saved);
	if (self->mounted)
		umount(TMPFS_DIR);
}

/* A new empty object of @b: an open of /dev/mapdev or a file in the mount. */
static int pool_open(enum backend b)
{
	static int n;
	char path[64];
	int fd;

	if (b == BACKEND_MAPDEV)
		return open(MAPDEV_DEV, O_RDWR | O_CLOEXEC);
	snprintf(path, sizeof(path), TMPFS_DIR "/f%d-%d", getpid(), n++);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	unlink(path);
	return fd;
}

/* Pages written one by one until write(2) fails; its errno in *@err. */
static long fill_until_full(int fd, size_t page, int *err)
{
	char *buf = calloc(1, page);
	long n = 0;

	memset(buf, 'x', page);
	while (n < 4 * POOL_PAGES && write(fd, buf, page) == (ssize_t)page)
		n++;
	*err = errno;
	free(buf);
	return n;
}

struct pool_arg {
	enum backend b;
	size_t page;
};

/*
 * As nobody: fill the store; a write then fails with ENOSPC, a fault on a
 * shared mapping of another object raises SIGBUS; closing the first
 * object gives its pages back.
 */
static int pool_body(void *p)
{
	const struct pool_arg *a = p;
	size_t len = 4 * a->page;
	int fd, fd2, err;
	char *map;
	long n;

	fd = pool_open(a->b);
	if (fd < 0)
		return 101;
	n = fill_until_full(fd, a->page, &err);
	if (n != POOL_PAGES || err != ENOSPC) {
		fprintf(stderr, "# %s: %ld pages written, then %s\n",
			backend_name(a->b), n, strerror(err));
		return 102;
	}
	fd2 = pool_open(a->b);
	if (fd2 < 0 || backend_set_size(a->b, fd2, len))
		return 103;
	map = mmap(NULL, len, RW, MAP_SHARED, fd2, 0);
	if (map == MAP_FAILED)
		return 104;
	if (probe_write(map, 'y') != SIGBUS)
		return 105;
	close(fd);
	if (probe_write(map, 'y') != 0)
		return 106;
	munmap(map, len);
	close(fd2);
	return 0;
}

/* Default: half of RAM, as a tmpfs mount's default size. */
TEST_F(pool, default_is_half_of_ram)
{
	long ram_kb = -1;
	char line[128];
	FILE *f;

	if (variant->b != BACKEND_MAPDEV)
		SKIP(return, "tmpfs: its default is documented in tmpfs(5)");
	f = fopen("/proc/meminfo", "r");
	ASSERT_NE(NULL, f);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemTotal: %ld kB", &ram_kb) == 1)
			break;
	fclose(f);
	ASSERT_LT(0, ram_kb);
	EXPECT_EQ(ram_kb / (long)(self->page / 1024) / 2, self->saved);
}

TEST_F(pool, full_answers_enospc_and_sigbus)
{
	struct pool_arg a = { .b = variant->b, .page = self->page };

	EXPECT_EQ(0, as_nobody(pool_body, &a));
}

/* Shared anonymous memory through the device counts against the limit. */
TEST_F(pool, shared_anonymous_counts)
{
	size_t len = 2 * POOL_PAGES * self->page;
	long touched = 0;
	char *p;

	if (variant->b != BACKEND_MAPDEV)
		SKIP(return, "native shared anonymous memory is shmem's: no such limit");
	p = mapdev_mmap(NULL, len, RW, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	while ((size_t)touched * self->page < len &&
	       !probe_write(p + touched * self->page, 'z'))
		touched++;
	EXPECT_EQ(POOL_PAGES, touched);
	EXPECT_EQ(SIGBUS, probe_write(p + touched * self->page, 'z'));
	ASSERT_EQ(0, mapdev_munmap(p, len));
}

/* MAP_LOCKED of a regular file, compared with native. */
FIXTURE(locked) {
	size_t page;
};

FIXTURE_VARIANT(locked) {
	const struct mapper *m;
};

FIXTURE_VARIANT_ADD(locked, native) { .m = &native_mapper };
FIXTURE_VARIANT_ADD(locked, mapdev) { .m = &mapdev_mapper };

FIXTURE_SETUP(locked)
{
	self->page = sysconf(_SC_PAGESIZE);
	if (!mapper_ready(variant->m))
		SKIP(return, "%s is missing: load mapdev.ko", MAPDEV_DEV);
	if (geteuid())
		SKIP(return, "needs root to drop privileges and to mlockall");
}

FIXTURE_TEARDOWN(locked)
{
}

#define RACERS		4
#define LOCK_PAGES	16

struct racer {
	const struct mapper *m;
	int fd;
	size_t len;
	pthread_barrier_t *go;
	char *p;
};

static void *race_lock(void *arg)
{
	struct racer *r = arg;

	pthread_barrier_wait(r->go);
	r->p = r->m->mmap(NULL, r->len, PROT_READ, MAP_SHARED | MAP_LOCKED,
			  r->fd, 0);
	return NULL;
}

/*
 * Threads each asking for the whole RLIMIT_MEMLOCK at once: one may win,
 * and locked memory never exceeds the limit.
 */
static int lock_race_body(void *arg)
{
	const struct mapper *m = arg;
	size_t page = sysconf(_SC_PAGESIZE), len = LOCK_PAGES * page;
	struct rlimit rl = { len, len };
	struct racer r[RACERS];
	pthread_t t[RACERS];
	pthread_barrier_t go;
	int round, i, fd, won;

	fd = memfd_create("locked", MFD_CLOEXEC);
	if (fd < 0 || ftruncate(fd, len) || setrlimit(RLIMIT_MEMLOCK, &rl))
		return 101;
	for (round = 0; round < 50; round++) {
		pthread_barrier_init(&go, NULL, RACERS);
		for (i = 0; i < RACERS; i++) {
			r[i] = (struct racer){ m, fd, len, &go, NULL };
			pthread_create(&t[i], NULL, race_lock, &r[i]);
		}
		won = 0;
		for (i = 0; i < RACERS; i++) {
			pthread_join(t[i], NULL);
			won += r[i].p != MAP_FAILED;
		}
		if (won > 1 || status_kb("VmLck") > (long)(len / 1024)) {
			fprintf(stderr, "# %s: round %d: %d won, VmLck %ld kB\n",
				m->name, round, won, status_kb("VmLck"));
			return 102;
		}
		for (i = 0; i < RACERS; i++)
			if (r[i].p != MAP_FAILED)
				munmap(r[i].p, len);
		pthread_barrier_destroy(&go);
		if (status_kb("VmLck") != 0)
			return 103;
	}
	return 0;
}

TEST_F(locked, threads_race_for_the_limit)
{
	EXPECT_EQ(0, as_nobody(lock_race_body, (void *)variant->m));
}

/*
 * A locked page next to an unlocked mapping of the same file: only the
 * locked page is locked and counted, whatever merging does.
 */
TEST_F(locked, next_to_an_unlocked_mapping)
{
	int fd = memfd_create("locked", MFD_CLOEXEC);
	char *range = free_range(2 * self->page);
	long before = status_kb("VmLck");
	char *a, *b;

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ftruncate(fd, 2 * self->page));
	ASSERT_NE(NULL, range);
	a = mmap(range, self->page, PROT_READ, MAP_SHARED | MAP_FIXED, fd, 0);
	ASSERT_EQ(range, a);
	b = variant->m->mmap(range + self->page, self->page, PROT_READ,
			     MAP_SHARED | MAP_FIXED | MAP_LOCKED, fd, self->page);
	ASSERT_EQ(range + self->page, b);
	EXPECT_EQ(before + (long)self->page / 1024, status_kb("VmLck"));
	EXPECT_EQ(0, smaps_kb(a, "Locked"));
	EXPECT_EQ((long)self->page / 1024, smaps_kb(b, "Locked"));
	ASSERT_EQ(0, munmap(range, 2 * self->page));
	EXPECT_EQ(before, status_kb("VmLck"));
	close(fd);
}

/* After mlockall(MCL_FUTURE), map and unmap: locked_vm comes back. */
static int mlockall_body(void *arg)
{
	const struct mapper *m = arg;
	size_t page = sysconf(_SC_PAGESIZE), len = 4 * page;
	int fd = memfd_create("locked", MFD_CLOEXEC);
	long before;
	int i;

	if (fd < 0 || ftruncate(fd, len) || mlockall(MCL_CURRENT | MCL_FUTURE))
		return 101;
	before = status_kb("VmLck");
	for (i = 0; i < 8; i++) {
		char *p = m->mmap(NULL, len, PROT_READ, MAP_SHARED | MAP_LOCKED,
				  fd, 0);

		if (p == MAP_FAILED)
			return 102;
		if (status_kb("VmLck") != before + (long)len / 1024)
			return 103;
		if (munmap(p, len))
			return 104;
	}
	return status_kb("VmLck") == before ? 0 : 105;
}

static int in_child(int (*fn)(void *), void *arg)
{
	int status;
	pid_t pid = fork();

	if (pid == 0)
		_exit(fn(arg));
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

TEST_F(locked, after_mlockall_future)
{
	EXPECT_EQ(0, in_child(mlockall_body, (void *)variant->m));
}

/* Address hints and tagged addresses, compared with native. */
FIXTURE(addr) {
	size_t page;
};

FIXTURE_VARIANT(addr) {
	const struct mapper *m;
};

FIXTURE_VARIANT_ADD(addr, native) { .m = &native_mapper };
FIXTURE_VARIANT_ADD(addr, mapdev) { .m = &mapdev_mapper };

FIXTURE_SETUP(addr)
{
	self->page = sysconf(_SC_PAGESIZE);
	if (!mapper_ready(variant->m))
		SKIP(return, "%s is missing: load mapdev.ko", MAPDEV_DEV);
}

FIXTURE_TEARDOWN(addr)
{
}

/*
 * A hint below vm.mmap_min_addr is only a hint: the mapping is made
 * elsewhere, for a user who may not map there.
 */
static int low_hint_body(void *arg)
{
	const struct mapper *m = arg;
	size_t page = sysconf(_SC_PAGESIZE);
	long min = read_sysfs_long("/proc/sys/vm/mmap_min_addr");
	char *p;

	if (min < (long)page)
		return 0;	/* nothing below it but page 0 */
	p = m->mmap((void *)page, page, RW, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		fprintf(stderr, "# %s: %s\n", m->name, strerror(errno));
		return 101;
	}
	if ((unsigned long)p < (unsigned long)min)
		return 102;
	p[0] = 1;
	return m->munmap(p, page) ? 103 : 0;
}

TEST_F(addr, hint_below_mmap_min_addr)
{
	if (geteuid()) {
		EXPECT_EQ(0, low_hint_body((void *)variant->m));
		return;
	}
	EXPECT_EQ(0, as_nobody(low_hint_body, (void *)variant->m));
}

/* munmap of an address with bits above the user range: as natively. */
TEST_F(addr, munmap_tagged_address)
{
#if UINTPTR_MAX > 0xffffffffu
	char *p = variant->m->mmap(NULL, self->page, RW,
				   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uintptr_t tagged;
	int ret, err;

	ASSERT_NE(MAP_FAILED, p);
	tagged = (uintptr_t)p | ((uintptr_t)0x3f << 57);
	errno = 0;
	ret = variant->m->munmap((void *)tagged, self->page);
	err = errno;
	/* Without LAM enabled for the process, as on every CPU here. */
	EXPECT_EQ(-1, ret);
	EXPECT_EQ(EINVAL, err);
	EXPECT_EQ(0, probe_read(p));
	EXPECT_EQ(0, variant->m->munmap(p, self->page));
#else
	SKIP(return, "a 32-bit address has no tag bits");
#endif
}

TEST_HARNESS_MAIN
