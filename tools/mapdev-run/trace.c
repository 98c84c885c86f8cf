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
 *
 * madvise(MADV_FREE) and madvise(MADV_WIPEONFORK), which the kernel takes
 * only for native anonymous memory, stop too and become
 * MAPDEV_IOC_MADVISE.  Where the device asks for a VMA to be split, the
 * tracer makes the task run the splitting madvise() (rewound, with the
 * tracer's arguments), then its own call again from the start (so the
 * request is written afresh at its seccomp stop: a signal handler run in
 * between may have used the memory below the stack), and at the end the
 * madvise() that gives each piece its readahead advice back.
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
#include <sys/stat.h>
#include <sys/syscall.h>
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
#define X64_MADVISE	28
#define I386_MADVISE	219

/* The madvise() advice routed: what the kernel keeps for anonymous VMAs. */
#define MADV_FREE_NR		8
#define MADV_WIPEONFORK_NR	18
#define MAX_PIECES		16

#define DEV_PATH	"/dev/mapdev"
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
/* Below the stack pointer: past x86-64's 128-byte red zone, and more. */
#define SCRATCH_BELOW	512

#define PTRACE_OPTIONS	(PTRACE_O_TRACESECCOMP | PTRACE_O_TRACESYSGOOD | \
			 PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK |	\
			 PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC |	\
			 PTRACE_O_EXITKILL)

enum pending { IDLE, IN_IOCTL, IN_OPEN, IN_MADV_SPLIT, IN_MADV_RESTORE };
/* How the next trapped call of a task runs natively, if it does. */
enum native { ROUTE, PASS_THROUGH, FALL_BACK };

/* A traced task (thread). */
struct tracee {
	pid_t tid;
	int devfd;			/* its fd of the device, or -1 */
	enum pending pending;		/* what its exit stop completes */
	enum native native;		/* how its next trapped call runs */
	unsigned int cmd;		/* the ioctl the pending call became */
	uint64_t req;			/* where its request is */
	struct user_regs_struct saved;	/* its registers at the call */
	struct mapdev_trace_proc *proc;
	/* A routed madvise(): the pieces it split, to restore at the end. */
	int npieces;
	struct { uint64_t start, length; int advice; } pieces[MAX_PIECES];
	int64_t result;			/* its answer, once restored */
	int deferred_sig;		/* arrived during a madvise() chain */
	bool fresh_fd;			/* devfd just opened: no check */
	/* What the request overwrote below its stack, put back after. */
	unsigned char under[sizeof(struct mapdev_madvise)];
};

static void count_failure(struct mapdev_preload_stats *s, long err);

static struct tracee *tracees;
static size_t ntracees, cap;
static struct mapdev_trace_proc *procs;
static bool strict;
static int first_devfd;			/* the fd the program starts with */
static dev_t device_rdev;		/* /dev/mapdev's device number */

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

/*
 * Does the task still hold the device at @fd (not closed, not reused)?
 * By device number: the link's text depends on the task's root.
 */
static bool holds_device(struct tracee *t)
{
	struct stat st;
	char path[64];

	if (t->fresh_fd) {
		t->fresh_fd = false;
		return true;
	}
	if (t->devfd < 0)
		return false;
	snprintf(path, sizeof(path), "/proc/%d/fd/%d", t->tid, t->devfd);
	return !stat(path, &st) && S_ISCHR(st.st_mode) &&
	       st.st_rdev == device_rdev;
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

/* Put back what the request overwrote below the task's stack. */
static void put_back(struct tracee *t)
{
	poke(t->tid, t->req, t->under, sizeof(t->under));
}

/*
 * Make the task run the system call in @r (its registers but the call's)
 * by rewinding it to its system call instruction; its exit stop comes
 * back as @pending.
 */
static void inject(struct tracee *t, struct user_regs_struct *r,
		   enum pending pending)
{
	r->rax = r->orig_rax;
	r->rip = t->saved.rip - 2;
	t->pending = pending;
	ptrace(PTRACE_SETREGS, t->tid, 0, r);
	resume(t->tid, PTRACE_SYSCALL, 0);
}

/* The end of a routed madvise(): the pieces' advice back, then @ret. */
static void madvise_finish(struct tracee *t)
{
	struct user_regs_struct r = t->saved;

	if (t->npieces) {
		t->npieces--;
		set_call(&r, X64_MADVISE, I386_MADVISE,
			 t->pieces[t->npieces].start,
			 t->pieces[t->npieces].length,
			 t->pieces[t->npieces].advice);
		inject(t, &r, IN_MADV_RESTORE);
		return;
	}
	r.rax = t->result;
	t->pending = IDLE;
	ptrace(PTRACE_SETREGS, t->tid, 0, &r);
	/* A signal held back during the chain: sent again, delivered now. */
	if (t->deferred_sig)
		syscall(SYS_tgkill, t->proc->tgid, t->tid, t->deferred_sig);
	t->deferred_sig = 0;
	resume(t->tid, PTRACE_CONT, 0);
}

/* The exit of MAPDEV_IOC_MADVISE: done, or a piece to split first. */
static void madvise_exit(struct tracee *t, int64_t ret)
{
	struct mapdev_madvise req;
	struct user_regs_struct r = t->saved;

	bool split = ret == -EAGAIN && t->npieces < MAX_PIECES &&
		     !peek(t->tid, t->req, &req, sizeof(req)) &&
		     req.split_length;

	put_back(t);
	if (split) {
		t->pieces[t->npieces].start = req.split_start;
		t->pieces[t->npieces].length = req.split_length;
		t->pieces[t->npieces].advice = req.restore_advice;
		t->npieces++;
		set_call(&r, X64_MADVISE, I386_MADVISE, req.split_start,
			 req.split_length, req.split_advice);
		inject(t, &r, IN_MADV_SPLIT);
		return;
	}
	if (ret)
		count_failure(&t->proc->s, -ret);
	else
		t->proc->s.madvise_routed++;
	t->result = ret;
	madvise_finish(t);
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

/* Any request the tracer writes. */
union request {
	struct mapdev_mmap mmap;
	struct mapdev_munmap munmap;
	struct mapdev_madvise madvise;
};

/*
 * Fill @req from the trapped call.  Return: the ioctl command that makes
 * it, or 0 if it is to run natively.
 */
static unsigned int request_of(struct tracee *t,
			       const struct user_regs_struct *r,
			       union request *req)
{
	bool compat = is_compat(r);
	long nr = (long)r->orig_rax;
	uint64_t a[6];

	args_of(r, a);
	memset(req, 0, sizeof(*req));
	if (nr == (compat ? I386_MADVISE : X64_MADVISE)) {
		req->madvise.size = sizeof(req->madvise);
		req->madvise.addr = a[0];
		req->madvise.length = a[1];
		req->madvise.advice = (int32_t)a[2];
		return MAPDEV_IOC_MADVISE;
	}
	if (nr == (compat ? I386_MUNMAP : X64_MUNMAP)) {
		req->munmap.size = sizeof(req->munmap);
		req->munmap.addr = a[0];
		req->munmap.length = a[1];
		return MAPDEV_IOC_MUNMAP;
	}
	req->mmap.size = sizeof(req->mmap);
	if (compat && nr == I386_OLD_MMAP) {
		/* old_mmap(struct mmap_arg_struct *): six 32-bit words. */
		uint32_t w[6];

		if (peek(t->tid, a[0], w, sizeof(w)))
			return 0;		/* EFAULT, natively */
		for (int i = 0; i < 6; i++)
			a[i] = w[i];
	} else if (compat && nr == I386_MMAP2) {
		req->mmap.flags = MAPDEV_MMAP_OFFSET_PAGES;
	} else if (compat || nr != X64_MMAP) {
		return 0;
	}
	req->mmap.addr = a[0];
	req->mmap.length = a[1];
	req->mmap.prot = (int32_t)a[2];
	req->mmap.map_flags = (int32_t)a[3];
	req->mmap.fd = (int32_t)a[4];
	req->mmap.offset = compat && nr == I386_OLD_MMAP ? (uint32_t)a[5] :
			   a[5];
	return MAPDEV_IOC_MMAP;
}

/* The seccomp stop of a trapped call: turned into the ioctl. */
static void on_seccomp(struct tracee *t)
{
	struct user_regs_struct r;
	union request req;
	unsigned int cmd;
	uint64_t at;

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
	if (!holds_device(t)) {
		open_device(t, &r);
		return;
	}
	at = scratch(&r, sizeof(req));
	cmd = request_of(t, &r, &req);
	if (!cmd || peek(t->tid, at, t->under, sizeof(req)) ||
	    poke(t->tid, at, &req, sizeof(req))) {
		t->proc->s.fell_back++;
		resume(t->tid, PTRACE_CONT, 0);
		return;
	}
	t->saved = r;
	t->req = at;
	t->cmd = cmd;
	set_call(&r, X64_IOCTL, I386_IOCTL, t->devfd, cmd, at);
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

/* A system call stop: the exit of what the tracer made the task call. */
static void on_syscall_stop(struct tracee *t)
{
	struct mapdev_preload_stats *s = &t->proc->s;
	struct ptrace_syscall_info info;
	struct user_regs_struct r;
	int64_t ret;
	uint64_t addr;

	if (t->pending == IDLE ||
	    ptrace(PTRACE_GET_SYSCALL_INFO, t->tid, sizeof(info), &info) <= 0) {
		resume(t->tid, PTRACE_CONT, 0);
		return;
	}
	/* The entry of a call the task was rewound to: on to its exit. */
	if (info.op != PTRACE_SYSCALL_INFO_EXIT) {
		resume(t->tid, PTRACE_SYSCALL, 0);
		return;
	}
	ret = info.exit.rval;
	switch (t->pending) {
	case IN_OPEN:
		if (ret >= 0) {
			t->devfd = ret;
			t->fresh_fd = true;
		} else {
			t->native = FALL_BACK;
		}
		restart(t);
		return;
	case IN_MADV_SPLIT:
		/* Split: the task's own call again, from its seccomp stop. */
		if (ret) {
			t->result = ret;
			madvise_finish(t);
		} else {
			restart(t);
		}
		return;
	case IN_MADV_RESTORE:
		madvise_finish(t);
		return;
	default:
		break;
	}
	t->pending = IDLE;
	if (t->cmd == MAPDEV_IOC_MADVISE) {
		madvise_exit(t, ret);
		return;
	}
	if (t->cmd == MAPDEV_IOC_MMAP && ret == -ENODEV && !strict) {
		put_back(t);
		t->native = PASS_THROUGH;
		restart(t);
		return;
	}
	if (!ret && t->cmd == MAPDEV_IOC_MMAP) {
		/* Unreadable only if the program mapped over its own stack. */
		if (peek(t->tid, t->req + offsetof(struct mapdev_mmap, addr),
			 &addr, sizeof(addr)))
			ret = -EFAULT;
		else
			ret = addr;
	}
	put_back(t);
	if (ret < 0 && ret >= -4095)
		count_failure(s, -ret);
	else if (t->cmd == MAPDEV_IOC_MMAP)
		s->mmap_routed++;
	else
		s->munmap_routed++;
	r = t->saved;
	r.rax = ret;
	ptrace(PTRACE_SETREGS, t->tid, 0, &r);
	resume(t->tid, PTRACE_CONT, 0);
}

/*
 * The filter: mmap and munmap of either ABI stop, and madvise() with
 * MADV_FREE or MADV_WIPEONFORK; the rest runs.
 */
static int install_filter(void)
{
	struct sock_filter f[] = {
		/* 0 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
				 offsetof(struct seccomp_data, arch)),
		/* 1 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 0, 5),
		/* 2 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
				 offsetof(struct seccomp_data, nr)),
		/* 3 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, X64_MMAP, 14, 0),
		/* 4 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, X64_MUNMAP, 13, 0),
		/* 5 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, X64_MADVISE, 8, 0),
		/* 6 */ BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		/* 7 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_I386, 0, 5),
		/* 8 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
				 offsetof(struct seccomp_data, nr)),
		/* 9 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, I386_MMAP2, 8, 0),
		/* 10 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, I386_OLD_MMAP, 7, 0),
		/* 11 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, I386_MUNMAP, 6, 0),
		/* 12 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, I386_MADVISE, 1, 0),
		/* 13 */ BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		/* 14: madvise's advice, the low word of its third argument */
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, args[2])),
		/* 15 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, MADV_FREE_NR, 2, 0),
		/* 16 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, MADV_WIPEONFORK_NR, 1, 0),
		/* 17 */ BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		/* 18 */ BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE),
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

/* How a task goes on: stopping at its next system call exit if expected. */
static int go_on(struct tracee *t)
{
	return t->pending == IDLE ? PTRACE_CONT : PTRACE_SYSCALL;
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
	pid_t tid;

	switch (event) {
	case PTRACE_EVENT_SECCOMP:
		on_seccomp(t);
		return;
	case PTRACE_EVENT_FORK:
	case PTRACE_EVENT_VFORK:
	case PTRACE_EVENT_CLONE:
		/* The child reports a stop of its own; it inherits the fd. */
		tid = t->tid;		/* add() may move the tracees */
		if (!ptrace(PTRACE_GETEVENTMSG, tid, 0, &msg) &&
		    !find((pid_t)msg))
			add((pid_t)msg, t->devfd);
		resume(tid, PTRACE_CONT, 0);
		return;
	case PTRACE_EVENT_EXEC:
		/* A thread that execs takes the leader's id, and its state. */
		if (!ptrace(PTRACE_GETEVENTMSG, t->tid, 0, &msg) &&
		    (pid_t)msg != t->tid && find((pid_t)msg)) {
			struct tracee keep = *find((pid_t)msg);

			tid = t->tid;
			keep.tid = tid;
			drop(find((pid_t)msg));
			t = find(tid);
			*t = keep;
		}
		/* A new address space: nothing pending in the old one. */
		t->pending = IDLE;
		t->native = ROUTE;
		t->npieces = 0;
		proc_comm(t->proc);
		resume(t->tid, PTRACE_CONT, 0);
		return;
	case PTRACE_EVENT_STOP:
		/* A group stop stays one; anything else goes on. */
		resume(t->tid, group_stop(sig) ? PTRACE_LISTEN : go_on(t), 0);
		return;
	case 0:
		if (sig == (SIGTRAP | 0x80)) {
			on_syscall_stop(t);
			return;
		}
		/*
		 * A signal for the task: delivered as without the tracer,
		 * but not while it runs calls of the tracer's (a madvise()
		 * chain): its handler would see them.  Sent again after.
		 */
		if (t->pending == IN_MADV_SPLIT ||
		    t->pending == IN_MADV_RESTORE) {
			t->deferred_sig = sig;
			sig = 0;
		}
		resume(t->tid, go_on(t), sig);
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

	struct stat st;

	strict = strict_mode;
	devfd = device_fd();
	if (devfd < 0 || fstat(devfd, &st))
		return -1;
	device_rdev = st.st_rdev;
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
	/* The program gets the signals a terminal sends: wait it out. */
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
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
