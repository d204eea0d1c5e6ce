/* rejected by: two-reclaimers */
/* mistake: drops pagemap_lru_lock to use lru_cache_del before taking its reference or clearing the mark */
/*
 * While the lock is dropped the page is still count 0, PG_locked, on the
 * LRU: a second reclaimer (kswapd and a task in try_to_free_pages on another
 * cpu, both in shrink_cache) sees the same flagged page, takes it, unlinks and
 * frees it; this one then page_cache_get()s a free page (use after free), and
 * frees it again.  Exposed by two concurrent shrink_cache callers meeting the
 * same page left by the AIO irq; the lab's scenarios have one reclaimer.
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
		spin_unlock(&pagemap_lru_lock);
		page_cache_get(page);
		lru_cache_del(page);
		UnlockPage(page);
		page_cache_release(page);
		spin_lock(&pagemap_lru_lock);
		if (!--*nr_pages)
			return 1;
	}
	return 0;
}
