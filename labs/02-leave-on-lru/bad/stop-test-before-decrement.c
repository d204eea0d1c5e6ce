/* rejected by: stops-when-enough */
/* mistake: tests for nr_pages == 0 before decrementing, so it never stops at the page that reached 0 */
/*
 * The test looks at the value before this page is counted, which is never 0
 * (the caller would have stopped): after the decrement to 0 the hook returns 0
 * and shrink_cache scans on with nothing wanted (over-reclaim, nr_pages can go
 * negative).  Exposed as w23: nr_pages reaching 0 in the hook.
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
		if (!*nr_pages)
			return 1;
		page_cache_get(page);
		__lru_cache_del(page);
		UnlockPage(page);
		page_cache_release(page);
		--*nr_pages;
	}
	return 0;
}
