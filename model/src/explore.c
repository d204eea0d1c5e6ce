/*
 * Search strategies over schedules, all by re-execution from the start:
 * - dfs:BOUND  every schedule with at most 0, then 1, ... BOUND preemptions,
 *              depth first (iterative context bounding, as CHESS does), so
 *              a failure is found at the least bound that shows it;
 * - pct:SEED:RUNS:DEPTH  random priorities with DEPTH-1 change points
 *              (Burckhardt et al., PCT), seeded, so reproducible;
 * - replay:SCHEDULE  one given schedule.
 * Also the schedule text format, the minimizer, and the trace printers.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lrulab/explore.h"

/* --- schedule text ----------------------------------------------------- */

/*
 * A default value choice (the newest store) goes unwritten, unless a later
 * choice of the same step is not the default: a replay gives a ~K token to
 * the first load that has a choice, so the ones before it must say ~0.
 */
static bool default_must_show(const struct run_result *r, int i)
{
	for (i++; i < r->nr_steps && r->steps[i].chosen.kind == CH_VALUE; i++)
		if (r->steps[i].chosen.cpu)
			return true;
	return false;
}

int schedule_format(const struct run_result *r, char *buf, size_t len)
{
	size_t off = 0;
	int i = 0;

	buf[0] = '\0';
	while (i < r->nr_steps) {
		const struct choice *c = &r->steps[i].chosen;
		int n = 1;

		if (c->kind == CH_VALUE) {	/* the newest store is the default */
			if (c->cpu || default_must_show(r, i))
				off += snprintf(buf + off, off < len ? len - off : 0,
						"%s~%d", off ? " " : "", c->cpu);
			i++;
			continue;
		}
		if (c->kind == CH_IRQ) {
			off += snprintf(buf + off, off < len ? len - off : 0,
					"%si%d", off ? " " : "", c->cpu);
			i++;
			continue;
		}
		/* a run of one cpu's steps, over default value choices */
		int j = i + 1;

		while (j < r->nr_steps) {
			const struct choice *d = &r->steps[j].chosen;

			if (d->kind == CH_VALUE && !d->cpu && !default_must_show(r, j)) {
				j++;
				continue;
			}
			if (d->kind == CH_VALUE)
				break;
			if (d->kind != CH_RUN || d->cpu != c->cpu)
				break;
			n++;
			j++;
		}
		off += snprintf(buf + off, off < len ? len - off : 0,
				n > 1 ? "%s%d*%d" : "%s%d", off ? " " : "",
				c->cpu, n);
		i = j;
	}
	return off < len ? 0 : -1;
}

int schedule_parse(const char *text, struct choice *out, int *counts, int max,
		   char *err, size_t errlen)
{
	const char *p = text;
	int n = 0;

	while (*p) {
		char *end;
		long cpu, count = 1;
		bool irq = false;

		if (isspace((unsigned char)*p) || *p == ',') {
			p++;
			continue;
		}
		if (*p == '#')		/* comment to end of line */
			break;
		if (*p == '~') {	/* a weak load reads the K-th older store */
			p++;
			if (!isdigit((unsigned char)*p))
				goto bad;
			cpu = strtol(p, &end, 10);
			p = end;
			if (cpu < 0 || cpu > 64 || (*p && !isspace((unsigned char)*p) &&
						     *p != ',' && *p != '#'))
				goto bad;
			if (n >= max) {
				snprintf(err, errlen, "schedule too long (more than %d "
					 "tokens)", max);
				return -1;
			}
			out[n] = (struct choice){ CH_VALUE, (int)cpu, -1 };
			counts[n++] = 1;
			continue;
		}
		if (*p == 'i') {
			irq = true;
			p++;
		}
		if (!isdigit((unsigned char)*p))
			goto bad;
		cpu = strtol(p, &end, 10);
		p = end;
		if (!irq && *p == '*') {
			p++;
			if (!isdigit((unsigned char)*p))
				goto bad;
			count = strtol(p, &end, 10);
			p = end;
		}
		if (cpu >= SIM_MAX_CPUS || count < 1 || count > MAX_STEPS)
			goto bad;
		if (*p && !isspace((unsigned char)*p) && *p != ',' && *p != '#')
			goto bad;
		if (n >= max) {
			snprintf(err, errlen, "schedule too long (more than %d "
				 "tokens)", max);
			return -1;
		}
		out[n] = (struct choice){ irq ? CH_IRQ : CH_RUN, (int)cpu, -1 };
		counts[n++] = (int)count;
	}
	return n;
bad:
	snprintf(err, errlen, "bad schedule token at \"%.12s\": write CPU, "
		 "CPU*STEPS, iCPU or ~K (e.g. \"0*5 1*3 i1 1 ~1\")", p);
	return -1;
}

/* --- choosers ---------------------------------------------------------- */

/* Follow a list of tokens; when a token cannot be taken, note it and skip it. */
struct replay_chooser {
	struct chooser base;
	struct choice tok[MAX_STEPS];
	int count[MAX_STEPS];
	int nr_tok, cur, used;
	int step, diverged_at;
};

static int replay_choose(struct chooser *self, const struct choice *opts,
			 int n, int dflt)
{
	struct replay_chooser *rc = (struct replay_chooser *)self;

	if (!opts) {			/* a value choice: a ~K token, if next */
		if (rc->cur < rc->nr_tok && rc->tok[rc->cur].kind == CH_VALUE &&
		    rc->used == 0) {
			int k = rc->tok[rc->cur++].cpu;

			if (k < n)
				return k;
			if (rc->diverged_at < 0)
				rc->diverged_at = rc->step;
		}
		return 0;
	}
	rc->step++;
	while (rc->cur < rc->nr_tok) {
		const struct choice *t = &rc->tok[rc->cur];
		int i;

		if (t->kind == CH_VALUE) {	/* no weak load where it was asked */
			if (rc->diverged_at < 0)
				rc->diverged_at = rc->step;
			rc->cur++;
			continue;
		}
		for (i = 0; i < n; i++)
			if (opts[i].kind == t->kind && opts[i].cpu == t->cpu)
				break;
		if (i == n) {		/* diverged: drop the rest of the token */
			if (rc->diverged_at < 0)
				rc->diverged_at = rc->step;
			rc->cur++;
			rc->used = 0;
			continue;
		}
		if (++rc->used >= rc->count[rc->cur]) {
			rc->cur++;
			rc->used = 0;
		}
		return i;
	}
	return dflt;
}

/*
 * Sleep sets (Godefroid 1996), for dfs with --por on.  A transition is a
 * context's next step, or an interrupt delivered on a cpu; its id is the
 * same in every run with the same prefix.  After the subtree of one choice
 * at a node is explored, that choice sleeps in the subtrees of the node's
 * later choices until a step dependent on it is taken (fp_independent):
 * every schedule it would start there is the same partial order as one
 * explored already, its independent steps swapped.
 */
struct sleeper {
	short id;
	struct footprint fp;		/* what it did where it was explored */
};

struct sleep_set {
	int n;
	struct sleeper s[MAX_CHOICES];
};

static int transition_id(const struct choice *c)
{
	return c->ctx * (SIM_MAX_CPUS + 1) + (c->kind == CH_IRQ ? 1 + c->cpu : 0);
}

static bool asleep(const struct sleep_set *ss, int id)
{
	int i;

	for (i = 0; i < ss->n; i++)
		if (ss->s[i].id == id)
			return true;
	return false;
}

static void sleep_add(struct sleep_set *ss, int id, const struct footprint *fp)
{
	if (ss->n < MAX_CHOICES && !asleep(ss, id))
		ss->s[ss->n++] = (struct sleeper){ (short)id, *fp };
	/* a full set forgets a sleeper: less pruning, never a lost schedule */
}

/* The sleepers of @from that @fp (the step taken, transition @id) lets sleep on. */
static void sleep_carry(struct sleep_set *to, const struct sleep_set *from,
			int id, const struct footprint *fp)
{
	int i;

	for (i = 0; i < from->n; i++)
		if (from->s[i].id != id && fp_independent(&from->s[i].fp, fp))
			sleep_add(to, from->s[i].id, &from->s[i].fp);
}

/*
 * The state of the depth-first search, one entry per step of the last
 * run: the index taken and how many preemptions the run had made before
 * it; with --por on also each node's transitions, its sleep set on entry
 * and the choices whose subtrees are done (they sleep in the next ones).
 */
static int prefix[MAX_STEPS];
_Static_assert(MAX_CHOICES <= 32, "a node's choices are bits of an unsigned");
_Static_assert(SIM_MAX_CTX <= 32, "contexts are bits of an unsigned");
static unsigned tried[MAX_STEPS];	/* indices tried, a mask */
static unsigned backtrack[MAX_STEPS];	/* --por on: indices a race asks for */
static int segment[MAX_STEPS];		/* where its context's run of steps began */
static int preempts_before[MAX_STEPS];
static int nr_opts[MAX_STEPS];
static int dflt_idx[MAX_STEPS];		/* the index taken first */
static bool cont[MAX_STEPS];
static short node_ids[MAX_STEPS][MAX_CHOICES];
static int sim_dflt[MAX_STEPS];		/* the machine's default there */
static struct sleep_set sleep_in[MAX_STEPS], done_at[MAX_STEPS];

/* Replay a prefix of choice indices, then take the default. */
struct dfs_chooser {
	struct chooser base;
	int nr_prefix;
	int pos;
	/* --por on */
	bool por;
	int bound;
	const struct run_result *out;	/* the run being made */
	int last_node;			/* the last scheduling node, -1 */
};

static int dfs_choose(struct chooser *self, const struct choice *opts, int n,
		      int dflt)
{
	struct dfs_chooser *dc = (struct dfs_chooser *)self;
	int pos = dc->pos++, i, pick;
	struct sleep_set *ss;

	if (!dc->por || !opts)
		return pos < dc->nr_prefix ? prefix[pos] : dflt;
	/* the sleep set here: what the last node's step left asleep */
	ss = &sleep_in[pos];
	ss->n = 0;
	if (dc->last_node >= 0) {
		int j = dc->last_node;
		const struct step_record *s = &dc->out->steps[j];
		int id = transition_id(&s->chosen);

		sleep_carry(ss, &sleep_in[j], id, &s->fp);
		sleep_carry(ss, &done_at[j], id, &s->fp);
	}
	dc->last_node = pos;
	for (i = 0; i < n; i++)
		node_ids[pos][i] = (short)transition_id(&opts[i]);
	sim_dflt[pos] = dflt;
	if (pos < dc->nr_prefix)
		return prefix[pos];
	done_at[pos].n = 0;
	if (!asleep(ss, node_ids[pos][dflt]))
		return dflt;
	/* the default sleeps: another choice, if one is awake and affordable */
	for (pick = 0; pick < n && asleep(ss, node_ids[pos][pick]); pick++)
		;
	if (pick == n)
		return CHOOSE_PRUNE;
	if (pos > 0 && dc->out->steps[pos - 1].chosen.ctx == opts[dflt].ctx &&
	    dc->out->preemptions + 1 > dc->bound)
		return CHOOSE_PRUNE;
	return pick;
}

/* PCT: highest priority enabled context runs; priorities drop at change points */
struct pct_chooser {
	struct chooser base;
	unsigned long long rng;
	int prio[SIM_MAX_CTX];
	long change_at[8];
	int depth;
	long step;
};

static unsigned long long rng_next(unsigned long long *s)
{
	/* splitmix64 */
	unsigned long long z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static int pct_choose(struct chooser *self, const struct choice *opts, int n,
		      int dflt)
{
	struct pct_chooser *pc = (struct pct_chooser *)self;
	int i, best = -1;

	if (!opts)		/* a weak load: an older store one time in four */
		return rng_next(&pc->rng) % 4 ? 0 :
			1 + (int)(rng_next(&pc->rng) % (unsigned long long)(n - 1));

	(void)dflt;
	for (i = 0; i < n; i++)
		if (best < 0 || pc->prio[opts[i].ctx] > pc->prio[opts[best].ctx])
			best = i;
	for (i = 0; i < pc->depth - 1; i++)
		if (pc->change_at[i] == pc->step)
			pc->prio[opts[best].ctx] = i - pc->depth;	/* below all */
	pc->step++;
	return best;
}

static void pct_init(struct pct_chooser *pc, unsigned long seed, long run,
		     int depth, long est_steps)
{
	int i;

	memset(pc, 0, sizeof(*pc));
	pc->base.choose = pct_choose;
	pc->rng = seed * 1000003ULL + (unsigned long long)run;
	pc->depth = depth < 1 ? 1 : depth > 8 ? 8 : depth;
	for (i = 0; i < SIM_MAX_CTX; i++)
		pc->prio[i] = (int)(rng_next(&pc->rng) % 1000000) + 16;
	for (i = 0; i < pc->depth - 1; i++)
		pc->change_at[i] = (long)(rng_next(&pc->rng) %
					  (unsigned long long)(est_steps + 1));
}

/* --- running ----------------------------------------------------------- */

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

void replay_schedule(const struct scenario *sc, const struct sim_config *cfg,
		     const char *sched, struct run_result *out)
{
	static struct replay_chooser rc;
	struct sim_config one = *cfg;
	char err[128];
	int n;

	one.por = false;		/* one schedule: nothing to reduce */
	memset(&rc, 0, sizeof(rc));
	rc.base.choose = replay_choose;
	rc.diverged_at = -1;
	n = schedule_parse(sched, rc.tok, rc.count, MAX_STEPS, err, sizeof(err));
	rc.nr_tok = n < 0 ? 0 : n;
	sim_run(sc, &one, &rc.base, out);
	out->diverged_at = rc.diverged_at;
	/* a quiet end with steps still asked for is a divergence too */
	if (out->diverged_at < 0 && !out->failed && rc.cur < rc.nr_tok)
		out->diverged_at = rc.step + 1;
}

static bool still_fails(const struct run_result *r, const struct sim_failure *target,
			int max_preemptions)
{
	return r->failed && same_failure(&r->failure, target) &&
	       r->preemptions <= max_preemptions && r->diverged_at < 0;
}

/* Write tokens back as text, leaving out token @skip (-1: none). */
static bool format_tokens(const struct choice *tok, const int *count, int n,
			  int skip, char *buf, size_t len)
{
	size_t off = 0;
	int j;

	buf[0] = '\0';
	for (j = 0; j < n; j++) {
		if (j == skip)
			continue;
		off += snprintf(buf + off, off < len ? len - off : 0,
				tok[j].kind == CH_IRQ ? "%si%d" :
				tok[j].kind == CH_VALUE ? "%s~%d" :
				count[j] > 1 ? "%s%d*%d" : "%s%d",
				off ? " " : "", tok[j].cpu, count[j]);
	}
	return off < len;
}

/*
 * Greedy shrinking: drop whole tokens, then shorten run lengths, keeping
 * each change only if the same checker still fails.  What is left is a
 * schedule with few preemptions that a student can read and replay.
 */
void minimize_schedule(const struct scenario *sc, const struct sim_config *cfg,
		       const struct sim_failure *target, int max_preemptions,
		       char *sched, size_t len)
{
	static struct choice tok[MAX_STEPS];
	static int count[MAX_STEPS];
	struct run_result r;
	char err[128], *trial = malloc(len);
	bool changed = true;
	int n, i, rounds = 0;

	n = schedule_parse(sched, tok, count, MAX_STEPS, err, sizeof(err));
	while (n > 0 && changed && rounds++ < 8) {
		changed = false;
		for (i = n - 1; i >= 0; i--) {
			if (!format_tokens(tok, count, n, i, trial, len))
				continue;
			replay_schedule(sc, cfg, trial, &r);
			if (still_fails(&r, target, max_preemptions)) {
				memmove(&tok[i], &tok[i + 1],
					(n - i - 1) * sizeof(tok[0]));
				memmove(&count[i], &count[i + 1],
					(n - i - 1) * sizeof(count[0]));
				n--;
				changed = true;
				continue;
			}
			/* a shorter run: halve while the failure stays */
			while (tok[i].kind == CH_RUN && count[i] > 1) {
				int saved = count[i];

				count[i] = saved / 2;
				format_tokens(tok, count, n, -1, trial, len);
				replay_schedule(sc, cfg, trial, &r);
				if (!still_fails(&r, target, max_preemptions)) {
					count[i] = saved;
					break;
				}
				changed = true;
			}
		}
	}
	if (n >= 0)
		format_tokens(tok, count, n, -1, sched, len);
	free(trial);
}

/* One more run done; the first one's counters are what a test asks about. */
static void counted(struct explore_stats *stats, const struct run_result *r)
{
	if (stats->runs++ == 0)
		stats->first = mm_counters;
	stats->steps += r->nr_steps;
	stats->pruned += r->pruned;
}

static int ctx_of_id(int id)
{
	return id / (SIM_MAX_CPUS + 1);
}

/*
 * Node @i must also try context @ctx, an irq on the @cpu where it ran in
 * the race (else on any cpu; all the node can do if @ctx cannot go there).
 */
static void want_at(int i, int ctx, int cpu)
{
	unsigned any = 0, here = 0;
	int o;

	for (o = 0; o < nr_opts[i]; o++) {
		int id = node_ids[i][o];

		if (ctx_of_id(id) != ctx)
			continue;
		any |= 1u << o;
		if (id % (SIM_MAX_CPUS + 1) == 0 || id % (SIM_MAX_CPUS + 1) == 1 + cpu)
			here |= 1u << o;
	}
	backtrack[i] |= here ? here : any ? any : (1u << nr_opts[i]) - 1;
}

/*
 * Source of the backtracking points (Flanagan and Godefroid's dynamic POR,
 * POPL 2005): for each new step j, the last earlier step i of every other
 * context that is dependent on it is a race, unless i happens before the
 * steps j's context took before j (then the order is forced by another
 * race, found there); the node of i must try j's context too.  A
 * preemption bound may not afford the switch at i, a preemption, that the
 * full search makes elsewhere for free, so then the node where i's context
 * began running tries it as well (the conservative point of Coons, Musuvathi and
 * McKinley, "Bounded partial-order reduction", OOPSLA 2013).
 *
 * hb[j][c]: 1 + the last step of context c that happens before step j
 * (program order and dependence), 0 if none; kept for the prefix.
 */
static short hb[MAX_STEPS][SIM_MAX_CTX];

static void find_races(const struct run_result *r, int from)
{
	int j, i, c;

	for (j = 0; j < r->nr_steps; j++) {
		const struct step_record *s = &r->steps[j];

		segment[j] = j > 0 && r->steps[j - 1].chosen.ctx == s->chosen.ctx ?
			segment[j - 1] : j;
	}
	for (j = from < 0 ? 0 : from; j < r->nr_steps; j++) {
		const struct step_record *sj = &r->steps[j];
		int q = sj->chosen.ctx, prev = -1, last[SIM_MAX_CTX];
		unsigned seen = 0;

		if (sj->chosen.kind == CH_VALUE) {
			memcpy(hb[j], hb[j - 1], sizeof(hb[j]));
			continue;
		}
		for (i = j - 1; i >= 0; i--) {
			const struct step_record *si = &r->steps[i];
			int p = si->chosen.ctx;

			if (si->chosen.kind == CH_VALUE)
				continue;
			if (p == q) {
				if (prev < 0)
					prev = i;
				continue;
			}
			if ((seen & 1u << p) || fp_independent(&si->fp, &sj->fp))
				continue;
			seen |= 1u << p;
			last[p] = i;
		}
		if (prev >= 0)
			memcpy(hb[j], hb[prev], sizeof(hb[j]));
		else
			memset(hb[j], 0, sizeof(hb[j]));
		for (c = 0; c < SIM_MAX_CTX; c++) {
			int k;

			if (!(seen & 1u << c))
				continue;
			i = last[c];
			if (prev < 0 || hb[prev][c] < i + 1) {
				want_at(i, q, sj->chosen.cpu);
				if (cont[i])	/* a switch at i is a preemption */
					want_at(segment[i], q, sj->chosen.cpu);
			}
			for (k = 0; k < SIM_MAX_CTX; k++)
				if (hb[i][k] > hb[j][k])
					hb[j][k] = hb[i][k];
		}
		hb[j][q] = (short)(j + 1);
	}
}

/*
 * Depth-first over schedules with a preemption bound: after each run,
 * backtrack to the deepest step with an untried alternative that stays
 * within the bound; with --por on, only the alternatives a race asks for
 * (find_races) that do not sleep there.
 */
static int explore_dfs(const struct scenario *sc, const struct sim_config *cfg,
		       int bound, struct run_result *out,
		       struct explore_stats *stats)
{
	struct dfs_chooser dc = { .base.choose = dfs_choose, .por = cfg->por,
				  .bound = bound, .out = out };
	int depth = 0;

	for (;;) {
		int i, p = 0, k;

		dc.nr_prefix = depth;
		dc.pos = 0;
		dc.last_node = -1;
		sim_run(sc, cfg, &dc.base, out);
		counted(stats, out);
		if (out->failed)
			return 1;
		/* record the run beyond the forced prefix */
		for (i = 0; i < out->nr_steps; i++) {
			const struct step_record *s = &out->steps[i];

			preempts_before[i] = p;
			p += s->preempted;
			if (i >= depth) {
				prefix[i] = s->chosen_idx;
				tried[i] = 1u << s->chosen_idx;
				backtrack[i] = 0;
				nr_opts[i] = s->nr_opts;
				dflt_idx[i] = s->chosen_idx;
				cont[i] = s->cont;
			}
		}
		if (cfg->por)
			find_races(out, depth - 1);
		/* backtrack */
		for (k = out->nr_steps - 1; k >= 0; k--) {
			bool node = cfg->por && out->steps[k].chosen.kind != CH_VALUE;
			unsigned want = node ? backtrack[k] : ~0u;
			int next;

			/* every alternative to the default is a preemption
			 * when the running context could have gone on */
			if (preempts_before[k] + (cont[k] ? 1 : 0) > bound)
				continue;
			for (next = 0; next < nr_opts[k]; next++)
				if ((want & ~tried[k] & 1u << next) &&
				    !(node && asleep(&sleep_in[k], node_ids[k][next])))
					break;
			if (next < nr_opts[k]) {
				/*
				 * the choice just explored sleeps in the next
				 * ones if it went on with the running context:
				 * a schedule of theirs that takes it later is
				 * one of its own with no more preemptions.  Had
				 * it switched, taking it first and switching
				 * again could cost one more than the bound has.
				 */
				if (node && cont[k] && prefix[k] == sim_dflt[k])
					sleep_add(&done_at[k],
						  node_ids[k][prefix[k]],
						  &out->steps[k].fp);
				tried[k] |= 1u << next;
				prefix[k] = next;
				depth = k + 1;
				break;
			}
		}
		if (k < 0)
			return 0;
	}
}

static int explore_pct(const struct scenario *sc, const struct sim_config *cfg,
		       const struct strategy *st, struct run_result *out,
		       struct explore_stats *stats)
{
	static struct pct_chooser pc;
	struct dfs_chooser first = { .base.choose = dfs_choose, .last_node = -1 };
	long run, est;

	sim_run(sc, cfg, &first.base, out);	/* learn the run length */
	counted(stats, out);
	if (out->failed)
		return 1;
	est = out->nr_steps;
	for (run = 0; run < st->runs; run++) {
		pct_init(&pc, st->seed, run, st->depth, est);
		sim_run(sc, cfg, &pc.base, out);
		counted(stats, out);
		if (out->failed)
			return 1;
	}
	return 0;
}

int explore(const struct scenario *sc, const struct sim_config *cfg,
	    const struct strategy *st, struct run_result *out,
	    char *fail_sched, size_t len, struct explore_stats *stats)
{
	double t0 = now();
	int found = 0;

	memset(stats, 0, sizeof(*stats));
	stats->bound = -1;
	switch (st->kind) {
	case STRAT_DFS:
		for (stats->bound = 0; stats->bound <= st->bound; stats->bound++) {
			found = explore_dfs(sc, cfg, stats->bound, out, stats);
			if (found)
				break;
		}
		if (!found)
			stats->bound = -1;
		break;
	case STRAT_PCT: {
		struct sim_config random = *cfg;

		random.por = false;	/* sleep sets are for dfs only */
		found = explore_pct(sc, &random, st, out, stats);
		break;
	}
	case STRAT_REPLAY:
		replay_schedule(sc, cfg, st->schedule, out);
		counted(stats, out);
		found = out->failed;
		break;
	}
	stats->seconds = now() - t0;
	if (found)
		schedule_format(out, fail_sched, len);
	return found;
}

/* --- trace printers ---------------------------------------------------- */

static void describe_event(const struct trace_event *ev, char *buf, size_t len)
{
	const struct sim_ctx *c = &sim.ctx[ev->ctx];
	const char *irq = c->kind == CTX_TASK ? "" : "irq ";
	char obj[48] = "";

	if (ev->opaque) {
		snprintf(buf, len, "%s%s: %s (reference code)", irq, c->name,
			 ev->where);
		return;
	}
	if (ev->page >= 0)
		snprintf(obj, sizeof(obj), "(p%d)", ev->page);
	else if (ev->lock)
		snprintf(obj, sizeof(obj), "(%s)", ev->lock);
	if (ev->page >= 0 && ev->before != ev->after)
		snprintf(buf, len, "%s%s: %s %s%s %ld->%ld", irq, c->name, ev->where,
			 ev->what, obj, ev->before, ev->after);
	else if (ev->page >= 0 && (strncmp(ev->what, "Page", 4) == 0 ||
				   !strcmp(ev->what, "page_count")))
		snprintf(buf, len, "%s%s: %s %s%s = %ld", irq, c->name, ev->where,
			 ev->what, obj, ev->after);
	else
		snprintf(buf, len, "%s%s: %s %s%s", irq, c->name, ev->where,
			 ev->what, obj);
}

/* A run of reference steps of one context shows as its first step only. */
static bool continues_opaque(int i)
{
	const struct trace_event *ev = &sim.trace[i], *prev;

	if (i == 0 || !ev->opaque)
		return false;
	prev = &sim.trace[i - 1];
	return prev->opaque && prev->ctx == ev->ctx && prev->where == ev->where;
}

/* How much of @s fits in @width columns, broken after a space if it can be. */
static int wrap_at(const char *s, int width)
{
	int n = (int)strlen(s), cut;

	if (n <= width)
		return n;
	for (cut = width; cut > width / 2; cut--)
		if (s[cut - 1] == ' ')
			return cut;
	return width;
}

/* Two (or more) lanes side by side; long steps wrap inside their lane. */
void print_trace(FILE *f, int nr_cpus)
{
	const int width = nr_cpus <= 2 ? 45 : 30;
	int i, cpu;

	fprintf(f, "step ");
	for (cpu = 0; cpu < nr_cpus; cpu++)
		fprintf(f, "| cpu%-*d", width - 3, cpu);
	fprintf(f, "\n");
	for (i = 0; i < sim.nr_trace; i++) {
		const struct trace_event *ev = &sim.trace[i];
		char buf[160];
		int off, n = 0;

		if (!strcmp(ev->what, "spin") || continues_opaque(i))
			continue;
		describe_event(ev, buf, sizeof(buf));
		for (off = 0; off == 0 || buf[off]; off += n) {
			n = wrap_at(buf + off, width - 1);
			fprintf(f, off ? "     " : "%4d ", i + 1);
			for (cpu = 0; cpu < nr_cpus; cpu++)
				fprintf(f, "| %-*.*s", width - 1, cpu == ev->cpu ? n : 0,
					cpu == ev->cpu ? buf + off : "");
			fprintf(f, "\n");
		}
	}
}

void write_dot(FILE *f, int nr_cpus, const char *title)
{
	int i, cpu, prev[SIM_MAX_CPUS], last = -1;

	fprintf(f, "digraph timeline {\n  label=\"%s\"; labelloc=t;\n"
		"  rankdir=TB; node [shape=box, fontname=\"monospace\", "
		"fontsize=9];\n", title);
	for (cpu = 0; cpu < nr_cpus; cpu++) {
		prev[cpu] = -1;
		fprintf(f, "  subgraph cluster_cpu%d { label=\"cpu%d\"; "
			"style=rounded;\n", cpu, cpu);
		for (i = 0; i < sim.nr_trace; i++) {
			const struct trace_event *ev = &sim.trace[i];
			char buf[160];

			if (ev->cpu != cpu || !strcmp(ev->what, "spin") ||
			    !strcmp(ev->what, "start") || continues_opaque(i))
				continue;
			describe_event(ev, buf, sizeof(buf));
			fprintf(f, "    e%d [label=\"%d: %s\"%s];\n", i, i + 1, buf,
				sim.failed && i == sim.nr_trace - 1 ?
				", color=red, penwidth=2" : "");
		}
		fprintf(f, "  }\n");
	}
	/* program order within a cpu, and the cross-cpu order of switches */
	for (i = 0; i < sim.nr_trace; i++) {
		const struct trace_event *ev = &sim.trace[i];

		if (!strcmp(ev->what, "spin") || !strcmp(ev->what, "start") ||
		    continues_opaque(i))
			continue;
		if (prev[ev->cpu] >= 0)
			fprintf(f, "  e%d -> e%d;\n", prev[ev->cpu], i);
		if (last >= 0 && sim.trace[last].cpu != ev->cpu)
			fprintf(f, "  e%d -> e%d [style=dashed, color=gray, "
				"constraint=true];\n", last, i);
		prev[ev->cpu] = i;
		last = i;
	}
	fprintf(f, "}\n");
}
