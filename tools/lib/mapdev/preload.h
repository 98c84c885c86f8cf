/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What libmapdev-preload.so and mapdev-run share: the settings' names and
 * the counters a run's processes add to.
 */
#ifndef LIBMAPDEV_PRELOAD_H
#define LIBMAPDEV_PRELOAD_H

#include <assert.h>

/* "1": without /dev/mapdev, every call is native. */
#define MAPDEV_ENV_FALLBACK	"MAPDEV_PRELOAD_FALLBACK"
/* "1": no pass-through: mmap of a file mapdev does not serve fails (ENODEV). */
#define MAPDEV_ENV_STRICT	"MAPDEV_PRELOAD_STRICT"
/* "1": each process prints its own counts on stderr when it exits. */
#define MAPDEV_ENV_STATS	"MAPDEV_PRELOAD_STATS"
/* An fd of a file of MAPDEV_STATS_SIZE bytes the processes count in. */
#define MAPDEV_ENV_STATS_FD	"MAPDEV_PRELOAD_STATS_FD"

#define MAPDEV_STATS_NERRNO	134
#define MAPDEV_STATS_SIZE	4096

struct mapdev_preload_stats {
	unsigned long mmap_routed;	/* mmap/mmap64 served by mapdev */
	unsigned long munmap_routed;	/* munmap served by the device */
	unsigned long madvise_routed;	/* madvise served by the device */
	unsigned long passed_through;	/* mmap of files mapdev does not serve */
	unsigned long fell_back;	/* calls made natively: no device */
	unsigned long failed;		/* calls that returned an error */
	unsigned long by_errno[MAPDEV_STATS_NERRNO];
};

static_assert(sizeof(struct mapdev_preload_stats) <= MAPDEV_STATS_SIZE,
	      "the counters fit their file");

/* libmapdev's /dev/mapdev: its fd, or -errno of its one open(). */
int mapdev_dev(void);

/* Write one line with @s's counts to @fd, prefixed with @who. */
void mapdev_stats_print(int fd, const char *who,
			const struct mapdev_preload_stats *s);

#endif /* LIBMAPDEV_PRELOAD_H */
