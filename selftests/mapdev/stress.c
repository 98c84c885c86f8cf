// SPDX-License-Identifier: GPL-2.0
/*
 * Races and stress, each bounded in time (MAPDEV_STRESS_SECONDS, default
 * 3) and in count: faults against shrinking, unmapping, closing, fork and
 * exit, mprotect, MADV_DONTNEED, truncation of a regular file, mlock;
 * copy-on-write under fork storms; threads mapping and unmapping through
 * the ioctl; memory pressure in a memory cgroup.  A test passes when the
 * kernel stays healthy (the runner checks dmesg), every access either
 * works or raises the signal the race allows, and the counters return.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sys/mount.h>
#include <time.h>

#include "helpers.h"
#include "harness.h"

#define NTHREADS	4
#define OBJ_PAGES	64

static double seconds(void)
{
	const char *s = getenv("MAPDEV_STRESS_SECONDS");

	return s ? atof(s) : 3.0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Per-thread probes: a fault the race allows is caught, not fatal. */
static __thread sigjmp_buf thread_env;
static __thread int thread_armed;

static void thread_handler(int sig)
{
	if (thread_armed)
		siglongjmp(thread_env, sig);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void install_handlers(void)
{
	struct sigaction sa = { .sa_handler = thread_handler };

	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
}

/* Touch @p (write @val, or read): 0, or the signal it raised. */
static int touch(char *p, bool write, char val)
{
	int sig;

	thread_armed = 1;
	sig = sigsetjmp(thread_env, 1);
	if (!sig) {
		if (write)
			write_byte(p, val);
		else
			read_byte(p);
	}
	thread_armed = 0;
	return sig;
}

/* Shared by a test's threads; @stop and the counts are atomic. */
struct race {
	char *map;		/* the mapping the faulting threads touch */
	size_t len;
	bool stop;
	long faults, signals, bad;
	int fd;
};

static bool stopped(struct race *r)
{
	return __atomic_load_n(&r->stop, __ATOMIC_ACQUIRE);
}

/* Fault all over race->map until told to stop; count the signals. */
static void *faulter(void *arg)
{
	struct race *r = arg;
	unsigned int seed = (unsigned int)(uintptr_t)&seed;
	size_t page = sysconf(_SC_PAGESIZE);

	while (!stopped(r)) {
		char *map = r->map;
		size_t off = (rand_r(&seed) % (r->len / page)) * page;
		int sig;

		if (!map)
			continue;
		sig = touch(map + off, rand_r(&seed) & 1, 'x');
		__atomic_fetch_add(sig ? &r->signals : &r->faults, 1,
				   __ATOMIC_RELAXED);
		if (sig && sig != SIGBUS && sig != SIGSEGV)
			__atomic_fetch_add(&r->bad, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

static void start(struct race *r, pthread_t *t, int n)
{
	int i;

	install_handlers();
	for (i = 0; i < n; i++)
		pthread_create(&t[i], NULL, faulter, r);
}

static void finish(struct race *r, pthread_t *t, int n)
{
	int i;

	__atomic_store_n(&r->stop, true, __ATOMIC_RELEASE);
	for (i = 0; i < n; i++)
		pthread_join(t[i], NULL);
}

FIXTURE(stress) {
	size_t page, len;
	long pages0;
};

FIXTURE_SETUP(stress)
{
	self->page = sysconf(_SC_PAGESIZE);
	self->len = OBJ_PAGES * self->page;
	if (access(MAPDEV_DEV, F_OK))
		SKIP(return, "%s is missing: load mapdev.ko", MAPDEV_DEV);
	self->pages0 = mapdev_pages();
}

FIXTURE_TEARDOWN(stress)
{
}

static int new_object(size_t len)
{
	int fd = open(MAPDEV_DEV, O_RDWR | O_CLOEXEC);

	if (fd >= 0 && backend_set_size(BACKEND_MAPDEV, fd, len)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Faults against shrinking and growing the object: SIGBUS or data. */
TEST_F(stress, faults_vs_shrink)
{
	struct race r = { .len = self->len };
	pthread_t t[NTHREADS];
	double end = now() + seconds();
	unsigned int seed = 1;
	long rounds = 0;

	r.fd = new_object(self->len);
	ASSERT_LE(0, r.fd);
	r.map = mmap(NULL, self->len, PROT_READ | PROT_WRITE, MAP_SHARED, r.fd, 0);
	ASSERT_NE(MAP_FAILED, r.map);
	start(&r, t, NTHREADS);
	while (now() < end && rounds < 100000) {
		backend_set_size(BACKEND_MAPDEV, r.fd,
				 (rand_r(&seed) % (OBJ_PAGES + 1)) * self->page);
		rounds++;
	}
	finish(&r, t, NTHREADS);
	TH_LOG("%ld size changes, %ld accesses, %ld signals", rounds,
	       r.faults, r.signals);
	EXPECT_EQ(0, r.bad);
	munmap(r.map, self->len);
	close(r.fd);
	EXPECT_EQ(self->pages0, mapdev_pages());
}

/* Write @r->map's pages one after the other, for ever: copy-on-write faults. */
static void *hole_writer(void *arg)
{
	struct race *r = arg;
	size_t page = sysconf(_SC_PAGESIZE);
	size_t off = 0;

	while (!stopped(r)) {
		int sig = touch(r->map + off, true, 'w');

		__atomic_fetch_add(sig ? &r->signals : &r->faults, 1,
				   __ATOMIC_RELAXED);
		if (sig && sig != SIGBUS)
			__atomic_fetch_add(&r->bad, 1, __ATOMIC_RELAXED);
		off = (off + page) % r->len;
	}
	return NULL;
}

/*
 * Private write faults on an object's holes against a shrink to nothing:
 * once the shrink returns, no page of the private mapping may be left
 * mapped past the end (where every access must raise SIGBUS), even one
 * whose fault began before the shrink.  The writers stop between rounds
 * only to be started again; Rss is read while they run.
 */
TEST_F(stress, private_holes_vs_shrink)
{
	struct race r = { .len = self->len };
	pthread_t t[NTHREADS];
	double end = now() + seconds();
	long rounds = 0, left = 0;
	int i;

	r.fd = new_object(0);
	ASSERT_LE(0, r.fd);
	r.map = mmap(NULL, self->len, PROT_READ | PROT_WRITE, MAP_PRIVATE,
		     r.fd, 0);
	ASSERT_NE(MAP_FAILED, r.map);
	install_handlers();
	for (i = 0; i < NTHREADS; i++)
		pthread_create(&t[i], NULL, hole_writer, &r);
	while (now() < end && rounds < 20000) {
		long rss;

		backend_set_size(BACKEND_MAPDEV, r.fd, self->len);
		usleep(200);
		backend_set_size(BACKEND_MAPDEV, r.fd, 0);
		rss = smaps_kb(r.map, "Rss");
		if (rss) {
			TH_LOG("round %ld: %ld kB mapped past the end", rounds, rss);
			left++;
		}
		rounds++;
	}
	finish(&r, t, NTHREADS);
	TH_LOG("%ld shrinks, %ld accesses, %ld signals", rounds, r.faults,
	       r.signals);
	EXPECT_EQ(0, left);
	EXPECT_EQ(0, r.bad);
	munmap(r.map, self->len);
	close(r.fd);
	EXPECT_EQ(self->pages0, mapdev_pages());
}

/* Faults against munmap and mmap of the same range. */
TEST_F(stress, faults_vs_munmap)
{
	struct race r = { .len = self->len };
	pthread_t t[NTHREADS];
	double end = now() + seconds();
	long rounds = 0;
	char *fixed;

	r.fd = new_object(self->len);
	ASSERT_LE(0, r.fd);
	fixed = mmap(NULL, self->len, PROT_READ | PROT_WRITE, MAP_SHARED, r.fd, 0);
	ASSERT_NE(MAP_FAILED, fixed);
	r.map = fixed;
	start(&r, t, NTHREADS);
	while (now() < end && rounds < 20000) {
		/* Unmapped: SIGSEGV; mapped again, through the ioctl or not. */
		munmap(fixed, self->len);
		if (rounds & 1)
			mapdev_mmap(fixed, self->len, PROT_READ | PROT_WRITE,
				    MAP_SHARED | MAP_FIXED, r.fd, 0);
		else
			mapdev_mmap(fixed, self->len, PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
		rounds++;
	}
	finish(&r, t, NTHREADS);
	TH_LOG("%ld remaps, %ld accesses, %ld signals", rounds, r.faults,
	       r.signals);
	EXPECT_EQ(0, r.bad);
	/* Through the device: also drops the zero pages read faults left. */
	mapdev_munmap(fixed, self->len);
	close(r.fd);
	EXPECT_EQ(self->pages0, mapdev_pages());
}

/* The last fd closes while the mapping is faulted: the mapping holds on. */
TEST_F(stress, faults_vs_close)
{
	double end = now() + seconds();
	long rounds = 0;

	install_handlers();
	while (now() < end && rounds < 2000) {
		struct race r = { .len = self->len };
		pthread_t t[2];

		r.fd = new_object(self->len);
		ASSERT_LE(0, r.fd);
		r.map = mmap(NULL, self->len, PROT_READ | PROT_WRITE, MAP_SHARED,
			     r.fd, 0);
		ASSERT_NE(MAP_FAILED, r.map);
		start(&r, t, 2);
		close(r.fd);
		usleep(100);
		finish(&r, t, 2);
		ASSERT_EQ(0, r.signals);
		munmap(r.map, self->len);
		rounds++;
	}
	TH_LOG("%ld rounds", rounds);
	EXPECT_EQ(self->pages0, mapdev_pages());
}

/* Faults against mprotect flips and MADV_DONTNEED. */
TEST_F(stress, faults_vs_mprotect_and_dontneed)
{
	struct race r = { .len = self->len };
	pthread_t t[NTHREADS];
	double end = now() + seconds();
	unsigned int seed = 2;
	long rounds = 0;

	r.fd = new_object(self->len);
	ASSERT_LE(0, r.fd);
	r.map = mmap(NULL, self->len, PROT_READ | PROT_WRITE, MAP_SHARED, r.fd, 0);
	ASSERT_NE(MAP_FAILED, r.map);
	start(&r, t, NTHREADS);
	while (now() < end && rounds < 100000) {
		size_t off = (rand_r(&seed) % OBJ_PAGES) * self->page;
		static const int prots[] = {
			PROT_NONE, PROT_READ, PROT_READ | PROT_WRITE,
		};

		mprotect(r.map + off, self->page, prots[rand_r(&seed) % 3]);
		madvise(r.map + (rand_r(&seed) % OBJ_PAGES) * self->page,
			self->page, MADV_DONTNEED);
		rounds++;
	}
	finish(&r, t, NTHREADS);
	TH_LOG("%ld changes, %ld accesses, %ld signals", rounds, r.faults,
	       r.signals);
	EXPECT_EQ(0, r.bad);
	/* MADV_DONTNEED on a shared mapping keeps the object's data. */
	ASSERT_EQ(0, mprotect(r.map, self->len, PROT_READ | PROT_WRITE));
	r.map[0] = 'k';
	ASSERT_EQ(0, madvise(r.map, self->len, MADV_DONTNEED));
	EXPECT_EQ('k', r.map[0]);
	munmap(r.map, self->len);
	close(r.fd);
	EXPECT_EQ(self->pages0, mapdev_pages());
}

/* Faults on a regular file mapped through mapdev, against truncation. */
TEST_F(stress, file_faults_vs_truncate)
{
	struct race r = { .len = self->len };
	char path[] = "/dev/shm/mapdev-stress-XXXXXX";
	pthread_t t[NTHREADS];
	double end = now() + seconds();
	unsigned int seed = 3;
	long rounds = 0;

	r.fd = mkstemp(path);
	ASSERT_LE(0, r.fd);
	unlink(path);
	ASSERT_EQ(0, ftruncate(r.fd, self->len));
	r.map = mapdev_mmap(NULL, self->len, PROT_READ | PROT_WRITE, MAP_SHARED,
			    r.fd, 0);
	ASSERT_NE(MAP_FAILED, r.map);
	start(&r, t, NTHREADS);
	while (now() < end && rounds < 100000) {
		ftruncate(r.fd, (rand_r(&seed) % (OBJ_PAGES + 1)) * self->page);
		rounds++;
	}
	finish(&r, t, NTHREADS);
	TH_LOG("%ld truncations, %ld accesses, %ld signals", rounds, r.faults,
	       r.signals);
	EXPECT_EQ(0, r.bad);
	munmap(r.map, self->len);
	close(r.fd);
}

/* Copy-on-write under fork storms: every child sees its own copy. */
TEST_F(stress, cow_fork_storm)
{
	double end = now() + seconds();
	char *p = mapdev_mmap(NULL, self->len, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int fd = new_object(self->len);
	char *q;
	long forks = 0, bad = 0;

	ASSERT_NE(MAP_FAILED, p);
	ASSERT_LE(0, fd);
	q = mmap(NULL, self->len, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	ASSERT_NE(MAP_FAILED, q);
	memset(p, 'p', self->len / 2);
	memset(q, 'q', self->len / 2);
	while (now() < end && forks < 2000) {
		pid_t pids[8];
		int i, status;

		for (i = 0; i < 8; i++) {
			pids[i] = fork();
			if (pids[i] == 0) {
				size_t off = (i * 7 % OBJ_PAGES) * self->page;
				int ok = p[off] == (off < self->len / 2 ? 'p' : 0) &&
					 q[off] == (off < self->len / 2 ? 'q' : 0);

				p[off] = 'c';
				q[off] = 'c';
				_exit(ok && p[off] == 'c' ? 0 : 1);
			}
		}
		for (i = 0; i < 8; i++)
			if (pids[i] > 0 && (waitpid(pids[i], &status, 0) != pids[i] ||
					    !WIFEXITED(status) || WEXITSTATUS(status)))
				bad++;
		/* The parent writes between storms: children copied before. */
		p[(forks % OBJ_PAGES) * self->page] = 'p';
		forks += 8;
	}
	TH_LOG("%ld forks", forks);
	EXPECT_EQ(0, bad);
	EXPECT_EQ('p', p[0]);
	EXPECT_EQ('q', q[0]);
	mapdev_munmap(p, self->len);
	munmap(q, self->len);
	close(fd);
	EXPECT_EQ(self->pages0, mapdev_pages());
}

static void *mapper_thread(void *arg)
{
	struct race *r = arg;
	size_t page = sysconf(_SC_PAGESIZE);
	unsigned int seed = (unsigned int)(uintptr_t)&seed;

	while (!stopped(r)) {
		static const int kinds[] = {
			MAP_PRIVATE | MAP_ANONYMOUS, MAP_SHARED | MAP_ANONYMOUS,
			MAP_SHARED, MAP_PRIVATE,
		};
		int flags = kinds[rand_r(&seed) % 4];
		size_t len = (1 + rand_r(&seed) % 16) * page;
		char *p = mapdev_mmap(NULL, len, PROT_READ | PROT_WRITE, flags,
				      flags & MAP_ANONYMOUS ? -1 : r->fd, 0);

		if (p == MAP_FAILED) {
			fprintf(stderr, "# mapdev_mmap(%zu, %#x): %s\n", len,
				flags, strerror(errno));
			__atomic_fetch_add(&r->bad, 1, __ATOMIC_RELAXED);
			continue;
		}
		p[len - 1] = 1;
		if (p[0] != 0 && (flags & MAP_ANONYMOUS)) {
			fprintf(stderr, "# new anonymous memory not zero\n");
			__atomic_fetch_add(&r->bad, 1, __ATOMIC_RELAXED);
		}
		if (mapdev_munmap(p, len)) {
			fprintf(stderr, "# mapdev_munmap: %s\n", strerror(errno));
			__atomic_fetch_add(&r->bad, 1, __ATOMIC_RELAXED);
		}
		__atomic_fetch_add(&r->faults, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

/* Many threads mapping and unmapping through the ioctl at once. */
TEST_F(stress, threads_map_and_unmap)
{
	struct race r = { .len = self->len };
	pthread_t t[8];
	int i;

	r.fd = new_object(16 * self->page);
	ASSERT_LE(0, r.fd);
	for (i = 0; i < 8; i++)
		pthread_create(&t[i], NULL, mapper_thread, &r);
	usleep(seconds() * 1e6);
	__atomic_store_n(&r.stop, true, __ATOMIC_RELEASE);
	for (i = 0; i < 8; i++)
		pthread_join(t[i], NULL);
	TH_LOG("%ld map/unmap cycles", r.faults);
	EXPECT_EQ(0, r.bad);
	EXPECT_LT(0, r.faults);
	close(r.fd);
}

/* MAP_LOCKED, mlock and munlock against faults. */
TEST_F(stress, mlock_vs_faults)
{
	struct race r = { .len = self->len };
	pthread_t t[NTHREADS];
	double end = now() + seconds();
	long rounds = 0;

	r.map = mapdev_mmap(NULL, self->len, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED, -1, 0);
	ASSERT_NE(MAP_FAILED, r.map);
	start(&r, t, NTHREADS);
	while (now() < end && rounds < 20000) {
		munlock(r.map, self->len / 2);
		mlock(r.map + self->page, self->len / 4);
		rounds++;
	}
	finish(&r, t, NTHREADS);
	EXPECT_EQ(0, r.signals);
	EXPECT_EQ(0, munlock(r.map, self->len));
	munmap(r.map, self->len);
}

static long long cg_read(const char *cg, const char *file)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", cg, file);
	return read_sysfs_long(path);
}

static int cg_write(const char *cg, const char *file, const char *val)
{
	char path[256];
	int fd, n;

	snprintf(path, sizeof(path), "%s/%s", cg, file);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -1;
	n = write(fd, val, strlen(val));
	close(fd);
	return n == (int)strlen(val) ? 0 : -1;
}

/* The most the per-CPU memcg charge stocks can hold: 64 pages a CPU. */
static long long stock_slack(void)
{
	return 64LL * sysconf(_SC_PAGESIZE) * sysconf(_SC_NPROCESSORS_CONF);
}

/*
 * Put a child in a new memory cgroup of @cg_name with memory.max 16M, have
 * it map 64 MiB of shared memory with @m and touch it all, and wait for it.
 * Return what the cgroup still holds 5 s at most after the child's end,
 * or -1 if the child was neither killed nor refused the mapping.
 */
static long long pressure(const char *cg, const struct mapper *m)
{
	int status, i;
	pid_t pid;

	if (mkdir(cg, 0755) || cg_write(cg, "memory.max", "16M"))
		return -2;
	cg_write(cg, "memory.swap.max", "0");
	pid = fork();
	if (pid < 0)
		return -2;
	if (pid == 0) {
		char me[16];
		size_t len = 64 << 20, j;
		char *p;

		snprintf(me, sizeof(me), "%d", getpid());
		if (cg_write(cg, "cgroup.procs", me))
			_exit(100);
		p = m->mmap(NULL, len, PROT_READ | PROT_WRITE,
			    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			_exit(101);
		for (j = 0; j < len; j += 4096)
			p[j] = 1;
		_exit(102);	/* 64 MiB cannot fit in 16 MiB */
	}
	if (waitpid(pid, &status, 0) != pid ||
	    !(WIFSIGNALED(status) || WEXITSTATUS(status) == 101))
		return -1;
	/* Pages go at once, kernel objects after an RCU grace period. */
	for (i = 0; i < 50 && cg_read(cg, "memory.current"); i++)
		usleep(100000);
	return cg_read(cg, "memory.current");
}

/*
 * Memory pressure in a memory cgroup with a small memory.max: a child
 * there maps more shared memory than the limit and touches it all, natively
 * and through mapdev.  It is killed or gets an error; the kernel stays
 * healthy (the runner checks dmesg); the cgroup's usage returns to zero,
 * or to what the native run leaves, give or take the charge stocks (the
 * kernel keeps a few objects of an OOM-killed task charged a while).
 */
TEST_F(stress, memcg_pressure)
{
	const char *root = "/sys/fs/cgroup";
	long long native, mapdev;
	char cg[128];

	if (geteuid())
		SKIP(return, "needs root for cgroups");
	if (access("/sys/fs/cgroup/cgroup.controllers", F_OK))
		mount("none", root, "cgroup2", 0, NULL);
	if (access("/sys/fs/cgroup/cgroup.controllers", F_OK))
		SKIP(return, "no cgroup v2");
	cg_write(root, "cgroup.subtree_control", "+memory");

	snprintf(cg, sizeof(cg), "%s/mapdev-native-%d", root, getpid());
	native = pressure(cg, &native_mapper);
	rmdir(cg);
	snprintf(cg, sizeof(cg), "%s/mapdev-mapdev-%d", root, getpid());
	mapdev = pressure(cg, &mapdev_mapper);
	EXPECT_EQ(0, rmdir(cg));
	TH_LOG("memory.current after the child: native %lld, mapdev %lld",
	       native, mapdev);
	ASSERT_LE(0, native);
	ASSERT_LE(0, mapdev);
	/*
	 * What stays charged after the kill is kernel objects, plus what
	 * the per-CPU charge stocks still hold (MEMCG_CHARGE_BATCH, 64
	 * pages per CPU), which varies from run to run; a leak of the
	 * mapping's own pages (16 MiB were charged) is far larger.
	 */
	EXPECT_LE(mapdev, native + stock_slack());
	EXPECT_EQ(self->pages0, mapdev_pages());
}

TEST_HARNESS_MAIN
