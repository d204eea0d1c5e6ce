/*
 * The page pool and its allocator: mem_map, alloc_page(), __free_pages(),
 * page_cache_release() and __free_pages_ok() with its BUG checks.  One
 * zone, order-0 pages only: the buddy merging of 2.4 plays no part in the
 * bug, the free-list insertion under zone->lock does.
 */
#include <string.h>

#include "lrulab/mm.h"
#include "lrulab/sim.h"

struct page mem_map[NR_PAGES];
spinlock_t zone_lock = SPIN_LOCK_UNLOCKED("zone->lock");
struct mm_counters mm_counters;
const struct variant *variant;

static struct page *free_list[NR_PAGES];
static int nr_free;

void mm_reset_pages(void)
{
	int i;

	memset(mem_map, 0, sizeof(mem_map));
	nr_free = 0;
	for (i = NR_PAGES - 1; i >= 0; i--) {
		mem_map[i].id = i;
		mem_map[i].free = true;
		mem_map[i].freed_by = -1;
		free_list[nr_free++] = &mem_map[i];
	}
	zone_lock = (spinlock_t)SPIN_LOCK_UNLOCKED("zone->lock");
	memset(&mm_counters, 0, sizeof(mm_counters));
}

/* mm/page_alloc.c rmqueue(), order 0: take a page off the free list */
struct page *alloc_page(void)
{
	struct page *page = NULL;
	unsigned long flags;

	spin_lock_irqsave(&zone_lock, flags);
	if (nr_free > 0) {
		page = free_list[--nr_free];
		page->free = false;
		page->count.counter = 1;
		/* rmqueue's BUG checks: a free page must be clean */
		if (page->flags & (1UL << PG_lru | 1UL << PG_active |
				   1UL << PG_locked))
			BUG();
	}
	spin_unlock_irqrestore(&zone_lock, flags);
	return page;
}

/* The variant's PageLRU handling: 1 if it left the page for later */
static int left_on_lru(struct page *page)
{
	if (!call_lab_free_pages_ok_lru(page))
		return 0;
	mm_counters.left_on_lru++;
	if (!in_interrupt())
		mm_counters.left_on_lru_task++;
	return 1;
}

/*
 * mm/page_alloc.c __free_pages_ok(): the variant's PageLRU handling (the
 * hook at the spot of the 12 Feb hunk, or at the top where 2.4.18-pre9 had
 * its lru_cache_del), the BUG checks, then the page goes back on the free
 * list under zone->lock.
 */
void __free_pages_ok(struct page *page, unsigned int order)
{
	unsigned long flags;

	(void)order;
	if (variant->lru_test_first && left_on_lru(page))
		return;
	if (page->buffers)
		BUG();
	if (page->mapping)
		BUG();
	if (PageSwapCache(page))
		BUG();
	if (PageLocked(page))
		BUG();
	if (!variant->lru_test_first && left_on_lru(page))
		return;
	if (PageLRU(page))
		BUG();
	if (PageActive(page))
		BUG();

	if (!page->free)
		mm_check_unheld(page);
	spin_lock_irqsave(&zone_lock, flags);
	if (page->free) {
		char who[96];

		char first[96];

		sim_fail(CHK_DOUBLE_FREE, page, page->freed_by,
			 "double free: p%d reaches the free list a second time "
			 "(%s), already freed by %s", page->id,
			 ctx_describe(sim.running, who, sizeof(who)),
			 ctx_describe(page->freed_by, first, sizeof(first)));
		/* only the native stress harness gets here: count, go on */
		spin_unlock_irqrestore(&zone_lock, flags);
		return;
	}
	/* page->flags &= ~(PG_referenced|PG_dirty), done by the allocator */
	page->flags &= ~(1UL << PG_referenced | 1UL << PG_dirty);
	page->free = true;
	page->was_active = false;
	page->freed_by = sim.running;
	free_list[nr_free++] = page;
	mm_counters.freed++;
	if (sim_current())
		sim_current()->freed++;
	if (in_interrupt())
		mm_counters.freed_in_irq++;
	spin_unlock_irqrestore(&zone_lock, flags);
}

/* mm/page_alloc.c __free_pages(): drop a reference, free at zero */
void __free_pages(struct page *page, unsigned int order)
{
	if (!PageReserved(page) && put_page_testzero(page))
		__free_pages_ok(page, order);
}

/*
 * include/linux/pagemap.h page_cache_release(): the __free_page macro in
 * 2.4.18-pre9; an LRU-aware function in 2.4.17 and in the 7 Feb patch.
 */
void page_cache_release(struct page *page)
{
	if (variant->page_cache_release)
		variant->page_cache_release(page);
	else
		__free_page(page);
}
