/*
 * lrusim: explore one scenario under one variant of the 2.4 mm code.
 *
 *   lrusim --variant V --scenario S [--cpus N] [--up] [--check LIST]
 *          [--strategy dfs:BOUND|pct:SEED:RUNS:DEPTH|replay:SCHEDULE]...
 *          [--dot FILE] [--counters] [--trace] [--json] [--stop-at STEP]
 *          [--por on|off]
 *   lrusim --list [--json]
 *   lrusim --batch SECONDS RUNS [OUT ERR STATUS]...
 *
 * Exit 0: no failure found; 1: a failure was found; 2: bad arguments.
 * With --json, stdout is one JSON object (docs/lrusim-json.md), the only
 * thing the runner reads; without it, a report for people.  --stop-at STEP
 * calls lrusim_stop() just before trace step STEP, where a debugger breaks
 * (./lab debug); a failure is then reported as found, not minimized, so
 * the debugger sees one run.
 *
 * --batch runs several lrusim commands, one after another, each in a child
 * forked before this process has done anything else: so each starts from
 * the program's pristine state, exactly as if run alone, and a sandbox
 * holding several runs pays for no exec but this one (an exec costs more
 * than most runs: the dynamic loader's CPU probing).  RUNS holds, per run,
 * its argument count and its arguments (argv[1] on), each ended by a NUL
 * byte.  Run i's stdout, stderr and exit status go to the i-th OUT, ERR
 * and STATUS file; the status as a shell reports it (the exit code, 128 +
 * the signal, 124 for a run stopped after SECONDS, as timeout(1) says).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lrulab/explore.h"
#include "lrulab/json.h"
#include "lrulab/mm.h"
#include "lrulab/weak.h"

#define SCHED_LEN	16384
#define MAX_STRATEGIES	8
#define JSON_VERSION	1
/*
 * dfs with sleep sets and dynamic POR (explore.c) is off unless asked:
 * tests/model/test_por.py shows it finds every failure the full search
 * finds, but it finds another first schedule, so other minimized schedules
 * and other "failing step" answers (00-orientation q3 on instance 0: 23,
 * not the key's 31), and at dfs:2 it saves no time (make bench).
 */
#define POR_DEFAULT	false

static void usage_error(const char *arg, const char *why)
{
	fprintf(stderr, "lrusim: %s: %s (see lrusim --help)\n", arg, why);
	exit(2);
}

static const char *const counter_names[] = {
	"freed", "freed_in_irq", "left_on_lru", "left_on_lru_task",
	"reclaimed_zero_count", "reclaimed_swap_cache", "lru_del_in_irq",
	"cow_copies", "scanned", "barriers_rmb", "barriers_wmb", "barriers_mb",
};

static void counter_values(const struct mm_counters *c, int *v)
{
	v[0] = c->freed;
	v[1] = c->freed_in_irq;
	v[2] = c->left_on_lru;
	v[3] = c->left_on_lru_task;
	v[4] = c->reclaimed_zero_count;
	v[5] = c->reclaimed_swap_cache;
	v[6] = c->lru_del_in_irq;
	v[7] = c->cow_copies;
	v[8] = c->scanned;
	v[9] = c->barriers_rmb;
	v[10] = c->barriers_wmb;
	v[11] = c->barriers_mb;
}

#define NR_COUNTERS	(int)(sizeof(counter_names) / sizeof(counter_names[0]))

static void list_all(bool json)
{
	struct json j;
	int i;

	if (json) {
		json_init(&j, stdout);
		json_object(&j, NULL);
		json_string(&j, "schema", "lrulab.lrusim.list");
		json_long(&j, "version", JSON_VERSION);
		json_array(&j, "variants");
		for (i = 0; variants[i]; i++)
			json_string(&j, NULL, variants[i]->name);
		json_end(&j);
		json_array(&j, "scenarios");
		for (i = 0; scenarios[i].name; i++)
			json_string(&j, NULL, scenarios[i].name);
		json_end(&j);
		json_array(&j, "checkers");
		for (i = 0; i < NR_CHECKERS; i++)
			json_string(&j, NULL, checker_names[i]);
		json_end(&j);
		json_array(&j, "counters");
		for (i = 0; i < NR_COUNTERS; i++)
			json_string(&j, NULL, counter_names[i]);
		json_end(&j);
		json_long(&j, "instances", NR_INSTANCES);
		json_end(&j);
		return;
	}
	printf("variants:\n");
	for (i = 0; variants[i]; i++)
		printf("  %-16s %s\n", variants[i]->name, variants[i]->summary);
	printf("  %-16s %s\n", "student",
	       "the hooks of the lab.c built in (lrusim-lab), fix-0212 for the rest");
	printf("scenarios:\n");
	for (i = 0; scenarios[i].name; i++)
		printf("  %-16s %s\n", scenarios[i].name, scenarios[i].summary);
	printf("checkers (default: all but nr-pages; always: the fatal ones):\n ");
	for (i = 0; i < NR_CHECKERS; i++)
		printf(" %s%s", checker_names[i],
		       FATAL_CHECKERS & (1u << i) ? "*" : "");
	printf("\n  (* fatal: always checked)\n");
}

static unsigned parse_checkers(const char *list)
{
	char *copy = strdup(list), *tok, *save = NULL;
	unsigned mask = 0;
	int i;

	for (tok = strtok_r(copy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (!strcmp(tok, "all")) {
			mask |= (1u << NR_CHECKERS) - 1;
			continue;
		}
		if (!strcmp(tok, "default")) {
			mask |= DEFAULT_CHECKERS;
			continue;
		}
		for (i = 0; i < NR_CHECKERS; i++)
			if (!strcmp(tok, checker_names[i]))
				break;
		if (i == NR_CHECKERS)
			usage_error("--check", "unknown checker (lrusim --list "
				    "shows them)");
		mask |= 1u << i;
	}
	free(copy);
	return mask;
}

static void parse_strategy(const char *arg, struct strategy *st)
{
	char extra;

	memset(st, 0, sizeof(*st));
	if (!strncmp(arg, "dfs:", 4)) {
		st->kind = STRAT_DFS;
		if (sscanf(arg + 4, "%d%c", &st->bound, &extra) != 1 ||
		    st->bound < 0 || st->bound > 8)
			usage_error("--strategy", "dfs:BOUND takes a preemption "
				    "bound from 0 to 8");
	} else if (!strncmp(arg, "pct:", 4)) {
		st->kind = STRAT_PCT;
		if (sscanf(arg + 4, "%lu:%ld:%d%c", &st->seed, &st->runs,
			   &st->depth, &extra) != 3 || st->runs < 1 ||
		    st->depth < 1 || st->depth > 8)
			usage_error("--strategy", "pct:SEED:RUNS:DEPTH, e.g. "
				    "pct:1:10000:3 (DEPTH 1..8)");
	} else if (!strncmp(arg, "replay:", 7)) {
		static struct choice tok[MAX_STEPS];
		static int count[MAX_STEPS];
		char err[160];

		st->kind = STRAT_REPLAY;
		st->schedule = arg + 7;
		if (schedule_parse(st->schedule, tok, count, MAX_STEPS, err,
				   sizeof(err)) < 0)
			usage_error("--strategy", err);
	} else {
		usage_error("--strategy", "use dfs:BOUND, pct:SEED:RUNS:DEPTH "
			    "or replay:SCHEDULE");
	}
}

/* What one invocation found: the report both outputs are written from. */
struct outcome {
	const char *strategy_text[MAX_STRATEGIES];
	struct explore_stats stats[MAX_STRATEGIES];
	int nr_run;			/* strategies run (the last found it) */
	int diverged_at[MAX_STRATEGIES];	/* replays: run_result.diverged_at */
	bool found;
	struct run_result found_run;	/* the failing run as found */
	char sched[SCHED_LEN];
	int preemptions;
	char sched_min[SCHED_LEN];
	struct run_result min_run;	/* its replay: the trace in sim.trace */
	int counters[NR_COUNTERS];
};

static void print_counters(const int *v)
{
	int i;

	printf("counters:");
	for (i = 0; i < NR_COUNTERS; i++)
		printf(" %s=%d", counter_names[i], v[i]);
	printf("\n");
}

static void write_dot_file(const char *dot, int nr_cpus, const char *title)
{
	FILE *f = fopen(dot, "w");

	if (!f)
		usage_error(dot, "cannot write the --dot file");
	write_dot(f, nr_cpus, title);
	fclose(f);
}

static void print_text(const struct outcome *o, const struct sim_config *cfg,
		       const struct scenario *sc, bool counters, bool trace)
{
	const struct sim_failure *fl = &o->found_run.failure;
	char a[96], b[96];
	long runs = 0, steps = 0, pruned = 0;
	double seconds = 0;
	int i;

	printf("variant %s, scenario %s, %d cpu%s%s", variant->name, sc->name,
	       cfg->nr_cpus, cfg->nr_cpus > 1 ? "s" : "",
	       cfg->up ? " (UP kernel)" : "");
	if (memory_mode != MEMORY_SC)
		printf(", %s memory", memory_mode_names[memory_mode]);
	if (!cfg->por)
		printf(", --por off");
	if (instance.number)
		printf(", instance %d (%d pages ahead, %d and %d touched first%s)",
		       instance.number, instance.pad, instance.lead[0],
		       instance.lead[1], instance.swap_cpus ? ", cpus swapped" : "");
	printf("\n");
	for (i = 0; i < o->nr_run; i++) {
		runs += o->stats[i].runs;
		steps += o->stats[i].steps;
		pruned += o->stats[i].pruned;
		seconds += o->stats[i].seconds;
	}
	if (o->found) {
		const struct explore_stats *last = &o->stats[o->nr_run - 1];

		printf("FAILURE [%s] %s\n", checker_names[fl->checker], fl->msg);
		if (fl->page >= 0)
			printf("  page: p%d\n", fl->page);
		printf("  contexts: %s; %s\n", ctx_describe(fl->ctx, a, sizeof(a)),
		       ctx_describe(fl->other_ctx, b, sizeof(b)));
		printf("found by: %s", o->strategy_text[o->nr_run - 1]);
		if (last->bound >= 0)
			printf(" (least preemption bound that fails: %d)", last->bound);
		printf("\nschedule: %s\npreemptions: %d\n", o->sched, o->preemptions);
		printf("minimized schedule: %s\n", o->sched_min);
		printf("minimized preemptions: %d\n", o->min_run.preemptions);
		printf("trace of the minimized schedule:\n");
		print_trace(stdout, cfg->nr_cpus);
	} else {
		printf("no failure found\n");
		if (trace) {
			printf("trace of the last schedule run:\n");
			print_trace(stdout, cfg->nr_cpus);
		}
	}
	if (counters)
		print_counters(o->counters);
	printf("explored: %ld schedules, %ld steps, %.6f s (%.0f schedules/s)",
	       runs, steps, seconds, seconds > 0 ? runs / seconds : 0.0);
	printf(pruned ? "; %ld cut short by sleep sets\n" : "\n", pruned);
}

static void json_ctx(struct json *j, const char *key, const struct ctx_ident *c)
{
	if (c->id < 0) {
		json_null(j, key);
		return;
	}
	json_object(j, key);
	json_long(j, "id", c->id);
	json_string(j, "kind", ctx_kind_name(c->kind));
	json_long(j, "cpu", c->cpu);
	json_string(j, "name", c->name);
	json_end(j);
}

static void json_trace(struct json *j, const char *key)
{
	int i;

	json_array(j, key);
	for (i = 0; i < sim.nr_trace; i++) {
		const struct trace_event *ev = &sim.trace[i];
		const struct sim_ctx *c = &sim.ctx[ev->ctx];

		json_object(j, NULL);
		json_long(j, "step", i + 1);
		json_long(j, "cpu", ev->cpu);
		json_long(j, "ctx", ev->ctx);
		json_string(j, "name", c->name);
		json_string(j, "kind", ctx_kind_name(c->kind));
		json_string(j, "what", ev->what);
		json_string(j, "where", ev->where);
		if (ev->page >= 0)
			json_long(j, "page", ev->page);
		else
			json_null(j, "page");
		json_string(j, "lock", ev->lock);
		json_long(j, "before", ev->before);
		json_long(j, "after", ev->after);
		json_string(j, "hook", ev->hook);
		json_bool(j, "opaque", ev->opaque);
		json_long(j, "stale", ev->stale);
		json_end(j);
	}
	json_end(j);
	json_bool(j, "trace_complete", sim.nr_trace < SIM_MAX_TRACE);
}

static void json_failure_core(struct json *j, const struct sim_failure *f)
{
	json_string(j, "checker", checker_names[f->checker]);
	json_string(j, "message", f->msg);
	if (f->page >= 0)
		json_long(j, "page", f->page);
	else
		json_null(j, "page");
	json_ctx(j, "context", &f->who);
	json_ctx(j, "other_context", &f->other);
}

static void print_json(const struct outcome *o, const struct sim_config *cfg,
		       const struct scenario *sc, bool trace)
{
	struct json j;
	int i;

	json_init(&j, stdout);
	json_object(&j, NULL);
	json_string(&j, "schema", "lrulab.lrusim.result");
	json_long(&j, "version", JSON_VERSION);
	json_string(&j, "variant", variant->name);
	json_string(&j, "scenario", sc->name);
	json_long(&j, "instance", instance.number);
	json_string(&j, "memory", memory_mode_names[memory_mode]);
	json_long(&j, "cpus", cfg->nr_cpus);
	json_bool(&j, "up", cfg->up);
	json_bool(&j, "por", cfg->por);
	json_array(&j, "checkers");
	for (i = 0; i < NR_CHECKERS; i++)
		if (sim_checker_on_mask(cfg->checkers, i))
			json_string(&j, NULL, checker_names[i]);
	json_end(&j);
	json_array(&j, "strategies");
	for (i = 0; i < o->nr_run; i++) {
		json_object(&j, NULL);
		json_string(&j, "strategy", o->strategy_text[i]);
		json_long(&j, "schedules", o->stats[i].runs);
		json_long(&j, "steps", o->stats[i].steps);
		json_long(&j, "pruned", o->stats[i].pruned);
		json_double(&j, "seconds", o->stats[i].seconds);
		json_bool(&j, "failed", o->found && i == o->nr_run - 1);
		if (o->stats[i].bound >= 0)
			json_long(&j, "bound", o->stats[i].bound);
		if (o->diverged_at[i] >= 0)
			json_long(&j, "diverged_at", o->diverged_at[i]);
		json_end(&j);
	}
	json_end(&j);
	if (o->found) {
		json_object(&j, "failure");
		json_failure_core(&j, &o->found_run.failure);
		json_string(&j, "strategy", o->strategy_text[o->nr_run - 1]);
		if (o->stats[o->nr_run - 1].bound >= 0)
			json_long(&j, "bound", o->stats[o->nr_run - 1].bound);
		else
			json_null(&j, "bound");
		json_string(&j, "schedule", o->sched);
		json_long(&j, "preemptions", o->preemptions);
		json_object(&j, "minimized");
		json_string(&j, "schedule", o->sched_min);
		json_long(&j, "preemptions", o->min_run.preemptions);
		json_failure_core(&j, &o->min_run.failure);
		json_end(&j);
		json_trace(&j, "trace");
		json_end(&j);
	} else {
		json_null(&j, "failure");
		if (trace)
			json_trace(&j, "trace");
	}
	json_object(&j, "counters");
	for (i = 0; i < NR_COUNTERS; i++)
		json_long(&j, counter_names[i], o->counters[i]);
	json_end(&j);
	json_end(&j);
}

static int lrusim_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "variant", required_argument, NULL, 'v' },
		{ "scenario", required_argument, NULL, 's' },
		{ "cpus", required_argument, NULL, 'c' },
		{ "up", no_argument, NULL, 'u' },
		{ "check", required_argument, NULL, 'k' },
		{ "strategy", required_argument, NULL, 'S' },
		{ "dot", required_argument, NULL, 'd' },
		{ "counters", no_argument, NULL, 'C' },
		{ "trace", no_argument, NULL, 'T' },
		{ "json", no_argument, NULL, 'j' },
		{ "instance", required_argument, NULL, 'I' },
		{ "memory", required_argument, NULL, 'M' },
		{ "list", no_argument, NULL, 'l' },
		{ "stop-at", required_argument, NULL, 'P' },
		{ "por", required_argument, NULL, 'R' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct sim_config cfg = { .nr_cpus = 2, .checkers = DEFAULT_CHECKERS,
				  .step_limit = MAX_STEPS, .por = POR_DEFAULT };
	/* --strategy may be given several times: each runs until one fails */
	struct strategy strategies[MAX_STRATEGIES] = {
		{ .kind = STRAT_DFS, .bound = 2 } };
	const char *strategy_text[MAX_STRATEGIES] = { "dfs:2" };
	static struct outcome o;
	int nr_strategies = 0, i, c;
	const char *variant_name = NULL, *scenario_name = NULL, *dot = NULL;
	bool counters = false, trace = false, json = false, list = false;
	bool stop_at = false;
	const struct scenario *sc;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'v':
			variant_name = optarg;
			break;
		case 's':
			scenario_name = optarg;
			break;
		case 'c':
			cfg.nr_cpus = atoi(optarg);
			if (cfg.nr_cpus < 1 || cfg.nr_cpus > SIM_MAX_CPUS)
				usage_error("--cpus", "must be 1 to 4");
			break;
		case 'u':
			cfg.up = true;
			break;
		case 'k':
			cfg.checkers = parse_checkers(optarg);
			break;
		case 'S':
			if (nr_strategies == MAX_STRATEGIES)
				usage_error("--strategy", "at most 8 of them");
			strategy_text[nr_strategies] = optarg;
			parse_strategy(optarg, &strategies[nr_strategies++]);
			break;
		case 'd':
			dot = optarg;
			break;
		case 'C':
			counters = true;
			break;
		case 'T':
			trace = true;
			break;
		case 'j':
			json = true;
			break;
		case 'M':
			for (i = 0; i < 3; i++)
				if (!strcmp(optarg, memory_mode_names[i]))
					break;
			if (i == 3)
				usage_error("--memory", "sc, tso or weak");
			memory_mode = (enum memory_mode)i;
			break;
		case 'I': {
			char *end;
			long n = strtol(optarg, &end, 10);

			if (*end || n < 0 || n >= NR_INSTANCES)
				usage_error("--instance", "a number from 0 to 2047");
			set_instance((int)n);
			break;
		}
		case 'l':
			list = true;
			break;
		case 'R':
			if (strcmp(optarg, "on") && strcmp(optarg, "off"))
				usage_error("--por", "on or off");
			cfg.por = !strcmp(optarg, "on");
			break;
		case 'P':
			sim_stop_step = atol(optarg);
			if (sim_stop_step < 1)
				usage_error("--stop-at", "a trace step, from 1");
			stop_at = true;
			break;
		case 'h':
			printf("usage: lrusim --variant V --scenario S [--cpus N] "
			       "[--up] [--check LIST]\n              [--strategy "
			       "dfs:BOUND|pct:SEED:RUNS:DEPTH|replay:SCHEDULE]... "
			       "[--dot FILE] [--counters] [--trace] [--json]\n"
			       "              [--instance N] [--memory sc|tso|weak] "
			       "[--stop-at STEP] [--por on|off]\n"
			       "       lrusim --list [--json]\n");
			return 0;
		default:
			usage_error(argv[optind - 1], "unknown option");
		}
	}
	if (optind < argc)
		usage_error(argv[optind], "unexpected argument");
	if (list) {
		list_all(json);
		return 0;
	}
	if (!variant_name)
		usage_error("--variant", "required (lrusim --list shows them)");
	if (!scenario_name)
		usage_error("--scenario", "required (lrusim --list shows them)");
	variant = find_variant(variant_name);
	if (!variant)
		usage_error(variant_name, strcmp(variant_name, "student") ?
			    "unknown variant (lrusim --list)" :
			    "this lrusim has no lab.c built in (lrusim-lab has)");
	sc = find_scenario(scenario_name);
	if (!sc)
		usage_error(scenario_name, "unknown scenario (lrusim --list)");
	if (cfg.up)
		cfg.nr_cpus = 1;

	if (!nr_strategies)
		nr_strategies = 1;
	sim_watchdog_start();
	for (i = 0; i < nr_strategies && !o.found; i++) {
		o.strategy_text[i] = strategy_text[i];
		o.found = explore(sc, &cfg, &strategies[i], &o.found_run, o.sched,
				  sizeof(o.sched), &o.stats[i]);
		o.diverged_at[i] = strategies[i].kind == STRAT_REPLAY ?
			o.found_run.diverged_at : -1;
		o.nr_run = i + 1;
	}
	if (o.found) {
		o.preemptions = o.found_run.preemptions;
		o.found_run.steps = NULL;	/* reused by the replays below */
		snprintf(o.sched_min, sizeof(o.sched_min), "%s", o.sched);
		if (o.found_run.failure.spun || stop_at) {
			/*
			 * every replay would spin a second too: keep the run
			 * found; and a debugger (--stop-at) sees one run only
			 */
			o.min_run = o.found_run;
		} else {
			minimize_schedule(sc, &cfg, &o.found_run.failure, o.preemptions,
					  o.sched_min, sizeof(o.sched_min));
			replay_schedule(sc, &cfg, o.sched_min, &o.min_run);
		}
	}
	/* the first run of the first strategy: the default order, or the replay */
	counter_values(&o.stats[0].first, o.counters);
	if (json)
		print_json(&o, &cfg, sc, trace);
	else
		print_text(&o, &cfg, sc, counters, trace);
	if (dot)
		write_dot_file(dot, cfg.nr_cpus, o.found && o.min_run.failed ?
			       o.min_run.failure.msg : sc->name);
	return o.found ? 1 : 0;
}

#define BATCH_MAX_BYTES	(1 << 20)
#define BATCH_MAX_ARGS	64
#define TIMED_OUT	124

static char *read_runs(const char *path, size_t *len)
{
	static char buf[BATCH_MAX_BYTES + 1];
	FILE *f = fopen(path, "rb");

	if (!f)
		usage_error(path, strerror(errno));
	*len = fread(buf, 1, BATCH_MAX_BYTES + 1, f);
	fclose(f);
	if (*len > BATCH_MAX_BYTES)
		usage_error(path, "more than 1 MiB of runs");
	return buf;
}

/* The next NUL-ended word of the runs at *pos, or NULL at their end. */
static char *next_word(char *buf, size_t len, size_t *pos)
{
	char *word = buf + *pos;
	char *end = memchr(word, '\0', len - *pos);

	if (*pos >= len || !end)
		return NULL;
	*pos += (size_t)(end - word) + 1;
	return word;
}

static void write_status(const char *path, int status)
{
	FILE *f = fopen(path, "w");

	if (!f || fprintf(f, "%d\n", status) < 0 || fclose(f))
		perror(path);
}

static int run_child(char **argv, int argc, const char *out, const char *err,
		     unsigned seconds)
{
	pid_t pid;
	int wstatus, fd;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return 128 + SIGKILL;
	if (pid == 0) {
		fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0 || dup2(fd, 1) < 0)
			_exit(2);
		close(fd);
		fd = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0 || dup2(fd, 2) < 0)
			_exit(2);
		close(fd);
		alarm(seconds);
		exit(lrusim_main(argc, argv));
	}
	while (waitpid(pid, &wstatus, 0) < 0)
		if (errno != EINTR)
			return 128 + SIGKILL;
	if (WIFSIGNALED(wstatus))
		return WTERMSIG(wstatus) == SIGALRM ? TIMED_OUT : 128 + WTERMSIG(wstatus);
	return WEXITSTATUS(wstatus);
}

static int batch(int argc, char **argv)
{
	char *words, *child_argv[BATCH_MAX_ARGS + 2];
	size_t len, pos = 0;
	int run, files = 4;
	long seconds;

	if (argc < 4)
		usage_error("--batch", "needs SECONDS RUNS [OUT ERR STATUS]...");
	seconds = strtol(argv[2], NULL, 10);
	if (seconds <= 0)
		usage_error(argv[2], "not a number of seconds");
	words = read_runs(argv[3], &len);
	for (run = 0; pos < len; run++) {
		char *count = next_word(words, len, &pos);
		long n = count ? strtol(count, NULL, 10) : -1;
		int i;

		if (n < 0 || n > BATCH_MAX_ARGS)
			usage_error(argv[3], "a run's argument count is missing or too big");
		if (files + 2 >= argc)
			usage_error(argv[3], "more runs than OUT ERR STATUS files");
		child_argv[0] = argv[0];
		for (i = 1; i <= n; i++) {
			child_argv[i] = next_word(words, len, &pos);
			if (!child_argv[i])
				usage_error(argv[3], "a run has fewer arguments than its count");
		}
		child_argv[n + 1] = NULL;
		write_status(argv[files + 2],
			     run_child(child_argv, (int)n + 1, argv[files], argv[files + 1],
				       (unsigned)seconds));
		files += 3;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "--batch"))
		return batch(argc, argv);
	return lrusim_main(argc, argv);
}
