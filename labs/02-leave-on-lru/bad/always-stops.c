/* rejected by: counts-nr-pages */
/* mistake: stops the scan after every flagged page it frees (reads 'return 1' as 'I handled it') */
/*
 * shrink_cache gives up after one page even though nr_pages are still wanted:
 * under-reclaim; kswapd/try_to_free_pages then retry at higher priority and
 * swap more than needed.  Exposed by a scan that meets a flagged page and then
 * a reclaimable page with nr_pages > 1 (e.g. swapcache-munmap's clean
 * swap-cache page behind a page left by the AIO irq).
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
		return 1;
	}
	return 0;
}
