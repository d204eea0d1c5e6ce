/* rejected by: counts-nr-pages */
/* mistake: decrements nr_pages for every zero-count page, flagged or not */
/*
 * An unmarked zero-count page is not freed here (its freer is still on the
 * way into __free_pages_ok), but it is counted as reclaimed: shrink_cache
 * reports pages it never freed and stops early (under-reclaim).
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
	}
	if (!--*nr_pages)
		return 1;
	return 0;
}
