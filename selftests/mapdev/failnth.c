// SPDX-License-Identifier: GPL-2.0
/*
 * Every failure mapdev can meet, injected one by one, as syzkaller does:
 * for each operation, fail its 1st fault-injectable call (a slab or page
 * allocation, a user copy), then its 2nd, and so on, until the operation
 * completes without reaching the N-th (/proc/thread-self/fail-nth).  After
 * each attempt: the operation succeeded, or failed with an errno its
 * documentation lists; a failed operation left nothing half made (no new
 * VMA, the old size); a fault completed (the core retries a fault that
 * ran out of memory); and once its files are closed mapdev's page and
 * object counters are where they were.
 *
 * Needs CONFIG_FAULT_INJECTION, failslab, fail_page_alloc and
 * fail_usercopy (the debug kernel, with the stack-trace filter), debugfs
 * and root; skips elsewhere.
 */
#define _GNU_SOURCE
#include <sys/mount.h>

#include "helpers.h"
#include "harness.h"

#define RW		(PROT_READ | PROT_WRITE)
#define NPAGES		8
#define MAX_POINTS	3000
#define DEBUGFS		"/sys/kernel/debug/"

struct ctx {
	size_t page, len;
	int dev;		/* an open of /dev/mapdev, or -1 */
	int obj;		/* an object with NPAGES pages of data, or -1 */
	int file;		/* a tmpfs file of NPAGES pages, or -1 */
	char *map;		/* a mapping the operation works on */
	char *out;		/* what the operation made */
	int fd;			/* what the operation opened */
};

/* MAPDEV_IOC_MMAP through @c->dev; 0 or -errno, the address in *@out. */
static int dev_mmap(struct ctx *c, size_t len, int flags, int fd, char **out)
{
	struct mapdev_mmap req = {
		.size = sizeof(req), .length = len, .prot = RW,
		.map_flags = flags, .fd = fd,
	};

	if (ioctl(c->dev, MAPDEV_IOC_MMAP, &req))
		return -errno;
	*out = (char *)(uintptr_t)req.addr;
	return 0;
}

static int dev_munmap(struct ctx *c, void *addr, size_t len)
{
	struct mapdev_munmap req = {
		.size = sizeof(req), .addr = (uintptr_t)addr, .length = len,
	};

	return ioctl(c->dev, MAPDEV_IOC_MUNMAP, &req) ? -errno : 0;
}

static __s64 obj_size(struct ctx *c)
{
	return backend_get_size(BACKEND_MAPDEV, c->obj);
}

/* Setups: made before the failure is armed. */
static int with_dev(struct ctx *c)
{
	c->dev = open(MAPDEV_DEV, O_RDWR | O_CLOEXEC);
	return c->dev < 0 ? -errno : 0;
}

/* Data in the first half, a hole in the second. */
static int with_obj(struct ctx *c)
{
	c->obj = open(MAPDEV_DEV, O_RDWR | O_CLOEXEC);
	if (c->obj < 0)
		return -errno;
	if (fill(c->obj, 0, 'o', c->len / 2))
		return -1;
	return backend_set_size(BACKEND_MAPDEV, c->obj, c->len) ? -errno : 0;
}

static int with_file(struct ctx *c)
{
	char path[64];

	if (with_dev(c))
		return -1;
	snprintf(path, sizeof(path), "/dev/shm/mapdev-failnth-%d", getpid());
	c->file = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	unlink(path);
	if (c->file < 0)
		return -errno;
	if (fill(c->file, 0, 'f', c->len / 2))
		return -1;
	return ftruncate(c->file, c->len) ? -errno : 0;
}

static int with_obj_shared_map(struct ctx *c)
{
	if (with_obj(c))
		return -1;
	c->map = mmap(NULL, c->len, RW, MAP_SHARED, c->obj, 0);
	return c->map == MAP_FAILED ? -errno : 0;
}

static int with_obj_private_map(struct ctx *c)
{
	if (with_obj(c))
		return -1;
	c->map = mmap(NULL, c->len, RW, MAP_PRIVATE, c->obj, 0);
	return c->map == MAP_FAILED ? -errno : 0;
}

static int with_anon_map(struct ctx *c)
{
	if (with_dev(c))
		return -1;
	return dev_mmap(c, c->len, MAP_PRIVATE | MAP_ANONYMOUS, -1, &c->map);
}

static int with_file_map(struct ctx *c)
{
	if (with_file(c))
		return -1;
	return dev_mmap(c, c->len, MAP_SHARED, c->file, &c->map);
}

/* The operations. */
static int op_open(struct ctx *c)
{
	c->fd = open(MAPDEV_DEV, O_RDWR | O_CLOEXEC);
	return c->fd < 0 ? -errno : 0;
}

static int op_grow(struct ctx *c)
{
	return backend_set_size(BACKEND_MAPDEV, c->obj, 4 * c->len) ? -errno : 0;
}

static int op_shrink(struct ctx *c)
{
	return backend_set_size(BACKEND_MAPDEV, c->obj, c->page + 100) ? -errno : 0;
}

static int op_write(struct ctx *c)
{
	char buf[3 * 4096];
	ssize_t n;

	memset(buf, 'w', sizeof(buf));
	n = pwrite(c->obj, buf, sizeof(buf), c->len - 100);
	return n < 0 ? -errno : 0;
}

static int op_read(struct ctx *c)
{
	char buf[3 * 4096];
	ssize_t n = pread(c->obj, buf, sizeof(buf), 100);

	if (n < 0)
		return -errno;
	return all_bytes(buf, 'o', n) ? 0 : -EILSEQ;
}

static int op_mmap_shared(struct ctx *c)
{
	c->out = mmap(NULL, c->len, RW, MAP_SHARED, c->obj, 0);
	return c->out == MAP_FAILED ? -errno : 0;
}

static int op_mmap_private(struct ctx *c)
{
	c->out = mmap(NULL, c->len, RW, MAP_PRIVATE, c->obj, 0);
	return c->out == MAP_FAILED ? -errno : 0;
}

static int op_ioc_anon_private(struct ctx *c)
{
	return dev_mmap(c, c->len, MAP_PRIVATE | MAP_ANONYMOUS, -1, &c->out);
}

static int op_ioc_anon_shared(struct ctx *c)
{
	return dev_mmap(c, c->len, MAP_SHARED | MAP_ANONYMOUS, -1, &c->out);
}

static int op_ioc_object(struct ctx *c)
{
	c->dev = c->obj;
	return dev_mmap(c, c->len, MAP_SHARED, c->obj, &c->out);
}

static int op_ioc_file(struct ctx *c)
{
	return dev_mmap(c, c->len, MAP_SHARED, c->file, &c->out);
}

static int op_ioc_file_populate(struct ctx *c)
{
	return dev_mmap(c, c->len, MAP_PRIVATE | MAP_POPULATE, c->file, &c->out);
}

static int op_ioc_file_locked(struct ctx *c)
{
	return dev_mmap(c, c->len, MAP_SHARED | MAP_LOCKED, c->file, &c->out);
}

static int op_ioc_munmap(struct ctx *c)
{
	int ret = dev_munmap(c, c->map, c->len);

	if (!ret)
		c->map = NULL;
	return ret;
}

static int op_ioc_munmap_split(struct ctx *c)
{
	return dev_munmap(c, c->map + 2 * c->page, c->page);
}

/* The same natively: what the core does when a split's unmap fails. */
static int op_munmap_split_native(struct ctx *c)
{
	return munmap(c->map + 2 * c->page, c->page) ? -errno : 0;
}

/*
 * A fault cannot fail: it completes (the core retries a fault that ran
 * out of memory), or the test dies of a signal.  On a hole, mapdev
 * allocates the object's page.
 */
static int op_read_fault(struct ctx *c)
{
	return read_byte(c->map + (NPAGES - 2) * c->page) == 0 ? 0 : -EILSEQ;
}

static int op_write_fault(struct ctx *c)
{
	write_byte(c->map + (NPAGES - 1) * c->page, 'x');
	return read_byte(c->map + (NPAGES - 1) * c->page) == 'x' ? 0 : -EILSEQ;
}

static int op_cow_fault(struct ctx *c)
{
	write_byte(c->map + 2 * c->page, 'x');
	return read_byte(c->map + 2 * c->page) == 'x' &&
	       read_byte(c->map + 3 * c->page) == 'o' ? 0 : -EILSEQ;
}

static int op_anon_fault(struct ctx *c)
{
	write_byte(c->map + c->page, 'a');
	return read_byte(c->map + c->page) == 'a' &&
	       read_byte(c->map + 3 * c->page) == 0 ? 0 : -EILSEQ;
}

/* A hole of a tmpfs file: the filesystem's fault allocates. */
static int op_file_fault(struct ctx *c)
{
	write_byte(c->map + (NPAGES - 1) * c->page, 'x');
	return read_byte(c->map + c->page) == 'f' ? 0 : -EILSEQ;
}

static int op_mremap(struct ctx *c)
{
	char *p = mremap(c->map, c->len, 2 * c->len, MREMAP_MAYMOVE);

	if (p == MAP_FAILED)
		return -errno;
	c->map = p;
	c->len *= 2;
	return 0;
}

static int op_mprotect(struct ctx *c)
{
	return mprotect(c->map + 2 * c->page, c->page, PROT_READ) ? -errno : 0;
}

static int op_fork(struct ctx *c)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (pid == 0)
		_exit(read_byte(c->map + c->page) == 'o' ? 0 : 1);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		return -EILSEQ;
	return 0;
}

static int op_last_close(struct ctx *c)
{
	munmap(c->map, c->len);
	c->map = NULL;
	close(c->obj);
	c->obj = -1;
	return 0;
}

struct op {
	const char *name;
	int (*setup)(struct ctx *c);
	int (*run)(struct ctx *c);
	bool maps;		/* makes a mapping: a failure leaves no VMA */
	bool resizes;		/* a failure must leave the object's size */
};

#define OP(n, s, r)	{ .name = n, .setup = s, .run = r }
#define OP_MAP(n, s, r)	{ .name = n, .setup = s, .run = r, .maps = true }

static const struct op ops[] = {
	OP("open", NULL, op_open),
	{ .name = "set_size_grow", .setup = with_obj, .run = op_grow,
	  .resizes = true },
	{ .name = "set_size_shrink", .setup = with_obj_shared_map,
	  .run = op_shrink, .resizes = true },
	OP("write", with_obj, op_write),
	OP("read", with_obj, op_read),
	OP_MAP("mmap_object_shared", with_obj, op_mmap_shared),
	OP_MAP("mmap_object_private", with_obj, op_mmap_private),
	OP_MAP("ioc_mmap_anon_private", with_dev, op_ioc_anon_private),
	OP_MAP("ioc_mmap_anon_shared", with_dev, op_ioc_anon_shared),
	OP_MAP("ioc_mmap_object", with_obj, op_ioc_object),
	OP_MAP("ioc_mmap_file", with_file, op_ioc_file),
	OP_MAP("ioc_mmap_file_populate", with_file, op_ioc_file_populate),
	OP_MAP("ioc_mmap_file_locked", with_file, op_ioc_file_locked),
	OP("ioc_munmap", with_anon_map, op_ioc_munmap),
	OP("ioc_munmap_split", with_anon_map, op_ioc_munmap_split),
	OP("munmap_split_native", with_anon_map, op_munmap_split_native),
	OP("read_fault", with_obj_shared_map, op_read_fault),
	OP("write_fault", with_obj_shared_map, op_write_fault),
	OP("cow_fault", with_obj_private_map, op_cow_fault),
	OP("anon_fault", with_anon_map, op_anon_fault),
	OP("file_fault", with_file_map, op_file_fault),
	OP("mremap", with_obj_shared_map, op_mremap),
	OP("mprotect", with_anon_map, op_mprotect),
	OP("fork", with_obj_shared_map, op_fork),
	OP("last_close", with_obj_shared_map, op_last_close),
};

static void teardown(struct ctx *c)
{
	if (c->out && c->out != MAP_FAILED)
		munmap(c->out, c->len);
	if (c->map && c->map != MAP_FAILED)
		munmap(c->map, c->len);
	if (c->fd >= 0)
		close(c->fd);
	if (c->dev >= 0 && c->dev != c->obj)
		close(c->dev);
	if (c->obj >= 0)
		close(c->obj);
	if (c->file >= 0)
		close(c->file);
}

/* The errnos a failed allocation or user copy may give these calls. */
static bool documented(int err)
{
	return err == ENOMEM || err == EFAULT || err == EAGAIN ||
	       err == EINTR || err == ENFILE;
}

static int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, s, strlen(s));
	close(fd);
	return n == (ssize_t)strlen(s) ? 0 : -1;
}

/*
 * Where mapdev's code is: from its lowest to past its highest function
 * (kallsyms; the module may have been loaded again since the test began).
 */
static int mapdev_text(unsigned long long *start, unsigned long long *end)
{
	FILE *f = fopen("/proc/kallsyms", "r");
	unsigned long long a;
	char line[512], type;

	if (!f)
		return -1;
	*start = ~0ULL;
	*end = 0;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, "[mapdev]") &&
		    sscanf(line, "%llx %c", &a, &type) == 2 &&
		    (type == 't' || type == 'T') && a) {
			*start = a < *start ? a : *start;
			*end = a > *end ? a : *end;
		}
	fclose(f);
	/* The last function is shorter than a page: mapdev's are. */
	*end += 4096;
	return *start < *end ? 0 : -1;
}

static int write_ull(const char *path, unsigned long long v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "0x%llx", v);
	return write_str(path, buf);
}

/*
 * Let failslab, fail_page_alloc and fail_usercopy fail any call, sleeping
 * allocations and user pages included; with probability 0 they fail only
 * what fail-nth asks for, in this task.  User copies fail only where
 * mapdev's code is on the stack: the kernel's own copies for the task (a
 * signal frame, rseq) turn a failure into SIGSEGV, for any program.
 */
static int arm_injection(void)
{
	unsigned long long start, end;

	static const char * const attrs[] = {
		"failslab/", "fail_page_alloc/", "fail_usercopy/",
	};
	char path[128];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(attrs); i++) {
		snprintf(path, sizeof(path), DEBUGFS "%sverbose", attrs[i]);
		if (write_str(path, "0"))
			return -1;
		snprintf(path, sizeof(path), DEBUGFS "%sprobability", attrs[i]);
		if (write_str(path, "0"))
			return -1;
	}
	if (mapdev_text(&start, &end) ||
	    write_ull(DEBUGFS "fail_usercopy/require-start", start) ||
	    write_ull(DEBUGFS "fail_usercopy/require-end", end))
		return -1;
	return write_str(DEBUGFS "failslab/ignore-gfp-wait", "N") ||
	       write_str(DEBUGFS "fail_page_alloc/ignore-gfp-wait", "N") ||
	       write_str(DEBUGFS "fail_page_alloc/ignore-gfp-highmem", "N") ||
	       write_str(DEBUGFS "fail_page_alloc/min-order", "0");
}

/* Was the armed failure injected?  Disarms it either way. */
static bool injected(int fail_fd)
{
	char buf[16];
	ssize_t n;
	int tries;

	/* The read's own copy-out may be the N-th call: then it was not. */
	n = pread(fail_fd, buf, sizeof(buf) - 1, 0);
	for (tries = 0; tries < 8; tries++)
		if (pwrite(fail_fd, "0", 1, 0) == 1)
			break;
	return n > 0 && buf[0] == '0';
}

FIXTURE(failnth) {
	int fail_fd;
};

FIXTURE_SETUP(failnth)
{
	self->fail_fd = -1;
	if (geteuid())
		SKIP(return, "fault injection needs root");
	if (access(MAPDEV_DEV, F_OK))
		SKIP(return, "%s is missing: load mapdev.ko", MAPDEV_DEV);
	if (access("/proc/thread-self/fail-nth", W_OK))
		SKIP(return, "no fail-nth: no CONFIG_FAULT_INJECTION");
	if (access(DEBUGFS "failslab", F_OK))
		mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL);
	if (access(DEBUGFS "failslab", F_OK) ||
	    access(DEBUGFS "fail_page_alloc", F_OK) ||
	    access(DEBUGFS "fail_usercopy", F_OK))
		SKIP(return, "no failslab, fail_page_alloc or fail_usercopy");
	ASSERT_EQ(0, arm_injection());
	self->fail_fd = open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->fail_fd);
}

FIXTURE_TEARDOWN(failnth)
{
	if (self->fail_fd >= 0)
		close(self->fail_fd);
	write_ull(DEBUGFS "fail_usercopy/require-start", 0);
	write_ull(DEBUGFS "fail_usercopy/require-end", ~0ULL);
}

/*
 * Grow the stack now: a stack that has to grow while a failure is armed
 * may fail to, and the task dies of SIGSEGV, natively as well.
 */
static void grow_stack(void)
{
	char room[256 * 1024];

	memset(room, 0, sizeof(room));
	/* The stores must happen: the compiler sees the memory used. */
	__asm__ __volatile__("" : : "r"(room) : "memory");
}

/* One operation, failed at its 1st, 2nd, ... injection point. */
static int walk(struct __test_metadata *_metadata, int fail_fd,
		const struct op *op, long *failed)
{
	size_t page = sysconf(_SC_PAGESIZE);
	long pages0 = mapdev_pages();
	long objects0 = read_sysfs_long(MAPDEV_SYSFS "objects");
	int n;

	for (n = 1; n <= MAX_POINTS; n++) {
		struct ctx c = {
			.page = page, .len = NPAGES * page, .dev = -1, .obj = -1,
			.file = -1, .fd = -1,
		};
		char nth[16];
		int ret, maps0;
		__s64 size0 = -1;
		bool hit;

		if (op->setup && op->setup(&c)) {
			TH_LOG("%s: setup failed: %s", op->name, strerror(errno));
			teardown(&c);
			return -1;
		}
		if (op->resizes)
			size0 = obj_size(&c);
		maps0 = map_count();
		snprintf(nth, sizeof(nth), "%d", n);
		if (pwrite(fail_fd, nth, strlen(nth), 0) != (ssize_t)strlen(nth))
			return -1;
		ret = op->run(&c);
		hit = injected(fail_fd);

		if (ret && (ret == -EILSEQ || !documented(-ret))) {
			TH_LOG("%s: point %d: %s", op->name, n, strerror(-ret));
			(*failed)++;
		}
		if (ret && !hit) {
			TH_LOG("%s: point %d: failed with nothing injected: %s",
			       op->name, n, strerror(-ret));
			(*failed)++;
		}
		if (ret && op->maps && map_count() != maps0) {
			TH_LOG("%s: point %d: failed, and left %d mappings more",
			       op->name, n, map_count() - maps0);
			(*failed)++;
		}
		/* An existing mapping may be split, never lost. */
		if (ret && !op->maps && c.map && probe_read(c.map) != 0) {
			TH_LOG("%s: point %d: failed, and the mapping is gone",
			       op->name, n);
			(*failed)++;
		}
		if (ret && op->resizes && obj_size(&c) != size0) {
			TH_LOG("%s: point %d: failed, and the size changed",
			       op->name, n);
			(*failed)++;
		}
		if (ret)
			c.out = NULL;
		teardown(&c);
		if (mapdev_pages() != pages0 ||
		    read_sysfs_long(MAPDEV_SYSFS "objects") != objects0) {
			TH_LOG("%s: point %d: counters did not come back", op->name, n);
			(*failed)++;
		}
		if (!hit)
			return n - 1;
	}
	TH_LOG("%s: more than %d injection points", op->name, MAX_POINTS);
	(*failed)++;
	return n;
}

TEST_F_TIMEOUT(failnth, every_operation, 3000)
{
	long failed = 0, total = 0;
	size_t i;

	grow_stack();
	for (i = 0; i < ARRAY_SIZE(ops); i++) {
		int points = walk(_metadata, self->fail_fd, &ops[i], &failed);

		ASSERT_LE(0, points);
		ksft_print_msg("fail-nth: %-24s %4d injection points\n",
			       ops[i].name, points);
		total += points;
	}
	ksft_print_msg("fail-nth: %ld injection points in %zu operations, %ld failures\n",
		       total, ARRAY_SIZE(ops), failed);
	EXPECT_EQ(0, failed);
}

TEST_HARNESS_MAIN
