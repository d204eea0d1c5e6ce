/* rejected by: irq-free-safe */
/* mistake: marks the page, then returns PageLRU(page) re-read after the mark */
/*
 * Once PG_locked is set the page belongs to shrink_cache: kswapd may already
 * have unlinked and freed it by the time PG_lru is read again.  The re-read
 * then says 0, __free_pages_ok goes on and frees the page a second time
 * (double free, and use after free of the flags).
 */
#include "lab.h"

int lab_free_pages_ok_lru(struct page *page)
{
	if (PageLRU(page)) {
		if (TryLockPage(page))
			BUG();
	}
	return PageLRU(page);
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
