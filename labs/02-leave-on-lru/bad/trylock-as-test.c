/* rejected by: irq-free-safe */
/* mistake: tests the mark with TryLockPage instead of PageLocked */
/*
 * TryLockPage sets PG_locked on a page that was not flagged (count passing
 * through 0 on another cpu) and leaves it set: that cpu's __free_pages_ok then
 * BUGs on PageLocked (or, already past that check, BUGs in its own
 * TryLockPage).
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
	if (TryLockPage(page)) {
		page_cache_get(page);
		__lru_cache_del(page);
		UnlockPage(page);
		page_cache_release(page);
		if (!--*nr_pages)
			return 1;
	}
	return 0;
}
