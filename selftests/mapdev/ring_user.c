// SPDX-License-Identifier: GPL-2.0
/*
 * A program as everyday software is, not written for mapdev: it maps an
 * io_uring ring and runs a request through it, maps a perf_event ring and
 * reads the events of its own page faults, maps /dev/zero private and
 * shared across fork, and maps memory that grows down (MAP_GROWSDOWN).
 * It prints what it saw, which must be the same natively and under
 * mapdev-run; exit status 0 when everything worked.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/io_uring.h>
#include <linux/perf_event.h>

static int io_uring_nop(void)
{
	struct io_uring_params p = { 0 };
	struct io_uring_sqe *sqes;
	struct io_uring_cqe *cqe;
	unsigned int *tail, *array, *ctail;
	size_t sq_len, cq_len;
	char *sq, *cq;
	int fd, ret;

	fd = syscall(SYS_io_uring_setup, 4, &p);
	if (fd < 0)
		return printf("io_uring: setup: %s\n", strerror(errno)), 0;
	sq_len = p.sq_off.array + p.sq_entries * sizeof(unsigned int);
	cq_len = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
	sq = mmap(NULL, sq_len, PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_POPULATE, fd, IORING_OFF_SQ_RING);
	cq = mmap(NULL, cq_len, PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_POPULATE, fd, IORING_OFF_CQ_RING);
	sqes = mmap(NULL, p.sq_entries * sizeof(*sqes), PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_POPULATE, fd, IORING_OFF_SQES);
	if (sq == MAP_FAILED || cq == MAP_FAILED || sqes == MAP_FAILED)
		return printf("io_uring: mmap: %s\n", strerror(errno)), 1;
	tail = (unsigned int *)(sq + p.sq_off.tail);
	array = (unsigned int *)(sq + p.sq_off.array);
	memset(&sqes[0], 0, sizeof(sqes[0]));
	sqes[0].opcode = IORING_OP_NOP;
	sqes[0].user_data = 42;
	array[*tail & *(unsigned int *)(sq + p.sq_off.ring_mask)] = 0;
	__atomic_store_n(tail, *tail + 1, __ATOMIC_RELEASE);
	ret = syscall(SYS_io_uring_enter, fd, 1, 1, IORING_ENTER_GETEVENTS,
		      NULL, 0);
	ctail = (unsigned int *)(cq + p.cq_off.tail);
	cqe = (struct io_uring_cqe *)(cq + p.cq_off.cqes);
	printf("io_uring: enter %d, completions %u, user_data %llu, res %d\n",
	       ret, __atomic_load_n(ctail, __ATOMIC_ACQUIRE),
	       (unsigned long long)cqe[0].user_data, cqe[0].res);
	ret = ret == 1 && cqe[0].user_data == 42 ? 0 : 1;
	munmap(sq, sq_len);
	munmap(cq, cq_len);
	munmap(sqes, p.sq_entries * sizeof(*sqes));
	close(fd);
	return ret;
}

static int perf_ring(void)
{
	struct perf_event_attr attr = {
		.type = PERF_TYPE_SOFTWARE,
		.size = sizeof(attr),
		.config = PERF_COUNT_SW_PAGE_FAULTS,
		.sample_period = 1,
		.sample_type = PERF_SAMPLE_TID,
		.disabled = 1,
		.exclude_kernel = 1,
	};
	long page = sysconf(_SC_PAGESIZE);
	struct perf_event_mmap_page *meta;
	char *buf;
	int fd, i;

	fd = syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0);
	if (fd < 0)
		return printf("perf: open: %s\n", strerror(errno)), 0;
	meta = mmap(NULL, 9 * page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (meta == MAP_FAILED)
		return printf("perf: mmap: %s\n", strerror(errno)), 1;
	buf = mmap(NULL, 16 * page, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED)
		return printf("perf: anonymous mmap: %s\n", strerror(errno)), 1;
	ioctl(fd, PERF_EVENT_IOC_ENABLE, 0);
	for (i = 0; i < 16; i++)
		buf[i * page] = 1;
	ioctl(fd, PERF_EVENT_IOC_DISABLE, 0);
	/* At least the 16 faults, each a record in the ring. */
	printf("perf: ring has records: %s\n",
	       __atomic_load_n(&meta->data_head, __ATOMIC_ACQUIRE) >=
	       16 * (sizeof(struct perf_event_header) + 8) ? "yes" : "no");
	munmap(buf, 16 * page);
	munmap(meta, 9 * page);
	close(fd);
	return 0;
}

static int dev_zero(void)
{
	long page = sysconf(_SC_PAGESIZE);
	int fd = open("/dev/zero", O_RDWR);
	char *priv, *shared;
	int status;
	pid_t pid;

	priv = mmap(NULL, 4 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	shared = mmap(NULL, 4 * page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (priv == MAP_FAILED || shared == MAP_FAILED)
		return printf("/dev/zero: mmap: %s\n", strerror(errno)), 1;
	close(fd);
	snprintf(priv, page, "parent");
	snprintf(shared, page, "parent");
	pid = fork();
	if (pid == 0) {
		snprintf(priv, page, "child");
		snprintf(shared, page, "child");
		_exit(0);
	}
	waitpid(pid, &status, 0);
	printf("/dev/zero: private \"%s\", shared \"%s\", tail %d\n", priv,
	       shared, priv[4 * page - 1] + shared[4 * page - 1]);
	munmap(priv, 4 * page);
	munmap(shared, 4 * page);
	return 0;
}

static int grows_down(void)
{
	long page = sysconf(_SC_PAGESIZE);
	char *base, *p;

	/* Room below it: a reservation, released. */
	base = mmap(NULL, 64 * page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
		    -1, 0);
	if (base == MAP_FAILED || munmap(base, 64 * page))
		return 1;
	p = mmap(base + 60 * page, 2 * page, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_GROWSDOWN |
		 MAP_FIXED_NOREPLACE, -1, 0);
	if (p == MAP_FAILED)
		return printf("growsdown: mmap: %s\n", strerror(errno)), 1;
	p[-page] = 'g';		/* a fault just below: it grows */
	printf("growsdown: %c\n", p[-page]);
	munmap(p - page, 3 * page);
	return 0;
}

/*
 * "ring_user hold-perf": hold a task's perf event until killed, for the
 * test runner (scripts/guest-check.sh): while one exists the kernel's
 * perf_sched_events key stays on, so the events the tests open and close
 * never patch the scheduler's code again.
 */
static int hold_perf(void)
{
	struct perf_event_attr attr = {
		.type = PERF_TYPE_SOFTWARE,
		.size = sizeof(attr),
		.config = PERF_COUNT_SW_DUMMY,
		.disabled = 1,
	};

	if (syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0) < 0)
		return 1;
	for (;;)
		pause();
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "hold-perf"))
		return hold_perf();
	return io_uring_nop() | perf_ring() | dev_zero() | grows_down();
}
