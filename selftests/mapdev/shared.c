// SPDX-License-Identifier: GPL-2.0
/*
 * MAP_SHARED mappings of an object: coherence with read(2)/write(2) and
 * between mappings and processes, SIGBUS past the end, size changes,
 * protections, partial munmap and mremap.  Each test runs on a mapdev
 * object and on a tmpfs file and asserts the same outcome on both.
 */
#define _GNU_SOURCE
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>

#include "helpers.h"
#include "harness.h"

FIXTURE(shared) {
	int fd;
	size_t page;
};

FIXTURE_VARIANT(shared) {
	enum backend backend;
};

FIXTURE_VARIANT_ADD(shared, mapdev) {
	.backend = BACKEND_MAPDEV,
};

FIXTURE_VARIANT_ADD(shared, tmpfs) {
	.backend = BACKEND_TMPFS,
};

FIXTURE_SETUP(shared)
{
	self->page = sysconf(_SC_PAGESIZE);
	self->fd = backend_open(variant->backend, O_RDWR);
	if (self->fd < 0 && variant->backend == BACKEND_MAPDEV &&
	    errno == ENOENT)
		SKIP(return, "%s is missing: load mapdev.ko", MAPDEV_DEV);
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, backend_set_size(variant->backend, self->fd,
				      4 * self->page));
}

FIXTURE_TEARDOWN(shared)
{
	if (self->fd >= 0)
		close(self->fd);
}

static char *map_shared(int fd, size_t len, int prot, off_t off)
{
	return mmap(NULL, len, prot, MAP_SHARED, fd, off);
}

TEST_F(shared, mapping_sees_write)
{
	char *p;

	ASSERT_EQ(0, fill(self->fd, self->page, 'w', self->page));
	p = map_shared(self->fd, 4 * self->page, PROT_READ, 0);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_TRUE(all_bytes(p, 0, self->page));
	EXPECT_TRUE(all_bytes(p + self->page, 'w', self->page));
	/* A write after the mapping exists shows through it too. */
	ASSERT_EQ(0, fill(self->fd, 2 * self->page + 5, 'v', 3));
	EXPECT_TRUE(all_bytes(p + 2 * self->page + 5, 'v', 3));
	ASSERT_EQ(0, munmap(p, 4 * self->page));
}

TEST_F(shared, read_sees_mapping_store)
{
	char *p = map_shared(self->fd, 4 * self->page, PROT_READ | PROT_WRITE, 0);
	char buf[16];

	ASSERT_NE(MAP_FAILED, p);
	memset(p + 3 * self->page, 's', 16);
	ASSERT_EQ(16, pread(self->fd, buf, 16, 3 * self->page));
	EXPECT_TRUE(all_bytes(buf, 's', 16));
	ASSERT_EQ(0, munmap(p, 4 * self->page));
}

TEST_F(shared, fresh_pages_are_zero)
{
	char *p = map_shared(self->fd, 4 * self->page, PROT_READ | PROT_WRITE, 0);

	ASSERT_NE(MAP_FAILED, p);
	/* Write faults and read faults both get zeroed pages. */
	EXPECT_TRUE(all_bytes(p, 0, self->page));
	p[self->page] = 0;
	EXPECT_TRUE(all_bytes(p + self->page, 0, 3 * self->page));
	ASSERT_EQ(0, munmap(p, 4 * self->page));
}

TEST_F(shared, two_mappings_one_object)
{
	char *a = map_shared(self->fd, 4 * self->page, PROT_READ | PROT_WRITE, 0);
	char *b = map_shared(self->fd, 2 * self->page, PROT_READ, 2 * self->page);

	ASSERT_NE(MAP_FAILED, a);
	ASSERT_NE(MAP_FAILED, b);
	a[2 * self->page + 1] = 'q';
	EXPECT_EQ('q', b[1]);
	ASSERT_EQ(0, munmap(a, 4 * self->page));
	ASSERT_EQ(0, munmap(b, 2 * self->page));
}

TEST_F(shared, shared_across_fork)
{
	char *p = map_shared(self->fd, 4 * self->page, PROT_READ | PROT_WRITE, 0);
	int status;
	pid_t pid;

	ASSERT_NE(MAP_FAILED, p);
	p[0] = 'p';
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		/* The child sees the parent's store and makes its own. */
		if (p[0] != 'p')
			_exit(1);
		p[self->page] = 'c';
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));
	EXPECT_EQ('c', p[self->page]);
	ASSERT_EQ(0, munmap(p, 4 * self->page));
}

static int send_fd(int sock, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { .iov_base = "f", .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);

	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	cmsg->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
	return sendmsg(sock, &msg, 0) == 1 ? 0 : -1;
}

static int recv_fd(int sock)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	char c;
	struct iovec iov = { .iov_base = &c, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cmsg;
	int fd;

	if (recvmsg(sock, &msg, 0) != 1)
		return -1;
	cmsg = CMSG_FIRSTHDR(&msg);
	if (!cmsg || cmsg->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(cmsg), sizeof(int));
	return fd;
}

/* A process that gets the fd over a unix socket maps the same object. */
TEST_F(shared, shared_over_unix_socket)
{
	char *p = map_shared(self->fd, self->page, PROT_READ | PROT_WRITE, 0);
	int sv[2], status;
	pid_t pid;

	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int fd;
		char *q;

		/* Forget everything inherited; use only the received fd. */
		munmap(p, self->page);
		close(self->fd);
		close(sv[0]);
		fd = recv_fd(sv[1]);
		if (fd < 0)
			_exit(1);
		q = mmap(NULL, self->page, PROT_READ | PROT_WRITE, MAP_SHARED,
			 fd, 0);
		if (q == MAP_FAILED || q[7] != 'P')
			_exit(2);
		q[8] = 'C';
		_exit(0);
	}
	close(sv[1]);
	p[7] = 'P';
	ASSERT_EQ(0, send_fd(sv[0], self->fd));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));
	EXPECT_EQ('C', p[8]);
	close(sv[0]);
	ASSERT_EQ(0, munmap(p, self->page));
}

TEST_F_SIGNAL(shared, sigbus_past_end, SIGBUS)
{
	char *p = map_shared(self->fd, 6 * self->page, PROT_READ, 0);

	ASSERT_NE(MAP_FAILED, p);
	/* Page 4 is wholly past the 4-page object. */
	read_byte(p + 4 * self->page);
}

TEST_F_SIGNAL(shared, sigbus_after_shrink, SIGBUS)
{
	char *p = map_shared(self->fd, 4 * self->page, PROT_READ | PROT_WRITE, 0);

	ASSERT_NE(MAP_FAILED, p);
	p[3 * self->page] = 1;
	ASSERT_EQ(0, backend_set_size(variant->backend, self->fd, self->page));
	read_byte(p + 3 * self->page);
}

TEST_F(shared, shrink_zaps_and_grow_reads_zero)
{
	char *p = map_shared(self->fd, 4 * self->page, PROT_READ | PROT_WRITE, 0);

	ASSERT_NE(MAP_FAILED, p);
	memset(p, 'a', 4 * self->page);
	ASSERT_EQ(0, backend_set_size(variant->backend, self->fd,
				      2 * self->page));
	EXPECT_EQ(0, probe_read(p + self->page));
	EXPECT_EQ(SIGBUS, probe_read(p + 2 * self->page));
	EXPECT_EQ(SIGBUS, probe_write(p + 3 * self->page, 'b'));
	ASSERT_EQ(0, backend_set_size(variant->backend, self->fd,
				      4 * self->page));
	EXPECT_TRUE(all_bytes(p, 'a', 2 * self->page));
	EXPECT_TRUE(all_bytes(p + 2 * self->page, 0, 2 * self->page));
	ASSERT_EQ(0, munmap(p, 4 * self->page));
}

/* The end-of-file page past the end reads as zeros. */
TEST_F(shared, last_page_tail_is_zero)
{
	char *p;
	char c;

	ASSERT_EQ(0, backend_set_size(variant->backend, self->fd, 0));
	ASSERT_EQ(0, fill(self->fd, 0, 'e', 100));
	p = map_shared(self->fd, self->page, PROT_READ | PROT_WRITE, 0);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_TRUE(all_bytes(p, 'e', 100));
	EXPECT_TRUE(all_bytes(p + 100, 0, self->page - 100));
	/* A store past the end is not part of the object. */
	p[200] = 'x';
	ASSERT_EQ(100, backend_get_size(variant->backend, self->fd));
	ASSERT_EQ(0, pread(self->fd, &c, 1, 200));
	ASSERT_EQ(0, munmap(p, self->page));
}

/*
 * What a mapping stored past the end does not appear when the object
 * grows: growing reads as zeros, as ftruncate(2) promises.  tmpfs keeps
 * such a store (the log line shows it), so only mapdev is held to this.
 */
TEST_F(shared, grow_after_store_past_end)
{
	char *p;
	char c = 1;

	ASSERT_EQ(0, backend_set_size(variant->backend, self->fd, 100));
	p = map_shared(self->fd, self->page, PROT_READ | PROT_WRITE, 0);
	ASSERT_NE(MAP_FAILED, p);
	p[200] = 'x';
	ASSERT_EQ(0, backend_set_size(variant->backend, self->fd, 300));
	ASSERT_EQ(1, pread(self->fd, &c, 1, 200));
	TH_LOG("%s: byte stored past the end reads %#x after growing",
	       backend_name(variant->backend), c);
	if (variant->backend == BACKEND_MAPDEV) {
		EXPECT_EQ(0, c);
		EXPECT_EQ(0, p[200]);
	}
	ASSERT_EQ(0, munmap(p, self->page));
}

TEST_F_SIGNAL(shared, sigsegv_write_to_read_only, SIGSEGV)
{
	char *p = map_shared(self->fd, self->page, PROT_READ, 0);

	ASSERT_NE(MAP_FAILED, p);
	write_byte(p, 1);
}

TEST_F(shared, protections)
{
	char *p = map_shared(self->fd, 2 * self->page, PROT_NONE, 0);

	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(SIGSEGV, probe_read(p));
	ASSERT_EQ(0, mprotect(p, 2 * self->page, PROT_READ));
	EXPECT_EQ(0, probe_read(p));
	EXPECT_EQ(SIGSEGV, probe_write(p, 1));
	ASSERT_EQ(0, mprotect(p, self->page, PROT_READ | PROT_WRITE));
	EXPECT_EQ(0, probe_write(p, 1));
	EXPECT_EQ(SIGSEGV, probe_write(p + self->page, 1));
	ASSERT_EQ(0, munmap(p, 2 * self->page));
}

TEST_F(shared, read_only_fd)
{
	int ro = backend_open(variant->backend, O_RDONLY);
	char *p;

	ASSERT_LE(0, ro);
	p = mmap(NULL, self->page, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0);
	ASSERT_EQ(MAP_FAILED, p);
	ASSERT_EQ(EACCES, errno);
	p = mmap(NULL, self->page, PROT_READ, MAP_SHARED, ro, 0);
	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(-1, mprotect(p, self->page, PROT_READ | PROT_WRITE));
	ASSERT_EQ(EACCES, errno);
	ASSERT_EQ(0, munmap(p, self->page));
	/* A private writable mapping of a read-only fd is allowed. */
	p = mmap(NULL, self->page, PROT_READ | PROT_WRITE, MAP_PRIVATE, ro, 0);
	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, munmap(p, self->page));
	close(ro);
}

TEST_F(shared, write_only_fd)
{
	int wo = backend_open(variant->backend, O_WRONLY);
	char *p;

	ASSERT_LE(0, wo);
	p = mmap(NULL, self->page, PROT_WRITE, MAP_SHARED, wo, 0);
	ASSERT_EQ(MAP_FAILED, p);
	ASSERT_EQ(EACCES, errno);
	close(wo);
}

TEST_F(shared, partial_munmap)
{
	char *p = map_shared(self->fd, 3 * self->page, PROT_READ | PROT_WRITE, 0);

	ASSERT_NE(MAP_FAILED, p);
	memset(p, 'm', 3 * self->page);
	ASSERT_EQ(0, munmap(p + self->page, self->page));
	EXPECT_EQ(0, probe_read(p));
	EXPECT_EQ(SIGSEGV, probe_read(p + self->page));
	EXPECT_EQ(0, probe_read(p + 2 * self->page));
	EXPECT_EQ('m', p[2 * self->page]);
	ASSERT_EQ(0, munmap(p, 3 * self->page));
}

TEST_F(shared, mremap_grow_and_move)
{
	char *p = map_shared(self->fd, self->page, PROT_READ | PROT_WRITE, 0);
	char *q;

	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, fill(self->fd, 2 * self->page, 'r', self->page));
	q = mremap(p, self->page, 6 * self->page, MREMAP_MAYMOVE);
	ASSERT_NE(MAP_FAILED, q);
	EXPECT_TRUE(all_bytes(q + 2 * self->page, 'r', self->page));
	/* The grown part past the end of the object raises SIGBUS. */
	EXPECT_EQ(SIGBUS, probe_read(q + 5 * self->page));
	q[0] = 'n';
	ASSERT_EQ(0, munmap(q, 6 * self->page));
	p = map_shared(self->fd, self->page, PROT_READ, 0);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ('n', p[0]);
	ASSERT_EQ(0, munmap(p, self->page));
}

/* PROT_EXEC follows the mount of the file mapped, as natively. */
TEST_F(shared, prot_exec_follows_mount)
{
	char *p = map_shared(self->fd, self->page, PROT_READ | PROT_EXEC, 0);

	if (fd_noexec(self->fd)) {
		ASSERT_EQ(MAP_FAILED, p);
		ASSERT_EQ(EPERM, errno);
	} else {
		ASSERT_NE(MAP_FAILED, p);
		ASSERT_EQ(0, munmap(p, self->page));
	}
}

/*
 * A node for the device on a mount that allows exec maps PROT_EXEC, as a
 * tmpfs file does; the same device on a noexec mount refuses it.
 */
TEST(prot_exec_on_exec_mount)
{
	char dir[] = "/tmp/mapdev-exec-XXXXXX";
	char node[64];
	struct stat st;
	size_t page = sysconf(_SC_PAGESIZE);
	int fd;
	char *p;

	if (stat(MAPDEV_DEV, &st))
		SKIP(return, "%s is missing", MAPDEV_DEV);
	if (geteuid())
		SKIP(return, "mounting needs root");
	ASSERT_NE(NULL, mkdtemp(dir));
	ASSERT_EQ(0, mount("none", dir, "tmpfs", 0, NULL));
	snprintf(node, sizeof(node), "%s/mapdev", dir);
	ASSERT_EQ(0, mknod(node, S_IFCHR | 0666, st.st_rdev));
	fd = open(node, O_RDWR);
	ASSERT_LE(0, fd);
	ASSERT_FALSE(fd_noexec(fd));
	ASSERT_EQ(0, backend_set_size(BACKEND_MAPDEV, fd, page));
	p = mmap(NULL, page, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, munmap(p, page));
	p = mmap(NULL, page, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, munmap(p, page));
	close(fd);

	ASSERT_EQ(0, mount(NULL, dir, NULL, MS_REMOUNT | MS_NOEXEC, NULL));
	fd = open(node, O_RDWR);
	ASSERT_LE(0, fd);
	p = mmap(NULL, page, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
	ASSERT_EQ(MAP_FAILED, p);
	ASSERT_EQ(EPERM, errno);
	close(fd);
	ASSERT_EQ(0, umount(dir));
	ASSERT_EQ(0, rmdir(dir));
}

TEST_F(shared, populate_and_lock)
{
	char *p = mmap(NULL, 4 * self->page, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_POPULATE | MAP_LOCKED, self->fd, 0);
	unsigned char vec[4];

	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, mincore(p, 4 * self->page, vec));
	EXPECT_EQ(1, vec[0] & 1);
	EXPECT_EQ(1, vec[3] & 1);
	ASSERT_EQ(0, munmap(p, 4 * self->page));
}

TEST_HARNESS_MAIN
