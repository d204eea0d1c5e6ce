/*
 * The explorer: runs a scenario many times, choosing at every yield point
 * which CPU steps next or where a pending interrupt is delivered, and
 * reports the first schedule under which an enabled checker fails.
 */
#ifndef LRULAB_EXPLORE_H
#define LRULAB_EXPLORE_H

#include <stdio.h>
#include "lrulab/mm.h"
#include "lrulab/sim.h"

#define MAX_CHOICES	(SIM_MAX_CPUS * 2 + SIM_MAX_CTX)
#define MAX_STEPS	20000

enum choice_kind { CH_RUN, CH_IRQ, CH_VALUE };

/*
 * One thing the machine can do next: step a cpu, or deliver an irq there;
 * or, within a step, which store a weak load reads (CH_VALUE: cpu holds
 * the index, 0 the newest).
 */
struct choice {
	enum choice_kind kind;
	int cpu;
	int ctx;			/* the context that will run */
};

/*
 * A chooser picks an index into @opts; @dflt is the choice that continues
 * the context that ran last (or the lowest cpu if it cannot go on).  For a
 * value choice @opts is NULL and @dflt 0: pick one of @n stores.
 */
struct chooser {
	int (*choose)(struct chooser *self, const struct choice *opts, int n,
		      int dflt);
};

struct scenario {
	const char *name;
	const char *summary;
	void (*setup)(void);
	/*
	 * Instances give no lead to the first task (its lead would change the
	 * race itself, not only its steps: unlock-then-free's I/O would need
	 * the LRU lock kswapd holds across the window).
	 */
	bool no_first_lead;
};

extern const struct scenario scenarios[];	/* ends with a NULL name */
const struct scenario *find_scenario(const char *name);

/*
 * An instance of a scenario: the same situation with another starting
 * state, so that each student's questions have answers of their own.
 * Instance 0 is the scenario as written; the others add @pad mapped pages
 * at the tail of the inactive list (kswapd scans them first), have the
 * first and second tasks fault in @lead[0] and @lead[1] pages of their own
 * before they start, and swap the two cpus' roles.  The fields follow from
 * the number alone.
 */
#define NR_INSTANCES	2048
struct scenario_instance {
	int number;
	int pad, lead[2];
	bool swap_cpus;
};
extern struct scenario_instance instance;
void set_instance(int number);
/* What sim_run does first: the instance's starting state, then @sc's. */
void scenario_start(const struct scenario *sc);

/* One step of a recorded run: what was chosen and what else was possible. */
struct step_record {
	struct choice chosen;
	int nr_opts;
	int chosen_idx;
	bool cont;			/* the default went on with the last context */
	bool preempted;
	struct footprint fp;		/* scheduling steps, --por on: what it touched */
};

struct run_result {
	bool failed;
	struct sim_failure failure;
	int nr_steps;
	int preemptions;
	struct step_record *steps;	/* nr_steps entries, owned by the run */
	/*
	 * replay: the step at which the schedule asked for something the
	 * machine could not do (a cpu with nothing to run, an irq it could
	 * not take), or that it ended with steps left asked for; -1 if none
	 */
	int diverged_at;
	/* dfs --por on: the run was cut short, all it could do next asleep */
	bool pruned;
};

/* A chooser's answer that ends the run here, with no checks (a pruned run). */
#define CHOOSE_PRUNE	(-2)

/* Run @sc once to quiescence (or failure) under @ch. */
void sim_run(const struct scenario *sc, const struct sim_config *cfg,
	     struct chooser *ch, struct run_result *out);

/* Schedules as text: "0*5 1*3 i1 1*2" (cpu*steps; iN = irq delivered on N) */
int schedule_format(const struct run_result *r, char *buf, size_t len);
int schedule_parse(const char *text, struct choice *out, int *counts, int max,
		   char *err, size_t errlen);

struct explore_stats {
	long runs;
	long steps;
	long pruned;			/* runs cut short by the sleep sets */
	double seconds;
	int bound;			/* dfs: the least bound that failed, -1 */
	/* the counters of the first run: the default order, or the replay */
	struct mm_counters first;
};

enum strategy_kind { STRAT_DFS, STRAT_PCT, STRAT_REPLAY };

struct strategy {
	enum strategy_kind kind;
	int bound;			/* dfs: preemption bound */
	unsigned long seed;		/* pct */
	long runs;			/* pct */
	int depth;			/* pct: d */
	const char *schedule;		/* replay */
};

/*
 * Explore; on failure fill @fail_sched with the failing schedule.
 * Returns 1 if a failure was found, 0 if none.
 */
int explore(const struct scenario *sc, const struct sim_config *cfg,
	    const struct strategy *st, struct run_result *out,
	    char *fail_sched, size_t len, struct explore_stats *stats);

/*
 * Shrink a failing schedule while it still shows the same failure (checker,
 * page, contexts: same_failure()) with at most @max_preemptions.
 */
void minimize_schedule(const struct scenario *sc, const struct sim_config *cfg,
		       const struct sim_failure *target, int max_preemptions,
		       char *sched, size_t len);

/* Replay @sched; returns the result (trace in sim.trace). */
void replay_schedule(const struct scenario *sc, const struct sim_config *cfg,
		     const char *sched, struct run_result *out);

void print_trace(FILE *f, int nr_cpus);
void write_dot(FILE *f, int nr_cpus, const char *title);

#endif /* LRULAB_EXPLORE_H */
