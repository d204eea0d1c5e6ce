/* rejected by: stops-when-enough */
/* mistake: counts each freed page but never stops the scan when nr_pages reaches 0 */
/*
 * When the last wanted page is one of these, shrink_cache goes on scanning
 * with nr_pages 0 and frees more than asked (nr_pages goes negative):
 * over-reclaim.  Exposed when nr_pages reaches 0 inside the hook: e.g.
 * shrink_cache(1, ...) meeting a flagged page, or two pages left by the AIO
 * irq with kswapd asking for 2.
 */
#include "lab.h"

int lab_free_pages_ok_lru(struct page *page)
{
	if (PageLRU(page)) {
		if (TryLockPage(page))
			BUG();
		return 1;
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
		--*nr_pages;
	}
	return 0;
}
