/*
 * The primitives on real hardware, for the stress harness: the same mm
 * code as the model, but on pthreads with real atomics and real spinlocks,
 * no yield points and no explorer.  It shows what the explorer is up
 * against: how rarely a real machine happens to hit the window.
 */
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>

#include "lrulab/mm.h"
#include "lrulab/sim.h"
#include "native.h"

_Thread_local struct sim_ctx native_ctx = { .id = -1, .kind = CTX_TASK };
atomic_long native_failures[NR_CHECKERS];

struct sim sim;

const char *const checker_names[NR_CHECKERS] = {
	[CHK_DOUBLE_FREE] = "double-free", [CHK_USE_AFTER_FREE] = "use-after-free",
	[CHK_UNDERFLOW] = "refcount-underflow", [CHK_LEAK] = "leak",
	[CHK_LRU_CORRUPTION] = "lru-corruption", [CHK_LRU_LOST] = "lru-lost",
	[CHK_BUG] = "bug", [CHK_IRQ_SAFETY] = "irq-safety",
	[CHK_DEADLOCK] = "deadlock", [CHK_STEP_LIMIT] = "step-limit",
	[CHK_NR_PAGES] = "nr-pages",
};

void sim_yield(const char *what, const char *where, const struct page *page,
	       const struct spinlock *lock)
{
	(void)what, (void)where, (void)page, (void)lock;
}

void sim_trace_result(long before, long after)
{
	(void)before, (void)after;
}

struct sim_ctx *sim_current(void)
{
	return native_ctx.id < 0 ? NULL : &native_ctx;
}

bool sim_checker_on(enum checker checker)
{
	(void)checker;
	return true;
}

const char *ctx_describe(int ctx, char *buf, size_t len)
{
	snprintf(buf, len, "thread %d", ctx);
	return buf;
}

void sim_fail(enum checker checker, const struct page *page, int other_ctx,
	      const char *fmt, ...)
{
	(void)page, (void)other_ctx, (void)fmt;
	atomic_fetch_add(&native_failures[checker], 1);
}

int model_page_count(struct page *page, const char *where)
{
	(void)where;
	return __atomic_load_n(&page->count.counter, __ATOMIC_SEQ_CST);
}

void model_get_page(struct page *page, const char *where)
{
	(void)where;
	__atomic_fetch_add(&page->count.counter, 1, __ATOMIC_SEQ_CST);
}

int model_put_page_testzero(struct page *page, const char *where)
{
	(void)where;
	return __atomic_sub_fetch(&page->count.counter, 1, __ATOMIC_SEQ_CST) == 0;
}

void model_set_page_count(struct page *page, int v, const char *where)
{
	(void)where;
	__atomic_store_n(&page->count.counter, v, __ATOMIC_SEQ_CST);
}

int model_get_page_testone(struct page *page, const char *where)
{
	(void)where;
	return __atomic_fetch_add(&page->count.counter, 1, __ATOMIC_SEQ_CST) == 0;
}

void model_put_page_nofree(struct page *page, const char *where)
{
	(void)where;
	__atomic_fetch_sub(&page->count.counter, 1, __ATOMIC_SEQ_CST);
}

int model_test_bit(int nr, struct page *page, const char *where)
{
	(void)where;
	return !!(__atomic_load_n(&page->flags, __ATOMIC_SEQ_CST) & (1UL << nr));
}

void model_set_bit(int nr, struct page *page, const char *where)
{
	(void)where;
	__atomic_fetch_or(&page->flags, 1UL << nr, __ATOMIC_SEQ_CST);
}

void model_clear_bit(int nr, struct page *page, const char *where)
{
	(void)where;
	__atomic_fetch_and(&page->flags, ~(1UL << nr), __ATOMIC_SEQ_CST);
}

int model_test_and_set_bit(int nr, struct page *page, const char *where)
{
	(void)where;
	return !!(__atomic_fetch_or(&page->flags, 1UL << nr, __ATOMIC_SEQ_CST) &
		  (1UL << nr));
}

int model_test_and_clear_bit(int nr, struct page *page, const char *where)
{
	(void)where;
	return !!(__atomic_fetch_and(&page->flags, ~(1UL << nr),
				     __ATOMIC_SEQ_CST) & (1UL << nr));
}

void model_unlock_page(struct page *page, const char *where)
{
	model_clear_bit(PG_locked, page, where);
}

int model_page_swap_cache(struct page *page, const char *where)
{
	(void)where;
	return __atomic_load_n(&page->mapping, __ATOMIC_SEQ_CST) == &swapper_space;
}

int model_in_interrupt(void)
{
	return native_ctx.kind != CTX_TASK;
}

void model_bug(const char *file, int line, const char *func)
{
	fprintf(stderr, "stress: kernel BUG in %s (%s:%d)\n", func, file, line);
	abort();
}

void model_spin_lock(spinlock_t *lock, const char *where)
{
	int free = -1;

	(void)where;
	while (!__atomic_compare_exchange_n(&lock->owner, &free, native_ctx.id,
					    false, __ATOMIC_ACQUIRE,
					    __ATOMIC_RELAXED)) {
		free = -1;
		sched_yield();
	}
}

void model_spin_unlock(spinlock_t *lock, const char *where)
{
	(void)where;
	__atomic_store_n(&lock->owner, -1, __ATOMIC_RELEASE);
}

bool model_spin_is_held(const spinlock_t *lock)
{
	return __atomic_load_n(&lock->owner, __ATOMIC_RELAXED) == native_ctx.id;
}

void model_local_irq_disable(const char *where)
{
	(void)where;
}

void model_local_irq_enable(const char *where)
{
	(void)where;
}

unsigned long model_local_irq_save(const char *where)
{
	(void)where;
	return 0;
}

void model_local_irq_restore(unsigned long flags, const char *where)
{
	(void)flags, (void)where;
}

/* On real threads the hardware is the memory model: no stale values to choose. */
int sim_choose_value(int n)
{
	(void)n;
	return 0;
}

void sim_trace_stale(int k)
{
	(void)k;
}

/* The hardware's own barrier (x86 needs no more for smp_rmb or smp_wmb). */
void model_barrier(int kind, const char *where)
{
	(void)kind, (void)where;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}
