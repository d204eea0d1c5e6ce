/*
 * The modelled memory manager: the page pool and allocator, the swap cache
 * and swap map, small mms with ptes, copy-on-write, kiobuf pins and
 * shrink_cache.  Names and semantics follow Linux 2.4.18-pre9; each
 * function's definition names the 2.4 function and file it models.
 */
#ifndef LRULAB_MM_H
#define LRULAB_MM_H

#include "lrulab/kernel.h"

#define NR_PAGES	40
#define NR_SWAP		16
#define NR_PTES		24
#define NR_MMS		4
#define MAX_KIOBUF	4

/* The pages, "mem_map", and the allocator's free list. */
extern struct page mem_map[NR_PAGES];
extern spinlock_t zone_lock;
extern spinlock_t pagecache_lock;
extern spinlock_t swaplock;
extern struct address_space swapper_space;

struct page *alloc_page(void);

/* A pte holds either a page or a swap entry (0 = none). */
typedef struct {
	struct page *page;
	unsigned long swap;
	bool write;
} pte_t;

struct mm_struct {
	const char *name;
	spinlock_t page_table_lock;
	pte_t pte[NR_PTES];
};

extern struct mm_struct mms[NR_MMS];

/* A kiobuf-style pin: references taken on user pages for I/O. */
struct kiobuf {
	int nr_pages;
	struct page *maplist[MAX_KIOBUF];
};

int map_user_kiobuf(struct kiobuf *iobuf, struct mm_struct *mm, int addr,
		    int len);
void unmap_kiobuf(struct kiobuf *iobuf);

/* The swap map and the swap cache (mm/swapfile.c, mm/swap_state.c) */
extern unsigned char swap_map[NR_SWAP];
extern int nr_swap_pages, total_swap_pages;
/* slots a scenario marks used by processes outside the model */
extern unsigned char swap_held_elsewhere[NR_SWAP];
unsigned long get_swap_page(void);
int swap_duplicate(unsigned long entry);
void swap_free(unsigned long entry);
int vm_swap_full(void);
int add_to_swap_cache(struct page *page, unsigned long entry);
void __delete_from_swap_cache(struct page *page);
void delete_from_swap_cache(struct page *page);
int remove_exclusive_swap_page(struct page *page);
int can_share_swap_page(struct page *page);
void free_page_and_swap_cache(struct page *page);
void free_swap_and_cache(unsigned long entry);
struct page *find_trylock_page(struct address_space *mapping,
			       unsigned long index);

/* Faults and unmapping (mm/memory.c) */
int do_anonymous_page(struct mm_struct *mm, int addr);
int do_wp_page(struct mm_struct *mm, int addr);
void zap_page_range(struct mm_struct *mm, int addr, int len);
int try_to_swap_out(struct mm_struct *mm, int addr);

/* 2.6 include/linux/mm.h: count primitives for the irq-safe LRU variant */
int model_get_page_testone(struct page *page, const char *where);
void model_put_page_nofree(struct page *page, const char *where);
#define get_page_testone(p)	model_get_page_testone((p), __func__)
#define __put_page(p)		model_put_page_nofree((p), __func__)

/* mm/swap.c helpers: pagemap_lru_lock as the variant takes it */
unsigned long lru_lock(const char *where);
void lru_unlock(unsigned long flags, const char *where);
void lru_rotate_inactive(struct page *page, const char *where);
void activate_page(struct page *page);
void mark_page_accessed(struct page *page);
struct page *lru_inactive_tail(void);
void __free_pages_ok(struct page *page, unsigned int order);

/* Reclaim (mm/vmscan.c) */
int shrink_cache(int nr_pages, int priority);

/* Deferred work: 2.4's schedule_task(), run by keventd */
void schedule_task(void (*fn)(void));
void run_task_queue(void);

/* What happened to pages during a run: the labs' counters. */
struct mm_counters {
	int freed;			/* pages that reached the free list */
	int freed_in_irq;		/* ...from interrupt context */
	int left_on_lru;		/* count 0 pages __free_pages_ok left */
	int left_on_lru_task;		/* ...from process context: avoidable */
	int reclaimed_zero_count;	/* left pages freed by shrink_cache */
	int reclaimed_swap_cache;	/* clean swap cache pages reclaimed */
	int lru_del_in_irq;		/* lru_cache_del from interrupt context */
	int cow_copies;
	int scanned;			/* pages shrink_cache looked at */
};
extern struct mm_counters mm_counters;

/* Reset the whole mm to its boot state: every page free, lists empty. */
void mm_reset(void);
/* The quiescence checks: leaks, LRU membership, swap map consistency. */
void mm_check_quiescent(void);
/* A page on its way to the free list: nobody may still map, pin or cache it. */
void mm_check_unheld(struct page *page);
/* Walk both LRU lists; report corruption if they are inconsistent. */
void mm_check_lru(const char *when);

/* The variant: hook implementations plus the few base differences. */
struct variant {
	const char *name;
	const char *summary;
	const char *source;		/* message or version it comes from */
#define HOOK(ret, name, params, args) ret (*name) params;
#include "lrulab/hooks.def"
#undef HOOK
	/* 2.4.17 / 7 Feb: page_cache_release is an LRU-aware function */
	void (*page_cache_release)(struct page *page);
	/* 2.5.32: pagemap_lru_lock is always taken with interrupts off */
	bool lru_lock_irqsafe;
	/*
	 * Where __free_pages_ok handles a PageLRU page: first, before its BUG
	 * checks (2.4.18-pre9, the 6 Feb BUG, 2.4.27, 2.5's release path), or
	 * after PageLocked (the 7 and 12 Feb patches).
	 */
	bool lru_test_first;
	/* the hooks are the labs' reference solutions: traced as one step */
	bool opaque;
	/* called at the start of every run (a lab's statics start afresh) */
	void (*reset)(void);
};

/*
 * The mm code calls the variant's hooks only through call_<hook>(): each
 * marks the running context as in that hook (for traces, for the lab's API
 * calls, and to show reference code as one opaque step).
 */
#define HOOK(ret, name, params, args) ret call_##name params;
#include "lrulab/hooks.def"
#undef HOOK

/*
 * A lab.c's hooks as the model sees them: filled in by the lab module
 * (the student's code, compiled to WebAssembly) linked into lrusim-lab;
 * NULL for the hooks of other labs.
 */
struct lab_module {
#define HOOK(ret, name, params, args) ret (*name) params;
#include "lrulab/hooks.def"
#undef HOOK
	void (*reset)(void);
};
const struct lab_module *lab_module(void);	/* NULL in lrusim */

extern const struct variant *variant;
extern const struct variant *const variants[];
const struct variant *find_variant(const char *name);
/* The lab module's hooks over a copy of fix-0212; NULL without a lab. */
const struct variant *student_variant(void);

#endif /* LRULAB_MM_H */
