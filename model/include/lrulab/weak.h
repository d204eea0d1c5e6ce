/*
 * Weak memory for the words the 12 Feb patch reasons about: each page's
 * count and flags.  Under --memory sc (the default) every load sees the
 * latest store.  Under weak, a plain load (page_count, test_bit and the
 * Page*() tests) may return an older value, back to what the loading cpu
 * was bound to see at its last ordering point; which one is a choice of
 * the schedule (a "~K" token: the K-th older candidate), so a weak failure
 * replays like any other.  tso models x86: loads in order, stores in
 * order, a cpu's own stores seen at once (store buffers).
 *
 * The ordering rules follow the Linux kernel memory model for the
 * primitives the model has (tools/memory-model, Documentation/atomic_t.txt,
 * Documentation/memory-barriers.txt; docs/memory-model.md):
 * value-returning atomics and test-and-set/clear bitops are full barriers;
 * atomic_inc/atomic_dec, set_bit and clear_bit are unordered; spin_lock is
 * an acquire and spin_unlock a release; smp_rmb orders loads, smp_wmb
 * stores, smp_mb both; smp_mb__before/after_clear_bit are full barriers.
 */
#ifndef LRULAB_WEAK_H
#define LRULAB_WEAK_H

#include <stdbool.h>

struct page;
struct spinlock;

enum memory_mode { MEMORY_SC, MEMORY_TSO, MEMORY_WEAK };
extern enum memory_mode memory_mode;
extern const char *const memory_mode_names[3];

enum weak_field { WEAK_COUNT, WEAK_FLAGS };

enum barrier {
	BARRIER_RMB,		/* smp_rmb */
	BARRIER_WMB,		/* smp_wmb */
	BARRIER_MB,		/* smp_mb, and around value-returning atomics */
};

/* At the start of each run, after the scenario's setup: what is, is seen. */
void weak_begin(void);
/* A plain load of a page's word: @latest is its latest value. */
long weak_load(struct page *page, enum weak_field field, long latest);
/* A store (or the write of an unordered atomic RMW) of @value. */
void weak_store(struct page *page, enum weak_field field, long value);
/* An atomic read-modify-write: it reads the latest store, then stores @value. */
void weak_rmw(struct page *page, enum weak_field field, long value);
void weak_barrier(enum barrier kind);
void weak_acquire(const struct spinlock *lock);
void weak_release(const struct spinlock *lock);

#endif /* LRULAB_WEAK_H */
