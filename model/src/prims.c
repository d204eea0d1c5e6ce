/*
 * The primitives under the kernel-named API: page count atomics, page flag
 * bit operations, spinlocks, the local interrupt flag, in_interrupt() and
 * BUG().  Each is one yield point, so the explorer can put any other CPU's
 * step or an interrupt between two of them, and each feeds the checkers:
 * use after free, refcount underflow, lockdep-style irq safety, deadlock.
 */
#include <stdio.h>
#include <stdlib.h>

#include "lrulab/mm.h"
#include "lrulab/sim.h"
#include "lrulab/weak.h"

static void check_alive(struct page *page, const char *what, const char *where)
{
	if (page->free)
		sim_fail(CHK_USE_AFTER_FREE, page, -1,
			 "use after free: %s(p%d) in %s on a page already on the free list",
			 what, page->id, where);
}

int model_page_count(struct page *page, const char *where)
{
	int v;

	sim_yield("page_count", where, page, NULL);
	v = (int)weak_load(page, WEAK_COUNT, page->count.counter);	/* a plain load */
	sim_trace_result(v, v);
	return v;
}

void model_get_page(struct page *page, const char *where)
{
	int v;

	sim_yield("get_page", where, page, NULL);
	check_alive(page, "get_page", where);
	v = page->count.counter++;		/* atomic_inc: unordered */
	weak_rmw(page, WEAK_COUNT, v + 1);
	sim_trace_result(v, v + 1);
}

int model_put_page_testzero(struct page *page, const char *where)
{
	int v;

	sim_yield("put_page_testzero", where, page, NULL);
	check_alive(page, "put_page", where);
	v = page->count.counter;
	if (v <= 0) {
		sim_trace_result(v, v - 1);
		sim_fail(CHK_UNDERFLOW, page, -1,
			 "refcount underflow: put_page(p%d) in %s with page_count %d",
			 page->id, where, v);
		return 0;
	}
	/* atomic_dec_and_test: value-returning, so a full barrier */
	weak_barrier(BARRIER_MB);
	page->count.counter = v - 1;
	weak_rmw(page, WEAK_COUNT, v - 1);
	weak_barrier(BARRIER_MB);
	sim_trace_result(v, v - 1);
	return v == 1;
}

/* 2.6 get_page_testone(): take a reference, say whether the count was 0 */
int model_get_page_testone(struct page *page, const char *where)
{
	int v;

	sim_yield("get_page_testone", where, page, NULL);
	check_alive(page, "get_page_testone", where);
	weak_barrier(BARRIER_MB);		/* value-returning */
	v = page->count.counter++;
	weak_rmw(page, WEAK_COUNT, v + 1);
	weak_barrier(BARRIER_MB);
	sim_trace_result(v, v + 1);
	return v == 0;
}

/* 2.6 __put_page(): drop a reference known not to be the last */
void model_put_page_nofree(struct page *page, const char *where)
{
	int v;

	sim_yield("__put_page", where, page, NULL);
	check_alive(page, "__put_page", where);
	v = page->count.counter--;		/* atomic_dec: unordered */
	weak_rmw(page, WEAK_COUNT, v - 1);
	sim_trace_result(v, v - 1);
}

void model_set_page_count(struct page *page, int v, const char *where)
{
	sim_yield("set_page_count", where, page, NULL);
	sim_trace_result(page->count.counter, v);
	page->count.counter = v;		/* atomic_set: a plain store */
	weak_store(page, WEAK_COUNT, v);
}

int model_test_bit(int nr, struct page *page, const char *where)
{
	static const char *const names[16] = {
		[PG_locked] = "PageLocked", [PG_lru] = "PageLRU",
		[PG_active] = "PageActive", [PG_dirty] = "PageDirty",
		[PG_referenced] = "PageReferenced",
		[PG_reserved] = "PageReserved",
	};
	int v;

	sim_yield(names[nr] ? names[nr] : "test_bit", where, page, NULL);
	v = !!(weak_load(page, WEAK_FLAGS, (long)page->flags) & (1L << nr));	/* plain */
	sim_trace_result(v, v);
	return v;
}

static const char *bit_op_name(int nr, int set, int test)
{
	switch (nr) {
	case PG_locked:
		return set ? "TryLockPage" : "UnlockPage";
	case PG_lru:
		return set ? "TestSetPageLRU" : "TestClearPageLRU";
	case PG_active:
		return set ? "SetPageActive" : "ClearPageActive";
	case PG_dirty:
		return set ? "SetPageDirty" : "ClearPageDirty";
	}
	if (test)
		return set ? "test_and_set_bit" : "test_and_clear_bit";
	return set ? "set_bit" : "clear_bit";
}

/* @ordered: test_and_set/clear_bit (value-returning: full barriers) */
static int change_bit(int nr, struct page *page, int set, int test, bool ordered,
		      const char *where)
{
	int old;

	sim_yield(bit_op_name(nr, set, test), where, page, NULL);
	check_alive(page, bit_op_name(nr, set, test), where);
	if (ordered)
		weak_barrier(BARRIER_MB);
	old = !!(page->flags & (1UL << nr));
	if (set)
		page->flags |= 1UL << nr;
	else
		page->flags &= ~(1UL << nr);
	weak_rmw(page, WEAK_FLAGS, (long)page->flags);
	if (ordered)
		weak_barrier(BARRIER_MB);
	sim_trace_result(old, set);
	return old;
}

void model_set_bit(int nr, struct page *page, const char *where)
{
	change_bit(nr, page, 1, 0, false, where);
}

void model_clear_bit(int nr, struct page *page, const char *where)
{
	change_bit(nr, page, 0, 0, false, where);
}

int model_test_and_set_bit(int nr, struct page *page, const char *where)
{
	return change_bit(nr, page, 1, 1, true, where);
}

int model_test_and_clear_bit(int nr, struct page *page, const char *where)
{
	return change_bit(nr, page, 0, 1, true, where);
}

/*
 * include/linux/pagemap.h UnlockPage(), 2.4.17 mm/filemap.c unlock_page():
 * smp_mb__before_clear_bit, test_and_clear_bit(PG_locked), BUG if it was
 * not set, smp_mb__after_clear_bit (no waiters here): ordered.
 */
void model_unlock_page(struct page *page, const char *where)
{
	if (!change_bit(PG_locked, page, 0, 0, true, where))
		model_bug(__FILE__, __LINE__, where);	/* unlock_page's BUG */
}

int model_page_swap_cache(struct page *page, const char *where)
{
	int v;

	sim_yield("PageSwapCache", where, page, NULL);
	v = page->mapping == &swapper_space;
	sim_trace_result(v, v);
	return v;
}

/* include/asm-i386/system.h smp_rmb/smp_wmb/smp_mb, bitops.h smp_mb__*_clear_bit */
void model_barrier(int kind, const char *where)
{
	static const char *const names[] = { "smp_rmb", "smp_wmb", "smp_mb" };

	struct sim_ctx *c = sim_current();

	if (kind < BARRIER_RMB || kind > BARRIER_MB)
		kind = BARRIER_MB;
	sim_yield(names[kind], where, NULL, NULL);
	weak_barrier(kind);
	if (c && c->hook) {
		int *counted[] = { &mm_counters.barriers_rmb, &mm_counters.barriers_wmb,
				   &mm_counters.barriers_mb };

		++*counted[kind];
	}
}

int model_in_interrupt(void)
{
	struct sim_ctx *c = sim_current();

	return c && c->kind != CTX_TASK;
}

void model_bug(const char *file, int line, const char *func)
{
	char who[96];
	struct sim_ctx *c = sim_current();

	sim_fail(CHK_BUG, NULL, -1, "kernel BUG in %s (%s:%d), %s", func, file,
		 line, ctx_describe(c ? c->id : -1, who, sizeof(who)));
	/* only scenario setup, outside the machine, gets here */
	fprintf(stderr, "lrusim: BUG() during scenario setup in %s\n", func);
	abort();
}

/*
 * Lockdep's "inconsistent lock state": a lock class used in hard or soft
 * irq context and also taken with interrupts enabled can deadlock when the
 * interrupt arrives on the cpu holding it.  Report both sites.
 */
static void lockdep_acquire(spinlock_t *lock, struct sim_ctx *c,
			    const char *where)
{
	char a[96], b[96];
	const char *irq_site = NULL, *on_site = NULL;
	int irq_ctx = -1, on_ctx = -1;

	if (c->kind == CTX_HARDIRQ && !lock->site_hardirq) {
		lock->site_hardirq = where;
		lock->ctx_hardirq = c->id;
	} else if (c->kind == CTX_SOFTIRQ && !lock->site_softirq) {
		lock->site_softirq = where;
		lock->ctx_softirq = c->id;
	} else if (c->kind == CTX_TASK && !c->irqs_off && !lock->site_irqs_on) {
		lock->site_irqs_on = where;
		lock->ctx_irqs_on = c->id;
	}
	if (lock->reported || !lock->site_irqs_on)
		return;
	if (lock->site_hardirq) {
		irq_site = lock->site_hardirq;
		irq_ctx = lock->ctx_hardirq;
	} else if (lock->site_softirq) {
		irq_site = lock->site_softirq;
		irq_ctx = lock->ctx_softirq;
	} else {
		return;
	}
	on_site = lock->site_irqs_on;
	on_ctx = lock->ctx_irqs_on;
	lock->reported = true;
	sim_fail(CHK_IRQ_SAFETY, NULL, c->id == irq_ctx ? on_ctx : irq_ctx,
		 "inconsistent lock state: %s taken in interrupt context at %s (%s) "
		 "and with interrupts enabled at %s (%s)",
		 lock->name, irq_site, ctx_describe(irq_ctx, a, sizeof(a)),
		 on_site, ctx_describe(on_ctx, b, sizeof(b)));
}

void model_spin_lock(spinlock_t *lock, const char *where)
{
	struct sim_ctx *c = sim_current();
	char a[96], b[96];

	sim_yield("spin_lock", where, NULL, lock);
	if (!c) {
		lock->owner = -1;
		return;
	}
	lockdep_acquire(lock, c, where);
	if (sim.cfg.up) {
		/* UP: the lock compiles away; remember the first holder only */
		if (lock->owner < 0) {
			lock->owner = c->id;
			lock->owner_site = where;
		}
		return;
	}
	while (lock->owner >= 0) {
		int owner = lock->owner;

		if (owner == c->id || (sim.ctx[owner].cpu == c->cpu &&
				       sim.ctx[owner].state != CTX_DONE)) {
			sim_fail(CHK_DEADLOCK, NULL, owner,
				 "deadlock: %s spins on %s in %s, but it is held "
				 "by %s (taken in %s) on the same cpu, which cannot "
				 "run until this context returns",
				 ctx_describe(c->id, a, sizeof(a)), lock->name,
				 where, ctx_describe(owner, b, sizeof(b)),
				 lock->owner_site);
		}
		c->state = CTX_SPINNING;
		c->spinning_on = lock;
		sim_yield("spin", where, NULL, lock);
		c->state = CTX_READY;
		c->spinning_on = NULL;
	}
	lock->owner = c->id;
	lock->owner_site = where;
	weak_acquire(lock);
}

void model_spin_unlock(spinlock_t *lock, const char *where)
{
	struct sim_ctx *c = sim_current();

	sim_yield("spin_unlock", where, NULL, lock);
	if (!c || lock->owner == c->id) {
		weak_release(lock);
		lock->owner = -1;
		return;
	}
	if (!sim.cfg.up)
		model_bug(__FILE__, __LINE__, where);	/* unlock of a lock not held */
}

bool model_spin_is_held(const spinlock_t *lock)
{
	struct sim_ctx *c = sim_current();

	if (!c)
		return true;
	if (sim.cfg.up)
		return lock->owner >= 0;
	return lock->owner == c->id;
}

void model_local_irq_disable(const char *where)
{
	struct sim_ctx *c = sim_current();

	sim_yield("local_irq_disable", where, NULL, NULL);
	if (c)
		c->irqs_off = true;
}

void model_local_irq_enable(const char *where)
{
	struct sim_ctx *c = sim_current();

	sim_yield("local_irq_enable", where, NULL, NULL);
	if (c)
		c->irqs_off = c->kind == CTX_HARDIRQ;
}

unsigned long model_local_irq_save(const char *where)
{
	struct sim_ctx *c = sim_current();
	unsigned long was_off;

	sim_yield("local_irq_save", where, NULL, NULL);
	if (!c)
		return 1;
	was_off = c->irqs_off;
	c->irqs_off = true;
	return was_off;
}

void model_local_irq_restore(unsigned long flags, const char *where)
{
	struct sim_ctx *c = sim_current();

	sim_yield("local_irq_restore", where, NULL, NULL);
	if (c)
		c->irqs_off = flags != 0;
}
