// SPDX-License-Identifier: GPL-2.0
/*
 * mapdev-run: run a program with its mmap, mmap64 and munmap calls served
 * by /dev/mapdev, through libmapdev-preload.so, or, with --all, every
 * mmap and munmap system call, through a tracer (trace.c).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "preload.h"
#include "trace.h"

#define PRELOAD_NAME	"libmapdev-preload.so"

static void usage(FILE *f)
{
	fputs("Usage: mapdev-run [--all] [--stats] [--fallback] [--strict] [--] CMD [ARGS...]\n",
	      f);
	fputs("Run CMD with its mmap/munmap calls served by /dev/mapdev.\n", f);
	fputs("  --all       every mmap/munmap system call (a tracer), not only\n"
	      "              the C library's exported functions (LD_PRELOAD)\n", f);
	fputs("  --stats     at exit, one line on stderr: calls routed, passed through,\n"
	      "              fallen back, failed\n", f);
	fputs("  --fallback  without the device, run CMD natively (else: exit 69)\n",
	      f);
	fputs("  --strict    no pass-through: mmap of a file mapdev does not serve\n"
	      "              (devices, io_uring, perf, ...) fails with ENODEV\n", f);
}

/* The interposer: $MAPDEV_PRELOAD_LIB, else ../lib next to this program. */
static const char *preload_path(void)
{
	static char path[PATH_MAX];
	char self[PATH_MAX];
	const char *env = getenv("MAPDEV_PRELOAD_LIB");
	ssize_t n;

	if (env && *env)
		return env;
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n < 0)
		return NULL;
	self[n] = '\0';
	snprintf(path, sizeof(path), "%s/../lib/" PRELOAD_NAME, dirname(self));
	return path;
}

/* LD_PRELOAD=@lib, before what the environment already preloads. */
static int set_preload(const char *lib)
{
	const char *old = getenv("LD_PRELOAD");
	char *val;
	int ret;

	if (!old || !*old)
		return setenv("LD_PRELOAD", lib, 1);
	if (asprintf(&val, "%s:%s", lib, old) < 0)
		return -1;
	ret = setenv("LD_PRELOAD", val, 1);
	free(val);
	return ret;
}

/* A shared file the run's processes count in; its fd goes to them by name. */
static struct mapdev_preload_stats *stats_file(void)
{
	char fdstr[16];
	void *p;
	int fd;

	fd = memfd_create("mapdev-run-stats", 0);
	if (fd < 0 || ftruncate(fd, MAPDEV_STATS_SIZE))
		return NULL;
	p = mmap(NULL, MAPDEV_STATS_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
		 fd, 0);
	if (p == MAP_FAILED)
		return NULL;
	snprintf(fdstr, sizeof(fdstr), "%d", fd);
	if (setenv(MAPDEV_ENV_STATS_FD, fdstr, 1))
		return NULL;
	return p;
}

/* The exit status mapdev-run gives for the command's wait status. */
static int exit_status(int status)
{
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

/* --all: the tracer, and its counts, summed and per process. */
static int run_traced(char **argv, bool strict, bool want_stats)
{
	const struct mapdev_trace_proc *p;
	struct mapdev_preload_stats sum;
	char who[64];
	int status, e;

	if (mapdev_trace_run(argv, strict, &status)) {
		perror("mapdev-run: --all");
		return 69;
	}
	if (!want_stats)
		return exit_status(status);
	memset(&sum, 0, sizeof(sum));
	for (p = mapdev_trace_procs(); p; p = p->next) {
		sum.mmap_routed += p->s.mmap_routed;
		sum.munmap_routed += p->s.munmap_routed;
		sum.madvise_routed += p->s.madvise_routed;
		sum.passed_through += p->s.passed_through;
		sum.fell_back += p->s.fell_back;
		sum.failed += p->s.failed;
		for (e = 0; e < MAPDEV_STATS_NERRNO; e++)
			sum.by_errno[e] += p->s.by_errno[e];
		snprintf(who, sizeof(who), "mapdev-run: pid %d (%s)", p->tgid,
			 p->comm);
		mapdev_stats_print(STDERR_FILENO, who, &p->s);
	}
	mapdev_stats_print(STDERR_FILENO, "mapdev-run", &sum);
	return exit_status(status);
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "stats", no_argument, NULL, 's' },
		{ "fallback", no_argument, NULL, 'f' },
		{ "strict", no_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	struct mapdev_preload_stats *stats = NULL;
	bool want_stats = false, fallback = false, strict = false, all = false;
	const char *lib;
	int o, status, dev;
	pid_t pid;

	while ((o = getopt_long(argc, argv, "+", lopts, NULL)) != -1) {
		switch (o) {
		case 'a':
			all = true;
			break;
		case 's':
			want_stats = true;
			break;
		case 'f':
			fallback = true;
			break;
		case 'S':
			strict = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}

	dev = open("/dev/mapdev", O_RDWR | O_CLOEXEC);
	if (dev < 0 && !fallback) {
		fprintf(stderr, "mapdev-run: cannot open /dev/mapdev: %s (%s)\n",
			strerror(errno), errno == ENOENT ?
			"is mapdev.ko loaded?" : "see its mode and owner");
		return 69;
	}
	if (dev >= 0)
		close(dev);
	if (all && dev >= 0)
		return run_traced(argv + optind, strict, want_stats);

	lib = preload_path();
	if (!lib || access(lib, R_OK)) {
		fprintf(stderr, "mapdev-run: cannot find %s (set MAPDEV_PRELOAD_LIB)\n",
			lib ? lib : PRELOAD_NAME);
		return 69;
	}
	if (set_preload(lib) ||
	    setenv(MAPDEV_ENV_FALLBACK, fallback ? "1" : "0", 1) ||
	    setenv(MAPDEV_ENV_STRICT, strict ? "1" : "0", 1)) {
		perror("mapdev-run: setenv");
		return 69;
	}
	unsetenv(MAPDEV_ENV_STATS);
	if (want_stats) {
		stats = stats_file();
		if (!stats) {
			perror("mapdev-run: the counters' file");
			return 69;
		}
	}

	pid = fork();
	if (pid < 0) {
		perror("mapdev-run: fork");
		return 69;
	}
	if (pid == 0) {
		execvp(argv[optind], argv + optind);
		fprintf(stderr, "mapdev-run: %s: %s\n", argv[optind],
			strerror(errno));
		_exit(errno == ENOENT ? 127 : 126);
	}
	/* The command gets the signals a terminal sends: wait it out. */
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			perror("mapdev-run: waitpid");
			return 69;
		}
	if (stats)
		mapdev_stats_print(STDERR_FILENO, "mapdev-run", stats);
	return exit_status(status);
}
