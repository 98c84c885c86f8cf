// SPDX-License-Identifier: GPL-2.0
/*
 * The one line of counts that mapdev-run, or a process preloaded by hand,
 * prints.  It formats into a buffer on the stack and writes it with one
 * write(2): it runs in exiting processes, and never allocates.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "preload.h"

void mapdev_stats_print(int fd, const char *who,
			const struct mapdev_preload_stats *s)
{
	char line[1024];
	int len, e, first = 1;

	len = snprintf(line, sizeof(line),
		       "%s: mmap routed %lu, munmap routed %lu, madvise routed %lu, passed through %lu, fell back %lu, failed %lu",
		       who, s->mmap_routed, s->munmap_routed, s->madvise_routed,
		       s->passed_through, s->fell_back, s->failed);
	for (e = 0; e < MAPDEV_STATS_NERRNO && len < (int)sizeof(line); e++) {
		const char *name;

		if (!s->by_errno[e])
			continue;
		name = strerrorname_np(e);
		len += snprintf(line + len, sizeof(line) - len, "%s%s %lu",
				first ? " (" : ", ", name ? name : "?",
				s->by_errno[e]);
		first = 0;
	}
	if (!first && len < (int)sizeof(line))
		len += snprintf(line + len, sizeof(line) - len, ")");
	if (len < (int)sizeof(line) - 1)
		line[len++] = '\n';
	if (len > (int)sizeof(line))
		len = sizeof(line);
	if (write(fd, line, len) < 0)
		return;
}
