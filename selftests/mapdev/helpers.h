/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by mapdev's selftests: the backends a test compares
 * (a mapdev object and a tmpfs file), and access probes that report the
 * signal an access raised instead of dying of it.
 */
#ifndef MAPDEV_SELFTEST_HELPERS_H
#define MAPDEV_SELFTEST_HELPERS_H

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <grp.h>
#include <unistd.h>

#include <linux/mapdev.h>
#include <linux/mman.h>
#include <mapdev.h>

#define MAPDEV_DEV	"/dev/mapdev"

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif
#define MAPDEV_SYSFS	"/sys/class/misc/mapdev/"

/* What a test runs on: mapdev, or the native tmpfs it is compared with. */
enum backend {
	BACKEND_MAPDEV,
	BACKEND_TMPFS,
};

static inline const char *backend_name(enum backend b)
{
	return b == BACKEND_MAPDEV ? "mapdev" : "tmpfs";
}

/* A new, empty object: an open of /dev/mapdev or a tmpfs (memfd) file. */
static inline int backend_open(enum backend b, int flags)
{
	int fd;

	if (b == BACKEND_MAPDEV)
		return open(MAPDEV_DEV, flags | O_CLOEXEC);

	fd = memfd_create("mapdev-selftest", MFD_CLOEXEC);
	if (fd < 0 || (flags & O_ACCMODE) == O_RDWR)
		return fd;
	/* Reopen with the asked-for access mode, as open(2) of a file does. */
	{
		char path[64];
		int ro;

		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		ro = open(path, flags | O_CLOEXEC);
		close(fd);
		return ro;
	}
}

static inline int backend_set_size(enum backend b, int fd, __u64 size)
{
	if (b == BACKEND_MAPDEV)
		return ioctl(fd, MAPDEV_IOC_SET_SIZE, &size);
	return ftruncate(fd, (off_t)size);
}

static inline __s64 backend_get_size(enum backend b, int fd)
{
	struct stat st;
	__u64 size;

	if (b == BACKEND_MAPDEV)
		return ioctl(fd, MAPDEV_IOC_GET_SIZE, &size) ? -1 : (__s64)size;
	return fstat(fd, &st) ? -1 : st.st_size;
}

/* Fill @len bytes at @off with @byte through write(2). */
static inline int fill(int fd, off_t off, int byte, size_t len)
{
	char *buf = malloc(len);
	ssize_t n;

	if (!buf)
		return -1;
	memset(buf, byte, len);
	n = pwrite(fd, buf, len, off);
	free(buf);
	return n == (ssize_t)len ? 0 : -1;
}

/* Do all @len bytes at @p equal @byte? */
static inline bool all_bytes(const void *p, int byte, size_t len)
{
	const unsigned char *c = p;
	size_t i;

	for (i = 0; i < len; i++)
		if (c[i] != (unsigned char)byte)
			return false;
	return true;
}

/* One access that the compiler may neither drop nor merge. */
static inline char read_byte(const char *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

static inline void write_byte(char *p, char val)
{
	__atomic_store_n(p, val, __ATOMIC_RELAXED);
}

static sigjmp_buf probe_env;

static void probe_handler(int sig)
{
	siglongjmp(probe_env, sig);
}

/*
 * Read (or write @val to) the byte at @p.  Return 0 if the access worked,
 * or the signal it raised (SIGSEGV, SIGBUS).  A read stores the byte in
 * *@val.
 */
static inline int probe(char *p, bool write, char *val)
{
	struct sigaction sa = { .sa_handler = probe_handler };
	struct sigaction old_segv, old_bus;
	int sig;

	sigaction(SIGSEGV, &sa, &old_segv);
	sigaction(SIGBUS, &sa, &old_bus);
	sig = sigsetjmp(probe_env, 1);
	if (!sig) {
		if (write)
			write_byte(p, *val);
		else
			*val = read_byte(p);
	}
	sigaction(SIGSEGV, &old_segv, NULL);
	sigaction(SIGBUS, &old_bus, NULL);
	return sig;
}

static inline int probe_read(void *p)
{
	char c;

	return probe(p, false, &c);
}

static inline int probe_write(void *p, char val)
{
	return probe(p, true, &val);
}

/* Is @fd on a noexec mount?  (Then PROT_EXEC fails as natively.) */
static inline bool fd_noexec(int fd)
{
	struct statvfs st;

	return fstatvfs(fd, &st) == 0 && (st.f_flag & ST_NOEXEC);
}

/* An address that faults: a PROT_NONE page of its own. */
static inline void *bad_address(void)
{
	return mmap(NULL, sysconf(_SC_PAGESIZE), PROT_NONE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
}

/* A number from a sysfs or proc file, or -1. */
static inline long long read_sysfs_long(const char *path)
{
	long long v = -1;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	if (fscanf(f, "%lld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

static inline long mapdev_pages(void)
{
	return read_sysfs_long(MAPDEV_SYSFS "pages");
}

/*
 * The two implementations a differential test compares: the same test
 * body runs once natively and once through libmapdev, and asserts the
 * outcome mmap(2) documents.
 */
struct mapper {
	const char *name;
	bool mapdev;
	void *(*mmap)(void *addr, size_t len, int prot, int flags, int fd,
		      off_t off);
	void *(*mmap2)(void *addr, size_t len, int prot, int flags, int fd,
		       unsigned long pgoff);
	int (*munmap)(void *addr, size_t len);
	int (*madvise)(void *addr, size_t len, int advice);
};

/* Native mmap2(2): the system call on 32-bit x86; x86-64 has only mmap. */
static inline void *native_mmap2(void *addr, size_t len, int prot, int flags,
				 int fd, unsigned long pgoff)
{
#ifdef SYS_mmap2
	return (void *)syscall(SYS_mmap2, addr, len, prot, flags, fd, pgoff);
#else
	return mmap(addr, len, prot, flags, fd, (off_t)pgoff * 4096);
#endif
}

static const struct mapper native_mapper = {
	.name = "native", .mapdev = false,
	.mmap = mmap, .mmap2 = native_mmap2, .munmap = munmap,
	.madvise = madvise,
};

static const struct mapper mapdev_mapper = {
	.name = "mapdev", .mapdev = true,
	.mmap = mapdev_mmap, .mmap2 = mapdev_mmap2, .munmap = mapdev_munmap,
	.madvise = mapdev_madvise,
};

/* Can @m run here?  mapdev needs the module loaded. */
static inline bool mapper_ready(const struct mapper *m)
{
	return !m->mapdev || access(MAPDEV_DEV, F_OK) == 0;
}

/* Find the /proc/self/maps line of the mapping that contains @addr. */
static inline bool maps_line(const void *addr, char *line, size_t size)
{
	unsigned long a = (unsigned long)addr, start, end;
	FILE *f = fopen("/proc/self/maps", "r");
	bool found = false;

	if (!f)
		return false;
	while (fgets(line, size, f)) {
		if (sscanf(line, "%lx-%lx", &start, &end) == 2 &&
		    start <= a && a < end) {
			found = true;
			break;
		}
	}
	fclose(f);
	return found;
}

/* The permissions ("rw-p") of the mapping that contains @addr. */
static inline bool maps_perms(const void *addr, char perms[5])
{
	char line[512];

	if (!maps_line(addr, line, sizeof(line)))
		return false;
	return sscanf(line, "%*x-%*x %4s", perms) == 1;
}

/* How many mappings overlap [@addr, @addr + @len)? */
static inline int maps_count(const void *addr, size_t len)
{
	unsigned long a = (unsigned long)addr, start, end;
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];
	int n = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%lx-%lx", &start, &end) == 2 &&
		    start < a + len && a < end)
			n++;
	fclose(f);
	return n;
}

/* mm->map_count: the lines of /proc/self/maps but the gate page's. */
static inline int map_count(void)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];
	int n = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strstr(line, "[vsyscall]"))
			n++;
	fclose(f);
	return n;
}

/* A field of /proc/self/smaps, in kB, for the mapping holding @addr. */
static inline long smaps_kb(const void *addr, const char *field)
{
	unsigned long a = (unsigned long)addr, start, end;
	FILE *f = fopen("/proc/self/smaps", "r");
	size_t flen = strlen(field);
	bool in = false;
	char line[512];
	long kb = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx ", &start, &end) == 2 &&
		    strchr(line, '-') < strchr(line, ' ')) {
			in = start <= a && a < end;
			continue;
		}
		if (in && !strncmp(line, field, flen) && line[flen] == ':') {
			kb = strtol(line + flen + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return kb;
}

/*
 * Does the mapping holding @addr show VmFlags @flag ("wf", "gd") in
 * /proc/self/smaps?  -1 if it is not found.
 */
static inline int smaps_flag(const void *addr, const char *flag)
{
	unsigned long a = (unsigned long)addr, start, end;
	FILE *f = fopen("/proc/self/smaps", "r");
	char line[512], *tok, *save;
	bool in = false;
	int ret = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx ", &start, &end) == 2 &&
		    strchr(line, '-') < strchr(line, ' ')) {
			in = start <= a && a < end;
			continue;
		}
		if (!in || strncmp(line, "VmFlags:", 8))
			continue;
		ret = 0;
		for (tok = strtok_r(line + 8, "\n ", &save); tok;
		     tok = strtok_r(NULL, "\n ", &save))
			if (!strcmp(tok, flag))
				ret = 1;
		break;
	}
	fclose(f);
	return ret;
}

/* A field of /proc/self/status in kB ("VmLck"), or -1. */
static inline long status_kb(const char *field)
{
	FILE *f = fopen("/proc/self/status", "r");
	size_t flen = strlen(field);
	char line[256];
	long kb = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, field, flen) && line[flen] == ':') {
			kb = strtol(line + flen + 1, NULL, 10);
			break;
		}
	fclose(f);
	return kb;
}

/*
 * A free range of @len bytes: reserved by a native PROT_NONE mapping
 * and released again, for tests that map at a chosen address.
 */
static inline char *free_range(size_t len)
{
	char *p = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	munmap(p, len);
	return p;
}

/* Run @fn in a child that has dropped root for nobody; its exit status. */
static inline int as_nobody(int (*fn)(void *), void *arg)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
		    setresuid(65534, 65534, 65534))
			_exit(100);
		_exit(fn(arg));
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* The value of @name in a file of "name value" lines (@path), or -1. */
static inline long long key_value(const char *path, const char *name)
{
	FILE *f = fopen(path, "r");
	long long v = -1, n;
	char key[64];

	if (!f)
		return -1;
	while (fscanf(f, "%63s %lld", key, &n) == 2)
		if (!strcmp(key, name)) {
			v = n;
			break;
		}
	fclose(f);
	return v;
}

/* The sum of /sys/class/misc/mapdev/stats' counter @name, or -1. */
static inline long mapdev_stat(const char *name)
{
	return key_value(MAPDEV_SYSFS "stats", name);
}

#endif /* MAPDEV_SELFTEST_HELPERS_H */
