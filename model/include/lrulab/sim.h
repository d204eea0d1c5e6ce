/*
 * The simulated machine: CPUs, process-context tasks and interrupt handlers
 * as coroutines, and the yield point every model primitive passes through.
 * The explorer (explore.c) decides at each yield point which context runs
 * next; everything else in the model only calls sim_yield() and reports
 * failures with sim_fail().
 */
#ifndef LRULAB_SIM_H
#define LRULAB_SIM_H

#include <stdbool.h>
#include <stddef.h>

#define SIM_MAX_CPUS	4
#define SIM_MAX_CTX	16
#define SIM_MAX_TRACE	4096

struct page;
struct spinlock;

/*
 * What one step of the machine touched, for partial-order reduction
 * (explore.c): bit masks of the objects it read and wrote.  Bits 0..39 are
 * the pages (every field), then the locks (each with the data it guards:
 * a context holding a lock touches it at every step), the lab's statics,
 * the LRU lists, each cpu (its irq flag, what runs on top of it) and each
 * context (program order).  Two steps are independent when neither writes
 * an object the other touches; a step the machine cannot describe touches
 * everything (FP_ALL).
 */
#define FP_PAGE(n)	(n)
#define FP_LOCK(n)	(40 + (n))
#define FP_NR_LOCKS	16
#define FP_STATIC	56
#define FP_LRU		57
#define FP_CPU(n)	(58 + (n))
#define FP_CTX(n)	(64 + (n))
struct footprint {
	unsigned long long r[2], w[2];
	bool all;			/* touches everything */
	bool lists;			/* a list operation: its check reads the lists' pages */
};

enum ctx_kind { CTX_TASK, CTX_SOFTIRQ, CTX_HARDIRQ };

enum ctx_state { CTX_READY, CTX_SPINNING, CTX_DONE };

/* One line of the trace: which context did what to which page or lock. */
struct trace_event {
	int ctx;
	int cpu;
	int page;			/* page id, -1 if none */
	long before, after;		/* count or flag value around the step */
	const char *what;		/* primitive, e.g. "put_page_testzero" */
	const char *where;		/* modelled kernel function */
	const char *lock;		/* lock name, if the step is a lock op */
	const char *hook;		/* the lab hook whose code took the step */
	bool opaque;			/* reference code: shown as one step */
	int stale;			/* weak memory: the load read the K-th older store */
};

/* One execution context: a process-context task or an interrupt handler. */
struct sim_ctx {
	int id;
	enum ctx_kind kind;
	enum ctx_state state;
	const char *name;
	int cpu;
	bool irqs_off;			/* this context's view of the local irq flag */
	bool started;
	bool raised;			/* an irq: raised, waiting for delivery */
	int below;			/* irq: the context it interrupted */
	int target_cpu;			/* irq: where it may arrive, -1 any */
	struct spinlock *spinning_on;
	struct trace_event next;	/* the step it will do when resumed */
	struct footprint next_fp;	/* ...what that step touches (--por on) */
	int last_trace;
	int freed;			/* pages this context put on the free list */
	const char *hook;		/* the lab hook running, NULL in model code */
	bool opaque;			/* ...and it is reference code */
	/* the lab module's stack pointer and call depth while not running */
	unsigned int lab_sp, lab_depth;
	void (*fn)(void *);
	void *arg;
	void *uctx;			/* ucontext_t, opaque here */
	void *stack;
	size_t stack_size;
};

/* The failure classes, each a checker that can be enabled for a run. */
enum checker {
	CHK_DOUBLE_FREE,
	CHK_USE_AFTER_FREE,
	CHK_UNDERFLOW,
	CHK_LEAK,
	CHK_LRU_CORRUPTION,
	CHK_LRU_LOST,
	CHK_BUG,
	CHK_IRQ_SAFETY,
	CHK_DEADLOCK,
	CHK_STEP_LIMIT,
	CHK_NR_PAGES,
	CHK_OOPS,
	NR_CHECKERS
};

/*
 * Checkers after whose failure the machine cannot go on (its state is
 * broken or it cannot move): always on, whatever a run enables.
 */
#define FATAL_CHECKERS	(1u << CHK_DOUBLE_FREE | 1u << CHK_LRU_CORRUPTION | \
			 1u << CHK_BUG | 1u << CHK_DEADLOCK | 1u << CHK_STEP_LIMIT | \
			 1u << CHK_OOPS)
/* What a run checks unless told otherwise: nr-pages is accounting the labs grade. */
#define DEFAULT_CHECKERS	(((1u << NR_CHECKERS) - 1) & ~(1u << CHK_NR_PAGES))

extern const char *const checker_names[NR_CHECKERS];


/* A context as a failure names it: stable across runs of one scenario. */
struct ctx_ident {
	int id;				/* -1: none */
	enum ctx_kind kind;
	int cpu;
	const char *name;
};

struct sim_failure {
	enum checker checker;
	int page;			/* -1 if none */
	int ctx, other_ctx;		/* the two contexts involved, -1 if none */
	struct ctx_ident who, other;
	int step;
	bool spun;			/* a context ran on without a step: no replays */
	char msg[512];
};

/* The same failure: checker, page and contexts (by name and kind). */
bool same_failure(const struct sim_failure *a, const struct sim_failure *b);

struct sim_config {
	int nr_cpus;
	bool up;			/* UP kernel: spinlocks compile away */
	unsigned checkers;		/* bit mask of enum checker */
	long step_limit;
	bool por;			/* record each step's footprint */
};

/* The state of the machine during one run. */
struct sim {
	struct sim_config cfg;
	struct sim_ctx ctx[SIM_MAX_CTX];
	int nr_ctx;
	int cur_ctx[SIM_MAX_CPUS];	/* context on top of each cpu, -1 idle */
	int running;			/* context executing right now, -1 none */
	long steps;
	bool failed;
	struct sim_failure failure;
	bool in_epilogue;
	struct trace_event trace[SIM_MAX_TRACE];
	int nr_trace;
};

extern struct sim sim;

/* Spawn a process-context task bound to @cpu; tasks on one cpu run in order. */
int sim_spawn(int cpu, const char *name, void (*fn)(void *), void *arg);
/*
 * Make an interrupt handler pending on @cpu; the explorer delivers it at a
 * later yield point where that cpu has interrupts enabled.
 */
int sim_raise_irq(int cpu, enum ctx_kind kind, const char *name,
		  void (*fn)(void *), void *arg);

/* Give the explorer a chance to switch before the step described here. */
void sim_yield(const char *what, const char *where, const struct page *page,
	       const struct spinlock *lock);
/* Record the outcome of the step just done (count or flag before/after). */
void sim_trace_result(long before, long after);
/*
 * A choice inside a step (weak memory: which of @n stores a load reads,
 * 0 the newest): the schedule's to make, recorded like a scheduling one.
 */
int sim_choose_value(int n);
/* The step just done read the @k-th older store. */
void sim_trace_stale(int k);

/* Report a failure found by @checker; returns only if the checker is off. */
void sim_fail(enum checker checker, const struct page *page, int other_ctx,
	      const char *fmt, ...) __attribute__((format(printf, 4, 5)));

struct sim_ctx *sim_current(void);

/*
 * lrusim --stop-at STEP (./lab debug): the context about to take trace step
 * STEP (1-based, as lrusim --json numbers them) calls lrusim_stop() on its
 * own stack, inside the code that takes the step, before taking it; a
 * debugger breaks there.  Only the first time: the minimizer's replays that
 * follow do not stop again.  0: never.
 */
extern long sim_stop_step;
void lrusim_stop(long step);

/*
 * Called when a context starts and stops running: the lab module gives
 * each context its own WebAssembly stack (NULL without a lab module).
 */
extern void (*sim_switch_in)(struct sim_ctx *c);
extern void (*sim_switch_out)(struct sim_ctx *c);
const char *ctx_kind_name(enum ctx_kind kind);
/* "cpu1 hardirq aio_complete" for reports */
const char *ctx_describe(int ctx, char *buf, size_t len);

bool sim_checker_on(enum checker checker);

/* May steps with footprints @a and @b be swapped without changing the run? */
bool fp_independent(const struct footprint *a, const struct footprint *b);

/*
 * A context that runs on for a second of CPU time without reaching a yield
 * point (a lab's endless loop: model code always yields) is stopped as a
 * step-limit failure.  lrusim starts this watchdog once.
 */
void sim_watchdog_start(void);

/* Is checker @nr on in a run that enables @mask? (fatal ones always are) */
static inline bool sim_checker_on_mask(unsigned mask, int nr)
{
	return (mask | FATAL_CHECKERS) & (1u << nr);
}

#endif /* LRULAB_SIM_H */
