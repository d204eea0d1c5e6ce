/*
 * The simulated machine: contexts as coroutines (started with makecontext,
 * switched with _setjmp/_longjmp, which unlike swapcontext make no system
 * call to save the signal mask at every switch), one scheduler
 * loop that asks a chooser what happens at every yield point, the trace,
 * and failure reporting.  A run starts from mm_reset() and a scenario's
 * setup, and ends at quiescence (after the epilogue's reclaim pass and the
 * quiescence checks) or at the first failure of an enabled checker.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <ucontext.h>
#include <unistd.h>

#include "lrulab/explore.h"
#include "lrulab/mm.h"
#include "lrulab/weak.h"

#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/common_interface_defs.h>
#define CTX_STACK_SIZE	(256 * 1024)
#else
#define CTX_STACK_SIZE	(64 * 1024)
#endif

struct sim sim;
long sim_stop_step;
void (*sim_switch_in)(struct sim_ctx *c);
void (*sim_switch_out)(struct sim_ctx *c);

const char *const checker_names[NR_CHECKERS] = {
	[CHK_DOUBLE_FREE] = "double-free",
	[CHK_USE_AFTER_FREE] = "use-after-free",
	[CHK_UNDERFLOW] = "refcount-underflow",
	[CHK_LEAK] = "leak",
	[CHK_LRU_CORRUPTION] = "lru-corruption",
	[CHK_LRU_LOST] = "lru-lost",
	[CHK_BUG] = "bug",
	[CHK_IRQ_SAFETY] = "irq-safety",
	[CHK_DEADLOCK] = "deadlock",
	[CHK_STEP_LIMIT] = "step-limit",
	[CHK_NR_PAGES] = "nr-pages",
	[CHK_OOPS] = "oops",
};

/*
 * A stack's trampoline is made once (getcontext and setcontext each make a
 * system call for the signal mask); every context that runs on the stack
 * after the first starts by a jump to ctx_start, in the trampoline.
 */
static ucontext_t ctx_uctx[SIM_MAX_CTX];
static bool ctx_made[SIM_MAX_CTX];
static jmp_buf sched_jmp, ctx_jmp[SIM_MAX_CTX], ctx_start[SIM_MAX_CTX];
static void *ctx_stacks[SIM_MAX_CTX];
static volatile bool on_ctx_stack;	/* a coroutine runs, not the scheduler */
static struct chooser *run_chooser;	/* the run's, for value choices */
static struct run_result *run_out;
static bool step_chose_value;		/* a weak load of this step had a choice */

#ifdef __SANITIZE_ADDRESS__
static const void *main_stack_bottom;
static size_t main_stack_size;
#endif

bool sim_checker_on(enum checker checker)
{
	return (sim.cfg.checkers | FATAL_CHECKERS) & (1u << checker);
}

static void ident(struct ctx_ident *out, int id)
{
	out->id = id;
	if (id < 0 || id >= sim.nr_ctx) {
		*out = (struct ctx_ident){ .id = -1, .cpu = -1, .name = NULL };
		return;
	}
	out->kind = sim.ctx[id].kind;
	out->cpu = sim.ctx[id].cpu;
	out->name = sim.ctx[id].name;
}

static bool same_ident(const struct ctx_ident *a, const struct ctx_ident *b)
{
	if (a->id < 0 || b->id < 0)
		return a->id < 0 && b->id < 0;
	return a->kind == b->kind && a->name && b->name && !strcmp(a->name, b->name);
}

bool same_failure(const struct sim_failure *a, const struct sim_failure *b)
{
	return a->checker == b->checker && a->page == b->page &&
	       same_ident(&a->who, &b->who) && same_ident(&a->other, &b->other);
}

const char *ctx_kind_name(enum ctx_kind kind)
{
	switch (kind) {
	case CTX_TASK:
		return "task";
	case CTX_SOFTIRQ:
		return "softirq";
	case CTX_HARDIRQ:
		return "hardirq";
	}
	return "?";
}

const char *ctx_describe(int id, char *buf, size_t len)
{
	if (id < 0 || id >= sim.nr_ctx) {
		snprintf(buf, len, "(none)");
		return buf;
	}
	snprintf(buf, len, "cpu%d %s %s", sim.ctx[id].cpu,
		 ctx_kind_name(sim.ctx[id].kind), sim.ctx[id].name);
	return buf;
}

struct sim_ctx *sim_current(void)
{
	return sim.running < 0 ? NULL : &sim.ctx[sim.running];
}

/* --- footprints (--por on) --------------------------------------------- */

static void fp_set(unsigned long long *m, int bit)
{
	m[bit / 64] |= 1ULL << (bit % 64);
}

static void fp_touch(struct footprint *fp, int bit, bool write)
{
	fp_set(write ? fp->w : fp->r, bit);
}

bool fp_independent(const struct footprint *a, const struct footprint *b)
{
	int i;

	if (a->all || b->all)
		return false;
	for (i = 0; i < 2; i++)
		if ((a->w[i] & (b->r[i] | b->w[i])) || (b->w[i] & a->r[i]))
			return false;
	return true;
}

/*
 * The locks the model has seen, each with its bit; the same addresses in
 * every run (they are the model's statics).  A lock beyond the table makes
 * its steps touch everything.
 */
static const struct spinlock *fp_locks[FP_NR_LOCKS];
static int fp_nr_locks;

static int fp_lock_bit(const struct spinlock *lock)
{
	int i;

	for (i = 0; i < fp_nr_locks; i++)
		if (fp_locks[i] == lock)
			return FP_LOCK(i);
	if (fp_nr_locks == FP_NR_LOCKS)
		return -1;
	fp_locks[fp_nr_locks] = lock;
	return FP_LOCK(fp_nr_locks++);
}

/*
 * Each lock @c holds: the data it guards may be touched at any step.  The
 * holder of pagemap_lru_lock also reads the LRU lists, which a list
 * operation that forgot the lock writes (the writes of the holder are list
 * operations or counts, found as such).
 */
static void fp_held_locks(struct footprint *fp, const struct sim_ctx *c)
{
	int i;

	for (i = 0; i < fp_nr_locks; i++)
		if (fp_locks[i]->owner == c->id) {
			fp_touch(fp, FP_LOCK(i), true);
			if (fp_locks[i] == &pagemap_lru_lock)
				fp_touch(fp, FP_LRU, false);
		}
}

static bool starts_with(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

/*
 * What the step announced at a yield touches, from the primitive's name:
 * the plain loads (page_count, test_bit and the Page*() tests) only read
 * their page; every other page primitive writes it; a list operation
 * writes the LRU lists and the neighbours' links and its check reads every
 * page on them; lock operations write the lock; the irq flag is the cpu's;
 * barriers act on the cpu's own view of memory only.  What the code after
 * the primitive does until the next yield is found by sim_run (the locks
 * held, the words it changed); a name not known here touches everything.
 */
static void fp_announce(struct footprint *fp, const char *what,
			const struct page *page, const struct spinlock *lock,
			const struct sim_ctx *c)
{
	memset(fp, 0, sizeof(*fp));
	if (page) {
		if (starts_with(what, "list_")) {
			/* the links are the lists' (FP_LRU), not the page's */
			fp_touch(fp, FP_LRU, true);
			fp_touch(fp, FP_PAGE(page->id), false);
			fp->lists = true;
			return;
		}
		fp_touch(fp, FP_PAGE(page->id), !(starts_with(what, "Page") ||
						  !strcmp(what, "page_count") ||
						  !strcmp(what, "test_bit")));
		return;
	}
	if (lock) {
		int bit = fp_lock_bit(lock);

		if (bit < 0)
			fp->all = true;
		else
			fp_touch(fp, bit, true);
		return;
	}
	if (!strcmp(what, "load static") || !strcmp(what, "store static")) {
		fp_touch(fp, FP_STATIC, what[0] == 's');
		return;
	}
	if (starts_with(what, "local_irq_")) {
		fp_touch(fp, FP_CPU(c->cpu), true);
		return;
	}
	if (starts_with(what, "smp_"))
		return;
	fp->all = true;			/* "start", or a primitive not known here */
}

/*
 * The shared state no primitive names, copied before a step and compared
 * after it: a change to a page's fields is a write of the page (of its
 * links, of the LRU lists), a pte's of the pages it maps (the free path's
 * checks read it under that page's step); any other change (the swap map,
 * the swap cache's size) touches everything, so that the reads of it that
 * no step names are never reordered with it.
 */
static struct {
	struct page pages[NR_PAGES];
	pte_t pte[NR_MMS][NR_PTES];
	unsigned char swap_map[NR_SWAP], swap_held_elsewhere[NR_SWAP];
	int nr_swap_pages, total_swap_pages;
	struct address_space swapper_space;
	struct list_head active_list, inactive_list;
	int nr_active_pages, nr_inactive_pages;
} fp_before;

/*
 * A context's first step runs the scenario's code up to its first
 * primitive.  What it changes sim_run finds; what it reads is taken to be
 * the lists' sizes (reclaim's scan length), the lab's statics, and the
 * pages it changes: a scenario's task works on its own pages, handed to it
 * by a step that wrote them (a kiobuf's pins, a pte).
 */
static void fp_start(struct footprint *fp)
{
	memset(fp, 0, sizeof(*fp));
	fp_touch(fp, FP_STATIC, false);
	fp_touch(fp, FP_LRU, false);
}

static void fp_snapshot(void)
{
	int i;

	memcpy(fp_before.pages, mem_map, sizeof(mem_map));
	for (i = 0; i < NR_MMS; i++)
		memcpy(fp_before.pte[i], mms[i].pte, sizeof(mms[i].pte));
	memcpy(fp_before.swap_map, swap_map, sizeof(swap_map));
	memcpy(fp_before.swap_held_elsewhere, swap_held_elsewhere,
	       sizeof(swap_held_elsewhere));
	fp_before.nr_swap_pages = nr_swap_pages;
	fp_before.total_swap_pages = total_swap_pages;
	fp_before.swapper_space = swapper_space;
	fp_before.active_list = active_list;
	fp_before.inactive_list = inactive_list;
	fp_before.nr_active_pages = nr_active_pages;
	fp_before.nr_inactive_pages = nr_inactive_pages;
}

/*
 * A list operation's check (mm_check_lru) reads the flags of every page on
 * the lists: those on them before the step and after it.  A list too
 * broken to walk makes the step touch everything.
 */
static void fp_lru_pages(struct footprint *fp)
{
	const struct list_head *heads[2] = { &active_list, &inactive_list };
	int h, n;

	for (h = 0; h < 2; h++) {
		const struct list_head *pos = heads[h]->next;

		for (n = 0; pos != heads[h]; n++, pos = pos->next) {
			uintptr_t at = (uintptr_t)pos - offsetof(struct page, lru);
			uintptr_t base = (uintptr_t)mem_map;
			const struct page *page;

			if (n > NR_PAGES || at < base || at >= base + sizeof(mem_map) ||
			    (at - base) % sizeof(struct page)) {
				fp->all = true;
				return;
			}
			page = &mem_map[(at - base) / sizeof(struct page)];
			fp_touch(fp, FP_PAGE(page->id), false);
		}
	}
}

/* A pte changed: the pages it mapped and maps now (their checks read it). */
static void fp_pte(struct footprint *fp, const pte_t *a, const pte_t *b)
{
	if (a->swap != b->swap)
		fp->all = true;
	if (a->page)
		fp_touch(fp, FP_PAGE(a->page->id), true);
	if (b->page)
		fp_touch(fp, FP_PAGE(b->page->id), true);
}

static void fp_changes(struct footprint *fp)
{
	/* most steps change one page or none: compare the whole first */
	bool pages = memcmp(fp_before.pages, mem_map, sizeof(mem_map));
	int i, j;

	for (i = 0; pages && i < NR_PAGES; i++) {
		const struct page *a = &fp_before.pages[i], *b = &mem_map[i];

		if (!memcmp(a, b, sizeof(*a)))
			continue;
		if (a->lru.next != b->lru.next || a->lru.prev != b->lru.prev)
			fp_touch(fp, FP_LRU, true);
		if (a->count.counter != b->count.counter || a->flags != b->flags ||
		    a->mapping != b->mapping || a->index != b->index ||
		    a->buffers != b->buffers || a->free != b->free ||
		    a->pins != b->pins || a->freed_by != b->freed_by ||
		    a->was_active != b->was_active)
			fp_touch(fp, FP_PAGE(i), true);
	}
	if (memcmp(&fp_before.active_list, &active_list, sizeof(active_list)) ||
	    memcmp(&fp_before.inactive_list, &inactive_list, sizeof(inactive_list)) ||
	    fp_before.nr_active_pages != nr_active_pages ||
	    fp_before.nr_inactive_pages != nr_inactive_pages)
		fp_touch(fp, FP_LRU, true);
	for (i = 0; i < NR_MMS; i++)
		if (memcmp(fp_before.pte[i], mms[i].pte, sizeof(mms[i].pte)))
			for (j = 0; j < NR_PTES; j++)
				if (memcmp(&fp_before.pte[i][j], &mms[i].pte[j],
					   sizeof(pte_t)))
					fp_pte(fp, &fp_before.pte[i][j], &mms[i].pte[j]);
	if (memcmp(fp_before.swap_map, swap_map, sizeof(swap_map)) ||
	    memcmp(fp_before.swap_held_elsewhere, swap_held_elsewhere,
		   sizeof(swap_held_elsewhere)) ||
	    fp_before.nr_swap_pages != nr_swap_pages ||
	    fp_before.total_swap_pages != total_swap_pages ||
	    memcmp(&fp_before.swapper_space, &swapper_space, sizeof(swapper_space)))
		fp->all = true;
}

static struct sim_ctx *new_ctx(const char *name, void (*fn)(void *), void *arg)
{
	struct sim_ctx *c;

	if (sim.nr_ctx >= SIM_MAX_CTX) {
		fprintf(stderr, "lrusim: too many contexts in scenario\n");
		exit(2);
	}
	c = &sim.ctx[sim.nr_ctx];
	memset(c, 0, sizeof(*c));
	c->id = sim.nr_ctx++;
	c->name = name;
	c->fn = fn;
	c->arg = arg;
	c->below = -1;
	c->target_cpu = -1;
	c->last_trace = -1;
	c->next.what = "start";
	c->next.where = name;
	c->next.page = -1;
	fp_start(&c->next_fp);
	return c;
}

int sim_spawn(int cpu, const char *name, void (*fn)(void *), void *arg)
{
	struct sim_ctx *c = new_ctx(name, fn, arg);

	/* On a UP machine every task shares the one cpu, in spawn order. */
	c->cpu = cpu < sim.cfg.nr_cpus ? cpu : sim.cfg.nr_cpus - 1;
	c->kind = CTX_TASK;
	return c->id;
}

int sim_raise_irq(int cpu, enum ctx_kind kind, const char *name,
		  void (*fn)(void *), void *arg)
{
	struct sim_ctx *c = new_ctx(name, fn, arg);

	c->kind = kind;
	c->target_cpu = cpu < sim.cfg.nr_cpus ? cpu : -1;
	c->cpu = -1;
	c->raised = true;
	c->irqs_off = kind == CTX_HARDIRQ;
	return c->id;
}

/* A breakpoint for debuggers: it does nothing, and is never inlined away. */
__attribute__((noinline)) void lrusim_stop(long step)
{
	__asm__ volatile("" : : "r"(step) : "memory");
}

/* Resumed for trace step sim_stop_step: stop there (lrusim --stop-at). */
static void stop_if_asked(const struct sim_ctx *c)
{
	if (sim_stop_step && c->last_trace + 1 == sim_stop_step) {
		sim_stop_step = 0;
		lrusim_stop(c->last_trace + 1);
	}
}

static void switch_to_scheduler(struct sim_ctx *c, bool dying)
{
#ifdef __SANITIZE_ADDRESS__
	void *fake = NULL;

	__sanitizer_start_switch_fiber(dying ? NULL : &fake, main_stack_bottom,
				       main_stack_size);
#endif
	if (dying || !_setjmp(ctx_jmp[c->id]))
		_longjmp(sched_jmp, 1);
#ifdef __SANITIZE_ADDRESS__
	__sanitizer_finish_switch_fiber(fake, &main_stack_bottom,
					&main_stack_size);
#endif
}

static void ctx_trampoline(void)
{
	struct sim_ctx *c;

	/* never returns: a context ends by a jump to the scheduler */
	_setjmp(ctx_start[sim.running]);
	c = sim_current();
#ifdef __SANITIZE_ADDRESS__
	__sanitizer_finish_switch_fiber(NULL, &main_stack_bottom,
					&main_stack_size);
#endif
	stop_if_asked(c);
	c->fn(c->arg);
	c->state = CTX_DONE;
	switch_to_scheduler(c, true);
}

/*
 * A coroutine stack with a guard page below it: a context that runs off
 * its stack (deep recursion in a lab's code) faults instead of writing
 * over the model's memory.
 */
static void *alloc_stack(void)
{
	long page = sysconf(_SC_PAGESIZE);
	char *base = mmap(NULL, CTX_STACK_SIZE + page, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (base == MAP_FAILED || mprotect(base, page, PROT_NONE)) {
		perror("lrusim: coroutine stack");
		exit(2);
	}
	return base + page;
}

static void resume(struct sim_ctx *c)
{
	bool first = !c->started;
#ifdef __SANITIZE_ADDRESS__
	void *fake = NULL;
#endif

	if (!c->started && !ctx_made[c->id]) {
		ctx_stacks[c->id] = alloc_stack();
		getcontext(&ctx_uctx[c->id]);
		ctx_uctx[c->id].uc_stack.ss_sp = ctx_stacks[c->id];
		ctx_uctx[c->id].uc_stack.ss_size = CTX_STACK_SIZE;
		ctx_uctx[c->id].uc_link = NULL;
		makecontext(&ctx_uctx[c->id], ctx_trampoline, 0);
	}
	c->started = true;
	sim.running = c->id;
	on_ctx_stack = true;
	if (sim_switch_in)
		sim_switch_in(c);
#ifdef __SANITIZE_ADDRESS__
	__sanitizer_start_switch_fiber(&fake, ctx_stacks[c->id], CTX_STACK_SIZE);
#endif
	if (!_setjmp(sched_jmp)) {
		if (!first)
			_longjmp(ctx_jmp[c->id], 1);
		if (ctx_made[c->id])
			_longjmp(ctx_start[c->id], 1);
		ctx_made[c->id] = true;
		setcontext(&ctx_uctx[c->id]);
	}
#ifdef __SANITIZE_ADDRESS__
	__sanitizer_finish_switch_fiber(fake, NULL, NULL);
#endif
	if (sim_switch_out)
		sim_switch_out(c);
	on_ctx_stack = false;
	sim.running = -1;
}

void sim_yield(const char *what, const char *where, const struct page *page,
	       const struct spinlock *lock)
{
	struct sim_ctx *c = sim_current();

	if (!c)
		return;		/* scenario setup runs outside the machine */
	c->next.what = what;
	c->next.where = where;
	c->next.page = page ? page->id : -1;
	c->next.lock = lock ? lock->name : NULL;
	c->next.before = c->next.after = 0;
	c->next.stale = 0;
	if (sim.cfg.por)
		fp_announce(&c->next_fp, what, page, lock, c);
	switch_to_scheduler(c, false);
	stop_if_asked(c);
}

int sim_choose_value(int n)
{
	struct sim_ctx *c = sim_current();
	struct step_record *s;
	int pick;

	if (n <= 1 || !c || !run_chooser || sim.in_epilogue ||
	    run_out->nr_steps >= MAX_STEPS)
		return 0;
	pick = run_chooser->choose(run_chooser, NULL, n, 0);
	if (pick < 0 || pick >= n)
		pick = 0;
	step_chose_value = true;
	s = &run_out->steps[run_out->nr_steps++];
	s->chosen = (struct choice){ CH_VALUE, pick, c->id };
	s->nr_opts = n;
	s->chosen_idx = pick;
	s->cont = true;			/* the default reads the newest */
	s->preempted = pick != 0;	/* a stale read costs what a preemption does */
	run_out->preemptions += s->preempted;
	return pick;
}

void sim_trace_stale(int k)
{
	struct sim_ctx *c = sim_current();

	if (c && c->last_trace >= 0)
		sim.trace[c->last_trace].stale = k;
}

void sim_trace_result(long before, long after)
{
	struct sim_ctx *c = sim_current();

	if (!c || c->last_trace < 0 || sim.trace[c->last_trace].opaque)
		return;
	sim.trace[c->last_trace].before = before;
	sim.trace[c->last_trace].after = after;
}

void sim_fail(enum checker checker, const struct page *page, int other_ctx,
	      const char *fmt, ...)
{
	struct sim_ctx *c = sim_current();
	va_list ap;

	if (!sim_checker_on(checker))
		return;
	if (!sim.failed) {
		sim.failed = true;
		sim.failure.checker = checker;
		sim.failure.page = page ? page->id : -1;
		sim.failure.ctx = c ? c->id : -1;
		sim.failure.other_ctx = other_ctx;
		ident(&sim.failure.who, sim.failure.ctx);
		ident(&sim.failure.other, other_ctx);
		sim.failure.step = sim.nr_trace;
		va_start(ap, fmt);
		vsnprintf(sim.failure.msg, sizeof(sim.failure.msg), fmt, ap);
		va_end(ap);
	}
	if (c && on_ctx_stack)
		switch_to_scheduler(c, true);
	/* from the scheduler or the quiescence checks: the caller returns */
}

#define WATCHDOG_TICK_US	100000
#define WATCHDOG_TICKS		10	/* a second of CPU time */

/*
 * The coroutine it interrupts never runs again: sim_fail() switches to the
 * scheduler, which ends the run, so nothing interrupted is resumed.
 */
static void watchdog(int sig)
{
	static long last_steps = -1;
	static int ticks;
	struct sim_ctx *c = sim_current();

	(void)sig;
	if (!on_ctx_stack || !c || sim.steps != last_steps) {
		last_steps = sim.steps;
		ticks = 0;
		return;
	}
	if (++ticks < WATCHDOG_TICKS)
		return;
	ticks = 0;
	last_steps = -1;
	sim.failure.spun = true;
	/* leaving the handler by a jump keeps the signal blocked: unblock it */
	{
		sigset_t set;

		sigemptyset(&set);
		sigaddset(&set, SIGVTALRM);
		sigprocmask(SIG_UNBLOCK, &set, NULL);
	}
	sim_fail(CHK_STEP_LIMIT, NULL, -1,
		 "step limit: %s ran on for a second without a step of the machine "
		 "(an endless loop in %s?)", c->name, c->hook ? c->hook : "model code");
}

void sim_watchdog_start(void)
{
	struct itimerval every = {
		.it_interval = { .tv_usec = WATCHDOG_TICK_US },
		.it_value = { .tv_usec = WATCHDOG_TICK_US },
	};
	struct sigaction sa = { .sa_handler = watchdog };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGVTALRM, &sa, NULL);
	setitimer(ITIMER_VIRTUAL, &every, NULL);
}

static bool ctx_enabled(const struct sim_ctx *c)
{
	if (c->state == CTX_DONE)
		return false;
	if (c->state == CTX_SPINNING)
		return c->spinning_on->owner < 0;
	return true;
}

/*
 * Where the scans of a run's contexts may start: contexts are only added,
 * a task done stays done and a delivered irq is never raised again, so
 * every task of @cpu below task_scan[cpu] is done and no irq below
 * first_raised is raised.
 */
static int task_scan[SIM_MAX_CPUS], first_raised;

/* The context on top of @cpu: its irq if one is running, else its task. */
static int top_of(int cpu)
{
	int i;

	if (sim.cur_ctx[cpu] >= 0 && sim.ctx[sim.cur_ctx[cpu]].state != CTX_DONE)
		return sim.cur_ctx[cpu];
	for (i = task_scan[cpu]; i < sim.nr_ctx; i++) {
		struct sim_ctx *c = &sim.ctx[i];

		if (c->kind == CTX_TASK && c->cpu == cpu && c->state != CTX_DONE)
			break;
	}
	task_scan[cpu] = i;
	return sim.cur_ctx[cpu] = i < sim.nr_ctx ? i : -1;
}

static bool irq_deliverable_on(int cpu)
{
	int top = top_of(cpu);

	if (top < 0)
		return true;
	return sim.ctx[top].kind == CTX_TASK && !sim.ctx[top].irqs_off;
}

static int collect_choices(struct choice *opts, int last, int *dflt)
{
	int n = 0, cpu, i;

	*dflt = -1;
	for (cpu = 0; cpu < sim.cfg.nr_cpus; cpu++) {
		int top = top_of(cpu);

		if (top >= 0 && ctx_enabled(&sim.ctx[top])) {
			if (top == last)
				*dflt = n;
			opts[n++] = (struct choice){ CH_RUN, cpu, top };
		}
	}
	while (first_raised < sim.nr_ctx && !sim.ctx[first_raised].raised)
		first_raised++;
	for (cpu = 0; cpu < sim.cfg.nr_cpus && first_raised < sim.nr_ctx; cpu++) {
		if (!irq_deliverable_on(cpu))
			continue;
		/* the first raised irq that may arrive here, in raise order */
		for (i = first_raised; i < sim.nr_ctx; i++) {
			struct sim_ctx *c = &sim.ctx[i];

			if (c->raised && (c->target_cpu < 0 ||
					  c->target_cpu == cpu)) {
				opts[n++] = (struct choice){ CH_IRQ, cpu, i };
				break;
			}
		}
	}
	if (*dflt < 0 && n > 0)
		*dflt = 0;
	return n;
}

static void record_trace(struct sim_ctx *c)
{
	struct trace_event *ev;

	if (sim.nr_trace >= SIM_MAX_TRACE) {
		c->last_trace = -1;
		return;
	}
	ev = &sim.trace[sim.nr_trace];
	*ev = c->next;
	ev->ctx = c->id;
	ev->cpu = c->cpu;
	ev->hook = c->hook;
	ev->opaque = c->opaque;
	if (c->opaque) {
		/* the reference's steps are its answer: one opaque step each */
		ev->what = "reference code";
		ev->where = c->hook;
		ev->page = -1;
		ev->lock = NULL;
	}
	c->last_trace = sim.nr_trace++;
}

static void deliver_irq(struct sim_ctx *irq, int cpu)
{
	irq->raised = false;
	irq->cpu = cpu;
	irq->below = top_of(cpu);
	sim.cur_ctx[cpu] = irq->id;
}

/* After an irq handler returns, its cpu goes back to what it interrupted. */
static void retire_irq(struct sim_ctx *irq)
{
	if (irq->kind != CTX_TASK && sim.cur_ctx[irq->cpu] == irq->id)
		sim.cur_ctx[irq->cpu] = irq->below;
}

static bool all_quiet(void)
{
	int i;

	for (i = 0; i < sim.nr_ctx; i++)
		if (sim.ctx[i].state != CTX_DONE || sim.ctx[i].raised)
			return false;
	return true;
}

static void report_deadlock(void)
{
	char a[96], b[96];
	int i;

	for (i = 0; i < sim.nr_ctx; i++) {
		struct sim_ctx *c = &sim.ctx[i];

		if (c->state != CTX_SPINNING)
			continue;
		sim.running = i;
		sim_fail(CHK_DEADLOCK, NULL, c->spinning_on->owner,
			 "deadlock: %s spins forever on %s, held by %s (taken in %s)",
			 ctx_describe(i, a, sizeof(a)), c->spinning_on->name,
			 ctx_describe(c->spinning_on->owner, b, sizeof(b)),
			 c->spinning_on->owner_site ? c->spinning_on->owner_site : "?");
		sim.running = -1;
		return;
	}
	sim_fail(CHK_DEADLOCK, NULL, -1, "deadlock: no context can run");
}

static void epilogue(void *unused)
{
	(void)unused;
	/* keventd, then kswapd: what a quiet machine would do next */
	run_task_queue();
	shrink_cache(NR_PAGES, 1);
}

void sim_run(const struct scenario *sc, const struct sim_config *cfg,
	     struct chooser *ch, struct run_result *out)
{
	static struct step_record steps[MAX_STEPS];
	struct choice opts[MAX_CHOICES];
	int last = -1, cpu;

	memset(&sim.failure, 0, sizeof(sim.failure));
	sim.cfg = *cfg;
	sim.nr_ctx = 0;
	sim.running = -1;
	sim.steps = 0;
	sim.failed = false;
	sim.in_epilogue = false;
	sim.nr_trace = 0;
	for (cpu = 0; cpu < SIM_MAX_CPUS; cpu++) {
		sim.cur_ctx[cpu] = -1;
		task_scan[cpu] = 0;
	}
	first_raised = 0;
	mm_reset();
	scenario_start(sc);
	weak_begin();
	run_chooser = ch;
	run_out = out;

	out->nr_steps = 0;
	out->preemptions = 0;
	out->diverged_at = -1;
	out->pruned = false;
	out->steps = steps;
	while (!sim.failed) {
		int dflt, n, pick;
		struct step_record *s = NULL;
		struct sim_ctx *c;

		n = collect_choices(opts, last, &dflt);
		if (n == 0) {
			if (!all_quiet()) {
				report_deadlock();
				break;
			}
			if (sim.in_epilogue)
				break;
			sim.in_epilogue = true;
			sim_spawn(0, "epilogue", epilogue, NULL);
			continue;
		}
		if (sim.steps >= sim.cfg.step_limit || out->nr_steps >= MAX_STEPS) {
			sim.running = last;
			sim_fail(CHK_STEP_LIMIT, NULL, -1,
				 "step limit: %ld steps without reaching quiescence",
				 sim.steps);
			sim.running = -1;
			break;
		}
		pick = sim.in_epilogue ? dflt : ch->choose(ch, opts, n, dflt);
		if (pick == CHOOSE_PRUNE) {
			out->pruned = true;
			break;
		}
		if (pick < 0 || pick >= n)
			pick = dflt;
		if (!sim.in_epilogue) {
			s = &steps[out->nr_steps++];
			s->chosen = opts[pick];
			s->nr_opts = n;
			s->chosen_idx = pick;
			s->cont = last >= 0 && opts[dflt].ctx == last;
			s->preempted = pick != dflt && s->cont;
			out->preemptions += s->preempted;
		}
		c = &sim.ctx[opts[pick].ctx];
		if (opts[pick].kind == CH_IRQ)
			deliver_irq(c, opts[pick].cpu);
		sim.steps++;
		record_trace(c);
		last = c->id;
		if (s && sim.cfg.por) {
			s->fp = c->next_fp;
			fp_touch(&s->fp, FP_CTX(c->id), true);
			/*
			 * the cpu: its irq flag (written by local_irq_*) says
			 * whether an irq may be delivered; the delivery itself
			 * only pauses the task, which goes on where it was
			 */
			fp_touch(&s->fp, FP_CPU(c->cpu), false);
			fp_held_locks(&s->fp, c);
			if (s->fp.lists)
				fp_lru_pages(&s->fp);
			fp_snapshot();
			step_chose_value = false;
		}
		resume(c);
		if (s && sim.cfg.por) {
			fp_held_locks(&s->fp, c);
			if (s->fp.lists)
				fp_lru_pages(&s->fp);
			fp_changes(&s->fp);
			/* another store read: the code after it may go anywhere */
			if (step_chose_value)
				s->fp.all = true;
		}
		if (c->state == CTX_DONE)
			retire_irq(c);
	}
	if (!sim.failed && !out->pruned)
		mm_check_quiescent();
	run_chooser = NULL;
	out->failed = sim.failed;
	out->failure = sim.failure;
}
