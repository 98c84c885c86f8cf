// SPDX-License-Identifier: GPL-2.0
/*
 * mapdev-bench: mapdev against native mmap(2), side by side in one process.
 *
 * Each case runs interleaved pairs, native then mapdev, after warm-up
 * pairs, pinned to CPU 0 (threads to CPUs 0..N-1).  Per case it reports
 * the median and spread of the per-pair ratios, ns per page (or per call)
 * and minor faults per page; contents are checked outside the timed region.
 * Fault cases report throughput mapdev/native (1.00 is parity, higher is
 * better); churn cases report latency mapdev/native (lower is better).
 * Fault cases run first as the system is configured (no madvise on either
 * side: Debian's transparent huge pages "always"), then with 4 KiB pages
 * (MADV_NOHUGEPAGE on both sides).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <linux/mapdev.h>
#include <mapdev.h>

#define MAX_PAIRS	1000
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define MAX_THREADS	64

static struct {
	size_t size;		/* bytes per fault case */
	int pairs;
	int warmup;
	int threads;
	int churn;		/* mappings per churn run */
	const char *file_dir;	/* where the file cases put their file */
	const char *only;	/* run only the cases whose name contains this */
	bool json;
} opt = {
	.size = 128 << 20, .pairs = 15, .warmup = 2, .threads = 2,
	.churn = 2000, .file_dir = "/tmp",
};

static size_t page;

static void die(const char *what)
{
	fprintf(stderr, "mapdev-bench: %s: %s\n", what, strerror(errno));
	exit(1);
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static long minflt(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_minflt;
}

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

/* One side of a case: what a run maps, touches and checks. */
struct side {
	const char *name;
	/* Prepare the mapping (untimed); return it. */
	char *(*setup)(const struct side *s, size_t len);
	/* Undo setup (untimed). */
	void (*teardown)(const struct side *s, char *p, size_t len);
	void *(*mmap)(void *addr, size_t len, int prot, int flags, int fd,
		      off_t off);
	int (*munmap)(void *addr, size_t len);
	int fd;			/* the file or object mapped, or -1 */
	int flags;		/* MAP_* */
	int prot;
};

/* What one run measured. */
struct sample {
	double ns;
	double faults;
};

/* Churn cases: TOUCH_WRITE writes one page of each mapping, TOUCH_NONE none. */
enum touch { TOUCH_WRITE, TOUCH_READ, TOUCH_NONE };

struct touch_arg {
	char *p;
	size_t len;
	enum touch how;
	int cpu;
	pthread_barrier_t *barrier;
};

/* Where reads go, so that the compiler keeps them. */
static unsigned long sink;

static void *touch_range(void *arg)
{
	struct touch_arg *t = arg;
	unsigned long sum = 0;
	size_t i;

	if (t->barrier) {
		pin(t->cpu);
		pthread_barrier_wait(t->barrier);
	}
	if (t->how == TOUCH_WRITE)
		for (i = 0; i < t->len; i += page)
			t->p[i] = (char)(i / page) | 1;
	else
		for (i = 0; i < t->len; i += page)
			sum += t->p[i];
	__atomic_fetch_add(&sink, sum, __ATOMIC_RELAXED);
	return NULL;
}

/* Touch every page of @p, with @threads threads on disjoint parts. */
static struct sample touch(char *p, size_t len, enum touch how, int threads)
{
	struct touch_arg args[MAX_THREADS];
	pthread_t tids[MAX_THREADS];
	pthread_barrier_t barrier;
	struct sample s;
	long f0 = minflt();
	size_t part = len / threads / page * page;
	double t0;
	int i;

	if (threads == 1) {
		struct touch_arg a = { p, len, how, 0, NULL };

		t0 = now_ns();
		touch_range(&a);
		s.ns = now_ns() - t0;
		s.faults = minflt() - f0;
		return s;
	}
	pthread_barrier_init(&barrier, NULL, threads + 1);
	for (i = 0; i < threads; i++) {
		args[i] = (struct touch_arg){ p + i * part, part, how, i,
					      &barrier };
		pthread_create(&tids[i], NULL, touch_range, &args[i]);
	}
	pthread_barrier_wait(&barrier);
	t0 = now_ns();
	for (i = 0; i < threads; i++)
		pthread_join(tids[i], NULL);
	s.ns = now_ns() - t0;
	s.faults = minflt() - f0;
	pin(0);
	return s;
}

/*
 * After touch(): the first byte of each page holds the mark a write left
 * (or, read, the contents), the last byte the contents (@fill, or zero).
 */
static bool check(const char *p, size_t len, enum touch how, int threads,
		  char fill)
{
	size_t part = len / threads / page * page, i;

	for (i = 0; i < part * threads; i += page) {
		char want = how == TOUCH_WRITE ? (char)((i % part) / page) | 1 : fill;

		if (p[i] != want || p[i + page - 1] != fill)
			return false;
	}
	return true;
}

/* --- sides ------------------------------------------------------------- */

static char *map_anon(const struct side *s, size_t len)
{
	char *p = s->mmap(NULL, len, s->prot, s->flags, -1, 0);

	if (p == MAP_FAILED)
		die("mmap anonymous");
	return p;
}

static char *map_fd(const struct side *s, size_t len)
{
	char *p = s->mmap(NULL, len, s->prot, s->flags, s->fd, 0);

	if (p == MAP_FAILED)
		die("mmap fd");
	return p;
}

static void unmap(const struct side *s, char *p, size_t len)
{
	s->munmap(p, len);
}

/* A shared object's pages persist: empty it so every run faults anew. */
static void unmap_and_empty(const struct side *s, char *p, size_t len)
{
	s->munmap(p, len);
	fallocate(s->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, len);
}

static void unmap_and_empty_object(const struct side *s, char *p, size_t len)
{
	__u64 zero = 0, size = len;

	s->munmap(p, len);
	if (ioctl(s->fd, MAPDEV_IOC_SET_SIZE, &zero) ||
	    ioctl(s->fd, MAPDEV_IOC_SET_SIZE, &size))
		die("MAPDEV_IOC_SET_SIZE");
}

static void unmap_and_drop_cache(const struct side *s, char *p, size_t len)
{
	s->munmap(p, len);
	fdatasync(s->fd);
	posix_fadvise(s->fd, 0, len, POSIX_FADV_DONTNEED);
}

/* --- cases ------------------------------------------------------------- */

enum kind { FAULTS, CHURN };

/*
 * Pages as the system is configured (Debian: transparent huge pages
 * "always"), or 4 KiB pages: MADV_NOHUGEPAGE on both sides.
 */
enum pages { PAGES_DEFAULT, PAGES_4K };

struct bench_case {
	const char *name;
	enum kind kind;
	enum touch how;
	int threads;
	enum pages pages;	/* fault cases */
	size_t len;		/* churn cases: bytes per mapping */
	struct side a, b;	/* native, mapdev */
	char fill;		/* contents the mapped file or object hold */
	double target;		/* the ratio to reach */
};

struct result {
	double ratio[MAX_PAIRS];
	struct sample a[MAX_PAIRS], b[MAX_PAIRS];
	int n;
	bool ok;
};

static struct sample run_faults(const struct bench_case *c,
				const struct side *s, bool *ok)
{
	char *p = s->setup(s, opt.size);
	struct sample r;

	if (c->pages == PAGES_4K && madvise(p, opt.size, MADV_NOHUGEPAGE))
		die("madvise(MADV_NOHUGEPAGE)");
	r = touch(p, opt.size, c->how, c->threads);

	*ok &= check(p, opt.size, c->how, c->threads, c->fill);
	s->teardown(s, p, opt.size);
	return r;
}

struct churn_arg {
	const struct side *s;
	size_t len;
	enum touch how;
	int n, cpu;
	pthread_barrier_t *barrier;
	bool ok;
};

static void *churn_one(void *arg)
{
	struct churn_arg *a = arg;
	size_t len = a->len;
	int i;

	if (a->barrier) {
		pin(a->cpu);
		pthread_barrier_wait(a->barrier);
	}
	for (i = 0; i < a->n; i++) {
		char *p = a->s->mmap(NULL, len, PROT_READ | PROT_WRITE,
				     a->s->flags, a->s->fd, 0);

		if (p == MAP_FAILED) {
			a->ok = false;
			break;
		}
		if (a->how == TOUCH_WRITE)
			p[page] = 1;
		if (a->s->munmap(p, len)) {
			a->ok = false;
			break;
		}
	}
	return NULL;
}

static struct sample run_churn(const struct bench_case *c,
			       const struct side *s, bool *ok)
{
	struct churn_arg args[MAX_THREADS];
	pthread_t tids[MAX_THREADS];
	pthread_barrier_t barrier;
	size_t len = c->len ? c->len : 4 * page;
	struct sample r;
	long f0 = minflt();
	double t0;
	int i;

	if (c->threads == 1) {
		struct churn_arg a = { s, len, c->how, opt.churn, 0, NULL,
				       true };

		t0 = now_ns();
		churn_one(&a);
		r.ns = now_ns() - t0;
		*ok &= a.ok;
	} else {
		pthread_barrier_init(&barrier, NULL, c->threads + 1);
		for (i = 0; i < c->threads; i++) {
			args[i] = (struct churn_arg){ s, len, c->how, opt.churn,
						      i, &barrier, true };
			pthread_create(&tids[i], NULL, churn_one, &args[i]);
		}
		pthread_barrier_wait(&barrier);
		t0 = now_ns();
		for (i = 0; i < c->threads; i++) {
			pthread_join(tids[i], NULL);
			*ok &= args[i].ok;
		}
		r.ns = now_ns() - t0;
		pin(0);
	}
	r.faults = minflt() - f0;
	return r;
}

static struct sample run(const struct bench_case *c, const struct side *s,
			 bool *ok)
{
	return c->kind == FAULTS ? run_faults(c, s, ok) : run_churn(c, s, ok);
}

static int cmp_double(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;

	return a < b ? -1 : a > b;
}

static double quantile(const double *v, int n, double q)
{
	double s[MAX_PAIRS];

	memcpy(s, v, n * sizeof(*v));
	qsort(s, n, sizeof(*s), cmp_double);
	return s[(int)(q * (n - 1) + 0.5)];
}

static void run_case(const struct bench_case *c, bool first)
{
	struct result r = { .ok = true };
	double per, na[MAX_PAIRS], nb[MAX_PAIRS], fa = 0, fb = 0;
	double med, lo, hi;
	const char *verdict;
	int i;

	for (i = 0; i < opt.warmup; i++) {
		run(c, &c->a, &r.ok);
		run(c, &c->b, &r.ok);
	}
	for (i = 0; i < opt.pairs; i++) {
		r.a[i] = run(c, &c->a, &r.ok);
		r.b[i] = run(c, &c->b, &r.ok);
		/* Faults: throughput mapdev/native.  Churn: latency mapdev/native. */
		r.ratio[i] = c->kind == FAULTS ? r.a[i].ns / r.b[i].ns
					       : r.b[i].ns / r.a[i].ns;
		na[i] = r.a[i].ns;
		nb[i] = r.b[i].ns;
		fa += r.a[i].faults;
		fb += r.b[i].faults;
	}
	r.n = opt.pairs;
	per = c->kind == FAULTS ? (double)opt.size / page
				: (double)opt.churn * c->threads;
	med = quantile(r.ratio, r.n, 0.5);
	lo = quantile(r.ratio, r.n, 0.25);
	hi = quantile(r.ratio, r.n, 0.75);
	if (c->threads > 1)
		verdict = "report";
	else if (c->kind == FAULTS)
		verdict = med >= c->target ? "met" : "MISSED";
	else
		verdict = med <= c->target ? "met" : "MISSED";
	if (!r.ok)
		verdict = "CONTENT-ERROR";

	if (opt.json) {
		printf("%s{\"case\": \"%s\", \"kind\": \"%s\", \"threads\": %d, ",
		       first ? "" : ",\n", c->name,
		       c->kind == FAULTS ? "throughput" : "latency", c->threads);
		printf("\"pairs\": %d, \"ratio_median\": %.3f, ", r.n, med);
		printf("\"ratio_p25\": %.3f, \"ratio_p75\": %.3f, ", lo, hi);
		printf("\"native_ns\": %.1f, \"mapdev_ns\": %.1f, ",
		       quantile(na, r.n, 0.5) / per, quantile(nb, r.n, 0.5) / per);
		printf("\"native_faults\": %.3f, \"mapdev_faults\": %.3f, ",
		       fa / r.n / per, fb / r.n / per);
		printf("\"target\": %.2f, \"verdict\": \"%s\"}", c->target, verdict);
	} else {
		printf("%-34s %7.3f %5.2f-%-5.2f %9.1f %9.1f %6.2f %6.2f  %s %.2f %s\n",
		       c->name, med, lo, hi, quantile(na, r.n, 0.5) / per,
		       quantile(nb, r.n, 0.5) / per, fa / r.n / per,
		       fb / r.n / per, c->kind == FAULTS ? ">=" : "<=",
		       c->target, verdict);
	}
	fflush(stdout);
}

static int object_fd(size_t size, char fill)
{
	int fd = open("/dev/mapdev", O_RDWR | O_CLOEXEC);
	__u64 s = size;
	char *buf;

	if (fd < 0)
		die("open /dev/mapdev");
	if (ioctl(fd, MAPDEV_IOC_SET_SIZE, &s))
		die("MAPDEV_IOC_SET_SIZE");
	if (fill) {
		buf = malloc(size);
		memset(buf, fill, size);
		if (pwrite(fd, buf, size, 0) != (ssize_t)size)
			die("pwrite object");
		free(buf);
	}
	return fd;
}

static int native_file(size_t size, char fill)
{
	int fd = memfd_create("bench", MFD_CLOEXEC);
	char *buf;

	if (fd < 0 || ftruncate(fd, size))
		die("creating the memfd");
	if (fill) {
		buf = malloc(size);
		memset(buf, fill, size);
		if (pwrite(fd, buf, size, 0) != (ssize_t)size)
			die("pwrite");
		free(buf);
	}
	return fd;
}

static int file_fd(size_t size, char fill, char *path, size_t pathlen)
{
	char *buf = malloc(size);
	int fd;

	snprintf(path, pathlen, "%s/mapdev-bench-%d", opt.file_dir, getpid());
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		die(path);
	memset(buf, fill, size);
	if (pwrite(fd, buf, size, 0) != (ssize_t)size || fsync(fd))
		die("write file");
	free(buf);
	return fd;
}

static void usage(void)
{
	fputs("Usage: mapdev-bench [--size MiB] [--pairs N] [--warmup N]\n", stderr);
	fputs("       [--threads N] [--churn N] [--dir DIR] [--case NAME] [--json]\n",
	      stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "size", required_argument, NULL, 's' },
		{ "pairs", required_argument, NULL, 'p' },
		{ "warmup", required_argument, NULL, 'w' },
		{ "threads", required_argument, NULL, 't' },
		{ "churn", required_argument, NULL, 'c' },
		{ "dir", required_argument, NULL, 'd' },
		{ "case", required_argument, NULL, 'o' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	char path[256];
	int o, obj, obj_cow, mfd, mfd_cow, file, nt, pass;
	bool first = true;
	size_t i;

	while ((o = getopt_long(argc, argv, "", lopts, NULL)) != -1) {
		switch (o) {
		case 's':
			opt.size = strtoul(optarg, NULL, 0) << 20;
			break;
		case 'p':
			opt.pairs = atoi(optarg);
			break;
		case 'w':
			opt.warmup = atoi(optarg);
			break;
		case 't':
			opt.threads = atoi(optarg);
			break;
		case 'c':
			opt.churn = atoi(optarg);
			break;
		case 'd':
			opt.file_dir = optarg;
			break;
		case 'o':
			opt.only = optarg;
			break;
		case 'j':
			opt.json = true;
			break;
		default:
			usage();
		}
	}
	if (opt.pairs < 15 || opt.pairs > MAX_PAIRS || opt.threads < 1 ||
	    opt.threads > MAX_THREADS || !opt.size) {
		fprintf(stderr, "mapdev-bench: at least 15 pairs, 1..%d threads\n",
			MAX_THREADS);
		usage();
	}
	page = sysconf(_SC_PAGESIZE);
	opt.size = opt.size / (page * opt.threads) * page * opt.threads;
	pin(0);

	obj = object_fd(opt.size, 0);
	obj_cow = object_fd(opt.size, 'o');
	mfd = native_file(opt.size, 0);
	mfd_cow = native_file(opt.size, 'o');
	file = file_fd(opt.size, 'f', path, sizeof(path));
	nt = opt.threads;

#define NATIVE(fl, pr, setup_, teardown_, fd_)	\
	{ "native", setup_, teardown_, mmap, munmap, fd_, fl, pr }
#define MAPDEV(fl, pr, setup_, teardown_, fd_)	\
	{ "mapdev", setup_, teardown_, mapdev_mmap, mapdev_munmap, fd_, fl, pr }
#define RW (PROT_READ | PROT_WRITE)
#define PA (MAP_PRIVATE | MAP_ANONYMOUS)
#define SA (MAP_SHARED | MAP_ANONYMOUS)

	const struct bench_case cases[] = {
		/*
		 * Targets: 0.95 of native; a mapdev object's shared writes at
		 * least 3 times a memfd's, and shared anonymous memory at
		 * least native's, where mapdev's objects get huge folios and
		 * shmem does not.  The fault cases run again with 4 KiB pages
		 * (run_cases()), with 0.95 as every target.
		 */
		{ "1 anon private write", FAULTS, TOUCH_WRITE, 1, 0, 0,
		  NATIVE(PA, RW, map_anon, unmap, -1),
		  MAPDEV(PA, RW, map_anon, unmap, -1), 0, 0.95 },
		{ "1 anon private read", FAULTS, TOUCH_READ, 1, 0, 0,
		  NATIVE(PA, RW, map_anon, unmap, -1),
		  MAPDEV(PA, RW, map_anon, unmap, -1), 0, 0.95 },
		{ "2 anon shared write", FAULTS, TOUCH_WRITE, 1, 0, 0,
		  NATIVE(SA, RW, map_anon, unmap, -1),
		  MAPDEV(SA, RW, map_anon, unmap, -1), 0, 1.0 },
		{ "2 object vs memfd shared write", FAULTS, TOUCH_WRITE, 1, 0, 0,
		  NATIVE(MAP_SHARED, RW, map_fd, unmap_and_empty, mfd),
		  { "mapdev", map_fd, unmap_and_empty_object, mmap, munmap, obj,
		    MAP_SHARED, RW }, 0, 3.0 },
		{ "3 object vs memfd private cow", FAULTS, TOUCH_WRITE, 1, 0, 0,
		  NATIVE(MAP_PRIVATE, RW, map_fd, unmap, mfd_cow),
		  { "mapdev", map_fd, unmap, mmap, munmap, obj_cow,
		    MAP_PRIVATE, RW }, 'o', 0.95 },
		{ "3 file private cow", FAULTS, TOUCH_WRITE, 1, 0, 0,
		  NATIVE(MAP_PRIVATE, RW, map_fd, unmap, file),
		  MAPDEV(MAP_PRIVATE, RW, map_fd, unmap, file), 'f', 0.95 },
		{ "4 file read, warm cache", FAULTS, TOUCH_READ, 1, 0, 0,
		  NATIVE(MAP_SHARED, PROT_READ, map_fd, unmap, file),
		  MAPDEV(MAP_SHARED, PROT_READ, map_fd, unmap, file), 'f', 0.95 },
		{ "4 file read, cold cache", FAULTS, TOUCH_READ, 1, 0, 0,
		  NATIVE(MAP_SHARED, PROT_READ, map_fd, unmap_and_drop_cache, file),
		  MAPDEV(MAP_SHARED, PROT_READ, map_fd, unmap_and_drop_cache, file),
		  'f', 0.95 },
		{ "6 anon private write, threads", FAULTS, TOUCH_WRITE, nt, 0, 0,
		  NATIVE(PA, RW, map_anon, unmap, -1),
		  MAPDEV(PA, RW, map_anon, unmap, -1), 0, 0.95 },
		{ "6 anon shared write, threads", FAULTS, TOUCH_WRITE, nt, 0, 0,
		  NATIVE(SA, RW, map_anon, unmap, -1),
		  MAPDEV(SA, RW, map_anon, unmap, -1), 0, 0.95 },
		{ "6 object vs memfd, threads", FAULTS, TOUCH_WRITE, nt, 0, 0,
		  NATIVE(MAP_SHARED, RW, map_fd, unmap_and_empty, mfd),
		  { "mapdev", map_fd, unmap_and_empty_object, mmap, munmap, obj,
		    MAP_SHARED, RW }, 0, 0.95 },
		{ "5 churn: ioctl vs syscall", CHURN, TOUCH_WRITE, 1, 0, 0,
		  NATIVE(PA, RW, NULL, NULL, -1),
		  MAPDEV(PA, RW, NULL, NULL, -1), 0, 1.3 },
		{ "5 churn: mmap(2) of /dev/mapdev", CHURN, TOUCH_WRITE, 1, 0, 0,
		  NATIVE(MAP_SHARED, RW, NULL, NULL, mfd),
		  { "mapdev", NULL, NULL, mmap, munmap, obj, MAP_SHARED, RW },
		  0, 1.3 },
		{ "5 churn 128M anon: ioctl vs syscall", CHURN, TOUCH_NONE, 1,
		  0, 128 << 20,
		  NATIVE(PA, RW, NULL, NULL, -1),
		  MAPDEV(PA, RW, NULL, NULL, -1), 0, 1.2 },
		{ "5 churn 128M file: ioctl vs syscall", CHURN, TOUCH_NONE, 1,
		  0, 128 << 20,
		  NATIVE(MAP_PRIVATE, RW, NULL, NULL, file),
		  MAPDEV(MAP_PRIVATE, RW, NULL, NULL, file), 0, 1.2 },
		{ "6 churn, threads", CHURN, TOUCH_WRITE, nt, 0, 0,
		  NATIVE(PA, RW, NULL, NULL, -1),
		  MAPDEV(PA, RW, NULL, NULL, -1), 0, 1.3 },
	};

	if (opt.json)
		printf("[\n");
	else
		printf("%-34s %7s %-11s %9s %9s %6s %6s  %s\n", "case",
		       "ratio", "p25-p75", "native", "mapdev", "flt/pg",
		       "flt/pg", "target");
	/* Fault cases as configured, then with 4 KiB pages; then churn. */
	for (pass = 0; pass < 3; pass++) {
		for (i = 0; i < ARRAY_SIZE(cases); i++) {
			struct bench_case c = cases[i];
			char name[96];

			if (c.kind == CHURN ? pass != 2 : pass == 2)
				continue;
			if (pass == 1) {
				snprintf(name, sizeof(name), "%s, 4k", c.name);
				c.name = name;
				c.pages = PAGES_4K;
				c.target = 0.95;
			}
			if (opt.only && !strstr(c.name, opt.only))
				continue;
			run_case(&c, first);
			first = false;
		}
	}
	if (opt.json)
		printf("\n]\n");
	else
		printf("ratio: faults mapdev/native throughput, churn mapdev/native latency\n"
		       "ns per page or per call; %zu MiB, %d pairs, %d threads\n",
		       opt.size >> 20, opt.pairs, nt);
	unlink(path);
	return 0;
}
