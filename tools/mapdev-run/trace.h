/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mapdev-run --all: the tracer that routes every mmap and munmap system
 * call (trace.c).
 */
#ifndef MAPDEV_RUN_TRACE_H
#define MAPDEV_RUN_TRACE_H

#include <stdbool.h>
#include <sys/types.h>

#include "preload.h"

/* One traced process's counts. */
struct mapdev_trace_proc {
	struct mapdev_trace_proc *next;
	pid_t tgid;
	bool exited;
	char comm[32];			/* what it ran last */
	struct mapdev_preload_stats s;
};

/*
 * Run @argv traced until it and all its descendants have exited; its wait
 * status in @status.  @strict: no pass-through.  Return: 0, or -1 with
 * errno if it could not be started.
 */
int mapdev_trace_run(char **argv, bool strict, int *status);

/* The traced processes' counts, newest first. */
const struct mapdev_trace_proc *mapdev_trace_procs(void);

#endif /* MAPDEV_RUN_TRACE_H */
