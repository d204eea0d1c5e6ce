/*
 * Lab 02 reference: leave an interrupt-time free on the LRU, flagged with
 * PG_locked, and let shrink_cache free it (the __free_pages_ok and
 * shrink_cache hunks of the 12 Feb 2002 patch).
 */
#include "lab.h"

int lab_free_pages_ok_lru(struct page *page)
{
	/* TODO 1: a page still on the LRU cannot be unlinked here (we may be
	 * in an interrupt).  Leave it for shrink_cache, marked so that
	 * shrink_cache can tell it from a page whose count is only
	 * passing through zero.  Return 1 if you left it.
	 */
	/* BEGIN SOLUTION */
	if (PageLRU(page)) {
		if (TryLockPage(page))
			BUG();
		return 1;
	}
	/* END SOLUTION */
	return 0;
}

int lab_shrink_cache_zero_count(struct page *page, int *nr_pages)
{
	/* TODO 2: pagemap_lru_lock is held.  Free the page if
	 * __free_pages_ok left it for you, and count it against *nr_pages:
	 * return 1 when no more pages are wanted.
	 */
	/* BEGIN SOLUTION */
	if (PageLocked(page)) {
		page_cache_get(page);
		__lru_cache_del(page);
		UnlockPage(page);
		page_cache_release(page);
		if (!--*nr_pages)
			return 1;
	}
	/* END SOLUTION */
	return 0;
}
