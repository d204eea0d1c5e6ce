/*
 * init.c - the guest's /init: runs the workloads named on the kernel
 * command line inside the Linux 2.4 kernel under test, reports over the
 * second serial port, then ends the QEMU run.
 *
 * Freestanding i386 C, no libc (see sys.h).  The host reads the report
 * channel (/dev/ttyS1 = QEMU's second -serial) line by line:
 *
 *	LRULAB guest 1			first line: the report format version
 *	cpus N				processors listed in /proc/cpuinfo
 *	test NAME pass|fail DETAIL	one line per workload
 *	proc KEY VALUE			selected /proc lines (meminfo, lrulab)
 *	done STATUS			last line: 0 when every workload passed
 *
 * Kernel messages (BUG, Oops, panic) go to the console, ttyS0, and are
 * judged by the host, never by this program.  The run ends with an outb to
 * QEMU's isa-debug-exit port, so QEMU's exit status is (STATUS << 1) | 1.
 *
 * Workloads are chosen by words on the kernel command line, which the
 * kernel passes to init as arguments: "smoke" (the default), "cow", "pin"
 * "pressure" and "race" (these three need the harness patch: /proc/lrulab), and
 * "swap" (needs a swap disk as hda: the host adds one for this workload).
 */
#include "sys.h"

#define DEBUG_EXIT_PORT	0xf4
#define PAGE		4096

static int report = -1;		/* fd of /dev/ttyS1 */
static int failures;

/* --- output ----------------------------------------------------------- */

static size_t slen(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

static int seq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

static int starts(const char *s, const char *prefix)
{
	while (*prefix)
		if (*s++ != *prefix++)
			return 0;
	return 1;
}

static void put(int fd, const char *s)
{
	sys3(NR_write, fd, (int)s, slen(s));
}

/* A report line goes to the report channel and, for a human, the console. */
static void line(const char *a, const char *b, const char *c)
{
	int fds[2] = { report, 1 };
	int i;

	for (i = 0; i < 2; i++) {
		if (fds[i] < 0)
			continue;
		put(fds[i], a);
		if (b) {
			put(fds[i], " ");
			put(fds[i], b);
		}
		if (c) {
			put(fds[i], " ");
			put(fds[i], c);
		}
		put(fds[i], "\n");
	}
}

static void result(const char *name, int ok, const char *detail)
{
	char buf[128];
	size_t n = 0, k;
	const char *parts[3] = { name, ok ? "pass" : "fail", detail };

	for (k = 0; k < 3; k++) {
		const char *p = parts[k];
		while (p && *p && n < sizeof(buf) - 2)
			buf[n++] = *p++;
		if (k < 2 && n < sizeof(buf) - 2)
			buf[n++] = ' ';
	}
	buf[n] = 0;
	if (!ok)
		failures++;
	line("test", buf, 0);
}

/* --- /proc ------------------------------------------------------------- */

static char procbuf[8192];

static int readfile(const char *path)
{
	int fd = sys3(NR_open, (int)path, O_RDONLY, 0), n, total = 0;

	if (fd < 0)
		return fd;
	while (total < (int)sizeof(procbuf) - 1 &&
	       (n = sys3(NR_read, fd, (int)procbuf + total,
			 sizeof(procbuf) - 1 - total)) > 0)
		total += n;
	sys1(NR_close, fd);
	procbuf[total] = 0;
	return total;
}

/* Copy each line of a /proc file to the report as "proc FILE LINE". */
static void forward(const char *path, const char *tag)
{
	char *p, *nl;

	if (readfile(path) < 0)
		return;
	for (p = procbuf; *p; p = nl + 1) {
		for (nl = p; *nl && *nl != '\n'; nl++)
			;
		if (!*nl)
			break;
		*nl = 0;
		line("proc", tag, p);
	}
}

static int count_cpus(void)
{
	int n = 0;
	char *p;

	if (readfile("/proc/cpuinfo") < 0)
		return 0;
	for (p = procbuf; *p; p++)
		if ((p == procbuf || p[-1] == '\n') && p[0] == 'p' &&
		    p[1] == 'r' && p[2] == 'o' && p[3] == 'c')
			n++;
	return n;
}

/* --- workloads --------------------------------------------------------- */

/* One command written to /proc/lrulab: 0, or -errno (no harness: -ENOENT). */
static int lrulab_cmd(const char *cmd)
{
	int fd = sys3(NR_open, (int)"/proc/lrulab", O_WRONLY, 0);
	int r = fd < 0 ? fd : sys3(NR_write, fd, (int)cmd, slen(cmd));

	if (fd >= 0)
		sys1(NR_close, fd);
	return r < 0 ? r : 0;
}

static char *map_anon(int pages)
{
	int r = sys6(NR_mmap2, 0, pages * PAGE, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return (r < 0 && r > -4096) ? 0 : (char *)r;
}

/*
 * A quiet moment (no other process of ours runs): the harness reports each
 * in-use page that a release hook took off the LRU (LRULAB-CHECK lines on
 * the console).  Without the harness the write fails, harmlessly.
 */
static void checkpoint(void)
{
	lrulab_cmd("check\n");
}

/*
 * Copy-on-write storm: the parent fills an anonymous area, forks children
 * that each rewrite every page (breaking COW in do_wp_page) and check it,
 * then the parent checks its own copy was untouched.  Pages freed by the
 * exiting children and by munmap pass through the lab hooks.
 */
static void workload_cow(int children, int pages, int rounds)
{
	char *area = map_anon(pages);
	int round, c, i, status, bad = 0;

	if (!area) {
		result("cow", 0, "mmap failed");
		return;
	}
	for (round = 0; round < rounds; round++) {
		for (i = 0; i < pages; i++)
			*(int *)(area + i * PAGE) = round * 100000 + i;
		for (c = 0; c < children; c++) {
			int pid = sys0(NR_fork);
			if (pid == 0) {
				for (i = 0; i < pages; i++) {
					int *w = (int *)(area + i * PAGE);
					if (*w != round * 100000 + i)
						sys1(NR_exit, 2);
					*w = -(c + 1);
				}
				for (i = 0; i < pages; i++)
					if (*(int *)(area + i * PAGE) != -(c + 1))
						sys1(NR_exit, 3);
				sys1(NR_exit, 0);
			}
			if (pid < 0)
				bad++;
		}
		for (c = 0; c < children; c++) {
			status = 0;
			if (sys3(NR_waitpid, -1, (int)&status, 0) < 0 ||
			    status != 0)
				bad++;
		}
		checkpoint();	/* the parent still maps every old page */
		for (i = 0; i < pages; i++)
			if (*(int *)(area + i * PAGE) != round * 100000 + i)
				bad++;
	}
	sys2(NR_munmap, (int)area, pages * PAGE);
	result("cow", bad == 0, bad ? "children or parent saw wrong data" :
	       "children x pages x rounds intact");
}

/* Value of "name N" in /proc/lrulab (or "Name: N kB" in meminfo), -1 if absent. */
static int procval(const char *path, const char *name)
{
	char *p = procbuf;
	size_t n = slen(name);

	if (readfile(path) < 0)
		return -1;
	while (*p) {
		size_t i = 0;
		while (i < n && p[i] == name[i])
			i++;
		if (i == n && (p[n] == ' ' || p[n] == ':')) {
			int v = 0;
			p += n + 1;
			while (*p == ' ')
				p++;
			while (*p >= '0' && *p <= '9')
				v = v * 10 + (*p++ - '0');
			return v;
		}
		while (*p && *p != '\n')
			p++;
		if (*p)
			p++;
	}
	return -1;
}

static void sleep_ms(int ms)
{
	int ts[2] = { ms / 1000, (ms % 1000) * 1000000 };

	sys2(NR_nanosleep, (int)ts, 0);
}

static char *fmt(char *buf, unsigned int v)
{
	char tmp[12];
	int i = 0;

	do {
		tmp[i++] = '0' + v % 10;
		v /= 10;
	} while (v);
	while (i)
		*buf++ = tmp[--i];
	*buf = 0;
	return buf;
}

/* Ask the harness to pin pages and drop them from a timer: 0 or -errno. */
static int request_pin(char *area, int pages, int delay_ms)
{
	char cmd[64], *e = cmd;

	*e++ = 'p'; *e++ = 'i'; *e++ = 'n'; *e++ = ' ';
	e = fmt(e, (unsigned int)area);
	*e++ = ' ';
	e = fmt(e, pages);
	*e++ = ' ';
	e = fmt(e, delay_ms);
	*e++ = '\n';
	*e = 0;
	return lrulab_cmd(cmd);
}

/*
 * Interrupt-time frees, as AIO would do them: touch anonymous pages (so they
 * are on the LRU), have the harness pin them, unmap them, and let the
 * harness drop the last references from a timer (bottom-half context).
 */
static void workload_pin(int pages, int delay_ms)
{
	char *area = map_anon(pages);
	int i, r, before, after;

	if (!area) {
		result("pin", 0, "mmap failed");
		return;
	}
	for (i = 0; i < pages; i++)
		area[i * PAGE] = 1;
	before = procval("/proc/lrulab", "unpinned");
	r = request_pin(area, pages, delay_ms);
	if (r < 0) {
		char why[64] = "write to /proc/lrulab failed: errno ";
		fmt(why + slen(why), -r);
		result("pin", 0, why);
		return;
	}
	sys2(NR_munmap, (int)area, pages * PAGE);
	sleep_ms(delay_ms + 400);
	after = procval("/proc/lrulab", "unpinned");
	result("pin", after - before == pages,
	       after - before == pages ? "all pinned pages released by the timer" :
	       "the timer did not release every pinned page");
}

/*
 * The 7 Feb 2002 race, for SMP: a child keeps the machine under memory
 * pressure (shrink_cache scanning) while the parent has pinned pages
 * released from a timer, round after round.  With the harness's delay
 * point (lrulab_delay=US) an interrupt-time free of an LRU page waits
 * between its count reaching 0 and the hook, where shrink_cache on the
 * other CPU can meet it.  The verdict is the kernel's (double free check).
 */
static void workload_race(int rounds)
{
	int pid = sys0(NR_fork), r, bad = 0, status;

	if (pid == 0) {
		for (;;) {
			int free_kb = procval("/proc/meminfo", "MemFree");
			int pages = free_kb > 1024 ? (free_kb - 512) / 4 : 64;
			char *area = map_anon(pages);
			int i;
			if (!area)
				continue;
			for (i = 0; i < pages; i++)
				area[i * PAGE] = (char)i;
			sys2(NR_munmap, (int)area, pages * PAGE);
		}
	}
	for (r = 0; r < rounds; r++) {
		char *area = map_anon(64);
		int i;
		if (!area) {
			bad++;
			continue;
		}
		for (i = 0; i < 64; i++)
			area[i * PAGE] = 1;
		if (request_pin(area, 64, 20) < 0)
			bad++;
		sys2(NR_munmap, (int)area, 64 * PAGE);
		sleep_ms(150);
	}
	if (pid > 0) {
		sys2(NR_kill, pid, 9);
		sys3(NR_waitpid, pid, (int)&status, 0);
	}
	result("race", bad == 0 && pid > 0, bad ? "pinning failed" :
	       "rounds of timer frees under memory pressure done");
}

/*
 * Memory pressure, so that shrink_cache runs and meets what was left on the
 * LRU: a child touches nearly all free memory, then exits.  An OOM kill of
 * the child is acceptable; init itself stays small.  Pages still left on
 * the LRU after the last round are a leak, judged by the host.
 */
static void workload_pressure(int rounds)
{
	int r, bad = 0;

	/* at least `rounds`; more (up to 4x) while the harness still counts
	 * count-0 pages on the LRU, which shrink_cache frees "in due course" */
	for (r = 0; r < rounds * 4; r++) {
		if (r >= rounds && procval("/proc/lrulab", "lru_zero_count") <= 0)
			break;
		int free_kb = procval("/proc/meminfo", "MemFree");
		int pages = free_kb > 1024 ? (free_kb - 256) / 4 : 64;
		int pid = sys0(NR_fork), status = 0;

		if (pid == 0) {
			char *area = map_anon(pages);
			int i;
			if (!area)
				sys1(NR_exit, 2);
			for (i = 0; i < pages; i++)
				area[i * PAGE] = (char)i;
			sys1(NR_exit, 0);
		}
		if (pid < 0 || sys3(NR_waitpid, pid, (int)&status, 0) < 0)
			bad++;
		else if ((status & 0x7f) == 0 && (status >> 8) != 0)
			bad++;		/* exited with an error; a signal (OOM) is fine */
	}
	result("pressure", bad == 0, bad ? "pressure child failed" :
	       "children touched nearly all free memory");
}

/*
 * Swap: swapon /dev/hda, then touch more anonymous memory than the guest
 * has, so pages go out to swap and come back through the swap cache; a
 * child inherits the swapped area (COW of swapped pages), rewrites part of
 * it and exits; the parent checks every page, unmaps half (zap_pte_range
 * on swap entries and swap-cache pages: free_swap_and_cache and
 * free_page_and_swap_cache), checks the rest again and unmaps it.
 */
static void workload_swap(int mb)
{
	int pages = mb * 256, i, bad = 0, pid, status = 0, swapped;
	char *area, detail[64] = "all data intact; kB in swap before unmapping: ";

	if (sys2(NR_swapon, (int)"/dev/hda", 0) < 0) {
		result("swap", 0, "swapon /dev/hda failed (no swap disk?)");
		return;
	}
	area = map_anon(pages);
	if (!area) {
		result("swap", 0, "mmap failed");
		return;
	}
	for (i = 0; i < pages; i++)
		*(int *)(area + i * PAGE) = i ^ 0x5a5a;
	pid = sys0(NR_fork);
	if (pid == 0) {
		for (i = 0; i < pages; i += 4)
			*(int *)(area + i * PAGE) = -i;
		for (i = 0; i < pages; i++)
			if (*(int *)(area + i * PAGE) != ((i % 4) ? (i ^ 0x5a5a) : -i))
				sys1(NR_exit, 3);
		sys1(NR_exit, 0);
	}
	if (pid < 0 || sys3(NR_waitpid, pid, (int)&status, 0) < 0 || status != 0)
		bad++;
	checkpoint();	/* the child is gone, the parent maps every page */
	for (i = 0; i < pages; i++)
		if (*(int *)(area + i * PAGE) != (i ^ 0x5a5a))
			bad++;
	swapped = procval("/proc/meminfo", "SwapTotal") - procval("/proc/meminfo", "SwapFree");
	sys2(NR_munmap, (int)area, pages / 2 * PAGE);
	for (i = pages / 2; i < pages; i++)
		if (*(int *)(area + i * PAGE) != (i ^ 0x5a5a))
			bad++;
	sys2(NR_munmap, (int)(area + pages / 2 * PAGE), (pages - pages / 2) * PAGE);
	checkpoint();	/* what the swap cache still holds must be on the LRU */
	fmt(detail + slen(detail), swapped > 0 ? swapped : 0);
	if (swapped <= 0)
		bad++;
	result("swap", bad == 0, bad ? "data lost, child failed or nothing swapped" : detail);
}

/*
 * A directed replay (the host's "directed:RULE" word, runner/kernel/replay.py):
 * the model's scenario for a schedule the model failed, built on one page
 * of ours, with the rule scoped to that page, so that the two contexts of
 * the schedule meet on it whatever else the kernel is doing.  The verdict
 * is the kernel's checks'; this test only says whether the schedule was met.
 */
static char *copy(char *to, const char *from)
{
	while (*from)
		*to++ = *from++;
	*to = 0;
	return to;
}

/* "replay RULE ADDR": the rule, for the page mapped at area */
static int arm(const char *rule, char *area)
{
	char cmd[96], *e;

	if (slen(rule) > 60)
		return -22;
	e = copy(copy(cmd, "replay "), rule);
	*e++ = ' ';
	e = fmt(e, (unsigned int)area);
	copy(e, "\n");
	return lrulab_cmd(cmd);
}

/*
 * aio-munmap / put-vs-shrink: an anonymous LRU page whose last reference is
 * the pin's; its release runs at interrupt time on cpu1 and waits at the
 * rule's point (before __free_pages_ok's hook) while this process, on
 * cpu0, runs shrink_cache, which meets the page first.  Then kswapd's
 * second look: the page left on the LRU is freed.
 */
static int directed_free(const char *rule)
{
	char *area = map_anon(1);

	if (!area)
		return -12;
	area[0] = 1;
	if (arm(rule, area) || request_pin(area, 1, 60000))
		return -1;
	sys2(NR_munmap, (int)area, PAGE);
	if (lrulab_cmd("unpin-other\n") || lrulab_cmd("await-hold\n") ||
	    lrulab_cmd("shrink 1\n"))
		return -2;
	sleep_ms(50);
	return lrulab_cmd("shrink 1\n") ? -3 : 0;
}

/*
 * cow-reclaim: a page shared after fork; this process breaks COW on it on
 * cpu0 and waits at the rule's point (before do_wp_page's release hook)
 * while the child, on cpu1, unmaps it (free_page_and_swap_cache).  Then
 * kswapd's look at what is left.
 */
static int directed_wp(const char *rule)
{
	char *area = map_anon(1), ready;
	int fds[2], pid, status = 0;

	if (!area || sys1(NR_pipe, (int)fds) < 0)
		return -12;
	area[0] = 1;
	if (arm(rule, area))
		return -1;
	pid = sys0(NR_fork);
	if (pid == 0) {
		lrulab_cmd("bind 1\n");
		sys3(NR_write, fds[1], (int)"r", 1);
		if (lrulab_cmd("await-hold\n"))
			sys1(NR_exit, 2);
		sys2(NR_munmap, (int)area, PAGE);
		sys1(NR_exit, 0);
	}
	if (pid < 0 || sys3(NR_read, fds[0], (int)&ready, 1) != 1)
		return -2;
	area[0] = 2;		/* the COW break */
	if (sys3(NR_waitpid, pid, (int)&status, 0) < 0 || status != 0 || area[0] != 2)
		return -3;
	sys1(NR_close, fds[0]);
	sys1(NR_close, fds[1]);
	return lrulab_cmd("shrink 1\n") ? -4 : 0;
}

static void workload_directed(const char *rule)
{
	char detail[80];
	int tries, r = -22, met = 0;
	int (*scenario)(const char *) = starts(rule, "hold:free:") ? directed_free :
		starts(rule, "hold:wp:") ? directed_wp : 0;

	if (!scenario || count_cpus() != 2 || lrulab_cmd("bind 0\n")) {
		result("directed", 0, "no directed scenario for this rule on this kernel");
		return;
	}
	/* a wait not met (a vCPU the host did not run for 500 ms) is tried anew */
	for (tries = 0; tries < 3 && !met; tries++) {
		r = scenario(rule);
		met = procval("/proc/lrulab", "replay_met") > 0;
	}
	checkpoint();
	copy(fmt(copy(detail, met ? "schedule met; tries " : "schedule not met; tries "),
		 tries), r ? "; a step failed" : "");
	result("directed", r == 0, detail);
}

/* --- end of run -------------------------------------------------------- */

static void finish(void)
{
	char st[2] = { '0' + (failures > 9 ? 9 : failures), 0 };

	forward("/proc/meminfo", "meminfo");
	forward("/proc/lrulab", "lrulab");
	line("done", st, 0);
	sys3(NR_ioctl, report, TCSBRK, 1);	/* drain the serial ports */
	sys3(NR_ioctl, 1, TCSBRK, 1);
	if (sys1(NR_iopl, 3) == 0)
		outb(failures > 9 ? 9 : failures, DEBUG_EXIT_PORT);
	/* No isa-debug-exit device: restart, which -no-reboot turns into exit. */
	sys5(NR_reboot, 0xfee1dead, 672274793, 0x01234567, 0, 0);
	for (;;)
		sys1(NR_nanosleep, 0);
}

int main(int argc, char **argv)
{
	int i, smoke = 1;

	sys1(NR_mkdir, (int)"/proc");
	sys5(NR_mount, (int)"proc", (int)"/proc", (int)"proc", 0, 0);
	report = sys3(NR_open, (int)"/dev/ttyS1", O_RDWR | O_NOCTTY, 0);
	line("LRULAB", "guest", "1");
	{
		char n[2] = { '0' + count_cpus() % 10, 0 };
		line("cpus", n, 0);
	}
	for (i = 1; i < argc; i++) {
		if (seq(argv[i], "cow")) {
			workload_cow(4, 512, 3);
			smoke = 0;
		} else if (seq(argv[i], "pin")) {
			workload_pin(64, 100);
			smoke = 0;
		} else if (seq(argv[i], "race")) {
			workload_race(20);
			smoke = 0;
		} else if (seq(argv[i], "swap")) {
			workload_swap(40);
			smoke = 0;
		} else if (starts(argv[i], "directed:")) {
			workload_directed(argv[i] + slen("directed:"));
			smoke = 0;
		} else if (seq(argv[i], "pressure")) {
			workload_pressure(3);
			smoke = 0;
		}
	}
	if (smoke)
		result("smoke", report >= 0, report >= 0 ? "init ran" :
		       "cannot open /dev/ttyS1");
	finish();
	return 0;
}

/* The entry point: the kernel starts /init with argc, argv, envp on the stack. */
__asm__(".globl _start\n"
	"_start:\n\t"
	"xorl %ebp, %ebp\n\t"
	"movl (%esp), %eax\n\t"
	"leal 4(%esp), %edx\n\t"
	"andl $-16, %esp\n\t"
	"pushl %edx\n\t"
	"pushl %eax\n\t"
	"call main\n\t"
	"movl %eax, %ebx\n\t"
	"movl $1, %eax\n\t"
	"int $0x80\n");
