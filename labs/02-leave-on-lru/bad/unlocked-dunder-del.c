/* rejected by: irq-free-safe */
/* mistake: unlinks in __free_pages_ok with __lru_cache_del, believing the __ form is the lock-free one safe in irq */
/*
 * __lru_cache_del does not make the unlink safe without the lock, it means
 * "the caller already holds pagemap_lru_lock".  Here nobody holds it: the
 * irq-time (or any-cpu) list_del races kswapd's list operations under the
 * lock on another cpu, or the interrupted task's own on UP: LRU corruption.
 */
#include "lab.h"

int lab_free_pages_ok_lru(struct page *page)
{
	if (PageLRU(page))
		__lru_cache_del(page);
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
