/* rejected by: reclaimed-in-time */
/* mistake: drops its reference with put_page_testzero, believing it frees the page */
/*
 * put_page_testzero only decrements and reports zero; nobody calls
 * __free_pages_ok, so the page, off the LRU with count 0, never reaches the
 * free list (leak), though counted as reclaimed.
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
		put_page_testzero(page);
		if (!--*nr_pages)
			return 1;
	}
	return 0;
}
