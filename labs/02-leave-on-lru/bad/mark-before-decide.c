/* rejected by: irq-free-safe */
/* mistake: sets PG_locked first, then tests PageLRU and unlocks again if the page is not on the LRU */
/*
 * The mark goes up before the decision is made.  kswapd can see count 0 +
 * PG_locked in that window, unlink and free the page (clearing PG_lru and
 * PG_locked); the freeing cpu then finds PG_lru clear, UnlockPage()s a bit
 * that is no longer set (BUG) or, if kswapd's own __free_pages_ok has relocked
 * it meanwhile, unlocks that one and frees the page a second time.
 */
#include "lab.h"

int lab_free_pages_ok_lru(struct page *page)
{
	if (TryLockPage(page))
		BUG();
	if (!PageLRU(page)) {
		UnlockPage(page);
		return 0;
	}
	return 1;
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
