// SPDX-License-Identifier: GPL-2.0
/*
 * A program for the interposer tests: threads that map, touch and unmap
 * at once, a fork whose child keeps mapping, and an exec of itself.  Its
 * output is the same natively and under mapdev-run; a mismatch, a crash
 * or a hang is a failure.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define THREADS	8
#define ROUNDS	500

static void *worker(void *arg)
{
	long id = (long)arg, bad = 0;
	size_t page = sysconf(_SC_PAGESIZE);
	int i;

	for (i = 0; i < ROUNDS; i++) {
		size_t len = (1 + (i + id) % 7) * page;
		char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			       (i % 3 ? MAP_PRIVATE : MAP_SHARED) | MAP_ANONYMOUS,
			       -1, 0);

		if (p == MAP_FAILED)
			return (void *)-1L;
		bad += p[len - 1] != 0;
		memset(p, (int)id, len);
		bad += p[len / 2] != (char)id;
		if (munmap(p, len))
			return (void *)-1L;
	}
	return (void *)bad;
}

static int run_threads(void)
{
	pthread_t t[THREADS];
	long bad = 0;
	void *r;
	long i;

	for (i = 0; i < THREADS; i++)
		if (pthread_create(&t[i], NULL, worker, (void *)i))
			return -1;
	for (i = 0; i < THREADS; i++) {
		pthread_join(t[i], &r);
		bad += (long)r;
	}
	return bad;
}

int main(int argc, char **argv)
{
	int status;
	pid_t pid;

	if (argc > 1 && !strcmp(argv[1], "exec")) {
		printf("after exec: %d\n", run_threads());
		return 0;
	}
	printf("threads: %d\n", run_threads());
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		printf("child threads: %d\n", run_threads());
		fflush(stdout);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	printf("child exit: %d\n", WEXITSTATUS(status));
	fflush(stdout);
	execl("/proc/self/exe", argv[0], "exec", (char *)NULL);
	perror("exec");
	return 1;
}
