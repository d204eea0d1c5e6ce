/* rejected by: reclaimed-in-time */
/* mistake: leaves every LRU page but sets the PG_locked mark only in interrupt context */
/*
 * A page freed in process context while still on the LRU (the task's own
 * unmap_kiobuf after munmap, try_to_unuse) is left with count 0 and no mark.
 * shrink_cache skips unmarked zero-count pages forever: the page never gets
 * back to the free list (leak), and it is never counted as reclaimed.
 * Exposed by put-vs-shrink with the leak checker on (the task's unmap_kiobuf
 * drops the last reference in process context).
 */
#include "lab.h"

int lab_free_pages_ok_lru(struct page *page)
{
	if (PageLRU(page)) {
		if (in_interrupt() && TryLockPage(page))
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
		page_cache_release(page);
		if (!--*nr_pages)
			return 1;
	}
	return 0;
}
