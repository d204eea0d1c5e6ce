/* rejected by: stops-when-enough */
/* mistake: decrements and stops before freeing the page that satisfies nr_pages */
/*
 * When this page is the last one wanted, the hook returns 'stop' without
 * freeing it: counted as reclaimed but still on the LRU (nr_pages accounting
 * wrong by one; the page waits for the next scan).  Exposed by nr_pages
 * reaching 0 inside the hook (shrink_cache(1) meeting a flagged page).
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
		if (!--*nr_pages)
			return 1;
		page_cache_get(page);
		__lru_cache_del(page);
		UnlockPage(page);
		page_cache_release(page);
	}
	return 0;
}
