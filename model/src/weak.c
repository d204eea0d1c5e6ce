/*
 * The weak memory of lrulab/weak.h, as views (in the manner of the
 * operational models of ARMv8 and RISC-V, without promises: a load never
 * returns a store that has not happened yet).
 *
 * Every store to a page's count or flags gets a time stamp and carries the
 * view its cpu released with it: for each word, the newest store that cpu
 * knew of at its last release (spin_unlock, smp_wmb, smp_mb, a
 * value-returning atomic).  Each cpu has a floor (for each word, the
 * oldest store its next load may still return) and what it knows (the
 * newest store of each word it has written, or seen in a view it read).
 * A plain load may return any store at or above the floor, newest first;
 * reading a store adds its view to what the cpu knows, and an ordering
 * point raises the floor to it (smp_rmb, smp_mb, acquire).  Only the last
 * WEAK_DEPTH stores of a word are kept: older ones can no longer be read.
 */
#include <string.h>

#include "lrulab/mm.h"
#include "lrulab/sim.h"
#include "lrulab/weak.h"

#define NR_WORDS	(NR_PAGES * 2)
#define WEAK_DEPTH	4
#define MAX_LOCK_VIEWS	16

enum memory_mode memory_mode = MEMORY_SC;
const char *const memory_mode_names[3] = { "sc", "tso", "weak" };

typedef unsigned int stamp;

struct view {
	stamp t[NR_WORDS];
};

struct store {
	stamp ts;
	long value;
	struct view view;	/* what its cpu released with it */
};

/* The last stores of one word, newest at [0]. */
struct history {
	int n;
	struct store s[WEAK_DEPTH];
};

struct cpu_view {
	struct view floor, known, released;
};

static struct history words[NR_WORDS];
static struct cpu_view cpus[SIM_MAX_CPUS];
static struct {
	const struct spinlock *lock;
	struct view view;
} lock_views[MAX_LOCK_VIEWS];
static int nr_lock_views;
static stamp now;

static int word(const struct page *page, enum weak_field field)
{
	return page->id * 2 + (int)field;
}

static void join(struct view *into, const struct view *from)
{
	int i;

	for (i = 0; i < NR_WORDS; i++)
		if (from->t[i] > into->t[i])
			into->t[i] = from->t[i];
}

static struct cpu_view *this_cpu(void)
{
	struct sim_ctx *c = sim_current();

	if (memory_mode == MEMORY_SC || !c || c->cpu < 0 || sim.in_epilogue)
		return NULL;
	return &cpus[c->cpu];
}

void weak_begin(void)
{
	int i;

	if (memory_mode == MEMORY_SC)
		return;
	memset(cpus, 0, sizeof(cpus));
	nr_lock_views = 0;
	now = 0;
	for (i = 0; i < NR_PAGES; i++) {
		struct history *h = &words[i * 2];

		h[0].n = h[1].n = 1;
		h[0].s[0].ts = h[1].s[0].ts = 0;
		h[0].s[0].value = mem_map[i].count.counter;
		h[1].s[0].value = (long)mem_map[i].flags;
		memset(&h[0].s[0].view, 0, sizeof(struct view));
		memset(&h[1].s[0].view, 0, sizeof(struct view));
	}
}

static void push(int w, long value, const struct view *view)
{
	struct history *h = &words[w];

	memmove(&h->s[1], &h->s[0], sizeof(h->s[0]) * (WEAK_DEPTH - 1));
	if (h->n < WEAK_DEPTH)
		h->n++;
	h->s[0].ts = ++now;
	h->s[0].value = value;
	h->s[0].view = *view;
	h->s[0].view.t[w] = now;
}

long weak_load(struct page *page, enum weak_field field, long latest)
{
	struct cpu_view *c = this_cpu();
	int w = word(page, field), n = 0, k;
	struct history *h = &words[w];
	const struct store *chosen;

	if (!c)
		return latest;
	if (h->s[0].value != latest) {
		/* a store the model made behind our back (setup): seen by all */
		struct view none = { { 0 } };

		push(w, latest, &none);
	}
	if (memory_mode == MEMORY_TSO)
		join(&c->floor, &c->known);	/* loads in order */
	while (n < h->n && h->s[n].ts >= c->floor.t[w])
		n++;
	k = sim_choose_value(n);
	chosen = &h->s[k];
	join(&c->known, &chosen->view);
	if (chosen->ts > c->floor.t[w])
		c->floor.t[w] = chosen->ts;	/* coherence: never older again */
	if (k)
		sim_trace_stale(k);
	return chosen->value;
}

void weak_store(struct page *page, enum weak_field field, long value)
{
	struct cpu_view *c = this_cpu();
	int w = word(page, field);

	if (!c) {
		if (memory_mode != MEMORY_SC && sim_current())
			push(w, value, &(struct view){ { 0 } });	/* the epilogue */
		return;
	}
	/* under tso every store is released: stores stay in order */
	push(w, value, memory_mode == MEMORY_TSO ? &c->known : &c->released);
	c->known.t[w] = now;
	c->floor.t[w] = now;		/* a cpu sees its own stores at once */
}

void weak_rmw(struct page *page, enum weak_field field, long value)
{
	struct cpu_view *c = this_cpu();
	int w = word(page, field);

	if (c) {
		join(&c->known, &words[w].s[0].view);	/* atomic: the latest */
		c->floor.t[w] = words[w].s[0].ts;
	}
	weak_store(page, field, value);
}

void weak_barrier(enum barrier kind)
{
	struct cpu_view *c = this_cpu();

	if (!c)
		return;
	if (kind == BARRIER_RMB || kind == BARRIER_MB)
		join(&c->floor, &c->known);
	if (kind == BARRIER_WMB || kind == BARRIER_MB)
		c->released = c->known;
}

static struct view *lock_view(const struct spinlock *lock)
{
	int i;

	for (i = 0; i < nr_lock_views; i++)
		if (lock_views[i].lock == lock)
			return &lock_views[i].view;
	if (nr_lock_views == MAX_LOCK_VIEWS)
		return NULL;
	lock_views[nr_lock_views].lock = lock;
	memset(&lock_views[nr_lock_views].view, 0, sizeof(struct view));
	return &lock_views[nr_lock_views++].view;
}

void weak_acquire(const struct spinlock *lock)
{
	struct cpu_view *c = this_cpu();
	struct view *v;

	if (!c || !(v = lock_view(lock)))
		return;
	join(&c->known, v);
	join(&c->floor, v);
}

void weak_release(const struct spinlock *lock)
{
	struct cpu_view *c = this_cpu();
	struct view *v;

	if (!c || !(v = lock_view(lock)))
		return;
	c->released = c->known;
	join(v, &c->known);
}
