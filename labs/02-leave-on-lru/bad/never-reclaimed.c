/* rejected by: reclaimed-in-time */
/* Leaves the page on the LRU, flagged, but shrink_cache never frees it. */
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
	return 0;
}
