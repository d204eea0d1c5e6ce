/*
 * The kernel-named API of the model: struct page, its flags and count, the
 * LRU lists and their lock, spinlocks and the local interrupt flag, as
 * Linux 2.4.18-pre9 names them (include/linux/mm.h, swap.h, pagemap.h,
 * spinlock.h).  Each primitive is a yield point of the simulated machine,
 * so the explorer can interleave CPUs and interrupts between any two.
 */
#ifndef LRULAB_KERNEL_H
#define LRULAB_KERNEL_H

#include <stdbool.h>
#include "lrulab/hooks.h"

typedef struct { volatile int counter; } atomic_t;

struct list_head {
	struct list_head *next, *prev;
};

struct address_space {
	const char *name;
	int nrpages;
};

/* include/linux/mm.h: the fields of struct page the patch is about */
struct page {
	atomic_t count;
	unsigned long flags;
	struct list_head lru;		/* protected by pagemap_lru_lock */
	struct address_space *mapping;
	unsigned long index;		/* swap entry when in the swap cache */
	void *buffers;
	/* model bookkeeping, not in 2.4 */
	int id;
	bool free;			/* on the allocator's free list */
	int pins;			/* kiobuf references outstanding */
	int freed_by;			/* context that last freed it, -1 none */
	bool was_active;		/* activated, and nothing since deactivated it */
};

/* include/linux/mm.h page->flags bits (2.4.17 numbering) */
enum {
	PG_locked = 0,
	PG_error = 1,
	PG_referenced = 2,
	PG_uptodate = 3,
	PG_dirty = 4,
	PG_unused = 5,
	PG_lru = 6,
	PG_active = 7,
	PG_slab = 8,
	PG_skip = 10,
	PG_highmem = 11,
	PG_checked = 12,
	PG_arch_1 = 13,
	PG_reserved = 14,
	PG_launder = 15,
};

struct spinlock {
	const char *name;
	int owner;			/* context id, -1 when free */
	const char *owner_site;
	bool irqsafe_model;		/* 2.5: taken with interrupts off */
	/* lockdep-style usage: first site seen in each state */
	const char *site_hardirq, *site_softirq, *site_irqs_on;
	int ctx_hardirq, ctx_softirq, ctx_irqs_on;
	bool reported;
};
typedef struct spinlock spinlock_t;

#define SPIN_LOCK_UNLOCKED(n) { .name = (n), .owner = -1, \
	.ctx_hardirq = -1, .ctx_softirq = -1, .ctx_irqs_on = -1 }

/* Spinlocks and the local interrupt flag (include/asm-i386/spinlock.h, system.h) */
void model_spin_lock(spinlock_t *lock, const char *where);
void model_spin_unlock(spinlock_t *lock, const char *where);
void model_local_irq_disable(const char *where);
void model_local_irq_enable(const char *where);
unsigned long model_local_irq_save(const char *where);
void model_local_irq_restore(unsigned long flags, const char *where);
bool model_spin_is_held(const spinlock_t *lock);

#define spin_lock(l)		model_spin_lock((l), __func__)
#define spin_unlock(l)		model_spin_unlock((l), __func__)
#define local_irq_disable()	model_local_irq_disable(__func__)
#define local_irq_enable()	model_local_irq_enable(__func__)
#define local_irq_save(f)	((f) = model_local_irq_save(__func__))
#define local_irq_restore(f)	model_local_irq_restore((f), __func__)
#define spin_lock_irq(l)	do { local_irq_disable(); spin_lock(l); } while (0)
#define spin_unlock_irq(l)	do { spin_unlock(l); local_irq_enable(); } while (0)
#define spin_lock_irqsave(l, f)	do { local_irq_save(f); spin_lock(l); } while (0)
#define spin_unlock_irqrestore(l, f) \
	do { spin_unlock(l); local_irq_restore(f); } while (0)

/* Page count (include/linux/mm.h) */
int model_page_count(struct page *page, const char *where);
void model_get_page(struct page *page, const char *where);
int model_put_page_testzero(struct page *page, const char *where);
void model_set_page_count(struct page *page, int v, const char *where);

#define page_count(p)		model_page_count((p), __func__)
#define get_page(p)		model_get_page((p), __func__)
#define put_page_testzero(p)	model_put_page_testzero((p), __func__)
#define set_page_count(p, v)	model_set_page_count((p), (v), __func__)

/* Page flags: test, set, clear, test-and-set, test-and-clear */
int model_test_bit(int nr, struct page *page, const char *where);
void model_set_bit(int nr, struct page *page, const char *where);
void model_clear_bit(int nr, struct page *page, const char *where);
int model_test_and_set_bit(int nr, struct page *page, const char *where);
int model_test_and_clear_bit(int nr, struct page *page, const char *where);

#define PageLocked(p)		model_test_bit(PG_locked, (p), __func__)
#define TryLockPage(p)		model_test_and_set_bit(PG_locked, (p), __func__)
#define UnlockPage(p)		model_unlock_page((p), __func__)
#define PageLRU(p)		model_test_bit(PG_lru, (p), __func__)
#define TestSetPageLRU(p)	model_test_and_set_bit(PG_lru, (p), __func__)
#define TestClearPageLRU(p)	model_test_and_clear_bit(PG_lru, (p), __func__)
#define PageActive(p)		model_test_bit(PG_active, (p), __func__)
#define SetPageActive(p)	model_set_bit(PG_active, (p), __func__)
#define ClearPageActive(p)	model_clear_bit(PG_active, (p), __func__)
#define PageDirty(p)		model_test_bit(PG_dirty, (p), __func__)
#define SetPageDirty(p)		model_set_bit(PG_dirty, (p), __func__)
#define ClearPageDirty(p)	model_clear_bit(PG_dirty, (p), __func__)
#define PageReferenced(p)	model_test_bit(PG_referenced, (p), __func__)
#define SetPageReferenced(p)	model_set_bit(PG_referenced, (p), __func__)
#define PageReserved(p)		model_test_bit(PG_reserved, (p), __func__)
#define PageSwapCache(p)	model_page_swap_cache((p), __func__)

void model_unlock_page(struct page *page, const char *where);
int model_page_swap_cache(struct page *page, const char *where);

/* Contexts (include/asm-i386/hardirq.h) and BUG (include/asm-i386/page.h) */
int model_in_interrupt(void);
void model_bug(const char *file, int line, const char *func)
	__attribute__((noreturn));

#define in_interrupt()		model_in_interrupt()
#define BUG()			model_bug(__FILE__, __LINE__, __func__)

/* The LRU lists (mm/swap.c, include/linux/swap.h) */
extern spinlock_t pagemap_lru_lock;
extern struct list_head active_list, inactive_list;
extern int nr_active_pages, nr_inactive_pages;

void lru_cache_add(struct page *page);
void __lru_cache_del(struct page *page);
void lru_cache_del(struct page *page);

/* Freeing (include/linux/mm.h, pagemap.h, mm/page_alloc.c) */
void __free_pages(struct page *page, unsigned int order);
#define __free_page(p)		__free_pages((p), 0)
#define put_page(p)		__free_page(p)
#define page_cache_get(p)	get_page(p)
void page_cache_release(struct page *page);

#endif /* LRULAB_KERNEL_H */
