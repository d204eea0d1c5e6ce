/*
 * The lab API as a lab module sees it.  A lab.c compiled to WebAssembly
 * (clang --target=wasm32) and translated by wasm2c runs inside the model
 * with a linear memory of its own and no way out but these imports, which
 * the model implements (model/lab/glue.c): struct page is opaque (a handle
 * the model checks on every call), and pagemap_lru_lock is a token whose
 * address the model knows.  Names and meanings are those of 2.4.18-pre9
 * (include/linux/mm.h, swap.h, pagemap.h, spinlock.h); every call is a
 * yield point of the simulated machine, and so is every access to the
 * lab's own static variables.
 *
 * The same names are in lrulab/kernel.h (the model's own view) and in the
 * kernel harness's lab.h; tests/labs/test_api.py checks that they agree.
 */
#ifndef LRULAB_LAB_WASM_H
#define LRULAB_LAB_WASM_H

struct page;
typedef struct spinlock spinlock_t;

#define HOOK(ret, name, params, args) ret name params;
#include "lrulab/hooks.def"
#undef HOOK

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

/* The imports: the only functions a lab module can call. */
int lab_page_count(struct page *page);
void lab_get_page(struct page *page);
int lab_put_page_testzero(struct page *page);
int lab_test_bit(int nr, struct page *page);
void lab_set_bit(int nr, struct page *page);
void lab_clear_bit(int nr, struct page *page);
int lab_test_and_set_bit(int nr, struct page *page);
int lab_test_and_clear_bit(int nr, struct page *page);
void lab_unlock_page(struct page *page);
int lab_page_swap_cache(struct page *page);
int lab_in_interrupt(void);
void lab_bug(int line) __attribute__((noreturn));
void lab_spin_lock(spinlock_t *lock);
void lab_spin_unlock(spinlock_t *lock);
void lru_cache_add(struct page *page);
void __lru_cache_del(struct page *page);
void lru_cache_del(struct page *page);
void __free_pages(struct page *page, unsigned int order);
void page_cache_release(struct page *page);

/* The LRU lock: a lab.c takes it as &pagemap_lru_lock */
extern spinlock_t pagemap_lru_lock;

/* The kernel's names for them */
#define page_count(p)		lab_page_count(p)
#define get_page(p)		lab_get_page(p)
#define put_page_testzero(p)	lab_put_page_testzero(p)
#define PageLocked(p)		lab_test_bit(PG_locked, (p))
#define TryLockPage(p)		lab_test_and_set_bit(PG_locked, (p))
#define UnlockPage(p)		lab_unlock_page(p)
#define PageLRU(p)		lab_test_bit(PG_lru, (p))
#define TestSetPageLRU(p)	lab_test_and_set_bit(PG_lru, (p))
#define TestClearPageLRU(p)	lab_test_and_clear_bit(PG_lru, (p))
#define PageActive(p)		lab_test_bit(PG_active, (p))
#define SetPageActive(p)	lab_set_bit(PG_active, (p))
#define ClearPageActive(p)	lab_clear_bit(PG_active, (p))
#define PageDirty(p)		lab_test_bit(PG_dirty, (p))
#define SetPageDirty(p)		lab_set_bit(PG_dirty, (p))
#define ClearPageDirty(p)	lab_clear_bit(PG_dirty, (p))
#define PageReferenced(p)	lab_test_bit(PG_referenced, (p))
#define SetPageReferenced(p)	lab_set_bit(PG_referenced, (p))
#define PageReserved(p)		lab_test_bit(PG_reserved, (p))
#define PageSwapCache(p)	lab_page_swap_cache(p)
#define in_interrupt()		lab_in_interrupt()
#define BUG()			lab_bug(__LINE__)
#define spin_lock(l)		lab_spin_lock(l)
#define spin_unlock(l)		lab_spin_unlock(l)
#define __free_page(p)		__free_pages((p), 0)
#define put_page(p)		__free_page(p)
#define page_cache_get(p)	get_page(p)

#ifndef NULL
#define NULL ((void *)0)
#endif

#endif /* LRULAB_LAB_WASM_H */
