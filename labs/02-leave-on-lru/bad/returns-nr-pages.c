/* rejected by: counts-nr-pages */
/* mistake: returns *nr_pages (what the caller returns) instead of 'stop' — true exactly when it should go on */
/*
 * The return value means "stop scanning".  Returning the pages still wanted
 * stops the scan after every flagged page while more are wanted (under-reclaim,
 * kswapd loops at higher priority), and goes on scanning after nr_pages hit 0
 * (over-reclaim).  Exposed by nr_pages reaching 0 in the hook, or by checking
 * that shrink_cache(2) meeting one flagged page and one reclaimable clean
 * swap-cache page frees both.
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
		return *nr_pages;
	}
	return 0;
}
