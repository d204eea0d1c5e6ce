/* rejected by: irq-free-safe */
/* mistake: marks with PG_locked but shrink_cache frees any zero-count page, unlocking it only if locked */
/*
 * The mark is set but never relied upon: kswapd frees a zero-count page that
 * __free_pages_ok on another cpu has not yet reached (count just hit 0 in
 * put_page_testzero); that cpu then finds PG_lru clear and frees it again:
 * the 7 Feb double free.
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
	page_cache_get(page);
	__lru_cache_del(page);
	if (PageLocked(page))
		UnlockPage(page);
	page_cache_release(page);
	if (!--*nr_pages)
		return 1;
	return 0;
}
