// SPDX-License-Identifier: GPL-2.0
/*
 * libmapdev's own contract: the device is opened lazily, once, O_CLOEXEC,
 * even when threads race; when it cannot be opened, every call fails with
 * that open's errno; failures are MAP_FAILED/-1 with errno.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <pthread.h>
#include <sched.h>
#include <sys/mount.h>

#include "helpers.h"
#include "harness.h"

/* The fds of this process open on /dev/mapdev; the last one in *@fd. */
static int count_dev_fds(int *fd)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	char path[300], target[64];
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		ssize_t len;

		snprintf(path, sizeof(path), "/proc/self/fd/%s", e->d_name);
		len = readlink(path, target, sizeof(target) - 1);
		if (len < 0)
			continue;
		target[len] = 0;
		if (!strcmp(target, MAPDEV_DEV)) {
			*fd = atoi(e->d_name);
			n++;
		}
	}
	closedir(d);
	return n;
}

static void *map_one(void *arg)
{
	size_t page = sysconf(_SC_PAGESIZE);
	void *p = mapdev_mmap(NULL, page, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	(void)arg;
	if (p != MAP_FAILED)
		mapdev_munmap(p, page);
	return p == MAP_FAILED ? NULL : (void *)1;
}

/* Eight threads make their first call at once: one fd, close-on-exec. */
TEST(opens_once_cloexec_under_threads)
{
	pthread_t t[8];
	void *ok;
	int fd = -1;
	int i;

	if (access(MAPDEV_DEV, F_OK))
		SKIP(return, "%s is missing", MAPDEV_DEV);
	/* The harness runs each test in a new process: nothing is open yet. */
	ASSERT_EQ(0, count_dev_fds(&fd));
	for (i = 0; i < 8; i++)
		ASSERT_EQ(0, pthread_create(&t[i], NULL, map_one, NULL));
	for (i = 0; i < 8; i++) {
		ASSERT_EQ(0, pthread_join(t[i], &ok));
		EXPECT_NE(NULL, ok);
	}
	ASSERT_EQ(1, count_dev_fds(&fd));
	EXPECT_EQ(FD_CLOEXEC, fcntl(fd, F_GETFD) & FD_CLOEXEC);
	/* Later calls reuse it. */
	map_one(NULL);
	ASSERT_EQ(1, count_dev_fds(&fd));
}

/* In a mount namespace where /dev/mapdev is @mode, or missing (mode 0). */
static int hide_device(mode_t mode)
{
	struct stat st;
	char node[64];

	if (stat(MAPDEV_DEV, &st) || unshare(CLONE_NEWNS) ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    mount("none", "/dev", "tmpfs", 0, NULL))
		return -1;
	if (!mode)
		return 0;
	snprintf(node, sizeof(node), "%s", MAPDEV_DEV);
	return mknod(node, S_IFCHR | mode, st.st_rdev) || chmod(node, mode);
}

static int expect_open_errno(int err)
{
	size_t page = sysconf(_SC_PAGESIZE);
	void *p;

	p = mapdev_mmap(NULL, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS,
			-1, 0);
	if (p != MAP_FAILED || errno != err)
		return 1;
	p = mapdev_mmap2(NULL, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS,
			 -1, 0);
	if (p != MAP_FAILED || errno != err)
		return 2;
	if (mapdev_munmap(&page, page) != -1 || errno != err)
		return 3;
	return 0;
}

static int as_nobody_eacces(void *arg)
{
	(void)arg;
	return expect_open_errno(EACCES);
}

/* Without the device every call fails with the open's errno: ENOENT... */
TEST(no_device_enoent)
{
	if (geteuid() || access(MAPDEV_DEV, F_OK))
		SKIP(return, "needs root and the device");
	ASSERT_EQ(0, hide_device(0));
	EXPECT_EQ(0, expect_open_errno(ENOENT));
}

/* ...or EACCES, when the caller may not open it. */
TEST(no_permission_eacces)
{
	if (geteuid() || access(MAPDEV_DEV, F_OK))
		SKIP(return, "needs root and the device");
	ASSERT_EQ(0, hide_device(0600));
	EXPECT_EQ(0, as_nobody(as_nobody_eacces, NULL));
}

/* errno is set only on failure; success leaves it alone, as libc's mmap. */
TEST(errno_contract)
{
	size_t page = sysconf(_SC_PAGESIZE);
	void *p;

	if (access(MAPDEV_DEV, F_OK))
		SKIP(return, "%s is missing", MAPDEV_DEV);
	errno = 1234;
	p = mapdev_mmap(NULL, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS,
			-1, 0);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(1234, errno);
	EXPECT_EQ(0, mapdev_munmap(p, page));
	EXPECT_EQ(1234, errno);
	EXPECT_EQ(MAP_FAILED, mapdev_mmap(NULL, 0, PROT_READ,
					  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, mapdev_munmap((char *)p + 1, page));
	EXPECT_EQ(EINVAL, errno);
}

/* After fork the child keeps using the inherited fd. */
TEST(works_after_fork)
{
	size_t page = sysconf(_SC_PAGESIZE);
	int status;
	pid_t pid;

	if (access(MAPDEV_DEV, F_OK))
		SKIP(return, "%s is missing", MAPDEV_DEV);
	map_one(NULL);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		char *p = mapdev_mmap(NULL, page, PROT_READ | PROT_WRITE,
				      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		int fd;

		if (p == MAP_FAILED || count_dev_fds(&fd) != 1)
			_exit(1);
		p[0] = 1;
		_exit(mapdev_munmap(p, page) ? 2 : 0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

TEST_HARNESS_MAIN
