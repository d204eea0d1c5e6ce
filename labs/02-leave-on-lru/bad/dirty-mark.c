/* rejected by: dirty-leftover */
/* mistake: uses PG_dirty as the 'left on the LRU' mark */
/*
 * PG_dirty is not known clear at entry: free_swap_and_cache and
 * remove_exclusive_swap_page SetPageDirty on pages that then reach count 0
 * (__free_pages_ok only clears it after the LRU test).  Exposed by swap-exit:
 * p0 (pinned by AIO) leaves the swap cache with swap full, is SetPageDirty'd,
 * the exit drops its reference; the AIO irq's put_page takes the count to 0
 * and is preempted before the hook; kswapd on cpu1 sees count 0 + PG_dirty,
 * unlinks and frees p0; the irq then finds PG_lru clear and frees it again:
 * double free.
 */
#include "lab.h"

int lab_free_pages_ok_lru(struct page *page)
{
	if (PageLRU(page)) {
		SetPageDirty(page);
		return 1;
	}
	return 0;
}

int lab_shrink_cache_zero_count(struct page *page, int *nr_pages)
{
	if (PageDirty(page)) {
		page_cache_get(page);
		__lru_cache_del(page);
		ClearPageDirty(page);
		page_cache_release(page);
		if (!--*nr_pages)
			return 1;
	}
	return 0;
}
