/* rejected by: irq-free-safe */
/* mistake: leaves the page only when in_interrupt(); in process context returns 0 with PG_lru still set */
/*
 * A process-context final put of an LRU page (unmap_kiobuf from the task,
 * try_to_unuse, a racing release) reaches __free_pages_ok with PG_lru set and
 * nothing unlinks it: __free_pages_ok BUGs on PageLRU.
 */
#include "lab.h"

int lab_free_pages_ok_lru(struct page *page)
{
	if (PageLRU(page) && in_interrupt()) {
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
		page_cache_release(page);
		if (!--*nr_pages)
			return 1;
	}
	return 0;
}
