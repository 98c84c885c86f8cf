// SPDX-License-Identifier: GPL-2.0
/*
 * mapdev-fuzz: feed /dev/mapdev's ioctls random and edge-case requests for
 * a bounded time, from several threads at once.
 *
 * Requests: wrong struct sizes, non-zero padding, bad and unmapped
 * pointers, huge and overflowing values, every flag combination, every
 * kind of fd (pipes, sockets, directories, other devices, closed fds).
 * A failing call must return an errno the man pages document for it (or
 * EFAULT/E2BIG/EINVAL/ENOTTY for the request itself); anything else is
 * reported and makes the exit status 1.  Mappings that succeed are touched
 * (faults allowed to raise SIGSEGV/SIGBUS) and unmapped.  MAP_FIXED only
 * ever lands inside an arena reserved for it.
 *
 * With -f, each fuzzing thread marks itself for fault injection
 * (/proc/thread-self/make-it-fail): the failslab, fail_page_alloc and
 * fail_usercopy settings in debugfs, with task-filter on, then fail a
 * share of its allocations and user copies (the test runner sets them up
 * and counts what was injected).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <linux/mapdev.h>

#define MAX_THREADS	16
#define ARENA_PAGES	1024
#define NERRNO		134

static size_t page;
static char *arena;			/* where MAP_FIXED may land */
static char *ro_page, *none_page;	/* a read-only and an unmapped-like page */
static int fds[32], nfds;
static int dev;
static unsigned long calls, successes, errors[NERRNO], undocumented;

/* errnos documented for each command (mmap(2), munmap(2), the request). */
static const int mmap_errnos[] = {
	EACCES, EAGAIN, EBADF, EEXIST, EINVAL, ENFILE, ENODEV, ENOMEM,
	EOVERFLOW, EPERM, ETXTBSY, EOPNOTSUPP, EFAULT, E2BIG, EINTR,
};

static const int munmap_errnos[] = { EINVAL, ENOMEM, EFAULT, E2BIG };

static const int size_errnos[] = { EINVAL, EFBIG, EFAULT };
static const int madvise_errnos[] = { EINVAL, ENOMEM, EPERM, EAGAIN, EFAULT,
				      E2BIG, EINTR };

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static bool documented(int err, const int *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (list[i] == err)
			return true;
	return false;
}

static uint64_t rnd64(unsigned int *seed)
{
	return (uint64_t)rand_r(seed) << 33 ^ (uint64_t)rand_r(seed) << 11 ^
	       rand_r(seed);
}

/* An interesting 64-bit value: edges, page multiples, huge, random. */
static uint64_t value(unsigned int *seed)
{
	static const uint64_t edges[] = {
		0, 1, 4095, 4096, 4097, 8192, 1 << 20, 0x7fffffff, 0x80000000,
		0xffffffff, 0x100000000ULL, 0x7ffffffff000ULL, 0x800000000000ULL,
		0x7ffffffffffff000ULL, 0x8000000000000000ULL,
		0xfffffffffffff000ULL, ~0ULL,
	};

	switch (rand_r(seed) % 4) {
	case 0:
		return edges[rand_r(seed) % ARRAY_SIZE(edges)];
	case 1:
		return (uint64_t)(rand_r(seed) % 64) * page;
	case 2:
		return rnd64(seed);
	default:
		return rand_r(seed) % 4096;
	}
}

static void record(int err, const int *list, size_t n, const char *what)
{
	__atomic_fetch_add(&calls, 1, __ATOMIC_RELAXED);
	if (!err) {
		__atomic_fetch_add(&successes, 1, __ATOMIC_RELAXED);
		return;
	}
	if (err > 0 && err < NERRNO)
		__atomic_fetch_add(&errors[err], 1, __ATOMIC_RELAXED);
	if (!documented(err, list, n)) {
		__atomic_fetch_add(&undocumented, 1, __ATOMIC_RELAXED);
		fprintf(stderr, "mapdev-fuzz: %s: undocumented errno %d (%s)\n",
			what, err, strerror(err));
	}
}

static __thread sigjmp_buf env;
static __thread int armed;

static void on_fault(int sig)
{
	static const char msg[] = "mapdev-fuzz: a fault outside poke()\n";

	if (armed)
		siglongjmp(env, sig);
	if (write(2, msg, sizeof(msg) - 1) < 0)
		_exit(3);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Read and write a few pages of a new mapping; faults are allowed. */
static void poke(char *p, size_t len, unsigned int *seed)
{
	int i;

	for (i = 0; i < 4; i++) {
		char *q = p + (rand_r(seed) % (len / page ? len / page : 1)) * page;

		armed = 1;
		if (!sigsetjmp(env, 1)) {
			char c = __atomic_load_n(q, __ATOMIC_RELAXED);

			__atomic_store_n(q, c, __ATOMIC_RELAXED);
		}
		armed = 0;
	}
}

/* Where the request struct lives: good memory, or a bad pointer. */
static void *request_at(void *good, size_t size, unsigned int *seed)
{
	switch (rand_r(seed) % 16) {
	case 0:
		return NULL;
	case 1:
		return none_page;
	case 2:
		return ro_page;			/* readable, not writable */
	case 3:
		return none_page - size / 2;	/* runs into the bad page */
	default:
		return good;
	}
}

static void fuzz_mmap(unsigned int *seed)
{
	struct {
		struct mapdev_mmap req;
		uint64_t tail[4];
	} buf;
	struct mapdev_mmap *req = &buf.req;
	void *at;
	int ret, err;

	memset(&buf, 0, sizeof(buf));
	/* Mostly valid sizes; sometimes anything. */
	switch (rand_r(seed) % 8) {
	case 0:
		req->size = rand_r(seed) % (page + 64);
		break;
	case 1:
		req->size = sizeof(buf);
		buf.tail[rand_r(seed) % 4] = rand_r(seed) % 2;
		break;
	default:
		req->size = sizeof(*req);
	}
	req->flags = rand_r(seed) % 8 ? (uint32_t)rand_r(seed) % 2 :
				      (uint32_t)rnd64(seed);
	req->__reserved = rand_r(seed) % 16 ? 0 : rand_r(seed);
	req->length = value(seed);
	req->offset = rand_r(seed) % 4 ? (uint64_t)(rand_r(seed) % 8) * page :
		      value(seed);
	req->prot = rand_r(seed) % 8 ? rand_r(seed) % 8 : (int)rnd64(seed);
	/* No executable mapping of random bytes: poke() only reads and writes. */
	req->map_flags = rand_r(seed) % 4 ? (int)(rnd64(seed) & 0x1fffff) :
			 (int)rnd64(seed);
	req->fd = rand_r(seed) % 8 ? fds[rand_r(seed) % nfds] :
		  (int)rnd64(seed);
	/* MAP_FIXED only into the arena; keep lengths there bounded. */
	if (req->map_flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
		req->addr = (uintptr_t)arena +
			    (rand_r(seed) % (ARENA_PAGES / 2)) * page +
			    (rand_r(seed) % 16 ? 0 : rand_r(seed) % page);
		req->length %= (ARENA_PAGES / 2) * page;
	} else {
		req->addr = rand_r(seed) % 2 ? 0 : value(seed);
	}
	/* Keep mappings small enough to poke, and what they populate small. */
	if (rand_r(seed) % 4)
		req->length %= 64 * page;
	if (req->map_flags & (MAP_POPULATE | MAP_LOCKED))
		req->length %= 1024 * page;

	at = request_at(&buf, req->size, seed);
	ret = ioctl(dev, MAPDEV_IOC_MMAP, at);
	err = ret ? errno : 0;
	record(err, mmap_errnos, ARRAY_SIZE(mmap_errnos), "MMAP");
	if (!ret && at == &buf) {
		char *p = (char *)(uintptr_t)req->addr;
		size_t len = req->length;

		if (len && len <= 64 * page)
			poke(p, len, seed);
		/* Never unmap the fuzzer: only what this call mapped. */
		if ((req->map_flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) &&
		    p >= arena && p < arena + ARENA_PAGES * page)
			mmap(p, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS |
			     MAP_FIXED, -1, 0);	/* back to a plain arena */
		else
			munmap(p, len);
	}
}

static void fuzz_munmap(unsigned int *seed)
{
	struct mapdev_munmap req;
	int ret;

	memset(&req, 0, sizeof(req));
	req.size = rand_r(seed) % 8 ? sizeof(req) : (size_t)rand_r(seed) % 64;
	req.__reserved = rand_r(seed) % 16 ? 0 : 1;
	/*
	 * Unmap only inside the arena (re-reserved after) or nowhere real:
	 * a range running past the arena's end would unmap the fuzzer.
	 */
	if (rand_r(seed) % 2) {
		size_t pages = rand_r(seed) % 16;

		req.addr = (uintptr_t)arena +
			   (rand_r(seed) % (ARENA_PAGES - pages)) * page +
			   (rand_r(seed) % 8 ? 0 : 1);
		req.length = pages * page;
	} else {
		req.addr = value(seed) | 0x800000000000ULL;	/* never ours */
		req.length = value(seed);
	}
	ret = ioctl(dev, MAPDEV_IOC_MUNMAP,
		    request_at(&req, req.size, seed) == &req ? (void *)&req :
		    (void *)none_page);
	record(ret ? errno : 0, munmap_errnos,
	       ARRAY_SIZE(munmap_errnos), "MUNMAP");
	if (!ret)
		mmap(arena, ARENA_PAGES * page, PROT_NONE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
}

static void fuzz_madvise(unsigned int *seed)
{
	static const int advice[] = { MADV_FREE, MADV_WIPEONFORK,
				      MADV_KEEPONFORK };
	struct mapdev_madvise req;
	size_t pages = rand_r(seed) % 16;
	int ret;

	memset(&req, 0, sizeof(req));
	req.size = rand_r(seed) % 8 ? sizeof(req) : (size_t)rand_r(seed) % 64;
	req.flags = rand_r(seed) % 16 ? 0 : rand_r(seed);
	req.advice = rand_r(seed) % 8 ? advice[rand_r(seed) % 3] :
		     (int)rnd64(seed);
	/* Advice that frees pages only on the arena: never the fuzzer's. */
	if (rand_r(seed) % 4) {
		req.addr = (uintptr_t)arena +
			   (rand_r(seed) % (ARENA_PAGES - pages)) * page +
			   (rand_r(seed) % 8 ? 0 : 1);
		req.length = pages * page - (rand_r(seed) % 4 ? 0 : 1);
	} else {
		req.addr = value(seed) | 0x800000000000ULL;	/* never ours */
		req.length = value(seed);
	}
	/* A piece to put back: anywhere, it only touches readahead flags. */
	if (!(rand_r(seed) % 4)) {
		req.split_start = rand_r(seed) % 2 ? req.addr : value(seed);
		req.split_length = rand_r(seed) % 2 ? page : value(seed);
		req.split_advice = rand_r(seed);
	}
	ret = ioctl(dev, MAPDEV_IOC_MADVISE,
		    request_at(&req, req.size, seed) == &req ? (void *)&req :
		    (void *)none_page);
	record(ret ? errno : 0, madvise_errnos, ARRAY_SIZE(madvise_errnos),
	       "MADVISE");
	/* The piece the device asked to split, split as the library does. */
	if (ret && errno == EAGAIN && req.split_length)
		madvise((void *)(uintptr_t)req.split_start,
			req.split_length, req.split_advice);
}

static void fuzz_size(unsigned int *seed)
{
	uint64_t v = rand_r(seed) % 2 ? (uint64_t)(rand_r(seed) % 64) * 4093 :
		     value(seed);
	unsigned int cmd = rand_r(seed) % 2 ? MAPDEV_IOC_SET_SIZE :
			   MAPDEV_IOC_GET_SIZE;
	void *at = rand_r(seed) % 8 ? (void *)&v : (void *)none_page;
	int obj = fds[rand_r(seed) % 4];	/* the mapdev objects */
	int ret = ioctl(obj, cmd, at);

	record(ret ? errno : 0, size_errnos, ARRAY_SIZE(size_errnos),
	       "SIZE");
}

static void fuzz_unknown(unsigned int *seed)
{
	static const int enotty[] = { ENOTTY };
	unsigned int cmd = (unsigned int)rnd64(seed);
	int ret;

	if ((cmd & 0xff00) == (MAPDEV_IOC_TYPE << 8) && (cmd & 0xff) < 5)
		return;
	ret = ioctl(dev, cmd, none_page);
	record(ret ? errno : 0, enotty, 1, "unknown command");
}

static double deadline;
static bool inject;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Mark (or unmark) the calling thread for fault injection. */
static void make_it_fail(const char *on)
{
	int fd = open("/proc/thread-self/make-it-fail", O_WRONLY | O_CLOEXEC);

	if (fd < 0 || write(fd, on, 1) != 1) {
		fprintf(stderr, "mapdev-fuzz: make-it-fail: %s\n", strerror(errno));
		exit(2);
	}
	close(fd);
}

static void *fuzz_thread(void *arg)
{
	unsigned int seed = (unsigned int)(uintptr_t)arg;

	if (inject)
		make_it_fail("1");
	while (now() < deadline) {
		switch (rand_r(&seed) % 9) {
		case 0:
			fuzz_munmap(&seed);
			break;
		case 3:
			fuzz_madvise(&seed);
			break;
		case 1:
			fuzz_size(&seed);
			break;
		case 2:
			fuzz_unknown(&seed);
			break;
		default:
			fuzz_mmap(&seed);
		}
	}
	return NULL;
}

/* One fd of every kind the requests may name. */
static void make_fds(void)
{
	char path[] = "/tmp/mapdev-fuzz-XXXXXX";
	int p[2], s[2], i, f;

	for (i = 0; i < 4; i++) {		/* mapdev objects first */
		uint64_t size = (i + 1) * 16 * page;

		f = open("/dev/mapdev", O_RDWR);
		if (f >= 0)
			ioctl(f, MAPDEV_IOC_SET_SIZE, &size);
		fds[nfds++] = f;
	}
	f = mkstemp(path);
	if (f >= 0) {
		if (ftruncate(f, 64 * page))
			perror("ftruncate");
		fds[nfds++] = f;
		fds[nfds++] = open(path, O_RDONLY);
		fds[nfds++] = open(path, O_WRONLY);
		fds[nfds++] = open(path, O_PATH);
		unlink(path);
	}
	fds[nfds++] = memfd_create("fuzz", MFD_ALLOW_SEALING);
	if (ftruncate(fds[nfds - 1], 16 * page) ||
	    fcntl(fds[nfds - 1], F_ADD_SEALS, F_SEAL_WRITE))
		perror("seals");
	if (!pipe(p)) {
		fds[nfds++] = p[0];
		fds[nfds++] = p[1];
	}
	if (!socketpair(AF_UNIX, SOCK_STREAM, 0, s))
		fds[nfds++] = s[0];
	fds[nfds++] = open("/tmp", O_RDONLY | O_DIRECTORY);
	fds[nfds++] = open("/dev/null", O_RDWR);
	fds[nfds++] = open("/dev/zero", O_RDWR);
	fds[nfds++] = -1;
	f = open("/dev/null", O_RDONLY);
	close(f);
	fds[nfds++] = f;			/* closed */
	fds[nfds++] = 100000;
}

int main(int argc, char **argv)
{
	double secs = 10;
	int threads = 4, i, o;
	pthread_t t[MAX_THREADS];
	struct sigaction sa = { .sa_handler = on_fault };

	while ((o = getopt(argc, argv, "fs:t:")) != -1) {
		if (o == 's') {
			secs = atof(optarg);
		} else if (o == 't') {
			threads = atoi(optarg);
		} else if (o == 'f') {
			inject = true;
		} else {
			fprintf(stderr, "Usage: mapdev-fuzz [-f] [-s seconds] [-t threads]\n");
			return 2;
		}
	}
	if (threads < 1 || threads > MAX_THREADS)
		threads = 4;
	page = sysconf(_SC_PAGESIZE);
	dev = open("/dev/mapdev", O_RDWR | O_CLOEXEC);
	if (dev < 0) {
		perror("mapdev-fuzz: /dev/mapdev");
		return 2;
	}
	arena = mmap(NULL, ARENA_PAGES * page, PROT_NONE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ro_page = mmap(NULL, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	none_page = mmap(NULL, page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (arena == MAP_FAILED || ro_page == MAP_FAILED || none_page == MAP_FAILED) {
		perror("mapdev-fuzz: mmap");
		return 2;
	}
	make_fds();
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);

	deadline = now() + secs;
	for (i = 0; i < threads; i++)
		pthread_create(&t[i], NULL, fuzz_thread,
			       (void *)(uintptr_t)(i * 7919 + 1));
	for (i = 0; i < threads; i++)
		pthread_join(t[i], NULL);

	printf("mapdev-fuzz: %lu calls in %.0f s with %d threads, ",
	       calls, secs, threads);
	printf("%lu succeeded, %lu undocumented errnos\n", successes,
	       undocumented);
	for (i = 1; i < NERRNO; i++)
		if (errors[i])
			printf("  %-12s %lu\n", strerrorname_np(i), errors[i]);
	return undocumented ? 1 : 0;
}
