// SPDX-License-Identifier: GPL-2.0
/*
 * mapdev-run --all: every mmap and munmap system call of a program and its
 * descendants served by /dev/mapdev, whoever makes it (the dynamic loader,
 * the C library's malloc, a static binary, a Go runtime).
 *
 * mapdev-run traces the program.  A seccomp filter, installed before exec
 * and inherited by every descendant, stops a task only at mmap and munmap
 * (mmap2, old_mmap and munmap for 32-bit tasks); every other system call
 * runs at full speed.  At the stop the tracer writes a request below the
 * task's stack pointer (past the red zone) and turns the system call into
 * MAPDEV_IOC_MMAP or MAPDEV_IOC_MUNMAP on an fd of /dev/mapdev that the
 * task holds, so the ioctl runs in the task, on its mm, with its
 * credentials.  At the exit stop it puts the answer where the program
 * expects it and every other register back as it was.
 *
 * Two calls are made again by rewinding the task to its system call
 * instruction: one the device answers ENODEV for (a file it does not
 * serve), made natively the second time ("passed through"), and one made
 * while the task holds no fd of the device (a program that closed its
 * fds), made after an openat() of the device in its place.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/ptrace.h>
#include <linux/seccomp.h>

#include <linux/mapdev.h>

#include "trace.h"

/* System call numbers of both ABIs (asm/unistd_64.h, asm/unistd_32.h). */
#define X64_MMAP	9
#define X64_MUNMAP	11
#define X64_IOCTL	16
#define X64_OPENAT	257
#define I386_IOCTL	54
#define I386_OLD_MMAP	90
#define I386_MUNMAP	91
#define I386_MMAP2	192
#define I386_OPENAT	295

#define DEV_PATH	"/dev/mapdev"
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
/* Below the stack pointer: past x86-64's 128-byte red zone, and more. */
#define SCRATCH_BELOW	512

#define PTRACE_OPTIONS	(PTRACE_O_TRACESECCOMP | PTRACE_O_TRACESYSGOOD | \
			 PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK |	\
			 PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC |	\
			 PTRACE_O_EXITKILL)

enum pending { IDLE, IN_IOCTL, IN_OPEN };
/* How the next trapped call of a task runs natively, if it does. */
enum native { ROUTE, PASS_THROUGH, FALL_BACK };

/* A traced task (thread). */
struct tracee {
	pid_t tid;
	int devfd;			/* its fd of the device, or -1 */
	enum pending pending;		/* what its exit stop completes */
	enum native native;		/* how its next trapped call runs */
	bool mmap;			/* the pending call is a mapping */
	uint64_t req;			/* where its request is */
	struct user_regs_struct saved;	/* its registers at the call */
	struct mapdev_trace_proc *proc;
};

static struct tracee *tracees;
static size_t ntracees, cap;
static struct mapdev_trace_proc *procs;
static bool strict;
static int first_devfd;			/* the fd the program starts with */

static void proc_comm(struct mapdev_trace_proc *p);

/* Per-process counts: a task's thread group, found through /proc. */
static struct mapdev_trace_proc *proc_of(pid_t tid)
{
	struct mapdev_trace_proc *p;
	char path[64], line[256];
	pid_t tgid = tid;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", tid);
	f = fopen(path, "r");
	if (f) {
		while (fgets(line, sizeof(line), f))
			if (sscanf(line, "Tgid: %d", &tgid) == 1)
				break;
		fclose(f);
	}
	for (p = procs; p; p = p->next)
		if (p->tgid == tgid && !p->exited)
			return p;
	p = calloc(1, sizeof(*p));
	if (!p) {
		perror("mapdev-run");
		exit(69);
	}
	p->tgid = tgid;
	p->next = procs;
	procs = p;
	proc_comm(p);
	return p;
}

/* The name a process runs as, for the counts. */
static void proc_comm(struct mapdev_trace_proc *p)
{
	char path[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/comm", p->tgid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = read(fd, p->comm, sizeof(p->comm) - 1);
	close(fd);
	if (n > 0 && p->comm[n - 1] == '\n')
		n--;
	p->comm[n > 0 ? n : 0] = '\0';
}

static struct tracee *find(pid_t tid)
{
	size_t i;

	for (i = 0; i < ntracees; i++)
		if (tracees[i].tid == tid)
			return &tracees[i];
	return NULL;
}

static struct tracee *add(pid_t tid, int devfd)
{
	struct tracee *t;

	if (ntracees == cap) {
		cap = cap ? 2 * cap : 16;
		tracees = realloc(tracees, cap * sizeof(*tracees));
		if (!tracees) {
			perror("mapdev-run");
			exit(69);
		}
	}
	t = &tracees[ntracees++];
	memset(t, 0, sizeof(*t));
	t->tid = tid;
	t->devfd = devfd;
	t->proc = proc_of(tid);
	return t;
}

static void drop(struct tracee *t)
{
	*t = tracees[--ntracees];
}

static bool is_compat(const struct user_regs_struct *regs)
{
	return regs->cs == 0x23;	/* __USER32_CS */
}

/* The six arguments of the system call @regs stopped at. */
static void args_of(const struct user_regs_struct *r, uint64_t a[6])
{
	if (is_compat(r)) {
		a[0] = (uint32_t)r->rbx;
		a[1] = (uint32_t)r->rcx;
		a[2] = (uint32_t)r->rdx;
		a[3] = (uint32_t)r->rsi;
		a[4] = (uint32_t)r->rdi;
		a[5] = (uint32_t)r->rbp;
	} else {
		a[0] = r->rdi;
		a[1] = r->rsi;
		a[2] = r->rdx;
		a[3] = r->r10;
		a[4] = r->r8;
		a[5] = r->r9;
	}
}

/* Make @r a call of @nr64 (64-bit) or @nr32 with three arguments. */
static void set_call(struct user_regs_struct *r, long nr64, long nr32,
		     uint64_t a0, uint64_t a1, uint64_t a2)
{
	if (is_compat(r)) {
		r->orig_rax = nr32;
		r->rbx = a0;
		r->rcx = a1;
		r->rdx = a2;
	} else {
		r->orig_rax = nr64;
		r->rdi = a0;
		r->rsi = a1;
		r->rdx = a2;
	}
}

static int peek(pid_t tid, uint64_t addr, void *buf, size_t len)
{
	struct iovec local = { buf, len };
	struct iovec remote = { (void *)(uintptr_t)addr, len };

	return process_vm_readv(tid, &local, 1, &remote, 1, 0) == (ssize_t)len ?
	       0 : -1;
}

static int poke(pid_t tid, uint64_t addr, const void *buf, size_t len)
{
	struct iovec local = { (void *)buf, len };
	struct iovec remote = { (void *)(uintptr_t)addr, len };

	return process_vm_writev(tid, &local, 1, &remote, 1, 0) ==
	       (ssize_t)len ? 0 : -1;
}

/* Does the task still hold the device at @fd (not closed, not reused)? */
static bool holds_device(pid_t tid, int fd)
{
	char path[64], link[64];
	ssize_t n;

	if (fd < 0)
		return false;
	snprintf(path, sizeof(path), "/proc/%d/fd/%d", tid, fd);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return false;
	link[n] = '\0';
	return !strcmp(link, DEV_PATH);
}

static void resume(pid_t tid, int req, int sig)
{
	/* ESRCH: killed meanwhile; its exit is reported next. */
	ptrace(req, tid, 0, (void *)(uintptr_t)sig);
}

static uint64_t scratch(const struct user_regs_struct *r, size_t len)
{
	return (r->rsp - SCRATCH_BELOW - len) & ~15ULL;
}

/* Run the trapped call again: rewind to its instruction. */
static void restart(struct tracee *t)
{
	struct user_regs_struct r = t->saved;

	r.rax = r.orig_rax;
	r.rip -= 2;			/* syscall, sysenter, int $0x80 */
	t->pending = IDLE;
	ptrace(PTRACE_SETREGS, t->tid, 0, &r);
	resume(t->tid, PTRACE_CONT, 0);
}

/* The task holds no fd of the device: an openat() in place of the call. */
static void open_device(struct tracee *t, struct user_regs_struct *r)
{
	uint64_t at = scratch(r, sizeof(DEV_PATH));

	if (poke(t->tid, at, DEV_PATH, sizeof(DEV_PATH))) {
		t->proc->s.fell_back++;
		resume(t->tid, PTRACE_CONT, 0);
		return;
	}
	t->saved = *r;
	set_call(r, X64_OPENAT, I386_OPENAT, (uint64_t)(int64_t)AT_FDCWD, at,
		 O_RDWR);
	t->pending = IN_OPEN;
	ptrace(PTRACE_SETREGS, t->tid, 0, r);
	resume(t->tid, PTRACE_SYSCALL, 0);
}

/* Fill @req from the trapped call; false if it is to run natively. */
static bool request_of(struct tracee *t, const struct user_regs_struct *r,
		       struct mapdev_mmap *req, bool *mmap)
{
	bool compat = is_compat(r);
	long nr = (long)r->orig_rax;
	uint64_t a[6];

	args_of(r, a);
	memset(req, 0, sizeof(*req));
	req->size = sizeof(*req);
	*mmap = true;
	if (nr == (compat ? I386_MUNMAP : X64_MUNMAP)) {
		struct mapdev_munmap *u = (struct mapdev_munmap *)req;

		*mmap = false;
		u->size = sizeof(*u);
		u->addr = a[0];
		u->length = a[1];
		return true;
	}
	if (compat && nr == I386_OLD_MMAP) {
		/* old_mmap(struct mmap_arg_struct *): six 32-bit words. */
		uint32_t w[6];

		if (peek(t->tid, a[0], w, sizeof(w)))
			return false;		/* EFAULT, natively */
		for (int i = 0; i < 6; i++)
			a[i] = w[i];
	} else if (compat && nr == I386_MMAP2) {
		req->flags = MAPDEV_MMAP_OFFSET_PAGES;
	} else if (compat || nr != X64_MMAP) {
		return false;
	}
	req->addr = a[0];
	req->length = a[1];
	req->prot = (int32_t)a[2];
	req->map_flags = (int32_t)a[3];
	req->fd = (int32_t)a[4];
	req->offset = compat && nr == I386_OLD_MMAP ? (uint32_t)a[5] : a[5];
	return true;
}

/* The seccomp stop of an mmap or munmap: turned into the ioctl. */
static void on_seccomp(struct tracee *t)
{
	struct user_regs_struct r;
	struct mapdev_mmap req;
	uint64_t at;
	bool mmap;

	if (ptrace(PTRACE_GETREGS, t->tid, 0, &r)) {
		resume(t->tid, PTRACE_CONT, 0);
		return;
	}
	if (t->native != ROUTE) {
		/* The device said ENODEV, or cannot be opened: natively. */
		if (t->native == PASS_THROUGH)
			t->proc->s.passed_through++;
		else
			t->proc->s.fell_back++;
		t->native = ROUTE;
		resume(t->tid, PTRACE_CONT, 0);
		return;
	}
	if (!holds_device(t->tid, t->devfd)) {
		open_device(t, &r);
		return;
	}
	at = scratch(&r, sizeof(req));
	if (!request_of(t, &r, &req, &mmap) ||
	    poke(t->tid, at, &req, req.size)) {
		t->proc->s.fell_back++;
		resume(t->tid, PTRACE_CONT, 0);
		return;
	}
	t->saved = r;
	t->req = at;
	t->mmap = mmap;
	set_call(&r, X64_IOCTL, I386_IOCTL, t->devfd,
		 mmap ? MAPDEV_IOC_MMAP : MAPDEV_IOC_MUNMAP, at);
	t->pending = IN_IOCTL;
	ptrace(PTRACE_SETREGS, t->tid, 0, &r);
	resume(t->tid, PTRACE_SYSCALL, 0);
}

static void count_failure(struct mapdev_preload_stats *s, long err)
{
	s->failed++;
	if (err > 0 && err < MAPDEV_STATS_NERRNO)
		s->by_errno[err]++;
}

/* The exit stop of the ioctl (or openat) put in the call's place. */
static void on_exit_stop(struct tracee *t)
{
	struct mapdev_preload_stats *s = &t->proc->s;
	struct user_regs_struct r;
	int64_t ret;
	uint64_t addr;

	if (t->pending == IDLE || ptrace(PTRACE_GETREGS, t->tid, 0, &r)) {
		resume(t->tid, PTRACE_CONT, 0);
		return;
	}
	ret = is_compat(&r) ? (int32_t)r.rax : (int64_t)r.rax;
	if (t->pending == IN_OPEN) {
		if (ret >= 0)
			t->devfd = ret;
		else
			t->native = FALL_BACK;
		restart(t);
		return;
	}
	t->pending = IDLE;
	if (t->mmap && ret == -ENODEV && !strict) {
		t->native = PASS_THROUGH;
		restart(t);
		return;
	}
	if (!ret && t->mmap &&
	    !peek(t->tid, t->req + offsetof(struct mapdev_mmap, addr), &addr,
		  sizeof(addr))) {
		ret = addr;
		s->mmap_routed++;
	} else if (!ret) {
		s->munmap_routed++;
	} else {
		count_failure(s, -ret);
	}
	r = t->saved;
	r.rax = ret;
	ptrace(PTRACE_SETREGS, t->tid, 0, &r);
	resume(t->tid, PTRACE_CONT, 0);
}

/* The filter: mmap and munmap of either ABI stop; the rest runs. */
static int install_filter(void)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 0, 4),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, X64_MMAP, 8, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, X64_MUNMAP, 7, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_I386, 0, 4),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, I386_MMAP2, 3, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, I386_OLD_MMAP, 2, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, I386_MUNMAP, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE),
	};
	struct sock_fprog prog = { .len = ARRAY_SIZE(f), .filter = f };

	/* Unprivileged filters need no_new_privs (setuid then gives none). */
	if (!prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog))
		return 0;
	if (errno != EACCES || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -1;
	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog);
}

/* A high fd of the device, inherited by the program across exec. */
static int device_fd(void)
{
	struct rlimit rl;
	int dev, fd;
	long want = 1000;

	dev = open(DEV_PATH, O_RDWR);
	if (dev < 0)
		return -1;
	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur <= (rlim_t)want)
		want = rl.rlim_cur > 64 ? (long)rl.rlim_cur - 16 : dev;
	fd = fcntl(dev, F_DUPFD, (int)want);
	if (fd < 0)
		return dev;
	close(dev);
	return fd;
}

static bool group_stop(int sig)
{
	return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN ||
	       sig == SIGTTOU;
}

/* A ptrace event stop of @t (@event), or a signal to deliver. */
static void on_stop(struct tracee *t, int sig, int event)
{
	unsigned long msg = 0;

	switch (event) {
	case PTRACE_EVENT_SECCOMP:
		on_seccomp(t);
		return;
	case PTRACE_EVENT_FORK:
	case PTRACE_EVENT_VFORK:
	case PTRACE_EVENT_CLONE:
		/* The child reports a stop of its own; it inherits the fd. */
		if (!ptrace(PTRACE_GETEVENTMSG, t->tid, 0, &msg) &&
		    !find((pid_t)msg))
			add((pid_t)msg, t->devfd);
		resume(t->tid, PTRACE_CONT, 0);
		return;
	case PTRACE_EVENT_EXEC:
		/* A thread that execs takes the leader's id, and its state. */
		if (!ptrace(PTRACE_GETEVENTMSG, t->tid, 0, &msg) &&
		    (pid_t)msg != t->tid && find((pid_t)msg)) {
			pid_t tid = t->tid;
			struct tracee keep = *find((pid_t)msg);

			keep.tid = tid;
			drop(find((pid_t)msg));
			t = find(tid);
			*t = keep;
		}
		proc_comm(t->proc);
		resume(t->tid, PTRACE_CONT, 0);
		return;
	case PTRACE_EVENT_STOP:
		/* A group stop stays one; anything else goes on. */
		resume(t->tid, group_stop(sig) ? PTRACE_LISTEN : PTRACE_CONT,
		       0);
		return;
	case 0:
		if (sig == (SIGTRAP | 0x80)) {
			on_exit_stop(t);
			return;
		}
		/* A signal for the task: delivered as without the tracer. */
		resume(t->tid, PTRACE_CONT, sig);
		return;
	default:
		resume(t->tid, PTRACE_CONT, 0);
	}
}

int mapdev_trace_run(char **argv, bool strict_mode, int *status)
{
	int sync[2], devfd, ws;
	pid_t pid, main_pid;
	char go;

	strict = strict_mode;
	devfd = device_fd();
	if (devfd < 0)
		return -1;
	if (pipe2(sync, O_CLOEXEC))
		return -1;
	main_pid = fork();
	if (main_pid < 0)
		return -1;
	if (main_pid == 0) {
		close(sync[1]);
		/* Wait to be traced: the filter stops only a traced task. */
		if (read(sync[0], &go, 1) != 1)
			_exit(69);
		if (install_filter()) {
			fprintf(stderr, "mapdev-run: seccomp filter: %s\n",
				strerror(errno));
			_exit(69);
		}
		execvp(argv[0], argv);
		fprintf(stderr, "mapdev-run: %s: %s\n", argv[0], strerror(errno));
		_exit(errno == ENOENT ? 127 : 126);
	}
	close(sync[0]);
	if (ptrace(PTRACE_SEIZE, main_pid, 0, PTRACE_OPTIONS)) {
		fprintf(stderr, "mapdev-run: cannot trace the program: %s\n",
			strerror(errno));
		kill(main_pid, SIGKILL);
		waitpid(main_pid, NULL, 0);
		return -1;
	}
	first_devfd = devfd;
	add(main_pid, devfd);
	if (write(sync[1], "g", 1) != 1)
		return -1;
	close(sync[1]);
	close(devfd);

	/* Until every traced task is gone: a tracee left alone gets ENOSYS. */
	*status = 0;
	while ((pid = waitpid(-1, &ws, __WALL)) != -1 || errno == EINTR) {
		struct tracee *t;

		if (pid < 0)
			continue;
		t = find(pid);
		if (!t)		/* reported before its parent's event */
			t = add(pid, first_devfd);
		if (WIFEXITED(ws) || WIFSIGNALED(ws)) {
			if (pid == main_pid)
				*status = ws;
			if (t->proc->tgid == pid)
				t->proc->exited = true;
			drop(t);
			continue;
		}
		if (WIFSTOPPED(ws))
			on_stop(t, WSTOPSIG(ws), ws >> 16);
	}
	return 0;
}

const struct mapdev_trace_proc *mapdev_trace_procs(void)
{
	return procs;
}
