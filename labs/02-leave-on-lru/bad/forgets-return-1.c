/* rejected by: irq-free-safe */
/* mistake: marks the page left on the LRU but returns 0 */
/*
 * Returning 0 tells __free_pages_ok to go on freeing: it finds PG_lru still
 * set and BUGs (and, past the BUG, would put a page that is still linked on
 * the LRU and locked on the free lists).
 */
#include "lab.h"

int lab_free_pages_ok_lru(struct page *page)
{
	if (PageLRU(page)) {
		if (TryLockPage(page))
			BUG();
	}
	return 0;
}

int lab_shrink_cache_zero_count(struct page *page, int *nr_pages)
{
	if (PageLocked(page)) {
		page_cache_get(page);
		__lru_cache_del(page);
		UnlockPage(page);
		page_cache_release(page);
		if (!--*nr_pages)
			return 1;
	}
	return 0;
}
