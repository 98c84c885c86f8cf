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
#include <sys/statvfs.h>
#include <unistd.h>

#include <linux/mapdev.h>

#define MAPDEV_DEV	"/dev/mapdev"
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

/* A number from a sysfs file of the device or module, or -1. */
static inline long read_sysfs_long(const char *path)
{
	long v = -1;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	if (fscanf(f, "%ld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

static inline long mapdev_pages(void)
{
	return read_sysfs_long(MAPDEV_SYSFS "pages");
}

#endif /* MAPDEV_SELFTEST_HELPERS_H */
