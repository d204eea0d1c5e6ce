/* rejected by: no-double-free */
/*
 * Flags the page in __free_pages_ok, but shrink_cache frees any zero-count
 * page, flagged or not: one whose count is only passing through zero too.
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
	TryLockPage(page);
	page_cache_get(page);
	__lru_cache_del(page);
	UnlockPage(page);
	page_cache_release(page);
	if (!--*nr_pages)
		return 1;
	return 0;
}
