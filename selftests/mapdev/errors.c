// SPDX-License-Identifier: GPL-2.0
/*
 * Every cause in the ERRORS sections of mmap(2), mmap2(2) and munmap(2),
 * made once natively and once through libmapdev, each asserting the errno
 * the man page gives (or, where the man page describes what Linux no
 * longer does, what Linux does: said at the test).
 */
#define _GNU_SOURCE
#include <linux/fs.h>
#include <sys/mount.h>
#include <sys/resource.h>

#include "helpers.h"
#include "harness.h"

#define RW	(PROT_READ | PROT_WRITE)
#define PRIV	(MAP_PRIVATE | MAP_ANONYMOUS)

FIXTURE(errors) {
	size_t page;
	char path[64];
	int fd;			/* a one-page tmpfs file, O_RDWR */
};

FIXTURE_VARIANT(errors) {
	const struct mapper *m;
};

FIXTURE_VARIANT_ADD(errors, native) {
	.m = &native_mapper,
};

FIXTURE_VARIANT_ADD(errors, mapdev) {
	.m = &mapdev_mapper,
};

FIXTURE_SETUP(errors)
{
	self->page = sysconf(_SC_PAGESIZE);
	if (!mapper_ready(variant->m))
		SKIP(return, "%s is missing: load mapdev.ko", MAPDEV_DEV);
	snprintf(self->path, sizeof(self->path), "/dev/shm/mapdev-errors-%d",
		 getpid());
	self->fd = open(self->path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, ftruncate(self->fd, self->page));
}

FIXTURE_TEARDOWN(errors)
{
	if (self->fd >= 0) {
		close(self->fd);
		unlink(self->path);
	}
}

/* Map @fd as asked and expect failure with @err. */
#define EXPECT_MMAP_ERRNO(err, len, prot, flags, fd, off) do {		\
	size_t _len = (len);						\
	void *_p = variant->m->mmap(NULL, _len, prot, flags, fd, off);	\
	int _e = errno;							\
	EXPECT_EQ(MAP_FAILED, _p);					\
	if (_p != MAP_FAILED)						\
		munmap(_p, _len);					\
	else								\
		EXPECT_EQ(err, _e);					\
} while (0)

/* EACCES: a file mapping of a file not open for reading. */
TEST_F(errors, eacces_write_only_file)
{
	int fd = open(self->path, O_WRONLY);

	ASSERT_LE(0, fd);
	EXPECT_MMAP_ERRNO(EACCES, self->page, PROT_READ, MAP_PRIVATE, fd, 0);
	EXPECT_MMAP_ERRNO(EACCES, self->page, PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
}

/* EACCES: a non-regular file (the write end of a pipe) not open for reading. */
TEST_F(errors, eacces_non_regular_file)
{
	int p[2];

	ASSERT_EQ(0, pipe(p));
	EXPECT_MMAP_ERRNO(EACCES, self->page, PROT_READ, MAP_SHARED, p[1], 0);
	close(p[0]);
	close(p[1]);
}

/* EACCES: MAP_SHARED and PROT_WRITE on a file not open read/write. */
TEST_F(errors, eacces_shared_write_read_only_fd)
{
	int fd = open(self->path, O_RDONLY);

	ASSERT_LE(0, fd);
	EXPECT_MMAP_ERRNO(EACCES, self->page, RW, MAP_SHARED, fd, 0);
	close(fd);
}

/* EACCES: a shared mapping of an append-only file open for writing. */
TEST_F(errors, eacces_append_only)
{
	int attr = FS_APPEND_FL, none = 0;
	int fd;

	if (ioctl(self->fd, FS_IOC_SETFLAGS, &attr))
		SKIP(return, "cannot make a tmpfs file append-only: %s",
		     strerror(errno));
	fd = open(self->path, O_RDWR | O_APPEND);
	ASSERT_LE(0, fd);
	EXPECT_MMAP_ERRNO(EACCES, self->page, PROT_READ, MAP_SHARED, fd, 0);
	EXPECT_MMAP_ERRNO(EACCES, self->page, RW, MAP_SHARED, fd, 0);
	close(fd);
	ASSERT_EQ(0, ioctl(self->fd, FS_IOC_SETFLAGS, &none));
}

static int memlock_one_page(void *arg)
{
	const struct mapper *m = arg;
	size_t page = sysconf(_SC_PAGESIZE);
	struct rlimit rl = { page, page };
	void *p;

	if (setrlimit(RLIMIT_MEMLOCK, &rl))
		return 101;
	p = m->mmap(NULL, 4 * page, RW, PRIV | MAP_LOCKED, -1, 0);
	if (p != MAP_FAILED)
		return 102;
	return errno == EAGAIN ? 0 : 103;
}

/* EAGAIN: MAP_LOCKED past RLIMIT_MEMLOCK, unprivileged. */
TEST_F(errors, eagain_memlock_limit)
{
	if (geteuid())
		SKIP(return, "needs root to drop privileges");
	EXPECT_EQ(0, as_nobody(memlock_one_page, (void *)variant->m));
}

/*
 * MAP_SHARED_VALIDATE: flags the file does not support fail with
 * EOPNOTSUPP (MAP_SYNC without DAX, bits no flag uses); MAP_SHARED
 * ignores them.
 */
TEST_F(errors, eopnotsupp_shared_validate)
{
	void *p;

	EXPECT_MMAP_ERRNO(EOPNOTSUPP, self->page, PROT_READ,
			  MAP_SHARED_VALIDATE | MAP_SYNC, self->fd, 0);
	EXPECT_MMAP_ERRNO(EOPNOTSUPP, self->page, PROT_READ,
			  MAP_SHARED_VALIDATE | 0x01000000, self->fd, 0);
	p = variant->m->mmap(NULL, self->page, PROT_READ,
			     MAP_SHARED | MAP_SYNC | 0x01000000, self->fd, 0);
	EXPECT_NE(MAP_FAILED, p);
	munmap(p, self->page);
	p = variant->m->mmap(NULL, self->page, PROT_READ, MAP_SHARED_VALIDATE,
			     self->fd, 0);
	EXPECT_NE(MAP_FAILED, p);
	munmap(p, self->page);
}

/* EBADF: fd is not a valid file descriptor (and no MAP_ANONYMOUS). */
TEST_F(errors, ebadf)
{
	int opath = open(self->path, O_PATH);

	EXPECT_MMAP_ERRNO(EBADF, self->page, PROT_READ, MAP_PRIVATE, -1, 0);
	EXPECT_MMAP_ERRNO(EBADF, self->page, PROT_READ, MAP_SHARED, 999, 0);
	ASSERT_LE(0, opath);
	EXPECT_MMAP_ERRNO(EBADF, self->page, PROT_READ, MAP_SHARED, opath, 0);
	close(opath);
}

/* EEXIST: MAP_FIXED_NOREPLACE over an existing mapping. */
TEST_F(errors, eexist_fixed_noreplace)
{
	char *p = mmap(NULL, 2 * self->page, PROT_READ, PRIV, -1, 0);
	void *q;

	ASSERT_NE(MAP_FAILED, p);
	q = variant->m->mmap(p + self->page, 2 * self->page, RW,
			     PRIV | MAP_FIXED_NOREPLACE, -1, 0);
	EXPECT_EQ(MAP_FAILED, q);
	EXPECT_EQ(EEXIST, errno);
	q = variant->m->mmap(p, self->page, PROT_READ, MAP_SHARED |
			     MAP_FIXED_NOREPLACE, self->fd, 0);
	EXPECT_EQ(MAP_FAILED, q);
	EXPECT_EQ(EEXIST, errno);
	munmap(p, 2 * self->page);
}

/* EINVAL: addr not page-aligned with MAP_FIXED. */
TEST_F(errors, einval_fixed_unaligned_addr)
{
	char *base = free_range(2 * self->page);
	void *q;

	ASSERT_NE(NULL, base);
	q = variant->m->mmap(base + 1, self->page, RW, PRIV | MAP_FIXED, -1, 0);
	EXPECT_EQ(MAP_FAILED, q);
	EXPECT_EQ(EINVAL, errno);
	q = variant->m->mmap(base + 1, self->page, PROT_READ,
			     MAP_SHARED | MAP_FIXED, self->fd, 0);
	EXPECT_EQ(MAP_FAILED, q);
	EXPECT_EQ(EINVAL, errno);
}

/* EINVAL: length is 0. */
TEST_F(errors, einval_length_zero)
{
	EXPECT_MMAP_ERRNO(EINVAL, 0, RW, PRIV, -1, 0);
	EXPECT_MMAP_ERRNO(EINVAL, 0, PROT_READ, MAP_SHARED, self->fd, 0);
}

/* EINVAL: offset not a multiple of the page size. */
TEST_F(errors, einval_offset_unaligned)
{
	EXPECT_MMAP_ERRNO(EINVAL, self->page, PROT_READ, MAP_SHARED, self->fd,
			  1);
	EXPECT_MMAP_ERRNO(EINVAL, self->page, PROT_READ, MAP_SHARED, self->fd,
			  self->page / 2);
	/* Checked even for anonymous memory, which ignores the offset. */
	EXPECT_MMAP_ERRNO(EINVAL, self->page, RW, PRIV, -1, 100);
}

/* EINVAL: flags contained none of MAP_PRIVATE, MAP_SHARED, MAP_SHARED_VALIDATE. */
TEST_F(errors, einval_no_mapping_type)
{
	EXPECT_MMAP_ERRNO(EINVAL, self->page, RW, MAP_ANONYMOUS, -1, 0);
	EXPECT_MMAP_ERRNO(EINVAL, self->page, PROT_READ, 0, self->fd, 0);
	/* A type that does not exist. */
	EXPECT_MMAP_ERRNO(EINVAL, self->page, RW, MAP_PRIVATE | 0x04 |
			  MAP_ANONYMOUS, -1, 0);
}

/* EINVAL: MAP_HUGETLB with a file that is not on hugetlbfs. */
TEST_F(errors, einval_hugetlb_regular_file)
{
	EXPECT_MMAP_ERRNO(EINVAL, self->page, PROT_READ,
			  MAP_SHARED | MAP_HUGETLB, self->fd, 0);
}

/*
 * EINVAL (mmap2): offset * 4096 not a multiple of the page size; with
 * 4096-byte pages every pgoffset qualifies: pgoffset 1 maps the second page.
 */
TEST_F(errors, mmap2_offset_in_pages)
{
	char *p;

	ASSERT_EQ(0, ftruncate(self->fd, 2 * self->page));
	ASSERT_EQ(1, pwrite(self->fd, "2", 1, self->page));
	p = variant->m->mmap2(NULL, self->page, PROT_READ, MAP_SHARED,
			      self->fd, self->page / 4096);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ('2', p[0]);
	munmap(p, self->page);
}

static int enfile(void *arg)
{
	const struct mapper *m = arg;
	size_t page = sysconf(_SC_PAGESIZE);
	void *p = m->mmap(NULL, page, RW, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (p != MAP_FAILED)
		return 102;
	return errno == ENFILE ? 0 : 103;
}

static int write_proc(const char *path, const char *value)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, value, strlen(value));
	close(fd);
	return n == (ssize_t)strlen(value) ? 0 : -1;
}

/*
 * ENFILE: the system-wide limit on open files: a shared anonymous mapping
 * needs a file (shmem's natively, an object's through mapdev).
 */
TEST_F(errors, enfile_shared_anonymous)
{
	char old[64] = "";
	int fd, rc;

	if (geteuid())
		SKIP(return, "needs root to lower fs.file-max");
	fd = open("/proc/sys/fs/file-max", O_RDONLY);
	ASSERT_LE(0, fd);
	ASSERT_LT(0, read(fd, old, sizeof(old) - 1));
	close(fd);
	/* Open the device before the limit: the library opens it lazily. */
	mapdev_munmap(NULL, 0);
	ASSERT_EQ(0, write_proc("/proc/sys/fs/file-max", "1"));
	rc = as_nobody(enfile, (void *)variant->m);
	ASSERT_EQ(0, write_proc("/proc/sys/fs/file-max", old));
	EXPECT_EQ(0, rc);
}

/* ENODEV: the file's filesystem does not support mapping (pipe, directory). */
TEST_F(errors, enodev)
{
	int dir = open("/dev/shm", O_RDONLY | O_DIRECTORY);
	int p[2];

	ASSERT_EQ(0, pipe(p));
	EXPECT_MMAP_ERRNO(ENODEV, self->page, PROT_READ, MAP_SHARED, p[0], 0);
	EXPECT_MMAP_ERRNO(ENODEV, self->page, PROT_READ, MAP_PRIVATE, p[0], 0);
	ASSERT_LE(0, dir);
	EXPECT_MMAP_ERRNO(ENODEV, self->page, PROT_READ, MAP_PRIVATE, dir, 0);
	close(p[0]);
	close(p[1]);
	close(dir);
}

/* ENOMEM: no room for the length asked. */
TEST_F(errors, enomem_length)
{
	size_t huge = ~(size_t)0 - self->page + 1;

	EXPECT_MMAP_ERRNO(ENOMEM, huge, RW, PRIV, -1, 0);
	EXPECT_MMAP_ERRNO(ENOMEM, huge, PROT_READ, MAP_SHARED, self->fd, 0);
	/* Half the 64-bit space is still more than a process has. */
	if (sizeof(long) == 8)
		EXPECT_MMAP_ERRNO(ENOMEM, huge / 2, RW, PRIV | MAP_NORESERVE,
				  -1, 0);
}

/* ENOMEM: addr exceeds the virtual address space of the process. */
TEST_F(errors, enomem_fixed_beyond_address_space)
{
	void *top = (void *)(~(uintptr_t)0 - 2 * self->page + 1);
	void *q = variant->m->mmap(top, self->page, RW, PRIV | MAP_FIXED, -1, 0);

	EXPECT_EQ(MAP_FAILED, q);
	EXPECT_EQ(ENOMEM, errno);
}

/* ENOMEM: the process's maximum number of mappings would be exceeded. */
TEST_F(errors, enomem_max_map_count)
{
	char old[32] = "", max[32];
	int fd, count, mapped = 0, err = 0;
	char *p[8];

	if (geteuid())
		SKIP(return, "needs root to lower vm.max_map_count");
	fd = open("/proc/sys/vm/max_map_count", O_RDONLY);
	ASSERT_LE(0, fd);
	ASSERT_LT(0, read(fd, old, sizeof(old) - 1));
	close(fd);
	count = map_count();
	snprintf(max, sizeof(max), "%d", count + 2);
	ASSERT_EQ(0, write_proc("/proc/sys/vm/max_map_count", max));
	/* Alternate protections so that no two mappings merge. */
	while (mapped < 8) {
		p[mapped] = variant->m->mmap(NULL, self->page,
					     mapped % 2 ? PROT_READ : RW,
					     PRIV, -1, 0);
		if (p[mapped] == MAP_FAILED) {
			err = errno;
			break;
		}
		mapped++;
	}
	ASSERT_EQ(0, write_proc("/proc/sys/vm/max_map_count", old));
	/* do_mmap() refuses once the count is above the limit. */
	EXPECT_EQ(3, mapped);
	EXPECT_EQ(ENOMEM, err);
	while (mapped--)
		munmap(p[mapped], self->page);
}

/* ENOMEM: RLIMIT_DATA would be exceeded. */
TEST_F(errors, enomem_rlimit_data)
{
	struct rlimit rl = { 64 << 20, RLIM_INFINITY };
	void *s;

	ASSERT_EQ(0, setrlimit(RLIMIT_DATA, &rl));
	EXPECT_MMAP_ERRNO(ENOMEM, 128 << 20, RW, PRIV, -1, 0);
	/* Shared memory is not data. */
	s = variant->m->mmap(NULL, 128 << 20, RW, MAP_SHARED | MAP_ANONYMOUS,
			     -1, 0);
	EXPECT_NE(MAP_FAILED, s);
	munmap(s, 128 << 20);
}

/* ENOMEM (munmap): unmapping a middle part would exceed the mapping limit. */
TEST_F(errors, munmap_enomem_split)
{
	char old[32] = "", max[32];
	char *p = mmap(NULL, 3 * self->page, RW, PRIV, -1, 0);
	int fd, rc, err;

	if (geteuid())
		SKIP(return, "needs root to lower vm.max_map_count");
	ASSERT_NE(MAP_FAILED, p);
	fd = open("/proc/sys/vm/max_map_count", O_RDONLY);
	ASSERT_LE(0, fd);
	ASSERT_LT(0, read(fd, old, sizeof(old) - 1));
	close(fd);
	snprintf(max, sizeof(max), "%d", map_count());
	ASSERT_EQ(0, write_proc("/proc/sys/vm/max_map_count", max));
	rc = variant->m->munmap(p + self->page, self->page);
	err = errno;
	ASSERT_EQ(0, write_proc("/proc/sys/vm/max_map_count", old));
	EXPECT_EQ(-1, rc);
	EXPECT_EQ(ENOMEM, err);
	munmap(p, 3 * self->page);
}

/*
 * EOVERFLOW: the offset plus the length is past what the file can hold
 * (file_mmap_ok()): a byte offset just below 2^63 on 64-bit.  On 32-bit,
 * glibc refuses offsets from 2^44 with EINVAL before the kernel sees them,
 * and libmapdev does the same.
 */
TEST_F(errors, eoverflow_offset)
{
	off_t off = (off_t)(((uint64_t)1 << 63) - self->page);

	if (sizeof(long) == 4) {
		EXPECT_MMAP_ERRNO(EINVAL, 2 * self->page, PROT_READ, MAP_SHARED,
				  self->fd, off);
	} else {
		EXPECT_MMAP_ERRNO(EOVERFLOW, 2 * self->page, PROT_READ,
				  MAP_SHARED, self->fd, off);
	}
}

/*
 * EOVERFLOW (mmap2, 32-bit): pgoffset plus the length in pages does not
 * fit 32 bits.  An x86-64 kernel computes this in 64 bits for 32-bit
 * tasks and maps past the end of the file instead; mapdev applies the
 * 32-bit rule of the man page to its 32-bit callers (documented).
 */
TEST_F(errors, eoverflow_mmap2_32bit)
{
	char *p;

	if (sizeof(long) != 4)
		SKIP(return, "a 32-bit case");
	p = variant->m->mmap2(NULL, 2 * self->page, PROT_READ, MAP_SHARED,
			      self->fd, 0xffffffffUL);
	if (variant->m->mapdev) {
		EXPECT_EQ(MAP_FAILED, p);
		EXPECT_EQ(EOVERFLOW, errno);
	} else {
		ASSERT_NE(MAP_FAILED, p);
		EXPECT_EQ(SIGBUS, probe_read(p));
		munmap(p, 2 * self->page);
	}
}

/* EPERM: PROT_EXEC on a noexec mount. */
TEST_F(errors, eperm_noexec_mount)
{
	char dir[] = "/tmp/mapdev-noexec-XXXXXX";
	char file[64];
	int fd;

	if (geteuid())
		SKIP(return, "needs root to mount");
	ASSERT_NE(NULL, mkdtemp(dir));
	ASSERT_EQ(0, mount("none", dir, "tmpfs", MS_NOEXEC, NULL));
	snprintf(file, sizeof(file), "%s/f", dir);
	fd = open(file, O_RDWR | O_CREAT, 0755);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ftruncate(fd, self->page));
	EXPECT_MMAP_ERRNO(EPERM, self->page, PROT_READ | PROT_EXEC,
			  MAP_PRIVATE, fd, 0);
	EXPECT_MMAP_ERRNO(EPERM, self->page, PROT_READ | PROT_EXEC,
			  MAP_SHARED, fd, 0);
	close(fd);
	ASSERT_EQ(0, umount(dir));
	rmdir(dir);
}

/* EPERM: the operation was prevented by a file seal. */
TEST_F(errors, eperm_seals)
{
	int w = memfd_create("sealed", MFD_ALLOW_SEALING);
	int fw = memfd_create("future", MFD_ALLOW_SEALING);
	char *p;

	ASSERT_LE(0, w);
	ASSERT_LE(0, fw);
	ASSERT_EQ(0, ftruncate(w, self->page));
	ASSERT_EQ(0, ftruncate(fw, self->page));
	ASSERT_EQ(0, fcntl(w, F_ADD_SEALS, F_SEAL_WRITE));
	ASSERT_EQ(0, fcntl(fw, F_ADD_SEALS, F_SEAL_FUTURE_WRITE));
	EXPECT_MMAP_ERRNO(EPERM, self->page, RW, MAP_SHARED, w, 0);
	EXPECT_MMAP_ERRNO(EPERM, self->page, RW, MAP_SHARED, fw, 0);
	/* Reading, and private copies, are still allowed. */
	p = variant->m->mmap(NULL, self->page, RW, MAP_PRIVATE, w, 0);
	EXPECT_NE(MAP_FAILED, p);
	munmap(p, self->page);
	p = variant->m->mmap(NULL, self->page, PROT_READ, MAP_SHARED, fw, 0);
	EXPECT_NE(MAP_FAILED, p);
	/* ...and a read-only shared mapping cannot become writable. */
	if (p != MAP_FAILED) {
		EXPECT_EQ(-1, mprotect(p, self->page, RW));
		munmap(p, self->page);
	}
	close(w);
	close(fw);
}

static int memlock_zero(void *arg)
{
	const struct mapper *m = arg;
	size_t page = sysconf(_SC_PAGESIZE);
	struct rlimit rl = { 0, 0 };
	void *p;

	if (setrlimit(RLIMIT_MEMLOCK, &rl))
		return 101;
	p = m->mmap(NULL, page, RW, PRIV | MAP_LOCKED, -1, 0);
	if (p != MAP_FAILED)
		return 102;
	return errno == EPERM ? 0 : 103;
}

/* EPERM: MAP_LOCKED without any right to lock memory. */
TEST_F(errors, eperm_memlock_zero)
{
	if (geteuid())
		SKIP(return, "needs root to drop privileges");
	EXPECT_EQ(0, as_nobody(memlock_zero, (void *)variant->m));
}

static int hugetlb_unprivileged(void *arg)
{
	const struct mapper *m = arg;
	void *p = m->mmap(NULL, 2 << 20, RW, PRIV | MAP_HUGETLB, -1, 0);

	if (p != MAP_FAILED)
		return 102;
	return errno == ENOMEM ? 0 : 103;
}

/*
 * EPERM for MAP_HUGETLB without CAP_IPC_LOCK: Linux checks that only for
 * SysV shared memory now; an unprivileged anonymous MAP_HUGETLB with no
 * huge page pool fails with ENOMEM, natively and through mapdev.
 */
TEST_F(errors, hugetlb_unprivileged_is_enomem)
{
	if (geteuid())
		SKIP(return, "needs root to drop privileges");
	EXPECT_EQ(0, as_nobody(hugetlb_unprivileged, (void *)variant->m));
}

/*
 * ETXTBSY: MAP_DENYWRITE is ignored since Linux 5.15, so the man page's
 * cause no longer fails; a shared writable mapping of an active swap file
 * is what fails with ETXTBSY now.
 */
TEST_F(errors, etxtbsy)
{
	const char *dir = getenv("MAPDEV_TEST_EXT4");
	char swap[128], cmd[640];
	int fd;
	void *p;

	p = variant->m->mmap(NULL, self->page, PROT_READ,
			     MAP_PRIVATE | MAP_DENYWRITE, self->fd, 0);
	EXPECT_NE(MAP_FAILED, p);
	munmap(p, self->page);

	if (!dir || geteuid())
		SKIP(return, "no ext4 test directory (MAPDEV_TEST_EXT4), or not root");
	snprintf(swap, sizeof(swap), "%s/swap-%d", dir, getpid());
	snprintf(cmd, sizeof(cmd),
		 "dd if=/dev/zero of=%s bs=1M count=1 2>/dev/null && chmod 600 %s && mkswap %s >/dev/null && swapon %s",
		 swap, swap, swap, swap);
	if (system(cmd))
		SKIP(return, "cannot make a swap file");
	fd = open(swap, O_RDWR);
	EXPECT_LE(0, fd);
	if (fd >= 0) {
		EXPECT_MMAP_ERRNO(ETXTBSY, self->page, RW, MAP_SHARED, fd, 0);
		close(fd);
	}
	snprintf(cmd, sizeof(cmd), "swapoff %s", swap);
	EXPECT_EQ(0, system(cmd));
	unlink(swap);
}

/* munmap EINVAL: addr not page-aligned, length 0, range outside the space. */
TEST_F(errors, munmap_einval)
{
	char *p = mmap(NULL, self->page, RW, PRIV, -1, 0);
	void *top = (void *)(~(uintptr_t)0 - self->page + 1);

	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(-1, variant->m->munmap(p + 1, self->page));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, variant->m->munmap(p, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, variant->m->munmap(top, self->page));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, variant->m->munmap(p, ~(size_t)0 - self->page));
	EXPECT_EQ(EINVAL, errno);
	/* Still mapped after all these. */
	EXPECT_EQ(0, probe_write(p, 1));
	EXPECT_EQ(0, variant->m->munmap(p, self->page));
	/* A range with nothing mapped is not an error. */
	EXPECT_EQ(0, variant->m->munmap(p, self->page));
}

/* SIGSEGV: a write to a read-only mapping. */
TEST_F_SIGNAL(errors, sigsegv_write_read_only, SIGSEGV)
{
	char *p = variant->m->mmap(NULL, self->page, PROT_READ, PRIV, -1, 0);

	ASSERT_NE(MAP_FAILED, p);
	write_byte(p, 1);
}

/* SIGBUS: an access to a page of the mapping past the end of the file. */
TEST_F_SIGNAL(errors, sigbus_past_end_of_file, SIGBUS)
{
	char *p = variant->m->mmap(NULL, 3 * self->page, PROT_READ, MAP_SHARED,
				   self->fd, 0);

	ASSERT_NE(MAP_FAILED, p);
	read_byte(p + 2 * self->page);
}

TEST_HARNESS_MAIN
