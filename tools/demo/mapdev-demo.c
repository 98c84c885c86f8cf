// SPDX-License-Identifier: GPL-2.0
/*
 * mapdev-demo: a short narrated tour of /dev/mapdev.  Two processes share
 * an object, a private mapping copies on write, and an access past the end
 * raises SIGBUS.  Each step says what it did and what it observed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/mapdev.h>

static sigjmp_buf env;

static void on_sigbus(int sig)
{
	siglongjmp(env, sig);
}

static void die(const char *what)
{
	fprintf(stderr, "mapdev-demo: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int share_between_processes(int fd, size_t page)
{
	char *p = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	char buf[32] = "";
	int status;
	pid_t pid;

	if (p == MAP_FAILED)
		die("mmap MAP_SHARED");
	printf("\n1. Two processes share one object (MAP_SHARED)\n");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		snprintf(p, page, "written by the child");
		_exit(0);
	}
	waitpid(pid, &status, 0);
	printf("   child %d stored a string through its mapping\n", pid);
	printf("   parent's mapping reads: \"%s\"\n", p);
	if (pread(fd, buf, sizeof(buf) - 1, 0) < 0)
		die("pread");
	printf("   read(2) on the fd reads: \"%s\"\n", buf);
	munmap(p, page);
	return strcmp(buf, "written by the child") ? 1 : 0;
}

static int copy_on_write(int fd, size_t page)
{
	char *priv = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	char *shared = mmap(NULL, page, PROT_READ, MAP_SHARED, fd, 0);
	char buf[32] = "";

	if (priv == MAP_FAILED || shared == MAP_FAILED)
		die("mmap");
	printf("\n2. A private mapping copies on write (MAP_PRIVATE)\n");
	printf("   private mapping starts with: \"%s\"\n", priv);
	snprintf(priv, page, "private scribble");
	printf("   after storing through it, the private mapping reads: \"%s\"\n",
	       priv);
	printf("   a shared mapping still reads:   \"%s\"\n", shared);
	if (pread(fd, buf, sizeof(buf) - 1, 0) < 0)
		die("pread");
	printf("   read(2) on the fd still reads:  \"%s\"\n", buf);
	munmap(priv, page);
	munmap(shared, page);
	return strcmp(buf, "written by the child") ? 1 : 0;
}

static int sigbus_past_end(int fd, size_t page)
{
	struct sigaction sa = { .sa_handler = on_sigbus };
	char *p = mmap(NULL, 3 * page, PROT_READ, MAP_SHARED, fd, 0);
	__u64 size;
	int sig;

	if (p == MAP_FAILED)
		die("mmap");
	ioctl(fd, MAPDEV_IOC_GET_SIZE, &size);
	printf("\n3. An access wholly past the end raises SIGBUS\n");
	printf("   object size %llu bytes, mapping of %zu bytes\n",
	       (unsigned long long)size, 3 * page);
	printf("   byte %zu (tail of the last page) reads %d\n", page - 1,
	       p[page - 1]);
	sigaction(SIGBUS, &sa, NULL);
	sig = sigsetjmp(env, 1);
	if (!sig)
		printf("   byte %zu reads %d: no signal!\n", 2 * page,
		       p[2 * page]);
	else
		printf("   byte %zu (page 2, past the end) raised %s\n",
		       2 * page, strsignal(sig));
	munmap(p, 3 * page);
	return sig == SIGBUS ? 0 : 1;
}

int main(void)
{
	size_t page = sysconf(_SC_PAGESIZE);
	__u64 size = page;
	int fd, bad = 0;

	fd = open("/dev/mapdev", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		die("open /dev/mapdev");
	if (ioctl(fd, MAPDEV_IOC_SET_SIZE, &size))
		die("MAPDEV_IOC_SET_SIZE");
	printf("Opened /dev/mapdev: a new object, sized to one page (%zu bytes)\n",
	       page);

	bad |= share_between_processes(fd, page);
	bad |= copy_on_write(fd, page);
	bad |= sigbus_past_end(fd, page);
	close(fd);
	printf("\n%s\n", bad ? "Something did not behave as described."
			      : "All three behaved as described.");
	return bad;
}
