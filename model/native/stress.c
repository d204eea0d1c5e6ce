/*
 * stress: run a scenario's tasks on real threads, over and over, for a
 * given time, and count how often a checker fires.  The same mm code as
 * the model (model/src), linked against real atomics and spinlocks.
 *
 *   stress --variant V --scenario S --seconds T
 *
 * Prints: iterations, hits (iterations with a failure), and per checker.
 */
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lrulab/explore.h"
#include "lrulab/mm.h"
#include "native.h"

#define MAX_WORKERS	4

struct task {
	void (*fn)(void *);
	void *arg;
	enum ctx_kind kind;
};

static struct task tasks[MAX_WORKERS];
static int nr_tasks;
static pthread_barrier_t start, done;
static volatile bool stop;

int sim_spawn(int cpu, const char *name, void (*fn)(void *), void *arg)
{
	(void)cpu, (void)name;
	if (nr_tasks < MAX_WORKERS)
		tasks[nr_tasks++] = (struct task){ fn, arg, CTX_TASK };
	return nr_tasks - 1;
}

int sim_raise_irq(int cpu, enum ctx_kind kind, const char *name,
		  void (*fn)(void *), void *arg)
{
	(void)cpu, (void)name;
	if (nr_tasks < MAX_WORKERS)
		tasks[nr_tasks++] = (struct task){ fn, arg, kind };
	return nr_tasks - 1;
}

static void *worker(void *arg)
{
	int id = (int)(long)arg;

	native_ctx.id = id;
	for (;;) {
		pthread_barrier_wait(&start);
		if (stop)
			return NULL;
		if (id < nr_tasks) {
			native_ctx.kind = tasks[id].kind;
			tasks[id].fn(tasks[id].arg);
		}
		pthread_barrier_wait(&done);
	}
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "variant", required_argument, NULL, 'v' },
		{ "scenario", required_argument, NULL, 's' },
		{ "seconds", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	const char *vname = "flawed-0207", *sname = "put-vs-shrink";
	const struct scenario *sc;
	pthread_t th[MAX_WORKERS];
	double seconds = 1.0, t0;
	long iterations = 0, hits = 0;
	int c, i;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'v')
			vname = optarg;
		else if (c == 's')
			sname = optarg;
		else if (c == 't')
			seconds = atof(optarg);
		else
			return 2;
	}
	variant = find_variant(vname);
	sc = find_scenario(sname);
	if (!variant || !sc || seconds <= 0) {
		fprintf(stderr, "stress: unknown variant or scenario, or bad --seconds\n");
		return 2;
	}
	pthread_barrier_init(&start, NULL, MAX_WORKERS + 1);
	pthread_barrier_init(&done, NULL, MAX_WORKERS + 1);
	for (i = 0; i < MAX_WORKERS; i++)
		pthread_create(&th[i], NULL, worker, (void *)(long)i);
	t0 = now();
	while (now() - t0 < seconds) {
		long before = atomic_load(&native_failures[CHK_DOUBLE_FREE]) +
			      atomic_load(&native_failures[CHK_LRU_CORRUPTION]) +
			      atomic_load(&native_failures[CHK_UNDERFLOW]);

		nr_tasks = 0;
		mm_reset();
		sc->setup();
		pthread_barrier_wait(&start);
		pthread_barrier_wait(&done);
		iterations++;
		hits += atomic_load(&native_failures[CHK_DOUBLE_FREE]) +
			atomic_load(&native_failures[CHK_LRU_CORRUPTION]) +
			atomic_load(&native_failures[CHK_UNDERFLOW]) > before;
	}
	stop = true;
	pthread_barrier_wait(&start);
	for (i = 0; i < MAX_WORKERS; i++)
		pthread_join(th[i], NULL);
	printf("variant %s, scenario %s, %.2f s on %d threads\n", vname, sname,
	       now() - t0, MAX_WORKERS);
	printf("iterations: %ld\nhits: %ld\n", iterations, hits);
	for (i = 0; i < NR_CHECKERS; i++)
		if (atomic_load(&native_failures[i]))
			printf("  %s: %ld\n", checker_names[i],
			       atomic_load(&native_failures[i]));
	return 0;
}
