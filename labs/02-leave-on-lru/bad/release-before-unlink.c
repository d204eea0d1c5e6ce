/* rejected by: reclaimed-in-time */
/* mistake: drops its reference before unlinking the page */
/*
 * The release takes the count to 0 while PG_lru is still set, so
 * __free_pages_ok leaves the page again and relocks it; the __lru_cache_del
 * after it then takes a locked count-0 page off the LRU, where nothing will
 * ever free it (leak), and the nr_pages decrement counts a page not freed.
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
		UnlockPage(page);
		page_cache_release(page);
		__lru_cache_del(page);
		if (!--*nr_pages)
			return 1;
	}
	return 0;
}
