// SPDX-License-Identifier: GPL-2.0
/*
 * A program whose mappings the preload mode cannot see, for
 * "mapdev-run --all": it is built statically (no dynamic loader, no PLT:
 * only system calls), 64-bit and 32-bit.  It maps a file, allocates large
 * blocks with malloc (glibc's internal mmap), maps and unmaps from four
 * threads, forks, and execs itself; it prints what it saw, which must be
 * the same natively and traced.
 *
 * "trace_user churn N" instead times N mmap+munmap pairs of one page and
 * prints the nanoseconds per pair, for the cost of a routed call.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define THREADS	4
#define ROUNDS	200

static void *thread_fn(void *arg)
{
	long page = sysconf(_SC_PAGESIZE), bad = 0;
	uintptr_t id = (uintptr_t)arg;
	int i;

	for (i = 0; i < ROUNDS; i++) {
		char *p = mmap(NULL, 4 * page, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED) {
			bad++;
			continue;
		}
		p[i % (4 * page)] = (char)id;
		bad += p[i % (4 * page)] != (char)id;
		bad += munmap(p, 4 * page) != 0;
	}
	return (void *)bad;
}

static int file_map(void)
{
	char path[] = "/tmp/mapdev-trace-XXXXXX";
	int fd = mkstemp(path);
	char *p;

	if (fd < 0 || ftruncate(fd, 8192))
		return 1;
	unlink(path);
	p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return 1;
	memcpy(p + 4096, "through the file", 17);
	msync(p, 8192, MS_SYNC);
	munmap(p, 8192);
	if (pread(fd, path, 17, 4096) != 17)
		return 1;
	close(fd);
	printf("file: %s\n", path);
	return 0;
}

static int big_malloc(void)
{
	unsigned long sum = 0;
	size_t i, len = 32 << 20;
	unsigned char *b = malloc(len);

	if (!b)
		return 1;
	for (i = 0; i < len; i += 4096)
		b[i] = (unsigned char)(i >> 12);
	for (i = 0; i < len; i += 4096)
		sum += b[i];
	free(b);
	printf("malloc: %lu\n", sum);
	return 0;
}

static int churn(long n)
{
	long page = sysconf(_SC_PAGESIZE), i;
	struct timespec a, b;

	clock_gettime(CLOCK_MONOTONIC, &a);
	for (i = 0; i < n; i++) {
		void *p = mmap(NULL, page, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED || munmap(p, page))
			return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("%.0f\n", ((b.tv_sec - a.tv_sec) * 1e9 +
			  (b.tv_nsec - a.tv_nsec)) / n);
	return 0;
}

int main(int argc, char **argv)
{
	pthread_t th[THREADS];
	long bad = 0;
	int i, status;
	pid_t pid;

	if (argc == 3 && !strcmp(argv[1], "churn"))
		return churn(atol(argv[2]));
	if (argc == 2 && !strcmp(argv[1], "child")) {
		printf("exec'd child: %d-bit\n", (int)sizeof(long) * 8);
		return big_malloc();
	}
	if (file_map() || big_malloc())
		return 1;
	for (i = 0; i < THREADS; i++)
		pthread_create(&th[i], NULL, thread_fn, (void *)(uintptr_t)i);
	for (i = 0; i < THREADS; i++) {
		void *r;

		pthread_join(th[i], &r);
		bad += (long)r;
	}
	printf("threads: %d x %d mappings, %ld bad\n", THREADS, ROUNDS, bad);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		execl("/proc/self/exe", argv[0], "child", (char *)NULL);
		_exit(127);
	}
	waitpid(pid, &status, 0);
	printf("child exit %d\n", WEXITSTATUS(status));
	return bad != 0;
}
