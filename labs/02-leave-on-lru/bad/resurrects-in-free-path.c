/* rejected by: reclaimed-in-time */
/* mistake: takes a reference in __free_pages_ok to keep the page alive for shrink_cache */
/*
 * The count goes back to 1 with no holder: shrink_cache never calls the
 * zero-count hook for it and its normal path skips a count-1 anonymous page,
 * so the page stays on the LRU forever (leak).  Raising a count from 0 is what
 * no one may do once __free_pages_ok has it.
 */
#include "lab.h"

int lab_free_pages_ok_lru(struct page *page)
{
	if (PageLRU(page)) {
		get_page(page);
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
		if (!--*nr_pages)
			return 1;
	}
	return 0;
}
