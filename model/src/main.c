/*
 * lrusim: explore one scenario under one variant of the 2.4 mm code.
 *
 *   lrusim --variant V --scenario S [--cpus N] [--up] [--check LIST]
 *          [--strategy dfs:BOUND|pct:SEED:RUNS:DEPTH|replay:SCHEDULE]...
 *          [--dot FILE] [--counters] [--trace]
 *   lrusim --list
 *
 * Exit 0: no failure found; 1: a failure was found; 2: bad arguments.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lrulab/explore.h"
#include "lrulab/mm.h"

#define SCHED_LEN	16384

static void usage_error(const char *arg, const char *why)
{
	fprintf(stderr, "lrusim: %s: %s (see lrusim --help)\n", arg, why);
	exit(2);
}

static void list_all(void)
{
	int i;

	printf("variants:\n");
	for (i = 0; variants[i]; i++)
		printf("  %-16s %s\n", variants[i]->name, variants[i]->summary);
	printf("  %-16s %s\n", "student",
	       "the hooks of the lab.c linked in (lrusim-lab), fix-0212 for the rest");
	printf("scenarios:\n");
	for (i = 0; scenarios[i].name; i++)
		printf("  %-16s %s\n", scenarios[i].name, scenarios[i].summary);
	printf("checkers:\n ");
	for (i = 0; i < NR_CHECKERS; i++)
		printf(" %s", checker_names[i]);
	printf("\n");
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

static void print_counters(void)
{
	printf("counters: freed=%d freed_in_irq=%d left_on_lru=%d "
	       "left_on_lru_task=%d reclaimed_zero_count=%d "
	       "reclaimed_swap_cache=%d lru_del_in_irq=%d cow_copies=%d\n",
	       mm_counters.freed, mm_counters.freed_in_irq,
	       mm_counters.left_on_lru, mm_counters.left_on_lru_task,
	       mm_counters.reclaimed_zero_count,
	       mm_counters.reclaimed_swap_cache, mm_counters.lru_del_in_irq,
	       mm_counters.cow_copies);
}

static void report_failure(const struct scenario *sc,
			   const struct sim_config *cfg,
			   const struct run_result *r, const char *sched,
			   const char *dot)
{
	char sched_min[SCHED_LEN];
	struct run_result m;
	char a[96], b[96];

	printf("FAILURE [%s] %s\n", checker_names[r->failure.checker],
	       r->failure.msg);
	if (r->failure.page >= 0)
		printf("  page: p%d\n", r->failure.page);
	printf("  contexts: %s; %s\n", ctx_describe(r->failure.ctx, a, sizeof(a)),
	       ctx_describe(r->failure.other_ctx, b, sizeof(b)));
	printf("schedule: %s\n", sched);
	snprintf(sched_min, sizeof(sched_min), "%s", sched);
	minimize_schedule(sc, cfg, r->failure.checker, sched_min,
			  sizeof(sched_min));
	replay_schedule(sc, cfg, sched_min, &m);
	printf("minimized schedule: %s\n", sched_min);
	printf("minimized failure: [%s] %s\n",
	       m.failed ? checker_names[m.failure.checker] : "none",
	       m.failed ? m.failure.msg : "(the minimized schedule did not fail)");
	printf("preemptions: %d\n", m.preemptions);
	printf("trace of the minimized schedule:\n");
	print_trace(stdout, cfg->nr_cpus);
	if (dot) {
		FILE *f = fopen(dot, "w");

		if (!f) {
			fprintf(stderr, "lrusim: --dot %s: cannot write\n", dot);
			exit(2);
		}
		write_dot(f, cfg->nr_cpus, m.failed ? m.failure.msg : sc->name);
		fclose(f);
	}
}

int main(int argc, char **argv)
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
		{ "list", no_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct sim_config cfg = { .nr_cpus = 2, .checkers = (1u << NR_CHECKERS) - 1,
				  .step_limit = MAX_STEPS };
	/* --strategy may be given several times: each runs until one fails */
	struct strategy strategies[8] = { { .kind = STRAT_DFS, .bound = 2 } };
	int nr_strategies = 0, i;
	const char *variant_name = NULL, *scenario_name = NULL, *dot = NULL;
	bool counters = false, trace = false;
	const struct scenario *sc;
	struct explore_stats stats;
	struct run_result r;
	static char sched[SCHED_LEN];
	int c, found;

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
			if (nr_strategies == 8)
				usage_error("--strategy", "at most 8 of them");
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
		case 'l':
			list_all();
			return 0;
		case 'h':
			printf("usage: lrusim --variant V --scenario S [--cpus N] "
			       "[--up] [--check LIST]\n              [--strategy "
			       "dfs:BOUND|pct:SEED:RUNS:DEPTH|replay:SCHEDULE] "
			       "[--dot FILE] [--counters] [--trace]\n       lrusim --list\n");
			return 0;
		default:
			usage_error(argv[optind - 1], "unknown option");
		}
	}
	if (optind < argc)
		usage_error(argv[optind], "unexpected argument");
	if (!variant_name)
		usage_error("--variant", "required (lrusim --list shows them)");
	if (!scenario_name)
		usage_error("--scenario", "required (lrusim --list shows them)");
	variant = find_variant(variant_name);
	if (!variant)
		usage_error(variant_name, "unknown variant (lrusim --list)");
	sc = find_scenario(scenario_name);
	if (!sc)
		usage_error(scenario_name, "unknown scenario (lrusim --list)");
	if (cfg.up)
		cfg.nr_cpus = 1;

	printf("variant %s, scenario %s, %d cpu%s%s\n", variant->name, sc->name,
	       cfg.nr_cpus, cfg.nr_cpus > 1 ? "s" : "", cfg.up ? " (UP kernel)" : "");
	found = 0;
	memset(&stats, 0, sizeof(stats));
	for (i = 0; i < (nr_strategies ? nr_strategies : 1) && !found; i++) {
		struct explore_stats one;

		found = explore(sc, &cfg, &strategies[i], &r, sched, sizeof(sched),
				&one);
		stats.runs += one.runs;
		stats.steps += one.steps;
		stats.seconds += one.seconds;
	}
	if (found) {
		report_failure(sc, &cfg, &r, sched, dot);
	} else {
		printf("no failure found\n");
		if (trace) {
			printf("trace of the last schedule run:\n");
			print_trace(stdout, cfg.nr_cpus);
		}
		if (dot) {
			FILE *f = fopen(dot, "w");

			if (!f)
				usage_error(dot, "cannot write the --dot file");
			write_dot(f, cfg.nr_cpus, sc->name);
			fclose(f);
		}
	}
	if (counters)
		print_counters();
	printf("explored: %ld schedules, %ld steps, %.6f s (%.0f schedules/s)\n",
	       stats.runs, stats.steps, stats.seconds,
	       stats.seconds > 0 ? stats.runs / stats.seconds : 0.0);
	return found ? 1 : 0;
}
